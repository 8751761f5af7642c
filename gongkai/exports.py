"""Stage 6b: open data from the public model only: CSV (UTF-8 with BOM for Excel), JSON, XLSX
and a Frictionless Data Package describing the whole-site tables.

Files: beside each project page project.csv / indicators.csv / project.xlsx / project.json;
beside each department page projects.csv / indicators.csv / department.xlsx / department.json;
data/<year>/ projects.csv / indicators.csv / year.xlsx / year.json; data/ the whole site as
projects.csv / indicators.csv / departments.csv / site.xlsx / site.json and datapackage.json.
XLSX files are byte-identical between builds: fixed document dates and zip member times.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal
from typing import Any, Iterable

import xlsxwriter

from .formatting import spreadsheet_text
from .model import Amount
from .parallel import forked_map
from .public import PublicDepartment, PublicProject, PublicSite

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
    return "" if amount is None else f"{amount.yuan.quantize(Decimal('0.01')):f}"


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


def to_csv(columns: tuple[str, ...], rows: Iterable[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: spreadsheet_text(v) if isinstance(v, str) else v for k, v in row.items()} for row in rows)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def _jsonable(value: Any) -> Any:
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


def to_json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def department_row(dept: PublicDepartment, base_url: str) -> dict[str, str]:
    return {
        "年度": str(dept.year), "部门": dept.name, "部门简称": dept.short_name or "", "部门编码": dept.code or "",
        "行政级别": dept.level or "", "地区": dept.region or "", "金额单位": dept.unit, "项目数": str(len(dept.projects)),
        "项目支出合计": _in_unit(dept.total), "项目支出合计（元）": _yuan(dept.total),
        "涉密项目合计（元）": _yuan(dept.withheld_total), "来源文件": dept.source or "", "页面": base_url + dept.path,
    }


# ---- XLSX ------------------------------------------------------------------------------------

INTEGER_COLUMNS = frozenset({"年度", "项目数"})
NUMBER_COLUMNS = frozenset({"总额", "财政拨款", "财政专户拨款", "其他资金", "总额（元）", "数值", "项目支出合计",
                            "项目支出合计（元）", "涉密项目合计（元）"})
FIXED_TIME = datetime.datetime(2000, 1, 1)  # XLSX document dates: fixed, so builds are byte-identical


def _cell(column: str, value: str) -> object:
    """Numbers as numbers (a spreadsheet can sum them), everything else as text."""
    if value == "":
        return None
    if column in INTEGER_COLUMNS:
        return int(value)
    if column in NUMBER_COLUMNS:
        return Decimal(value)
    return value


def to_xlsx(sheets: list[tuple[str, tuple[str, ...], list[dict[str, str]]]]) -> bytes:
    """A workbook with one sheet per table, header row bold and frozen.

    XlsxWriter, in memory: several times faster than openpyxl (one workbook per project adds up),
    fixed zip member times, and strings are always written as text, never as formulas or links.
    """
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False, "strings_to_numbers": False})
    workbook.set_properties({"author": "gongkai", "created": FIXED_TIME})
    bold = workbook.add_format({"bold": True})
    for title, columns, rows in sheets:
        sheet = workbook.add_worksheet(title)
        sheet.freeze_panes(1, 0)
        for j, column in enumerate(columns):
            sheet.write_string(0, j, column, bold)
        for i, row in enumerate(rows, 1):
            for j, column in enumerate(columns):
                value = _cell(column, row.get(column, ""))
                if isinstance(value, str):
                    sheet.write_string(i, j, value)
                elif value is not None:
                    sheet.write_number(i, j, float(value))
    workbook.close()
    return buffer.getvalue()


def _tables(departments: list[dict[str, str]], projects: list[dict[str, str]], indicators: list[dict[str, str]]):
    sheets = [("部门", DEPARTMENT_COLUMNS, departments)] if departments else []
    return sheets + [("项目", PROJECT_COLUMNS, projects), ("指标", INDICATOR_COLUMNS, indicators)]


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


def exports(public: PublicSite, base_url: str, title: str = "预算绩效目标公开") -> dict[str, bytes]:
    """Per project, per department, per year and whole-site files under data/ and beside pages."""
    files: dict[str, bytes] = {}
    all_departments: list[dict[str, str]] = []
    all_projects: list[dict[str, str]] = []
    all_indicators: list[dict[str, str]] = []
    for dept, dept_files in zip(public.departments, _all_department_files(public, base_url)):
        files.update(dept_files)
        all_departments.append(department_row(dept, base_url))
        all_projects += [project_row(p, dept, base_url) for p in dept.projects]
        all_indicators += [r for p in dept.projects for r in indicator_rows(p, dept, base_url)]
    for year in public.years:
        y = str(year)
        departments = [r for r in all_departments if r["年度"] == y]
        projects = [r for r in all_projects if r["年度"] == y]
        indicators = [r for r in all_indicators if r["年度"] == y]
        files[f"data/{year}/projects.csv"] = to_csv(PROJECT_COLUMNS, projects)
        files[f"data/{year}/indicators.csv"] = to_csv(INDICATOR_COLUMNS, indicators)
        files[f"data/{year}/year.xlsx"] = to_xlsx(_tables(departments, projects, indicators))
        files[f"data/{year}/year.json"] = to_json({"year": year, "departments": [_department_json(d) for d in public.departments if d.year == year]})
    files["data/departments.csv"] = to_csv(DEPARTMENT_COLUMNS, all_departments)
    files["data/projects.csv"] = to_csv(PROJECT_COLUMNS, all_projects)
    files["data/indicators.csv"] = to_csv(INDICATOR_COLUMNS, all_indicators)
    files["data/site.xlsx"] = to_xlsx(_tables(all_departments, all_projects, all_indicators))
    files["data/site.json"] = to_json({"departments": [_department_json(d) for d in public.departments]})
    files["data/datapackage.json"] = to_json(datapackage(title))
    return files


def _all_department_files(public: PublicSite, base_url: str) -> list[dict[str, bytes]]:
    """Each department's files, in department order; across cores when the site is large."""
    from .render import render_jobs
    departments = public.departments
    workers = render_jobs(sum(len(d.projects) for d in departments)) if len(departments) > 1 else 1
    return forked_map(lambda i: _department_files(departments[i], base_url), len(departments), workers)


def _department_files(dept: PublicDepartment, base_url: str) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    rows = [project_row(p, dept, base_url) for p in dept.projects]
    indicators = [r for p in dept.projects for r in indicator_rows(p, dept, base_url)]
    files[f"{dept.path}projects.csv"] = to_csv(PROJECT_COLUMNS, rows)
    files[f"{dept.path}indicators.csv"] = to_csv(INDICATOR_COLUMNS, indicators)
    files[f"{dept.path}department.json"] = to_json(_department_json(dept))
    files[f"{dept.path}department.xlsx"] = to_xlsx(_tables([department_row(dept, base_url)], rows, indicators))
    for project, row in zip(dept.projects, rows):
        own = list(indicator_rows(project, dept, base_url))
        files[f"{project.path}project.json"] = to_json(project_json(project))
        files[f"{project.path}project.csv"] = to_csv(PROJECT_COLUMNS, [row])
        files[f"{project.path}indicators.csv"] = to_csv(INDICATOR_COLUMNS, own)
        files[f"{project.path}project.xlsx"] = to_xlsx(_tables([], [row], own))
    return files


def _department_json(dept: PublicDepartment) -> dict[str, Any]:
    data = {k: _jsonable(getattr(dept, k)) for k in dept.__dataclass_fields__ if k not in ("projects", "units")}
    data["units"] = [{"name": u.name, "code": u.code, "total": _jsonable(u.total), "projects": [p.path for p in u.projects]} for u in dept.units]
    data["projects"] = [project_json(p) for p in dept.projects]
    data["path"] = dept.path
    return data
