"""How numbers, amounts and text look on the page: as the sources print them."""

from __future__ import annotations

import functools
import re
from decimal import Decimal

import markdown as md
import nh3
from markupsafe import escape

from gongkai.values import UNIT_FACTORS, Amount

_ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre", "a", "table",
                 "thead", "tbody", "tr", "th", "td", "h3", "h4", "sup", "sub", "span", "del"}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": {"colspan", "rowspan"}, "th ": set()}


def number(value: Decimal, min_places: int = 2) -> str:
    """Thousands separators and at least two decimals, more where the source has them (52.0914)."""
    normal = value.normalize()
    places = max(min_places, -normal.as_tuple().exponent if normal.as_tuple().exponent < 0 else 0)
    return f"{value:,.{places}f}"


def amount(value: Amount | None, unit: str | None = None) -> str:
    """An amount in the unit its source used (or `unit`), e.g. 3,505.90 万元."""
    if value is None:
        return "不公开"
    return f"{amount_plain(value, unit)} {unit or value.unit}"


def amount_plain(value: Amount | None, unit: str | None = None) -> str:
    """The number alone, for tables whose header names the unit."""
    if value is None:
        return "不公开"
    return number(value.yuan / UNIT_FACTORS[unit or value.unit])


def percent(value: Decimal) -> str:
    return f"{value.normalize():f}%"


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
