"""Stage 6b: open data from the public model only: CSV (UTF-8 with BOM for Excel), JSON, XLSX
and a Frictionless Data Package describing the whole-site tables.

Files: beside each project page <链接名>.csv / <链接名>-indicators.csv / <链接名>.xlsx / <链接名>.json
(and, for links made before, the same bytes as project.csv / indicators.csv / project.xlsx /
project.json); beside each department page projects.csv / indicators.csv / department.xlsx /
department.json, with tasks.csv (年度主要任务 and their funds) and department-indicators.csv where
the department has them; data/<year>/ projects.csv / indicators.csv / tasks.csv /
department-indicators.csv / year.xlsx / year.json; data/ the whole site as the same tables plus
departments.csv, site.xlsx, site.json and datapackage.json.
Every row is encoded once (a CSV line, a sheet row) and every project's JSON serialised once; the
department, year and site files join those, so each level costs a join, not a re-encoding.
XLSX files come from gongkai/xlsx.py and are byte-identical between builds.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, NamedTuple, Protocol

from gongkai import xlsx
from gongkai.formatting import spreadsheet_text
from gongkai.values import Amount, yuan_text
from gongkai.parallel import forked_map
from gongkai.public import PublicDepartment, PublicIndicator, PublicProject, PublicSite
from gongkai.writer import Output, write_files

PROJECT_COLUMNS = ("年度", "部门", "部门编码", "实施单位", "项目名称", "项目编码", "涉密", "项目类别", "项目性质", "表格名称",
                   "金额单位", "资金名称", "总额", "财政拨款", "财政专户拨款", "其他资金", "总额（元）", "项目期", "项目期资金名称",
                   "项目期总额", "项目期财政拨款", "项目期财政专户拨款", "项目期其他资金", "页面", "部门页面")
INDICATOR_COLUMNS = ("年度", "部门", "项目名称", "项目编码", "目标期间", "一级指标", "二级指标", "三级指标", "分类编码",
                     "绩效指标描述", "指标值", "比较符", "数值", "数值上限", "数值单位", "指标值确定依据", "绩效标准", "页面", "项目页面")
DEPARTMENT_COLUMNS = ("年度", "部门", "部门简称", "部门编码", "表格名称", "行政级别", "地区", "金额单位", "项目数", "项目支出合计",
                      "项目支出合计（元）", "涉密项目合计（元）", "部门预算总额", "基本支出", "项目支出", "金额合计",
                      "金额合计财政拨款", "金额合计财政专户拨款", "金额合计其他资金", "来源文件", "页面")
TASK_COLUMNS = ("年度", "部门", "序号", "任务名称", "支出类型", "项目编码", "金额单位", "金额", "财政拨款", "财政专户拨款",
                "其他资金", "金额（元）", "绩效目标", "绩效指标", "项目页面", "页面", "部门页面")
DEPARTMENT_INDICATOR_COLUMNS = ("年度", "部门", "一级指标", "二级指标", "三级指标", "分类编码", "绩效指标描述", "指标值",
                                "比较符", "数值", "数值上限", "数值单位", "指标值确定依据", "绩效标准", "页面", "部门页面")
# What a column means where its name alone could mislead (the data package carries it).
DESCRIPTIONS = {
    "项目支出合计": "本网站所列项目的金额之和（含涉密项目），不是来源写明的“项目支出”",
    "项目支出合计（元）": "本网站所列项目的金额之和，单位元",
    "项目支出": "来源写明的项目支出（可以大于所列项目之和）",
    "部门预算总额": "来源写明的部门预算总额",
    "基本支出": "来源写明的基本支出",
    "金额合计": "来源年度主要任务表的“金额合计”行",
    "比较符": "≥ ≤ > < =，区间为 ~（数值至数值上限）；空白表示未能可靠读出",
    "数值上限": "区间的上限（如 90%-95% 的 95）",
}


def _in_unit(amount: Amount | None) -> str:
    """The amount in its source's unit with the decimals the source wrote (3505.90, 407.257)."""
    if amount is None:
        return ""
    return f"{amount.in_unit:f}"


def _yuan(amount: Amount | None) -> str:
    return "" if amount is None else yuan_text(amount.yuan)


def project_row(project: PublicProject, dept: PublicDepartment, base_url: str) -> dict[str, str]:
    money, period = project.money, project.period_money
    unit = money.total.unit if money.total else dept.unit
    return {
        "年度": str(project.year), "部门": dept.name, "部门编码": dept.code or "", "实施单位": project.unit,
        "项目名称": project.name, "项目编码": project.code or "", "涉密": "是" if project.secret else "否",
        "项目类别": project.category or "", "项目性质": project.nature or "", "表格名称": project.form or "", "金额单位": unit,
        "资金名称": money.label or "", "总额": _in_unit(money.total), "财政拨款": _in_unit(money.fiscal),
        "财政专户拨款": _in_unit(money.special), "其他资金": _in_unit(money.other), "总额（元）": _yuan(money.total),
        "项目期": project.period or "", "项目期资金名称": period.label or "" if period else "",
        "项目期总额": _in_unit(period.total if period else None), "项目期财政拨款": _in_unit(period.fiscal if period else None),
        "项目期财政专户拨款": _in_unit(period.special if period else None), "项目期其他资金": _in_unit(period.other if period else None),
        "页面": base_url + project.path, "部门页面": base_url + dept.path,
    }


def _indicator_cells(row: PublicIndicator) -> dict[str, str]:
    """The columns an indicator row has wherever it is listed (a project's or the department's)."""
    return {
        "一级指标": row.level1, "二级指标": row.level2 or "", "三级指标": row.level3, "分类编码": row.code or "",
        "绩效指标描述": row.description or "", "指标值": row.value, "比较符": row.comparator or "",
        "数值": _number(row.number), "数值上限": _number(row.number_max), "数值单位": row.number_unit or "",
        "指标值确定依据": row.basis or "", "绩效标准": row.standard or "",
    }


def _number(value: Decimal | None) -> str:
    """A parsed 指标值 number as written (200.20 stays 200.20)."""
    return "" if value is None else f"{value:f}"


def indicator_rows(project: PublicProject, dept: PublicDepartment, base_url: str) -> Iterable[dict[str, str]]:
    for goal in project.goals:
        for row in goal.indicators:
            yield {
                "年度": str(project.year), "部门": dept.name, "项目名称": project.name, "项目编码": project.code or "",
                "目标期间": goal.period_label, **_indicator_cells(row),
                "页面": f"{base_url}{project.path}#{row.anchor}", "项目页面": base_url + project.path,
            }


def department_indicator_rows(dept: PublicDepartment, base_url: str) -> Iterable[dict[str, str]]:
    for row in dept.indicators:
        yield {"年度": str(dept.year), "部门": dept.name, **_indicator_cells(row),
               "页面": f"{base_url}{dept.path}#{row.anchor}", "部门页面": base_url + dept.path}


def task_rows(dept: PublicDepartment, base_url: str) -> Iterable[dict[str, str]]:
    for i, task in enumerate(dept.tasks, 1):
        yield {
            "年度": str(dept.year), "部门": dept.name, "序号": str(i), "任务名称": task.name, "支出类型": task.kind or "",
            "项目编码": task.code or "", "金额单位": dept.unit, "金额": _in_unit(task.amount), "财政拨款": _in_unit(task.fiscal),
            "财政专户拨款": _in_unit(task.special), "其他资金": _in_unit(task.other), "金额（元）": _yuan(task.amount),
            "绩效目标": task.goal or "", "绩效指标": task.indicator_text or "",
            "项目页面": base_url + task.project_path if task.project_path else "",
            "页面": f"{base_url}{dept.path}#{task.anchor}", "部门页面": base_url + dept.path,
        }


def department_row(dept: PublicDepartment, base_url: str) -> dict[str, str]:
    stated = dept.tasks_total
    return {
        "年度": str(dept.year), "部门": dept.name, "部门简称": dept.short_name or "", "部门编码": dept.code or "",
        "表格名称": dept.form or "",
        "行政级别": dept.level or "", "地区": dept.region or "", "金额单位": dept.unit, "项目数": str(len(dept.projects)),
        "项目支出合计": _in_unit(dept.total), "项目支出合计（元）": _yuan(dept.total), "涉密项目合计（元）": _yuan(dept.withheld_total),
        "部门预算总额": _in_unit(dept.budget_total), "基本支出": _in_unit(dept.basic), "项目支出": _in_unit(dept.project_spending),
        "金额合计": _in_unit(stated.total if stated else None), "金额合计财政拨款": _in_unit(stated.fiscal if stated else None),
        "金额合计财政专户拨款": _in_unit(stated.special if stated else None),
        "金额合计其他资金": _in_unit(stated.other if stated else None), "来源文件": dept.source or "", "页面": base_url + dept.path,
    }


INTEGER_COLUMNS = frozenset({"年度", "项目数", "序号"})
AMOUNT_COLUMNS = frozenset({"总额", "财政拨款", "财政专户拨款", "其他资金", "总额（元）", "项目支出合计", "项目支出合计（元）",
                            "涉密项目合计（元）", "项目期总额", "项目期财政拨款", "项目期财政专户拨款", "项目期其他资金",
                            "部门预算总额", "基本支出", "项目支出", "金额合计", "金额合计财政拨款", "金额合计财政专户拨款",
                            "金额合计其他资金", "金额", "金额（元）"})
NUMBER_COLUMNS = AMOUNT_COLUMNS | {"数值", "数值上限"}


# ---- Data Package ----------------------------------------------------------------------------

def _field(column: str) -> dict[str, Any]:
    described = {"description": DESCRIPTIONS[column]} if column in DESCRIPTIONS else {}
    if column in INTEGER_COLUMNS:
        return {"name": column, "type": "integer", **described}
    if column in NUMBER_COLUMNS:
        return {"name": column, "type": "number", **described}
    if column == "涉密":
        return {"name": column, "type": "boolean", "trueValues": ["是"], "falseValues": ["否"], **described}
    return {"name": column, "type": "string", **described}


def _resource(name: str, title: str, columns: tuple[str, ...], schema_extra: dict[str, Any]) -> dict[str, Any]:
    fields = [_field(c) for c in columns]
    for f in fields:
        if f["name"] in ("年度", "页面"):
            f["constraints"] = {"required": True}
    return {
        "name": name, "title": title, "path": f"{name}.csv", "profile": "tabular-data-resource", "format": "csv",
        "mediatype": "text/csv", "encoding": "utf-8-sig",
        "schema": {"fields": fields, "missingValues": [""], **schema_extra},
    }


def _child(name: str, title: str, columns: tuple[str, ...], link: str, parent: str) -> dict[str, Any]:
    """A table keyed by its 页面 whose `link` column points at the 页面 of a row of `parent`."""
    return _resource(name, title, columns, {
        "primaryKey": ["页面"], "foreignKeys": [{"fields": [link], "reference": {"resource": parent, "fields": ["页面"]}}]})


def datapackage(title: str) -> dict[str, Any]:
    """The whole-site tables, typed, with their keys: indicators → projects → departments."""
    return {
        "profile": "tabular-data-package",
        "name": "gongkai-budget-performance-targets",
        "title": title,
        "description": "部门预算项目支出绩效目标公开数据（仅含公开内容；涉密项目只列公开标签）。金额列“总额”等为来源所用单位（见“金额单位”），“（元）”列统一为元。",
        "licenses": [{"name": "other-open", "title": "政府信息公开"}],
        "resources": [
            _resource("departments", "部门", DEPARTMENT_COLUMNS, {"primaryKey": ["页面"]}),
            _child("projects", "项目", PROJECT_COLUMNS, "部门页面", "departments"),
            _child("indicators", "绩效指标", INDICATOR_COLUMNS, "项目页面", "projects"),
            _child("department-indicators", "部门整体绩效指标", DEPARTMENT_INDICATOR_COLUMNS, "部门页面", "departments"),
            _child("tasks", "年度主要任务", TASK_COLUMNS, "部门页面", "departments"),
        ],
    }


# ---- Encoded rows: each row is turned into CSV and XLSX text once, for every file that holds it ----

# The first characters after which spreadsheet_text may add its apostrophe (tests/test_exports.py
# checks every character against it): the other cells skip the call, most of the CSV's cost.
FORMULA_TRIGGERS = frozenset("=@+-\t\r")


class Encoded(NamedTuple):
    year: str  # the row's 年度, for the per-year files
    csv: str  # one CSV line, CRLF included
    xlsx: bytes  # one <row> of sheet XML (gongkai.xlsx.Layout.row)


class Table:
    """A table's columns, with each row encoded once for CSV and once for XLSX."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        self.columns = columns
        self.layout = xlsx.layout(columns, [_kind(c) for c in columns], [_width(c) for c in columns])
        self.csv_header = _csv_lines([columns])[0]
        self._year = columns.index("年度")

    def encode(self, rows: Iterable[dict[str, str]]) -> list[Encoded]:
        values = [[row[c] for c in self.columns] for row in rows]
        lines = _csv_lines([[spreadsheet_text(v) if v[:1] in FORMULA_TRIGGERS else v for v in row] for row in values])
        if len(lines) != len(values):
            raise RuntimeError("csv.writer no longer writes once per row: the exports would pair rows wrongly")
        return [Encoded(row[self._year], line, self.layout.row(row)) for row, line in zip(values, lines)]

    def csv(self, rows: list[Encoded]) -> bytes:
        """UTF-8 with a BOM (Excel reads it as UTF-8 then), CRLF line ends."""
        return ("\ufeff" + self.csv_header + "".join([r.csv for r in rows])).encode("utf-8")


# Columns of long text get room to read (in characters; CJK count two); the rest fit their header.
_WIDE = {"部门": 30, "实施单位": 30, "项目名称": 36, "任务名称": 30, "三级指标": 24, "绩效指标描述": 36, "指标值": 36,
         "指标值确定依据": 24, "绩效标准": 24, "绩效目标": 40, "绩效指标": 40, "来源文件": 36, "表格名称": 28, "页面": 50,
         "部门页面": 40, "项目页面": 50}


def _width(column: str) -> float:
    if column in _WIDE:
        return _WIDE[column]
    return max(10 if column in NUMBER_COLUMNS else 8, xlsx.text_width(column) + 3)


def _kind(column: str) -> str:
    """Numbers as numbers (a spreadsheet can sum them), amounts with at least two decimals as the
    pages show them, everything else as text."""
    if column in INTEGER_COLUMNS:
        return xlsx.INTEGER
    if column in AMOUNT_COLUMNS:
        return xlsx.AMOUNT
    return xlsx.NUMBER if column in NUMBER_COLUMNS else xlsx.TEXT


class _Lines:
    """A file for csv.writer that keeps each row's line apart (the writer writes once per row)."""

    def __init__(self, lines: list[str]) -> None:
        self.write = lines.append


def _csv_lines(rows: Iterable[Iterable[str]]) -> list[str]:
    lines: list[str] = []
    csv.writer(_Lines(lines), lineterminator="\r\n").writerows(rows)
    return lines


DEPARTMENTS, PROJECTS, INDICATORS = Table(DEPARTMENT_COLUMNS), Table(PROJECT_COLUMNS), Table(INDICATOR_COLUMNS)
TASKS, DEPARTMENT_INDICATORS = Table(TASK_COLUMNS), Table(DEPARTMENT_INDICATOR_COLUMNS)


def _workbook(departments: list[Encoded], projects: list[Encoded], indicators: list[Encoded],
              tasks: list[Encoded] = (), dept_indicators: list[Encoded] = ()) -> bytes:  # type: ignore[assignment]
    """部门, 项目, 指标 and, in a department's, year's or the site's workbook, 年度主要任务 and 部门指标."""
    sheets = [("项目", PROJECTS.layout, [r.xlsx for r in projects]), ("指标", INDICATORS.layout, [r.xlsx for r in indicators])]
    if departments:
        sheets = [("部门", DEPARTMENTS.layout, [r.xlsx for r in departments]), *sheets,
                  ("年度主要任务", TASKS.layout, [r.xlsx for r in tasks]),
                  ("部门指标", DEPARTMENT_INDICATORS.layout, [r.xlsx for r in dept_indicators])]
    return xlsx.workbook(sheets)


# ---- JSON: each project serialised once, its text spliced into the department, year and site files ----

_PLAIN = frozenset({str, int, bool, float, type(None)})


def _jsonable(value: Any) -> Any:
    if type(value) in _PLAIN:  # most values: checked first, the export of a large site is ~10⁶ of them
        return value
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, Amount):
        return {"元": f"{value.yuan.quantize(Decimal('0.01')):f}", "原单位": value.unit, "原单位金额": f"{value.in_unit.normalize():f}"}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {k: _jsonable(getattr(value, k)) for k in value.__dataclass_fields__}
    return value


def project_json(project: PublicProject) -> dict[str, Any]:
    data = _jsonable(project)
    data["path"] = project.path
    return data


def json_text(data: Any) -> str:
    """Compact JSON. With these separators a dump of an object is its members' dumps joined, which
    is what lets _object_text splice already serialised parts and still give the same bytes."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def to_json(data: Any) -> bytes:
    return _json_file(json_text(data))


def _object_text(members: list[tuple[str, str]]) -> str:
    """json_text of an object whose member values are given already serialised."""
    return "{" + ",".join(f"{json_text(key)}:{value}" for key, value in members) + "}"


def _array_text(items: list[str]) -> str:
    return "[" + ",".join(items) + "]"


def department_json_text(dept: PublicDepartment, project_texts: list[str]) -> str:
    """department.json (without its final newline), given json_text(project_json(p)) of its projects."""
    members = [(k, json_text(_jsonable(getattr(dept, k)))) for k in dept.__dataclass_fields__ if k not in ("projects", "units")]
    units = [{"name": u.name, "code": u.code, "total": _jsonable(u.total), "projects": [p.path for p in u.projects]} for u in dept.units]
    members += [("units", json_text(units)), ("projects", _array_text(project_texts)), ("path", json_text(dept.path))]
    return _object_text(members)


# ---- Files ----------------------------------------------------------------------------------

class _DepartmentExport(NamedTuple):
    """What a worker sends back: the department's own files, and its encoded rows and JSON for
    the year and site files, so the parent only joins."""
    files: dict[str, bytes]  # or, when a worker wrote them to the staging folder itself, their sizes:
    sizes: dict[str, int]
    department: Encoded
    projects: list[Encoded]
    indicators: list[Encoded]
    json: str
    tasks: list[Encoded] = []
    dept_indicators: list[Encoded] = []


class Reuse(Protocol):
    """What a build cache offers exports: a department's files and rows from the last build when
    nothing they are made of has changed (see cache.ExportMemo)."""

    def reused(self, dept: PublicDepartment, output: Output) -> _DepartmentExport | None: ...

    def made(self, dept: PublicDepartment, part: _DepartmentExport) -> None: ...


def export_to(output: Output, public: PublicSite, base_url: str, title: str = "预算绩效目标公开",
              reuse: Reuse | None = None) -> None:
    """The exports into the output; with a staging folder, each department's files are written
    there by the worker that made them (only their sizes come back). With `reuse`, departments
    unchanged since the last build keep their files (the year and site files are joined anew)."""
    kept = [reuse.reused(dept, output) if reuse else None for dept in public.departments]
    stale = [dept for dept, part in zip(public.departments, kept) if part is None]
    made = iter(_department_exports(stale, base_url, output.staging))
    parts: list[_DepartmentExport] = []
    for dept, part in zip(public.departments, kept):
        if part is None:
            part = next(made)
            for path, size in part.sizes.items():
                output.claim(path, size)
            output.update(part.files)
            if reuse:
                reuse.made(dept, part)
        parts.append(part)
    output.update(_collected_files(public, parts, title))


def collected_files(public: PublicSite, base_url: str, title: str) -> dict[str, bytes]:
    """The per-year and whole-site files alone (a merge of shards: the departments' own files
    are the shards')."""
    return _collected_files(public, [_department_export(dept, base_url) for dept in public.departments], title)


def _collected_files(public: PublicSite, parts: list[_DepartmentExport], title: str) -> dict[str, bytes]:
    """The per-year and whole-site files, joined from the departments' encoded rows."""
    files: dict[str, bytes] = {}
    all_departments = [part.department for part in parts]
    all_projects = [row for part in parts for row in part.projects]
    all_indicators = [row for part in parts for row in part.indicators]
    all_tasks = [row for part in parts for row in part.tasks]
    all_dept_indicators = [row for part in parts for row in part.dept_indicators]
    for year in public.years:
        y = str(year)
        departments = [r for r in all_departments if r.year == y]
        projects = [r for r in all_projects if r.year == y]
        indicators = [r for r in all_indicators if r.year == y]
        tasks = [r for r in all_tasks if r.year == y]
        dept_indicators = [r for r in all_dept_indicators if r.year == y]
        files[f"data/{year}/projects.csv"] = PROJECTS.csv(projects)
        files[f"data/{year}/indicators.csv"] = INDICATORS.csv(indicators)
        files[f"data/{year}/tasks.csv"] = TASKS.csv(tasks)
        files[f"data/{year}/department-indicators.csv"] = DEPARTMENT_INDICATORS.csv(dept_indicators)
        files[f"data/{year}/year.xlsx"] = _workbook(departments, projects, indicators, tasks, dept_indicators)
        texts = [part.json for dept, part in zip(public.departments, parts) if dept.year == year]
        files[f"data/{year}/year.json"] = _json_file(_object_text([("year", json_text(year)), ("departments", _array_text(texts))]))
    files["data/departments.csv"] = DEPARTMENTS.csv(all_departments)
    files["data/projects.csv"] = PROJECTS.csv(all_projects)
    files["data/indicators.csv"] = INDICATORS.csv(all_indicators)
    files["data/tasks.csv"] = TASKS.csv(all_tasks)
    files["data/department-indicators.csv"] = DEPARTMENT_INDICATORS.csv(all_dept_indicators)
    files["data/site.xlsx"] = _workbook(all_departments, all_projects, all_indicators, all_tasks, all_dept_indicators)
    files["data/site.json"] = _json_file(_object_text([("departments", _array_text([part.json for part in parts]))]))
    files["data/datapackage.json"] = to_json(datapackage(title))
    return files


def _json_file(text: str) -> bytes:
    return (text + "\n").encode("utf-8")


def _department_exports(departments: list[PublicDepartment], base_url: str, staging: Path | None) -> list[_DepartmentExport]:
    """Each department's files and rows, in department order; across cores when the site is large."""
    from gongkai.parallel import worker_count
    workers = worker_count(sum(len(d.projects) for d in departments)) if len(departments) > 1 else 1

    def export(index: int) -> _DepartmentExport:
        part = _department_export(departments[index], base_url)
        if staging is None:
            return part
        return part._replace(files={}, sizes=write_files(staging, part.files))

    return forked_map(export, len(departments), workers)


def project_files(project: PublicProject) -> dict[str, str]:
    """The project's own downloads, named by its link name (or code) so that saved files differ:
    project.csv of every project was indistinguishable in a downloads folder."""
    base = f"{project.path}{project.slug}"
    return {"csv": f"{base}.csv", "indicators": f"{base}-indicators.csv", "xlsx": f"{base}.xlsx", "json": f"{base}.json"}


# The names used before issue 13, still written (the same bytes) so that links to them keep working.
_OLD_NAMES = {"csv": "project.csv", "indicators": "indicators.csv", "xlsx": "project.xlsx", "json": "project.json"}


def _department_export(dept: PublicDepartment, base_url: str) -> _DepartmentExport:
    own_files: dict[str, bytes] = {}
    projects: list[Encoded] = []
    indicators: list[Encoded] = []
    texts: list[str] = []
    for project in dept.projects:
        (row,) = PROJECTS.encode([project_row(project, dept, base_url)])
        own = INDICATORS.encode(indicator_rows(project, dept, base_url))
        text = json_text(project_json(project))
        made = {"json": _json_file(text), "csv": PROJECTS.csv([row]), "indicators": INDICATORS.csv(own),
                "xlsx": _workbook([], [row], own)}
        for kind, path in project_files(project).items():
            own_files[path] = made[kind]
            own_files[f"{project.path}{_OLD_NAMES[kind]}"] = made[kind]
        projects.append(row)
        indicators += own
        texts.append(text)
    (department,) = DEPARTMENTS.encode([department_row(dept, base_url)])
    tasks = TASKS.encode(task_rows(dept, base_url))
    dept_indicators = DEPARTMENT_INDICATORS.encode(department_indicator_rows(dept, base_url))
    dept_text = department_json_text(dept, texts)
    files = {f"{dept.path}projects.csv": PROJECTS.csv(projects), f"{dept.path}indicators.csv": INDICATORS.csv(indicators),
             f"{dept.path}department.json": _json_file(dept_text),
             f"{dept.path}department.xlsx": _workbook([department], projects, indicators, tasks, dept_indicators)}
    if tasks:
        files[f"{dept.path}tasks.csv"] = TASKS.csv(tasks)
    if dept_indicators:
        files[f"{dept.path}department-indicators.csv"] = DEPARTMENT_INDICATORS.csv(dept_indicators)
    files.update(own_files)
    return _DepartmentExport(files, {}, department, projects, indicators, dept_text, tasks, dept_indicators)
