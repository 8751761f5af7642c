"""Stage 3: turn the validated model into the public model, by the disclosure rules.

A pure function. It copies across only what the public types can hold, replaces what is
secret with the configured wording, and lists every withheld string for the leak audit.

What is withheld, and why, is decided by one classifier (`disclosure.classify`) for the whole
site at once; this module only carries its verdicts out. Before any department is built, the site's amount relations
(relations.py) and the attacker's LPs (control.py) decide, once for the whole site, which
totals and further amounts may be published when amounts are withheld.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from gongkai.disclosure import control as dc
from gongkai.disclosure import relations as rel
from gongkai.disclosure.classify import Classification, classify
from gongkai.disclosure.links import identity
from gongkai.disclosure.register import Register, check_register
from gongkai.source.codes import code_key
from gongkai.source.config import Disclosure
from gongkai.errors import ContentError, Problem
from gongkai.source.model import Amount, Department, Goal, Indicator, Money, Project, Site, Task
from gongkai.public import (PublicDepartment, PublicGoal, PublicIndicator, PublicMoney, PublicProject, PublicSite,
                     PublicTask, PublicUnit, Withheld)
from gongkai.source.schema import PROJECT
from gongkai.slugs import pinyin_words, secret_slug, slugify, unnamed_slug

_FIELD_KEYS = {f.name: f.key for f in PROJECT.fields}
SECRET_UNIT_LABEL = "涉密单位"
UNIT_WITHHELD_LABEL = "实施单位不公开"


# ---- what was withheld ------------------------------------------------------------------------

@dataclass(frozen=True)
class LogEntry:
    """One withheld item for the internal report: where, by which rule, and any amount (元)."""

    department: str  # the department's file
    source: str  # file and field
    rule: str
    amount: Decimal | None = None


@dataclass(frozen=True)
class Redaction:
    """Everything redaction produces: the public model, and what stays internal."""

    public: PublicSite
    log: tuple[LogEntry, ...] = ()
    amounts: dc.Plan | None = None  # the amount protection: what was hidden and the attacker's intervals
    relations: rel.Relations | None = None
    warnings: tuple[Problem, ...] = ()
    declared: tuple[Any, ...] = ()  # exemptions.Declared: texts secret records declare public (公开文字)
    classification: Classification = field(default_factory=Classification)


@dataclass
class _Collector:
    rules: Disclosure
    cls: Classification
    paths: dict[str, str] = field(default_factory=dict)  # public project file → its public path
    withheld: list[Withheld] = field(default_factory=list)
    log: list[LogEntry] = field(default_factory=list)
    plan: dc.Plan = field(default_factory=lambda: dc.Plan(frozenset()))
    problems: list[Problem] = field(default_factory=list)

    def hide(self, text: str | None, source: str, rule: str) -> None:
        if text and text.strip():
            self.withheld.append(Withheld(text.strip(), source, rule))

    def record(self, dept: Department, source: str, rule: str, amount: Decimal | None = None) -> None:
        self.log.append(LogEntry(dept.file, source, rule, amount))


# ---- projects ---------------------------------------------------------------------------------

def _money(money: Money | None, show: bool) -> PublicMoney | None:
    if money is None:
        return None
    if not show:
        return PublicMoney(total=None, label=money.label)
    return PublicMoney(total=money.total, fiscal=money.fiscal, special=money.special, other=money.other, label=money.label)


def _indicator(row: Indicator, anchor: str, rules: Disclosure, out: _Collector, source: str, secret: bool) -> PublicIndicator:
    if secret:
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
        number_unit=parsed.unit if parsed else None, number_max=parsed.number_max if parsed else None,
        misfiled=row.level1_norm is None or (row.level2 is not None and row.level2_norm is None),
    )


def _goal(goal: Goal, project: Project, rules: Disclosure, out: _Collector, secret: bool) -> PublicGoal:
    source = project.file
    rows = tuple(_indicator(r, f"指标-{goal.period_label}-{i + 1}", rules, out, f"{source}: {goal.period_label}目标.指标[{i + 1}]",
                            secret or out.cls.row_secret(project, goal.period, i))
                 for i, r in enumerate(goal.indicators))
    if secret:
        out.hide(goal.title, f"{source}: {goal.period_label}目标.名称", "涉密字段")
        out.hide(goal.text, f"{source}: {goal.period_label}目标.目标", "涉密字段")
        return PublicGoal(goal.period, goal.period_label, None, rules.secret_wording, rows[:1], withheld=True)
    return PublicGoal(goal.period, goal.period_label, goal.title, goal.text, rows)


def _hide_whole_project(project: Project, rule: str, rules: Disclosure, out: _Collector) -> None:
    """Every text of a secret project goes on the audit list, whatever is later shown of it."""
    source = project.file
    # Under secret_label: code the code is the project's public label; a field that only repeats
    # it (imported forms write the code as the 项目名称 of a 涉密项目) withholds nothing.
    shown = code_key(project.code) if out.cls.show_code(project, rules.secret_label) and project.code else None
    for name in ("name", "category", "nature", "period", "basis", "purpose", "source", "note", "previous"):
        value = getattr(project, name)
        if not (shown and value and code_key(value) == shown):
            out.hide(value, f"{source}: {_FIELD_KEYS.get(name, name)}", rule)
    for attribute in project.attributes:
        out.hide(attribute, f"{source}: 项目属性", rule)
    if project.review:
        out.hide(project.review.opinion, f"{source}: 审核意见", rule)
    if not out.cls.show_code(project, rules.secret_label):
        out.hide(project.code, f"{source}: 项目编码", rule)
    if project.slug and project.slug != slugify(project.code or ""):
        out.hide(f"{project.year}/{project.department_slug}/{project.slug}/", f"{source}: 链接名", rule)
    for goal in project.goals:
        _goal(goal, project, rules, out, secret=True)


def _secret_project(project: Project, label: str, slug: str, dept: Department, unit: str, rules: Disclosure,
                    out: _Collector, show_amount: bool) -> PublicProject:
    word = rules.secret_indicator_wording
    placeholder = PublicGoal("year", "年度", None, rules.secret_wording,
                             (PublicIndicator(anchor="指标-年度-1", level1="产出指标", level3=word, value=word, withheld=True),), withheld=True)
    return PublicProject(
        slug=slug, name=label, year=project.year, department_slug=dept.slug, department_name=dept.name, unit=unit,
        money=_money(project.money, show_amount), secret=True,  # type: ignore[arg-type]
        code=project.code if out.cls.show_code(project, rules.secret_label) else None, goals=(placeholder,), wording=rules.secret_wording,
    )


def _public_project(project: Project, dept: Department, unit: str, label: str, slug: str, rules: Disclosure,
                    out: _Collector, show_amount: bool) -> PublicProject:
    secret = out.cls.withheld_fields(project)
    source = project.file

    def keep(name: str) -> str | None:
        value: str | None = getattr(project, name)
        if _FIELD_KEYS[name] in secret:
            out.hide(value, f"{source}: {_FIELD_KEYS[name]}", "涉密字段")
            return rules.secret_wording if value else None
        return value

    if "项目名称" in secret:
        out.hide(project.name, f"{source}: 项目名称", "涉密字段")
    if "上年项目" in secret:
        out.hide(project.previous, f"{source}: 上年项目", "涉密字段")
    goals = tuple(_goal(g, project, rules, out, secret=f"{g.period_label}目标" in secret) for g in project.goals)
    review = project.review
    if "审核意见" in secret and review:
        out.hide(review.opinion, f"{source}: 审核意见", "涉密字段")
    attributes = project.attributes
    if "项目属性" in secret:
        for a in attributes:
            out.hide(a, f"{source}: 项目属性", "涉密字段")
        attributes = ()
    for key in sorted(secret):
        reason = out.cls.field_reasons.get((project.file, key))
        out.record(dept, f"{source}: {key}", f"涉密字段（{reason}）" if reason else "涉密字段")
    return PublicProject(
        slug=slug, name=label, year=project.year, department_slug=dept.slug,
        department_name=dept.name, unit=unit, money=_money(project.money, show_amount), form=project.form, code=project.code,  # type: ignore[arg-type]
        category=keep("category"), nature=keep("nature"), attributes=attributes, period=keep("period"),
        basis=keep("basis"), purpose=keep("purpose"),
        period_money=None if "项目期资金" in secret or rel.period_key(project) in out.plan.hidden else _money(project.period_money, True),
        plan=() if "资金支出计划" in secret else project.plan, goals=goals,
        review_opinion=None if "审核意见" in secret or not review else review.opinion,
        review_date=None if "审核意见" in secret or not review else review.date,
        source=keep("source"), note=keep("note"),
        withheld_fields=tuple(k for k in PROJECT.keys if k in secret), wording=rules.secret_wording if secret else None,
        amount_combined=not show_amount,
        # A project whose name is withheld takes no part in links: an old URL could spell the name.
        identity=identity("project", project.file) if project.slug and slug == project.slug and "项目名称" not in secret else "",
    )


def _task(task: Task, index: int, dept: Department, by_file: dict[str, PublicProject], rules: Disclosure,
          out: _Collector, hidden: bool = False) -> PublicTask:
    source = f"{dept.file}: 年度主要任务[{index + 1}]"
    linked = out.cls.task_project(dept, index)
    target = by_file.get(linked or "")
    verdict = out.cls.task_verdict(dept, index)
    anchor = f"任务-{index + 1}"
    # A task naming another department's secret project has no project here to carry its amount.
    withheld_elsewhere = verdict is not None and linked is None and (rules.secret_amounts == "withhold" or rules.secret_label == "hidden")
    hidden = hidden or withheld_elsewhere
    amount = None if hidden else task.amount
    # A task's sources of funds are one block with its amount (relations.py): shown exactly when it is.
    funds = {name: None if hidden else getattr(task, name) for name in ("fiscal", "special", "other")}
    if verdict and verdict.rule == "涉密项目的年度任务":
        for text in (task.name, task.goal, task.indicator_text) + ((task.code,) if not (target and target.code) else ()):
            out.hide(text, source, verdict.rule)
        label = target.name if target else rules.secret_wording
        return PublicTask(label, amount, target.code if target else None, rules.secret_wording, None,
                          target.path if target else None, anchor=anchor, kind=task.kind, **funds)
    name, code = task.name, task.code
    if verdict:  # the task names a project whose 项目名称 is secret: it shows that project's public label
        out.hide(task.name, source, verdict.rule)
        name = target.name if target else rules.secret_wording
        code = target.code if target else None
    return PublicTask(name, amount, code, task.goal, task.indicator_text, target.path if target else None,
                      anchor=anchor, kind=task.kind, **funds)


def _tasks_total(dept: Department, hidden: frozenset[str]) -> PublicMoney | None:
    """The stated 金额合计 row, unless publishing it would let a withheld task be subtracted out."""
    if dept.tasks_total is None:
        return None
    if rel.tasks_total_key(dept) in hidden:
        return PublicMoney(total=None, label=dept.tasks_total.label)
    return _money(dept.tasks_total, True)


def _log_hidden_tasks(dept: Department, tasks: tuple[PublicTask, ...], out: _Collector) -> None:
    """Withheld task amounts go into the internal report, like withheld project amounts."""
    for i, (task, public) in enumerate(zip(dept.tasks, tasks)):
        if task.amount is not None and public.amount is None:
            out.record(dept, f"{dept.file}: 年度主要任务[{i + 1}]", "年度任务金额不公开", task.amount.yuan)


# ---- departments ------------------------------------------------------------------------------

def _hide_department(dept: Department, rules: Disclosure, out: _Collector) -> None:
    rule = "涉密部门"
    for name, text in (("部门名称", dept.name), ("部门简称", dept.short_name), ("部门编码", dept.code), ("整体绩效目标", dept.goal),
                       ("工作保障措施", dept.measures), ("备注", dept.note), ("来源", dept.source)):
        out.hide(text, f"{dept.file}: {name}", rule)
    out.hide(f"{dept.year}/{dept.slug}/", f"{dept.file}: 链接名", rule)
    for i, task in enumerate(dept.tasks):
        for text in (task.name, task.goal, task.indicator_text, task.code):
            out.hide(text, f"{dept.file}: 年度主要任务[{i + 1}]", rule)
    for i, row in enumerate(dept.indicators):
        _indicator(row, "", rules, out, f"{dept.file}: 绩效指标[{i + 1}]", True)
    for unit in dept.units:
        out.hide(unit.name, f"{dept.file}: 单位.单位名称", rule)
        out.hide(unit.code, f"{dept.file}: 单位.单位编码", rule)
    for project in dept.projects:
        _hide_whole_project(project, rule, rules, out)
        out.hide(project.code, f"{project.file}: 项目编码", rule)
        out.record(dept, project.file, rule, project.money.total.yuan)


def _department(dept: Department, rules: Disclosure, out: _Collector) -> PublicDepartment | None:
    if out.cls.department_secret(dept):
        _hide_department(dept, rules, out)
        return None
    for unit in dept.units:
        if out.cls.unit_secret(dept, unit.name):
            out.hide(unit.name, f"{dept.file}: 单位.单位名称", "涉密单位")
            out.hide(unit.code, f"{dept.file}: 单位.单位编码", "涉密单位")
    ordered = sorted(dept.projects, key=lambda p: p.file)
    secret = {p.file: v.rule for p in ordered if (v := out.cls.project_verdict(p))}
    plan = out.plan
    projects: list[PublicProject] = []
    by_file: dict[str, PublicProject] = {}
    numbered = unnamed = 0
    for project in ordered:
        unit_name = project.unit or dept.name
        unit_public = SECRET_UNIT_LABEL if out.cls.unit_secret(dept, unit_name) else unit_name
        fields = out.cls.withheld_fields(project)
        show_amount = rel.amount_key(project) not in plan.hidden
        if project.file in secret:
            numbered += 1
            rule = secret[project.file]
            _hide_whole_project(project, rule, rules, out)
            out.record(dept, project.file, rule, project.money.total.yuan)
            label, slug = _secret_label(project, numbered, rules, out.cls)
            public = _secret_project(project, label, slug, dept, unit_public, rules, out, show_amount)
            if rules.secret_label != "hidden":  # a hidden project has no page for a task to link to
                by_file[project.file] = public
                projects.append(public)
            continue
        label, slug = project.name, project.slug or slugify(project.name)
        if "项目名称" in fields:
            unnamed += 1
            label = project.code or f"名称涉密项目{unnamed}"
            if not project.code or slug != slugify(project.code):
                out.hide(f"{project.year}/{dept.slug}/{slug}/", f"{project.file}: 链接名", "涉密字段")
                slug = slugify(project.code) if project.code else unnamed_slug(unnamed)
        if "实施单位" in fields:
            unit_public = UNIT_WITHHELD_LABEL
        if not show_amount:
            out.record(dept, project.file, "相减推算保护（与涉密项目合并列示金额）", project.money.total.yuan)
        public = _public_project(project, dept, unit_public, label, slug, rules, out, show_amount)
        by_file[project.file] = _remember_path(out, project, public)
        projects.append(public)
    projects.sort(key=lambda p: (-(p.money.total.yuan if p.money.total else Decimal(-1)), p.slug))
    hidden_tasks = {i for i in range(len(dept.tasks)) if rel.task_key(dept, i) in plan.hidden}
    total = Amount(sum((p.money.total.yuan for p in dept.projects), Decimal(0)), dept.unit)
    combined = [p for p in dept.projects if rel.amount_key(p) in plan.hidden]
    show_combined = bool(combined) and rules.subtraction == "combine"
    units = _units(dept, projects, out.cls, {rel.unit_key(dept, u.name) for u in dept.units} & plan.hidden)
    tasks = tuple(_task(t, i, dept, by_file, rules, out, i in hidden_tasks) for i, t in enumerate(dept.tasks))
    _log_hidden_tasks(dept, tasks, out)
    stated = rel.budget_key(dept) not in plan.hidden
    return PublicDepartment(
        name=dept.name, slug=dept.slug, year=dept.year, unit=dept.unit, units=units, projects=tuple(projects),
        total=total, withheld_total=Amount(sum((p.money.total.yuan for p in combined), Decimal(0)), dept.unit) if show_combined else None,
        short_name=dept.short_name, form=dept.form, code=dept.code, level=dept.level, region=dept.region,
        source=dept.source, goal=dept.goal, budget_total=dept.budget_total if stated else None,
        basic=dept.basic if stated else None, project_spending=dept.project_spending if stated else None,
        tasks=tasks, tasks_total=_tasks_total(dept, plan.hidden), measures=dept.measures,
        indicators=tuple(_indicator(r, f"指标-部门-{i + 1}", rules, out, f"{dept.file}: 绩效指标[{i + 1}]", out.cls.department_row_secret(dept, i))
                         for i, r in enumerate(dept.indicators)),
        note=dept.note, identity=identity("department", dept.file), withheld_secondary=sum(1 for p in combined if p.file not in secret) if show_combined else 0,
    )


def _remember_path(out: _Collector, project: Project, public: PublicProject) -> PublicProject:
    """Remember where a public project's page is, for links from other years."""
    out.paths[project.file] = public.path
    return public


def _units(dept: Department, projects: list[PublicProject], cls: Classification, suppressed: set[str]) -> tuple[PublicUnit, ...]:
    units = []
    declared = [u for u in dept.units if not cls.unit_secret(dept, u.name)]
    names = [u.name for u in declared]
    if dept.name not in names and any(p.unit == dept.name for p in projects):
        names.insert(0, dept.name)
    for name in names:
        spec = next((u for u in declared if u.name == name), None)
        members = tuple(p for p in projects if p.unit == name)
        slug = (spec.slug if spec and spec.slug else slugify(name)) or "unit"
        total = spec.total if spec and rel.unit_key(dept, name) not in suppressed else None
        units.append(PublicUnit(name=name, slug=slug, code=spec.code if spec else None, total=total, projects=members))
    for label, slug in ((SECRET_UNIT_LABEL, "shemi-danwei"), (UNIT_WITHHELD_LABEL, "danwei-bu-gongkai")):
        members = tuple(p for p in projects if p.unit == label)
        if members:
            units.append(PublicUnit(name=label, slug=slug, code=None, total=None, projects=members))
    return tuple(units)


def _secret_label(project: Project, n: int, rules: Disclosure, cls: Classification) -> tuple[str, str]:
    if cls.show_code(project, rules.secret_label) and project.code:
        return project.code, slugify(project.code)
    return f"涉密项目{n}", secret_slug(n)


# ---- warnings ---------------------------------------------------------------------------------

def _initials(text: str) -> str:
    chinese = "".join(ch for ch in text if "\u3400" <= ch <= "\u9fff")
    return "".join(w[0] for w in pinyin_words(chinese)) if len(chinese) >= 2 else ""


def code_warnings(public: PublicSite, withheld: list[Withheld]) -> list[Problem]:
    """W102: a published code that spells the pinyin initials of a withheld name (WWZXJF …)."""
    secret_names: dict[str, Withheld] = {}
    for item in withheld:
        if item.source.endswith(("项目名称", "部门名称", "单位名称", "部门简称")):
            initials = _initials(item.text)
            if len(initials) >= 3:
                secret_names.setdefault(initials, item)
    problems = []
    for project in public.projects:
        letters = "".join(ch for ch in (project.code or "").lower() if ch.isalnum())
        spelled = secret_names.get(letters)
        if spelled:
            problems.append(Problem("W102", spelled.source.split(": ")[0], 0, 0,
                                    f"公开的项目编码“{project.code}”恰好是涉密名称（{spelled.source.split(': ')[-1]}）的拼音首字母", project.code))
    return problems


# ---- entry points -----------------------------------------------------------------------------

# Where a YAML path of a content file stands: (file, keys) → (line, column); (0, 0) when unknown.
Locate = Callable[[str, tuple[str | int, ...]], tuple[int, int]]


def redact_site(site: Site, rules: Disclosure, register: Register | None = None, locate: Locate | None = None) -> Redaction:
    """The public site for the given disclosure rules, with what stays internal beside it.

    Raises ContentError (E033) when `disclosure.subtraction` is fail and a published total
    would give away a withheld amount, or when no suppression can protect one.
    """
    if register is not None:
        check_register(site, register)
    cls = classify(site, register, rules.secret_label)
    out = _Collector(rules, cls)
    relations = _relations(site, out)
    out.plan = _amount_plan(relations, site, rules, cls)
    _plan_problems(out.plan, relations, rules, out, locate or (lambda file, at: (0, 0)))
    departments = tuple(d for d in (_department(dept, rules, out) for dept in site.departments) if d is not None)
    _amounts_in_text(departments, relations, out)
    if out.problems:
        raise ContentError(out.problems)
    links = tuple(sorted((out.paths[now], out.paths[before]) for now, before in cls.predecessors.items()
                         if now in out.paths and before in out.paths))
    public = PublicSite(departments=departments, withheld=tuple(out.withheld), predecessors=links)
    warnings = tuple(cls.warnings) + tuple(code_warnings(public, out.withheld))
    return Redaction(public, tuple(out.log), out.plan, relations, warnings, classification=cls)


# ---- amounts ----------------------------------------------------------------------------------

def _relations(site: Site, out: _Collector) -> rel.Relations:
    """The site's published arithmetic, knowing which projects are secret and whose amounts are withheld."""
    secret = set(out.cls.projects)  # the classifier's verdicts (a secret department's projects included)
    rules = out.rules
    withheld = secret if rules.secret_amounts == "withhold" or rules.secret_label == "hidden" else set()
    return rel.site_relations(site, out.cls, withheld)


def _amount_plan(relations: rel.Relations, site: Site, rules: Disclosure, cls: Classification) -> dc.Plan:
    """Hide by the structural rule, publish the combined lines it implies, then solve the attacker's LPs."""
    hidden, secondary = dc.choose(relations, rules.subtraction, rules.partners)
    if rules.subtraction == "combine":
        for dept in site.departments:
            if not cls.department_secret(dept):
                rel.combined_line(relations, dept, hidden)
    return dc.Plan(hidden, secondary, dc.intervals(relations, hidden, rules.protection), rules.subtraction)


_CHOICES = ("可选：删去暴露金额的合计（单位“合计”可以省略，年度主要任务可以不写金额，项目期资金可以不填）；"
            "在 site_config.yml 中把 disclosure.partners 调大，让每个不公开的金额与更多项目合并列示；"
            "把相关项目一并设为涉密；或与保密部门商定公开方式。")


def _strings(value: object, out: list[str]) -> None:
    """Every string inside a public value (its dataclass fields, tuples and lists), in order."""
    kind = type(value)
    if kind is str:
        out.append(value)  # type: ignore[arg-type]
    elif kind is tuple or kind is list:
        for item in value:  # type: ignore[attr-defined]
            _strings(item, out)
    elif hasattr(value, "__dataclass_fields__"):
        for item in vars(value).values():
            _strings(item, out)


def _page_texts(departments: tuple[PublicDepartment, ...]) -> list[tuple[str, str]]:
    """(page path, its texts joined) for each department page (without its projects) and project page."""
    pages = []
    for dept in departments:
        own: list[str] = []
        for name, item in vars(dept).items():
            if name != "projects" and name != "units":
                _strings(item, own)
        pages.append((dept.path, "\n".join(own)))
        for project in dept.projects:
            texts: list[str] = []
            _strings(project, texts)
            pages.append((project.path, "\n".join(texts)))
    return pages


def _amounts_in_text(departments: tuple[PublicDepartment, ...], relations: rel.Relations, out: _Collector) -> None:
    protected = frozenset(relations.primary) | frozenset(out.plan.secondary)  # not `fixed`: shown elsewhere anyway
    if not protected:
        return
    for where, cell in dict.fromkeys(dc.stated_in_text(_page_texts(departments), relations, protected)):
        out.problems.append(Problem("E033", cell.source.split(": ")[0], 0, 0,
                                    f"公开的文字（页面 {where.strip()}）写出了不公开的金额（{cell.source}）", None,
                                    "改写这段公开文字，不写出该金额（例如成本指标写成比例或不含金额）；或把该项目一并设为涉密。"))


def _plan_problems(plan: dc.Plan, relations: rel.Relations, rules: Disclosure, out: _Collector, locate: Locate) -> None:
    said: set[tuple[object, ...]] = set()
    for exposure in plan.exposures:
        same = (exposure.low, exposure.high, exposure.relations)  # a 财政拨款 equal to its 总额, a task equal to its project: said once
        if same in said:
            continue
        said.add(same)
        file = exposure.cell.source.split(": ")[0]
        line, column = locate(file, exposure.cell.at) if exposure.cell.at else (0, 0)
        if rules.subtraction == "fail":
            hint = "在 site_config.yml 中把 disclosure.subtraction 设为 combine 或 suppress（按文件顺序自动合并或隐藏相关金额）。" + _CHOICES
            detail = exposure.describe()
        else:
            hint, detail = _CHOICES, exposure.describe() + "，按规则合并或隐藏其他金额后仍无法保护"
        published = _published_places(exposure, relations, plan, locate)
        if published:
            detail += "。公开的相关数字：" + "、".join(published)
        out.problems.append(Problem("E033", file, line, column, detail, None, hint))


def _published_places(exposure: dc.Interval, relations: rel.Relations, plan: dc.Plan, locate: Locate) -> list[str]:
    """file:line of each published amount in the relations that reach the exposed one."""
    places = []
    for relation in exposure.relations:
        for key in relation.cells:
            cell = relations.cells[key]
            if cell.block in plan.hidden:
                continue
            file = cell.source.split(": ")[0]
            line, _ = locate(file, cell.at) if cell.at else (0, 0)
            places.append(f"{file}:{line}（{cell.source.split(': ')[-1]}）" if line else cell.source)
    return list(dict.fromkeys(places))[:12]
