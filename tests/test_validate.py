"""Stage validate: the strict schema, sums, plans, uniqueness — every problem located."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from contentkit import DEPARTMENT, PROJECT, minimal, write_tree
from gongkai.errors import ContentError
from gongkai.source.load import load_tree
from gongkai.source.validate import build_site


def validate(root: Path):
    return build_site(load_tree(root), root)


def codes(root: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        validate(root)
    return [f"{p.code}@{p.file.rsplit('/', 1)[-1]}:{p.line}" for p in caught.value.problems if not p.is_warning]


def test_minimal_tree_is_valid_and_money_is_exact(tmp_path: Path) -> None:
    site, warnings = validate(minimal(tmp_path))
    project = site.departments[0].projects[0]
    assert project.money.total.yuan == Decimal("1000.00") and project.slug == "t0001"
    assert project.goals[0].indicators[0].parsed.comparator == "≥"
    assert warnings == []


def test_wan_yuan_amounts_are_stored_in_yuan(tmp_path: Path) -> None:
    site, _ = validate(minimal(tmp_path, PROJECT.replace("实施单位", "金额单位: 万元\n实施单位").replace("1000.00", "3505.90")))
    assert site.departments[0].projects[0].money.total.yuan == Decimal("35059000.00")


def test_misspelled_key_gets_a_did_you_mean(tmp_path: Path) -> None:
    minimal(tmp_path, PROJECT.replace("项目编码", "项目编玛"))
    with pytest.raises(ContentError) as caught:
        validate(tmp_path)
    problem = caught.value.problems[0]
    assert problem.code == "E010" and problem.line == 3 and "项目编码" in problem.fix


@pytest.mark.parametrize("marker", ["涉密: 是", "涉密: \"true\"", "涉密: yes", "涉密: 1", "涉秘: true"])
def test_ambiguous_secret_markers_stop_the_build(tmp_path: Path, marker: str) -> None:
    minimal(tmp_path, PROJECT + marker + "\n")
    assert codes(tmp_path)[0].split("@")[0] in ("E014", "E010")


def test_sources_of_money_must_add_up(tmp_path: Path) -> None:
    minimal(tmp_path, PROJECT.replace("财政拨款: 1000.00", "财政拨款: 900.00"))
    assert codes(tmp_path) == ["E020@t0001.yml:6"]


def test_stated_totals_must_match_their_rows(tmp_path: Path) -> None:
    minimal(tmp_path, department=DEPARTMENT + "合计: 999\n")
    assert codes(tmp_path) == ["E021@部门.yml:9"]


def test_spending_plan_must_rise_and_end_at_100(tmp_path: Path) -> None:
    minimal(tmp_path, PROJECT.replace("6月底: 50%", "3月底: 60%\n  6月底: 50%").replace("12月底: 100%", "12月底: 90%"))
    assert codes(tmp_path) == ["E022@t0001.yml:10", "E023@t0001.yml:11"]


def test_amount_written_with_wan_is_refused_with_a_fix(tmp_path: Path) -> None:
    minimal(tmp_path, PROJECT.replace("总额: 1000.00", "总额: 60万").replace("  财政拨款: 1000.00\n", ""))
    with pytest.raises(ContentError) as caught:
        validate(tmp_path)
    problem = caught.value.problems[0]
    assert problem.code == "E013" and problem.value == "60万" and "金额单位" in problem.fix


def test_missing_required_and_wrong_types(tmp_path: Path) -> None:
    minimal(tmp_path, "项目名称: [a, b]\n")
    assert codes(tmp_path) == ["E011@t0001.yml:1", "E012@t0001.yml:1"]  # sorted by line and column


def test_duplicate_codes_and_urls(tmp_path: Path) -> None:
    write_tree(tmp_path, {"部门.yml": DEPARTMENT, "a.yml": PROJECT, "b.yml": PROJECT})
    found = codes(tmp_path)
    assert "E024@b.yml:3" in found and "E025@b.yml:2" in found


def test_unit_must_exist(tmp_path: Path) -> None:
    minimal(tmp_path, PROJECT.replace("实施单位: 测试县委政法委员会本级", "实施单位: 测试县委政法委员会"))
    # the department's own name is always a valid unit
    validate(tmp_path)
    minimal(tmp_path, PROJECT.replace("实施单位: 测试县委政法委员会本级", "实施单位: 别的单位"))
    assert codes(tmp_path) == ["E026@t0001.yml:4"]


def test_year_must_match_folder_and_department_file_must_exist(tmp_path: Path) -> None:
    write_tree(tmp_path, {"部门.yml": DEPARTMENT.replace("2025", "2024"), "t.yml": PROJECT})
    assert codes(tmp_path)[0].startswith("E027@部门.yml:5")
    other = tmp_path / "other"
    write_tree(other, {"t.yml": PROJECT})
    assert codes(other)[0].startswith("E028")


def test_misfiled_indicator_is_a_warning_not_an_error(tmp_path: Path) -> None:
    minimal(tmp_path, PROJECT.replace("二级指标: 数量指标", "二级指标: 成本指标").replace("三级指标: 完成次数", "三级指标: 社会稳定水平"))
    _, warnings = validate(tmp_path)
    assert [w.code for w in warnings] == ["W101"]


def test_indicator_values_are_kept_verbatim(tmp_path: Path) -> None:
    minimal(tmp_path, PROJECT.replace("指标值: ≥2次", "指标值: 明显提升"))
    site, _ = validate(tmp_path)
    row = site.departments[0].projects[0].goals[0].indicators[0]
    assert row.value == "明显提升" and row.parsed is None


def _secret_without_code() -> str:
    return PROJECT.replace("项目名称: 测试专项经费", "项目名称: 机密专项\n涉密: true").replace("项目编码: T0001\n", "")


@pytest.mark.parametrize("public", [
    PROJECT.replace("项目编码: T0001", "项目编码: T0002\n链接名: shemi-1"),  # the secret project's numbered slug
    PROJECT.replace("项目编码: T0001", "项目编码: T0002\n链接名: mingcheng-shemi-1"),  # a withheld name's slug
    PROJECT.replace("项目编码: T0001", '项目编码: "SheMi-7"'),  # a code that slugifies to one
    PROJECT.replace("项目编码: T0001\n", "").replace("测试专项经费", "shemi 2"),  # a name whose pinyin slug is one
])
def test_a_slug_that_redaction_generates_is_e025_at_file_and_line(tmp_path: Path, public: str) -> None:
    """Generated slugs for secret projects can never collide with a written one: the build stops
    with E025 at the public file's line, before anything is built, instead of a traceback."""
    write_tree(minimal(tmp_path), {"secret.yml": _secret_without_code(), "public.yml": public})
    found = codes(tmp_path)
    assert any(c.startswith("E025@public.yml:") and not c.endswith(":0") for c in found), found


def test_the_collision_is_reported_by_the_command_line_too(tmp_path: Path) -> None:
    from conftest import run_cli
    write_tree(minimal(tmp_path / "content"), {"secret.yml": _secret_without_code(),
                                                "public.yml": PROJECT.replace("项目编码: T0001", "项目编码: T0002\n链接名: shemi-1")})
    result = run_cli("build", "--content", str(tmp_path / "content"), "--out", str(tmp_path / "site"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "public.yml:4:" in result.stderr and "E025" in result.stderr and "shemi-1" in result.stderr
    assert not (tmp_path / "site").exists()


# ---- the forms' own structure (issue 13) ---------------------------------------------------------

TASKS = """\
部门预算总额: 5000.00
基本支出: 3000.00
项目支出: 2000.00
年度主要任务:
  - 任务名称: 机关运行
    支出类型: 基本支出
    金额: 3000.00
    财政拨款: 2900.00
    其他资金: 100.00
  - 任务名称: 测试专项
    支出类型: 项目支出
    项目编码: T0001
    金额: 1000.00
    财政拨款: 1000.00
金额合计:
  总额: 4000.00
  财政拨款: 3900.00
  其他资金: 100.00
"""


def test_stated_amounts_and_task_funds_are_kept_and_a_stated_project_spending_is_no_project_sum(tmp_path: Path) -> None:
    site, warnings = validate(minimal(tmp_path, department=DEPARTMENT + TASKS))
    dept = site.departments[0]
    assert (dept.budget_total.yuan, dept.basic.yuan, dept.project_spending.yuan) == (Decimal("5000.00"), Decimal("3000.00"), Decimal("2000.00"))
    assert [(t.kind, t.fiscal.yuan, t.other.yuan if t.other else None) for t in dept.tasks] == [
        ("基本支出", Decimal("2900.00"), Decimal("100.00")), ("项目支出", Decimal("1000.00"), None)]
    assert dept.tasks_total.total.yuan == Decimal("4000.00") and dept.tasks_total.other.yuan == Decimal("100.00")
    assert warnings == []  # 项目支出 2000 ≠ the one listed project (1000): stated as such, no E021


@pytest.mark.parametrize("change, expected", [
    # a task's sources do not add up to its 金额 (and the 财政拨款 column no longer to 金额合计)
    (("财政拨款: 2900.00", "财政拨款: 2800.00"), ["E020@部门.yml:15", "E021@部门.yml:25"]),
    # 金额合计 differs from the tasks in one column (and its own sources no longer add up to its 总额)
    (("  其他资金: 100.00\n", "  其他资金: 90.00\n"), ["E020@部门.yml:24", "E021@部门.yml:26"]),
    (("部门预算总额: 5000.00", "部门预算总额: 5100.00"), ["E020@部门.yml:9"]),  # 基本支出 + 项目支出 ≠ 部门预算总额
])
def test_form_sums_that_do_not_add_up_are_errors(tmp_path: Path, change: tuple[str, str], expected: list[str]) -> None:
    department = DEPARTMENT + TASKS
    if change[0].startswith("  其他资金"):
        head, tail = department.rsplit(change[0], 1)
        department = head + change[1] + tail
    else:
        department = department.replace(*change, 1)
    minimal(tmp_path, department=department)
    assert codes(tmp_path) == expected


def test_money_labels_and_form_kind_are_kept(tmp_path: Path) -> None:
    project = PROJECT.replace("资金:\n", "表格名称: 信息化项目支出绩效目标申报表\n资金:\n  名称: 年度资金总额\n")
    site, _ = validate(minimal(tmp_path, project))
    p = site.departments[0].projects[0]
    assert p.form == "信息化项目支出绩效目标申报表" and p.money.label == "年度资金总额"


def test_the_form_kind_cannot_be_a_secret_field(tmp_path: Path) -> None:
    minimal(tmp_path, PROJECT.replace("资金:\n", "表格名称: 项目支出绩效目标表\n涉密字段: [表格名称]\n资金:\n"))
    assert codes(tmp_path) == ["E029@t0001.yml:6"]  # the 涉密字段 line
