"""The command line as a user meets it: exit codes, Chinese errors, the previous site kept."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from contentkit import PROJECT, minimal


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_check_names_file_line_and_problem_in_chinese(tmp_path: Path) -> None:
    minimal(tmp_path, PROJECT.replace("项目编码", "项目编玛").replace("财政拨款: 1000.00", "财政拨款: 900.00"))
    result = run_cli("check", "--content", str(tmp_path))
    assert result.returncode == 1
    assert "t0001.yml:3:1" in result.stderr and "未知的键" in result.stderr and "项目编码" in result.stderr
    assert "t0001.yml:6:" in result.stderr and "资金来源之和与总额不符" in result.stderr
    assert "Traceback" not in result.stderr


def test_failed_build_leaves_the_previous_site_untouched(tmp_path: Path) -> None:
    content, out = minimal(tmp_path / "content"), tmp_path / "site"
    assert run_cli("build", "--content", str(content), "--out", str(out)).returncode == 0
    before = tree_digest(out)
    (content / "2025" / "ceshi" / "t0001.yml").write_text(PROJECT.replace("1000.00", "abc"), encoding="utf-8")
    result = run_cli("build", "--content", str(content), "--out", str(out))
    assert result.returncode == 1 and "原有网站保持不变" in result.stderr
    assert tree_digest(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


def test_build_writes_the_site_and_reports(tmp_path: Path) -> None:
    result = run_cli("build", "--out", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    assert "构建完成" in result.stdout and (tmp_path / "site" / "index.html").exists()


@pytest.mark.parametrize("command", ["build", "check", "serve", "audit"])
def test_every_command_has_help(command: str) -> None:
    result = run_cli(command, "--help")
    assert result.returncode == 0 and "usage" in result.stdout.lower()


def test_usage_errors_exit_2() -> None:
    assert run_cli("build", "--no-such-flag").returncode == 2
    assert run_cli("no-such-command").returncode == 2


def test_audit_passes_on_a_clean_build_and_fails_on_a_planted_leak(tmp_path: Path, example_site: Path) -> None:
    assert run_cli("audit", str(example_site)).returncode == 0
    planted = tmp_path / "planted"
    planted.mkdir()
    (planted / "index.html").write_text("<p>样例涉密内容</p>", encoding="utf-8")
    result = run_cli("audit", str(planted))
    assert result.returncode == 1 and "index.html" in result.stderr


def test_content_files_reference_the_generated_schema() -> None:
    for path in (ROOT / "content").rglob("*.yml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        kind = "department" if path.name == "部门.yml" else "project"
        assert first == f"# yaml-language-server: $schema=../../../schema/{kind}.schema.json", path
