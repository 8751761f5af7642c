"""Recovery by subtraction: which withheld amounts can be computed from published totals.

Statistical disclosure control calls this the audit of a suppressed table (τ-ARGUS, R's
sdcTable). A table here is a set of cells (project amounts, some withheld) and published
totals (the department's 项目支出合计, each unit's 合计, the combined 涉密项目合计 line). An
attacker knows every published cell and total and that amounts are never negative.

- A withheld amount is *exactly* recoverable when its unit vector lies in the row space of
  the published totals restricted to the withheld cells (Gaussian elimination over exact
  fractions), or when a total leaves nothing for its withheld cells (all are then 0).
- It is *narrowed* when the interval the totals allow (found by bound propagation over the
  sums, all cells ≥ 0) does not reach PROTECTION below and above the true value — the
  τ-ARGUS protection interval. One big and one tiny withheld amount in one total is the
  usual case: the big one is then known to within the tiny one.

`protect` then applies the configured remedy: suppress the totals that expose a cell where
the table allows it, and otherwise withhold further cells (secondary or complementary
suppression: the smallest published amount large enough to hide the exposed one), until
no withheld amount is exposed. `fail` reports the exposures instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from gongkai.values import yuan_text

# A withheld amount must stay uncertain by at least this share of its value on both sides.
PROTECTION = Decimal("0.10")
_MAX_ROUNDS = 100  # bound propagation converges far sooner on budget tables; this stops cycles


@dataclass(frozen=True)
class Cell:
    key: str  # stable identity, e.g. the project's content file
    label: str  # how messages name it (its public label, never a secret name)
    amount: Decimal  # in 元
    withheld: bool = False  # primary suppression: the rules withhold this amount


@dataclass(frozen=True)
class Total:
    key: str
    label: str  # how messages name it, e.g. 部门“…”项目支出合计
    members: tuple[str, ...]  # cell keys
    suppressible: bool = True  # False for a total that must be published (the department's)


@dataclass(frozen=True)
class Table:
    name: str
    cells: tuple[Cell, ...]
    totals: tuple[Total, ...]

    def cell(self, key: str) -> Cell:
        return next(c for c in self.cells if c.key == key)


@dataclass(frozen=True)
class Exposure:
    cell: Cell
    low: Decimal
    high: Decimal
    exact: bool
    totals: tuple[Total, ...]  # the published totals that contain the cell

    def describe(self) -> str:
        names = "、".join(t.label for t in self.totals) or "已公开的合计"
        if self.exact:
            return f"由{names}减去已公开的金额，可以算出“{self.cell.label}”的金额"
        return f"由{names}可以把“{self.cell.label}”的金额推算到 {yuan_text(self.low, grouped=True)} 至 {yuan_text(self.high, grouped=True)} 元之间"


@dataclass(frozen=True)
class Plan:
    """What to publish: the cells withheld (primary and secondary) and the totals suppressed."""

    hidden: frozenset[str]
    secondary: tuple[str, ...] = ()  # cells withheld only to protect others, in the order chosen
    suppressed: tuple[str, ...] = ()  # total keys not published
    exposures: tuple[Exposure, ...] = ()  # what remains exposed (only non-empty for mode "fail")
    unprotectable: tuple[Exposure, ...] = ()  # exposed even with every allowed suppression


def _residuals(table: Table, hidden: frozenset[str], published: list[Total]) -> list[tuple[Total, list[str], Decimal]]:
    """Each published total as (total, its hidden members, what they add up to)."""
    amounts = {c.key: c.amount for c in table.cells}
    out = []
    for total in published:
        members = [k for k in total.members if k in hidden]
        if members:
            out.append((total, members, sum((amounts[k] for k in members), Decimal(0))))
    return out


def _exactly_determined(hidden: list[str], rows: list[tuple[Total, list[str], Decimal]]) -> set[str]:
    """Hidden cells whose value follows from the totals by linear algebra alone."""
    index = {k: i for i, k in enumerate(hidden)}
    matrix = []
    for _, members, _ in rows:
        row = [Fraction(0)] * len(hidden)
        for k in members:
            row[index[k]] = Fraction(1)
        matrix.append(row)
    pivot_row = 0
    for col in range(len(hidden)):
        pick = next((r for r in range(pivot_row, len(matrix)) if matrix[r][col] != 0), None)
        if pick is None:
            continue
        matrix[pivot_row], matrix[pick] = matrix[pick], matrix[pivot_row]
        lead = matrix[pivot_row][col]
        matrix[pivot_row] = [v / lead for v in matrix[pivot_row]]
        for r in range(len(matrix)):
            if r != pivot_row and matrix[r][col] != 0:
                factor = matrix[r][col]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[pivot_row])]
        pivot_row += 1
    # In reduced row echelon form, e_j is in the row space exactly when some row equals e_j.
    exact = set()
    for row in matrix[:pivot_row]:
        nonzero = [i for i, v in enumerate(row) if v != 0]
        if len(nonzero) == 1:
            exact.add(hidden[nonzero[0]])
    return exact


def _bounds(hidden: list[str], rows: list[tuple[Total, list[str], Decimal]]) -> dict[str, tuple[Decimal, Decimal | None]]:
    """The interval each hidden cell can take given the totals and non-negativity (None: unbounded).

    Bound propagation: in a total with residual r, a cell is at most r minus the others' lower
    bounds and at least r minus the others' upper bounds. Repeated until nothing tightens.
    """
    low: dict[str, Decimal] = {k: Decimal(0) for k in hidden}
    high: dict[str, Decimal | None] = {k: None for k in hidden}
    for _ in range(_MAX_ROUNDS):
        changed = False
        for _, members, residual in rows:
            for k in members:
                others = [j for j in members if j != k]
                upper = residual - sum((low[j] for j in others), Decimal(0))
                if high[k] is None or upper < high[k]:  # type: ignore[operator]
                    high[k], changed = upper, True
                known = [high[j] for j in others]
                if all(h is not None for h in known):
                    lower = residual - sum((h for h in known if h is not None), Decimal(0))
                    if lower > low[k]:
                        low[k], changed = lower, True
        if not changed:
            break
    return {k: (low[k], high[k]) for k in hidden}


def exposures(table: Table, hidden: frozenset[str] | None = None, suppressed: frozenset[str] = frozenset(),
              protection: Decimal = PROTECTION) -> list[Exposure]:
    """Every withheld cell that the published totals recover exactly or narrow too far."""
    hidden = frozenset(c.key for c in table.cells if c.withheld) if hidden is None else hidden
    published = [t for t in table.totals if t.key not in suppressed]
    rows = _residuals(table, hidden, published)
    ordered = [c.key for c in table.cells if c.key in hidden]
    exact = _exactly_determined(ordered, rows)
    for _, members, residual in rows:
        if residual == 0:
            exact.update(members)
    bounds = _bounds(ordered, rows)
    found = []
    for cell in table.cells:
        if cell.key not in hidden:
            continue
        low, high = bounds[cell.key]
        in_totals = tuple(t for t, members, _ in rows if cell.key in members)
        is_exact = cell.key in exact or (high is not None and high == low)
        if high is not None and is_exact:
            low = high = cell.amount
        narrow = high is not None and (low > cell.amount * (1 - protection) or high < cell.amount * (1 + protection))
        if in_totals and (is_exact or narrow):
            found.append(Exposure(cell, low, high if high is not None else Decimal(0), is_exact, in_totals))
    return found


@dataclass
class _State:
    hidden: set[str]
    secondary: list[str] = field(default_factory=list)
    suppressed: list[str] = field(default_factory=list)


def protect(table: Table, mode: str, protection: Decimal = PROTECTION) -> Plan:
    """The publication plan for `mode`: suppress (totals, then further cells), or fail (report only).

    "combine" is "suppress" plus a published combined line; the line adds nothing an attacker
    could not compute from the department total, so the same protection applies to both.
    """
    primary = frozenset(c.key for c in table.cells if c.withheld)
    if not primary:
        return Plan(hidden=primary)
    if mode == "fail":
        return Plan(hidden=primary, exposures=tuple(exposures(table, primary, protection=protection)))
    state = _State(hidden=set(primary))
    for _ in range(len(table.cells) + len(table.totals) + 1):
        found = exposures(table, frozenset(state.hidden), frozenset(state.suppressed), protection)
        if not found:
            break
        if not (_suppress_a_total(found, state) or _withhold_another_cell(table, found, state, protection)):
            return Plan(frozenset(state.hidden), tuple(state.secondary), tuple(state.suppressed), unprotectable=tuple(found))
    return Plan(frozenset(state.hidden), tuple(state.secondary), tuple(state.suppressed))


def _suppress_a_total(found: list[Exposure], state: _State) -> bool:
    """Drop the smallest suppressible total that exposes a cell (a unit 合计, say)."""
    for exposure in found:
        for total in sorted(exposure.totals, key=lambda t: len(t.members)):
            if total.suppressible and total.key not in state.suppressed:
                state.suppressed.append(total.key)
                return True
    return False


def _withhold_another_cell(table: Table, found: list[Exposure], state: _State, protection: Decimal) -> bool:
    """Secondary suppression: hide one more published cell in the exposing total, big enough to cover."""
    exposure = found[0]
    for total in sorted(exposure.totals, key=lambda t: len(t.members)):
        candidates = [table.cell(k) for k in total.members if k not in state.hidden]
        if not candidates:
            continue
        need = exposure.cell.amount * protection
        large_enough = sorted((c for c in candidates if c.amount >= need), key=lambda c: (c.amount, c.key))
        choice = large_enough[0] if large_enough else max(candidates, key=lambda c: (c.amount, c.key))
        state.hidden.add(choice.key)
        state.secondary.append(choice.key)
        return True
    return False
