"""`build.py check --report FILE`: a review of target quality before publishing, the way finance
bureaus review 绩效目标 (完整、可衡量、相关).

Per department and project it lists indicators whose value cannot be measured (no number:
"群众认可", "效果明显"), rows filed under the wrong category (the W101 warnings), rows without
指标值确定依据, goals with no indicator, and amounts that do not add up beyond what `check` already
refuses (tasks against their projects, a project period smaller than its year). Secret projects
(by marker, unit or register), secret indicator rows and secret departments are counted at most,
their contents never written into the report: reports get passed around.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

from gongkai.disclosure.classify import Classification, classify
from gongkai.disclosure.exemptions import Secrecy, secrecy
from gongkai.source.codes import code_key
from gongkai.disclosure.report import refuse_inside
from gongkai.errors import Problem
from gongkai.leaks import SIGNATURE, Matcher, normalise
from gongkai.source.indicators import is_measurable
from gongkai.source.model import Department, Indicator, Project, Site
from gongkai.values import in_unit_text

KINDS = {
    "unmeasurable": "指标值不可衡量（没有数字，无法判断是否完成）",
    "misfiled": "指标归类可能有误（与财政部绩效指标框架不一致）",
    "no_basis": "缺少指标值确定依据",
    "no_indicator": "目标没有绩效指标",
    "amounts": "金额对不上",
    "secret_rows": "涉密指标行（不列内容）",
    "secret_parts": "涉密字段（不列内容）",
}


@dataclass
class Finding:
    kind: str
    text: str
    where: str = ""
    quoted: tuple[str, ...] = ()  # the content values the text quotes (checked against what is withheld)


@dataclass
class ProjectReview:
    name: str
    code: str | None
    secret: bool
    measurable: int
    indicators: int
    findings: list[Finding] = field(default_factory=list)
    file: str = ""

    @property
    def share(self) -> str:
        return quantified_share(self.measurable, self.indicators)


@dataclass
class DepartmentReview:
    name: str
    year: int
    file: str
    findings: list[Finding] = field(default_factory=list)
    projects: list[ProjectReview] = field(default_factory=list)

    @property
    def measurable(self) -> int:
        return sum(p.measurable for p in self.projects)

    @property
    def indicators(self) -> int:
        return sum(p.indicators for p in self.projects)


def quantified_share(measurable: int, total: int) -> str:
    """'7/9（77.8%）' — the share of indicators stated with a number."""
    if not total:
        return "无指标"
    return f"{measurable}/{total}（{Decimal(measurable * 100) / Decimal(total):.1f}%）"


def count_measurable(indicators: Iterable[Indicator]) -> tuple[int, int]:
    rows = list(indicators)
    return sum(1 for i in rows if is_measurable(i.value)), len(rows)


def indicator_findings(indicators: Iterable[Indicator], file: str, warnings: dict[tuple[str, int], list[Problem]],
                       label: str = "") -> list[Finding]:
    found: list[Finding] = []
    for row in indicators:
        where = f"{file}:{row.line}" if row.line else file
        name = f"{label}“{row.level3}”"
        if not is_measurable(row.value):
            found.append(Finding("unmeasurable", f"{name}的指标值“{row.value}”没有数字；写成如“≥95%”“不少于3次”的形式", where,
                                 (row.level3, row.value)))
        for problem in warnings.get((file, row.line), ()):
            found.append(Finding("misfiled", f"{name}：{problem.detail}", where, (row.level3, row.level1, row.level2 or "")))
        if not row.basis:
            found.append(Finding("no_basis", f"{name}没有写明指标值确定依据（如 省市文件、历史标准、计划标准）", where, (row.level3,)))
    return found


def review_project(project: Project, warnings: dict[tuple[str, int], list[Problem]], secret: bool = False,
                   hidden: frozenset[str] = frozenset(), withheld_rows: frozenset[tuple[str, int]] = frozenset()) -> ProjectReview:
    """`hidden`: the project's 涉密字段 (its goals' rows are then counted, never listed)."""
    rows = [i for g in project.goals for i in g.indicators]
    measurable, total = count_measurable(rows)
    name = project.name if "项目名称" not in hidden else f"名称涉密项目（{project.file}）"
    secret = secret or project.secret
    review = ProjectReview(name, project.code, secret or project.secret, measurable, total, file=project.file)
    for goal in project.goals:
        if not goal.indicators:
            review.findings.append(Finding("no_indicator", f"{goal.period_label}目标没有指标；每个目标至少应有产出、效益、满意度指标", project.file))
        if f"{goal.period_label}目标" in hidden:
            review.findings.append(Finding("secret_parts", f"{goal.period_label}目标为涉密字段，其 {len(goal.indicators)} 行指标未列入审查内容", project.file))
            continue
        public_rows = [r for n, r in enumerate(goal.indicators) if (goal.period, n) not in withheld_rows]
        review.findings.extend(indicator_findings(public_rows, project.file, warnings, f"{goal.period_label}目标 "))
        hidden_rows = len(goal.indicators) - len(public_rows)
        if hidden_rows:
            review.findings.append(Finding("secret_rows", f"{goal.period_label}目标有 {hidden_rows} 行涉密指标，未列入审查内容", project.file))
    if not project.goals:
        review.findings.append(Finding("no_indicator", "项目没有填写绩效目标和指标", project.file))
    total_money, period = project.money.total, project.period_money
    if period is not None and period.total.yuan < total_money.yuan and not {"项目期资金"} & hidden:
        review.findings.append(Finding("amounts", f"项目期资金 {in_unit_text(period.total.yuan, period.total.unit)} 小于本年度资金 "
                                                  f"{in_unit_text(total_money.yuan, total_money.unit)}", project.file))
    return review


def review_department(dept: Department, warnings: dict[tuple[str, int], list[Problem]], secret: Secrecy | None = None,
                      cls: Classification | None = None) -> DepartmentReview:
    """`secret`: what the disclosure rules withhold (secret projects by marker, unit or register,
    涉密字段): those are counted and named by file and field, their texts never written."""
    secret = secret or Secrecy()
    cls = cls or Classification()  # the classifier's verdicts (rows and fields withheld across years)
    review = DepartmentReview(dept.name, dept.year, dept.file)
    public_rows = [r for n, r in enumerate(dept.indicators) if not cls.department_row_secret(dept, n)]
    review.findings.extend(indicator_findings(public_rows, dept.file, warnings, "部门整体指标 "))
    if len(public_rows) < len(dept.indicators):
        review.findings.append(Finding("secret_rows", f"部门整体指标有 {len(dept.indicators) - len(public_rows)} 行涉密指标，未列入审查内容", dept.file))
    by_code = {code_key(p.code): p for p in dept.projects if p.code}
    for i, task in enumerate(dept.tasks):
        if task.amount is None or not task.code:
            continue
        project = by_code.get(code_key(task.code))
        label = _task_label(task.name, i, project, secret, cls)
        if project is None:
            review.findings.append(Finding("amounts", f"{label}对应的项目编码 {task.code} 不在本部门的项目中", dept.file, (task.name, task.code)))
        elif project.money.total.yuan != task.amount.yuan and not _withheld_amount(project, secret):
            review.findings.append(Finding("amounts", f"{label}写 {in_unit_text(task.amount.yuan, dept.unit)}，"
                                                      f"对应项目为 {in_unit_text(project.money.total.yuan, dept.unit)}", dept.file,
                                           (task.name,) if "“" in label else ()))
    amounts = [t.amount.yuan for t in dept.tasks if t.amount is not None]
    projects_total = sum((p.money.total.yuan for p in dept.projects), Decimal(0))
    if amounts and len(amounts) == len(dept.tasks) and sum(amounts, Decimal(0)) != projects_total:
        review.findings.append(Finding("amounts", f"年度主要任务金额合计 {in_unit_text(sum(amounts, Decimal(0)), dept.unit)}，"
                                                  f"各项目合计 {in_unit_text(projects_total, dept.unit)}", dept.file))
    review.projects = [review_project(p, warnings, p.file in secret.records or cls.project_secret(p),
                                      secret.fields_of(p.file) | cls.withheld_fields(p), cls.rows.get(p.file, frozenset()))
                       for p in sorted(dept.projects, key=lambda p: (p.file in secret.records, p.file))]
    return review


def _task_label(name: str, index: int, project: Project | None, secret: Secrecy, cls: Classification) -> str:
    """A task is named unless it belongs to a secret project or names one whose 项目名称 is secret."""
    if project is not None and (project.file in secret.records or "项目名称" in secret.fields_of(project.file) | cls.withheld_fields(project)):
        return f"年度主要任务第{index + 1}项"
    return f"年度主要任务“{name}”"


def _withheld_amount(project: Project, secret: Secrecy) -> bool:
    return project.file in secret.records


def review_site(site: Site, warnings: list[Problem], secret: Secrecy | None = None, cls: Classification | None = None) -> list[DepartmentReview]:
    by_place: dict[tuple[str, int], list[Problem]] = {}
    for problem in warnings:
        if problem.code == "W101":
            by_place.setdefault((problem.file, problem.line), []).append(problem)
    secret = secret or Secrecy()
    cls = cls or classify(site)
    return [review_department(d, by_place, secret, cls) for d in site.departments if not cls.department_secret(d) and d.file not in secret.records]


# ---- HTML ---------------------------------------------------------------------------------------

_STYLE = """
body{font-family:system-ui,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:0;line-height:1.6;color:#1f1f1f}
main{max-width:64rem;margin:0 auto;padding:1.5rem}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
.num{text-align:right;font-variant-numeric:tabular-nums}h2{border-top:3px solid #1f4e79;padding-top:.5rem;margin-top:2rem}
.where{font-family:ui-monospace,Consolas,monospace;color:#555;font-size:.9em}.ok{color:#2b6a30}.kind{font-weight:bold}
section.project{border-left:4px solid #ddd;padding-left:1rem;margin:1rem 0}
"""


def _e(text: object) -> str:
    return html.escape(str(text))


def _findings_html(findings: list[Finding], secret: bool = False) -> str:
    if not findings:
        return '<p class="ok">未发现问题。</p>'
    if secret:
        counts: dict[str, int] = {}
        for f in findings:
            counts[f.kind] = counts.get(f.kind, 0) + 1
        items = "".join(f"<li>{_e(KINDS[k])}：{n} 处</li>" for k, n in counts.items())
        return f"<p>涉密项目：只列出问题数量，不列出内容（请在涉密环境中核对）。</p><ul>{items}</ul>"
    parts = []
    for kind, title in KINDS.items():
        rows = [f for f in findings if f.kind == kind]
        if rows:
            items = "".join(f'<li>{_e(f.text)} <span class="where">{_e(f.where)}</span></li>' for f in rows)
            parts.append(f'<p class="kind">{_e(title)}（{len(rows)}）</p><ul>{items}</ul>')
    return "".join(parts)


def render_report(reviews: list[DepartmentReview]) -> str:
    summary = "".join(
        f"<tr><th scope=\"row\"><a href=\"#d{i}\">{_e(d.name)}</a></th><td class=\"num\">{d.year}</td>"
        f"<td class=\"num\">{len(d.projects)}</td><td class=\"num\">{quantified_share(d.measurable, d.indicators)}</td>"
        f"<td class=\"num\">{len(d.findings) + sum(len(p.findings) for p in d.projects)}</td></tr>"
        for i, d in enumerate(reviews))
    body = ["<h1>绩效目标质量审查报告</h1><p>按完整、可衡量、相关的要求审查各部门、各项目的绩效目标与指标。"
            "本报告只供内部审核使用，不要发布到网站。涉密项目只列问题数量。</p>",
            "<table><caption>概览</caption><thead><tr><th scope=\"col\">部门</th><th scope=\"col\">年度</th><th scope=\"col\">项目数</th>"
            f"<th scope=\"col\">可量化指标占比</th><th scope=\"col\">问题数</th></tr></thead><tbody>{summary}</tbody></table>"]
    for i, dept in enumerate(reviews):
        body.append(f'<h2 id="d{i}">{_e(dept.name)}（{dept.year}年）</h2><p class="where">{_e(dept.file)}</p>')
        body.append("<h3>部门</h3>" + _findings_html(dept.findings))
        for project in dept.projects:
            title = f"涉密项目（{project.file}）" if project.secret else project.name + (f"（{project.code}）" if project.code else "")
            body.append(f'<section class="project"><h3>{_e(title)}</h3><p>可量化指标：{_e(project.share)}</p>'
                        f"{_findings_html(project.findings, project.secret)}</section>")
    body.append(f'<p class="where">内部报告标识：{SIGNATURE}</p>')
    return ("<!DOCTYPE html>\n"
            f"<!-- {SIGNATURE} -->\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"gongkai-report\" content=\"{SIGNATURE}\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>绩效目标质量审查报告</title>"
            f"<style>{_STYLE}</style></head><body><main>{''.join(body)}</main></body></html>\n")


def write_report(result: Any, target: Path, folders: dict[str, Path] | None = None) -> None:
    """Write the report for a checked site (pipeline.check's Result), never into `folders` (the
    site, content/): it is internal. Refused too if what it quotes holds any withheld text."""
    refuse_inside(target, folders or {}, "质量审查报告", "--report 指定网站和 content 文件夹之外的文件")
    site, redaction = result.site, result.redaction
    # the review lists every finding: a warning acknowledged under 已知警告 is still one to review
    warnings = list(result.warnings) + list(getattr(result, "acknowledged", []))
    assert site is not None and redaction is not None
    reviews = review_site(site, warnings, secrecy(redaction.public.withheld), redaction.classification)
    _refuse_withheld(_quoted(reviews), redaction.public)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_report(reviews), encoding="utf-8")


class WithheldInReport(Exception):
    """The review would quote a withheld text: a bug here, never written."""


def _quoted(reviews: list[DepartmentReview]) -> list[str]:
    """Every content value the rendered review shows (its own wording aside)."""
    out: list[str] = []
    for dept in reviews:
        out += [dept.name] + [q for f in dept.findings for q in f.quoted]
        for project in dept.projects:
            if not project.secret:
                out += [project.name, project.code or ""] + [q for f in project.findings for q in f.quoted]
    return out


def _refuse_withheld(quoted: list[str], public: Any) -> None:
    from gongkai.publish.audit import SEPARATOR, needles
    forms = [n.form for n in needles(public.withheld, public.exempt) if n.form != SIGNATURE]
    found = Matcher(forms).occurring(SEPARATOR.join(normalise(q) for q in quoted))
    if found:
        raise WithheldInReport(f"质量审查报告会引用 {len(found)} 处不公开的文字，报告未写入；请把此情况报告给系统维护人员。")
