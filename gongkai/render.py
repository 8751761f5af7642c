"""Stage 5: pages through Jinja, with autoescape and StrictUndefined.

The environment is built once; each page gets its own context object and nothing shared
that a template could change.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from . import formatting
from .pages import Page, SiteInfo


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
        amount=formatting.amount,
        amount_plain=formatting.amount_plain,
        percent=formatting.percent,
        number=formatting.number,
        markdown=lambda text: jinja2.filters.Markup(formatting.render_markdown(text)),
        plain=formatting.plain_text,
    )
    return env


def render_page(env: jinja2.Environment, site: SiteInfo, page: Page) -> bytes:
    template = env.get_template(page.template)
    return template.render(site=site, page=page.context, url=site.prefix + page.url, canonical=site.base_url + page.url, **page.extra).encode("utf-8")


def render_pages(env: jinja2.Environment, site: SiteInfo, pages: list[Page]) -> dict[str, bytes]:
    return {page.path: render_page(env, site, page) for page in pages}
