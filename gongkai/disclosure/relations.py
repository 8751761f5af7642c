"""Every published linear relation among amounts, across the whole site, in one place.

An attacker who wants a withheld amount knows every published amount and every arithmetic
rule that ties amounts together: a department's 项目支出合计 is the sum of its projects, a
unit's 合计 the sum of its projects, 年度主要任务 amounts add up to the department total and a
task linked to a project states that project's amount, 总额 = 财政拨款 + 财政专户拨款 + 其他资金,
and a project's 项目期资金 covers its amounts in every year of its period (the same project in
other years is found by `code_key`). `control` solves the attacker's problem on these relations.

Amounts are *cells*; what is published or hidden is a *block* of cells (a project's 资金 with
its sources is one block, its 项目期资金 another). A new published amount is one `cell` call and
its arithmetic one `sum_is` (or `at_most`) call in `site_relations`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from gongkai.disclosure.classify import Classification, name_key
from gongkai.source.codes import code_key
from gongkai.source.model import Department, Money, Project, Site, Task

# What the rule for extra hiding does with a relation that involves a hidden amount (see control.choose).
DROP = "drop"  # hide its aggregate cells (a unit 合计, a 项目期资金, a task's amount)
PARTNER = "partner"  # a total that is always published: hide further members, chosen by file order
KEEP = "keep"  # nothing to do: its cells are hidden and shown together (资金 and its sources)


@dataclass(frozen=True)
class Cell:
    key: str
    label: str  # how messages name it: a public label or a file, never a secret name
    value: Decimal  # in 元
    source: str  # file and field
    block: str  # cells of one block are published or hidden together
    at: tuple[str | int, ...] = ()  # its place in the file's YAML (keys and list indexes), for file:line


@dataclass(frozen=True)
class Relation:
    """Σ coefficient × cell = 0 (or ≤ 0 when `equal` is False), true of the content."""

    key: str
    label: str
    terms: tuple[tuple[str, Fraction], ...]
    remedy: str = KEEP
    aggregates: tuple[str, ...] = ()  # blocks a DROP relation hides
    equal: bool = True

    @property
    def cells(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.terms)


@dataclass
class Relations:
    cells: dict[str, Cell] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    primary: set[str] = field(default_factory=set)  # blocks the rules withhold: each must stay protected
    fixed: set[str] = field(default_factory=set)  # blocks never published, but not protected (shown elsewhere)
    kept: set[str] = field(default_factory=set)  # blocks that are always published (a department's total)

    def cell(self, key: str, label: str, value: Decimal, source: str, block: str | None = None,
             at: tuple[str | int, ...] = ()) -> str:
        self.cells[key] = Cell(key, label, value, source, block or key, at)
        return key

    def sum_is(self, key: str, label: str, total: str, members: list[str], remedy: str = KEEP,
               aggregates: tuple[str, ...] = ()) -> None:
        """total = Σ members (only when the content says so: callers add true relations only)."""
        terms = ((total, Fraction(1)),) + tuple((m, Fraction(-1)) for m in members)
        self.relations.append(Relation(key, label, terms, remedy, aggregates))

    def at_most(self, key: str, label: str, members: list[str], bound: str, remedy: str = KEEP,
                aggregates: tuple[str, ...] = ()) -> None:
        """Σ members ≤ bound."""
        terms = tuple((m, Fraction(1)) for m in members) + ((bound, Fraction(-1)),)
        self.relations.append(Relation(key, label, terms, remedy, aggregates, equal=False))

    def tie(self, key: str, label: str, cells: list[str], aggregates: tuple[str, ...]) -> None:
        """No arithmetic, but published together: when one of `cells` is hidden, so are `aggregates`."""
        self.relations.append(Relation(key, label, tuple((c, Fraction(0)) for c in cells), DROP, aggregates))

    def value(self, key: str) -> Decimal:
        return self.cells[key].value

    def block_cells(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for cell in self.cells.values():
            out[cell.block].append(cell.key)
        return out


def amount_key(project: Project) -> str:
    return f"资金:{project.file}"


def period_key(project: Project) -> str:
    return f"项目期资金:{project.file}"


def unit_key(dept: Department, name: str) -> str:
    return f"单位合计:{dept.file}:{name}"


def task_key(dept: Department, index: int) -> str:
    return f"任务:{dept.file}:{index}"


def tasks_total_key(dept: Department) -> str:
    return f"金额合计:{dept.file}"


def budget_key(dept: Department) -> str:
    return f"部门预算:{dept.file}"


def department_key(dept: Department) -> str:
    return f"部门合计:{dept.file}"


def combined_key(dept: Department) -> str:
    return f"涉密项目合计:{dept.file}"


def _money(out: Relations, block: str, label: str, money: Money, file: str, field: str) -> str:
    """A 资金 record: its 总额 and the sources that add up to it, one block."""
    source = f"{file}: {field}"
    total = out.cell(block, label, money.total.yuan, f"{source}.总额", block, (field, "总额"))
    parts = [(name, amount) for name, amount in (("财政拨款", money.fiscal), ("财政专户拨款", money.special), ("其他资金", money.other))
             if amount is not None]
    if parts and sum((a.yuan for _, a in parts), Decimal(0)) == money.total.yuan:
        keys = [out.cell(f"{block}.{name}", f"{label}的{name}", a.yuan, f"{source}.{name}", block, (field, name)) for name, a in parts]
        out.sum_is(f"来源:{block}", f"{source} 总额 = 各资金来源之和", total, keys)
    return total


def site_relations(site: Site, cls: Classification, withheld: set[str]) -> Relations:
    """The relations of every department and year; `cls`: what the classifier withholds, `withheld`: whose amount is not published."""
    out = Relations()
    for dept in site.departments:
        for project in dept.projects:
            fields = cls.withheld_fields(project)
            secret = cls.project_secret(project)
            label = project.code or project.file if secret or "项目名称" in fields else project.name
            _money(out, amount_key(project), f"“{label}”的资金", project.money, project.file, "资金")
            if project.period_money is not None:
                _money(out, period_key(project), f"“{label}”的项目期资金", project.period_money, project.file, "项目期资金")
            if cls.department_secret(dept) or project.file in withheld:
                out.primary.update({amount_key(project), period_key(project)})
            elif secret or "项目期资金" in fields:
                (out.primary if "项目期资金" in fields else out.fixed).add(period_key(project))
        if not cls.department_secret(dept):
            _department(out, dept, cls, bool(withheld))
    _across_years(out, site)
    out.primary &= set(out.block_cells())
    out.fixed &= set(out.block_cells())
    return out


def _department(out: Relations, dept: Department, cls: Classification, amounts_withheld: bool) -> None:
    total = sum((p.money.total.yuan for p in dept.projects), Decimal(0))
    dept_cell = out.cell(department_key(dept), f"部门“{dept.name}”的项目支出合计", total, f"{dept.file}: 项目支出合计")
    out.kept.add(dept_cell)
    members = [amount_key(p) for p in sorted(dept.projects, key=lambda p: p.file)]
    out.sum_is(dept_cell, f"部门“{dept.name}”的项目支出合计（{dept.file}）", dept_cell, members, PARTNER)
    for index, unit in enumerate(dept.units):
        if unit.total is None or cls.unit_secret(dept, unit.name):
            continue
        members = [amount_key(p) for p in dept.projects if name_key(p.unit or dept.name) == name_key(unit.name)]
        key = out.cell(unit_key(dept, unit.name), f"单位“{unit.name}”的合计", unit.total.yuan, f"{dept.file}: 单位.合计", at=("单位", index, "合计"))
        if any("实施单位" in cls.withheld_fields(p) for p in dept.projects if name_key(p.unit or dept.name) == name_key(unit.name)):
            out.fixed.add(key)  # the 合计 minus the listed projects would tell which project its withheld 实施单位 is
        if unit.total.yuan == sum((out.value(m) for m in members), Decimal(0)):
            out.sum_is(key, f"单位“{unit.name}”的合计（{dept.file}）", key, members, DROP, (key,))
    _tasks(out, dept, dept_cell, total, cls, amounts_withheld)


_SOURCES = (("财政拨款", "fiscal"), ("财政专户拨款", "special"), ("其他资金", "other"))


def _task_sources(out: Relations, dept: Department, i: int, key: str, task: Task, columns: dict[str, list[str]]) -> None:
    """A task's sources of funds, in the block of its amount; with its 金额, 金额 = Σ sources."""
    parts = []
    for name, attr in _SOURCES:
        amount = getattr(task, attr)
        if amount is not None:
            part = out.cell(f"{key}.{name}", f"年度主要任务第{i + 1}项的{name}", amount.yuan,
                            f"{dept.file}: 年度主要任务[{i + 1}].{name}", key, ("年度主要任务", i, name))
            parts.append(part)
            columns[attr].append(part)
    if parts and task.amount is not None and sum((out.value(k) for k in parts), Decimal(0)) == task.amount.yuan:
        out.sum_is(f"来源:{key}", f"年度主要任务第{i + 1}项的金额 = 各资金来源之和（{dept.file}）", key, parts)


def _tasks_total(out: Relations, dept: Department, keys: list[str], columns: dict[str, list[str]]) -> None:
    """The stated 金额合计 row: one block, each of its columns the sum of the tasks' (validated)."""
    stated = dept.tasks_total
    if stated is None:
        return
    block = tasks_total_key(dept)
    where = f"{dept.file}: 金额合计"
    total = out.cell(block, f"部门“{dept.name}”年度主要任务的金额合计", stated.total.yuan, f"{where}.总额", block, ("金额合计", "总额"))
    if sum((out.value(k) for k in keys), Decimal(0)) == stated.total.yuan:
        out.sum_is(f"金额合计=任务:{dept.file}", f"年度主要任务的金额合计（{dept.file}）", total, keys, DROP, (block,))
    for name, attr in _SOURCES:
        amount = getattr(stated, attr)
        if amount is None:
            continue
        cell = out.cell(f"{block}.{name}", f"年度主要任务金额合计的{name}", amount.yuan, f"{where}.{name}", block, ("金额合计", name))
        if sum((out.value(k) for k in columns[attr]), Decimal(0)) == amount.yuan:
            out.sum_is(f"金额合计={name}:{dept.file}", f"年度主要任务金额合计的{name}（{dept.file}）", cell, columns[attr], DROP, (block,))


def _stated_budget(out: Relations, dept: Department, dept_cell: str, kinds: dict[str, list[str]]) -> None:
    """部门预算总额 / 基本支出 / 项目支出 as the source states them: one block, bounding the listed
    projects and the tasks of each kind (equal where they add up, else at most)."""
    block = budget_key(dept)
    stated = {name: out.cell(f"{block}.{name}", f"部门“{dept.name}”写明的{name}", amount.yuan, f"{dept.file}: {name}", block, (name,))
              for name, amount in (("部门预算总额", dept.budget_total), ("基本支出", dept.basic), ("项目支出", dept.project_spending))
              if amount is not None}
    if len(stated) == 3:
        out.sum_is(f"部门预算:{dept.file}", f"部门预算总额 = 基本支出 + 项目支出（{dept.file}）", stated["部门预算总额"],
                   [stated["基本支出"], stated["项目支出"]])
    bounds = [("项目支出", [dept_cell], stated.get("项目支出"))]
    bounds += [(kind, kinds.get(kind, []), stated.get(kind)) for kind in ("基本支出", "项目支出")]
    for n, (name, members, bound) in enumerate(bounds):
        if bound is None or not members:
            continue
        given = sum((out.value(m) for m in members), Decimal(0))
        label = f"部门“{dept.name}”写明的{name}涵盖{'所列项目' if n == 0 else '同类年度主要任务'}（{dept.file}）"
        if given == out.value(bound):
            out.sum_is(f"写明{n}:{dept.file}", label, bound, members, DROP, (block,))
        elif given < out.value(bound):
            out.at_most(f"写明{n}:{dept.file}", label, members, bound, DROP, (block,))


def _tasks(out: Relations, dept: Department, dept_cell: str, total: Decimal, cls: Classification, amounts_withheld: bool) -> None:
    by_file = {p.file: p for p in dept.projects}
    keys = []
    columns: dict[str, list[str]] = defaultdict(list)
    kinds: dict[str, list[str]] = defaultdict(list)
    for i, task in enumerate(dept.tasks):
        linked = by_file.get(cls.task_project(dept, i) or "")
        if task.amount is None:
            _task_sources(out, dept, i, task_key(dept, i), task, columns)
            if linked is not None and amount_key(linked) in out.primary and task_key(dept, i) in out.block_cells():
                out.primary.add(task_key(dept, i))
            continue
        key = out.cell(task_key(dept, i), f"年度主要任务第{i + 1}项的金额", task.amount.yuan, f"{dept.file}: 年度主要任务[{i + 1}].金额",
                       at=("年度主要任务", i, "金额"))
        keys.append(key)
        _task_sources(out, dept, i, key, task, columns)
        if task.kind:
            kinds[task.kind].append(key)
        if linked is not None and amount_key(linked) in out.primary:
            out.primary.add(key)  # a withheld project's task: its amount is withheld by the same rule, in every mode
        elif linked is None and amounts_withheld and cls.task_verdict(dept, i) is not None:
            out.primary.add(key)  # it names another department's secret project: withheld as redact withholds it
        if linked is not None and linked.money.total.yuan == task.amount.yuan:
            out.sum_is(f"任务=项目:{key}", f"年度主要任务第{i + 1}项与项目“{linked.code}”的金额相同（{dept.file}）", key,
                       [amount_key(linked)], DROP, (key, amount_key(linked)))
        elif linked is not None:  # the task of a project whose amount is withheld is withheld with it
            out.tie(f"任务~项目:{key}", f"年度主要任务第{i + 1}项属于项目“{linked.code}”（{dept.file}）", [key, amount_key(linked)], (key,))
    if keys and sum((out.value(k) for k in keys), Decimal(0)) == total:
        out.sum_is(f"任务合计:{dept.file}", f"年度主要任务金额之和等于项目支出合计（{dept.file}）", dept_cell, keys, PARTNER)
    _tasks_total(out, dept, keys, columns)
    _stated_budget(out, dept, dept_cell, kinds)


def _across_years(out: Relations, site: Site) -> None:
    """项目期资金 covers the same project's amounts in every year of its period.

    Σ (the same code's amounts in the site's years) ≤ 项目期资金 always; when the site has every
    year of the period the two are equal, and an attacker who guesses so is right: that is
    recorded as an equality, so 项目期资金 minus this year's amount gives next year's away.
    """
    groups: dict[str, list[Project]] = defaultdict(list)
    for dept in site.departments:
        for project in dept.projects:
            if project.code and code_key(project.code):
                groups[code_key(project.code)].append(project)
    for records in groups.values():
        if len({p.year for p in records}) != len(records):
            continue  # the same code twice in one year: not one project over the years
        amounts = [amount_key(p) for p in sorted(records, key=lambda p: p.year)]
        for record in records:
            if record.period_money is None:
                continue
            bound = period_key(record)
            label = f"{record.file} 的项目期资金涵盖同一项目（编码相同）各年度的金额"
            if out.value(bound) == sum((out.value(a) for a in amounts), Decimal(0)):
                out.sum_is(f"项目期:{record.file}", label, bound, amounts, DROP, (bound,))
            else:
                out.at_most(f"项目期:{record.file}", label, amounts, bound, DROP, (bound,))


def combined_line(out: Relations, dept: Department, hidden: frozenset[str]) -> None:
    """The published 涉密项目合计 line: the sum of the department's hidden project amounts."""
    members = [amount_key(p) for p in sorted(dept.projects, key=lambda p: p.file) if amount_key(p) in hidden]
    if members:
        key = out.cell(combined_key(dept), f"部门“{dept.name}”的涉密项目合计", sum((out.value(m) for m in members), Decimal(0)),
                       f"{dept.file}: 涉密项目合计")
        out.kept.add(key)
        out.sum_is(key, f"部门“{dept.name}”的涉密项目合计（{dept.file}）", key, members)
