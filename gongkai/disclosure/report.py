"""The internal redaction report: what was withheld, under which rule, with counts and amounts.

Written for the 保密 review (先审查、后公开) beside the site, never inside it: the build refuses
a report folder inside the output folder, no page links to it, and the leak audit would flag
its contents if they were ever copied into the site. It names withheld items by file and
field, never by their secret text, so the report itself does not become another copy of it.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from gongkai.disclosure.redact import Redaction
from gongkai.leaks import SIGNATURE
from gongkai.values import yuan_text

REPORT_JSON = "redaction-report.json"
REPORT_MD = "redaction-report.md"


class ReportLocationError(Exception):
    """The report folder would be published with the site."""


def default_report_dir(out: Path) -> Path:
    """reports/ beside the output folder: site/ → reports/."""
    return out.parent / "reports"


def check_location(report_dir: Path, out: Path, content: Path | None = None) -> None:
    folders = {"网站输出文件夹": out} | ({"content 内容文件夹": content} if content is not None else {})
    refuse_inside(report_dir, folders, "脱密报告", "--report-dir 指定网站和 content 之外的文件夹")


def refuse_inside(target: Path, folders: dict[str, Path], what: str, how: str) -> None:
    """ReportLocationError when an internal report would be written into one of the folders
    (the site is published; content/ is copied around and imported)."""
    resolved = target.resolve()
    for name, folder in folders.items():
        inside = folder.resolve()
        if resolved == inside or resolved.is_relative_to(inside):
            raise ReportLocationError(f"{what}不能写在{name} {folder} 之内（会被公开或随内容传播）；请用 {how}。")


def report_data(redaction: Redaction) -> dict[str, Any]:
    """The report as plain data, in a stable order (same input → same bytes)."""
    by_rule: Counter[str] = Counter()
    amounts: defaultdict[str, Decimal] = defaultdict(Decimal)
    departments: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in redaction.log:
        by_rule[entry.rule] += 1
        if entry.amount is not None:
            amounts[entry.rule] += entry.amount
        departments[entry.department].append({"来源": entry.source, "规则": entry.rule,
                                              "金额（元）": yuan_text(entry.amount) if entry.amount is not None else None})
    strings: Counter[str] = Counter(item.rule for item in redaction.public.withheld)
    controls = _amount_proof(redaction)
    return {
        "内部报告标识": SIGNATURE,  # the leak audit fails on any site file that carries it
        "说明": "内部脱密报告，供保密审查使用，不得公开，不得放入网站文件夹。",
        "按规则统计": [{"规则": rule, "项数": by_rule[rule], "金额（元）": yuan_text(amounts[rule]) if rule in amounts else None}
                       for rule in sorted(by_rule)],
        "审计检索的不公开文字（按规则）": [{"规则": rule, "条数": strings[rule]} for rule in sorted(strings)],
        "各部门": [{"部门文件": dept, "项目": sorted(items, key=lambda i: (i["来源"], i["规则"]))} for dept, items in sorted(departments.items())],
        "相减推算检查": controls,
        "声明公开的文字": [{"位置": f"{d.place.file}:{d.place.line}", "文字": d.text, "涉及": list(d.covers)}
                          for d in redaction.declared],
        "警告": [w.format() for w in redaction.warnings],
    }


def _yuan_fraction(value: Fraction | None) -> str:
    return "不限（仅一万亿元上限）" if value is None else yuan_text(Decimal(value.numerator) / Decimal(value.denominator))


def _amount_proof(redaction: Redaction) -> list[dict[str, Any]]:
    """For each withheld amount: the interval the attacker's LP reaches, and the relations used."""
    plan, relations = redaction.amounts, redaction.relations
    if plan is None or relations is None or not plan.intervals:
        return []
    return [{
        "方式": plan.mode,
        "为防相减推算而合并或隐藏": [relations.cells[b].label if b in relations.cells else b for b in plan.secondary],
        "不公开的金额": [{"金额": i.cell.label, "来源": i.cell.source, "金额（元）": yuan_text(i.cell.value),
                    "可推算的最小值（元）": _yuan_fraction(i.low), "可推算的最大值（元）": _yuan_fraction(i.high),
                    "可精确算出": i.exact, "受保护": i.protected, "所用关系": [r.label for r in i.relations]}
                   for i in plan.intervals],
    }]


def report_markdown(data: dict[str, Any]) -> str:
    lines = [f"<!-- {SIGNATURE} -->", "# 脱密报告（内部，不得公开）", "", data["说明"], "", "## 按规则统计", "", "| 规则 | 项数 | 金额（元） |", "| --- | ---: | ---: |"]
    lines += [f"| {r['规则']} | {r['项数']} | {r['金额（元）'] or '—'} |" for r in data["按规则统计"]]
    lines += ["", "## 各部门", ""]
    for dept in data["各部门"]:
        lines.append(f"### {dept['部门文件']}")
        lines += [f"- {i['来源']}：{i['规则']}" + (f"，{i['金额（元）']} 元" if i["金额（元）"] else "") for i in dept["项目"]]
        lines.append("")
    lines += ["## 相减推算检查（攻击者线性规划）", ""]
    for control in data["相减推算检查"] or [{"方式": "（无不公开的金额）", "为防相减推算而合并或隐藏": [], "不公开的金额": []}]:
        lines.append(f"- 方式：{control['方式']}")
        if control["为防相减推算而合并或隐藏"]:
            lines.append(f"  - 为防相减推算而合并或隐藏：{'；'.join(control['为防相减推算而合并或隐藏'])}")
        for item in control["不公开的金额"]:
            state = "受保护" if item["受保护"] else "可推算"
            lines.append(f"  - {item['来源']}（{item['金额（元）']} 元）：{state}，可推算到 {item['可推算的最小值（元）']} 至 "
                         f"{item['可推算的最大值（元）']} 元；所用关系：{'；'.join(item['所用关系']) or '无'}")
    lines += ["", "## 声明公开的文字（公开文字）", ""]
    lines += [f"- {d['位置']}：“{d['文字']}”" + (f"（{'；'.join(d['涉及'])}）" if d["涉及"] else "（不对应本文件不公开的内容，未起作用）")
              for d in data["声明公开的文字"]] or ["- （无）"]
    if data["警告"]:
        lines += ["", "## 警告", ""] + [f"- {w}" for w in data["警告"]]
    lines += ["", f"内部报告标识：{SIGNATURE}"]
    return "\n".join(lines) + "\n"


def write_report(redaction: Redaction, report_dir: Path, out: Path) -> list[Path]:
    """Write the JSON and Markdown report into report_dir (outside `out`); return their paths."""
    check_location(report_dir, out)
    report_dir.mkdir(parents=True, exist_ok=True)
    data = report_data(redaction)
    json_path, md_path = report_dir / REPORT_JSON, report_dir / REPORT_MD
    json_path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    md_path.write_text(report_markdown(data), encoding="utf-8")
    return [json_path, md_path]
