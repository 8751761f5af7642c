"""Reading .xlsx, .csv and .docx into one shape: a stream of rows of cells, in document order.

Word paragraphs between tables become one-cell rows, so a layout reader sees titles such as
"1.见义勇为基金绩效目标表" or "单位：万元" where they stand. Every cell keeps a reference an
editor can find again (Sheet1!B7, 表3 第5行第2列, 第12段) and says whether it is covered by a
merged cell, because a merged cell continues the value above while an empty one does not.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from gongkai.xlsx import column_letters
from gongkai.editor.importer.text import clean_lines

UP, LEFT = "up", "left"


@dataclass(frozen=True)
class Cell:
    text: str
    ref: str
    merged: str = ""  # "" | "up" (covered by the cell above) | "left" (by the cell to its left)

    @property
    def empty(self) -> bool:
        return not self.text


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    ref: str  # where the row starts
    paragraph: bool = False  # a paragraph outside any table
    part: str = ""  # the worksheet or Word table it belongs to: a table never runs on into the next

    def values(self) -> list[str]:
        """The row's own non-empty texts, merged repeats left out (how a form reads)."""
        return [c.text for c in self.cells if c.text and not c.merged]

    def own(self) -> list[Cell]:
        return [c for c in self.cells if c.text and not c.merged]

    def at(self, col: int) -> Cell | None:
        return self.cells[col] if 0 <= col < len(self.cells) else None


class UnreadableFile(Exception):
    """The file is not a table this importer can open; the message is Chinese."""


def read_rows(path: Path) -> list[Row]:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return read_xlsx(path)
    if suffix == ".csv":
        return read_csv(path)
    if suffix == ".docx":
        return read_docx(path)
    raise UnreadableFile(f"不支持的文件类型“{path.suffix}”：只能导入 .xlsx、.csv 或 .docx（旧的 .xls/.doc 请先用 Excel/Word 另存为新格式）")


def cell_text(value: object) -> str:
    """A spreadsheet value as text; floats keep their shortest exact spelling (3505.9)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")  # type: ignore[union-attr]
    return str(value)


def read_xlsx(path: Path) -> list[Row]:
    from openpyxl import load_workbook
    try:
        book = load_workbook(path, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise UnreadableFile("无法打开 Excel 文件：文件已损坏、有密码保护，或不是 .xlsx 格式（请用 Excel 打开后另存为 .xlsx）") from None
    from gongkai.editor.importer.supplement import SHEET
    rows: list[Row] = []
    for sheet in book.worksheets:
        if sheet.title == SHEET:
            continue  # not part of the form: read by supplement.read_sheet
        covered: dict[tuple[int, int], str] = {}
        for merged in sheet.merged_cells.ranges:
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    if (r, c) != (merged.min_row, merged.min_col):
                        covered[(r, c)] = UP if c == merged.min_col else LEFT
        for r, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = []
            for c, value in enumerate(values, start=1):
                ref = f"{sheet.title}!{column_letters(c - 1)}{r}"
                merged_kind = covered.get((r, c), "")
                cells.append(Cell("" if merged_kind else clean_lines(cell_text(value)), ref, merged_kind))
            while cells and cells[-1].empty and not cells[-1].merged:
                cells.pop()
            if cells:
                rows.append(Row(tuple(cells), f"{sheet.title}!{r}行", part=sheet.title))
    return rows


def read_csv(path: Path) -> list[Row]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile("CSV 文件既不是 UTF-8 也不是 GBK 编码")
    rows: list[Row] = []
    for r, values in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [Cell(clean_lines(v), f"{column_letters(c)}{r}") for c, v in enumerate(values)]
        while cells and cells[-1].empty:
            cells.pop()
        if cells:
            rows.append(Row(tuple(cells), f"第{r}行"))
    return rows


def read_docx(path: Path) -> list[Row]:
    import docx
    from docx.oxml.ns import qn
    try:
        document = docx.Document(str(path))
    except Exception:
        raise UnreadableFile("无法打开 Word 文件：文件已损坏、有密码保护，或不是 .docx 格式（请用 Word 打开后另存为 .docx）") from None
    rows: list[Row] = []
    paragraph_no = table_no = 0
    for child in _blocks(document.element.body):
        if child.tag == qn("w:p"):
            paragraph_no += 1
            text = clean_lines(_paragraph_text(child))
            if text:
                rows.append(Row((Cell(text, f"第{paragraph_no}段"),), f"第{paragraph_no}段", paragraph=True))
        elif child.tag == qn("w:tbl"):
            table_no += 1
            rows.extend(_table_rows(child, table_no))
    return rows


def _blocks(parent: Any) -> Iterator[Any]:
    """Paragraphs and tables in document order, including those inside content controls (w:sdt)."""
    from docx.oxml.ns import qn
    for child in parent.iterchildren():
        if child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _blocks(content)
        else:
            yield child


def _paragraph_text(p: object) -> str:
    from docx.oxml.ns import qn
    parts = []
    for node in p.iter(qn("w:t"), qn("w:br"), qn("w:tab")):  # type: ignore[attr-defined]
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        elif node.tag == qn("w:br"):
            parts.append("\n")
        else:
            parts.append("\t")
    return "".join(parts)


def _table_rows(tbl: object, table_no: int) -> list[Row]:
    from docx.oxml.ns import qn
    rows: list[Row] = []
    for r, tr in enumerate(tbl.findall(qn("w:tr")), start=1):  # type: ignore[attr-defined]
        cells: list[Cell] = []
        for tc in tr.findall(qn("w:tc")):
            pr = tc.find(qn("w:tcPr"))
            span, continues = 1, False
            if pr is not None:
                grid_span = pr.find(qn("w:gridSpan"))
                if grid_span is not None:
                    span = int(grid_span.get(qn("w:val")) or 1)
                v_merge = pr.find(qn("w:vMerge"))
                if v_merge is not None and v_merge.get(qn("w:val")) in (None, "continue"):
                    continues = True
            ref = f"表{table_no}第{r}行第{len(cells) + 1}列"
            text = "\n".join(_paragraph_text(p) for p in tc.iter(qn("w:p")))  # nested tables' text too
            cells.append(Cell("", ref, UP) if continues else Cell(clean_lines(text), ref))
            cells.extend(Cell("", f"表{table_no}第{r}行第{len(cells) + 1}列", LEFT) for _ in range(span - 1))
        rows.append(Row(tuple(cells), f"表{table_no}第{r}行", part=f"表{table_no}"))
    return rows
