"""The public model: what may be published, and nothing else.

These types are an allow-list. They have no field that could hold a secret original; `redact`
is the only place that builds them, and templates, search and exports see only these.
Their fields repeat the raw model's (source/model.py) on purpose: a separate allow-list is the
boundary, so the two are never merged into one shared type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from gongkai.values import Amount, PlanPoint


@dataclass(frozen=True)
class PublicMoney:
    total: Amount | None  # None when the disclosure rules withhold the amount
    fiscal: Amount | None = None
    special: Amount | None = None
    other: Amount | None = None
    label: str | None = None  # the form's own name, e.g. 年度资金总额


@dataclass(frozen=True)
class PublicIndicator:
    anchor: str  # stable per row: 指标-<period>-<n>
    level1: str
    level3: str
    value: str
    level2: str | None = None
    description: str | None = None
    basis: str | None = None
    standard: str | None = None
    code: str | None = None
    comparator: str | None = None
    number: Decimal | None = None
    number_unit: str | None = None
    number_max: Decimal | None = None  # the upper end of a range (comparator ~)
    misfiled: bool = False
    withheld: bool = False


@dataclass(frozen=True)
class PublicGoal:
    period: str
    period_label: str
    title: str | None
    text: str | None
    indicators: tuple[PublicIndicator, ...]
    withheld: bool = False


@dataclass(frozen=True)
class PublicProject:
    slug: str
    name: str  # the project name, or for a secret project its public label
    year: int
    department_slug: str
    department_name: str
    unit: str
    money: PublicMoney
    secret: bool = False
    form: str | None = None  # the kind of form, e.g. 信息化项目支出绩效目标申报表
    code: str | None = None
    category: str | None = None
    nature: str | None = None
    attributes: tuple[str, ...] = ()
    period: str | None = None
    basis: str | None = None
    purpose: str | None = None
    period_money: PublicMoney | None = None
    plan: tuple[PlanPoint, ...] = ()
    goals: tuple[PublicGoal, ...] = ()
    review_opinion: str | None = None
    review_date: str | None = None
    source: str | None = None
    note: str | None = None
    withheld_fields: tuple[str, ...] = ()
    wording: str | None = None  # the standard wording shown for what is withheld
    # True when this public project's amount is withheld only so that a secret amount cannot be
    # recovered by subtraction (it is then part of the department's combined line).
    amount_combined: bool = False
    identity: str = ""  # stable id for slugs.json (disclosure.links); "" when the page takes no part in links

    @property
    def path(self) -> str:
        """The page's path below the site root, e.g. 2025/yutian-zfw/13022925p00004610003b/."""
        return f"{self.year}/{self.department_slug}/{self.slug}/"


@dataclass(frozen=True)
class PublicTask:
    name: str
    amount: Amount | None
    code: str | None
    goal: str | None
    indicator_text: str | None
    project_path: str | None
    anchor: str = ""  # the row's id on the department page: 任务-<n>
    fiscal: Amount | None = None  # None when not stated or withheld
    special: Amount | None = None
    other: Amount | None = None
    kind: str | None = None  # 基本支出 / 项目支出


@dataclass(frozen=True)
class PublicUnit:
    name: str
    slug: str
    code: str | None
    total: Amount | None
    projects: tuple[PublicProject, ...]


@dataclass(frozen=True)
class PublicDepartment:
    name: str
    slug: str
    year: int
    unit: str
    units: tuple[PublicUnit, ...]
    projects: tuple[PublicProject, ...]
    total: Amount  # sum of the listed projects' amounts, secret ones included (not a stated 项目支出)
    withheld_total: Amount | None  # the combined amount of projects whose amounts are withheld
    short_name: str | None = None
    form: str | None = None  # e.g. 部门整体支出绩效目标表
    code: str | None = None
    level: str | None = None
    region: str | None = None
    source: str | None = None
    goal: str | None = None
    budget_total: Amount | None = None  # the source's stated 部门预算总额, 基本支出, 项目支出 (None: not stated or suppressed)
    basic: Amount | None = None
    project_spending: Amount | None = None
    tasks: tuple[PublicTask, ...] = ()
    tasks_total: PublicMoney | None = None  # the stated 金额合计 row; a column is None when suppressed
    measures: str | None = None
    indicators: tuple[PublicIndicator, ...] = ()
    note: str | None = None
    withheld_secondary: int = 0  # public projects whose amounts are folded into withheld_total
    identity: str = ""  # stable id for slugs.json (disclosure.links)

    @property
    def path(self) -> str:
        return f"{self.year}/{self.slug}/"

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


@dataclass(frozen=True)
class Withheld:
    """One string the rules withhold, and where it came from (for the audit and the report)."""

    text: str = field(repr=False)  # never printed by accident in a traceback or log
    source: str  # file and field, e.g. content/2023/gz/wwzxjf.yml: 项目名称
    rule: str


@dataclass(frozen=True)
class AuditExemptions:
    """What the leak audit does not search for, decided in disclosure/exemptions.py from the
    source content (never from this public model, which a redaction mistake would corrupt)."""

    # Normalised forms (gongkai.leaks) of withheld texts that a public source field holds whole —
    # a generic indicator name, and every form that text takes — or that the secret record
    # declares public (公开文字).
    forms: tuple[str, ...] = field(default=(), repr=False)
    names: tuple[str, ...] = ()  # public names in the source: the search index publishes their pinyin


@dataclass(frozen=True)
class PublicSite:
    """The published departments, and (for the audit only) the withheld strings.

    Templates never receive a PublicSite: pages.py hands them page contexts built from its
    departments. Exports and the search index read `departments` only.
    """

    departments: tuple[PublicDepartment, ...]
    withheld: tuple[Withheld, ...]
    exempt: AuditExemptions = AuditExemptions()
    # (project path, last year's project path): the links across years the classifier allows —
    # both records public, the same project by its code or 上年项目 (disclosure.classify).
    predecessors: tuple[tuple[str, str], ...] = ()

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({d.year for d in self.departments}, reverse=True))

    @property
    def projects(self) -> tuple[PublicProject, ...]:
        return tuple(p for d in self.departments for p in d.projects)

    @cached_property
    def _predecessors(self) -> dict[str, str]:
        return dict(self.predecessors)

    @cached_property
    def _by_path(self) -> dict[str, tuple[PublicProject, PublicDepartment]]:
        return {p.path: (p, d) for d in self.departments for p in d.projects}

    def predecessor(self, project: PublicProject) -> tuple[PublicProject, PublicDepartment] | None:
        """Last year's public record of this project (and its department), when the classifier links them."""
        path = self._predecessors.get(project.path)
        return self._by_path.get(path) if path else None
