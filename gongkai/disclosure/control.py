"""Withheld amounts that provably cannot be recovered: the attacker's problem, solved.

Statistical disclosure control calls this the audit of a suppressed table (τ-ARGUS, R's
sdcTable). The relations are every published linear relation of the site (relations.py). An
attacker knows every published amount, every relation, that amounts are never negative and
that none exceeds 一万亿元 (E032). For each withheld amount, its minimum and maximum under
those constraints are two linear programs (SciPy's `linprog` with HiGHS). It is protected
when both ends lie at least `protection` % of its value away from it, and when exact rational
elimination does not determine it (HiGHS works in floating point: its ends are compared with
a safety margin that only ever counts against publication).

Which further amounts are hidden (`choose`) reads only the structure — which blocks the rules
withhold, which relations contain them, the order of files and tasks — never an amount. The
choice therefore tells the attacker nothing about any value, and the LP afterwards proves
that the result protects every withheld amount; when it does not, the build stops (E033).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np
from scipy.optimize import linprog

from gongkai.disclosure.relations import DROP, PARTNER, Cell, Relation, Relations
from gongkai.values import yuan_text

PROTECTION = 10  # %: a withheld amount must stay uncertain by this share of its value on both sides
CAP = Fraction(10**12)  # no amount exceeds 一万亿元 (E032); the attacker knows this bound too
_MARGIN = Fraction(1, 10**6)  # of the component's scale: HiGHS tolerances are far smaller


@dataclass(frozen=True)
class Interval:
    """What the attacker can reach for one withheld cell, and the relations that reach it."""

    cell: Cell
    low: Fraction
    high: Fraction | None  # None: only the 一万亿元 bound
    exact: bool
    relations: tuple[Relation, ...]
    protected: bool

    def describe(self) -> str:
        names = "；".join(r.label for r in self.relations) or "已公开的合计"
        if self.exact:
            return f"由{names}可以算出{self.cell.label}（{self.cell.source}）"
        high = yuan_text(Decimal(self.high.numerator) / Decimal(self.high.denominator), grouped=True) if self.high is not None else "不限"
        low = yuan_text(Decimal(self.low.numerator) / Decimal(self.low.denominator), grouped=True)
        return f"由{names}可以把{self.cell.label}（{self.cell.source}）推算到 {low} 至 {high} 元之间"


@dataclass(frozen=True)
class Plan:
    """What to publish: the blocks hidden (by the rules and to protect them) and the proof."""

    hidden: frozenset[str]
    secondary: tuple[str, ...] = ()  # blocks hidden only to protect others, in the order chosen
    intervals: tuple[Interval, ...] = ()  # one per cell of a withheld block
    mode: str = "combine"

    @property
    def exposures(self) -> tuple[Interval, ...]:
        return tuple(i for i in self.intervals if not i.protected)


# ---- which further amounts to hide -------------------------------------------------------------

def choose(relations: Relations, mode: str, partners: int = 1) -> tuple[frozenset[str], tuple[str, ...]]:
    """The blocks to hide: the rules' own, and for "combine"/"suppress" the ones that protect them.

    Reads no amount. A relation of kind DROP that contains a hidden amount loses its aggregate
    (a unit 合计, another year's 项目期资金, a task's amount); in a total that is always published
    (PARTNER: the department's, the tasks' sum) the first withheld member is combined with the
    published members after it, in file (or task) order and wrapping around, until at least
    `partners` + 1 members are hidden.
    """
    hidden = set(relations.primary | relations.fixed)
    if mode == "fail" or not relations.primary:
        return frozenset(hidden), ()
    block = {k: c.block for k, c in relations.cells.items()}
    secondary: list[str] = []
    protecting = set(relations.primary)

    def add(b: str) -> None:
        if b not in hidden and b not in relations.kept:
            hidden.add(b)
            secondary.append(b)
            protecting.add(b)

    changed = True
    while changed:
        before = len(hidden)
        for relation in relations.relations:
            if not any(block[c] in protecting for c in relation.cells):
                continue
            if relation.remedy == DROP:
                for aggregate in relation.aggregates:
                    add(aggregate)
            elif relation.remedy == PARTNER:
                _partners(relation, block, hidden, relations.primary, partners, add)
        changed = len(hidden) != before
    return frozenset(hidden), tuple(secondary)


def _partners(relation: Relation, block: dict[str, str], hidden: set[str], primary: set[str], partners: int, add: Callable[[str], None]) -> None:
    """Hide members after the first hidden one until `partners` + 1 members of the total are hidden."""
    members = list(relation.cells[1:])  # the first term is the total
    withheld = [i for i, m in enumerate(members) if block[m] in primary] or [i for i, m in enumerate(members) if block[m] in hidden]
    if not withheld:
        return
    need = partners + 1 - sum(1 for m in members if block[m] in hidden)
    for step in range(1, len(members)):
        if need <= 0:
            return
        member = members[(withheld[0] + step) % len(members)]
        if block[member] not in hidden:
            add(block[member])
            need -= 1


# ---- the attacker's problem ----------------------------------------------------------------------

@dataclass
class _Row:
    relation: Relation
    coefficients: dict[str, Fraction]  # over hidden cells
    rhs: Fraction
    equal: bool
    published: bool  # some of its cells are published (else it only ties hidden cells to each other)


def _rows(relations: Relations, hidden_cells: set[str]) -> list[_Row]:
    rows = []
    for relation in relations.relations:
        coefficients: dict[str, Fraction] = {}
        rhs = Fraction(0)
        published = False
        for key, coefficient in relation.terms:
            if not coefficient:
                continue
            if key in hidden_cells:
                coefficients[key] = coefficients.get(key, Fraction(0)) + coefficient
            else:
                rhs -= coefficient * Fraction(relations.cells[key].value)
                published = True
        coefficients = {k: v for k, v in coefficients.items() if v}
        if coefficients:
            rows.append(_Row(relation, coefficients, rhs, relation.equal, published))
    return rows


def _components(cells: list[str], rows: list[_Row]) -> list[tuple[list[str], list[_Row]]]:
    parent = {c: c for c in cells}

    def find(c: str) -> str:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    for row in rows:
        keys = list(row.coefficients)
        for other in keys[1:]:
            parent[find(other)] = find(keys[0])
    groups: dict[str, list[str]] = defaultdict(list)
    for c in cells:
        groups[find(c)].append(c)
    by_root: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        by_root[find(next(iter(row.coefficients)))].append(row)
    return [(members, by_root.get(root, [])) for root, members in groups.items()]


def _determined(cells: list[str], rows: list[_Row]) -> set[str]:
    """Cells whose value follows from the equalities alone (exact rational Gauss–Jordan)."""
    index = {k: i for i, k in enumerate(cells)}
    matrix = []
    for row in rows:
        if row.equal:
            line = [Fraction(0)] * len(cells)
            for k, v in row.coefficients.items():
                line[index[k]] = v
            matrix.append(line)
    pivot = 0
    for col in range(len(cells)):
        pick = next((r for r in range(pivot, len(matrix)) if matrix[r][col] != 0), None)
        if pick is None:
            continue
        matrix[pivot], matrix[pick] = matrix[pick], matrix[pivot]
        lead = matrix[pivot][col]
        matrix[pivot] = [v / lead for v in matrix[pivot]]
        for r in range(len(matrix)):
            if r != pivot and matrix[r][col] != 0:
                factor = matrix[r][col]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[pivot])]
        pivot += 1
    # In reduced row echelon form, e_j lies in the row space exactly when some row equals e_j.
    return {cells[nz[0]] for row in matrix[:pivot] if len(nz := [i for i, v in enumerate(row) if v != 0]) == 1}


def _extremes(cells: list[str], rows: list[_Row], target: str, scale: Fraction) -> tuple[Fraction, Fraction | None] | None:
    """min and max of `target` (None when the LP fails: counted as exposed)."""
    index = {k: i for i, k in enumerate(cells)}

    def matrix(selected: list[_Row]) -> tuple[np.ndarray | None, np.ndarray | None]:
        if not selected:
            return None, None
        a = np.zeros((len(selected), len(cells)))
        for r, row in enumerate(selected):
            for k, v in row.coefficients.items():
                a[r, index[k]] = float(v)
        return a, np.array([float(row.rhs / scale) for row in selected])

    a_eq, b_eq = matrix([r for r in rows if r.equal])
    a_ub, b_ub = matrix([r for r in rows if not r.equal])
    bounds = [(0.0, float(CAP / scale))] * len(cells)
    ends = []
    for sign in (1.0, -1.0):
        c = np.zeros(len(cells))
        c[index[target]] = sign
        result = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        if result.status != 0:
            return None
        ends.append(Fraction(sign * result.fun) * scale)
    low, high = max(ends[0], Fraction(0)), ends[1]
    return low, None if high >= CAP * (1 - _MARGIN) else high


def intervals(relations: Relations, hidden: frozenset[str], protection: int = PROTECTION) -> tuple[Interval, ...]:
    """For every cell of a withheld block: the interval the published relations leave the attacker."""
    hidden_cells = {k for k, c in relations.cells.items() if c.block in hidden}
    wanted_set = {k for k, c in relations.cells.items() if c.block in relations.primary}
    rows = _rows(relations, hidden_cells)
    share = Fraction(protection, 100)
    out = []
    for cells, component_rows in _components(sorted(hidden_cells), rows):
        wanted = [c for c in cells if c in wanted_set]
        if not wanted:
            continue
        if not component_rows:  # in no published relation: only the bounds hold
            out += [Interval(relations.cells[c], Fraction(0), None, False, (), True) for c in wanted]
            continue
        exact = _determined(cells, component_rows)
        scale = max([Fraction(1)] + [abs(Fraction(relations.cells[c].value)) for c in cells] + [abs(r.rhs) for r in component_rows])
        same = _aliases(component_rows)
        solved: dict[str, tuple[Fraction, Fraction | None] | None] = {}
        for target in wanted:
            twin = same.get(target, target)
            if twin not in solved:
                solved[twin] = None if twin in exact else _extremes(cells, component_rows, twin, scale)
            out.append(_interval(relations.cells[target], solved[twin], component_rows, target in exact, scale, share))
    order = {k: i for i, k in enumerate(relations.cells)}
    return tuple(sorted(out, key=lambda i: order[i.cell.key]))


def _aliases(rows: list[_Row]) -> dict[str, str]:
    """Cells that a published relation makes equal (a = b: a single 财政拨款 and its 总额, a task and its project).

    Equal cells have the same interval: one pair of LPs serves them all.
    """
    parent: dict[str, str] = {}

    def find(c: str) -> str:
        while parent.get(c, c) != c:
            c = parent[c]
        return c

    for row in rows:
        if row.equal and row.rhs == 0 and len(row.coefficients) == 2:
            (a, u), (b, v) = row.coefficients.items()
            if u == -v:
                ra, rb = find(a), find(b)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
    return {c: find(c) for c in parent}


def _interval(cell: Cell, ends: tuple[Fraction, Fraction | None] | None, rows: list[_Row], exact: bool, scale: Fraction,
              share: Fraction) -> Interval:
    value = Fraction(cell.value)
    used = tuple(dict.fromkeys(r.relation for r in rows if r.published)) or tuple(dict.fromkeys(r.relation for r in rows))
    if exact or ends is None:  # determined, or the LP failed: counted as exposed either way
        return Interval(cell, value, value, True, used, False)
    low, high = ends
    margin = _MARGIN * scale
    narrow = low > value * (1 - share) - margin or (high is not None and high < value * (1 + share) + margin)
    return Interval(cell, low, high, False, used, not narrow)


# ---- amounts written out in published text ---------------------------------------------------------

_MIN_SIGNIFICANT = 5  # shorter numbers (5000, 70) occur in texts by chance; these do not
# Every number of at least five characters a text writes, whole (shorter ones cannot be a form).
_NUMBER = re.compile(r"(?<![\d.,])(?=[\d.,]{5})\d+(?:,\d{3})*(?:\.\d+)?(?!\d)")


def _forms(value: Decimal) -> set[str]:
    """How a text may write an amount of `value` 元: 1234.56, 1,234.56, 1234.5600, 0.123456 (万元)."""
    forms = {f"{value.normalize():f}", yuan_text(value), yuan_text(value, grouped=True), f"{(value / 10000).normalize():f}"}
    return {f for f in forms if len("".join(ch for ch in f if ch.isdigit()).strip("0")) >= _MIN_SIGNIFICANT}


def stated_in_text(texts: list[tuple[str, str]], relations: Relations, hidden: frozenset[str]) -> list[tuple[str, Cell]]:
    """(where, cell) for each published text that writes out a hidden amount: a 成本指标 value, a goal's sentence.

    Hiding the number is of no use when a text states it; such a text is a relation too.
    """
    wanted: dict[str, Cell] = {}
    for cell in relations.cells.values():
        if cell.block in hidden and cell.value > 0:
            for form in _forms(cell.value):
                wanted.setdefault(form, cell)
    if not wanted:
        return []
    found = []
    for where, text in texts:
        for match in _NUMBER.finditer(text):
            stated = wanted.get(match.group(0))
            if stated is not None:
                found.append((where, stated))
    return found
