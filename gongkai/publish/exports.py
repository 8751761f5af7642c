"""Stage 6b: open data from the public model only: CSV (UTF-8 with BOM for Excel), JSON, XLSX
and a Frictionless Data Package describing the whole-site tables.

Files: beside each project page project.csv / indicators.csv / project.xlsx / project.json;
beside each department page projects.csv / indicators.csv / department.xlsx / department.json;
data/<year>/ projects.csv / indicators.csv / year.xlsx / year.json; data/ the whole site as
projects.csv / indicators.csv / departments.csv / site.xlsx / site.json and datapackage.json.
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
from gongkai.public import PublicDepartment, PublicProject, PublicSite
from gongkai.writer import Output, write_files

PROJECT_COLUMNS = ("年度", "部门", "部门编码", "实施单位", "项目名称", "项目编码", "涉密", "项目类别", "项目性质",
                   "金额单位", "总额", "财政拨款", "财政专户拨款", "其他资金", "总额（元）", "页面", "部门页面")
INDICATOR_COLUMNS = ("年度", "部门", "项目名称", "项目编码", "目标期间", "一级指标", "二级指标", "三级指标", "分类编码",
                     "绩效指标描述", "指标值", "比较符", "数值", "数值单位", "指标值确定依据", "绩效标准", "页面", "项目页面")
DEPARTMENT_COLUMNS = ("年度", "部门", "部门简称", "部门编码", "行政级别", "地区", "金额单位", "项目数", "项目支出合计",
                      "项目支出合计（元）", "涉密项目合计（元）", "来源文件", "页面")


def _in_unit(amount: Amount | None) -> str:
    if amount is None:
        return ""
    return f"{amount.in_unit.normalize():f}"


def _yuan(amount: Amount | None) -> str:
    return "" if amount is None else yuan_text(amount.yuan)


def project_row(project: PublicProject, dept: PublicDepartment, base_url: str) -> dict[str, str]:
    money = project.money
    unit = money.total.unit if money.total else dept.unit
    return {
        "年度": str(project.year), "部门": dept.name, "部门编码": dept.code or "", "实施单位": project.unit,
        "项目名称": project.name, "项目编码": project.code or "", "涉密": "是" if project.secret else "否",
        "项目类别": project.category or "", "项目性质": project.nature or "", "金额单位": unit,
        "总额": _in_unit(money.total), "财政拨款": _in_unit(money.fiscal), "财政专户拨款": _in_unit(money.special),
        "其他资金": _in_unit(money.other), "总额（元）": _yuan(money.total), "页面": base_url + project.path,
        "部门页面": base_url + dept.path,
    }


def indicator_rows(project: PublicProject, dept: PublicDepartment, base_url: str) -> Iterable[dict[str, str]]:
    for goal in project.goals:
        for row in goal.indicators:
            yield {
                "年度": str(project.year), "部门": dept.name, "项目名称": project.name, "项目编码": project.code or "",
                "目标期间": goal.period_label, "一级指标": row.level1, "二级指标": row.level2 or "", "三级指标": row.level3,
                "分类编码": row.code or "", "绩效指标描述": row.description or "", "指标值": row.value,
                "比较符": row.comparator or "", "数值": f"{row.number.normalize():f}" if row.number is not None else "",
                "数值单位": row.number_unit or "", "指标值确定依据": row.basis or "", "绩效标准": row.standard or "",
                "页面": f"{base_url}{project.path}#{row.anchor}", "项目页面": base_url + project.path,
            }


def department_row(dept: PublicDepartment, base_url: str) -> dict[str, str]:
    return {
        "年度": str(dept.year), "部门": dept.name, "部门简称": dept.short_name or "", "部门编码": dept.code or "",
        "行政级别": dept.level or "", "地区": dept.region or "", "金额单位": dept.unit, "项目数": str(len(dept.projects)),
        "项目支出合计": _in_unit(dept.total), "项目支出合计（元）": _yuan(dept.total),
        "涉密项目合计（元）": _yuan(dept.withheld_total), "来源文件": dept.source or "", "页面": base_url + dept.path,
    }


INTEGER_COLUMNS = frozenset({"年度", "项目数"})
NUMBER_COLUMNS = frozenset({"总额", "财政拨款", "财政专户拨款", "其他资金", "总额（元）", "数值", "项目支出合计",
                            "项目支出合计（元）", "涉密项目合计（元）"})


# ---- Data Package ----------------------------------------------------------------------------

def _field(column: str) -> dict[str, Any]:
    if column in INTEGER_COLUMNS:
        return {"name": column, "type": "integer"}
    if column in NUMBER_COLUMNS:
        return {"name": column, "type": "number"}
    if column == "涉密":
        return {"name": column, "type": "boolean", "trueValues": ["是"], "falseValues": ["否"]}
    return {"name": column, "type": "string"}


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
            _resource("projects", "项目", PROJECT_COLUMNS, {
                "primaryKey": ["页面"],
                "foreignKeys": [{"fields": ["部门页面"], "reference": {"resource": "departments", "fields": ["页面"]}}]}),
            _resource("indicators", "绩效指标", INDICATOR_COLUMNS, {
                "primaryKey": ["页面"],
                "foreignKeys": [{"fields": ["项目页面"], "reference": {"resource": "projects", "fields": ["页面"]}}]}),
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
        self.layout = xlsx.layout(columns, [_kind(c) for c in columns])
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


def _kind(column: str) -> str:
    """Numbers as numbers (a spreadsheet can sum them), everything else as text."""
    if column in INTEGER_COLUMNS:
        return xlsx.INTEGER
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


def _workbook(departments: list[Encoded], projects: list[Encoded], indicators: list[Encoded]) -> bytes:
    sheets = [("部门", DEPARTMENTS.layout, [r.xlsx for r in departments])] if departments else []
    return xlsx.workbook(sheets + [("项目", PROJECTS.layout, [r.xlsx for r in projects]),
                                   ("指标", INDICATORS.layout, [r.xlsx for r in indicators])])


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
    for year in public.years:
        y = str(year)
        departments = [r for r in all_departments if r.year == y]
        projects = [r for r in all_projects if r.year == y]
        indicators = [r for r in all_indicators if r.year == y]
        files[f"data/{year}/projects.csv"] = PROJECTS.csv(projects)
        files[f"data/{year}/indicators.csv"] = INDICATORS.csv(indicators)
        files[f"data/{year}/year.xlsx"] = _workbook(departments, projects, indicators)
        texts = [part.json for dept, part in zip(public.departments, parts) if dept.year == year]
        files[f"data/{year}/year.json"] = _json_file(_object_text([("year", json_text(year)), ("departments", _array_text(texts))]))
    files["data/departments.csv"] = DEPARTMENTS.csv(all_departments)
    files["data/projects.csv"] = PROJECTS.csv(all_projects)
    files["data/indicators.csv"] = INDICATORS.csv(all_indicators)
    files["data/site.xlsx"] = _workbook(all_departments, all_projects, all_indicators)
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


def _department_export(dept: PublicDepartment, base_url: str) -> _DepartmentExport:
    project_files: dict[str, bytes] = {}
    projects: list[Encoded] = []
    indicators: list[Encoded] = []
    texts: list[str] = []
    for project in dept.projects:
        (row,) = PROJECTS.encode([project_row(project, dept, base_url)])
        own = INDICATORS.encode(indicator_rows(project, dept, base_url))
        text = json_text(project_json(project))
        project_files[f"{project.path}project.json"] = _json_file(text)
        project_files[f"{project.path}project.csv"] = PROJECTS.csv([row])
        project_files[f"{project.path}indicators.csv"] = INDICATORS.csv(own)
        project_files[f"{project.path}project.xlsx"] = _workbook([], [row], own)
        projects.append(row)
        indicators += own
        texts.append(text)
    (department,) = DEPARTMENTS.encode([department_row(dept, base_url)])
    dept_text = department_json_text(dept, texts)
    files = {f"{dept.path}projects.csv": PROJECTS.csv(projects), f"{dept.path}indicators.csv": INDICATORS.csv(indicators),
             f"{dept.path}department.json": _json_file(dept_text),
             f"{dept.path}department.xlsx": _workbook([department], projects, indicators)}
    files.update(project_files)
    return _DepartmentExport(files, {}, department, projects, indicators, dept_text)
