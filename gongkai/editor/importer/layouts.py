"""The three seed layouts, read from the row stream (see grid.py).

- yutian: one form per project (项目编码, 预算数, 资金支出计划, 绩效目标, then an indicator table
  with 绩效指标描述 and 指标值确定依据), as in the 玉田县委政法委 budget document;
- guangzhou: the department list (one row per project: 总计/财政拨款/…/绩效目标/绩效指标), whose
  绩效指标 is running text split here into indicator rows, as in the 广州市委政法委 table;
- ezhou: the project application form (项目类别, 立项依据, 项目预算, 长期/年度 goals, one indicator
  table with a 目标名称 column), as in the 鄂州市委政法委 forms.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Callable

from gongkai.source.config import SECRET_WORDING
from gongkai.editor.importer.grid import Row
from gongkai.editor.importer.indicators import IndicatorTable, header_columns, indicator_dicts
from gongkai.editor.importer.overview import DepartmentOverview
from gongkai.editor.importer.result import Imported, ImportedDepartment, ImportedProject, ImportedUnit
from gongkai.editor.importer.text import code, convert, label, one_line, paragraphs, parse_amount, percent, squeeze, unit_of


class LayoutError(Exception):
    """The file is not in a layout we know; the message is Chinese."""


def detect(rows: list[Row]) -> list[str]:
    """The layouts the rows may be in, the seed layouts first (read() tries each)."""
    from gongkai.editor.importer.forms import looks_like_forms
    labels = {label(c.text) for row in rows[:400] for c in row.cells if c.text}
    found = []
    if {"项目绩效总目标", "项目预算"} & labels and "项目类别" in labels:
        found.append("ezhou")
    elif "总计" in labels and "绩效指标" in labels:
        found.append("guangzhou")
    elif "项目编码" in labels and ("预算数" in labels or any(label.startswith("预算规模") for label in labels)):
        found.append("yutian")
    if looks_like_forms(rows):
        found.append("form")
    if not found:
        raise LayoutError("无法识别表格格式：没有找到“项目名称”栏和其下的指标表表头（一级指标、三级指标或指标名称、指标值或目标值），"
                          "也不是玉田式项目绩效目标表（含“项目编码”“预算数”）、广州式部门项目清单（含“总计”“绩效指标”列）"
                          "或鄂州式项目申报表（含“项目类别”“项目预算”“项目绩效总目标”）")
    return found


def read(rows: list[Row], layouts: list[str], fill_empty: bool, title: str | None = None) -> Imported:
    """The reading that places the most: among the layouts that find projects, the one that leaves
    the fewest cells unplaced (a seed layout on a tie)."""
    from gongkai.editor.importer.forms import read_forms
    readers: dict[str, Callable[[list[Row], bool, str | None], Imported]] = {
        "yutian": read_yutian, "guangzhou": read_guangzhou, "ezhou": read_ezhou, "form": read_forms}
    results = [readers[layout](rows, fill_empty, title) for layout in layouts]
    with_projects = [r for r in results if r.projects] or results
    return min(with_projects, key=lambda r: len(r.unmapped))


def _amount_in(text: str, unit: str) -> Decimal | None:
    parsed = parse_amount(text)
    if parsed is None:
        return None
    number, stated = parsed
    return convert(number, stated or unit, unit)


def _year_of(text: str | None) -> int | None:
    match = re.search(r"(19|20)\d{2}(?=年)", text or "")
    return int(match.group(0)) if match else None


# ---- 玉田: one form per project ------------------------------------------------------------------

_YUTIAN_TITLE = re.compile(r"^\d+\s*[.．、]\s*(.+?)绩效目标表$")
_UNIT_HEAD = re.compile(r"^(\d{6,})\s*(.+)$")
def _money_label(text: str) -> str | None:
    """总额 / 财政拨款 / 财政专户拨款 / 其他资金 for a money label, by the words every reader shares."""
    from gongkai.editor.importer.forms import money_key
    return money_key(text)


def read_yutian(rows: list[Row], fill_empty: bool, title: str | None) -> Imported:
    result = Imported("yutian", ImportedDepartment())
    dept = result.department
    if title:
        dept.data["来源"] = title
        result.year = _year_of(title)
    project: ImportedProject | None = None
    unit, unit_name = "元", None
    overview = DepartmentOverview(result)
    table: IndicatorTable | None = None
    expect: str | None = None
    plan_labels: list[str] = []
    for row in rows:
        if table is not None:
            if table.feed(row):
                continue
            _finish_yutian_indicators(project, table)
            table = None
        texts = row.values()
        if not texts:
            continue
        first = label(texts[0])
        match = _YUTIAN_TITLE.match(one_line(texts[0])) if len(texts) == 1 else None
        if match:
            project = ImportedProject(ref=row.ref)
            project.header.append(f"来源：{one_line(texts[0])}")
            result.projects.append(project)
            expect = None
            continue
        if any(unit_of(t) for t in texts) and (len(texts) > 1 or project is not None or row.paragraph):
            unit = next(unit_of(t) for t in texts if unit_of(t))  # type: ignore[assignment]
            head = next((t for t in texts if _UNIT_HEAD.match(squeeze(t))), None)
            if head:
                unit_code, unit_name = _UNIT_HEAD.match(squeeze(head)).groups()  # type: ignore[union-attr]
                unit_code = code(unit_code)  # full-width digits folded; the name keeps its brackets
                _add_unit(dept, unit_name, unit_code, row.ref)
            elif project is not None and len(texts) == 2 and "实施单位" not in project.data:
                unit_name = squeeze(next(t for t in texts if not unit_of(t)))  # a unit without its code
                _add_unit(dept, unit_name, None, row.ref)
            if project is not None:
                project.header.append(f"表头：{' '.join(texts)}")
                if unit_name:
                    project.data["实施单位"] = unit_name  # each form names its own unit
            continue
        if project is None:
            overview.feed(row, " ".join(texts))
            continue
        if expect == "purpose":
            expect = None
            if row.cells and (row.cells[0].merged or not row.cells[0].text) and len(texts) == 1:
                project.data["资金用途"] = paragraphs(texts[0])
                continue
        if expect == "plan":
            expect = None
            values = [percent(t) for t in texts]
            if plan_labels and len(values) == len(plan_labels) and all(values):
                project.data["资金支出计划"] = dict(zip(plan_labels, values))
                continue
            result.skip(row.ref, " ".join(texts), "资金支出计划的百分比无法对应月份")
            continue
        if first in ("项目编码", "链接名") or "项目名称" in [label(t) for t in texts]:
            _pairs(row, project, result, {"项目编码": "项目编码", "项目名称": "项目名称", "链接名": "链接名"})
            continue
        if any(_money_label(t) for t in texts):
            _money_row(row, project, result, unit)
            expect = "purpose"
            continue
        if first.startswith("资金支出计划"):
            plan_labels = [label(t) for t in texts[1:]]
            expect = "plan"
            continue
        if first == "绩效目标":
            project.data.setdefault("年度目标", {})["目标"] = paragraphs("\n".join(texts[1:]))
            continue
        columns = header_columns(row)
        if columns is not None:
            table = IndicatorTable(columns, result, fill_empty)
            continue
        result.skip(row.ref, " ".join(texts), "无法对应到内容模型")
    if table is not None:
        _finish_yutian_indicators(project, table)
    for project in result.projects:
        _secret_form(project)
        if unit_name:
            project.data.setdefault("实施单位", unit_name)
        project.data["金额单位"] = unit
        if "来源" in dept.data:
            project.data["来源"] = dept.data["来源"]
        _note_missing_money(project)
    if dept.units:  # the first form's unit is the department itself (…本级)
        dept.data["部门名称"] = dept.units[0].name.removesuffix("本级")
        if dept.units and dept.units[0].code:
            dept.data["部门编码"] = dept.units[0].code
    dept.data["金额单位"] = unit
    overview.finish(unit)
    return result


def _secret_form(project: ImportedProject) -> None:
    """A form whose texts are the standard secret wording is a secret project: only its code is public."""
    wording = squeeze(SECRET_WORDING)
    goal = project.data.get("年度目标", {})
    texts = [project.data.get("资金用途", ""), project.data.get("立项依据", ""), goal.get("目标", "")]
    if not any(squeeze(t) == wording for t in texts if t):
        return
    for key in ("资金用途", "立项依据"):
        if squeeze(project.data.get(key, "")) == wording:
            del project.data[key]
    if squeeze(goal.get("目标", "")) == wording:
        del goal["目标"]
    if not goal:
        project.data.pop("年度目标", None)
    project.data["涉密"] = True
    if project.code:
        project.data["项目名称"] = project.code
        project.comments[("项目名称",)] = "来源只公开了项目编码；可改为内部项目名称（涉密，不会公开）"
    project.header.append(f"涉密项目：来源只有标准用语“{SECRET_WORDING}”")


def _add_unit(dept: ImportedDepartment, name: str, unit_code: str | None, ref: str) -> None:
    if not any(u.name == name for u in dept.units):
        dept.units.append(ImportedUnit(name, unit_code, None, ref))


def _finish_yutian_indicators(project: ImportedProject | None, table: IndicatorTable) -> None:
    if project is None:
        return
    goal = project.data.setdefault("年度目标", {})
    goal["指标"] = indicator_dicts(table.rows)
    for i, row in enumerate(table.rows):
        for note in row.notes:
            project.note(("年度目标", "指标", i), note)


def _pairs(row: Row, project: ImportedProject, result: Imported, keys: dict[str, str]) -> None:
    """Label, value, label, value … as forms lay out their header lines."""
    cells = [c for c in row.cells if not c.merged]
    i = 0
    while i < len(cells):
        key = keys.get(label(cells[i].text))
        if key and i + 1 == len(cells):
            break  # a label whose value cell is empty (the row's trailing empty cells are not kept)
        if key:
            value = one_line(cells[i + 1].text)
            if value and key == "项目属性":
                project.data[key] = [v for v in re.split(r"[、,，;；]", value) if v.strip()]
            elif value:
                project.data[key] = code(value) if key in ("项目编码", "链接名") else value
            i += 2
            continue
        if cells[i].text:
            result.skip(cells[i].ref, cells[i].text, "无法对应到内容模型")
        i += 1


def _money_row(row: Row, project: ImportedProject, result: Imported, unit: str) -> None:
    cells = [c for c in row.cells if not c.merged]
    money = project.data.setdefault("资金", {})
    used = {0} if cells and label(cells[0].text).startswith("预算规模") else set()
    for i, cell in enumerate(cells):
        key = _money_label(cell.text)
        if key is None:
            if i not in used and cell.text:
                result.skip(cell.ref, cell.text, "金额行中无法对应的单元格")
            continue
        value = cells[i + 1] if i + 1 < len(cells) and not _money_label(cells[i + 1].text) else None
        used.add(i + 1)
        if value is None or not value.text:
            continue
        amount = _amount_in(value.text, unit)
        if amount is None:
            result.skip(value.ref, value.text, f"{key}不是金额")
        else:
            money[key] = amount


def _note_missing_money(project: ImportedProject) -> None:
    money = project.data.get("资金", {})
    missing = [k for k in ("财政拨款", "财政专户拨款", "其他资金") if k not in money]
    if money and missing and len(missing) < 3:
        project.note(("资金", "$end"), f"{'、'.join(missing)}：来源为空，省略")
    elif money and len(missing) == 3:
        project.note(("资金", "总额"), "来源未分财政拨款/财政专户拨款/其他资金，只填总额")
    if "总额" not in money:
        project.note(("资金",), "来源未列明金额，请补上“总额”")


# ---- 广州: the department list ---------------------------------------------------------------------

_LIST_COLUMNS = {"项目名称": "name", "总计": "总额", "合计": "总额", "财政拨款": "财政拨款", "财政专户拨款": "财政专户拨款",
                 "其他资金": "其他资金", "绩效目标": "goal", "绩效指标": "indicators", "链接名": "slug"}
_SECTION = re.compile(r"(?:(?<![\d.．])[一二三四五六七八九十]+\s*[、.．]\s*|(?:^|(?<=[\s。；;]))\s*)(产出指标|效益指标|满意度指标|成本指标)\s*[：:]")
_ITEM = re.compile(r"(\d{1,2})\s*[.．、](?!\d)")
_VALUE = re.compile(r"^(.*?)[，,]\s*年度指标值\s*[：:]\s*(.*)$", re.S)


def _list_columns(row: Row) -> dict[int, str] | None:
    columns: dict[int, str] = {}
    for i, cell in enumerate(row.cells):
        text = label(cell.text)
        for head, key in _LIST_COLUMNS.items():
            if text.startswith(head) and key not in columns.values():
                columns[i] = key
                break
    keys = set(columns.values())
    return columns if {"name", "总额", "indicators"} <= keys else None


def split_indicators(text: str) -> tuple[list[tuple[str, str, str]], list[str]]:
    """'一、产出指标： 1.X，年度指标值：Y。 2.…' → rows (一级, 三级, 指标值) and texts that did not fit."""
    plain = re.sub(r"</?p\s*>", " ", text)
    plain = re.sub(r"\s+", " ", plain).strip()
    sections = list(_SECTION.finditer(plain))
    leftovers: list[str] = []
    if not sections:
        return [], [plain] if plain else []
    if plain[: sections[0].start()].strip():
        leftovers.append(plain[: sections[0].start()].strip())
    rows: list[tuple[str, str, str]] = []
    for n, section in enumerate(sections):
        end = sections[n + 1].start() if n + 1 < len(sections) else len(plain)
        body = plain[section.end(): end].strip()
        for item in _items(body):
            match = _VALUE.match(item)
            if match and match.group(1).strip() and match.group(2).strip():
                rows.append((section.group(1), match.group(1).strip(), match.group(2).strip()))
            elif item:
                leftovers.append(f"{section.group(1)}：{item}")
    return rows, leftovers


def _items(body: str) -> list[str]:
    """Numbered items 1. 2. 3. in order; a number out of sequence is part of the text."""
    starts: list[tuple[int, int]] = []
    expected = 1
    for match in _ITEM.finditer(body):
        before = body[match.start() - 1] if match.start() else " "
        if int(match.group(1)) == expected and before in " 。；;，,：:":
            starts.append((match.start(), match.end()))
            expected += 1
    if not starts:
        return [body] if body else []
    items = []
    if body[: starts[0][0]].strip():
        items.append(body[: starts[0][0]].strip())
    for i, (_, text_start) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(body)
        items.append(body[text_start:end].strip())
    return items


def read_guangzhou(rows: list[Row], fill_empty: bool, title: str | None) -> Imported:
    result = Imported("guangzhou", ImportedDepartment())
    dept = result.department
    result.year = _year_of(title)
    columns: dict[int, str] | None = None
    unit = "万元"
    current_unit: ImportedUnit | None = None
    last: ImportedProject | None = None
    for row in rows:
        texts = row.values()
        if not texts:
            continue
        if len(texts) == 1 and ("绩效目标表" in texts[0] or (columns is None and not dept.data and not result.unmapped)):
            dept.data.setdefault("来源", one_line(texts[0]))
            result.year = result.year or _year_of(texts[0])
            continue
        joined = squeeze("".join(texts))  # no NFKC here: a name's full-width brackets stay as written
        if joined.startswith("部门名称"):
            dept.data.setdefault("部门名称", re.sub(r"^部门名称[:：]", "", joined))
            continue
        if len(texts) == 1 and unit_of(texts[0]):
            unit = unit_of(texts[0])  # type: ignore[assignment]
            continue
        found = _list_columns(row)
        if found is not None:
            columns = found
            continue
        if columns is None:
            result.skip(row.ref, " ".join(texts), "表头之前的文字无法对应")
            continue
        cells = {key: row.at(i) for i, key in columns.items()}
        text = {key: (c.text if c is not None and not c.merged else "") for key, c in cells.items()}
        name = squeeze(text.get("name", ""))
        amounts = {k: text.get(k, "") for k in ("总额", "财政拨款", "财政专户拨款", "其他资金") if text.get(k)}
        for i, cell in enumerate(row.cells):
            if i not in columns and cell.text and not cell.merged:
                result.skip(cell.ref, cell.text, "此列无法对应")
        if not name and not amounts and last is not None:
            _continue_row(last, text)  # the row carries on from the previous page
            continue
        stated = "，".join(f"{k.replace('总额', '总计')} {v}" for k, v in amounts.items())
        if name in ("合计", "总计"):
            dept.data["合计"] = _amount_in(amounts.get("总额", ""), unit)
            dept.comments[("合计",)] = f"来源“合计”行：{stated}"
            continue
        if not text.get("goal") and not text.get("indicators") and _amount_in(amounts.get("总额", ""), unit) is None:
            # a unit's subtotal row has its amount; a row of text alone is a note, never a unit
            result.skip(row.ref, " ".join(texts), "只有文字、没有金额的行（不是单位小计，也不是项目），未导入")
            continue
        if not text.get("goal") and not text.get("indicators"):
            total = _amount_in(amounts.get("总额", ""), unit)
            current_unit = ImportedUnit(name, None, total, row.ref, stated)
            dept.units.append(current_unit)
            continue
        project = ImportedProject(ref=row.ref)
        project.data["实施单位"] = current_unit.name if current_unit else None
        project.data["金额单位"] = unit
        money: dict[str, Any] = {}
        for key, raw in amounts.items():
            amount = _amount_in(raw, unit)
            if amount is None:
                result.skip(cells[key].ref, raw, f"{key}不是金额")  # type: ignore[union-attr]
            else:
                money[key] = amount
        project.data["资金"] = money
        project.comments[("资金", "总额")] = "总计"
        project.data["项目名称"] = name
        if text.get("slug"):
            project.data["链接名"] = squeeze(text["slug"])
        result.projects.append(project)
        ref = cells["indicators"].ref if cells.get("indicators") is not None else row.ref  # type: ignore[union-attr]
        project.data["$raw"] = {"goal": text.get("goal", ""), "indicators": text.get("indicators", ""), "ref": ref}
        last = project
    finish_guangzhou(result)
    for project in result.projects:
        if project.data.get("实施单位") is None:
            project.data["实施单位"] = dept.name
        _note_missing_money(project)
    dept.data["金额单位"] = unit
    return result


def _continue_row(project: ImportedProject, text: dict[str, str]) -> None:
    """Text cut at a page break continues the previous row's cell without a separator."""
    raw = project.data["$raw"]
    for key in ("goal", "indicators"):
        if text.get(key):
            raw[key] = raw[key] + text[key]


def finish_guangzhou(result: Imported) -> None:
    """Turn each project's goal and running-text indicators into the model (after continuations)."""
    wording = squeeze(SECRET_WORDING)
    for project in result.projects:
        raw = project.data.pop("$raw", {"goal": "", "indicators": "", "ref": project.ref})
        goal, indicators = raw.get("goal", ""), raw.get("indicators", "")
        name = project.data["项目名称"]
        if squeeze(goal) == wording:
            project.data["项目编码"] = code(name)
            project.data["涉密"] = True
            project.comments[("项目名称",)] = "来源只公开了项目编码；可改为内部项目名称（涉密，不会公开）"
            project.header.append(f"涉密项目：来源“绩效目标”为标准用语“{SECRET_WORDING}”")
            project.header.append(f"来源“绩效指标”为公开用语“{one_line(indicators)}”，未导入；涉密的目标和指标可在下面自行补充。")
            continue
        if name != one_line(name):
            project.header.append(f"来源写法：{name}")
        goal_data: dict[str, Any] = {}
        if goal:
            goal_data["目标"] = goal
        rows, leftovers = split_indicators(indicators)
        if rows:
            goal_data["指标"] = [{"一级指标": l1, "三级指标": l3, "指标值": value} for l1, l3, value in rows]
            project.note(("年度目标", "指标"), "来源“绩效指标”栏是一段连续文字，按“一、产出指标：”等与“1. 2. …”拆成行；来源未列明二级指标，省略。")
        for text in leftovers:
            result.skip(raw.get("ref", project.ref), text, "绩效指标中无法拆成“指标名称，年度指标值：…”的文字")
        if goal_data:
            project.data["年度目标"] = goal_data


# ---- 鄂州: the project application form ------------------------------------------------------------

_FORM_KEYS = {"项目名称": "项目名称", "项目编码": "项目编码", "项目类别": "项目类别", "项目性质": "项目性质",
              "实施单位": "实施单位", "项目期": "项目期", "项目属性": "项目属性", "链接名": "链接名"}
_GOAL_ROW = re.compile(r"^(长期|中期|年度)绩效目标\d*$")
_PERIOD_KEY = {"长期": "长期目标", "中期": "中期目标", "年度": "年度目标"}
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def read_ezhou(rows: list[Row], fill_empty: bool, title: str | None) -> Imported:
    result = Imported("ezhou", ImportedDepartment())
    result.year = _year_of(title)
    project: ImportedProject | None = None
    table: IndicatorTable | None = None
    table_period: str | None = None
    unit = "万元"
    seen: set[tuple] = set()
    for row in rows:
        if table is not None:
            if table.feed(row):
                continue
            _finish_ezhou_indicators(project, table, table_period, result, seen)
            table = None
        texts = row.values()
        if not texts:
            continue
        first = label(texts[0])
        if first == "项目名称":
            project = ImportedProject(ref=row.ref)
            result.projects.append(project)
            seen = set()
            _pairs(row, project, result, _FORM_KEYS)
            continue
        if project is None:
            result.skip(row.ref, " ".join(texts), "项目申报表之前的文字未导入")
            continue
        if first in _FORM_KEYS and len(texts) >= 2:
            _pairs(row, project, result, _FORM_KEYS)
            continue
        if first == "立项依据":
            project.data["立项依据"] = paragraphs("\n".join(texts[1:]))
            continue
        if first in ("项目预算", "预算数", "资金总额"):
            parsed = parse_amount(texts[1]) if len(texts) > 1 else None
            if parsed is None:
                result.skip(row.ref, " ".join(texts), "项目预算不是金额")
                continue
            number, stated = parsed
            project.data["金额单位"] = stated or unit
            project.data["资金"] = {"总额": number}
            project.comments[("资金", "总额")] = f"来源“{first}：{texts[1]}”"
            continue
        if first in ("项目绩效总目标", "名称") or first.endswith("绩效目标表") and len(texts) == 1:
            table_period = next((v for k, v in _PERIOD_KEY.items() if first.startswith(k)), table_period)
            continue
        match = _GOAL_ROW.match(first)
        if match:
            goal = project.data.setdefault(_PERIOD_KEY[match.group(1)], {})
            goal["名称"] = first
            if len(texts) > 1:
                goal["目标"] = paragraphs("\n".join(texts[1:]))
            continue
        if set(first) <= set("….") and len(texts) == 1:
            continue  # the form's empty "……" placeholder rows (one with text falls through to be listed)
        columns = header_columns(row)
        if columns is not None:
            table = IndicatorTable(columns, result, fill_empty)
            continue
        if first.startswith("主管部门审核意见") or first.startswith("审核意见"):
            opinion = re.sub(r"^(主管部门)?审核意见[:：]?", "", squeeze("".join(texts)))
            opinion = re.sub(r"^审核意见[:：]?", "", opinion)
            opinion = _DATE.sub("", re.sub(r"单位公章[:：]?", "", opinion))
            if opinion:
                project.data.setdefault("审核意见", {})["意见"] = opinion
            _review_date(project, " ".join(texts))
            continue
        if _DATE.search(" ".join(texts)):
            _review_date(project, " ".join(texts))
            continue
        result.skip(row.ref, " ".join(texts), "无法对应到内容模型")
    if table is not None:
        _finish_ezhou_indicators(project, table, table_period, result, seen)
    for project in result.projects:
        _secret_form(project)
        project.data.setdefault("金额单位", unit)
        if "资金" not in project.data:
            project.note(("资金",), "来源未列明项目预算，请补上“资金: 总额: …”")
    result.department.data["金额单位"] = unit
    return result


def _review_date(project: ImportedProject, text: str) -> None:
    match = _DATE.search(text)
    if match:
        y, m, d = (int(g) for g in match.groups())
        project.data.setdefault("审核意见", {})["日期"] = f"{y:04d}-{m:02d}-{d:02d}"


def _finish_ezhou_indicators(project: ImportedProject | None, table: IndicatorTable, default_period: str | None,
                             result: Imported, seen: set[tuple]) -> None:
    if project is None:
        return
    for row in table.rows:
        period_label = row.period or default_period or "年度目标"
        key = next((v for k, v in _PERIOD_KEY.items() if period_label.startswith(k)), None)
        if key is None:
            result.skip(row.ref, period_label, "目标名称应为“长期目标”“中期目标”或“年度目标”")
            continue
        identity = (key, tuple(sorted(row.values.items())))
        if identity in seen:
            result.skip(row.ref, row.values.get("三级指标", ""), "与前面的指标行完全相同，只导入一次")
            continue
        seen.add(identity)
        goal = project.data.setdefault(key, {})
        items = goal.setdefault("指标", [])
        for note in row.notes:
            project.note((key, "指标", len(items)), note)
        items.extend(indicator_dicts([row]))
