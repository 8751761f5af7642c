"""The attacker of withheld amounts, written independently of gongkai.disclosure.control.

It reads only what a built site publishes (every department.json under the output folder, and
every output file's text for the amount written out),
writes down the arithmetic a careful reader knows (department and unit totals, the combined
line, 资金 sources, task amounts, 项目期资金 over the years of the same project code), and
solves its own linear programs with SciPy for the smallest and largest value a withheld
amount can take.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.optimize import linprog  # type: ignore[import-untyped]

from test_redact_kit import output_texts

CAP = 1e12


@dataclass
class Attack:
    variables: dict[str, int] = field(default_factory=dict)
    equalities: list[tuple[dict[str, float], float]] = field(default_factory=list)  # Σ coef·var = rhs

    def var(self, name: str) -> str:
        self.variables.setdefault(name, len(self.variables))
        return name

    def equal(self, terms: dict[str, float], rhs: float) -> None:
        if terms:
            self.equalities.append((terms, rhs))

    def interval(self, name: str) -> tuple[float, float]:
        n = len(self.variables)
        a = np.zeros((len(self.equalities), n))
        b = np.zeros(len(self.equalities))
        for r, (terms, rhs) in enumerate(self.equalities):
            for k, v in terms.items():
                a[r, self.variables[k]] += v
            b[r] = rhs
        ends = []
        for sign in (1.0, -1.0):
            c = np.zeros(n)
            c[self.variables[name]] = sign
            result = linprog(c, A_eq=a if len(b) else None, b_eq=b if len(b) else None, bounds=[(0, CAP)] * n, method="highs")
            assert result.status == 0, result.message
            ends.append(sign * result.fun)
        return ends[0], ends[1]


def _yuan(amount: dict | None) -> float | None:
    return None if amount is None else float(amount["元"])


def _fold(code: str) -> str:
    """How a reader matches codes across years: width, case, spaces and separators ignored."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", code).upper() if ch.isalnum())


def departments(site: Path) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(site.rglob("department.json"))]


def attack(site: Path, unlisted: bool = False, tasks_sum: bool | set[str] = True, secret_group_unit: str = "",
           missing: dict[str, str] | None = None) -> Attack:
    """The attacker's equations from the published department.json files.

    tasks_sum: the 年度主要任务 amounts add up to the department total (True: everywhere; or the department paths where they do).
    unlisted: secret projects may be left out of the lists (secret_label hidden): a slack per department.
    missing: code → variable for the amount of a year the site does not list (a secret department's year).
    secret_group_unit: the attacker guesses that this unit's 合计 also covers the 涉密单位 group (a unit listed twice).
    """
    out = Attack()
    by_code: dict[str, list[dict]] = {}
    for dept in departments(site):
        amounts: dict[str, float] = {}
        hidden: list[str] = []
        for project in dept["projects"]:
            path = project["path"]
            total = _yuan(project["money"]["total"])
            if total is None:
                hidden.append(out.var(f"amt:{path}"))
                parts = [_yuan(project["money"][k]) for k in ("fiscal", "special", "other")]
                if any(p is not None for p in parts):
                    out.equal({f"amt:{path}": 1.0}, sum(p for p in parts if p is not None))
            else:
                amounts[path] = total
            if project["code"]:
                by_code.setdefault(_fold(project["code"]), []).append(project)
        terms = {h: -1.0 for h in hidden}
        if unlisted:
            terms[out.var(f"unlisted:{dept['path']}")] = -1.0
        total = _yuan(dept["total"])
        assert total is not None
        out.equal(terms, sum(amounts.values()) - total)
        if dept["withheld_total"] is not None:
            out.equal({h: 1.0 for h in hidden} | ({f"unlisted:{dept['path']}": 1.0} if unlisted else {}), _yuan(dept["withheld_total"]))  # type: ignore[arg-type]
        group = [p for u in dept["units"] if u["name"] in ("涉密单位", "实施单位不公开") for p in u["projects"]]
        for unit in dept["units"]:
            if unit["total"] is None:
                continue
            members = list(unit["projects"]) + (group if unit["name"] == secret_group_unit else [])
            out.equal({f"amt:{p}": 1.0 for p in members if p not in amounts}, _yuan(unit["total"]) - sum(amounts[p] for p in members if p in amounts))  # type: ignore[operator]
        _tasks(out, dept, amounts, tasks_sum if isinstance(tasks_sum, bool) else dept["path"] in tasks_sum)
    _periods(out, by_code, {_fold(c): v for c, v in (missing or {}).items()})
    return out


def _tasks(out: Attack, dept: dict, amounts: dict[str, float], tasks_sum: bool) -> None:
    if not dept["tasks"]:
        return
    terms: dict[str, float] = {}
    known = 0.0
    for i, task in enumerate(dept["tasks"]):
        amount = _yuan(task["amount"])
        path = task.get("project_path")
        if amount is None:
            terms[out.var(f"task:{dept['path']}:{i}")] = 1.0
            if path and path not in amounts:
                out.equal({f"task:{dept['path']}:{i}": 1.0, out.var(f"amt:{path}"): -1.0}, 0.0)
        else:
            known += amount
            if path and path not in amounts:
                out.equal({out.var(f"amt:{path}"): 1.0}, amount)  # the task states its project's amount
    if tasks_sum:
        out.equal(terms, _yuan(dept["total"]) - known)  # type: ignore[operator]


def _periods(out: Attack, by_code: dict[str, list[dict]], missing: dict[str, str]) -> None:
    """项目期资金 = the same code's amounts over the years (those listed, and any `missing` year)."""
    for code, records in by_code.items():
        if len({r["year"] for r in records}) != len(records):
            continue
        for record in records:
            period = record["period_money"]
            if period is None or _yuan(period["total"]) is None:
                continue
            terms: dict[str, float] = {out.var(missing[code]): 1.0} if code in missing else {}
            known = 0.0
            for other in records:
                value = _yuan(other["money"]["total"])
                if value is None:
                    terms[out.var(f"amt:{other['path']}")] = 1.0
                else:
                    known += value
            out.equal(terms, _yuan(period["total"]) - known)  # type: ignore[operator]


def written_anywhere(site: Path, value: float) -> list[str]:
    """Files whose text (HTML, CSV, JSON, XLSX, feeds, search index) writes `value` 元 out as a whole number."""
    forms = {f"{value:.2f}", f"{value:,.2f}"}
    if len(f"{value:.2f}".replace(".", "").strip("0")) < 5:
        return []  # short numbers occur by chance
    pattern = re.compile(r"(?<![\d.,])(" + "|".join(re.escape(f) for f in forms) + r")(?!\d)")
    return [label for label, text in output_texts(site) if pattern.search(text)]


def assert_protected(site: Path, secrets: dict[str, float], protection: float = 0.10, **options: object) -> dict[str, tuple[float, float]]:
    """Every withheld amount (variable name → true value) keeps ±protection under the attacker's LP,
    and no output file writes it out."""
    for name, value in secrets.items():
        assert written_anywhere(site, value) == [], (name, value)
    attacker = attack(site, **options)  # type: ignore[arg-type]
    found = {}
    for name, value in secrets.items():
        low, high = attacker.interval(attacker.var(name))
        found[name] = (low, high)
        assert low <= value * (1 - protection) + 1e-6 and high >= value * (1 + protection) - 1e-6, (name, value, low, high)
    return found
