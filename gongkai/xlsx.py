"""A small XLSX writer for the open-data tables: one header row (bold, frozen) and rows of text
and numbers, one sheet per table, byte-identical between builds.

Why not XlsxWriter (used until issue 7): every project page has its own workbook, so a site of
10,000 projects writes over 10,000 workbooks, and XlsxWriter's fixed cost per workbook (objects,
theme, shared-string table, packaging) plus ~5 µs per cell made the XLSX files most of the export
stage. Our tables are the simplest a spreadsheet can hold, so this module writes the few parts a
workbook needs from precomputed text, and encodes each row once (`Layout.row`): the same encoded
row goes into the project's, the department's, the year's and the whole site's workbook.

What a reader sees is what XlsxWriter wrote before (tests/test_exports.py compares the cells as
openpyxl reads them):
- strings are inline strings (t="inlineStr"), never formulas or links, so "=1+1" stays text;
- numbers are written as XlsxWriter wrote them, a float with 16 significant digits (%.16G);
- characters XML 1.0 forbids (C0 controls but tab and line feed, U+FFFE, U+FFFF) and a carriage
  return become Excel's _xHHHH_ escapes, and a literal _xHHHH_ is escaped as _x005F_xHHHH_, as
  Excel and XlsxWriter do, so Excel shows the original text (openpyxl shows the escapes);
- text longer than Excel's cell limit (32,767 UTF-16 units) is cut at the limit;
- a sheet holds at most Excel's 1,048,576 rows: more is an error, not a silently shorter table
  (XlsxWriter dropped the rows past the limit);
- a string of the form "<r>…</r>" is text like any other (XlsxWriter wrote it as raw rich-text XML).
Files are deterministic: fixed document dates, fixed zip member times and attributes.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple, Sequence
from xml.sax.saxutils import escape, quoteattr

TEXT, INTEGER, NUMBER, AMOUNT = "text", "integer", "number", "amount"
MAX_PLACES = 8  # decimals a number format is made for; more are shown as General
ROW = "\x00"  # where an encoded row carries its row number; a real \x00 is always escaped
_ROW = ROW.encode()
MAX_ROWS = 1_048_576
MAX_TEXT = 32_767  # UTF-16 units
_INF = float("inf")

_NEEDS_ESCAPE = re.compile("[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_MAYBE_ESCAPED = re.compile("[&<>\x00-\x08\x0b-\x1f\ufffe\uffff_]")  # text without any of these needs no escaping
_EXCEL_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)|([\x00-\x08\x0b-\x1f\ufffe\uffff])")

_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_TIME = "2000-01-01T00:00:00Z"


def _excel_escape(match: re.Match[str]) -> str:
    if match.group(1):
        return "_x005F" + match.group(1)
    return f"_x{ord(match.group(2)):04X}_"


def _truncated(text: str) -> str:
    """At most MAX_TEXT UTF-16 units, never splitting a character above U+FFFF."""
    if len(text) <= MAX_TEXT // 2 or len(text.encode("utf-16-le", "surrogatepass")) // 2 <= MAX_TEXT:
        return text
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > MAX_TEXT:
            return text[:index]
    return text


def text_xml(text: str) -> str:
    """The <t> element holding `text` as Excel reads it back."""
    text = _truncated(text)
    if _NEEDS_ESCAPE.search(text):
        text = escape(_EXCEL_ESCAPE.sub(_excel_escape, text))
    if text[:1].isspace() or text[-1:].isspace():
        return f'<t xml:space="preserve">{text}</t>'
    return f"<t>{text}</t>"


def number_text(value: float) -> str:
    """As XlsxWriter wrote numbers: 16 significant digits."""
    if value != value or value in (_INF, -_INF):
        raise ValueError(f"XLSX cells cannot hold {value}")
    return f"{value:.16G}"


def column_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _places(value: str) -> int:
    """Decimals as the value is written: '3505.90' → 2, '95' → 0."""
    dot = value.find(".")
    return 0 if dot < 0 else len(value) - dot - 1


def number_style(kind: str, value: str) -> int:
    """The cell format (index into cellXfs) that shows a number with the decimals it has: amounts
    with thousands separators and at least two decimals (3,505.90 as on the pages), other numbers
    as written (99.9)."""
    places = _places(value.lstrip("-").split("E")[0].split("e")[0])
    if places > MAX_PLACES:
        return 0
    if kind == AMOUNT:
        return _AMOUNT_STYLE + max(places, 2) - 2
    return _NUMBER_STYLE + places


def text_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: CJK and full-width characters count two."""
    return sum(2 if ord(ch) >= 0x1100 else 1 for ch in text)


@dataclass(frozen=True)
class Layout:
    """A table's columns and how each is typed; encodes rows for any workbook holding the table."""
    header: tuple[str, ...]
    kinds: tuple[str, ...]
    widths: tuple[float, ...] = ()  # column widths in characters; () for the header's own widths

    @cached_property
    def header_xml(self) -> str:
        cells = "".join(f'<c s="1" t="inlineStr"><is>{text_xml(name)}</is></c>' for name in self.header)
        return f'<row r="1">{cells}</row>'

    @cached_property
    def _cells(self) -> tuple[tuple[str, str], ...]:
        """Per column: its kind and how its cells start (a number cell's style attribute follows,
        as it depends on the value's decimals). Cells carry no reference (r="S1"): they are read in
        column order, an empty one as <c/>, so that no cell address in the XML can spell a withheld
        code for the leak audit."""
        return tuple((kind, "<c" + (' t="inlineStr"><is>' if kind == TEXT else "")) for kind in self.kinds)

    @cached_property
    def cols_xml(self) -> str:
        widths = self.widths or tuple(max(8, text_width(h) + 3) for h in self.header)
        cols = "".join(f'<col min="{j}" max="{j}" width="{w:g}" customWidth="1"/>' for j, w in enumerate(widths, 1))
        return f"<cols>{cols}</cols>"

    def row(self, values: Sequence[str]) -> bytes:
        """One row's XML, UTF-8, with ROW where its number goes; an empty value is an empty cell
        (left out at the end of the row)."""
        if len(values) != len(self.kinds):
            raise ValueError(f"{len(values)} values for {len(self.kinds)} columns")
        joined = "".join(values)  # one search for the whole row: most rows have nothing to escape
        plain = len(joined) <= MAX_TEXT // 2 and not _MAYBE_ESCAPED.search(joined)
        cells = []
        for (kind, start), value in zip(self._cells, values):
            if not value:
                cells.append("<c/>")
                continue
            if kind == INTEGER:
                cells.append(start + "><v>" + number_text(float(int(value))) + "</v></c>")
            elif kind != TEXT:
                style = number_style(kind, value)
                cells.append(start + (f' s="{style}"><v>' if style else "><v>") + number_text(float(value)) + "</v></c>")
            elif plain and not (value[0].isspace() or value[-1].isspace()):
                cells.append(start + "<t>" + value + "</t></is></c>")
            else:
                cells.append(start + text_xml(value) + "</is></c>")
        while cells and cells[-1] == "<c/>":
            cells.pop()
        return f'<row r="{ROW}">{"".join(cells)}</row>'.encode("utf-8")


def layout(header: Sequence[str], kinds: Sequence[str], widths: Sequence[float] = ()) -> Layout:
    if len(header) != len(kinds) or not 0 < len(header) <= 16_384:
        raise ValueError("a layout needs one kind per column, 1 to 16,384 columns")
    if set(kinds) - {TEXT, INTEGER, NUMBER, AMOUNT}:
        raise ValueError(f"unknown column kinds {set(kinds) - {TEXT, INTEGER, NUMBER, AMOUNT}}")
    if widths and len(widths) != len(header):
        raise ValueError("a layout needs one width per column, or none")
    return Layout(tuple(header), tuple(kinds), tuple(widths))


Sheet = tuple[str, Layout, Sequence[bytes]]  # title, columns, encoded rows (Layout.row)


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """An .xlsx file with one sheet per (title, layout, rows); the first sheet is the one shown."""
    if not sheets:
        raise ValueError("a workbook needs at least one sheet")
    members = _package_parts(tuple(title for title, _, _ in sheets))
    members += [_member(f"xl/worksheets/sheet{number}.xml", _sheet_xml(columns, rows, number == 1))
                for number, (_, columns, rows) in enumerate(sheets, 1)]
    return _zip(members)


def _sheet_xml(columns: Layout, rows: Sequence[bytes], selected: bool) -> bytes:
    if len(rows) + 1 > MAX_ROWS:
        raise ValueError(f"a sheet holds at most {MAX_ROWS - 1} rows below its header, not {len(rows)}")
    last = f"{column_letters(len(columns.header) - 1)}{len(rows) + 1}"
    tab = ' tabSelected="1"' if selected else ""
    body = b"".join([row.replace(_ROW, b"%d" % n) for n, row in enumerate(rows, 2)])
    head = (f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><dimension ref="A1:{last}"/>'
            f'<sheetViews><sheetView{tab} workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            f'<selection pane="bottomLeft"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
            f'{columns.cols_xml}<sheetData>{columns.header_xml}').encode("utf-8")
    # An autofilter over the header and every row: each column can be sorted and filtered at once.
    return head + body + f'</sheetData><autoFilter ref="A1:{last}"/>'.encode("ascii") + _SHEET_END


_SHEET_END = b'<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'


# ---- zip: written here rather than with zipfile, so the parts every workbook shares are
# compressed once per build instead of once per workbook ----

_DOS_DATE, _DOS_TIME = (0 << 9) | (1 << 5) | 1, 0  # 1980-01-01 00:00:00, the earliest zip time
_MADE_BY = (3 << 8) | 20  # Unix, zip 2.0: the same bytes whatever system builds the site
_LEVEL = 3  # deflate level: 6 (zlib's default) took twice the time for 9 % smaller sheets


class _Member(NamedTuple):
    name: bytes
    crc: int
    size: int
    data: bytes  # raw deflate


def _member(name: str, data: bytes) -> _Member:
    deflate = zlib.compressobj(_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return _Member(name.encode("ascii"), zlib.crc32(data), len(data), deflate.compress(data) + deflate.flush())


def _zip(members: list[_Member]) -> bytes:
    """A zip archive of deflated members with fixed times and attributes (no zip64: < 4 GB)."""
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for m in members:
        fields = (20, 0, zipfile.ZIP_DEFLATED, _DOS_TIME, _DOS_DATE, m.crc, len(m.data), m.size, len(m.name), 0)
        local = struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields)
        central.append(struct.pack("<4sH5H3L5H2L", b"PK\x01\x02", _MADE_BY, *fields, 0, 0, 0, 0o600 << 16, offset) + m.name)
        out += (local, m.name, m.data)
        offset += len(local) + len(m.name) + len(m.data)
    directory = b"".join(central)
    if offset + len(directory) > 0xFFFFFFFF:
        raise ValueError("a workbook over 4 GB needs zip64, which this writer does not write")
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), offset, 0)
    return b"".join(out) + directory + end


_PARTS_CACHE: dict[tuple[str, ...], list[_Member]] = {}


def _package_parts(titles: tuple[str, ...]) -> list[_Member]:
    """Everything but the sheets, compressed: the same for every workbook with these sheet titles."""
    if titles not in _PARTS_CACHE:
        _PARTS_CACHE[titles] = [_member(name, text.encode("utf-8")) for name, text in _static_parts(titles)]
    return list(_PARTS_CACHE[titles])


def _static_parts(titles: tuple[str, ...]) -> list[tuple[str, str]]:
    sheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{sheet}"/>' for n in range(1, len(titles) + 1))
    content_types = (
        f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f'{overrides}</Types>')
    package_rels = (
        f'{_XML}<Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
        f'<Relationship Id="rId2" Type="{_PKG_REL}/metadata/core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/></Relationships>')
    core = (
        f'{_XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        '<dc:creator>gongkai</dc:creator><cp:lastModifiedBy>gongkai</cp:lastModifiedBy>'
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{_DOC_TIME}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{_DOC_TIME}</dcterms:modified></cp:coreProperties>')
    names = "".join(f"<vt:lpstr>{escape(t)}</vt:lpstr>" for t in titles)
    app = (
        f'{_XML}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><Application>gongkai</Application>'
        '<HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant>'
        f'<vt:variant><vt:i4>{len(titles)}</vt:i4></vt:variant></vt:vector></HeadingPairs>'
        f'<TitlesOfParts><vt:vector size="{len(titles)}" baseType="lpstr">{names}</vt:vector></TitlesOfParts></Properties>')
    sheets = "".join(f'<sheet name={quoteattr(t)} sheetId="{n}" r:id="rId{n}"/>' for n, t in enumerate(titles, 1))
    workbook_xml = (f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews>'
                    f'<sheets>{sheets}</sheets></workbook>')
    sheet_rels = "".join(f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                         for n in range(1, len(titles) + 1))
    workbook_rels = (f'{_XML}<Relationships xmlns="{_PKG_REL}">{sheet_rels}'
                     f'<Relationship Id="rId{len(titles) + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>')
    return [("[Content_Types].xml", content_types), ("_rels/.rels", package_rels), ("docProps/app.xml", app),
            ("docProps/core.xml", core), ("xl/workbook.xml", workbook_xml), ("xl/_rels/workbook.xml.rels", workbook_rels),
            ("xl/styles.xml", _STYLES)]


# Cell formats: 0 plain, 1 bold (the header), then amounts with 2…MAX_PLACES decimals and thousands
# separators (#,##0.00), then numbers with 0…MAX_PLACES decimals (0.0). Excel requires the two default fills.
_AMOUNT_STYLE = 2
_NUMBER_STYLE = _AMOUNT_STYLE + MAX_PLACES - 1
_FORMATS = ([f"#,##0.{'0' * d}" for d in range(2, MAX_PLACES + 1)] + ["0"] + [f"0.{'0' * d}" for d in range(1, MAX_PLACES + 1)])
_NUMBER_FORMATS = "".join(f'<numFmt numFmtId="{164 + i}" formatCode="{code}"/>' for i, code in enumerate(_FORMATS))
_NUMBER_XFS = "".join(f'<xf numFmtId="{164 + i}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
                      for i in range(len(_FORMATS)))
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_MAIN}">'
    f'<numFmts count="{len(_FORMATS)}">{_NUMBER_FORMATS}</numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    f'<cellXfs count="{2 + len(_FORMATS)}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    f'<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>{_NUMBER_XFS}</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
