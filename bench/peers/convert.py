"""Write the peers' input from the same generated content: Hugo data files and MkDocs Markdown.

Not timed. Reads the content YAML directly (C loader). Secret projects get the same public
placeholder gongkai shows (the code as name, the standard wording), so every tool publishes
the same pages with the same amount of text.
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

PEERS = Path(__file__).resolve().parent
WORDING = "涉密项目。按照预算编制要求和保密法及其实施条例相关规定，不对外公开。"
PERIODS = (("长期目标", "长期"), ("中期目标", "中期"), ("年度目标", "年度"))
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _yuan(value: Any, unit: str) -> float:
    number = Decimal(str(value or 0)) * (10000 if unit == "万元" else 1)
    return float(number)


def project_record(data: dict[str, Any], year: int, dept_slug: str, dept_unit: str) -> dict[str, Any]:
    unit = data.get("金额单位", dept_unit)
    money = data.get("资金") or {}
    secret = data.get("涉密") is True
    code = str(data.get("项目编码", ""))
    goals = []
    for key, label in PERIODS:
        goal = data.get(key)
        if not goal:
            continue
        rows = [{"level1": r.get("一级指标", ""), "level2": r.get("二级指标", ""), "level3": r.get("三级指标", ""),
                 "description": r.get("绩效指标描述", ""), "value": r.get("指标值", ""), "basis": r.get("指标值确定依据", "")}
                for r in goal.get("指标") or []]
        if secret:
            rows = [{"level1": "产出指标", "level2": "", "level3": "保密项目", "description": "", "value": "保密项目", "basis": ""}]
        goals.append({"period": label, "text": WORDING if secret else goal.get("目标", ""), "indicators": rows})
    plan = [{"month": k, "percent": str(v)} for k, v in (data.get("资金支出计划") or {}).items()]
    return {
        "path": f"{year}/{dept_slug}/{code.lower()}", "name": code if secret else data["项目名称"], "code": code, "year": year,
        "unit": data.get("实施单位", ""), "category": data.get("项目类别", ""), "nature": data.get("项目性质", ""),
        "basis": WORDING if secret else data.get("立项依据", ""), "purpose": WORDING if secret else data.get("资金用途", ""),
        "total": _yuan(money.get("总额"), unit), "fiscal": _yuan(money.get("财政拨款"), unit), "other": _yuan(money.get("其他资金"), unit),
        "plan": [] if secret else plan, "goals": goals,
    }


def departments(content: Path) -> list[dict[str, Any]]:
    out = []
    for dept_file in sorted(content.glob("*/*/部门.yml")):
        dept = yaml.load(dept_file.read_text(encoding="utf-8"), Loader=Loader)
        slug, year = dept_file.parent.name, int(dept["年度"])
        projects = [project_record(yaml.load(p.read_text(encoding="utf-8"), Loader=Loader), year, slug, dept["金额单位"])
                    for p in sorted(dept_file.parent.glob("*.yml")) if p.name != "部门.yml"]
        out.append({"name": dept["部门名称"], "path": f"{year}/{slug}", "year": year, "projects": projects})
    return out


def write_hugo(depts: list[dict[str, Any]], site: Path) -> None:
    """A copy of peers/hugo/ with data/projects/<year>-<部门>.json."""
    if site.exists():
        shutil.rmtree(site)
    shutil.copytree(PEERS / "hugo", site)
    data = site / "data" / "projects"
    data.mkdir(parents=True)
    for dept in depts:
        (data / f"{dept['path'].replace('/', '-')}.json").write_text(json.dumps(dept, ensure_ascii=False), encoding="utf-8")


def _cell(text: Any) -> str:
    return str(text or "").replace("|", "\\|").replace("\n", " ")


def project_markdown(project: dict[str, Any], dept: str) -> str:
    lines = [f"# {project['name']}", "", f"首页 › {project['year']}年 › {dept} › {project['name']}", "",
             f"- 项目编码：{project['code']}", f"- 主管部门：{dept}", f"- 实施单位：{project['unit']}",
             f"- 年度：{project['year']}年", f"- 项目类别：{project['category']}", f"- 项目性质：{project['nature']}",
             f"- 预算金额：{project['total']:,.2f} 元", "", "## 立项依据", "", str(project["basis"]), "", "## 资金", "",
             "| 总额 | 财政拨款 | 其他资金 |", "| --- | --- | --- |",
             f"| {project['total']:,.2f} | {project['fiscal']:,.2f} | {project['other']:,.2f} |", "", "### 资金用途", "",
             str(project["purpose"]), ""]
    if project["plan"]:
        lines += ["| " + " | ".join(p["month"] for p in project["plan"]) + " |", "|" + " --- |" * len(project["plan"]),
                  "| " + " | ".join(p["percent"] for p in project["plan"]) + " |", ""]
    for goal in project["goals"]:
        lines += [f"## {goal['period']}绩效目标", "", str(goal["text"]), "",
                  "| 一级指标 | 二级指标 | 三级指标 | 绩效指标描述 | 指标值 | 指标值确定依据 |", "| --- | --- | --- | --- | --- | --- |"]
        lines += ["| " + " | ".join(_cell(r[k]) for k in ("level1", "level2", "level3", "description", "value", "basis")) + " |"
                  for r in goal["indicators"]]
        lines.append("")
    return "\n".join(lines)


def write_mkdocs(depts: list[dict[str, Any]], site: Path, limit: int | None = None) -> int:
    """A copy of peers/mkdocs/ with docs/<year>/<部门>/<code>.md; at most `limit` project pages."""
    if site.exists():
        shutil.rmtree(site)
    shutil.copytree(PEERS / "mkdocs", site)
    docs = site / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# 预算绩效目标公开\n", encoding="utf-8")
    written = 0
    for dept in depts:
        for project in dept["projects"]:
            if limit is not None and written >= limit:
                return written
            target = docs / f"{project['path']}.md"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(project_markdown(project, dept["name"]), encoding="utf-8")
            written += 1
    return written
