"""The audit's exemptions come from the source content, never from the public model.

Attacks: a withheld text (a secret project's name, its withheld code, a secret unit's name, a
sentence of its goal or basis) copied into public source text fails `check` with E040 naming
both places; `公开文字` in the secret record lets it pass and lists it in the redaction report; a
deliberately broken redaction that copies a secret into the public model is caught by the audit.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import run_cli
from test_redact_kit import DEPARTMENT, dump, leaks, paths, project, write_tree

from gongkai.disclosure import redact
from gongkai.errors import ContentError
from gongkai.leaks import normalise
from gongkai.pipeline import AuditFailed, build, check
from gongkai.public import PublicProject
from gongkai.source.config import Disclosure

SECRET = "秘密测试工程名称"
GOAL = "建成秘密测试指挥平台，覆盖全部测试站点。"
GOAL_SENTENCE = "覆盖全部测试站点"
BASIS = "依据某保密批复设立，用于秘密测试。"
SECRET_UNIT = "测试市保密技术中心"
NUMBERED = Disclosure(secret_label="numbered")


def _tree(tmp: Path, public: dict | None = None, secret: dict | None = None, department: str = DEPARTMENT) -> Path:
    secret_project = project(SECRET, "MM001", 2000.0, 涉密=True, 立项依据=BASIS)
    secret_project["年度目标"]["目标"] = GOAL
    secret_project.update(secret or {})
    return write_tree(tmp / "content", {"部门.yml": department,
                                        "a.yml": dump(project("公开测试项目", "GK001", 3000.0, **(public or {}))),
                                        "s.yml": dump(secret_project)})


def _problems(tmp: Path, content: Path, rules: Disclosure | None = None) -> list[str]:
    with pytest.raises(ContentError) as caught:
        check(paths(tmp, content, rules))
    return [p.format() for p in caught.value.problems]


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def test_a_secret_name_in_a_public_basis_fails_check_naming_both_places(tmp_path: Path) -> None:
    content = _tree(tmp_path, {"立项依据": f"参照{SECRET}的做法立项。"})
    folder = content / "2025" / "ceshi"
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if "E040" in line]
    assert errors, result.stderr
    public_at = f"a.yml:{_line_of(folder / 'a.yml', '立项依据')}"
    secret_at = f"s.yml:{_line_of(folder / 's.yml', SECRET)}"
    assert any(public_at in e and secret_at in e and "立项依据" in e and "项目名称" in e for e in errors), errors
    assert SECRET not in result.stderr  # the message names places, it is not another copy of the secret
    assert "公开文字" in result.stderr  # and says how to declare it


@pytest.mark.parametrize("where, text", [
    ("task name", f"{SECRET}配套经费"),
    ("task goal", f"配合{GOAL_SENTENCE}的工作"),
    ("department goal", f"全年{GOAL_SENTENCE}，维护稳定。"),
    ("department measures", f"按{BASIS}执行"),
    ("indicator description", f"含{SECRET}的验收"),
    ("review opinion", f"同意，并入{SECRET}"),
    ("note with spaces and full width", "参照 秘密 测试 工程 名称 执行"),
])
def test_a_withheld_text_inside_any_public_text_fails_check(tmp_path: Path, where: str, text: str) -> None:
    public: dict = {}
    department = DEPARTMENT
    if where == "task name":
        department += f"年度主要任务:\n  - 任务名称: {text}\n    项目编码: GK001\n"
    elif where == "task goal":
        department += f"年度主要任务:\n  - 任务名称: 公开任务\n    项目编码: GK001\n    绩效目标: {text}\n"
    elif where == "department goal":
        department += f"整体绩效目标: {text}\n"
    elif where == "department measures":
        department += f"工作保障措施: {text}\n"
    elif where == "indicator description":
        public = {"年度目标": {"目标": "完成公开任务。", "指标": [
            {"一级指标": "产出指标", "二级指标": "数量指标", "三级指标": "验收次数", "绩效指标描述": text, "指标值": "≥1次"}]}}
    elif where == "review opinion":
        public = {"审核意见": {"意见": text}}
    else:
        public = {"备注": text}
    content = _tree(tmp_path, public, department=department)
    problems = _problems(tmp_path, content)
    assert any("E040" in p and "s.yml:" in p for p in problems), problems


def test_a_withheld_code_in_public_text_fails_when_codes_are_withheld(tmp_path: Path) -> None:
    content = _tree(tmp_path, {"备注": "与 MM001 同期实施"})
    problems = _problems(tmp_path, content, NUMBERED)
    assert any("E040" in p and "备注" in p and "项目编码" in p for p in problems), problems
    # With secret_label: code the code is the project's public label: no error.
    check(paths(tmp_path, content, Disclosure(secret_label="code")))


def test_a_secret_unit_name_in_a_public_text_fails_check(tmp_path: Path) -> None:
    department = DEPARTMENT + f"  - 单位名称: {SECRET_UNIT}\n    涉密: true\n"
    content = _tree(tmp_path, {"资金用途": f"委托{SECRET_UNIT}开发"}, department=department)
    problems = _problems(tmp_path, content)
    assert any("E040" in p and "资金用途" in p and "部门.yml" in p and "单位" in p for p in problems), problems


def test_a_public_slug_spelling_a_secret_name_fails_check(tmp_path: Path) -> None:
    from gongkai.slugs import pinyin_words
    content = _tree(tmp_path, {"链接名": "-".join(pinyin_words(SECRET))})
    problems = _problems(tmp_path, content)
    assert any("E040" in p and "链接名" in p for p in problems), problems


def test_a_generic_text_that_is_a_whole_public_value_is_exempt(tmp_path: Path) -> None:
    # The secret project's indicator and goal wording equal public fields whole: shared wording.
    content = _tree(tmp_path, {"年度目标": {"目标": GOAL, "指标": [
        {"一级指标": "产出指标", "二级指标": "数量指标", "三级指标": "完成次数", "指标值": "≥2次"}]}})
    result = build(paths(tmp_path, content, search=True))
    assert result.public is not None and normalise(GOAL) in result.public.exempt.forms
    assert leaks(tmp_path / "site", [SECRET, BASIS]) == []


def test_the_declaration_key_lets_it_pass_and_the_report_lists_it(tmp_path: Path) -> None:
    content = _tree(tmp_path, {"立项依据": f"参照{SECRET}的做法立项。"}, {"公开文字": [SECRET]})
    result = build(paths(tmp_path, content))
    assert SECRET in (tmp_path / "site" / "2025" / "ceshi" / "gk001" / "index.html").read_text(encoding="utf-8")
    assert result.redaction is not None and [d.text for d in result.redaction.declared] == [SECRET]
    report = json.loads((tmp_path / "reports" / "redaction-report.json").read_text(encoding="utf-8"))
    (entry,) = report["声明公开的文字"]
    assert entry["文字"] == SECRET and entry["位置"].startswith("content/2025/ceshi/s.yml:") and any("项目名称" in c for c in entry["涉及"])
    assert "公开文字" in (tmp_path / "reports" / "redaction-report.md").read_text(encoding="utf-8")
    # The basis is not declared: still searched, still withheld.
    assert leaks(tmp_path / "site", [BASIS]) == []


def test_a_declaration_that_matches_nothing_is_a_warning_and_exempts_nothing(tmp_path: Path) -> None:
    content = _tree(tmp_path, {"立项依据": f"参照{SECRET}的做法立项。"}, {"公开文字": ["与本项目无关的文字"]})
    with pytest.raises(ContentError) as caught:
        check(paths(tmp_path, content))
    assert any(p.code == "E040" for p in caught.value.problems)
    ok = _tree(tmp_path / "ok", secret={"公开文字": ["与本项目无关的文字"]})
    result = check(paths(tmp_path / "ok", ok))
    assert any(p.code == "W103" and "s.yml" in p.file for p in result.warnings)


def test_a_declaration_in_a_public_file_does_not_exempt_a_secret_of_another(tmp_path: Path) -> None:
    content = _tree(tmp_path, {"立项依据": f"参照{SECRET}的做法立项。", "公开文字": [SECRET]})
    problems = _problems(tmp_path, content)
    assert any("E040" in p for p in problems), problems


def test_a_broken_redaction_is_caught_by_the_audit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Redaction copies the secret project's 立项依据 and name into its public page: the public model
    # now holds them, and an audit that exempted what the public model publishes would pass.
    real = redact._secret_project

    def leaky(project, label, slug, dept, unit, rules, out, show_amount):  # type: ignore[no-untyped-def]
        shown = real(project, label, slug, dept, unit, rules, out, show_amount)
        return PublicProject(**{**shown.__dict__, "basis": project.basis, "note": project.name})

    monkeypatch.setattr(redact, "_secret_project", leaky)
    content = _tree(tmp_path)
    with pytest.raises(AuditFailed) as caught:
        build(paths(tmp_path, content, search=True))
    messages = "\n".join(h.format() for h in caught.value.hits)
    assert "s.yml: 立项依据" in messages and "s.yml: 项目名称" in messages
    assert not (tmp_path / "site").exists()


def test_a_broken_redaction_of_a_field_is_caught_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 涉密字段 [立项依据] on a public project, and a redaction that forgets it.
    real = redact._public_project

    def forgetting(project, *args, **kwargs):  # type: ignore[no-untyped-def]
        shown = real(project, *args, **kwargs)
        return PublicProject(**{**shown.__dict__, "basis": project.basis})

    monkeypatch.setattr(redact, "_public_project", forgetting)
    content = write_tree(tmp_path / "content", {"部门.yml": DEPARTMENT,
                                                "a.yml": dump(project("公开测试项目", "GK001", 3000.0, 立项依据=BASIS, 涉密字段=["立项依据"]))})
    with pytest.raises(AuditFailed) as caught:
        build(paths(tmp_path, content))
    assert any("a.yml: 立项依据" in h.format() for h in caught.value.hits)


def test_the_example_site_checks_without_new_errors() -> None:
    result = run_cli("check")
    assert result.returncode == 0, result.stderr
    assert not re.search(r"E040|W103", result.stderr)


@pytest.mark.parametrize("field", ["备注", "来源", "立项依据"])
def test_a_secret_name_as_the_whole_value_of_a_public_field_is_no_shared_wording(tmp_path: Path, field: str) -> None:
    content = _tree(tmp_path, {field: SECRET})
    problems = _problems(tmp_path, content)
    assert any("E040" in p and field in p and "s.yml:" in p for p in problems), problems
    declared = _tree(tmp_path / "declared", {field: SECRET}, {"公开文字": [SECRET]})
    build(paths(tmp_path / "declared", declared))


@pytest.mark.parametrize("written", ["参照秘密**测试**工程名称执行", "参照<b>秘密测试</b>工程名称执行", "参照[秘密测试工程](#a)名称执行",
                                     "参照ＭＩＭＩ ceshi gongcheng mingcheng 执行", "参照秘密&#27979;试工程名称执行"])
def test_a_withheld_name_in_markup_pinyin_or_entities_is_still_found_at_check(tmp_path: Path, written: str) -> None:
    content = _tree(tmp_path, {"立项依据": written})
    problems = _problems(tmp_path, content)
    assert any("E040" in p and "立项依据" in p for p in problems), problems


def test_a_redaction_that_also_forgets_to_list_what_it_withheld_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Worse than a copied field: redaction neither withholds the basis nor lists it for the audit.
    # The source still marks the record secret (涉密: true), and that is what the needles come from.
    real = redact._secret_project

    def leaky(project, label, slug, dept, unit, rules, out, show_amount):  # type: ignore[no-untyped-def]
        shown = real(project, label, slug, dept, unit, rules, out, show_amount)
        return PublicProject(**{**shown.__dict__, "basis": project.basis})

    monkeypatch.setattr(redact, "_hide_whole_project", lambda project, rule, rules, out: None)
    monkeypatch.setattr(redact, "_secret_project", leaky)
    content = _tree(tmp_path)
    with pytest.raises(AuditFailed) as caught:
        build(paths(tmp_path, content))
    assert any("s.yml: 立项依据" in h.format() for h in caught.value.hits)
    assert not (tmp_path / "site").exists()


def test_a_secret_of_another_year_in_public_text_fails_check(tmp_path: Path) -> None:
    content = write_tree(tmp_path / "content", {"部门.yml": DEPARTMENT.replace("年度: 2025", "年度: 2024"),
                                                "s.yml": dump(project(SECRET, "MM001", 2000.0, 涉密=True))}, year="2024")
    write_tree(content, {"部门.yml": DEPARTMENT, "a.yml": dump(project("公开测试项目", "GK001", 3000.0, 立项依据=f"延续{SECRET}。"))})
    problems = _problems(tmp_path, content)
    assert any("E040" in p and "2025/ceshi/a.yml" in p and "2024/ceshi/s.yml" in p for p in problems), problems


def test_a_secret_department_name_in_another_department_fails_check(tmp_path: Path) -> None:
    secret_department = DEPARTMENT.replace("测试市委政法委员会", "测试市保密工作委员会").replace("测试市委政法委", "测试市保密委")
    secret_department = secret_department.replace("链接名: ceshi", "链接名: baomi") + "涉密: true\n"
    content = write_tree(tmp_path / "content", {"部门.yml": secret_department,
                                                "s.yml": dump(project("保密委项目", "BM001", 100.0, unit="测试市保密工作委员会本级"))}, dept="baomi")
    write_tree(content, {"部门.yml": DEPARTMENT + "整体绩效目标: 配合测试市保密工作委员会开展工作。\n",
                         "a.yml": dump(project("公开测试项目", "GK001", 3000.0))})
    problems = _problems(tmp_path, content)
    assert any("E040" in p and "ceshi/部门.yml" in p and "baomi/部门.yml" in p and "部门名称" in p for p in problems), problems


def test_a_register_project_name_in_public_text_fails_check(tmp_path: Path) -> None:
    content = write_tree(tmp_path / "content", {"部门.yml": DEPARTMENT, "r.yml": dump(project("登记册测试工程", "GZIT-2022-R1", 500.0)),
                                                "a.yml": dump(project("公开测试项目", "GK001", 3000.0, 资金用途="用于登记册测试工程的配套。"))})
    register = tmp_path / "register.txt"
    register.write_text("gzit2022r1  # other case and separators\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        check(paths(tmp_path, content, secret_register=register))
    assert any(p.code == "E040" and "r.yml" in p.detail for p in caught.value.problems), [p.format() for p in caught.value.problems]


def test_the_same_name_on_a_public_record_of_another_year_is_not_copied_wording(tmp_path: Path) -> None:
    # Public in 2024, secret in 2025 under the same name: the name is published in its own right
    # (whether the two may be linked is the classifier's cross-year question, not E040); a sentence
    # of the secret year's goal written into a public basis is still E040.
    secret = project(SECRET, "MM001", 2000.0, 涉密=True)
    secret["年度目标"]["目标"] = GOAL
    content = write_tree(tmp_path / "content", {"部门.yml": DEPARTMENT.replace("年度: 2025", "年度: 2024"),
                                                "p.yml": dump(project(SECRET, "MM001", 2000.0))}, year="2024")
    write_tree(content, {"部门.yml": DEPARTMENT, "s.yml": dump(secret), "a.yml": dump(project("公开测试项目", "GK001", 3000.0))})
    check(paths(tmp_path, content))
    (content / "2025" / "ceshi" / "a.yml").write_text(dump(project("公开测试项目", "GK001", 3000.0, 立项依据=f"为{GOAL_SENTENCE}立项。")),
                                                      encoding="utf-8")
    problems = _problems(tmp_path, content)
    assert any("E040" in p and "2025/ceshi/a.yml" in p and "2025/ceshi/s.yml" in p for p in problems), problems
