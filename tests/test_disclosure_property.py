"""Property: over random departments and years with withheld amounts, every withheld amount's
interval, as an independent attacker computes it from the published department.json files,
keeps ±10 % — or the build stops with E033 and advises no publication."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from attacker import assert_protected, departments
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from test_redact_kit import dump, paths, project, write_tree

from gongkai.errors import ContentError
from gongkai.pipeline import AuditFailed, build
from gongkai.source.config import Disclosure

EXAMPLES = int(os.environ.get("GONGKAI_PROPERTY_EXAMPLES", "25"))
PHASES = tuple(Phase) if os.environ.get("GONGKAI_PROPERTY_SHRINK") else (Phase.explicit, Phase.reuse, Phase.generate)
UNITS = ("本级", "法学会")


def _department(year: int, totals: dict[str, int], twice: bool, tasks: list[tuple[str, int]], secret: bool = False) -> str:
    lines = ["部门名称: 测试市委政法委员会", "链接名: ceshi", f"年度: {year}", "金额单位: 元"] + (["涉密: true"] if secret else []) + ["单位:"]
    for name in UNITS:
        lines.append(f"  - 单位名称: {name}")
        if name in totals:
            lines.append(f"    合计: {totals[name]}")
    lines += ["  - 单位名称: 保密中心", "    涉密: true"]
    if twice:
        lines += ["  - 单位名称: 法学会", "    涉密: true"]
    if tasks:
        lines.append("年度主要任务:")
        for code, amount in tasks:
            lines += [f"  - 任务名称: 任务{code}", f"    金额: {amount}", f"    项目编码: {code}"]
    return "\n".join(lines) + "\n"


@st.composite
def sites(draw: st.DrawFn) -> tuple[dict[int, dict[str, str]], dict[tuple[int, str], int], Disclosure, bool, set[str], int]:
    years = draw(st.integers(2, 3))
    codes = [f"C{i}" for i in range(draw(st.integers(2, 6)))]
    twice = draw(st.booleans())
    secret_year = draw(st.sampled_from([0, 0, 2023 + years - 1]))  # sometimes the whole department is secret in the last year
    amounts: dict[tuple[int, str], int] = {}
    trees: dict[int, dict[str, str]] = {}
    plan = {c: draw(st.booleans()) for c in codes}  # this code states 项目期资金 over the whole site
    rows = {}
    summing: set[str] = set()  # departments whose task amounts add up to the total
    for year in range(2023, 2023 + years):
        present = [c for c in codes if draw(st.booleans()) or c == codes[0]]
        for code in present:
            # With 法学会 listed twice its secret projects form the 涉密单位 group the attacker matches to its 合计.
            units = UNITS if twice else UNITS + ("保密中心",)
            rows[(year, code)] = (draw(st.integers(1, 500_000)), draw(st.sampled_from(units)), draw(st.integers(0, 4)) == 0)
    for (year, code), (amount, _, _) in rows.items():
        amounts[(year, code)] = amount
    for year in range(2023, 2023 + years):
        files: dict[str, str] = {}
        totals: dict[str, int] = {}
        tasks = []
        for (y, code), (amount, unit, secret) in sorted(rows.items()):
            if y != year:
                continue
            fields: dict[str, object] = {}
            if plan[code]:
                whole = sum(a for (yy, cc), a in amounts.items() if cc == code)
                fields["项目期资金"] = {"总额": whole + draw(st.sampled_from([0, 0, 1000]))}
            if secret:
                fields["涉密"] = True
            files[f"{code.lower()}.yml"] = dump(project(f"项目{code}年{year}", code, float(amount), unit=unit, **fields))
            if draw(st.integers(0, 2)) == 0:
                tasks.append((code, amount))
        for name in UNITS:
            if draw(st.booleans()):
                totals[name] = sum(a for (y, c), (a, u, _) in rows.items() if y == year and u == name)
        if tasks and sum(a for _, a in tasks) != sum(a for (y, _), (a, _, _) in rows.items() if y == year):
            tasks = tasks if draw(st.booleans()) else []
        if tasks and sum(a for _, a in tasks) == sum(a for (y, _), (a, _, _) in rows.items() if y == year):
            summing.add(f"{year}/ceshi/")
        files["部门.yml"] = _department(year, totals, twice, tasks, year == secret_year)
        trees[year] = files
    rules = Disclosure(secret_amounts="withhold", subtraction=draw(st.sampled_from(["combine", "suppress"])), partners=draw(st.integers(1, 2)))
    return trees, amounts, rules, twice, summing, secret_year


@settings(max_examples=EXAMPLES, deadline=None, phases=PHASES, derandomize=not os.environ.get("GONGKAI_PROPERTY_RANDOM"), database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(sites())
def test_every_withheld_amount_keeps_its_protection_interval(
        example: tuple[dict[int, dict[str, str]], dict[tuple[int, str], int], Disclosure, bool, set[str], int]) -> None:
    trees, amounts, rules, twice, summing, secret_year = example
    with tempfile.TemporaryDirectory(prefix="gongkai-amounts-") as tmp:
        root = Path(tmp)
        for year, files in trees.items():
            write_tree(root / "content", dict(files), year=str(year))
        try:
            build(paths(root, root / "content", rules))
        except AuditFailed:
            # A secret department's codes also used in public years: the text audit refuses (the classifier's
            # concern, not the amounts'); nothing is published either way.
            assert not (root / "site").exists()
            return
        except ContentError as error:
            message = str(error)
            assert "E033" in message and "secret_amounts" not in message, message
            assert not (root / "site").exists()
            return
        secrets = {}
        for dept in departments(root / "site"):
            for p in dept["projects"]:
                if p["money"]["total"] is None and p["secret"]:
                    secrets[f"amt:{p['path']}"] = float(amounts[(dept["year"], p["code"])])
        # A secret department's year is not listed: its amounts are what 项目期资金 minus the listed years would leave.
        missing = {code: f"missing:{code}" for (year, code) in amounts if year == secret_year}
        secrets |= {f"missing:{code}": float(amounts[(secret_year, code)]) for code in missing}
        assert_protected(root / "site", secrets, secret_group_unit="法学会" if twice else "", tasks_sum=summing, missing=missing)
