"""Charts as inline SVG, drawn at build time: no chart library, no script.

Every chart carries its own <title> and <desc> (named by aria-labelledby), and the same numbers
as a list of rows that the templates print as a table beside it, so nothing is only visual.
All text placed in the SVG is escaped here; the templates mark the result safe.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

WIDTH = 640
BAR_COLOUR = "#9b1c1c"  # the site's accent; 7.5:1 against white
TEXT_COLOUR = "#1a1a1a"
MUTED_COLOUR = "#555555"
GRID_COLOUR = "#d0d0d0"


@dataclass(frozen=True)
class ChartRow:
    """One bar: its label, its value as a number (for drawing) and as shown (for reading)."""

    label: str
    value: Decimal | None  # None when the value is not published: no bar is drawn
    shown: str


@dataclass(frozen=True)
class Chart:
    """A drawn chart and the table of the same numbers."""

    id: str  # unique on its page; the SVG's title and desc ids derive from it
    title: str
    description: str  # the text alternative, also shown as the figure caption
    value_heading: str  # column heading of the numbers in the table, with unit
    label_heading: str
    rows: tuple[ChartRow, ...]
    svg: Markup


def _number(value: Decimal) -> str:
    """Plain numbers for SVG coordinates: never exponent form, two decimals at most."""
    return f"{value.quantize(Decimal('0.01')).normalize():f}"


def _scale(rows: tuple[ChartRow, ...]) -> Decimal:
    values = [r.value for r in rows if r.value is not None and r.value > 0]
    return max(values) if values else Decimal(1)


def _svg_open(chart_id: str, title: str, description: str, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'preserveAspectRatio="xMinYMin meet" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]


def horizontal_bars(chart_id: str, title: str, description: str, label_heading: str, value_heading: str,
                    rows: tuple[ChartRow, ...]) -> Chart:
    """One bar per row, label above its bar and the value at its end: long Chinese names fit."""
    top, row_height, label_width = 8, 44, WIDTH - 150
    height = top + row_height * len(rows) + 8
    scale = _scale(rows)
    parts = _svg_open(chart_id, title, description, height)
    for i, row in enumerate(rows):
        y = top + i * row_height
        parts.append(f'<text x="0" y="{y + 14}" font-size="13" fill="{TEXT_COLOUR}">{escape(_clip(row.label, 44))}</text>')
        if row.value is None or row.value <= 0:
            parts.append(f'<text x="0" y="{y + 34}" font-size="13" fill="{MUTED_COLOUR}">{escape(row.shown)}</text>')
            continue
        width = max(Decimal(1), row.value * label_width / scale)
        parts.append(f'<rect x="0" y="{y + 20}" width="{_number(width)}" height="16" fill="{BAR_COLOUR}"/>')
        parts.append(f'<text x="{_number(width + 6)}" y="{y + 33}" font-size="13" fill="{TEXT_COLOUR}">{escape(row.shown)}</text>')
    parts.append("</svg>")
    return Chart(chart_id, title, description, value_heading, label_heading, rows, Markup("".join(parts)))


def vertical_bars(chart_id: str, title: str, description: str, label_heading: str, value_heading: str,
                  rows: tuple[ChartRow, ...], maximum: Decimal | None = None) -> Chart:
    """Columns over a baseline, for months of a plan or years of a department."""
    height, top, bottom, left = 240, 24, 36, 8
    plot = height - top - bottom
    slot = Decimal(WIDTH - left * 2) / max(1, len(rows))
    bar = min(Decimal(72), slot * Decimal("0.6"))
    scale = maximum or _scale(rows)
    parts = _svg_open(chart_id, title, description, height)
    base_y = top + plot
    parts.append(f'<line x1="0" y1="{base_y}" x2="{WIDTH}" y2="{base_y}" stroke="{GRID_COLOUR}" stroke-width="1"/>')
    for i, row in enumerate(rows):
        centre = left + slot * i + slot / 2
        parts.append(f'<text x="{_number(centre)}" y="{base_y + 22}" font-size="13" text-anchor="middle" fill="{TEXT_COLOUR}">{escape(_clip(row.label, 12))}</text>')
        if row.value is None or row.value <= 0:
            parts.append(f'<text x="{_number(centre)}" y="{base_y - 6}" font-size="12" text-anchor="middle" fill="{MUTED_COLOUR}">{escape(row.shown)}</text>')
            continue
        h = max(Decimal(1), row.value * plot / scale)
        parts.append(f'<rect x="{_number(centre - bar / 2)}" y="{_number(base_y - h)}" width="{_number(bar)}" height="{_number(h)}" fill="{BAR_COLOUR}"/>')
        parts.append(f'<text x="{_number(centre)}" y="{_number(base_y - h - 6)}" font-size="12" text-anchor="middle" fill="{TEXT_COLOUR}">{escape(row.shown)}</text>')
    parts.append("</svg>")
    return Chart(chart_id, title, description, value_heading, label_heading, rows, Markup("".join(parts)))


def _clip(text: str, limit: int) -> str:
    """Labels in the drawing are clipped; the table beside it has them whole."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
