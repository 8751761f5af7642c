"""Recovery by subtraction on constructed tables, then end to end through built sites."""

from __future__ import annotations

import re

from decimal import Decimal as D
from pathlib import Path

import pytest

from conftest import run_cli
from gongkai.source.config import Disclosure
from gongkai.disclosure.control import Cell, Table, Total, exposures, protect
from gongkai.errors import ContentError
from gongkai.pipeline import build
from test_redact_kit import DEPARTMENT, dump, every_file_text, paths, project, write_tree


def table(cells: list[tuple[str, int, bool]], totals: list[tuple[str, list[str], bool]]) -> Table:
    return Table("t", tuple(Cell(k, k, D(a), w) for k, a, w in cells),
                 tuple(Total(k, f"{k}合计", tuple(m), s) for k, m, s in totals))


def exposed(t: Table, **kw: object) -> dict[str, bool]:
    return {e.cell.key: e.exact for e in exposures(t, **kw)}  # type: ignore[arg-type]


def test_one_withheld_amount_in_a_published_total_is_recovered_exactly() -> None:
    t = table([("a", 100, True), ("b", 50, False), ("c", 30, False)], [("dept", ["a", "b", "c"], False)])
    assert exposed(t) == {"a": True}
    found = exposures(t)[0]
    assert found.low == found.high == D(100) and "dept合计" in found.describe()


def test_two_withheld_amounts_combined_are_not_recoverable_individually() -> None:
    t = table([("a", 100, True), ("b", 80, True), ("c", 30, False)], [("dept", ["a", "b", "c"], False)])
    assert exposed(t) == {}


def test_a_big_and_a_tiny_withheld_amount_narrow_the_big_one() -> None:
    # a is known to lie in [0, 101]: within 1% of its value from above.
    t = table([("a", 100, True), ("b", 1, True), ("c", 30, False)], [("dept", ["a", "b", "c"], False)])
    assert exposed(t) == {"a": False}
    found = exposures(t)[0]
    assert found.high == D(101) and "之间" in found.describe()


def test_a_unit_total_recovers_what_the_department_total_does_not() -> None:
    t = table([("a", 100, True), ("b", 80, True), ("c", 30, False), ("d", 70, False)],
              [("dept", ["a", "b", "c", "d"], False), ("u1", ["a", "c"], True), ("u2", ["b", "d"], True)])
    assert exposed(t) == {"a": True, "b": True}


def test_linear_algebra_finds_what_no_single_total_shows() -> None:
    # a+b, b+c and a+c are each known: together they give every one of them.
    t = table([("a", 10, True), ("b", 20, True), ("c", 40, True)],
              [("ab", ["a", "b"], True), ("bc", ["b", "c"], True), ("ac", ["a", "c"], True)])
    assert exposed(t) == {"a": True, "b": True, "c": True}


def test_a_total_with_nothing_left_gives_zero_amounts_away() -> None:
    t = table([("a", 0, True), ("b", 0, True), ("c", 30, False)], [("dept", ["a", "b", "c"], False)])
    assert exposed(t) == {"a": True, "b": True}


def test_an_unpublished_total_exposes_nothing() -> None:
    t = table([("a", 100, True), ("c", 30, False)], [("dept", ["a", "c"], True)])
    assert exposed(t, suppressed=frozenset({"dept"})) == {}


def test_suppress_drops_unit_totals_first() -> None:
    t = table([("a", 100, True), ("b", 80, True), ("c", 30, False), ("d", 70, False)],
              [("dept", ["a", "b", "c", "d"], False), ("u1", ["a", "c"], True), ("u2", ["b", "d"], True)])
    plan = protect(t, "suppress")
    assert set(plan.suppressed) == {"u1", "u2"} and plan.secondary == ()
    assert exposures(t, plan.hidden, frozenset(plan.suppressed)) == []


def test_a_single_withheld_amount_is_combined_with_a_published_one() -> None:
    t = table([("a", 100, True), ("b", 50, False), ("c", 5, False), ("d", 500, False)], [("dept", ["a", "b", "c", "d"], False)])
    plan = protect(t, "combine")
    # The smallest published amount big enough to hide a (≥10% of it) is chosen: b, not c.
    assert plan.secondary == ("b",) and plan.hidden == {"a", "b"}
    assert exposures(t, plan.hidden, frozenset(plan.suppressed)) == []


def test_fail_reports_the_exposing_total_and_changes_nothing() -> None:
    t = table([("a", 100, True), ("b", 50, False)], [("dept", ["a", "b"], False)])
    plan = protect(t, "fail")
    assert plan.hidden == {"a"} and plan.secondary == () and [e.cell.key for e in plan.exposures] == ["a"]


def test_a_total_of_withheld_amounts_only_cannot_be_protected() -> None:
    t = table([("a", 100, True)], [("dept", ["a"], False)])
    assert protect(t, "suppress").unprotectable


def test_nothing_withheld_means_nothing_to_do() -> None:
    t = table([("a", 100, False)], [("dept", ["a"], False)])
    assert protect(t, "combine").hidden == frozenset() and exposures(t) == []


# ---- end to end ------------------------------------------------------------------------------

UNITS = DEPARTMENT.replace("  - 单位名称: 测试市委政法委员会本级\n    链接名: bj\n", "  - 单位名称: 测试市委政法委员会本级\n    链接名: bj\n    合计: 3333.33\n")


def subtraction_tree(root: Path) -> Path:
    """One secret project of 1234.56 元 among published ones; the unit states its 合计."""
    return write_tree(root, {"部门.yml": UNITS,
                             "a.yml": dump(project("公开项目甲", "A1", 2098.77)),
                             "s.yml": dump(project("涉密工程", "S1", 1234.56, 涉密=True)),
                             "b.yml": dump(project("公开项目乙", "B1", 9000.0, unit="测试市法学会"))})


def test_fail_mode_stops_the_build_naming_the_total(tmp_path: Path) -> None:
    content = subtraction_tree(tmp_path / "content")
    config = tmp_path / "c.yml"
    config.write_text("disclosure:\n  secret_amounts: withhold\n  subtraction: fail\n", encoding="utf-8")
    result = run_cli("build", "--content", str(content), "--out", str(tmp_path / "site"), "--config", str(config))
    assert result.returncode == 1 and "E033" in result.stderr
    assert "项目支出合计" in result.stderr and "单位“测试市委政法委员会本级”的合计" in result.stderr
    assert "S1" in result.stderr and "涉密工程" not in result.stderr
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("mode", ["combine", "suppress"])
def test_no_published_number_gives_the_withheld_amount_away(tmp_path: Path, mode: str) -> None:
    content = subtraction_tree(tmp_path / "content")
    result = build(paths(tmp_path, content, Disclosure(secret_amounts="withhold", subtraction=mode)))
    text = every_file_text(tmp_path / "site")
    for shown in ("1234.56", "1,234.56", "2098.77", "2,098.77"):
        assert shown not in text, shown  # the secret, and the published amount it was combined with
    assert "9,000.00" in text and "12,333.33" in text  # the public project and the department total stay
    # the page as read: amounts sit in a span that holds them to their unit
    page = re.sub(r"<[^>]+>", "", (tmp_path / "site" / "2025" / "ceshi" / "index.html").read_text(encoding="utf-8"))
    assert "合计 3,333.33" not in page  # the unit total would give the pair away to its published member
    if mode == "combine":
        # Only the pair's sum is published, as the one combined line.
        assert "涉密项目及1个合并列示的项目合计：3,333.33" in page
    else:
        assert "3333.33" not in text and "3,333.33" not in text and "涉密项目合计" not in page
    assert result.redaction is not None
    control = next(c for c in result.redaction.controls if c.plan.hidden)
    assert exposures(control.table, control.plan.hidden, frozenset(control.plan.suppressed)) == []


def test_shown_amounts_need_no_protection(tmp_path: Path) -> None:
    content = subtraction_tree(tmp_path / "content")
    build(paths(tmp_path, content, Disclosure(secret_amounts="show", subtraction="fail")))
    assert "1,234.56" in (tmp_path / "site" / "2025" / "ceshi" / "index.html").read_text(encoding="utf-8")


def test_a_department_of_one_secret_project_cannot_withhold_its_amount(tmp_path: Path) -> None:
    content = write_tree(tmp_path / "content", {"部门.yml": DEPARTMENT, "s.yml": dump(project("唯一涉密工程", "S1", 500.0, 涉密=True))})
    with pytest.raises(ContentError) as caught:
        build(paths(tmp_path, content, Disclosure(secret_amounts="withhold", subtraction="combine")))
    assert "E033" in str(caught.value) and "无法" in str(caught.value)


def test_task_amounts_that_add_up_to_the_total_are_protected_too(tmp_path: Path) -> None:
    # 年度主要任务: the secret project's task, and one task for the rest. Total minus the second
    # task would give the secret amount away, so that task's amount is withheld as well.
    dept = DEPARTMENT + ("年度主要任务:\n  - 任务名称: 涉密任务\n    金额: 1234.56\n    项目编码: S1\n"
                         "  - 任务名称: 其他任务\n    金额: 11098.77\n")
    content = write_tree(tmp_path / "content", {"部门.yml": dept, "a.yml": dump(project("公开项目甲", "A1", 2098.77)),
                                                "s.yml": dump(project("涉密工程", "S1", 1234.56, 涉密=True)),
                                                "b.yml": dump(project("公开项目乙", "B1", 9000.0, unit="测试市法学会"))})
    result = build(paths(tmp_path, content, Disclosure(secret_amounts="withhold", subtraction="suppress")))
    text = every_file_text(tmp_path / "site")
    assert "1234.56" not in text and "1,234.56" not in text and "11,098.77" not in text and "11098.77" not in text
    assert "其他任务" in text and "12,333.33" in text
    assert result.redaction is not None
    control = next(c for c in result.redaction.controls if c.plan.hidden)
    assert "任务:1" in control.plan.hidden
    assert exposures(control.table, control.plan.hidden, frozenset(control.plan.suppressed)) == []
