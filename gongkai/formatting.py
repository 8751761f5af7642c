"""How numbers, amounts and text look on the page: as the sources print them."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

import markdown as md
import nh3
from markupsafe import escape

from gongkai.values import UNIT_FACTORS, Amount

_ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre", "a", "table",
                 "thead", "tbody", "tr", "th", "td", "h3", "h4", "sup", "sub", "span", "del"}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": {"colspan", "rowspan"}, "th ": set()}


MAX_PLACES = 6  # 元 amounts with 分 shown in 万元: 0.01 元 is 0.000001 万元


@dataclass(frozen=True)
class AmountStyle:
    """How one page shows amounts, so that they compare at a glance: one unit (its department's,
    as the source had it) and one number of decimals (the most precise amount's)."""

    unit: str
    places: int


def decimals(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def amount_style(amounts: Iterable[Amount | None], unit: str) -> AmountStyle:
    """The style that shows every one of `amounts` exactly in `unit`, with at least two decimals."""
    factor = UNIT_FACTORS[unit]
    places = [min(MAX_PLACES, decimals(a.yuan / factor)) for a in amounts if a is not None]
    return AmountStyle(unit, max([2, *places]))


def number(value: Decimal, min_places: int = 2, places: int | None = None) -> str:
    """Thousands separators and `places` decimals; without `places`, at least two and more where
    the source has them (52.0914)."""
    if places is None:
        places = max(min_places, decimals(value))
    return f"{value:,.{places}f}"


def amount(value: Amount | None, unit: str | None = None, places: int | None = None) -> str:
    """An amount in the unit its source used (or `unit`), e.g. 3,505.90 万元."""
    if value is None:
        return "不公开"
    return f"{amount_plain(value, unit, places)} {unit or value.unit}"


def amount_plain(value: Amount | None, unit: str | None = None, places: int | None = None) -> str:
    """The number alone, for tables whose header names the unit."""
    if value is None:
        return "不公开"
    return number(value.yuan / UNIT_FACTORS[unit or value.unit], places=places)


def styled(value: Amount | None, style: AmountStyle, with_unit: bool = True) -> str:
    """An amount as a page in `style` shows it."""
    if with_unit:
        return amount(value, style.unit, style.places)
    return amount_plain(value, style.unit, style.places)


def percent(value: Decimal) -> str:
    """Shares and changes: one decimal (50.0%)."""
    return f"{value:.1f}%"


def share(part: Decimal, whole: Decimal) -> str:
    if not whole:
        return "—"
    return percent(part * 100 / whole)


def signed_percent(now: Decimal, before: Decimal) -> str:
    """A change against an earlier value, e.g. +12.0%."""
    if not before:
        return "—"
    return f"{(now - before) * 100 / before:+.1f}%"


def render_markdown(text: str | None) -> str:
    """Markdown (and the HTML pasted from Word that sources carry) to safe HTML."""
    if not text:
        return ""
    return _safe_html(text)


@functools.lru_cache(maxsize=None)
def _converter() -> md.Markdown:
    # One converter, reset before each text: building a Markdown instance (its pattern registry)
    # cost more than converting the short texts of a project page.
    return md.Markdown(extensions=["sane_lists"], output_format="html")


@functools.lru_cache(maxsize=4096)  # the same goal or purpose text appears on several pages
def _safe_html(text: str) -> str:
    html = _converter().reset().convert(text)
    return nh3.clean(html, tags=_ALLOWED_TAGS, attributes={"a": {"href", "title"}, "th": {"scope"}, "td": {"colspan", "rowspan"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")


def lines_html(text: str | None) -> str:
    """A table cell's text with its line breaks kept (a two-line 指标值 stays two lines), escaped."""
    if not text:
        return ""
    return "<br>".join(str(escape(line)) for line in text.splitlines())  # escaped as Jinja escapes (quotes too)


def plain_text(text: str | None) -> str:
    """Text without markup, for meta descriptions, search records and exports."""
    if not text:
        return ""
    return " ".join(nh3.clean(text, tags=set()).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").split())


# Excel and WPS run a CSV cell that starts with = + - @ (or a tab/CR before one) as a formula:
# =HYPERLINK(…) in a project name would become a live link in every downloaded spreadsheet.
# Plain signed numbers (-5, +10%) stay as they are.
_FORMULA_START = re.compile(r"(?:[=@].|[+-](?!\d+(?:\.\d+)?%?$).|[\t\r])", re.S)


def spreadsheet_text(text: str) -> str:
    """A CSV cell a spreadsheet shows but never runs: a leading apostrophe (OWASP's advice)."""
    return "'" + text if _FORMULA_START.match(text) else text
