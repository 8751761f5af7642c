"""The validated content model: exact, typed, and still holding secret content.

Only `redact` may read these objects for publishing; templates receive `public` objects.
Money is Decimal in 元, with the unit the source wrote it in kept for display.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from gongkai.values import UNIT_FACTORS, Amount, PlanPoint  # noqa: F401  (part of the model's vocabulary)

PERIODS: tuple[tuple[str, str], ...] = (("long", "长期"), ("mid", "中期"), ("year", "年度"))


@dataclass(frozen=True)
class Money:
    total: Amount
    fiscal: Amount | None = None  # 财政拨款 / 财政资金
    special: Amount | None = None  # 财政专户拨款
    other: Amount | None = None  # 其他资金
    label: str | None = None  # the form's own name for it, e.g. 中期资金总额


@dataclass(frozen=True)
class ParsedValue:
    """What could be read from free-text 指标值; None fields mean 'not stated'."""

    comparator: str | None  # ≥ ≤ > < =, or ~ for a range (number to number_max)
    number: Decimal | None
    unit: str | None
    number_max: Decimal | None = None  # the upper end of a range (90%-95%, 3至5次)


@dataclass(frozen=True)
class Indicator:
    level1: str
    level3: str
    value: str
    level2: str | None = None
    description: str | None = None
    basis: str | None = None
    standard: str | None = None
    code: str | None = None
    secret: bool = False
    parsed: ParsedValue | None = None
    level1_norm: str | None = None  # the framework's name for level1, when recognised
    level2_norm: str | None = None
    line: int = 0


@dataclass(frozen=True)
class Goal:
    period: str  # long / mid / year
    title: str | None
    text: str | None
    indicators: tuple[Indicator, ...] = ()

    @property
    def period_label(self) -> str:
        return dict(PERIODS)[self.period]


@dataclass(frozen=True)
class Review:
    opinion: str | None
    date: str | None


@dataclass(frozen=True)
class Project:
    name: str
    money: Money
    file: str
    year: int
    department_slug: str
    form: str | None = None  # the kind of form, e.g. 信息化项目支出绩效目标申报表
    code: str | None = None
    slug: str | None = None
    unit: str | None = None
    category: str | None = None
    nature: str | None = None
    attributes: tuple[str, ...] = ()
    period: str | None = None
    basis: str | None = None
    purpose: str | None = None
    period_money: Money | None = None
    plan: tuple[PlanPoint, ...] = ()
    goals: tuple[Goal, ...] = ()
    review: Review | None = None
    source: str | None = None
    secret: bool = False
    secret_fields: tuple[str, ...] = ()
    note: str | None = None
    previous: str | None = None


@dataclass(frozen=True)
class Task:
    name: str
    amount: Amount | None = None
    code: str | None = None
    goal: str | None = None
    indicator_text: str | None = None
    fiscal: Amount | None = None
    special: Amount | None = None
    other: Amount | None = None
    kind: str | None = None  # 基本支出 / 项目支出


@dataclass(frozen=True)
class Unit:
    name: str
    code: str | None = None
    slug: str | None = None
    total: Amount | None = None
    secret: bool = False


@dataclass(frozen=True)
class Department:
    name: str
    year: int
    unit: str
    file: str
    slug: str
    short_name: str | None = None
    form: str | None = None
    code: str | None = None
    level: str | None = None
    region: str | None = None
    source: str | None = None
    goal: str | None = None
    budget_total: Amount | None = None  # stated 部门预算总额, 基本支出, 项目支出: not sums of the projects
    basic: Amount | None = None
    project_spending: Amount | None = None
    tasks: tuple[Task, ...] = ()
    tasks_total: Money | None = None  # the stated 金额合计 row of the task table
    measures: str | None = None
    indicators: tuple[Indicator, ...] = ()
    units: tuple[Unit, ...] = ()
    total: Amount | None = None
    secret: bool = False
    note: str | None = None
    projects: tuple[Project, ...] = ()


@dataclass(frozen=True)
class Site:
    departments: tuple[Department, ...]

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({d.year for d in self.departments}, reverse=True))
