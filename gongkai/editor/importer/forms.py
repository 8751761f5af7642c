"""Project forms in any layout, found by their headers and structure rather than by a fixed grid.

Provinces lay the same 项目支出绩效目标表 out differently: the labels vary (指标名称 for 三级指标,
目标值 for 指标值, 一级 for 一级指标, 依据 for 指标值确定依据), columns come in another order, the
indicator table's header runs over two rows (指标值 over 中期 | 年度), money and goals have a
column per period (中期 | 年度), and 一级/二级 cells are merged down or left blank on the rows that
continue them. This reader takes a form to start at its 项目名称 label and sorts each row by what
it holds: label–value pairs, money, goals per period, or the indicator table. Whatever it cannot
place is listed with its cell reference (Imported.skip); no row is dropped silently.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from gongkai.editor.importer.grid import LEFT, UP, Cell, Row
from gongkai.editor.importer.indicators import IndicatorRow, indicator_dicts
from gongkai.editor.importer.result import Imported, ImportedDepartment, ImportedProject, ImportedUnit
from gongkai.editor.importer.text import convert, label, one_line, paragraphs, parse_amount, unit_of
from gongkai.source import schema as S

PERIOD_WORDS = (("中期", "中期目标"), ("长期", "长期目标"), ("年度", "年度目标"), ("当年", "年度目标"), ("本年", "年度目标"))
PAIR_LABELS = {
    "项目名称": "项目名称", "项目全称": "项目名称", "项目编码": "项目编码", "项目代码": "项目编码", "项目编号": "项目编码",
    "实施单位": "实施单位", "项目实施单位": "实施单位", "资金使用单位": "实施单位", "项目单位": "实施单位",
    "主管部门": "$department", "预算部门": "$department", "部门名称": "$department", "主管单位": "$department",
    "部门(单位)名称": "$department", "预算单位": "$department",
    "项目类别": "项目类别", "项目类型": "项目类别", "项目性质": "项目性质", "项目期": "项目期", "实施期限": "项目期",
    "项目周期": "项目期", "项目实施期": "项目期", "项目属性": "项目属性", "立项依据": "立项依据", "项目立项依据": "立项依据",
    "资金用途": "资金用途", "项目资金用途": "资金用途", "链接名": "链接名", "备注": "备注",
}
MARKDOWN_KEYS = {"立项依据", "资金用途"}
MONEY_LABELS = (("财政专户", "财政专户拨款"), ("财政拨款", "财政拨款"), ("财政资金", "财政拨款"), ("一般公共预算", "财政拨款"),
                ("其他资金", "其他资金"), ("其他来源", "其他资金"), ("资金总额", "总额"), ("资金合计", "总额"),
                ("预算数", "总额"), ("项目预算", "总额"), ("总计", "总额"), ("总额", "总额"), ("合计", "总额"))
DEPARTMENT_GOALS = {"年度总体目标", "部门整体绩效目标", "整体绩效目标", "部门整体目标", "年度绩效目标", "总体绩效目标"}
GOAL_SECTIONS = {"绩效目标", "总体目标", "项目绩效目标", "总体绩效目标", "项目总体目标", "目标"}
_UNIT_IN_LABEL = re.compile(r"[（(](万元|元)[)）]")
_NUMBERING = re.compile(r"^[（(]?[一二三四五六七八九十\d]+[)）、.．]\s*")


def _period(text: str) -> str | None:
    return next((key for word, key in PERIOD_WORDS if word in text), None)


def _bare(text: str) -> str:
    """A header without its period, unit and numbering: 中期指标值（万元） → 指标值."""
    text = _UNIT_IN_LABEL.sub("", label(text))
    for word, _ in PERIOD_WORDS:
        text = text.replace(word, "")
    return _NUMBERING.sub("", text).removeprefix("其中:").removeprefix("其中：")


def money_key(text: str) -> str | None:
    bare = _bare(text)
    if not bare or len(bare) > 12:
        return None
    return next((key for word, key in MONEY_LABELS if word in bare), None)


# ---- the indicator table ---------------------------------------------------------------------------

def column_key(text: str) -> str | None:
    """What an indicator table's column holds, from its (combined) header text."""
    bare = _bare(text)
    if not bare:
        return None
    if "一级" in bare:
        return "一级指标"
    if "二级" in bare:
        return "二级指标"
    if "三级" in bare or bare in ("指标名称", "具体指标", "指标"):
        return "三级指标"
    if "依据" in bare:
        return "指标值确定依据"
    if "描述" in bare or "说明" in bare:
        return "绩效指标描述"
    if "标准" in bare:
        return "绩效标准"
    if "分类" in bare or "编码" in bare:
        return "分类编码"
    if bare == "目标名称":
        return "$period"
    if bare == "涉密":
        return "涉密"
    if "值" in bare:
        return "指标值"
    if bare in ("绩效指标", "指标内容"):
        return "$name-or-value"  # 三级指标, or the value when the table has no other value column
    return None


@dataclass(frozen=True)
class Column:
    key: str
    period: str | None = None


def _spread(row: Row) -> list[str]:
    """Each column's header text, a cell merged from the left repeating its left neighbour's."""
    texts: list[str] = []
    for cell in row.cells:
        texts.append(texts[-1] if cell.merged == LEFT and texts else cell.text)
    return texts


def _header_words_only(row: Row) -> bool:
    own = row.own()
    return bool(own) and all(column_key(c.text) or _period(label(c.text)) for c in own)


def table_header(rows: list[Row], i: int) -> tuple[dict[int, Column], int] | None:
    """The indicator table's columns when rows[i] starts its header, and how many rows it takes."""
    if rows[i].paragraph or not _header_words_only(rows[i]):
        return None
    first = _spread(rows[i])
    second: list[str] = []
    if i + 1 < len(rows) and not rows[i + 1].paragraph and _header_words_only(rows[i + 1]):
        second = [("" if c.merged == UP else t) for c, t in zip(rows[i + 1].cells, _spread(rows[i + 1]))]
    for texts, used in ((_combine(first, second), 2), (first, 1)) if second else ((first, 1),):
        columns = _columns(texts)
        if columns is not None:
            return columns, used
    return None


def _combine(first: list[str], second: list[str]) -> list[str]:
    """Column headers over two rows; a blank top cell over a bottom one continues the top cell to
    its left (a merged header that a CSV file could not keep merged)."""
    width = max(len(first), len(second))
    out, left = [], ""
    for c in range(width):
        top, bottom = (first[c] if c < len(first) else ""), (second[c] if c < len(second) else "")
        left = top or left
        out.append((top or (left if bottom else "")) + bottom)
    return out


def header_keys(texts: list[str]) -> dict[int, str] | None:
    """Column → key of a one-row indicator header, without periods (the seed layouts' tables)."""
    columns = _columns(texts)
    return {c: col.key for c, col in columns.items()} if columns else None


def _columns(texts: list[str]) -> dict[int, Column] | None:
    columns: dict[int, Column] = {}
    for c, text in enumerate(texts):
        key = column_key(text)
        if key is not None:
            columns[c] = Column(key, _period(label(text)) if key in ("指标值", "$name-or-value") else None)
    keys = [col.key for col in columns.values()]
    if "$name-or-value" in keys:
        has_name, has_value = "三级指标" in keys, "指标值" in keys
        if has_name and has_value:  # both named already: 绩效指标 is the table's section label, no column
            columns = {c: col for c, col in columns.items() if col.key != "$name-or-value"}
        else:
            columns = {c: Column("指标值" if has_name else "三级指标", col.period) if col.key == "$name-or-value" else col
                       for c, col in columns.items()}
        keys = [col.key for col in columns.values()]
    if "三级指标" in keys and "指标值" in keys and ("一级指标" in keys or "$period" in keys) and len(set(keys)) >= 3:
        return columns
    return None


TASK_MONEY = ("金额", "财政拨款", "财政专户拨款", "其他资金")


def task_key(text: str) -> str | None:
    """What a column of the 年度主要任务 table holds."""
    bare = _bare(text)
    if "任务" in bare and "名称" in bare or bare in ("任务", "工作任务", "任务内容"):
        return "任务名称"
    if bare in ("总额", "金额", "金额合计", "合计", "资金总额", "预算金额", "预算数"):
        return "金额"
    money = money_key(text)
    if money in ("财政拨款", "财政专户拨款", "其他资金"):
        return money
    if "类型" in bare or "类别" in bare:
        return "支出类型"
    if "编码" in bare:
        return "项目编码"
    if "目标" in bare:
        return "绩效目标"
    if "指标" in bare:
        return "绩效指标"
    return None


def task_header(rows: list[Row], i: int) -> tuple[dict[int, str], int] | None:
    """The task table's columns when rows[i] starts its header (over one or two rows)."""
    first = _spread(rows[i])
    if not any(task_key(t) == "任务名称" for t in first):
        return None
    second: list[str] = []
    if i + 1 < len(rows) and not rows[i + 1].paragraph and rows[i + 1].own() and all(task_key(c.text) for c in rows[i + 1].own()):
        second = [("" if c.merged == UP else t) for c, t in zip(rows[i + 1].cells, _spread(rows[i + 1]))]
    texts = [b or a for a, b in zip(first + [""] * (len(second) - len(first)), second + [""] * (len(first) - len(second)))] if second else first
    columns = {c: key for c, t in enumerate(texts) if t and (key := task_key(t))}
    if "任务名称" not in columns.values() and second:
        columns.update({c: "任务名称" for c, t in enumerate(first) if task_key(t) == "任务名称"})
    amounts = [k for k in columns.values() if k in TASK_MONEY]
    if "任务名称" not in columns.values() or not amounts:
        return None
    return columns, 2 if second else 1


HIERARCHY = ("$period", "一级指标", "二级指标")
TEXTS = ("三级指标", "绩效指标描述", "指标值确定依据", "绩效标准")


@dataclass
class Table:
    columns: dict[int, Column]
    result: Imported
    rows: list[IndicatorRow] = field(default_factory=list)
    above: dict[str, str] = field(default_factory=dict)

    part: str = ""  # the worksheet or Word table of its header

    def feed(self, row: Row) -> bool:
        """Take a row of the table; False when the row does not belong to it."""
        if row.paragraph or row.part != self.part:
            return False
        own = {c: row.cells[c] for c in self.columns if c < len(row.cells)}
        text = {self.columns[c].key: cell.text for c, cell in own.items() if cell.text and not cell.merged and self.columns[c].key != "指标值"}
        values = {self.columns[c].period: cell.text for c, cell in own.items() if self.columns[c].key == "指标值" and cell.text and not cell.merged}
        extra = [cell for c, cell in enumerate(row.cells) if c not in self.columns and cell.text and not cell.merged]
        if not text and not values:
            return not extra  # an empty row inside the table, or the form going on below it
        if "三级指标" not in text and not values:
            if set(text) <= set(HIERARCHY):
                return False  # a label row of the form after the table
            if not self.rows:
                self.result.skip(row.ref, " / ".join(c.text for c in row.own()), "指标表中没有指标名称和指标值的行，未导入")
            for cell in extra:
                self.result.skip(cell.ref, cell.text, "指标表中此列无法对应")
            self._continue(text)
            for c, cell in own.items():
                if cell.text and not cell.merged and self.columns[c].key not in TEXTS:
                    self.result.skip(cell.ref, cell.text, "续行中的这一格无法接到上一行")
            return True
        levels = self._levels(text, own)
        for cell in extra:
            self.result.skip(cell.ref, cell.text, "指标表中此列无法对应")
        if "三级指标" not in text or not values or "一级指标" not in levels:
            missing = [k for k, ok in (("一级指标", "一级指标" in levels), ("三级指标", "三级指标" in text), ("指标值", bool(values))) if not ok]
            self.result.skip(row.ref, " / ".join(c.text for c in row.own()), f"指标行缺少{'、'.join(missing)}，未导入")
            return True
        for period, value in values.items():
            item = {k: v for k, v in levels.items() if k != "$period"}
            item.update({k: one_line(text[k]) for k in TEXTS if k in text})
            item["指标值"] = value  # a two-line value keeps its lines
            if "分类编码" in text:
                item["分类编码"] = label(text["分类编码"])
            if "涉密" in text:
                item["涉密"] = text["涉密"]
            self.rows.append(IndicatorRow(item, row.ref, period or levels.get("$period")))
        return True

    def _levels(self, text: dict[str, str], own: dict[int, Cell]) -> dict[str, str]:
        """一级/二级 (and 目标名称): as written, else carried down from the row above — a merged
        cell continues it, and so does a blank one on a row that names no 一级 of its own."""
        levels: dict[str, str] = {}
        for depth, key in enumerate(HIERARCHY):
            if key in text:
                levels[key] = label(text[key])
            elif key in self.above and (depth == 0 or all(k not in text for k in HIERARCHY[:depth]) or key == "$period"):
                levels[key] = self.above[key]
        for key in HIERARCHY:
            if key in levels:
                self.above[key] = levels[key]
            else:
                self.above.pop(key, None)
        return levels

    def _continue(self, text: dict[str, str]) -> None:
        """Text below a row with no name or value of its own: the row's cells went on."""
        if not self.rows:
            return
        last = self.rows[-1].values
        for key in TEXTS:
            if key in text:
                last[key] = last.get(key, "") + one_line(text[key])


# ---- the form ------------------------------------------------------------------------------------

@dataclass
class FormReader:
    result: Imported
    unit: str = "万元"
    project: ImportedProject | None = None
    money_periods: dict[int, str] = field(default_factory=dict)
    money_names: dict[str, str] = field(default_factory=dict)  # period → the form's own label (中期资金总额)
    goal_columns: dict[int, str] = field(default_factory=dict)
    form_kind: str | None = None  # the title without its year: 信息化项目支出绩效目标申报表

    department_form: bool = False  # a 部门整体支出绩效目标表 started (部门名称 before any 项目名称)

    def read(self, rows: list[Row]) -> None:
        i = 0
        while i < len(rows):
            row = rows[i]
            header = table_header(rows, i) if self.project is not None or self.department_form else None
            if header is not None:
                i = self._table(rows, i + header[1], header[0])
                continue
            tasks = task_header(rows, i) if self.project is None else None
            if tasks is not None:
                i = self._tasks(rows, i + tasks[1], tasks[0])
                continue
            self._row(row)
            i += 1

    def _table(self, rows: list[Row], i: int, columns: dict[int, Column]) -> int:
        table = Table(columns, self.result, part=rows[i - 1].part if i else "")
        while i < len(rows) and table.feed(rows[i]):
            i += 1
        if self.project is None:  # the department's own indicator table
            self.result.department.data.setdefault("绩效指标", []).extend(indicator_dicts(table.rows))
            return i
        for row in table.rows:
            goal = self.project.data.setdefault(_period_key(row.period), {})
            goal.setdefault("指标", []).extend(indicator_dicts([row]))
        return i

    def _tasks(self, rows: list[Row], i: int, columns: dict[int, str]) -> int:
        """年度主要任务: one task per row, its amounts by column; the 金额合计 row is the stated total."""
        dept = self.result.department
        part = rows[i - 1].part if i else ""
        while i < len(rows) and not rows[i].paragraph and rows[i].part == part:
            row = rows[i]
            cells = {key: row.cells[c] for c, key in columns.items() if c < len(row.cells) and row.cells[c].text and not row.cells[c].merged}
            extra = [cell for c, cell in enumerate(row.cells) if c not in columns and cell.text and not cell.merged]
            name = one_line(cells.pop("任务名称").text) if "任务名称" in cells else ""
            if extra or table_header(rows, i) is not None:
                break  # the form goes on below the task table (its rows' first column is merged or blank)
            if not name:
                for cell in cells.values():
                    self.result.skip(cell.ref, cell.text, "年度主要任务表中没有任务名称的行，未导入")
                i += 1
                continue
            target: dict[str, Any] = {"任务名称": name}
            for key, cell in cells.items():
                self._task_value(target, key, cell)
            if label(name) in ("金额合计", "合计", "总计"):
                self._task_total(target, row)
            else:
                dept.data.setdefault("年度主要任务", []).append(target)
            i += 1
        return i

    def _task_value(self, target: dict[str, Any], key: str, cell: Cell) -> None:
        if key in TASK_MONEY:
            amount = self._amount(cell.text)
            if amount is None:
                self.result.skip(cell.ref, cell.text, f"{key}不是金额")
            elif S.TASK.field(key) is not None:
                target[key] = amount
            else:  # per-task sources of funds: kept once the model has them (issue 13, item 1)
                self.result.skip(cell.ref, cell.text, f"内容模型中年度主要任务还没有“{key}”一项")
        elif S.TASK.field(key) is not None:
            target[key] = one_line(cell.text) if key != "绩效目标" else cell.text
        else:
            self.result.skip(cell.ref, cell.text, f"内容模型中年度主要任务还没有“{key}”一项")

    def _task_total(self, target: dict[str, Any], row: Row) -> None:
        total = {("总额" if k == "金额" else k): v for k, v in target.items() if k in TASK_MONEY}
        record = S.DEPARTMENT.field("金额合计")
        if record is not None:
            self.result.department.data["金额合计"] = total
        else:
            shown = "，".join(f"{k} {v}" for k, v in total.items())
            self.result.department.note(("绩效指标",), f"来源年度主要任务“金额合计”行：{shown}")

    def _row(self, row: Row) -> None:
        own = row.own()
        if not own:
            return
        first = label(own[0].text)
        if PAIR_LABELS.get(first) == "项目名称" and len(own) >= 2:
            self.project = ImportedProject(ref=row.ref)
            self.result.projects.append(self.project)
            self.money_periods, self.money_names, self.goal_columns = {}, {}, {}
        unit = next((unit_of(c.text) or _unit_in(c.text) for c in own if unit_of(c.text) or _unit_in(c.text)), None)
        if unit:
            self.unit = unit
            if self.project is not None:
                self.project.data["金额单位"] = unit
        if len(own) == 1 and (unit_of(own[0].text) or self._title(own[0].text)):
            return
        if self._goal_header(row) or self._goal_texts(row) or self._money_header(row) or self._money(row) or self._pairs(row):
            return
        self.result.skip(row.ref, " ".join(c.text for c in own), "无法对应到内容模型")

    def _title(self, text: str) -> bool:
        """The form's title line: it names the year and the kind of form."""
        line = one_line(text)
        if not (line.endswith("表") and "绩效" in line and len(line) <= 40):
            return False
        match = re.search(r"((?:19|20)\d{2})\s*年", line)
        if match and self.result.year is None:
            self.result.year = int(match.group(1))
        self.result.department.data.setdefault("来源", line)
        self.form_kind = re.sub(r"^(?:(?:19|20)\d{2}\s*年度?)", "", line).strip() or None
        return True

    def _pairs(self, row: Row) -> bool:
        cells = [c for c in row.cells if not c.merged]
        matched = False
        i = 0
        while i < len(cells):
            key = PAIR_LABELS.get(label(cells[i].text))
            if key is None:
                if cells[i].text and matched:
                    self.result.skip(cells[i].ref, cells[i].text, "无法对应到内容模型")
                elif cells[i].text:
                    return False
                i += 1
                continue
            matched = True
            value = cells[i + 1].text if i + 1 < len(cells) and not PAIR_LABELS.get(label(cells[i + 1].text)) else ""
            self._set(key, value, cells[i].ref)
            i += 2 if value else 1
        return matched

    def _set(self, key: str, value: str, ref: str) -> None:
        if not value:
            return
        if key == "$department":
            self.result.department.data.setdefault("部门名称", one_line(value))
            self.department_form = self.department_form or self.project is None
            return
        if self.project is None:
            self.result.skip(ref, value, "项目名称之前的栏目无法对应")
            return
        if key == "项目属性":
            self.project.data[key] = [v for v in re.split(r"[、,，;；]", one_line(value)) if v.strip()]
        elif key in MARKDOWN_KEYS:
            self.project.data[key] = paragraphs(value)
        elif key in ("项目编码", "链接名"):
            self.project.data[key] = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))
        else:
            self.project.data[key] = one_line(value)

    def _money_header(self, row: Row) -> bool:
        """A header over money columns per period: 资金 | 中期 | 年度 (or 中期资金总额 | 年度资金总额)."""
        periods = {c: _period(label(cell.text)) for c, cell in enumerate(row.cells) if cell.text and not cell.merged}
        columns = {c: p for c, p in periods.items() if p}
        others = [row.cells[c].text for c, p in periods.items() if not p]
        if len(columns) < 2 or not all(money_key(t) or "资金" in t or label(t) in ("项目资金", "资金来源") for t in others) or \
                not all("资金" in row.cells[c].text or len(label(row.cells[c].text)) <= 4 for c in columns):
            return False
        self.money_periods = columns
        self.money_names = {p: _UNIT_IN_LABEL.sub("", label(row.cells[c].text)) for c, p in columns.items() if "资金" in row.cells[c].text}
        return True

    def _money(self, row: Row) -> bool:
        """Money rows: 资金总额 360 120.5 under a period header, or 年度资金总额 120.5 on their own."""
        if self.project is None:
            return False
        cells = [(c, cell) for c, cell in enumerate(row.cells) if cell.text and not cell.merged]
        labels = [(c, cell, money_key(cell.text)) for c, cell in cells if money_key(cell.text)]
        if not labels:
            return False
        for c, cell in cells:
            if c < labels[0][0] and not _section_label(cell.text):
                self.result.skip(cell.ref, cell.text, "金额行中无法对应的单元格")
        found = False
        for n, (c, cell, key) in enumerate(labels):
            stop = labels[n + 1][0] if n + 1 < len(labels) else len(row.cells)
            amounts = [(col, v) for col, v in cells if c < col < stop]
            for col, value in amounts:
                amount = self._amount(value.text)
                if amount is None:
                    self.result.skip(value.ref, value.text, f"{key}不是金额")
                    continue
                period = self.money_periods.get(col) or _period(label(cell.text)) or "年度目标"
                target = "项目期资金" if period in ("中期目标", "长期目标") else "资金"
                money = self.project.data.setdefault(target, {})
                money[key] = amount
                name = self.money_names.get(period) or (_UNIT_IN_LABEL.sub("", label(cell.text)) if _period(label(cell.text)) else None)
                if name and S.MONEY.field("名称") is not None:  # the forms' own money labels, where the model keeps them
                    money.setdefault("名称", name)
                found = True
        return found

    def _amount(self, text: str) -> Decimal | None:
        parsed = parse_amount(text)
        if parsed is None:
            return None
        number, stated = parsed
        return convert(number, stated or self.unit, self.unit)

    def _department_goal(self, row: Row) -> bool:
        own = row.own()
        if not self.department_form or len(own) < 2 or label(own[0].text) not in DEPARTMENT_GOALS:
            return False
        self.result.department.data["整体绩效目标"] = paragraphs("\n".join(c.text for c in own[1:]))
        return True

    def _goal_header(self, row: Row) -> bool:
        """总体目标 | 中期目标（2022-2024年） | 年度目标: the texts follow in the next row's columns."""
        own = [(c, cell) for c, cell in enumerate(row.cells) if cell.text and not cell.merged]
        goals = {c: _period(label(cell.text)) for c, cell in own if "目标" in cell.text and len(label(cell.text)) <= 16}
        rest = [cell for c, cell in own if not goals.get(c)]
        if not any(goals.values()) or any(label(cell.text) not in GOAL_SECTIONS for cell in rest):
            return False
        if len([p for p in goals.values() if p]) == 1 and len(own) == 2 and not rest:
            return False  # 年度目标 | text: a goal on its row
        self.goal_columns = {c: p for c, p in goals.items() if p}
        return self.project is not None

    def _goal_texts(self, row: Row) -> bool:
        if self.project is None:
            return self._department_goal(row)
        own = [(c, cell) for c, cell in enumerate(row.cells) if cell.text and not cell.merged]
        if self.goal_columns and all(c in self.goal_columns or label(cell.text) in GOAL_SECTIONS for c, cell in own):
            for c, cell in own:
                if c in self.goal_columns:
                    self.project.data.setdefault(self.goal_columns[c], {})["目标"] = paragraphs(cell.text)
            self.goal_columns = {}
            return True
        first = label(own[0][1].text)
        period = _period(first) if "目标" in first and len(first) <= 12 else None
        if first in GOAL_SECTIONS and len(own) >= 2:
            period = "年度目标"
        if period is None or len(own) < 2:
            return False
        goal = self.project.data.setdefault(period, {})
        if re.search(r"\d$", first):
            goal["名称"] = first
        goal["目标"] = paragraphs("\n".join(cell.text for _, cell in own[1:]))
        return True


def _section_label(text: str) -> bool:
    """A row label that only names the block it heads (项目资金, 资金来源 …), holding no content."""
    bare = _bare(text)
    return len(bare) <= 8 and ("资金" in bare or "预算" in bare)


def _unit_in(text: str) -> str | None:
    match = _UNIT_IN_LABEL.search(unicodedata.normalize("NFKC", text).replace("(", "（").replace(")", "）")) or \
        _UNIT_IN_LABEL.search(text)
    return match.group(1) if match and len(label(text)) <= 16 else None


def _period_key(period: str | None) -> str:
    return period if period in ("长期目标", "中期目标", "年度目标") else next(
        (key for word, key in PERIOD_WORDS if period and period.startswith(word)), "年度目标")


def looks_like_forms(rows: list[Row]) -> bool:
    """Project forms (a 项目名称 label and an indicator table below it), or a department's form
    (a 部门名称 label and a task or indicator table below it)."""
    named = False
    for i, row in enumerate(rows[:2000]):
        own = row.own()
        key = PAIR_LABELS.get(label(own[0].text)) if own else None
        if key in ("项目名称", "$department"):
            named = True
        elif named and (table_header(rows, i) is not None or task_header(rows, i) is not None):
            return True
    return False


def read_forms(rows: list[Row], fill_empty: bool, title: str | None) -> Imported:
    result = Imported("form", ImportedDepartment())
    if title:
        result.department.data["来源"] = title
        match = re.search(r"((?:19|20)\d{2})\s*年", title)
        result.year = int(match.group(1)) if match else None
    reader = FormReader(result)
    reader.read(rows)
    dept = result.department
    name = dept.data.get("部门名称")
    for project in result.projects:
        project.data.setdefault("金额单位", reader.unit)
        if reader.form_kind and S.PROJECT.field("表格名称") is not None:  # where the model keeps the form's kind
            project.data.setdefault("表格名称", reader.form_kind)
        if "来源" in dept.data:
            project.data.setdefault("来源", dept.data["来源"])
        unit_name = project.data.get("实施单位")
        if unit_name and unit_name != name and not any(u.name == unit_name for u in dept.units):
            dept.units.append(ImportedUnit(unit_name, None, None, project.ref))
        if "资金" not in project.data:
            project.note(("资金",), "来源未列明本年度资金，请补上“资金: 总额: …”")
    dept.data["金额单位"] = reader.unit
    if reader.department_form and reader.form_kind and S.DEPARTMENT.field("表格名称") is not None:
        dept.data.setdefault("表格名称", reader.form_kind)
    return result
