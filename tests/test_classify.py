"""The one secrecy classifier (gongkai/disclosure/classify.py), attacked through every cross-reference:
codes written in another case, width or with other separators (tasks, register, 上年项目),
duplicate unit entries, 涉密字段 and 涉密指标行 in one year only, a code public in one year and secret
in another, links, redirects and feed entries after a project became secret. Every attack builds a
small site and reads every output byte with the tests' own reader (test_redact_kit), not the audit's.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from test_redact_kit import (
    DEPARTMENT,
    every_file_text,
    leaks,
    output_texts,
    paths,
    project,
    write_tree,
)

from gongkai.disclosure.classify import classify, name_key
from gongkai.disclosure.register import Register
from gongkai.editor.sheets import export_department
from gongkai.errors import ContentError
from gongkai.pipeline import build, check
from gongkai.source.config import Disclosure
from gongkai.source.load import load_tree
from gongkai.source.validate import build_site

LABELS = ("code", "numbered", "hidden")


def department(year: int, extra: str = "") -> str:
    return DEPARTMENT.replace("年度: 2025", f"年度: {year}") + extra


def tasks(*entries: tuple[str, float, str, str]) -> str:
    """年度主要任务 lines: (name, amount, code, goal)."""
    lines = ["年度主要任务:"]
    for name, amount, code, goal in entries:
        lines += [f"  - 任务名称: {name}", f"    金额: {amount}", f"    项目编码: \"{code}\"", f"    绩效目标: {goal}"]
    return "\n".join(lines) + "\n"


def shows_amount(text: str, yuan: str) -> bool:
    """Does the text show this amount on its own (not as the tail of a larger one, e.g. a total)?"""
    whole, cents = yuan.split(".")
    grouped = f"{int(whole):,}"
    return any(re.search(rf"(?<![\d,.]){re.escape(form)}(?!\d)", text) for form in (f"{whole}.{cents}", f"{grouped}.{cents}"))


def site_of(content: Path):  # type: ignore[no-untyped-def]
    site, _ = build_site(load_tree(content), content)
    return site


# ---- tasks ↔ projects by the canonical key ---------------------------------------------------------

CODE_VARIANTS = ("gzit-2025-sm-01", "ＧＺＩＴ２０２５ＳＭ０１", "GZIT 2025 SM 01", "gzit_2025.sm/01")


@pytest.mark.parametrize("variant", CODE_VARIANTS)
@pytest.mark.parametrize("label", LABELS)
def test_a_task_whose_code_differs_only_in_case_width_or_separators_is_withheld_with_its_project(
        tmp_path: Path, variant: str, label: str) -> None:
    extra = tasks(("玄冥任务名称", 4321.09, variant, "玄冥任务目标"), ("公开任务名称", 10000, "GK-01", "公开任务目标"))
    content = write_tree(tmp_path / "content", {
        "部门.yml": department(2025, extra),
        "s.yml": project("玄冥工程名称", "GZIT-2025-SM-01", 4321.09, 涉密=True),
        "p.yml": project("公开工程名称", "GK-01", 10000.0)})
    build(paths(tmp_path, content, Disclosure(secret_label=label, secret_amounts="withhold")))
    site = tmp_path / "site"
    # With secret_label code the code is the secret project's public label: only then may it appear.
    assert leaks(site, ["玄冥任务名称", "玄冥任务目标", "玄冥工程名称"] + ([variant] if label != "code" else [])) == []
    everything = every_file_text(site)
    assert not shows_amount(everything, "4321.09")
    assert "公开任务名称" in everything and "公开工程名称" in everything


def test_register_entries_in_another_case_and_width_mark_the_project_and_its_task(tmp_path: Path) -> None:
    extra = tasks(("登记任务名称", 2500, "reg-０１", "登记任务目标"))
    content = write_tree(tmp_path / "content", {
        "部门.yml": department(2025, extra),
        "r.yml": project("登记工程名称", "REG-01", 2500.0, 立项依据="登记工程依据"),
        "p.yml": project("公开工程名称", "GK-01", 10000.0)})
    register = tmp_path / "register.txt"
    register.write_text("ｒｅｇ_01\n", encoding="utf-8")
    result = build(paths(tmp_path, content, Disclosure(secret_label="numbered", secret_amounts="withhold"), secret_register=register))
    assert leaks(tmp_path / "site", ["登记任务名称", "登记任务目标", "登记工程名称", "登记工程依据", "REG-01"]) == []
    assert result.redaction is not None
    assert any(e.rule == "涉密登记册" for e in result.redaction.log)


# ---- units ↔ projects --------------------------------------------------------------------------------

UNIT_LISTED_TWICE = (
    "  - 单位名称: 测试市玄冥保密中心\n    链接名: xuanming\n    合计: 1333.56\n"
    "  - 单位名称: 测试市　玄冥 保密中心\n    涉密: true\n")


@pytest.mark.parametrize("label", LABELS)
def test_a_unit_listed_twice_once_public_once_secret_is_secret_everywhere(tmp_path: Path, label: str) -> None:
    dept = department(2025).replace("    链接名: fxh\n", "    链接名: fxh\n" + UNIT_LISTED_TWICE.replace("1333.56", "2334.56"))
    content = write_tree(tmp_path / "content", {
        "部门.yml": dept,
        "u.yml": project("玄冥中心工程", "XM-01", 1234.56, unit="测试市玄冥保密中心", 资金用途="玄冥中心用途"),
        "v.yml": project("玄冥中心二期", "XM-02", 1100.0, unit="测试市玄冥保密中心 ", 资金用途="玄冥二期用途"),
        "p.yml": project("公开工程名称", "GK-01", 10000.0), "p2.yml": project("公开工程二", "GK-02", 3000.0),
        "p3.yml": project("公开工程三", "GK-03", 2500.0), "p4.yml": project("公开工程四", "GK-04", 1800.0)})
    build(paths(tmp_path, content, Disclosure(secret_label=label, secret_amounts="withhold")))
    site = tmp_path / "site"
    assert leaks(site, ["测试市玄冥保密中心", "玄冥中心工程", "玄冥中心用途", "玄冥中心二期", "玄冥二期用途", "xuanming"]) == []
    everything = every_file_text(site)
    assert not shows_amount(everything, "1234.56")


def test_unit_names_are_compared_after_nfkc_and_space_folding() -> None:
    assert name_key("测试市　玄冥 保密中心") == name_key("测试市玄冥保密中心") == name_key(" 测试市玄冥保密中心\n")
    assert name_key("ＡＢＣ中心") == name_key("ABC中心")


def test_a_unit_secret_in_one_year_is_secret_in_the_other_years_of_the_department(tmp_path: Path) -> None:
    secret_unit = "    链接名: fxh\n  - 单位名称: 测试市白泽中心\n    涉密: true\n"
    public_unit = "    链接名: fxh\n  - 单位名称: 测试市白泽中心\n"
    root = tmp_path / "content"
    write_tree(root, {"部门.yml": department(2024).replace("    链接名: fxh\n", secret_unit),
                      "a.yml": project("白泽甲年工程", "BZ-01", 500.0, unit="测试市白泽中心")}, year="2024")
    write_tree(root, {"部门.yml": department(2025).replace("    链接名: fxh\n", public_unit),
                      "a.yml": project("白泽乙年工程", "BZ-01", 600.0, unit="测试市白泽中心"),
                      "p.yml": project("公开工程名称", "GK-01", 10000.0)}, year="2025")
    build(paths(tmp_path, root, Disclosure(secret_label="numbered")))
    assert leaks(tmp_path / "site", ["测试市白泽中心", "白泽甲年工程", "白泽乙年工程"]) == []


# ---- fields and rows across years -------------------------------------------------------------------

def two_years(root: Path, before: dict[str, object], now: dict[str, object]) -> Path:
    write_tree(root, {"部门.yml": department(2024), **before}, year="2024")
    write_tree(root, {"部门.yml": department(2025), **now}, year="2025")
    return root


@pytest.mark.parametrize("secret_year", (2024, 2025))
def test_a_field_withheld_in_one_year_is_withheld_in_every_year_of_the_same_code(tmp_path: Path, secret_year: int) -> None:
    basis = "獬豸立项依据原文"
    def record(year: int) -> dict[str, object]:
        fields: dict[str, Any] = {"涉密字段": ["立项依据"]} if year == secret_year else {}
        return project("獬豸公开工程", "XZ-01" if year == 2025 else "xz01", 800.0 + year, 立项依据=basis, **fields)
    content = two_years(tmp_path / "content", {"x.yml": record(2024)}, {"x.yml": record(2025)})
    result = build(paths(tmp_path, content))
    site = tmp_path / "site"
    assert leaks(site, [basis]) == []
    # Both records stay public and are still compared (the same project, by its code).
    page = (site / "2025" / "ceshi" / "xz-01" / "index.html").read_text(encoding="utf-8")
    assert "獬豸公开工程" in page and 'id="compare"' in page
    assert result.redaction is not None
    assert any("其他年度" in e.rule for e in result.redaction.log)


def test_an_indicator_row_withheld_in_one_year_is_withheld_in_the_other(tmp_path: Path) -> None:
    def record(secret: bool) -> dict[str, object]:
        row: dict[str, object] = {"一级指标": "产出指标", "二级指标": "数量指标", "三级指标": "狴犴指标名称", "指标值": "狴犴指标取值"}
        if secret:
            row["涉密"] = True
        return project("狴犴公开工程", "BA-01", 900.0, 年度目标={"目标": "完成测试任务。", "指标": [
            {"一级指标": "产出指标", "二级指标": "数量指标", "三级指标": "完成次数", "指标值": "≥2次"}, row]})
    content = two_years(tmp_path / "content", {"b.yml": record(True)}, {"b.yml": record(False)})
    build(paths(tmp_path, content))
    assert leaks(tmp_path / "site", ["狴犴指标名称", "狴犴指标取值"]) == []


# ---- 上年项目 and codes across years ----------------------------------------------------------------

@pytest.mark.parametrize("label", LABELS)
def test_a_public_project_whose_previous_names_a_secret_project_links_to_nothing(tmp_path: Path, label: str) -> None:
    content = two_years(tmp_path / "content",
                        {"s.yml": project("饕餮涉密工程", "TT-OLD-01", 7654.32, 涉密=True, 立项依据="饕餮涉密依据"),
                         "q.yml": project("公开工程名称", "GK-01", 10000.0), "r.yml": project("公开工程二", "GK-02", 3000.0)},
                        {"p.yml": project("饕餮后续工程", "TT-NEW-01", 9000.0, 上年项目="tt old 01"),
                         "q.yml": project("公开工程名称", "GK-01", 10000.0)})
    result = check(paths(tmp_path, content, Disclosure(secret_label=label, secret_amounts="withhold")))
    build(paths(tmp_path, content, Disclosure(secret_label=label, secret_amounts="withhold")))
    site = tmp_path / "site"
    assert leaks(site, ["饕餮涉密工程", "饕餮涉密依据", "TT-OLD-01", "tt old 01"]) == []
    page = (site / "2025" / "ceshi" / "tt-new-01" / "index.html").read_text(encoding="utf-8")
    assert 'id="compare"' not in page and "/2024/" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    everything = every_file_text(site)
    assert not shows_amount(everything, "7654.32")
    assert ("W104" in {w.code for w in result.warnings}) == (label == "code")


def flip_tree(root: Path, confirmed: bool = False) -> Path:
    secret: dict[str, Any] = {"涉密": True, "立项依据": "麒麟涉密依据", **({"确认编码关联": True} if confirmed else {})}
    return two_years(root, {"f.yml": project("麒麟去年公开", "FLIP-01", 3000.0)},
                     {"f.yml": project("麒麟今年涉密", "FLIP-01", 3100.0, **secret),
                      "p.yml": project("公开工程名称", "GK-01", 10000.0)})


def test_a_code_public_in_one_year_and_secret_in_another_is_explained_by_check(tmp_path: Path) -> None:
    content = flip_tree(tmp_path / "content")
    result = check(paths(tmp_path, content, Disclosure(secret_label="code")))
    ties = [w for w in result.warnings if w.code == "W104"]
    assert len(ties) == 1
    tie = ties[0]
    assert tie.file.endswith("2025/ceshi/f.yml") and "2024/ceshi/f.yml" in tie.detail
    assert "numbered" in (tie.fix or "") and "hidden" in (tie.fix or "") and "确认编码关联" in (tie.fix or "")
    assert "麒麟今年涉密" not in tie.detail + (tie.fix or "") and "麒麟涉密依据" not in tie.detail


def test_unconfirmed_the_built_site_never_shows_the_code_beside_the_secret_record(tmp_path: Path) -> None:
    content = flip_tree(tmp_path / "content")
    build(paths(tmp_path, content, Disclosure(secret_label="code")))
    site = tmp_path / "site"
    assert leaks(site, ["麒麟今年涉密", "麒麟涉密依据"]) == []
    assert "FLIP-01" in (site / "2024" / "ceshi" / "flip-01" / "index.html").read_text(encoding="utf-8")
    for path in (site / "2025").rglob("*"):
        if path.is_file():
            assert "flip" not in path.name.lower() and b"FLIP" not in path.read_bytes().upper(), path
    assert not (site / "2025" / "ceshi" / "flip-01").exists()


def test_confirmed_the_secret_record_may_show_its_code(tmp_path: Path) -> None:
    content = flip_tree(tmp_path / "content", confirmed=True)
    result = check(paths(tmp_path, content, Disclosure(secret_label="code")))
    assert "W104" not in {w.code for w in result.warnings}
    build(paths(tmp_path, content, Disclosure(secret_label="code")))
    assert "FLIP-01" in (tmp_path / "site" / "2025" / "ceshi" / "index.html").read_text(encoding="utf-8")
    assert leaks(tmp_path / "site", ["麒麟今年涉密", "麒麟涉密依据"]) == []


def test_a_project_secret_last_year_is_not_compared_with_this_years_public_record(tmp_path: Path) -> None:
    content = two_years(tmp_path / "content", {"f.yml": project("朱厌去年涉密", "ZY-01", 4444.44, 涉密=True),
                                               "q.yml": project("公开工程名称", "GK-01", 10000.0),
                                               "r.yml": project("公开工程二", "GK-02", 3000.0)},
                        {"f.yml": project("朱厌今年公开", "zy-01", 5000.0)})
    build(paths(tmp_path, content, Disclosure(secret_amounts="withhold")))
    site = tmp_path / "site"
    page = (site / "2025" / "ceshi" / "zy-01" / "index.html").read_text(encoding="utf-8")
    assert 'id="compare"' not in page and "上年预算" not in page
    assert leaks(site, ["朱厌去年涉密"]) == []
    assert not shows_amount(every_file_text(site), "4444.44")


# ---- redirects and feeds after a project became secret ------------------------------------------------

@pytest.mark.parametrize("how", ("secret", "register", "name-field", "unit"))
def test_no_redirect_feed_entry_or_manifest_line_for_a_project_that_became_secret(tmp_path: Path, how: str) -> None:
    dept = department(2025).replace("    链接名: fxh\n", "    链接名: fxh\n  - 单位名称: 测试市穷奇中心\n")
    content = write_tree(tmp_path / "content", {"部门.yml": dept,
                                                "q.yml": project("穷奇秘密工程", "QQ-01", 2000.0, 链接名="qiongqi-gongcheng"),
                                                "p.yml": project("公开工程名称", "GK-01", 10000.0)})
    publish = "publication_date: 2025-01-10\n"
    config_paths = paths(tmp_path, content, Disclosure(secret_label="numbered"))
    config_paths.config.write_text(publish + config_paths.config.read_text(encoding="utf-8"), encoding="utf-8")
    build(config_paths)
    assert "qiongqi-gongcheng" in (tmp_path / "site" / "slugs.json").read_text(encoding="utf-8")
    changes: dict[str, dict[str, Any]] = {"secret": {"涉密": True}, "register": {}, "name-field": {"涉密字段": ["项目名称"]},
                                          "unit": {"实施单位": "测试市穷奇中心"}}
    changed = changes[how]
    if how == "unit":
        (content / "2025" / "ceshi" / "部门.yml").write_text(dept.replace("测试市穷奇中心\n", "测试市穷奇中心\n    涉密: true\n"), encoding="utf-8")
    # With its name withheld the project cannot keep a 链接名 that spells it (E040): the editor drops it.
    slug: dict[str, Any] = {} if how == "name-field" else {"链接名": "qiongqi-gongcheng"}
    write_tree(content, {"q.yml": project("穷奇秘密工程", "QQ-01", 2000.0, **slug, **changed)})
    register = tmp_path / "register.txt"
    register.write_text("qq01\n" if how == "register" else "", encoding="utf-8")
    try:
        build(paths(tmp_path, content, Disclosure(secret_label="numbered"), secret_register=register) if how == "register" else config_paths)
    except ContentError as exc:  # fail closed (E040: a public text still spells the now withheld name): nothing new published
        assert {p.code for p in exc.problems if not p.is_warning} == {"E040"}, str(exc)
        return
    site = tmp_path / "site"
    assert leaks(site, ["穷奇秘密工程", "qiongqi-gongcheng", "qiongqi"]) == []
    assert not (site / "2025" / "ceshi" / "qiongqi-gongcheng").exists()
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert "公开工程名称" in feed


# ---- exports for the office ----------------------------------------------------------------------------

def test_the_sheet_export_asks_the_classifier_for_tasks_units_and_other_years(tmp_path: Path) -> None:
    extra = tasks(("梼杌任务名称", 1500, "tw 01", "梼杌任务目标"))
    root = tmp_path / "content"
    write_tree(root, {"部门.yml": department(2024), "t.yml": project("梼杌公开工程", "GK-09", 100.0, 立项依据="梼杌去年依据",
                                                                     涉密字段=["立项依据"])}, year="2024")
    dept = department(2025, extra).replace("    链接名: fxh\n", "    链接名: fxh\n" + UNIT_LISTED_TWICE)
    write_tree(root, {"部门.yml": dept, "s.yml": project("梼杌涉密工程", "TW-01", 1500.0, 涉密=True),
                      "u.yml": project("玄冥中心工程", "XM-01", 1333.56, unit="测试市玄冥保密中心"),
                      "t.yml": project("梼杌公开工程", "GK-09", 100.0, 立项依据="梼杌去年依据")}, year="2025")
    out = tmp_path / "export"
    for layout in ("yutian", "guangzhou", "ezhou"):
        export_department(root, 2025, "ceshi", layout, out / f"{layout}.xlsx")
    assert leaks(out, ["梼杌任务名称", "梼杌任务目标", "梼杌涉密工程", "测试市玄冥保密中心", "玄冥中心工程", "梼杌去年依据"]) == []


# ---- the classification itself is plain data -----------------------------------------------------------

def test_the_classification_names_each_verdict_and_its_reason(tmp_path: Path) -> None:
    extra = tasks(("任务甲", 100, "ab-01", "目标甲"), ("任务乙", 200, "CD01", "目标乙"))
    dept = department(2025, extra).replace("    链接名: fxh\n", "    链接名: fxh\n" + UNIT_LISTED_TWICE)
    root = write_tree(tmp_path / "content", {
        "部门.yml": dept, "a.yml": project("甲", "AB-01", 100.0, 涉密=True), "c.yml": project("乙", "cd-01", 200.0),
        "u.yml": project("丙", "EF-01", 1333.56, unit="测试市玄冥保密中心"), "r.yml": project("丁", "GH-01", 400.0)})
    site = site_of(root)
    cls = classify(site, Register("reg.txt", (("gh01", 1),)), "code")
    by_name = {p.name: p for d in site.departments for p in d.projects}
    assert cls.project_verdict(by_name["甲"]).rule == "涉密项目"  # type: ignore[union-attr]
    assert cls.project_verdict(by_name["丙"]).rule == "涉密单位"  # type: ignore[union-attr]
    assert cls.project_verdict(by_name["丁"]).rule == "涉密登记册"  # type: ignore[union-attr]
    assert cls.project_verdict(by_name["乙"]) is None
    dept_model = site.departments[0]
    assert cls.task_project(dept_model, 0) == by_name["甲"].file and cls.task_project(dept_model, 1) == by_name["乙"].file
    assert cls.task_verdict(dept_model, 0).rule == "涉密项目的年度任务"  # type: ignore[union-attr]
    assert cls.task_verdict(dept_model, 1) is None
    assert cls.unit_secret(dept_model, "测试市玄冥保密中心") and not cls.unit_secret(dept_model, "测试市法学会")


def test_nothing_outside_the_classifier_decides_secrecy() -> None:
    """One rule, one home: the raw markers are read by the classifier only (and by the model that holds them)."""
    root = Path(__file__).resolve().parents[1] / "gongkai"
    allowed = {"disclosure/classify.py", "source/validate.py", "source/model.py", "source/schema.py"}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel in allowed or rel.startswith(("editor/importer/", "publish/")):
            continue
        text = path.read_text(encoding="utf-8")
        for marker in ("secret_fields", "unit.secret", "u.secret", "dept.secret", "d.secret", "row.secret", "r.secret", "register.codes"):
            if marker in text:
                lines = [n for n, line in enumerate(text.splitlines(), 1) if marker in line]
                raise AssertionError(f"{rel}:{lines} reads {marker}: ask gongkai.disclosure.classify instead")



def test_a_task_naming_another_departments_secret_project_is_withheld(tmp_path: Path) -> None:
    root = tmp_path / "content"
    other = DEPARTMENT.replace("测试市委政法委员会", "测试市保密局").replace("链接名: ceshi", "链接名: baomi").replace('"900001"', '"900002"')
    write_tree(root, {"部门.yml": other, "s.yml": project("穷桑涉密工程", "QS-01", 2345.67, unit="测试市保密局本级", 涉密=True),
                      "p.yml": project("保密局公开工程", "BM-01", 9000.0, unit="测试市保密局本级"),
                      "p2.yml": project("保密局公开二", "BM-02", 4000.0, unit="测试市保密局本级")}, dept="baomi")
    write_tree(root, {"部门.yml": department(2025, tasks(("穷桑任务名称", 2345.67, "qs 01", "穷桑任务目标"))),
                      "p.yml": project("公开工程名称", "GK-01", 10000.0)})
    build(paths(tmp_path, root, Disclosure(secret_label="numbered", secret_amounts="withhold")))
    site = tmp_path / "site"
    assert leaks(site, ["穷桑任务名称", "穷桑任务目标", "穷桑涉密工程", "QS-01"]) == []
    assert not shows_amount(every_file_text(site), "2345.67")


def test_a_unit_secret_in_one_department_is_secret_where_another_names_it(tmp_path: Path) -> None:
    root = tmp_path / "content"
    other = DEPARTMENT.replace("测试市委政法委员会", "测试市保密局").replace("链接名: ceshi", "链接名: baomi").replace('"900001"', '"900002"')
    other = other.replace("    链接名: fxh\n", "    链接名: fxh\n  - 单位名称: 测试市梼杌研究所\n    涉密: true\n")
    write_tree(root, {"部门.yml": other, "p.yml": project("保密局公开工程", "BM-01", 9000.0, unit="测试市保密局本级")}, dept="baomi")
    dept = department(2025).replace("    链接名: fxh\n", "    链接名: fxh\n  - 单位名称: 测试市 梼杌研究所\n")
    write_tree(root, {"部门.yml": dept, "t.yml": project("梼杌研究工程", "TW-09", 300.0, unit="测试市 梼杌研究所"),
                      "p.yml": project("公开工程名称", "GK-01", 10000.0)})
    build(paths(tmp_path, root, Disclosure(secret_label="numbered")))
    assert leaks(tmp_path / "site", ["测试市梼杌研究所", "梼杌研究工程"]) == []


def test_a_department_indicator_row_withheld_in_one_year_is_withheld_in_the_other(tmp_path: Path) -> None:
    def rows(secret: bool) -> str:
        return ("绩效指标:\n  - 一级指标: 产出指标\n    三级指标: 公开部门指标\n    指标值: 公开值\n"
                "  - 一级指标: 效益指标\n    三级指标: 混沌部门指标\n    指标值: 混沌部门取值\n" + ("    涉密: true\n" if secret else ""))
    root = tmp_path / "content"
    write_tree(root, {"部门.yml": department(2024, rows(False)), "p.yml": project("公开工程名称", "GK-01", 10000.0)}, year="2024")
    write_tree(root, {"部门.yml": department(2025, rows(True)), "p.yml": project("公开工程名称", "GK-01", 10000.0)}, year="2025")
    build(paths(tmp_path, root))
    assert leaks(tmp_path / "site", ["混沌部门指标", "混沌部门取值"]) == []
    assert "公开部门指标" in every_file_text(tmp_path / "site")


@pytest.mark.parametrize("other", ("gzit-2025-sm-01", "ＧＺＩＴ２０２５ＳＭ０１", "GZIT 2025 SM 01"))
def test_two_projects_of_one_year_whose_codes_differ_only_in_form_are_e024(tmp_path: Path, other: str) -> None:
    """Else a task, the register or 上年项目 could name either: one public, one secret."""
    content = write_tree(tmp_path / "content", {"部门.yml": department(2025),
                                                "s.yml": project("混沌涉密工程", "GZIT-2025-SM-01", 100.0, 涉密=True),
                                                "p.yml": project("混沌公开工程", other, 200.0, 链接名="hundun")})
    with pytest.raises(ContentError) as caught:
        check(paths(tmp_path, content))
    assert [p.code for p in caught.value.problems if not p.is_warning] == ["E024"]
    assert "混沌涉密工程" not in str(caught.value)


def test_no_redirect_or_feed_entry_for_a_department_that_became_secret(tmp_path: Path) -> None:
    root = tmp_path / "content"
    other = DEPARTMENT.replace("测试市委政法委员会", "测试市帝江委员会").replace("链接名: ceshi", "链接名: dijiang-wei").replace('"900001"', '"900003"')
    write_tree(root, {"部门.yml": other, "p.yml": project("帝江公开工程", "DJ-01", 900.0, unit="测试市帝江委员会本级", 链接名="dijiang-gc")},
               dept="dijiang")
    write_tree(root, {"部门.yml": department(2025), "p.yml": project("公开工程名称", "GK-01", 10000.0)})
    build(paths(tmp_path, root))
    assert "dijiang-gc" in (tmp_path / "site" / "slugs.json").read_text(encoding="utf-8")
    (root / "2025" / "dijiang" / "部门.yml").write_text(other + "涉密: true\n", encoding="utf-8")
    build(paths(tmp_path, root))
    site = tmp_path / "site"
    assert leaks(site, ["测试市帝江委员会", "帝江公开工程", "dijiang-wei", "dijiang-gc", "DJ-01"]) == []
    assert not (site / "2025" / "dijiang-wei").exists()


def test_hidden_secret_projects_leave_their_tasks_without_link_or_code(tmp_path: Path) -> None:
    extra = tasks(("句芒任务名称", 700, "jm_01", "句芒任务目标"), ("公开任务名称", 10000, "GK-01", "公开任务目标"))
    content = write_tree(tmp_path / "content", {
        "部门.yml": department(2025, extra), "s.yml": project("句芒涉密工程", "JM-01", 700.0, 涉密=True),
        "p.yml": project("公开工程名称", "GK-01", 10000.0), "p2.yml": project("公开工程二", "GK-02", 3000.0)})
    build(paths(tmp_path, content, Disclosure(secret_label="hidden")))
    site = tmp_path / "site"
    assert leaks(site, ["句芒任务名称", "句芒任务目标", "句芒涉密工程", "JM-01"]) == []
    assert "shemi-" not in every_file_text(site)


def test_the_quality_review_asks_the_classifier(tmp_path: Path) -> None:
    """`check --report`: the register (in another form), a row withheld only in the other year and a
    unit listed twice make the same records secret in the review as on the site."""
    root = tmp_path / "content"
    def row(secret: bool) -> dict[str, object]:
        return {"一级指标": "产出指标", "二级指标": "数量指标", "三级指标": "蛊雕指标名称", "指标值": "蛊雕指标取值", **({"涉密": True} if secret else {})}
    def goal(secret: bool) -> dict[str, object]:
        return {"目标": "完成测试任务。", "指标": [row(secret)]}
    write_tree(root, {"部门.yml": department(2024), "g.yml": project("蛊雕公开工程", "GD-01", 100.0, 年度目标=goal(True)),
                      "p.yml": project("公开工程名称", "GK-01", 10000.0)}, year="2024")
    dept = department(2025, tasks(("蛊雕任务名称", 201, "reg 07", "蛊雕任务目标"))).replace("    链接名: fxh\n", "    链接名: fxh\n" + UNIT_LISTED_TWICE)
    write_tree(root, {"部门.yml": dept, "g.yml": project("蛊雕公开工程", "GD-01", 100.0, 年度目标=goal(False)),
                      "r.yml": project("蛊雕登记工程", "REG-07", 200.0), "u.yml": project("玄冥中心工程", "XM-01", 1333.56, unit="测试市玄冥保密中心"),
                      "p.yml": project("公开工程名称", "GK-01", 10000.0)}, year="2025")
    register = tmp_path / "register.txt"
    register.write_text("ｒｅｇ07\n", encoding="utf-8")
    config = paths(tmp_path, root).config
    report = tmp_path / "review.html"
    result = run_cli("check", "--content", str(root), "--config", str(config), "--secret-register", str(register), "--report", str(report))
    assert result.returncode == 0, result.stderr
    text = report.read_text(encoding="utf-8")
    for secret in ("蛊雕指标名称", "蛊雕指标取值", "蛊雕登记工程", "玄冥中心工程", "测试市玄冥保密中心", "蛊雕任务名称", "蛊雕任务目标", "reg 07"):
        assert secret not in text, secret
    assert "蛊雕公开工程" in text and "公开工程名称" in text


def test_the_search_index_and_its_filters_hold_nothing_the_classifier_withholds(tmp_path: Path) -> None:
    """Every cross-reference at once, with the Pagefind index and search/filters.json built."""
    root = tmp_path / "content"
    def record(year: int) -> dict[str, object]:
        fields: dict[str, Any] = {"涉密字段": ["立项依据"]} if year == 2024 else {}
        return project("英招公开工程", "YZ-01", 800.0 + year, 立项依据="英招立项依据原文", **fields)
    write_tree(root, {"部门.yml": department(2024), "y.yml": record(2024), "f.yml": project("英招去年公开", "FLIP-02", 3000.0),
                      "p.yml": project("公开工程名称", "GK-01", 10000.0)}, year="2024")
    dept = department(2025, tasks(("英招任务名称", 1500, "ＹＺ－ＳＭ－０１", "英招任务目标"))).replace(
        "    链接名: fxh\n", "    链接名: fxh\n" + UNIT_LISTED_TWICE)
    write_tree(root, {"部门.yml": dept, "y.yml": record(2025), "s.yml": project("英招涉密工程", "YZ-SM-01", 1500.0, 涉密=True),
                      "f.yml": project("英招今年涉密", "FLIP-02", 3100.0, 涉密=True),
                      "u.yml": project("玄冥中心工程", "XM-01", 1333.56, unit="测试市玄冥保密中心"),
                      "p.yml": project("公开工程名称", "GK-01", 10000.0)}, year="2025")
    build(paths(tmp_path, root, Disclosure(secret_label="code"), search=True))
    site = tmp_path / "site"
    assert any((site / "pagefind").rglob("*.pf_fragment"))
    assert leaks(site, ["英招立项依据原文", "英招任务名称", "英招任务目标", "英招涉密工程", "英招今年涉密", "玄冥中心工程", "测试市玄冥保密中心"]) == []
    filters = (site / "search" / "filters.json").read_text(encoding="utf-8")
    assert "玄冥" not in filters and "英招" not in filters
    assert "FLIP-02" not in "".join(text for label, text in output_texts(site / "2025"))
