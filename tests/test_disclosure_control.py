"""Attacks on withheld amounts: build a content tree, read the published numbers back, solve the attacker's LP."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from attacker import assert_protected, attack, departments, written_anywhere
from conftest import ROOT, run_cli
from test_redact_kit import DEPARTMENT, dump, every_file_text, paths, project, write_tree
from gongkai.errors import ContentError
from gongkai.pipeline import build
from gongkai.source.config import Disclosure

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
    assert "secret_amounts" not in result.stderr  # never advises publishing the amount
    # The withheld amount and the published numbers that expose it, by file and line.
    assert re.search(r"s\.yml:\d+:\d+", result.stderr) and re.search(r"部门\.yml:\d+（单位\.合计）", result.stderr)
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
    assert_protected(tmp_path / "site", {"amt:2025/ceshi/s1/": 1234.56})
    assert result.redaction is not None and result.redaction.amounts is not None
    assert result.redaction.amounts.exposures == ()


def test_shown_amounts_need_no_protection(tmp_path: Path) -> None:
    content = subtraction_tree(tmp_path / "content")
    build(paths(tmp_path, content, Disclosure(secret_amounts="show", subtraction="fail")))
    assert "1,234.56" in (tmp_path / "site" / "2025" / "ceshi" / "index.html").read_text(encoding="utf-8")


def test_a_department_of_one_secret_project_cannot_withhold_its_amount(tmp_path: Path) -> None:
    content = write_tree(tmp_path / "content", {"部门.yml": DEPARTMENT, "s.yml": dump(project("唯一涉密工程", "S1", 500.0, 涉密=True))})
    with pytest.raises(ContentError) as caught:
        build(paths(tmp_path, content, Disclosure(secret_amounts="withhold", subtraction="combine")))
    assert "E033" in str(caught.value) and "无法" in str(caught.value)
    assert "show" not in str(caught.value) and "公开该金额" not in str(caught.value)


def test_task_amounts_that_add_up_to_the_total_are_protected_too(tmp_path: Path) -> None:
    # 年度主要任务: the secret project's task, and one task for the rest. Total minus the second
    # task would give the secret amount away, so that task's amount is withheld as well.
    dept = DEPARTMENT + ("年度主要任务:\n  - 任务名称: 涉密任务\n    金额: 1234.56\n    项目编码: S1\n"
                         "  - 任务名称: 其他任务\n    金额: 11098.77\n")
    content = write_tree(tmp_path / "content", {"部门.yml": dept, "a.yml": dump(project("公开项目甲", "A1", 2098.77)),
                                                "s.yml": dump(project("涉密工程", "S1", 1234.56, 涉密=True)),
                                                "b.yml": dump(project("公开项目乙", "B1", 9000.0, unit="测试市法学会"))})
    build(paths(tmp_path, content, Disclosure(secret_amounts="withhold", subtraction="suppress")))
    text = every_file_text(tmp_path / "site")
    assert "1234.56" not in text and "1,234.56" not in text and "11,098.77" not in text and "11098.77" not in text
    assert "其他任务" in text and "12,333.33" in text
    assert_protected(tmp_path / "site", {"amt:2025/ceshi/s1/": 1234.56})


# ---- attacks: each builds, reads the published numbers back and solves the attacker's LP ----------

def _withhold(tmp_path: Path, content: Path, **rules: object) -> object:
    return build(paths(tmp_path, content, Disclosure(secret_amounts="withhold", **rules)))  # type: ignore[arg-type]


def _year_dept(year: int, units: str = "") -> str:
    return DEPARTMENT.replace("年度: 2025", f"年度: {year}") + units


def test_period_money_of_a_public_year_does_not_give_the_next_secret_year_away(tmp_path: Path) -> None:
    # 2024: public, 项目期资金 300,000 over 2024–2025; 2025: the same code is secret, 200,000 withheld.
    content = tmp_path / "content"
    period: Any = {"项目期": "2024-2025", "项目期资金": {"总额": 300000.0, "财政拨款": 300000.0}}
    write_tree(content, {"部门.yml": _year_dept(2024), "p.yml": dump(project("跨年项目", "KN01", 100000.0, **period)),
                         "q.yml": dump(project("其他项目", "QT01", 50000.0))}, year="2024")
    write_tree(content, {"部门.yml": _year_dept(2025), "p.yml": dump(project("跨年项目", "kn-01", 200000.0, 涉密=True, **period)),
                         "q.yml": dump(project("其他项目二", "QT02", 80000.0)), "r.yml": dump(project("其他项目三", "QT03", 90000.0))})
    _withhold(tmp_path, content)
    site = tmp_path / "site"
    assert_protected(site, {"amt:2025/ceshi/kn-01/": 200000.0})
    text = every_file_text(site)
    assert "300,000.00" not in text and "300000.00" not in text  # the 2024 record's 项目期资金 is no longer published
    assert "100,000.00" in text  # its own amount stays


def test_period_money_of_a_later_public_year_does_not_give_an_earlier_secret_year_away(tmp_path: Path) -> None:
    content = tmp_path / "content"
    period: Any = {"项目期资金": {"总额": 300000.0}}
    write_tree(content, {"部门.yml": _year_dept(2024), "p.yml": dump(project("跨年项目", "KN01", 120000.0, 涉密=True, **period)),
                         "q.yml": dump(project("其他项目", "QT01", 50000.0)), "r.yml": dump(project("其他项目四", "QT04", 70000.0))}, year="2024")
    write_tree(content, {"部门.yml": _year_dept(2025), "p.yml": dump(project("跨年项目", "KN01", 180000.0, **period)),
                         "q.yml": dump(project("其他项目二", "QT02", 80000.0))})
    _withhold(tmp_path, content)
    assert_protected(tmp_path / "site", {"amt:2024/ceshi/kn01/": 120000.0})


def test_a_unit_listed_twice_does_not_give_its_secret_projects_away(tmp_path: Path) -> None:
    # The unit appears once public with its 合计 and once secret: its only project is secret.
    units = DEPARTMENT.replace("    链接名: fxh\n", "    链接名: fxh\n    合计: 45678.9\n  - 单位名称: 测试市法学会\n    涉密: true\n")
    content = write_tree(tmp_path / "content", {"部门.yml": units, "s.yml": dump(project("法学会涉密课题", "FX1", 45678.9, unit="测试市法学会")),
                                                "a.yml": dump(project("公开项目甲", "A1", 20000.0)),
                                                "b.yml": dump(project("公开项目乙", "B1", 30000.0))})
    _withhold(tmp_path, content)
    site = tmp_path / "site"
    listed = [p["path"] for d in departments(site) for p in d["projects"] if p["money"]["total"] is None]
    secret = next(p for p in listed if "fx1" in p)
    assert_protected(site, {f"amt:{secret}": 45678.9}, secret_group_unit="测试市法学会")
    assert "45,678.90" not in every_file_text(site)


def test_unit_totals_do_not_leave_the_secret_units_only_project_known(tmp_path: Path) -> None:
    # Every public unit states its 合计; the department total minus them is the secret unit's one project.
    units = (DEPARTMENT.replace("    链接名: bj\n", "    链接名: bj\n    合计: 30000\n").replace("    链接名: fxh\n", "    链接名: fxh\n    合计: 50000\n")
             + "  - 单位名称: 保密中心\n    涉密: true\n").replace("单位:\n", "单位:\n", 1)
    units = units.replace("    合计: 50000\n", "    合计: 50000\n  - 单位名称: 保密中心\n    涉密: true\n", 1).rsplit("  - 单位名称: 保密中心\n    涉密: true\n", 1)[0]
    content = write_tree(tmp_path / "content", {"部门.yml": units, "z.yml": dump(project("保密中心项目", "BM1", 7777.0, unit="保密中心")),
                                                "a.yml": dump(project("本级项目甲", "A1", 10000.0)), "a2.yml": dump(project("本级项目乙", "A2", 20000.0)),
                                                "b.yml": dump(project("学会项目", "B1", 50000.0, unit="测试市法学会"))})
    _withhold(tmp_path, content)
    site = tmp_path / "site"
    secret = next(p["path"] for d in departments(site) for p in d["projects"] if p["secret"])
    assert_protected(site, {f"amt:{secret}": 7777.0})


@pytest.mark.parametrize("secret_value", [380016.0, 120000.0, 5000.0])
def test_which_amounts_are_combined_does_not_depend_on_the_withheld_value(tmp_path: Path, secret_value: float) -> None:
    # The old rule ("the smallest published amount ≥ 10 % of it") narrowed 380,016 to [380,100, 390,900].
    files: dict[str, object] = {"部门.yml": DEPARTMENT, "s.yml": dump(project("涉密工程", "S1", secret_value, 涉密=True))}
    for i, amount in enumerate((10800.0, 38100.0, 39000.0, 52000.0, 470000.0)):
        files[f"p{i}.yml"] = dump(project(f"公开项目{i}", f"P{i}", amount))
    _withhold(tmp_path, write_tree(tmp_path / "content", files), partners=2)
    site = tmp_path / "site"
    hidden = sorted(p["path"] for d in departments(site) for p in d["projects"] if p["money"]["total"] is None)
    assert hidden == ["2025/ceshi/p0/", "2025/ceshi/p1/", "2025/ceshi/s1/"]  # by file order (p0, p1 after s wraps), whatever the values
    assert_protected(site, {"amt:2025/ceshi/s1/": secret_value})


def test_task_amounts_and_their_sum_do_not_give_the_secret_away(tmp_path: Path) -> None:
    dept = DEPARTMENT + ("年度主要任务:\n  - 任务名称: 甲任务\n    金额: 4000\n    项目编码: a1\n  - 任务名称: 涉密任务\n    金额: 6000\n    项目编码: S1\n"
                         "  - 任务名称: 乙任务\n    金额: 9000\n")
    content = write_tree(tmp_path / "content", {"部门.yml": dept, "a.yml": dump(project("公开项目甲", "A1", 4000.0)),
                                                "s.yml": dump(project("涉密工程", "S1", 6000.0, 涉密=True)),
                                                "b.yml": dump(project("公开项目乙", "B1", 9000.0))})
    _withhold(tmp_path, content, subtraction="suppress")
    site = tmp_path / "site"
    assert_protected(site, {"amt:2025/ceshi/s1/": 6000.0})
    assert "6,000.00" not in every_file_text(site)


def test_shares_on_pages_are_published_only_for_published_amounts(tmp_path: Path) -> None:
    content = subtraction_tree(tmp_path / "content")
    _withhold(tmp_path, content)
    page = (tmp_path / "site" / "2025" / "ceshi" / "index.html").read_text(encoding="utf-8")
    shares = [float(s) for s in re.findall(r">\s*(\d+\.\d)%\s*<", page)]
    # Each share on the page is a published amount over the published total: none of a hidden one.
    published = [9000.0]
    assert sorted(shares) == sorted(round(a * 100 / 12333.33, 1) for a in published)


def test_a_stricter_protection_stops_what_the_default_publishes(tmp_path: Path) -> None:
    # The secret 1000 is combined with the next file's 300: it lies in [0, 1300]. ±10 % holds, ±50 % does not.
    content = write_tree(tmp_path / "content", {"部门.yml": DEPARTMENT, "a.yml": dump(project("公开项目甲", "A1", 5000.0)),
                                                "s.yml": dump(project("涉密工程", "S1", 1000.0, 涉密=True)),
                                                "t.yml": dump(project("公开项目乙", "T1", 300.0))})
    _withhold(tmp_path, content)
    assert_protected(tmp_path / "site", {"amt:2025/ceshi/s1/": 1000.0})
    with pytest.raises(ContentError) as caught:
        _withhold(tmp_path, content, protection=50)
    message = str(caught.value)
    assert "E033" in message and "s.yml" in message and "secret_amounts" not in message and "涉密工程" not in message
    assert "1,300.00" in message  # the interval the attacker reaches


def test_protection_is_a_documented_option(tmp_path: Path) -> None:
    config = tmp_path / "c.yml"
    config.write_text("disclosure:\n  protection: 0\n", encoding="utf-8")
    result = run_cli("check", "--content", str(subtraction_tree(tmp_path / "content")), "--config", str(config))
    assert result.returncode == 1 and "protection" in result.stderr and "Traceback" not in result.stderr
    docs = (ROOT / "docs" / "secret.md").read_text(encoding="utf-8")
    assert "protection" in docs and "partners" in docs


def test_the_independent_attacker_does_recover_an_unprotected_amount(tmp_path: Path) -> None:
    # The attacker is real: on a site built with secret amounts shown, hide one amount by hand
    # from department.json and it is recovered exactly from the department total.
    content = subtraction_tree(tmp_path / "content")
    build(paths(tmp_path, content, Disclosure(secret_amounts="show")))
    assert any(f.endswith(".html") for f in written_anywhere(tmp_path / "site", 1234.56))  # the reader finds a shown amount
    dept_json = tmp_path / "site" / "2025" / "ceshi" / "department.json"
    data = json.loads(dept_json.read_text(encoding="utf-8"))
    for p in data["projects"]:
        if p["secret"]:
            p["money"] = {"total": None, "fiscal": None, "special": None, "other": None}
    dept_json.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    low, high = attack(tmp_path / "site").interval("amt:2025/ceshi/s1/")
    assert abs(low - 1234.56) < 1e-6 and abs(high - 1234.56) < 1e-6


def test_a_secret_departments_amount_is_not_the_difference_of_another_years_period_money(tmp_path: Path) -> None:
    # 2024: the whole department is secret; 2025: the project moved to a public department, with 项目期资金.
    content = tmp_path / "content"
    secret_dept = _year_dept(2024).replace("部门名称: 测试市委政法委员会", "部门名称: 保密委员会").replace("链接名: ceshi", "链接名: baomi") + "涉密: true\n"
    write_tree(content, {"部门.yml": secret_dept, "p.yml": dump(project("保密项目", "ＢＭ０１", 50000.0, unit="保密委员会"))}, year="2024", dept="baomi")
    write_tree(content, {"部门.yml": _year_dept(2025), "p.yml": dump(project("转隶项目", "BM01", 70000.0, 项目期资金={"总额": 120000.0})),
                         "q.yml": dump(project("其他项目", "QT01", 30000.0))})
    _withhold(tmp_path, content)
    text = every_file_text(tmp_path / "site")
    assert "120,000.00" not in text and "120000.00" not in text and "50,000.00" not in text
    assert "70,000.00" in text


def test_unlisted_secret_projects_are_protected_like_listed_ones(tmp_path: Path) -> None:
    content = subtraction_tree(tmp_path / "content")
    build(paths(tmp_path, content, Disclosure(secret_label="hidden", secret_amounts="show")))
    site = tmp_path / "site"
    assert not any(p["secret"] for d in departments(site) for p in d["projects"])
    attacker = attack(site, unlisted=True)
    low, high = attacker.interval(attacker.var("unlisted:2025/ceshi/"))
    assert low <= 1234.56 * 0.9 and high >= 1234.56 * 1.1


def test_the_report_lists_each_withheld_amounts_interval_and_relations(tmp_path: Path) -> None:
    content = subtraction_tree(tmp_path / "content")
    result = _withhold(tmp_path, content)
    from gongkai.disclosure.report import report_data, report_markdown
    data = report_data(result.redaction)  # type: ignore[attr-defined]
    proof = data["相减推算检查"][0]
    item = next(i for i in proof["不公开的金额"] if i["来源"].endswith("s.yml: 资金.总额"))
    assert item["受保护"] and item["可推算的最小值（元）"] == "0.00" and item["可推算的最大值（元）"] == "3333.33"
    assert any("项目支出合计" in r for r in item["所用关系"])
    assert "涉密工程" not in json.dumps(data, ensure_ascii=False)
    assert "0.00 至 3333.33 元" in report_markdown(data)


def test_a_secret_projects_task_amount_is_withheld_even_when_it_differs_from_the_project(tmp_path: Path) -> None:
    dept = DEPARTMENT + "年度主要任务:\n  - 任务名称: 某任务\n    金额: 4321.5\n    项目编码: s-1\n"
    content = write_tree(tmp_path / "content", {"部门.yml": dept, "a.yml": dump(project("公开项目甲", "A1", 20000.0)),
                                                "s.yml": dump(project("涉密工程", "S1", 6000.0, 涉密=True)),
                                                "b.yml": dump(project("公开项目乙", "B1", 9000.0))})
    _withhold(tmp_path, content)
    text = every_file_text(tmp_path / "site")
    assert "4,321.50" not in text and "4321.50" not in text and "4321.5" not in text


def test_a_unit_total_does_not_tell_which_project_its_withheld_unit_is(tmp_path: Path) -> None:
    # 本级 states 合计 3000; its listed project has 1000: the 实施单位不公开 project of 2000 would be 本级's.
    units = DEPARTMENT.replace("    链接名: bj\n", "    链接名: bj\n    合计: 3000\n")
    content = write_tree(tmp_path / "content", {"部门.yml": units, "a.yml": dump(project("本级项目", "A1", 1000.0)),
                                                "h.yml": dump(project("单位保密项目", "H1", 2000.0, 涉密字段=["实施单位"])),
                                                "b.yml": dump(project("学会项目", "B1", 2000.0, unit="测试市法学会"))})
    build(paths(tmp_path, content, Disclosure()))
    site = tmp_path / "site"
    units_published = {u["name"]: u["total"] for d in departments(site) for u in d["units"]}
    assert units_published["测试市委政法委员会本级"] is None
    assert "3,000.00" not in every_file_text(site)


def test_a_published_text_that_writes_out_a_hidden_amount_stops_the_build(tmp_path: Path) -> None:
    # The combined partner (the file after s.yml) states its own amount in a 成本指标: hiding the number would not hide the pair.
    indicator: Any = {"年度目标": {"目标": "完成测试任务。", "指标": [
        {"一级指标": "成本指标", "二级指标": "经济成本指标", "三级指标": "项目成本", "指标值": "≤0.901234万元"}]}}
    content = write_tree(tmp_path / "content", {"部门.yml": DEPARTMENT, "a.yml": dump(project("公开项目甲", "A1", 2098.77)),
                                                "s.yml": dump(project("涉密工程", "S1", 1234.56, 涉密=True)),
                                                "t.yml": dump(project("公开项目乙", "T1", 9012.34, **indicator))})
    with pytest.raises(ContentError) as caught:
        _withhold(tmp_path, content)
    message = str(caught.value)
    assert "E033" in message and "t.yml: 资金.总额" in message and "secret_amounts" not in message
    assert not (tmp_path / "site").exists()


# ---- the forms' published relations (issue 13): 金额合计 by column, stated 基本支出/项目支出 ---------

FORM_DEPARTMENT = DEPARTMENT + """\
部门预算总额: 20000.00
基本支出: 2000.00
项目支出: 18000.00
年度主要任务:
  - 任务名称: 机关运行
    支出类型: 基本支出
    金额: 2000.00
    财政拨款: 2000.00
  - 任务名称: 涉密任务
    支出类型: 项目支出
    项目编码: S1
    金额: 1234.56
    财政拨款: 1000.00
    其他资金: 234.56
  - 任务名称: 其他任务
    支出类型: 项目支出
    金额: 16765.44
    财政拨款: 16765.44
金额合计:
  总额: 20000.00
  财政拨款: 19765.44
  其他资金: 234.56
"""


def form_tree(root: Path) -> Path:
    return write_tree(root, {"部门.yml": FORM_DEPARTMENT,
                             "a.yml": dump(project("公开项目甲", "A1", 2098.77)),
                             "s.yml": dump(project("涉密工程", "S1", 1234.56, 涉密=True)),
                             "b.yml": dump(project("公开项目乙", "B1", 9000.0, unit="测试市法学会"))})


def test_fail_mode_names_the_forms_totals(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as caught:
        build(paths(tmp_path, form_tree(tmp_path / "content"), Disclosure(secret_amounts="withhold", subtraction="fail")))
    message = str(caught.value)
    assert "E033" in message and "金额合计" in message and "涉密工程" not in message


@pytest.mark.parametrize("mode", ["combine", "suppress"])
def test_a_stated_total_never_lets_anyone_subtract_out_a_withheld_task(tmp_path: Path, mode: str) -> None:
    result = build(paths(tmp_path, form_tree(tmp_path / "content"), Disclosure(secret_amounts="withhold", subtraction=mode)))
    site = tmp_path / "site"
    text = every_file_text(site)
    for secret in ("1234.56", "1,234.56", "234.56", "1,000.00"):
        assert secret not in text, secret
    page = (site / "2025" / "ceshi" / "index.html").read_text(encoding="utf-8")
    # 项目支出 minus 其他任务, or 金额合计 minus the published tasks, would be the secret task: not published.
    assert "18,000.00" not in page and "20,000.00" not in page and "19,765.44" not in page
    assert "16,765.44" in page and "机关运行" in page
    assert result.redaction is not None and result.redaction.amounts is not None
    hidden = set(result.redaction.amounts.hidden)
    assert any(k.startswith("金额合计:") for k in hidden) and any(k.startswith("部门预算:") for k in hidden), sorted(hidden)
