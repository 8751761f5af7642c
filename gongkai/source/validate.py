"""Stage 2: check parsed documents against the schema and build the content model.

Every problem of a run is collected (all files, all fields) before failing, each with
file:line:column, the offending value and a fix. Warnings (misfiled indicators) never fail.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from gongkai.source import schema as S
from gongkai.errors import CATALOGUE, ContentError, Problem, short_value, sort_problems
from gongkai.source.indicators import misfiled_content, normalise, parse_value
from gongkai.source.codes import code_key
from gongkai.source.load import Document, YamlNumber, display_path
from gongkai.source.model import (PERIODS, UNIT_FACTORS, Amount, Department, Goal, Indicator, Money, PlanPoint, Project,
                    Review, Site, Task, Unit)
from gongkai.values import in_unit_text
from gongkai.slugs import GENERATED_SLUG, SLUG_PATTERN, department_slug, project_slug

MAX_YUAN = Decimal(10) ** 12
KNOWN_WARNINGS = "已知警告"  # the key a file lists its acknowledged warning codes under
_MONTH = re.compile(r"^(\d{1,2})月底?$")


class Invalid(Exception):
    def __init__(self, code: str, detail: str, hint: str | None = None) -> None:
        super().__init__(detail)
        self.code, self.detail, self.hint = code, detail, hint


@dataclass
class Checker:
    """Problems found so far; each is located through the document it came from."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, code: str, doc: Document, path: tuple, detail: str, value: object = None,
            hint: str | None = None, key: bool = False) -> None:
        line, col = doc.where(path, key=key)
        shown = None if value is None else short_value(value)
        self.problems.append(Problem(code, doc.display, line, col, detail, shown, hint))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.is_warning]


# ---- scalar conversions -------------------------------------------------------------------

def to_text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str):
        raise Invalid("E012", f"应为文字，实际是{_kind(value)}")
    return value.strip()


def to_code(value: Any) -> str:
    text = to_text(value)
    if "\n" in text:
        raise Invalid("E012", "编码不能分行")
    return text


def to_slug(value: Any) -> str:
    text = to_text(value)
    if not SLUG_PATTERN.match(text) or text in S.RESERVED_SLUGS:
        raise Invalid("E017", "链接名不符合要求")
    return text


def to_amount(value: Any, unit: str) -> Amount:
    if isinstance(value, bool) or not isinstance(value, YamlNumber):
        raise Invalid("E013", f"金额应为数字，实际是{_kind(value)}", _amount_hint(value))
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise Invalid("E013", "无法识别为金额") from None
    if not number.is_finite():
        raise Invalid("E013", "无法识别为金额")
    yuan = number * UNIT_FACTORS[unit]
    if yuan < 0 or yuan > MAX_YUAN:
        raise Invalid("E032", "金额为负数或过大")
    return Amount(yuan=yuan, unit=unit)


def _amount_hint(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    folded = unicodedata.normalize("NFKC", value).replace(",", "").replace("，", "")
    number = re.sub(r"(万元|万|元)$", "", folded.strip())
    if re.fullmatch(r"-?\d+(\.\d+)?", number):
        unit = "万元" if "万" in folded else "元"
        return f"改写为 {number}，并确认本文件的“金额单位”为 {unit}。"
    return None


def to_year(value: Any) -> int:
    if isinstance(value, YamlNumber) and re.fullmatch(r"\d{4}", value) and 1949 <= int(value) <= 2100:
        return int(value)
    raise Invalid("E019", "年度应为四位数字")


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise Invalid("E014", f"写成了{_kind(value)}")


_DATE_FORMATS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)


def to_date(value: Any) -> str:
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", to_text(value)))
    for pattern in _DATE_FORMATS:
        match = pattern.match(text)
        if match:
            y, m, d = (int(g) for g in match.groups())
            if _real_date(y, m, d):
                return f"{y:04d}-{m:02d}-{d:02d}"
    raise Invalid("E015", "无法识别为日期")


def _real_date(year: int, month: int, day: int) -> bool:
    """2024-02-30 matches the pattern but is no day of the calendar."""
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def to_percent(value: Any) -> Decimal:
    text = value if isinstance(value, str) and not isinstance(value, bool) else None
    if text is None:
        raise Invalid("E016", f"应为百分比，实际是{_kind(value)}")
    number = text.strip().removesuffix("%").removesuffix("％").strip()
    try:
        result = Decimal(number)
    except InvalidOperation:
        raise Invalid("E016", "无法识别为百分比") from None
    if not result.is_finite() or not 0 <= result <= 100:
        raise Invalid("E016", "百分比应在 0 到 100 之间")
    return result


def _kind(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return f"布尔值 {str(value).lower()}"
    if isinstance(value, YamlNumber):
        return f"数字 {value}"
    if isinstance(value, str):
        return f"文字“{short_value(value, 20)}”"
    if isinstance(value, list):
        return "列表"
    return "“键: 值”表"


# ---- records ---------------------------------------------------------------------------

@dataclass
class Reader:
    """Converts one document's mappings according to schema records."""

    doc: Document
    check: Checker
    unit: str = "元"

    def record(self, record: S.Record, data: Any, path: tuple) -> dict[str, Any] | None:
        if not isinstance(data, dict):
            self.check.add("E012", self.doc, path, f"“{record.title}”应为“键: 值”表，实际是{_kind(data)}")
            return None
        result: dict[str, Any] = {}
        for key in data:
            if record.field(key) is None:
                self._unknown_key(record, key, path)
        for spec in record.fields:
            value = data.get(spec.key)
            if value is None or value == "" or value == []:
                if spec.kind == S.BOOL and spec.key in data:
                    # An empty secret marker is ambiguous: fail closed rather than publish.
                    self.check.add("E014", self.doc, path + (spec.key,), f"“{spec.key}”没有填写 true 或 false", "空")
                    continue
                if spec.required:
                    where = path + (spec.key,) if spec.key in data else path
                    self.check.add("E011", self.doc, where, f"“{record.title}”缺少“{spec.key}”", hint=f"补上“{spec.key}: …”（{spec.doc}）")
                continue
            try:
                result[spec.name] = self.value(spec, value, path + (spec.key,))
            except Invalid as exc:
                self.check.add(exc.code, self.doc, path + (spec.key,), f"“{spec.key}”{exc.detail}", value if not isinstance(value, (dict, list)) else None, exc.hint)
        return result

    def _unknown_key(self, record: S.Record, key: str, path: tuple) -> None:
        close = difflib.get_close_matches(key, record.keys, n=1, cutoff=0.3)
        hint = f"您是不是想写“{close[0]}”？" if close else f"“{record.title}”可用的键：{'、'.join(record.keys)}。"
        self.check.add("E010", self.doc, path + (key,), f"“{record.title}”中没有“{key}”这一项", key, hint, key=True)

    def value(self, spec: S.Field, value: Any, path: tuple) -> Any:
        kind = spec.kind
        if kind in (S.TEXT, S.MARKDOWN):
            return to_text(value)
        if kind == S.CODE:
            return to_code(value)
        if kind == S.SLUG:
            return to_slug(value)
        if kind == S.AMOUNT:
            return to_amount(value, self.unit)
        if kind == S.YEAR:
            return to_year(value)
        if kind == S.BOOL:
            return to_bool(value)
        if kind == S.DATE:
            return to_date(value)
        if kind in (S.UNIT, S.ENUM):
            text = to_text(value)
            if text not in spec.choices:
                raise Invalid("E018", f"只能是 {'、'.join(spec.choices)} 之一")
            return text
        if kind in (S.TEXTS, S.KEYS):
            return self.texts(value, path)
        if kind == S.PLAN:
            return self.plan(value, path)
        if kind == S.RECORD and spec.record is not None:  # the schema gives every record field its record
            return self.record(spec.record, value, path)
        if kind == S.RECORDS and spec.record is not None:
            return self.records(spec.record, value, path)
        raise AssertionError(kind)

    def texts(self, value: Any, path: tuple) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise Invalid("E012", f"应为列表，实际是{_kind(value)}")
        out = []
        for i, item in enumerate(value):
            try:
                out.append(to_text(item))
            except Invalid as exc:
                self.check.add(exc.code, self.doc, path + (i,), exc.detail)
        return tuple(out)

    def records(self, record: S.Record, value: Any, path: tuple) -> list[tuple[dict[str, Any], tuple]]:
        if not isinstance(value, list):
            raise Invalid("E012", f"应为列表（每项以“- ”开头），实际是{_kind(value)}")
        out = []
        for i, item in enumerate(value):
            converted = self.record(record, item, path + (i,))
            if converted is not None:
                out.append((converted, path + (i,)))
        return out

    def plan(self, value: Any, path: tuple) -> tuple[PlanPoint, ...]:
        if not isinstance(value, dict):
            raise Invalid("E012", f"应为“3月底: 25%”形式的表，实际是{_kind(value)}")
        points: list[PlanPoint] = []
        for label, raw in value.items():
            match = _MONTH.match(label)
            where = path + (label,)
            if not match or not 1 <= int(match.group(1)) <= 12:
                self.check.add("E016", self.doc, where, f"“{label}”不是月份，应写成“3月底”", label, key=True)
                continue
            try:
                points.append(PlanPoint(int(match.group(1)), label, to_percent(raw)))
            except Invalid as exc:
                self.check.add(exc.code, self.doc, where, f"“{label}”{exc.detail}", raw)
        for before, after in zip(points, points[1:]):
            if after.month <= before.month or after.percent < before.percent:
                self.check.add("E022", self.doc, path + (after.label,), f"{before.label} 为 {before.percent}%，{after.label} 却为 {after.percent}%", f"{after.percent}%")
        if points and points[-1].percent != 100:
            self.check.add("E023", self.doc, path + (points[-1].label,), f"最后为 {points[-1].percent}%", f"{points[-1].percent}%")
        return tuple(points)


# ---- building the model ------------------------------------------------------------------

_SOURCES = (("total", "金额"), ("fiscal", "财政拨款"), ("special", "财政专户拨款"), ("other", "其他资金"))
# 表格名称 is the form's kind (public vocabulary, on every page): never a secret of its own.
NEVER_SECRET = frozenset({"表格名称"})


def _check_never_secret(reader: Reader, data: dict[str, Any]) -> None:
    for key in data.get("secret_fields", ()):
        if key in NEVER_SECRET:
            reader.check.add("E029", reader.doc, ("涉密字段",), f"“{key}”不能作为涉密字段", key,
                             f"“{key}”是表格的种类（如 项目支出绩效目标表），每个项目页都显示；要不公开整个项目，写 涉密: true。")


def _tasks(reader: Reader, rows: list[tuple[dict[str, Any], tuple]]) -> tuple[Task, ...]:
    """年度主要任务 with their sources of funds; the sources must add up to the task's 金额."""
    tasks = []
    for t, path in rows:
        if "name" not in t:
            continue
        parts = [t[k].yuan for k in ("fiscal", "special", "other") if t.get(k) is not None]
        if parts and t.get("amount") is not None and sum(parts) != t["amount"].yuan:
            reader.check.add("E020", reader.doc, path + ("金额",), f"任务“{t['name']}”的资金来源之和为 {in_unit_text(sum(parts), reader.unit)}，金额为 {in_unit_text(t['amount'].yuan, reader.unit)}", in_unit_text(t["amount"].yuan, reader.unit))
        tasks.append(Task(name=t["name"], amount=t.get("amount"), code=t.get("code"), goal=t.get("goal"),
                          indicator_text=t.get("indicator_text"), fiscal=t.get("fiscal"), special=t.get("special"),
                          other=t.get("other"), kind=t.get("kind")))
    return tuple(tasks)


def task_column(task: Task, name: str) -> Amount | None:
    """A task's amount in one column of the task table: total (金额), fiscal, special or other."""
    return task.amount if name == "total" else getattr(task, name)


def _check_task_total(reader: Reader, tasks: tuple[Task, ...], stated: Money | None) -> None:
    """The stated 金额合计 row against the tasks, column by column."""
    if stated is None:
        return
    for name, label in _SOURCES:
        given = getattr(stated, name)
        if given is None:
            continue
        actual = sum((a.yuan for a in (task_column(t, name) for t in tasks) if a is not None), Decimal(0))
        if actual != given.yuan:
            key = "总额" if name == "total" else label
            reader.check.add("E021", reader.doc, ("金额合计", key), f"金额合计的{label if name != 'total' else '总额'}写的是 {in_unit_text(given.yuan, reader.unit)}，各任务之和为 {in_unit_text(actual, reader.unit)}", in_unit_text(given.yuan, reader.unit),
                             "核对年度主要任务各行与金额合计行；来源表本身不一致时，照来源写并在“备注”中说明，合计以各行之和为准。")


def _check_stated_budget(reader: Reader, data: dict[str, Any]) -> None:
    """部门预算总额 = 基本支出 + 项目支出 when the source states all three."""
    total, basic, spending = (data.get(k) for k in ("budget_total", "basic", "project_spending"))
    if total is not None and basic is not None and spending is not None and basic.yuan + spending.yuan != total.yuan:
        reader.check.add("E020", reader.doc, ("部门预算总额",), f"基本支出与项目支出之和为 {in_unit_text(basic.yuan + spending.yuan, reader.unit)}，部门预算总额为 {in_unit_text(total.yuan, reader.unit)}", in_unit_text(total.yuan, reader.unit))


def indicator(reader: Reader, data: dict[str, Any], path: tuple) -> Indicator:
    level1, level2 = data["level1"], data.get("level2")
    l1, l2, warning = normalise(level1, level2)
    warning = warning or misfiled_content(level2, data["level3"], data.get("description"), data["value"])
    if warning:
        reader.check.add("W101", reader.doc, path, warning)
    return Indicator(
        level1=level1, level2=level2, level3=data["level3"], value=data["value"],
        description=data.get("description"), basis=data.get("basis"), standard=data.get("standard"),
        code=data.get("code"), secret=data.get("secret", False), parsed=parse_value(data["value"]),
        level1_norm=l1, level2_norm=l2, line=reader.doc.where(path)[0],
    )


def _indicators(reader: Reader, rows: list[tuple[dict[str, Any], tuple]]) -> tuple[Indicator, ...]:
    return tuple(indicator(reader, data, path) for data, path in rows if {"level1", "level3", "value"} <= data.keys())


def money(reader: Reader, data: dict[str, Any] | None, path: tuple) -> Money | None:
    if not data or "total" not in data:
        return None
    parts = [data.get(k) for k in ("fiscal", "special", "other")]
    given = [p.yuan for p in parts if p is not None]
    if given and sum(given) != data["total"].yuan:
        reader.check.add("E020", reader.doc, path + ("总额",), f"分项之和为 {in_unit_text(sum(given), reader.unit)}，总额为 {in_unit_text(data['total'].yuan, reader.unit)}", in_unit_text(data["total"].yuan, reader.unit))
    return Money(total=data["total"], fiscal=parts[0], special=parts[1], other=parts[2], label=data.get("label"))


PROJECT_SECRET_FIELDS = frozenset(f.key for f in S.PROJECT.fields) - {"涉密", "涉密字段", "公开文字", "确认编码关联", "金额单位", "链接名", "项目编码",
                                                                    "资金", KNOWN_WARNINGS}


def build_project(doc: Document, check: Checker, dept_unit: str, year: int, dept_slug: str) -> Project | None:
    reader = Reader(doc, check, unit=dept_unit)
    unit_name = doc.data.get("金额单位")
    if isinstance(unit_name, str) and unit_name in UNIT_FACTORS:  # a list or table here is reported, not hashed
        reader.unit = unit_name
    data = reader.record(S.PROJECT, doc.data, ())
    if data is None or "name" not in data or "money" not in data:
        return None
    _check_never_secret(reader, data)
    goals = []
    for name, _label in PERIODS:
        goal = data.get(f"goal_{name}")
        if goal is not None:
            goals.append(Goal(period=name, title=goal.get("title"), text=goal.get("text"), indicators=_indicators(reader, goal.get("indicators", []))))
    for key in data.get("secret_fields", ()):
        if key not in PROJECT_SECRET_FIELDS:
            check.add("E029", doc, ("涉密字段",), f"“{key}”不能作为涉密字段", key, f"可以列出：{'、'.join(sorted(PROJECT_SECRET_FIELDS))}。")
    _check_known_warnings(reader, data.get("known_warnings", ()))
    review = data.get("review")
    this_year = money(reader, data["money"], ("资金",))
    if this_year is None:
        return None  # its problem (a missing or unreadable 总额) is already reported
    return Project(
        name=data["name"], money=this_year, file=doc.display, year=year,
        department_slug=dept_slug, form=data.get("form"), code=data.get("code"), slug=data.get("slug"), unit=data.get("unit"),
        category=data.get("category"), nature=data.get("nature"), attributes=data.get("attributes", ()),
        period=data.get("period"), basis=data.get("basis"), purpose=data.get("purpose"),
        period_money=money(reader, data.get("period_money"), ("项目期资金",)), plan=data.get("plan", ()),
        goals=tuple(goals), review=Review(review.get("opinion"), review.get("date")) if review else None,
        source=data.get("source"), secret=data.get("secret", False), secret_fields=tuple(data.get("secret_fields", ())),
        note=data.get("note"), previous=data.get("previous"), code_link_confirmed=data.get("code_link_confirmed", False),
    )


def build_department(doc: Document, check: Checker, folder_year: int | None, folder_slug: str) -> Department | None:
    reader = Reader(doc, check)
    if isinstance(doc.data.get("金额单位"), str) and doc.data["金额单位"] in UNIT_FACTORS:
        reader.unit = doc.data["金额单位"]
    data = reader.record(S.DEPARTMENT, doc.data, ())
    if data is None or not {"name", "year", "unit_name"} <= data.keys():
        return None
    _check_known_warnings(reader, data.get("known_warnings", ()))
    if folder_year is not None and data["year"] != folder_year:
        check.add("E027", doc, ("年度",), f"文件夹为 {folder_year}，文件中写的是 {data['year']}", data["year"])
    units = tuple(Unit(name=u["name"], code=u.get("code"), slug=u.get("slug"), total=u.get("total"), secret=u.get("secret", False))
                  for u, _ in data.get("units", []) if "name" in u)
    tasks = _tasks(reader, data.get("tasks", []))
    tasks_total = money(reader, data.get("tasks_total"), ("金额合计",))
    _check_task_total(reader, tasks, tasks_total)
    _check_stated_budget(reader, data)
    return Department(
        name=data["name"], year=data["year"], unit=data["unit_name"], file=doc.display,
        slug=data.get("slug") or department_slug(data.get("short_name") or data["name"]) or folder_slug,
        short_name=data.get("short_name"), form=data.get("form"), code=data.get("code"), level=data.get("level"),
        region=data.get("region"), source=data.get("source"), goal=data.get("goal"), budget_total=data.get("budget_total"),
        basic=data.get("basic"), project_spending=data.get("project_spending"), tasks=tasks, tasks_total=tasks_total,
        measures=data.get("measures"),
        indicators=_indicators(reader, data.get("indicators", [])), units=units, total=data.get("total"),
        secret=data.get("secret", False), note=data.get("note"),
    )


# ---- whole-site checks -------------------------------------------------------------------

def _folder_of(doc: Document, root: Path) -> tuple[str, str] | None:
    parts = doc.path.relative_to(root).parts
    return (parts[0], parts[1]) if len(parts) == 3 else None


# Per project document (by id; the entry keeps the document, so the id stays its own): the
# department settings it was validated with, the result and the problems found. A rebuild reuses
# them for a document that is the same object with the same settings (see cache.py).
ProjectMemo = dict[int, tuple[Document, tuple[str, int, str], "Project | None", list[Problem]]]


def build_site(docs: list[Document], root: Path, memo: ProjectMemo | None = None,
               unreadable: list[Problem] = ()) -> tuple[Site, list[Problem]]:  # type: ignore[assignment]
    """Validate every document and return the model with its warnings, or raise ContentError
    with every problem sorted by file and line. `unreadable` are the problems of files that did
    not parse (load.load_documents): they are reported with the rest, and a folder whose
    部门.yml is among them still has its projects checked."""
    check = Checker(list(unreadable))
    broken = frozenset(p.file for p in unreadable)
    folders: dict[tuple[str, str], list[Document]] = {}
    for doc in docs:
        folder = _folder_of(doc, root)
        if folder is None or not re.fullmatch(r"\d{4}", folder[0]):
            check.add("E031", doc, (), "文件应放在 content/<年度>/<部门文件夹>/ 中", doc.display)
            continue
        folders.setdefault(folder, []).append(doc)
    departments = []
    for (year_text, folder_slug), group in sorted(folders.items()):
        dept_display = display_path(root / year_text / folder_slug / S.DEPARTMENT_FILE, root)
        dept = _build_folder(group, check, int(year_text), folder_slug, memo, dept_display in broken)
        if dept is not None:
            departments.append(dept)
    _check_unique(departments, docs, check)
    if check.errors:
        raise ContentError(sort_problems(check.problems))
    return Site(departments=tuple(departments)), sort_problems(check.warnings)


def _build_folder(group: list[Document], check: Checker, year: int, folder_slug: str, memo: ProjectMemo | None = None,
                  dept_unreadable: bool = False) -> Department | None:
    dept_docs = [d for d in group if d.path.name == S.DEPARTMENT_FILE]
    if len(dept_docs) != 1 and not (dept_unreadable and not dept_docs):
        check.add("E028", group[0], (), f"文件夹 {year}/{folder_slug} 中有 {len(dept_docs)} 个 {S.DEPARTMENT_FILE}", folder_slug)
    dept = build_department(dept_docs[0], check, year, folder_slug) if len(dept_docs) == 1 else None
    if dept is None:
        _check_orphans([d for d in group if d not in dept_docs], check, year, folder_slug, dept_docs)
        return None
    projects = []
    for doc in group:
        if doc is dept_docs[0]:
            continue
        project = _project(doc, check, (dept.unit, dept.year, dept.slug), memo)
        if project is None:
            continue
        project = _with_slug(project)
        _check_unit(project, dept, doc, check)
        projects.append(project)
    projects.sort(key=lambda p: (-p.money.total.yuan, p.slug or ""))
    dept = _replace(dept, projects=tuple(projects))
    _check_totals(dept, dept_docs[0], check)
    return dept


def _check_orphans(docs: list[Document], check: Checker, year: int, folder_slug: str, dept_docs: list[Document]) -> None:
    """Projects whose 部门.yml is missing or broken, checked as far as they can be: with the
    department's 金额单位 where it can still be read (else 元), without the unit and total checks."""
    unit = dept_docs[0].data.get("金额单位") if len(dept_docs) == 1 else None
    settings = (unit if isinstance(unit, str) and unit in UNIT_FACTORS else "元", year, folder_slug)
    for doc in docs:
        build_project(doc, check, *settings)


def _project(doc: Document, check: Checker, settings: tuple[str, int, str], memo: ProjectMemo | None) -> Project | None:
    """build_project, or its remembered result for the same document with the same settings."""
    if memo is None:
        return build_project(doc, check, *settings)
    entry = memo.get(id(doc))
    if entry is not None and entry[0] is doc and entry[1] == settings:
        check.problems.extend(entry[3])
        return entry[2]
    before = len(check.problems)
    project = build_project(doc, check, *settings)
    memo[id(doc)] = (doc, settings, project, check.problems[before:])
    return project


def _replace(obj: Any, **changes: Any) -> Any:
    from dataclasses import replace
    return replace(obj, **changes)


def _with_slug(project: Project) -> Project:
    return project if project.slug else _replace(project, slug=project_slug(project))


def _check_unit(project: Project, dept: Department, doc: Document, check: Checker) -> None:
    names = [dept.name] + [u.name for u in dept.units]
    if project.unit and project.unit not in names:
        close = difflib.get_close_matches(project.unit, names, n=1, cutoff=0.3)
        check.add("E026", doc, ("实施单位",), f"“{project.unit}”不是本部门或其单位", project.unit,
                  f"您是不是想写“{close[0]}”？" if close else f"可以写：{'、'.join(names)}。")


def _check_totals(dept: Department, doc: Document, check: Checker) -> None:
    if dept.total is not None:
        actual = sum((p.money.total.yuan for p in dept.projects), Decimal(0))
        if actual != dept.total.yuan:
            check.add("E021", doc, ("合计",), f"写的是 {in_unit_text(dept.total.yuan, dept.unit)}，各项目之和为 {in_unit_text(actual, dept.unit)}", in_unit_text(dept.total.yuan, dept.unit))
    for i, unit in enumerate(dept.units):
        if unit.total is None:
            continue
        actual = sum((p.money.total.yuan for p in dept.projects if (p.unit or dept.name) == unit.name), Decimal(0))
        if actual != unit.total.yuan:
            check.add("E021", doc, ("单位", i, "合计"), f"单位“{unit.name}”写的是 {in_unit_text(unit.total.yuan, dept.unit)}，其项目之和为 {in_unit_text(actual, dept.unit)}", in_unit_text(unit.total.yuan, dept.unit))


def _check_unique(departments: list[Department], docs: list[Document], check: Checker) -> None:
    by_file = {d.display: d for d in docs}
    seen_codes: dict[tuple[int, str], str] = {}
    seen_urls: dict[str, str] = {}
    for dept in departments:
        dept_url = f"{dept.year}/{dept.slug}"
        if dept_url in seen_urls:
            check.add("E025", by_file[dept.file], ("链接名",), f"页面地址 /{dept_url}/ 已被 {seen_urls[dept_url]} 使用", dept.slug)
        seen_urls[dept_url] = dept.file
        for project in dept.projects:
            doc = by_file[project.file]
            if project.code:
                key = (dept.year, code_key(project.code))  # the one comparison of codes: case, width, separators folded
                if key in seen_codes:
                    check.add("E024", doc, ("项目编码",), f"编码已在 {seen_codes[key]} 中使用", project.code)
                seen_codes[key] = project.file
            if not project.slug:
                continue  # a secret project without a code: redact gives it a numbered public slug
            url = f"{dept_url}/{project.slug}"
            if GENERATED_SLUG.match(project.slug):
                check.add("E025", doc, ("链接名",) if "链接名" in doc.data else ("项目编码",) if project.code else ("项目名称",),
                          f"页面地址 /{url}/ 留给不公开名称的涉密项目（按编号生成）", project.slug,
                          "换一个链接名（如项目编码或名称的拼音），不要使用 shemi-数字 或 mingcheng-shemi-数字。")
            if url in seen_urls:
                check.add("E025", doc, ("链接名",), f"页面地址 /{url}/ 已被 {seen_urls[url]} 使用", project.slug)
            seen_urls[url] = project.file


# ---- acknowledged warnings -------------------------------------------------------------------

def _check_known_warnings(reader: Reader, codes: tuple[str, ...]) -> None:
    warning_codes = [c for c in CATALOGUE if c.startswith("W")]
    for i, code in enumerate(codes):
        if code not in warning_codes:
            reader.check.add("E018", reader.doc, (KNOWN_WARNINGS, i), f"“{code}”不是警告代码", code,
                             f"只能列出警告代码：{'、'.join(warning_codes)}（错误不能确认，只能改正）。")


def acknowledge(problems: list[Problem], docs: list[Document]) -> tuple[list[Problem], list[Problem]]:
    """(shown, acknowledged): warnings whose code the file lists under 已知警告 are set apart, so
    that warnings accepted from the source data stop burying new ones."""
    known = {doc.display: frozenset(c for c in doc.data.get(KNOWN_WARNINGS) or () if isinstance(c, str))
             for doc in docs if isinstance(doc.data.get(KNOWN_WARNINGS), list)}
    shown: list[Problem] = []
    acknowledged: list[Problem] = []
    for problem in problems:
        (acknowledged if problem.is_warning and problem.code in known.get(problem.file, ()) else shown).append(problem)
    return shown, acknowledged
