"""Stage 3: turn the validated model into the public model, by the disclosure rules.

A pure function. It copies across only what the public types can hold, replaces what is
secret with the configured wording, and lists every withheld string for the leak audit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .config import Disclosure
from .model import Amount, Department, Goal, Indicator, Money, Project, Site, Task
from .public import (PublicDepartment, PublicGoal, PublicIndicator, PublicMoney, PublicProject, PublicSite,
                     PublicTask, PublicUnit, Withheld)
from .schema import PROJECT
from .slugs import slugify

_FIELD_KEYS = {f.name: f.key for f in PROJECT.fields}


@dataclass
class _Collector:
    rules: Disclosure
    withheld: list[Withheld] = field(default_factory=list)

    def hide(self, text: str | None, source: str, rule: str) -> None:
        if text and text.strip():
            self.withheld.append(Withheld(text.strip(), source, rule))


def _money(money: Money | None, show: bool) -> PublicMoney | None:
    if money is None:
        return None
    if not show:
        return PublicMoney(total=None)
    return PublicMoney(total=money.total, fiscal=money.fiscal, special=money.special, other=money.other)


def _indicator(row: Indicator, anchor: str, rules: Disclosure, out: _Collector, source: str, secret: bool) -> PublicIndicator:
    if secret or row.secret:
        for text in (row.level2, row.level3, row.value, row.description, row.basis, row.standard, row.code):
            out.hide(text, source, "涉密指标行")
        if row.level1_norm is None:
            out.hide(row.level1, source, "涉密指标行")
        word = rules.secret_indicator_wording
        # Only the framework's own category names survive: they are public vocabulary, not content.
        return PublicIndicator(anchor=anchor, level1=row.level1_norm or word, level2=row.level2_norm, level3=word, value=word, withheld=True)
    parsed = row.parsed
    return PublicIndicator(
        anchor=anchor, level1=row.level1, level2=row.level2, level3=row.level3, value=row.value,
        description=row.description, basis=row.basis, standard=row.standard, code=row.code,
        comparator=parsed.comparator if parsed else None, number=parsed.number if parsed else None,
        number_unit=parsed.unit if parsed else None,
        misfiled=row.level1_norm is None or (row.level2 is not None and row.level2_norm is None),
    )


def _goal(goal: Goal, rules: Disclosure, out: _Collector, source: str, secret: bool) -> PublicGoal:
    rows = tuple(_indicator(r, f"指标-{goal.period_label}-{i + 1}", rules, out, f"{source}: {goal.period_label}目标.指标[{i + 1}]", secret)
                 for i, r in enumerate(goal.indicators))
    if secret:
        out.hide(goal.title, source, "涉密字段")
        out.hide(goal.text, source, "涉密字段")
        return PublicGoal(goal.period, goal.period_label, None, rules.secret_wording, rows[:1], withheld=True)
    return PublicGoal(goal.period, goal.period_label, goal.title, goal.text, rows)


def _secret_project(project: Project, label: str, slug: str, dept: Department, unit: str, rules: Disclosure, out: _Collector) -> PublicProject:
    source = project.file
    for name in ("name", "category", "nature", "period", "basis", "purpose", "source", "note", "previous"):
        out.hide(getattr(project, name), source, f"涉密项目: {_FIELD_KEYS.get(name, name)}")
    for attribute in project.attributes:
        out.hide(attribute, source, "涉密项目: 项目属性")
    if project.review:
        out.hide(project.review.opinion, source, "涉密项目: 审核意见")
    if rules.secret_label != "code":
        out.hide(project.code, source, "涉密项目: 项目编码")
    for goal in project.goals:
        _goal(goal, rules, out, source, secret=True)
    word = rules.secret_indicator_wording
    placeholder = PublicGoal("year", "年度", None, rules.secret_wording,
                             (PublicIndicator(anchor="指标-年度-1", level1="产出指标", level3=word, value=word, withheld=True),), withheld=True)
    return PublicProject(
        slug=slug, name=label, year=project.year, department_slug=dept.slug, department_name=dept.name, unit=unit,
        money=_money(project.money, rules.secret_amounts == "show"), secret=True,
        code=project.code if rules.secret_label == "code" else None, goals=(placeholder,), wording=rules.secret_wording,
    )


def _public_project(project: Project, dept: Department, unit: str, rules: Disclosure, out: _Collector) -> PublicProject:
    secret = set(project.secret_fields)
    source = project.file

    def keep(name: str) -> str | None:
        value = getattr(project, name)
        if _FIELD_KEYS[name] in secret:
            out.hide(value, source, f"涉密字段: {_FIELD_KEYS[name]}")
            return rules.secret_wording if value else None
        return value

    goals = tuple(_goal(g, rules, out, source, secret=f"{g.period_label}目标" in secret) for g in project.goals)
    review = project.review
    if "审核意见" in secret and review:
        out.hide(review.opinion, source, "涉密字段: 审核意见")
    attributes = project.attributes
    if "项目属性" in secret:
        for a in attributes:
            out.hide(a, source, "涉密字段: 项目属性")
        attributes = ()
    return PublicProject(
        slug=project.slug or slugify(project.name), name=project.name, year=project.year, department_slug=dept.slug,
        department_name=dept.name, unit=unit, money=_money(project.money, True), code=project.code,
        category=keep("category"), nature=keep("nature"), attributes=attributes, period=keep("period"),
        basis=keep("basis"), purpose=keep("purpose"),
        period_money=None if "项目期资金" in secret else _money(project.period_money, True),
        plan=() if "资金支出计划" in secret else project.plan, goals=goals,
        review_opinion=None if "审核意见" in secret or not review else review.opinion,
        review_date=None if "审核意见" in secret or not review else review.date,
        source=keep("source"), note=keep("note"),
        withheld_fields=tuple(k for k in PROJECT.keys if k in secret), wording=rules.secret_wording if secret else None,
    )


def _task(task: Task, by_code: dict[str, PublicProject], secret_codes: set[str], rules: Disclosure, out: _Collector, source: str) -> PublicTask:
    target = by_code.get(task.code or "")
    if task.code in secret_codes:
        for text in (task.name, task.goal, task.indicator_text):
            out.hide(text, source, "涉密项目的年度任务")
        label = target.name if target else rules.secret_wording
        return PublicTask(label, task.amount if rules.secret_amounts == "show" else None, target.code if target else None, rules.secret_wording, None, target.path if target else None)
    return PublicTask(task.name, task.amount, task.code, task.goal, task.indicator_text, target.path if target else None)


def _department(dept: Department, rules: Disclosure, out: _Collector) -> PublicDepartment | None:
    if dept.secret:
        for text in (dept.name, dept.short_name, dept.goal, dept.measures, dept.note, dept.source):
            out.hide(text, dept.file, "涉密部门")
        for project in dept.projects:
            _secret_project(project, "", "", dept, "", rules, out)
        return None
    secret_units = {u.name for u in dept.units if u.secret}
    for unit in dept.units:
        if unit.secret:
            out.hide(unit.name, dept.file, "涉密单位")
    projects: list[PublicProject] = []
    numbered = 0
    secret_codes: set[str] = set()
    for project in sorted(dept.projects, key=lambda p: p.file):
        unit_name = project.unit or dept.name
        unit_public = "涉密单位" if unit_name in secret_units else unit_name
        if project.secret or unit_name in secret_units:
            numbered += 1
            if project.code:
                secret_codes.add(project.code)
            label, slug = _secret_label(project, numbered, rules)
            public = _secret_project(project, label, slug, dept, unit_public, rules, out)
            if rules.secret_label != "hidden":
                projects.append(public)
        else:
            projects.append(_public_project(project, dept, unit_public, rules, out))
    projects.sort(key=lambda p: (-(p.money.total.yuan if p.money.total else Decimal(-1)), p.slug))
    by_code = {p.code: p for p in projects if p.code}
    total = Amount(sum((p.money.total.yuan for p in dept.projects), Decimal(0)), dept.unit)
    withheld = [p.money.total.yuan for p in dept.projects if (p.secret or (p.unit or dept.name) in secret_units)
                and (rules.secret_amounts == "withhold" or rules.secret_label == "hidden")]
    units = _units(dept, projects, secret_units)
    tasks = tuple(_task(t, by_code, secret_codes, rules, out, dept.file) for t in dept.tasks)
    return PublicDepartment(
        name=dept.name, slug=dept.slug, year=dept.year, unit=dept.unit, units=units, projects=tuple(projects),
        total=total, withheld_total=Amount(sum(withheld, Decimal(0)), dept.unit) if withheld else None,
        short_name=dept.short_name, code=dept.code, level=dept.level, region=dept.region, source=dept.source,
        goal=dept.goal, tasks=tasks, measures=dept.measures,
        indicators=tuple(_indicator(r, f"指标-部门-{i + 1}", rules, out, f"{dept.file}: 绩效指标[{i + 1}]", False) for i, r in enumerate(dept.indicators)),
        note=dept.note,
    )


def _units(dept: Department, projects: list[PublicProject], secret_units: set[str]) -> tuple[PublicUnit, ...]:
    units = []
    declared = [u for u in dept.units if not u.secret] or []
    names = [u.name for u in declared]
    if dept.name not in names and any(p.unit == dept.name for p in projects):
        names.insert(0, dept.name)
    for name in names:
        spec = next((u for u in declared if u.name == name), None)
        members = tuple(p for p in projects if p.unit == name)
        slug = (spec.slug if spec and spec.slug else slugify(name)) or "unit"
        units.append(PublicUnit(name=name, slug=slug, code=spec.code if spec else None, total=spec.total if spec else None, projects=members))
    if secret_units:
        members = tuple(p for p in projects if p.unit == "涉密单位")
        units.append(PublicUnit(name="涉密单位", slug="shemi-danwei", code=None, total=None, projects=members))
    return tuple(units)


def _secret_label(project: Project, n: int, rules: Disclosure) -> tuple[str, str]:
    if rules.secret_label == "code" and project.code:
        return project.code, slugify(project.code)
    return f"涉密项目{n}", f"shemi-{n}"


def redact(site: Site, rules: Disclosure) -> PublicSite:
    """The public site for the given disclosure rules, with the list of withheld strings."""
    out = _Collector(rules)
    departments = tuple(d for d in (_department(dept, rules, out) for dept in site.departments) if d is not None)
    return PublicSite(departments=departments, withheld=tuple(out.withheld))
