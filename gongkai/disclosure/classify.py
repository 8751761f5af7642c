"""The one secrecy classifier: for the whole site (every year at once) it decides what is withheld
and why — departments, units, projects, fields, indicator rows and 年度主要任务 — and which
records may be linked across years. Every other module asks its `Classification`; none
re-derives a rule.

The rules, widest first:
- 涉密部门: a department with `涉密: true`; everything of it.
- 涉密登记册 / 涉密项目: a project whose code (by `code_key`) is in the register, or `涉密: true`.
- 涉密单位: a project whose 实施单位 is a secret unit's name. Names are compared after NFKC and
  with all spaces removed; a unit name that is marked secret in any entry (a unit listed twice,
  another year, another department) is secret in every entry, everywhere.
- 涉密字段 / 涉密指标行: the record's own list, and — across years — the lists of every other record
  of the same project (the same `code_key`, or tied by 上年项目): what one year withholds, the
  others withhold too, since the same text would otherwise stand on last year's page.
- tasks: a task whose code is a secret project's (by `code_key`; its own department's, else any
  department's of the same year) is withheld with it; a task of a project whose 项目名称 is
  withheld shows that project's public label. A department's indicator row withheld in one year is
  withheld in the department's other years too (matched by 三级指标 name).
- links: a public record links to last year's record of the same project only when that one is
  public too; a public record whose 上年项目 names a secret record links to nothing.
- a code that is public in one year and secret in another ties the two records together: unless
  the secret record confirms it (`确认编码关联: true`), the secret record's code is not shown
  even with `secret_label: code`, and `check` warns (W104).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from gongkai.disclosure.register import Register
from gongkai.source.codes import code_key
from gongkai.errors import Problem
from gongkai.source.model import Department, Indicator, Project, Site

_SPACES = re.compile(r"\s+")


def name_key(name: str) -> str:
    """The form in which unit (and department) names are compared: NFKC, every space removed."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", name))


def _key(code: str | None) -> str:
    return code_key(code) if code else ""


@dataclass(frozen=True)
class Verdict:
    """Why one record is withheld: the rule (as the report names it) and a sentence of reason."""

    rule: str
    reason: str


@dataclass
class Classification:
    """Plain data: per-record verdicts, keyed by content file (and row / task position)."""

    departments: dict[str, Verdict] = field(default_factory=dict)  # department file → verdict
    secret_unit_names: frozenset[str] = frozenset()  # name keys of secret units, site-wide
    projects: dict[str, Verdict] = field(default_factory=dict)  # project file → verdict (withheld projects only)
    fields: dict[str, frozenset[str]] = field(default_factory=dict)  # project file → withheld field keys
    field_reasons: dict[tuple[str, str], str] = field(default_factory=dict)  # (file, key) → reason
    rows: dict[str, frozenset[tuple[str, int]]] = field(default_factory=dict)  # project file → (period, index)
    department_rows: dict[str, frozenset[int]] = field(default_factory=dict)  # department file → row indexes
    tasks: dict[tuple[str, int], Verdict] = field(default_factory=dict)  # (department file, index) → verdict
    task_projects: dict[tuple[str, int], str] = field(default_factory=dict)  # (department file, index) → project file
    code_hidden: frozenset[str] = frozenset()  # secret project files whose code must not be shown
    predecessors: dict[str, str] = field(default_factory=dict)  # public project file → last year's public file
    warnings: tuple[Problem, ...] = ()

    def department_secret(self, dept: Department) -> bool:
        return dept.file in self.departments

    def unit_secret(self, dept: Department, name: str | None) -> bool:
        """Is this unit name (a project's 实施单位, or the department's own name when empty) secret?"""
        return name_key(name or dept.name) in self.secret_unit_names

    def project_verdict(self, project: Project) -> Verdict | None:
        return self.projects.get(project.file)

    def project_secret(self, project: Project) -> bool:
        return project.file in self.projects

    def withheld_fields(self, project: Project) -> frozenset[str]:
        return self.fields.get(project.file, frozenset())

    def row_secret(self, project: Project, period: str, index: int) -> bool:
        return (period, index) in self.rows.get(project.file, frozenset())

    def department_row_secret(self, dept: Department, index: int) -> bool:
        return index in self.department_rows.get(dept.file, frozenset())

    def task_verdict(self, dept: Department, index: int) -> Verdict | None:
        return self.tasks.get((dept.file, index))

    def task_project(self, dept: Department, index: int) -> str | None:
        """The file of the project the task names (by `code_key`), if it is in the department."""
        return self.task_projects.get((dept.file, index))

    def show_code(self, project: Project, secret_label: str) -> bool:
        """May the project's code be published next to it?"""
        if not self.project_secret(project):
            return True
        return secret_label == "code" and project.file not in self.code_hidden


# ---- the grouping of records across years -------------------------------------------------------

class _Groups:
    """Union-find over string keys: which records are one thing across years."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        self.parent.setdefault(item, item)
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _lineages(site: Site) -> dict[str, str]:
    """Department file → one key shared by the same department in every year (same 部门编码 or 链接名)."""
    groups = _Groups()
    for dept in site.departments:
        groups.join(f"f:{dept.file}", f"s:{dept.slug}")
        if dept.code:
            groups.join(f"f:{dept.file}", f"c:{_key(dept.code)}")
    return {d.file: groups.find(f"f:{d.file}") for d in site.departments}


def _projects(site: Site) -> Iterator[tuple[Department, Project]]:
    for dept in site.departments:
        for project in dept.projects:
            yield dept, project


def _project_groups(site: Site) -> dict[str, str]:
    """Project file → one key for every record of the same project: the same code, or 上年项目."""
    groups = _Groups()
    for _, project in _projects(site):
        groups.find(f"f:{project.file}")
        if project.code:
            groups.join(f"f:{project.file}", f"c:{_key(project.code)}")
        if project.previous:
            groups.join(f"f:{project.file}", f"c:{_key(project.previous)}")
    return {p.file: groups.find(f"f:{p.file}") for _, p in _projects(site)}


# ---- the classifier ----------------------------------------------------------------------------

def classify(site: Site, register: Register | None = None, secret_label: str = "numbered") -> Classification:
    """Decide, for the whole site, what is withheld and why (see the module's docstring)."""
    out = Classification()
    registered = register.codes if register else frozenset()
    lineage = _lineages(site)
    # Site-wide: a unit's name is the same unit's in every entry, department and year that writes it.
    out.secret_unit_names = frozenset(name_key(u.name) for d in site.departments for u in d.units if u.secret)
    for dept in site.departments:
        if dept.secret:
            out.departments[dept.file] = Verdict("涉密部门", "部门文件标记为涉密")
        for project in dept.projects:
            verdict = _project_verdict(dept, project, registered, out)
            if verdict:
                out.projects[project.file] = verdict
    groups = _project_groups(site)
    _classify_fields(site, groups, out)
    _classify_rows(site, groups, out)
    _classify_department_rows(site, lineage, out)
    _classify_tasks(site, out)
    _classify_links(site, lineage, out)
    out.code_hidden, out.warnings = _code_ties(site, groups, secret_label, out)
    return out


def _project_verdict(dept: Department, project: Project, registered: frozenset[str], out: Classification) -> Verdict | None:
    if dept.secret:
        return Verdict("涉密部门", "所属部门涉密")
    if project.code and _key(project.code) in registered:
        return Verdict("涉密登记册", "项目编码列在涉密登记册中")
    if project.secret:
        return Verdict("涉密项目", "项目文件标记为涉密")
    if out.unit_secret(dept, project.unit):
        return Verdict("涉密单位", "实施单位是涉密单位")
    return None


def _classify_fields(site: Site, groups: dict[str, str], out: Classification) -> None:
    by_group: dict[str, set[str]] = {}
    for _, project in _projects(site):
        by_group.setdefault(groups[project.file], set()).update(project.secret_fields)
    for _, project in _projects(site):
        withheld = by_group[groups[project.file]]
        own = set(project.secret_fields)
        out.fields[project.file] = frozenset(withheld)
        for key in sorted(withheld - own):
            out.field_reasons[(project.file, key)] = "同一项目在其他年度的记录把该字段列为涉密字段"


def _row_key(period: str, row: Indicator) -> tuple[str, str]:
    return period, name_key(row.level3)


def _classify_rows(site: Site, groups: dict[str, str], out: Classification) -> None:
    secret_keys: dict[str, set[tuple[str, str]]] = {}
    for _, project in _projects(site):
        for goal in project.goals:
            for row in goal.indicators:
                if row.secret:
                    secret_keys.setdefault(groups[project.file], set()).add(_row_key(goal.period, row))
    for _, project in _projects(site):
        keys = secret_keys.get(groups[project.file])
        out.rows[project.file] = frozenset((goal.period, i) for goal in project.goals for i, row in enumerate(goal.indicators)
                                           if row.secret or (keys and _row_key(goal.period, row) in keys))


def _classify_department_rows(site: Site, lineage: dict[str, str], out: Classification) -> None:
    secret: dict[str, set[str]] = {}
    for dept in site.departments:
        secret.setdefault(lineage[dept.file], set()).update(name_key(r.level3) for r in dept.indicators if r.secret)
    for dept in site.departments:
        keys = secret[lineage[dept.file]]
        out.department_rows[dept.file] = frozenset(i for i, r in enumerate(dept.indicators) if r.secret or name_key(r.level3) in keys)


def _classify_tasks(site: Site, out: Classification) -> None:
    secret_in_year: dict[tuple[int, str], Project] = {}
    for dept, project in _projects(site):
        if project.code and project.file in out.projects:
            secret_in_year.setdefault((dept.year, _key(project.code)), project)
    for dept in site.departments:
        by_key = {_key(p.code): p for p in dept.projects if p.code}
        for i, task in enumerate(dept.tasks):
            if not task.code:
                continue
            target = by_key.get(_key(task.code))
            if target is None:  # a task naming another department's secret project is withheld too
                elsewhere = secret_in_year.get((dept.year, _key(task.code)))
                if elsewhere is not None:
                    out.tasks[(dept.file, i)] = Verdict("涉密项目的年度任务", f"任务的项目编码是其他部门的涉密项目（{out.projects[elsewhere.file].rule}）")
                continue
            out.task_projects[(dept.file, i)] = target.file
            verdict = out.projects.get(target.file)
            if verdict:
                out.tasks[(dept.file, i)] = Verdict("涉密项目的年度任务", f"任务对应的项目已不公开（{verdict.rule}）")
            elif "项目名称" in out.fields.get(target.file, ()):
                out.tasks[(dept.file, i)] = Verdict("涉密字段的年度任务", "任务对应项目的项目名称涉密")


def _classify_links(site: Site, lineage: dict[str, str], out: Classification) -> None:
    """Last year's record of each public project, when both may be linked."""
    index: dict[tuple[str, int, str], list[Project]] = {}
    for dept, project in _projects(site):
        if project.code:
            index.setdefault((lineage[dept.file], dept.year, _key(project.code)), []).append(project)
    for dept, project in _projects(site):
        if project.file in out.projects:
            continue
        named = project.previous if "上年项目" not in out.fields[project.file] else None
        wanted = named or project.code
        if not wanted:
            continue
        candidates = index.get((lineage[dept.file], dept.year - 1, _key(wanted)), [])
        # A secret record among them (or more than one record) means no link: never pick "the public one".
        if len(candidates) == 1 and candidates[0].file not in out.projects:
            out.predecessors[project.file] = candidates[0].file


def _code_ties(site: Site, groups: dict[str, str], secret_label: str,
               out: Classification) -> tuple[frozenset[str], tuple[Problem, ...]]:
    """Secret records whose code (or 上年项目) ties them to a public record of the same project."""
    members: dict[str, list[Project]] = {}
    for _, project in _projects(site):
        members.setdefault(groups[project.file], []).append(project)
    hidden: set[str] = set()
    problems: list[Problem] = []
    for group in members.values():
        public = [p for p in group if p.file not in out.projects]
        secret = [p for p in group if p.file in out.projects and out.projects[p.file].rule != "涉密部门"]
        if not public or not secret:
            continue
        for record in secret:
            if record.code_link_confirmed:
                continue
            hidden.add(record.file)
            if secret_label == "code":
                problems.append(_tie_warning(record, public))
    return frozenset(hidden), tuple(problems)


def _tie_warning(record: Project, public: Iterable[Project]) -> Problem:
    named = "、".join(f"{p.file}（{p.year}年）" for p in sorted(public, key=lambda p: p.file))
    return Problem(
        "W104", record.file, 0, 0,
        f"该涉密项目（{record.year}年）与公开项目 {named}是同一编码（或上年项目）：公开编码会把涉密记录与公开记录关联起来；"
        "本次构建不在涉密记录旁显示编码", record.code,
        "任选其一：在 site_config.yml 中把 disclosure.secret_label 设为 numbered 或 hidden；"
        "或确认可以关联，在该涉密项目文件中写“确认编码关联: true”。")
