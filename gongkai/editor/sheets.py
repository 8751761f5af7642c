"""`build.py export`: one department's content written back as an Excel sheet in a seed layout.

A department fills in next year's sheet starting from this year's: the sheet looks like the form
it came from (玉田 per-project forms, the 广州 department list, the 鄂州 project forms) and
`build.py import` reads it back into the same content. A 链接名 the content sets explicitly is kept
in an extra "链接名" line or column so that page addresses survive the round trip.

Secret projects are written as the public tables show them (code, amounts and the standard
wording), never with their internal names, goals or indicators: an exported sheet gets emailed.
"""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from gongkai.source.config import SECRET_WORDING
from gongkai.disclosure.classify import Classification
from gongkai.source.model import Amount, Department, Goal, Indicator, Project, Site, Task
from gongkai.values import UNIT_FACTORS
from gongkai.slugs import project_slug

FIXED_TIME = (2024, 1, 1, 0, 0, 0)


class ExportFailed(Exception):
    """The export cannot be made as asked; the message is Chinese."""


def load_department(content: Path, year: int, slug: str) -> tuple[Site, Department, dict[str, Any]]:
    """The whole validated site (secrecy is decided across years), the department asked for, and
    every content file's data as written (file → data)."""
    from gongkai.source.load import load_tree
    from gongkai.source.validate import build_site
    if not content.is_dir():
        raise ExportFailed(f"内容文件夹不存在：{content}")
    docs = load_tree(content)
    site, _ = build_site(docs, content)
    for dept in site.departments:
        if dept.year == year and (dept.slug == slug or Path(dept.file).parent.name == slug):
            return site, dept, {doc.display: doc.data for doc in docs}
    known = "、".join(f"{d.year}/{d.slug}" for d in site.departments) or "（没有部门）"
    raise ExportFailed(f"没有找到 {year} 年的部门“{slug}”。已有：{known}")


def export_department(content: Path, year: int, slug: str, layout: str, out: Path, register: Path | None = None) -> Path:
    """The department in `layout`, plus a 补充数据 sheet with whatever the layout cannot hold
    (see importer/supplement.py), so that importing the file gives the same content back."""
    from gongkai.disclosure.classify import classify
    from gongkai.disclosure.register import check_register, read_register
    writers = {"yutian": write_yutian, "guangzhou": write_guangzhou, "ezhou": write_ezhou}
    if layout not in writers:
        raise ExportFailed(f"未知的格式“{layout}”：只能是 yutian、guangzhou 或 ezhou")
    if out.suffix.lower() != ".xlsx":
        raise ExportFailed(f"导出文件应以 .xlsx 结尾：{out}")
    site, original, docs = load_department(content, year, slug)
    secret_register = read_register(register, content) if register is not None else None
    if secret_register is not None:
        check_register(site, secret_register)
    cls = classify(site, secret_register)
    dept = public_view(original, cls)
    sheet = Sheet()
    writers[layout](dept, sheet)
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out, title=dept.source)
    from gongkai.editor.importer.supplement import write_sheet
    write_sheet(sheet.book, supplement_entries(out, dept, masked_documents(original, docs, cls), Path(original.file).parent.name, layout))
    sheet.save(out, title=dept.source)
    return out


def supplement_entries(sheet: Path, dept: Department, docs: dict[str, Any], folder: str, layout: str) -> list[Any]:
    """Import `sheet` as `build.py import` would, and list what differs from the content files:
    the department's identity first, then each key the layout lost or changed. Secret projects,
    fields and rows are left as the layout shows them (the public tables' form)."""
    import tempfile

    from gongkai.source import schema as S
    from gongkai.editor.importer import ImportFailed, import_file
    from gongkai.editor.importer.supplement import DEPARTMENT, Entry, differences
    from gongkai.source.load import read_document
    want_dept = docs[dept.file]
    with tempfile.TemporaryDirectory(prefix="gongkai-export-") as scratch:
        root = Path(scratch)
        try:
            report = import_file(sheet, root, year=dept.year, department=dept.name, slug=folder)
        except ImportFailed as exc:
            raise ExportFailed(f"导出的表格无法再导入（{exc}），未导出。") from None
        got = {path.name: read_document(path, root).data for path in report.written}
    got_dept = got.pop(S.DEPARTMENT_FILE)
    entries = [Entry(DEPARTMENT, ("部门名称",), dept.name), Entry(DEPARTMENT, ("链接名",), want_dept.get("链接名") or folder),
               Entry(DEPARTMENT, ("年度",), dept.year)]
    entries += [Entry(DEPARTMENT, path, value) for path, value in differences(S.DEPARTMENT, want_dept, got_dept)]
    unmatched = list(got.values())
    for project in dept.projects:
        match = _counterpart(docs[project.file], unmatched)
        if match is None:
            raise ExportFailed(f"{layout} 格式容纳不下项目“{project.code or project.name}”，未导出；请换一种格式。")
        unmatched.remove(match)
        want = docs[project.file]
        if project.secret:  # only what the public tables show: code, unit, amounts (the rest is the wording)
            want = {k: want[k] for k in PUBLIC_OF_SECRET if k in want} | ({"实施单位": project.unit} if project.unit else {})
            skip = frozenset(f.key for f in S.PROJECT.fields) - set(PUBLIC_OF_SECRET)
        else:
            skip = frozenset(want.get("涉密字段") or ()) | {"涉密字段"}
        owner = str(match.get("项目编码") or match.get("项目名称"))
        entries += [Entry(owner, path, value) for path, value in differences(S.PROJECT, want, match, skip)]
    return entries


PUBLIC_OF_SECRET = ("项目编码", "实施单位", "金额单位", "资金")


def _counterpart(want: dict[str, Any], candidates: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The imported project that stands for `want`: same code, else same name, else the next one."""
    for key in ("项目编码", "项目名称"):
        if want.get(key):
            found = next((c for c in candidates if str(c.get(key, "")) == str(want[key])), None)
            if found is not None:
                return found
    return candidates[0] if candidates else None


# ---- only what may leave the office -------------------------------------------------------------

def masked_documents(dept: Department, docs: dict[str, Any], cls: Classification) -> dict[str, Any]:
    """The department's content files as the 补充数据 sheet may compare them: whatever the classifier
    withholds is marked 涉密 (rows, units, tasks), listed in 涉密字段, or left out (a hidden code), so
    that no withheld text is written back as a "difference" the layout lost."""
    from gongkai.source.model import PERIODS
    out = dict(docs)
    data = dict(docs[dept.file])
    for key, secret in (("单位", lambda i, row: cls.unit_secret(dept, str(row.get("单位名称") or ""))),
                        ("年度主要任务", lambda i, row: cls.task_verdict(dept, i) is not None),
                        ("绩效指标", lambda i, row: cls.department_row_secret(dept, i))):
        if isinstance(data.get(key), list):
            data[key] = [_marked(row, secret(i, row)) for i, row in enumerate(data[key])]
    out[dept.file] = data
    for project in dept.projects:
        want = dict(docs[project.file])
        if cls.project_secret(project):
            if not cls.show_code(project, "code"):
                want.pop("项目编码", None)
                want["项目名称"] = "涉密项目"
        else:
            want["涉密字段"] = sorted(cls.withheld_fields(project))
            for period, label in PERIODS:
                goal = want.get(f"{label}目标")
                if isinstance(goal, dict) and isinstance(goal.get("指标"), list):
                    want[f"{label}目标"] = {**goal, "指标": [_marked(r, cls.row_secret(project, period, i)) for i, r in enumerate(goal["指标"])]}
        out[project.file] = want
    return out


def _marked(row: Any, secret: bool) -> Any:
    return {**row, "涉密": True} if secret and isinstance(row, dict) else row


SECRET_ROW = "保密项目"


def public_view(dept: Department, cls: Classification) -> Department:
    """The department as it may be emailed, as the classifier decides: secret projects (by marker,
    unit, the register, or across years) keep only their code and amounts, their tasks read as the
    standard wording, secret fields and indicator rows read as the public tables do."""
    from dataclasses import replace

    from gongkai.disclosure.redact import SECRET_UNIT_LABEL
    if cls.department_secret(dept):
        raise ExportFailed(f"部门“{dept.name}”整体涉密（涉密: true），不能导出。")
    projects = []
    for project in dept.projects:
        if cls.project_secret(project):
            unit = SECRET_UNIT_LABEL if cls.unit_secret(dept, project.unit) else project.unit
            code = project.code if cls.show_code(project, "code") else None
            projects.append(replace(project, secret=True, unit=unit, code=code))
            continue
        projects.append(_public_project(project, cls))
    units = tuple(replace(u, name=SECRET_UNIT_LABEL, code=None) if cls.unit_secret(dept, u.name) else u for u in dept.units)
    tasks = tuple(_public_task(dept, i, task, cls, {p.file: p for p in projects}) for i, task in enumerate(dept.tasks))
    return replace(dept, projects=tuple(projects), units=units, tasks=tasks)


def _public_project(project: Project, cls: Classification) -> Project:
    from dataclasses import fields as dataclass_fields, replace

    from gongkai.source.schema import PROJECT
    names = {f.key: f.name for f in PROJECT.fields}
    defaults = {f.name: f.default for f in dataclass_fields(Project)}
    changes: dict[str, Any] = {}
    for key in cls.withheld_fields(project):
        name = names[key]
        changes[name] = SECRET_WORDING if isinstance(getattr(project, name), str) else defaults[name]
    goals = tuple(replace(g, indicators=tuple(_public_row(r, cls.row_secret(project, g.period, i)) for i, r in enumerate(g.indicators)))
                  for g in changes.get("goals", project.goals))
    return replace(project, goals=goals, **{k: v for k, v in changes.items() if k != "goals"})


def _public_task(dept: Department, index: int, task: Task, cls: Classification, projects: dict[str, Project]) -> Task:
    """A task of a withheld project reads as the standard wording; one whose project's name is
    withheld is named by that project's code."""
    from dataclasses import replace
    verdict = cls.task_verdict(dept, index)
    if verdict is None:
        return task
    target = projects.get(cls.task_project(dept, index) or "")
    code = target.code if target else None
    if target is not None and target.secret:
        return replace(task, name=SECRET_WORDING, code=code, goal=None, indicator_text=None)
    return replace(task, name=code or SECRET_WORDING, code=code)


def _public_row(row: Indicator, secret: bool) -> Indicator:
    from dataclasses import replace
    if not secret:
        return row
    return replace(row, level3=SECRET_ROW, value=SECRET_ROW, description=SECRET_ROW if row.description else None,
                   basis=SECRET_ROW if row.basis else None, standard=None, code=None, secret=False)


# ---- a small sheet builder -------------------------------------------------------------------------

class Sheet:
    """Rows of values plus merges, written in one go (so layouts read top to bottom)."""

    def __init__(self) -> None:
        from openpyxl import Workbook
        self.book = Workbook()
        self.ws = self.book.active
        self.ws.title = "绩效目标表"
        self.row = 0

    def add(self, values: list[Any], merges: list[tuple[int, int]] = ()) -> int:  # type: ignore[assignment]
        """Append a row; `merges` are (first, last) column spans (0-based) merged across."""
        from openpyxl.styles import Alignment
        self.row += 1
        for col, value in enumerate(values, start=1):
            if value is None or value == "":
                continue
            cell = self.ws.cell(row=self.row, column=col, value=_cell_value(value))
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(value, Decimal):
                cell.number_format = _number_format(value)
        for first, last in merges:
            if last > first:
                self.ws.merge_cells(start_row=self.row, start_column=first + 1, end_row=self.row, end_column=last + 1)
        return self.row

    def merge_down(self, col: int, first_row: int, last_row: int) -> None:
        if last_row > first_row:
            self.ws.merge_cells(start_row=first_row, start_column=col + 1, end_row=last_row, end_column=col + 1)

    def save(self, path: Path, title: str | None) -> None:
        if title:
            self.book.properties.title = title
        self.book.properties.creator = "gongkai"
        for col, width in zip("ABCDEFGH", (22, 16, 22, 30, 24, 40, 60, 24)):
            self.ws.column_dimensions[col].width = width
        buffer = io.BytesIO()
        self.book.save(buffer)
        path.write_bytes(deterministic_zip(buffer.getvalue()))


def _cell_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)  # Excel stores numbers as doubles; a budget figure's few decimals survive
    return value


def _number_format(value: Decimal) -> str:
    exponent = value.normalize().as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) and exponent < 0 else 2
    return "#,##0." + "0" * places


def deterministic_zip(data: bytes) -> bytes:
    """Same content, same bytes: fixed timestamps in the zip and in docProps/core.xml."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name, blob in entries:
            if name == "docProps/core.xml":
                blob = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>2024-01-01T00:00:00Z\g<3>", blob)
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, blob)
    return buffer.getvalue()


def runs(keys: list[Any]) -> list[tuple[int, int]]:
    """Index ranges of equal consecutive keys; None never merges."""
    out: list[tuple[int, int]] = []
    for i, key in enumerate(keys):
        if out and key is not None and keys[out[-1][1]] == key:
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out


def _num(amount: Amount | None, unit: str) -> Decimal | None:
    if amount is None:
        return None
    value = amount.yuan / UNIT_FACTORS[unit]
    return value.normalize() if value == value.to_integral() else value


def _explicit_slug(project: Project) -> str | None:
    """The 链接名 only when it differs from what the code or name would give by default."""
    from dataclasses import replace
    if not project.slug or project.secret:
        return None
    return project.slug if project.slug != project_slug(replace(project, slug=None)) else None


def _project_unit(project: Project, dept: Department) -> str:
    return project.money.total.unit if project.money.total else dept.unit


def _level(text: str | None) -> str:
    return text or ""


# ---- 玉田 -----------------------------------------------------------------------------------------

_NUMERALS = "一二三四五六七八九十"


def _chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一 (task lists rarely reach a hundred)."""
    if n <= 10:
        return "十" if n == 10 else _NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _NUMERALS[tens - 1]) + "十" + (_NUMERALS[ones - 1] if ones else "")


def write_overview(dept: Department, sheet: Sheet) -> None:
    """第一部分 部门整体绩效目标, as paragraphs above the project forms (read back by importer.overview)."""
    if not (dept.goal or dept.tasks or dept.measures):
        return
    for line in ("第一部分", "部门整体绩效目标"):
        sheet.add([line], [(0, 6)])
    if dept.goal:
        sheet.add(["一、总体绩效目标"], [(0, 6)])
        for paragraph in _lines(dept.goal).split("\n"):
            sheet.add([paragraph], [(0, 6)])
    if dept.tasks or dept.note:
        sheet.add(["二、分项绩效目标"], [(0, 6)])
        if dept.note:
            sheet.add([dept.note], [(0, 6)])
        for n, task in enumerate(dept.tasks, start=1):
            amount = f"{_num(task.amount, dept.unit):f}{dept.unit}" if task.amount else ""
            sheet.add([f"{_chinese_number(n)}是{task.name}{amount}："], [(0, 6)])
            if task.goal:
                sheet.add([f"绩效目标：{task.goal}"], [(0, 6)])
            if task.indicator_text:
                sheet.add([f"绩效指标：{task.indicator_text}"], [(0, 6)])
    if dept.measures:
        sheet.add(["三、工作保障措施"], [(0, 6)])
        for paragraph in _lines(dept.measures).split("\n"):
            sheet.add([paragraph], [(0, 6)])
    for line in ("第二部分", "预算项目绩效目标"):
        sheet.add([line], [(0, 6)])


def write_yutian(dept: Department, sheet: Sheet) -> None:
    units = {u.name: u for u in dept.units}
    write_overview(dept, sheet)
    for n, project in enumerate(dept.projects, start=1):
        unit = _project_unit(project, dept)
        secret = project.secret
        name = (project.code or "涉密项目") if secret else project.name
        sheet.add([f"{n}.{name}绩效目标表"], [(0, 6)])
        unit_name = project.unit or dept.name
        unit_code = units[unit_name].code if unit_name in units and units[unit_name].code else (dept.code if unit_name == dept.name else None)
        sheet.add([f"{unit_code or ''}{unit_name}", None, None, None, None, None, f"单位：{unit}"], [(0, 5)])
        head = ["项目编码", project.code or "", None, "项目名称", name]
        sheet.add(head, [(1, 2), (4, 6)])
        slug = _explicit_slug(project)
        if slug:
            sheet.add(["链接名", slug], [(1, 6)])
        money = project.money
        first = sheet.add(["预算规模及资金用途", "预算数", _num(money.total, unit), "其中：财政资金", _num(money.fiscal, unit),
                           "其他资金", _num(money.other, unit)])
        purpose = SECRET_WORDING if secret else (project.purpose or "")
        last = sheet.add([None, purpose], [(1, 6)])
        sheet.merge_down(0, first, last)
        if project.plan and not secret:
            first = sheet.add(["资金支出计划（%）"] + [p.label for p in project.plan])
            last = sheet.add([None] + [f"{p.percent.normalize():f}%" for p in project.plan])
            sheet.merge_down(0, first, last)
        goal = next((g for g in project.goals if g.period == "year"), None)
        sheet.add(["绩效目标", SECRET_WORDING if secret else (goal.text if goal and goal.text else "")], [(1, 6)])
        if goal and goal.indicators and not secret:
            _indicator_table(sheet, goal.indicators, ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"],
                             lambda i: [i.level1, _level(i.level2), i.level3, i.description or "", i.value, i.basis or ""])
        sheet.add([])


def _indicator_table(sheet: Sheet, indicators: tuple[Indicator, ...], header: list[str], cells: Any,
                     period: str | None = None) -> None:
    """Header and rows; 一级 (and 目标名称) cells merged down over the rows they cover, like the forms."""
    sheet.add(header)
    first = sheet.row + 1
    for indicator in indicators:
        sheet.add(([period] if period else []) + cells(indicator))
    offset = 1 if period else 0
    level1 = [i.level1 for i in indicators]
    for a, b in runs(level1):
        sheet.merge_down(offset, first + a, first + b)


# ---- 广州 -----------------------------------------------------------------------------------------

LIST_HEADER = ["项目名称\n(资金使用单位)", "总计", "财政拨款", "财政专户拨款", "其他资金", "绩效目标", "绩效指标"]


def running_text(goal: Goal | None) -> str:
    """Indicator rows back into the list's running text: 一、产出指标： 1.X，年度指标值：Y …"""
    if goal is None or not goal.indicators:
        return ""
    numerals = "一二三四五六七八九十"
    sections: dict[str, list[Indicator]] = {}
    for indicator in goal.indicators:
        sections.setdefault(indicator.level1, []).append(indicator)
    parts = []
    for n, (level1, rows) in enumerate(sections.items()):
        items = [f"{row.level3}，年度指标值：{row.value}" for row in rows]
        body = " ".join(f"{i}.{item}" for i, item in enumerate(items, start=1)) if len(items) > 1 else items[0]
        parts.append(f"{numerals[n]}、{level1}： {body}")
    return " ".join(parts)


def write_guangzhou(dept: Department, sheet: Sheet) -> None:
    unit = dept.unit
    with_slugs = any(_explicit_slug(p) for p in dept.projects)
    header = LIST_HEADER + (["链接名"] if with_slugs else [])
    width = len(header) - 1
    sheet.add([dept.source or "项目支出绩效目标表（含转移支付项目）"], [(0, width)])
    sheet.add([f"部门名称：{dept.name}"], [(0, width)])
    sheet.add([f"单位：{unit}"], [(0, width)])
    sheet.add(header)
    sheet.add(["合 计", _num(dept.total, unit) if dept.total else _num(_sum(dept.projects), unit)])
    groups: list[tuple[str | None, Amount | None, list[Project]]] = []
    if dept.units:
        for u in dept.units:
            groups.append((u.name, u.total, [p for p in dept.projects if (p.unit or dept.name) == u.name]))
        rest = [p for p in dept.projects if (p.unit or dept.name) not in {u.name for u in dept.units}]
        if rest:
            groups.insert(0, (None, None, rest))
    else:
        groups.append((None, None, list(dept.projects)))
    for unit_name, total, projects in groups:
        if unit_name:
            sheet.add([unit_name, _num(total, unit) if total else _num(_sum(projects), unit)])
        for project in projects:  # the model's order (largest first), as the site lists them
            money, punit = project.money, unit
            if project.secret:
                values = [project.code or "涉密项目", _num(money.total, punit), _num(money.fiscal, punit),
                          _num(money.special, punit), _num(money.other, punit), SECRET_WORDING, "产出指标：保密项目，年度指标值：保密项目。"]
            else:
                goal = next((g for g in project.goals if g.period == "year"), None)
                values = [project.name, _num(money.total, punit), _num(money.fiscal, punit), _num(money.special, punit),
                          _num(money.other, punit), goal.text if goal and goal.text else "", running_text(goal)]
            if with_slugs:
                values.append(_explicit_slug(project) or "")
            sheet.add(values)


def _sum(projects: tuple[Project, ...] | list[Project]) -> Amount:
    return Amount(sum((p.money.total.yuan for p in projects), Decimal(0)), "元")


# ---- 鄂州 -----------------------------------------------------------------------------------------

_PERIOD_NAMES = {"long": "长期目标", "mid": "中期目标", "year": "年度目标"}


def write_ezhou(dept: Department, sheet: Sheet) -> None:
    for project in dept.projects:
        unit = _project_unit(project, dept)
        secret = project.secret
        if secret:  # what the public form shows: the code, the unit, the amount, the standard wording
            sheet.add(["项目名称", project.code or "涉密项目", "项目类别", "", "项目性质", ""])
        else:
            sheet.add(["项目名称", project.name, "项目类别", project.category or "", "项目性质", project.nature or ""])
        if project.code:
            sheet.add(["项目编码", project.code], [(1, 5)])
        slug = _explicit_slug(project)
        if slug:
            sheet.add(["链接名", slug], [(1, 5)])
        if project.unit:
            sheet.add(["实施单位", project.unit], [(1, 5)])
        if project.period and not secret:
            sheet.add(["项目期", project.period], [(1, 5)])
        if project.attributes and not secret:
            sheet.add(["项目属性", "、".join(project.attributes)], [(1, 5)])
        sheet.add(["立项依据", SECRET_WORDING if secret else _lines(project.basis)], [(1, 5)])
        total = _num(project.money.total, unit)
        sheet.add(["项目预算", f"{total:f}{'万' if unit == '万元' else '元'}"], [(1, 5)])
        if secret:
            sheet.add([])
            continue
        sheet.add(["项目绩效总目标"], [(0, 5)])
        sheet.add(["名称", "目标说明"], [(1, 5)])
        for goal in project.goals:
            sheet.add([goal.title or f"{goal.period_label}绩效目标1", _lines(goal.text)], [(1, 5)])
        rows = [(g, i) for g in project.goals for i in g.indicators]
        if rows:
            sheet.add(["目标名称", "一级指标", "二级指标", "三级指标", "绩效目标分类", "指标内容"])
            first = sheet.row + 1
            for goal, indicator in rows:
                sheet.add([_PERIOD_NAMES[goal.period], indicator.level1, _level(indicator.level2), indicator.level3,
                           indicator.code or "", indicator.value])
            for a, b in runs([g.period for g, _ in rows]):
                sheet.merge_down(0, first + a, first + b)
            for a, b in runs([(g.period, i.level1) for g, i in rows]):
                sheet.merge_down(1, first + a, first + b)
            for a, b in runs([(g.period, i.level1, i.level2) if i.level2 else None for g, i in rows]):
                sheet.merge_down(2, first + a, first + b)
        if project.review:
            sheet.add(["主管部门审核意见", f"审核意见：{project.review.opinion or ''}"], [(1, 5)])
            if project.review.date:
                y, m, d = project.review.date.split("-")
                sheet.add([None, f"单位公章：{y}年{int(m)}月{int(d)}日"], [(1, 5)])
        sheet.add([])


def _lines(markdown_text: str | None) -> str:
    """Markdown paragraphs as the cell's lines (the importer joins lines back into paragraphs)."""
    return "\n".join(p.strip() for p in (markdown_text or "").split("\n\n") if p.strip())
