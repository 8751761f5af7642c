"""Stage 5: pages through Jinja, with autoescape and StrictUndefined.

The environment is built once; each page gets its own context object and nothing shared
that a template could change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, TypeVar

import jinja2
from markupsafe import Markup

from gongkai import formatting
from gongkai.publish.pages import Page, SiteInfo, department_style
from gongkai.parallel import forked_map, worker_count
from gongkai.writer import FolderWriter, Output

T = TypeVar("T")


def environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        amount=_amount,
        amount_plain=_amount_plain,
        percent=formatting.percent,
        number=formatting.number,
        lines=lambda text: jinja2.filters.Markup(formatting.lines_html(text)),
        markdown=lambda text: jinja2.filters.Markup(formatting.render_markdown(text)),
        plain=formatting.plain_text,
        department_style=department_style,
    )
    return env


def _page_style(context: jinja2.runtime.Context, unit: object) -> formatting.AmountStyle | None:
    """The style an amount filter uses: one given, else the page's (its unit, or another unit
    asked for with the page's decimals when they show it exactly)."""
    if isinstance(unit, formatting.AmountStyle):
        return unit
    style = getattr(context.get("page"), "style", None)
    if style is None or unit in (None, style.unit):
        return style
    return None


@jinja2.pass_context
def _amount(context: jinja2.runtime.Context, value: formatting.Amount | None, unit: object = None) -> Markup:
    """3,505.90 万元 that never breaks between number and unit."""
    style = _page_style(context, unit)
    text = formatting.styled(value, style) if style else formatting.amount(value, unit if isinstance(unit, str) else None)
    return Markup('<span class="amount-text">{}</span>').format(text)


@jinja2.pass_context
def _amount_plain(context: jinja2.runtime.Context, value: formatting.Amount | None, unit: object = None) -> str:
    style = _page_style(context, unit)
    return formatting.styled(value, style, with_unit=False) if style else formatting.amount_plain(value, unit if isinstance(unit, str) else None)


def render_page(env: jinja2.Environment, site: SiteInfo, page: Page) -> bytes:
    template = env.get_template(page.template)
    return template.render(site=site, page=page.context, url=site.prefix + page.url, canonical=site.base_url + page.url).encode("utf-8")


# Below this many pages, starting worker processes costs more than it saves.
CHUNK_PAGES = 64


def render_pages(env: jinja2.Environment, site: SiteInfo, pages: list[Page], jobs: int | None = None) -> dict[str, bytes]:
    """Every page's bytes by output path, in page order; the same bytes with 1 process or many."""
    rendered = _rendered(env, site, pages, lambda page, data: data, jobs)
    return {page.path: data for page, data in zip(pages, rendered)}


def render_into(root: Path, env: jinja2.Environment, site: SiteInfo, pages: list[Page], jobs: int | None = None) -> list[int]:
    """Render pages straight into a staging folder, each written by the process that rendered
    it (nothing large travels back or stays in memory); their sizes in page order."""
    writer = FolderWriter(root)

    def write(page: Page, data: bytes) -> int:
        return writer.write(page.path, data)

    return _rendered(env, site, pages, write, jobs)


def render_to(output: Output, env: jinja2.Environment, site: SiteInfo, pages: list[Page]) -> None:
    """Add the rendered pages to the output: into its staging folder by the workers, or in memory."""
    output.check_new(page.path for page in pages)
    if output.staging is None:
        output.update(render_pages(env, site, pages))
        return
    for page, size in zip(pages, render_into(output.staging, env, site, pages)):
        output.claim(page.path, size)


def _rendered(env: jinja2.Environment, site: SiteInfo, pages: list[Page], finish: Callable[[Page, bytes], T],
              jobs: int | None) -> list[T]:
    """finish(page, its bytes) for every page, in page order, across processes when it pays."""
    workers = worker_count(len(pages), jobs)
    if workers == 1:
        return [finish(page, render_page(env, site, page)) for page in pages]
    for name in {page.template for page in pages}:
        env.get_template(name)  # compiled once here, inherited by every worker
    chunks = [(start, min(start + CHUNK_PAGES, len(pages))) for start in range(0, len(pages), CHUNK_PAGES)]

    def render_chunk(index: int) -> list[T]:
        start, end = chunks[index]
        return [finish(page, render_page(env, site, page)) for page in pages[start:end]]

    return [result for chunk in forked_map(render_chunk, len(chunks), workers) for result in chunk]
