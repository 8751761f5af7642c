"""Fail closed: every ambiguous secret marker, and every bad register line, stops the build
through the real command line — exit 1, a Chinese message with file:line, nothing written,
the previous site untouched."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from conftest import run_cli
from test_redact_kit import DEPARTMENT, dump, leaks, project, write_tree

GOOD = dump(project("测试项目甲", "T1"))
ROW = GOOD.replace("    指标值: ≥2次\n", "    指标值: ≥2次\n    涉密: 是\n")

# (case, file name, text, error code, line) — line of the offending key or value in that file.
CASES = [
    ("是", "t1.yml", GOOD + "涉密: 是\n", "E014", 16),
    ("quoted-true", "t1.yml", GOOD + '涉密: "true"\n', "E014", 16),
    ("yes", "t1.yml", GOOD + "涉密: yes\n", "E014", 16),
    ("on", "t1.yml", GOOD + "涉密: on\n", "E014", 16),
    ("1", "t1.yml", GOOD + "涉密: 1\n", "E014", 16),
    ("涉秘", "t1.yml", GOOD + "涉秘: true\n", "E010", 16),
    ("是否涉密", "t1.yml", GOOD + "是否涉密: true\n", "E010", 16),
    ("涉密项目", "t1.yml", GOOD + "涉密项目: true\n", "E010", 16),
    ("bad-field", "t1.yml", GOOD + "涉密字段: [立项根据]\n", "E029", 16),
    ("row-是", "t1.yml", ROW, "E014", None),
    ("unit-yes", "部门.yml", DEPARTMENT.replace("    链接名: fxh\n", "    链接名: fxh\n    涉密: \"yes\"\n"), "E014", 12),
    ("department-否", "部门.yml", DEPARTMENT + "涉密: 否\n", "E014", 12),
]


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def previous_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("markers")
    content = write_tree(root / "content", {"部门.yml": DEPARTMENT, "t1.yml": GOOD})
    result = run_cli("build", "--content", str(content), "--out", str(root / "site"), "--config", str(root / "none.yml"))
    assert result.returncode == 0, result.stderr
    return root / "site"


def _assert_refused(result: object, out: Path, before: dict[str, str], code: str, where: str) -> None:
    stderr = result.stderr  # type: ignore[attr-defined]
    assert result.returncode == 1, stderr  # type: ignore[attr-defined]
    assert code in stderr and "错误" in stderr and "修改方法" in stderr
    assert re.search(re.escape(where), stderr), stderr
    assert "Traceback" not in stderr
    assert "原有网站保持不变" in stderr
    assert digest(out) == before
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".site")]
    assert not (out.parent / "reports").exists()


@pytest.mark.parametrize("case,name,text,code,line", CASES, ids=[c[0] for c in CASES])
def test_an_ambiguous_marker_stops_the_build(tmp_path: Path, previous_site: Path, case: str, name: str, text: str,
                                             code: str, line: int | None) -> None:
    files = {"部门.yml": DEPARTMENT, "t1.yml": GOOD}
    files[name] = text
    content = write_tree(tmp_path / "content", files)
    out = tmp_path / "site"
    shutil.copytree(previous_site, out)
    before = digest(out)
    result = run_cli("build", "--content", str(content), "--out", str(out), "--config", str(tmp_path / "none.yml"))
    where = f"{name}:{line}:" if line else f"{name}:"
    _assert_refused(result, out, before, code, where)


def test_a_misspelled_key_gets_a_did_you_mean_hint(tmp_path: Path) -> None:
    content = write_tree(tmp_path / "content", {"部门.yml": DEPARTMENT, "t1.yml": GOOD + "涉秘: true\n"})
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 1 and "您是不是想写“涉密”" in result.stderr


def test_space_before_the_colon_is_still_the_marker_and_the_project_is_withheld(tmp_path: Path) -> None:
    # YAML reads `涉密 : true` as the key 涉密 itself, so there is nothing ambiguous left: secret.
    content = write_tree(tmp_path / "content", {"部门.yml": DEPARTMENT, "t1.yml": GOOD.replace("测试项目甲", "空格标记项目") + "涉密 : true\n",
                                                "t2.yml": dump(project("公开项目乙", "T2"))})
    result = run_cli("build", "--content", str(content), "--out", str(tmp_path / "site"), "--config", str(tmp_path / "none.yml"))
    assert result.returncode == 0, result.stderr
    assert leaks(tmp_path / "site", ["空格标记项目"]) == []


def test_an_empty_marker_stops_the_build(tmp_path: Path) -> None:
    content = write_tree(tmp_path / "content", {"部门.yml": DEPARTMENT, "t1.yml": GOOD + "涉密:\n"})
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 1 and "E014" in result.stderr


# ---- the secret register ---------------------------------------------------------------------

REGISTER_CASES = [
    ("unknown-code", "# 保密室登记册\nT1\nT9-不存在\n", "E030", 3),
    ("two-codes", "T1 T2\n", "E030", 1),
]


@pytest.mark.parametrize("case,text,code,line", REGISTER_CASES, ids=[c[0] for c in REGISTER_CASES])
def test_a_bad_register_stops_the_build(tmp_path: Path, previous_site: Path, case: str, text: str, code: str, line: int) -> None:
    content = write_tree(tmp_path / "content", {"部门.yml": DEPARTMENT, "t1.yml": GOOD})
    register = tmp_path / "baomi" / "register.txt"
    register.parent.mkdir()
    register.write_text(text, encoding="utf-8")
    out = tmp_path / "site"
    shutil.copytree(previous_site, out)
    before = digest(out)
    result = run_cli("build", "--content", str(content), "--out", str(out), "--config", str(tmp_path / "none.yml"),
                     "--secret-register", str(register))
    _assert_refused(result, out, before, code, f"register.txt:{line}:")
    for command in ("check", "audit"):
        args = [command, "--content", str(content), "--secret-register", str(register)] + ([str(out)] if command == "audit" else [])
        assert run_cli(*args).returncode == 1


def test_a_register_inside_content_is_refused(tmp_path: Path) -> None:
    content = write_tree(tmp_path / "content", {"部门.yml": DEPARTMENT, "t1.yml": GOOD})
    register = content / "register.txt"
    register.write_text("T1\n", encoding="utf-8")
    result = run_cli("check", "--content", str(content), "--secret-register", str(register))
    assert result.returncode == 1 and "E030" in result.stderr and "content" in result.stderr


def test_the_register_marks_projects_secret_and_is_never_published(tmp_path: Path) -> None:
    content = write_tree(tmp_path / "content", {"部门.yml": DEPARTMENT, "t1.yml": dump(project("登记册中的项目", "T1", 立项依据="登记册项目的依据")),
                                                "t2.yml": dump(project("公开项目乙", "T2"))})
    register = tmp_path / "baomi-register.txt"
    register.write_text("# 保密室 2025 年登记册\n t1 # 编码大小写、空格不同也能对上\n", encoding="utf-8")
    out = tmp_path / "site"
    result = run_cli("build", "--content", str(content), "--out", str(out), "--config", str(tmp_path / "none.yml"),
                     "--secret-register", str(register))
    assert result.returncode == 0, result.stderr
    assert leaks(out, ["登记册中的项目", "登记册项目的依据", "保密室", "baomi-register"]) == []
    assert "公开项目乙" in (out / "2025" / "ceshi" / "index.html").read_text(encoding="utf-8")
    audit = run_cli("audit", "--content", str(content), "--secret-register", str(register), str(out))
    assert audit.returncode == 0, audit.stderr
