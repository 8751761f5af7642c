"""Reading an indicator table (一级/二级/三级指标 …) out of the row stream.

Forms merge the 一级 and 二级 cells over the rows they cover; a merged cell continues the value
above, an empty unmerged cell means the source left it out. CSV has no merges, so there an empty
一级/二级 continues the row above. A repeated header row (a table running over a page) is
skipped, and a row with no 三级指标 but other text is the previous row carried over a page break.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gongkai.editor.importer.grid import UP, Row
from gongkai.editor.importer.result import Imported
from gongkai.editor.importer.text import label, one_line

LABELS = ("一级指标", "二级指标")
TEXT_KEYS = ("三级指标", "绩效指标描述", "指标值", "指标值确定依据", "绩效标准")


def header_columns(row: Row) -> dict[int, str] | None:
    """Column → key when the row is an indicator table's header row (header words as forms.column_key
    reads them: 指标名称, 目标值, 一级, 依据 … as well as the seeds' own)."""
    from gongkai.editor.importer.forms import header_keys
    columns = header_keys([c.text if not c.merged else "" for c in row.cells])
    keys = set(columns.values()) if columns else set()
    return columns if columns and {"一级指标", "三级指标"} <= keys and len(keys) >= 4 else None


@dataclass
class IndicatorRow:
    values: dict[str, str]
    ref: str
    period: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class IndicatorTable:
    """Feed rows after a header; `rows` collects the indicators read so far."""

    columns: dict[int, str]
    result: Imported
    fill_empty: bool  # True for CSV, which cannot mark merged cells
    rows: list[IndicatorRow] = field(default_factory=list)
    carried: dict[str, str] = field(default_factory=dict)
    after_break: bool = False  # the row after a repeated header: empty 一级/二级 cells continue

    def feed(self, row: Row) -> bool:
        """Take a row of the table; False when the row does not belong to it (the table ended)."""
        if row.paragraph:
            return False
        columns = header_columns(row)
        if columns is not None:
            self.columns = columns  # a header repeated after a page break, or the form's second header
            self.after_break = bool(self.rows)
            return True
        read: dict[str, str] = {}
        merged: set[str] = set()
        for col, key in self.columns.items():
            cell = row.at(col)
            if cell is None:
                continue
            if cell.merged == UP:
                merged.add(key)  # a cell merged from the left is part of another column's value
            elif cell.text:
                read[key] = cell.text
        extra = [c for i, c in enumerate(row.cells) if i not in self.columns and c.text and not c.merged]
        if not read and not merged:
            return not extra  # an empty row inside the table
        if "三级指标" not in read and "三级指标" not in merged:
            if not ({"一级指标", "二级指标", "$period"} & read.keys()) and self.rows and read:
                self._continue_previous(read)
                return True
            if "指标值" not in read:
                return False  # a row of the form after the table (审核意见 …): the table has ended
        values: dict[str, str] = {}
        notes: list[str] = []
        for key in ("$period",) + LABELS:
            if key in read:
                values[key] = label(read[key])
            elif key in merged or ((self.fill_empty or self.after_break) and key in self.carried):
                if key in self.carried:
                    values[key] = self.carried[key]
            elif key == "二级指标" and key in self.columns.values():
                notes.append("来源二级指标单元格为空")
        for key in LABELS + ("$period",):
            if key in values:
                self.carried[key] = values[key]
            elif key in self.carried and key not in merged and not self.after_break:
                del self.carried[key]
        for key in TEXT_KEYS + ("分类编码",):
            if key in read:
                values[key] = one_line(read[key]) if key != "分类编码" else label(read[key])
        if "涉密" in read:
            values["涉密"] = read["涉密"]
        for cell in extra:
            self.result.skip(cell.ref, cell.text, "指标表中此列无法对应")
        missing = [k for k in ("一级指标", "三级指标", "指标值") if k not in values]
        if missing:
            shown = " / ".join(c.text for c in row.own())
            self.result.skip(row.ref, shown, f"指标行缺少{'、'.join(missing)}，未导入")
            return True
        self.after_break = False
        period = values.pop("$period", None)
        self.rows.append(IndicatorRow(values, row.ref, period, notes))
        return True

    def _continue_previous(self, read: dict[str, str]) -> None:
        previous = self.rows[-1].values
        for key, text in read.items():
            if key in TEXT_KEYS:
                previous[key] = previous.get(key, "") + one_line(text)


def indicator_dicts(rows: list[IndicatorRow]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        item: dict[str, Any] = dict(row.values)
        if "涉密" in item:
            item["涉密"] = item["涉密"] in ("是", "true", "True", "涉密")
        out.append(item)
    return out
