"""The forms' own structure on the page (issue 13): a department's stated amounts beside the sum
of its listed projects, and a two-period form (中期/长期 + 年度) laid out side by side.

Built from the public model only, like every page context; templates/forms.html shows them.
"""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.public import PublicDepartment, PublicGoal, PublicIndicator, PublicMoney, PublicProject
from gongkai.values import Amount


@dataclass(frozen=True)
class PeriodRow:
    """One indicator of a two-period form: the row of each period, matched by 三级指标."""

    level1: str
    level2: str | None
    level3: str
    first: PublicIndicator | None  # the 长期/中期 row; None when only 年度 has it
    second: PublicIndicator | None  # the 年度 row; None when only the longer period has it


@dataclass(frozen=True)
class PeriodTable:
    """A form with two periods (中期+年度, 长期+年度) laid out side by side, as the source does."""

    first: PublicGoal  # 长期 or 中期
    second: PublicGoal  # 年度
    rows: tuple[PeriodRow, ...]
    first_money: PublicMoney | None  # 项目期资金 (e.g. 中期资金总额), beside
    second_money: PublicMoney  # the year's money (e.g. 年度资金总额)
    details: tuple[tuple[str, str], ...] = ()  # (field, label) of the row fields some row has: a column pair each


_DETAILS = (("code", "分类编码"), ("description", "绩效指标描述"), ("basis", "指标值确定依据"), ("standard", "绩效标准"))


@dataclass(frozen=True)
class StatedBudget:
    """The department's amounts as its source states them, beside the sum of the listed projects."""

    listed_total: Amount  # sum of the projects that have pages here (secret ones included)
    listed_count: int
    project_spending: Amount | None  # the stated 项目支出
    unlisted: Amount | None  # stated 项目支出 minus the listed projects, when it differs


def stated_budget(dept: PublicDepartment) -> StatedBudget:
    spending = dept.project_spending
    unlisted = None
    if spending is not None and spending.yuan != dept.total.yuan:
        unlisted = Amount(spending.yuan - dept.total.yuan, dept.unit)
    return StatedBudget(dept.total, len(dept.projects), spending, unlisted)


def _level3_key(row: PublicIndicator) -> str:
    return "".join(row.level3.split())


def period_rows(first: tuple[PublicIndicator, ...], second: tuple[PublicIndicator, ...]) -> tuple[PeriodRow, ...]:
    """The rows of two periods merged: the longer period's order, each 年度 row beside the row
    with the same 三级指标, and a 年度 row that matches none placed after the row before it."""
    unmatched = {i: r for i, r in enumerate(first)}
    pairs: list[list[PublicIndicator | None]] = [[r, None] for r in first]
    cursor = -1
    for row in second:
        match = next((i for i, r in unmatched.items() if _level3_key(r) == _level3_key(row)), None)
        if match is not None:
            del unmatched[match]
            pairs[match][1] = row
            cursor = match
            continue
        cursor += 1
        pairs.insert(cursor, [None, row])
        unmatched = {(i + 1 if i >= cursor else i): r for i, r in unmatched.items()}
    out = []
    for a, b in pairs:
        either = a or b
        assert either is not None
        row = either
        out.append(PeriodRow(row.level1, row.level2, row.level3, a, b))
    return tuple(out)


def period_table(project: PublicProject) -> PeriodTable | None:
    """Side by side when the form has a 年度 period and one longer period, both published."""
    by_period = {g.period: g for g in project.goals}
    second = by_period.get("year")
    longer = [g for g in project.goals if g.period in ("long", "mid")]
    if project.secret or second is None or len(longer) != 1:
        return None
    first = longer[0]
    if first.withheld or second.withheld or not (first.indicators or second.indicators):
        return None
    rows = first.indicators + second.indicators
    details = tuple((name, label) for name, label in _DETAILS if any(getattr(r, name) for r in rows))
    return PeriodTable(first, second, period_rows(first.indicators, second.indicators), project.period_money, project.money, details)
