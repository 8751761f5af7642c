"""Stage 6b: open data from the public model only: CSV (UTF-8 with BOM for Excel) and JSON."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any, Iterable

from .model import Amount
from .public import PublicDepartment, PublicProject, PublicSite

PROJECT_COLUMNS = ("年度", "部门", "部门编码", "实施单位", "项目名称", "项目编码", "涉密", "项目类别", "项目性质",
                   "金额单位", "总额", "财政拨款", "财政专户拨款", "其他资金", "总额（元）", "页面")
INDICATOR_COLUMNS = ("年度", "部门", "项目名称", "项目编码", "目标期间", "一级指标", "二级指标", "三级指标", "分类编码",
                     "绩效指标描述", "指标值", "比较符", "数值", "数值单位", "指标值确定依据", "绩效标准", "页面")


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
                "页面": f"{base_url}{project.path}#{row.anchor}",
            }


def to_csv(columns: tuple[str, ...], rows: Iterable[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
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
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")


def exports(public: PublicSite, base_url: str) -> dict[str, bytes]:
    """Per project, per department, per year and whole-site files under data/ and beside pages."""
    files: dict[str, bytes] = {}
    all_projects, all_indicators = [], []
    for dept in public.departments:
        rows = [project_row(p, dept, base_url) for p in dept.projects]
        indicators = [r for p in dept.projects for r in indicator_rows(p, dept, base_url)]
        files[f"{dept.path}projects.csv"] = to_csv(PROJECT_COLUMNS, rows)
        files[f"{dept.path}indicators.csv"] = to_csv(INDICATOR_COLUMNS, indicators)
        files[f"{dept.path}department.json"] = to_json(_department_json(dept))
        for project in dept.projects:
            files[f"{project.path}project.json"] = to_json(project_json(project))
            files[f"{project.path}indicators.csv"] = to_csv(INDICATOR_COLUMNS, list(indicator_rows(project, dept, base_url)))
        all_projects += rows
        all_indicators += indicators
    for year in public.years:
        files[f"data/{year}/projects.csv"] = to_csv(PROJECT_COLUMNS, [r for r in all_projects if r["年度"] == str(year)])
        files[f"data/{year}/indicators.csv"] = to_csv(INDICATOR_COLUMNS, [r for r in all_indicators if r["年度"] == str(year)])
    files["data/projects.csv"] = to_csv(PROJECT_COLUMNS, all_projects)
    files["data/indicators.csv"] = to_csv(INDICATOR_COLUMNS, all_indicators)
    files["data/site.json"] = to_json({"departments": [_department_json(d) for d in public.departments]})
    return files


def _department_json(dept: PublicDepartment) -> dict[str, Any]:
    data = {k: _jsonable(getattr(dept, k)) for k in dept.__dataclass_fields__ if k not in ("projects", "units")}
    data["units"] = [{"name": u.name, "code": u.code, "total": _jsonable(u.total), "projects": [p.path for p in u.projects]} for u in dept.units]
    data["projects"] = [project_json(p) for p in dept.projects]
    data["path"] = dept.path
    return data
