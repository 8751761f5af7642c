"""Charts as inline SVG, drawn at build time: no chart library, no script.

Every chart carries its own <title> and <desc> (named by aria-labelledby), and the same numbers
as a list of rows that the templates print as a table beside it, so nothing is only visual.
All text placed in the SVG is escaped here; the templates mark the result safe.

Each chart is drawn twice: for a column of 40rem, and for a phone (NARROW_WIDTH, horizontal
bars with their labels above them), so that its text is never drawn smaller than 12 CSS px; the
stylesheet shows the one that fits.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

WIDTH = 640
NARROW_WIDTH = 300  # drawn at about 1:1 in a 328 px column (a 360 px phone less the margins)
FONT_SIZE = 13
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
    svg: Markup  # for a column of 40rem
    svg_narrow: Markup = Markup("")  # for a phone: horizontal bars, labels above them


def _number(value: Decimal) -> str:
    """Plain numbers for SVG coordinates: never exponent form, two decimals at most."""
    return f"{value.quantize(Decimal('0.01')).normalize():f}"


def _scale(rows: tuple[ChartRow, ...]) -> Decimal:
    values = [r.value for r in rows if r.value is not None and r.value > 0]
    return max(values) if values else Decimal(1)


def _svg_open(chart_id: str, title: str, description: str, height: int, width: int = WIDTH) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'preserveAspectRatio="xMinYMin meet" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]


def text_width(text: str, size: int = FONT_SIZE) -> float:
    """Roughly how wide text is drawn: Chinese characters one em, others about half."""
    return sum(size if ord(c) > 0x2E7F else size * 0.6 for c in text)


def label_lines(text: str, width: float, limit: int = 2) -> list[str]:
    """A label broken into lines that fit `width`; the last one clipped (the table has it whole)."""
    lines: list[str] = []
    current = ""
    for char in text:
        if text_width(current + char) > width and current:
            lines.append(current)
            current = ""
        current += char
    lines.append(current)
    if len(lines) > limit:
        last = lines[limit - 1]
        while last and text_width(last + "…") > width:
            last = last[:-1]
        lines = lines[:limit - 1] + [last + "…"]
    return lines


def _bars(chart_id: str, title: str, description: str, rows: tuple[ChartRow, ...], width: int, scale: Decimal,
          lines: int) -> Markup:
    """Horizontal bars, each label above its bar (on up to `lines` lines) and the value at its end."""
    line_height, bar_height = FONT_SIZE + 4, 16
    widest_value = max((text_width(r.shown) for r in rows), default=0)
    bar_room = Decimal(max(width * 0.4, width - widest_value - 8))
    parts: list[str] = []
    y = 8
    for row in rows:
        for line in label_lines(row.label, width, lines):
            parts.append(f'<text x="0" y="{y + FONT_SIZE}" font-size="{FONT_SIZE}" fill="{TEXT_COLOUR}">{escape(line)}</text>')
            y += line_height
        if row.value is None or row.value <= 0:
            parts.append(f'<text x="0" y="{y + 13}" font-size="{FONT_SIZE}" fill="{MUTED_COLOUR}">{escape(row.shown)}</text>')
        else:
            bar = max(Decimal(1), row.value * bar_room / scale)
            parts.append(f'<rect x="0" y="{y + 2}" width="{_number(bar)}" height="{bar_height}" fill="{BAR_COLOUR}"/>')
            parts.append(f'<text x="{_number(bar + 6)}" y="{y + 15}" font-size="{FONT_SIZE}" fill="{TEXT_COLOUR}">{escape(row.shown)}</text>')
        y += bar_height + 12
    head = _svg_open(chart_id, title, description, y + 4, width)
    return Markup("".join(head + parts + ["</svg>"]))


def _narrow(chart_id: str, title: str, description: str, rows: tuple[ChartRow, ...], maximum: Decimal | None) -> Markup:
    return _bars(f"{chart_id}-narrow", title, description, rows, NARROW_WIDTH, maximum or _scale(rows), lines=2)


def horizontal_bars(chart_id: str, title: str, description: str, label_heading: str, value_heading: str,
                    rows: tuple[ChartRow, ...]) -> Chart:
    """One bar per row, label above its bar and the value at its end: long Chinese names fit."""
    wide = _bars(chart_id, title, description, rows, WIDTH, _scale(rows), lines=1)
    return Chart(chart_id, title, description, value_heading, label_heading, rows, wide,
                 _narrow(chart_id, title, description, rows, None))


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
    return Chart(chart_id, title, description, value_heading, label_heading, rows, Markup("".join(parts)),
                 _narrow(chart_id, title, description, rows, maximum))


def _clip(text: str, limit: int) -> str:
    """Labels in the drawing are clipped; the table beside it has them whole."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
