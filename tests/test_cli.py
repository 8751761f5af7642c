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


def _problem_lines(stderr: str) -> list[tuple[str, int, str]]:
    found = []
    for line in stderr.splitlines():
        parts = line.split(": ", 1)
        if len(parts) == 2 and (" 错误 " in f" {parts[1]}" or " 警告 " in f" {parts[1]}"):
            file, number, _column = parts[0].rsplit(":", 2)
            found.append((file.rsplit("/", 1)[-1], int(number), parts[1].split()[1]))
    return found


def test_ten_problems_in_three_files_come_in_one_run_sorted(tmp_path: Path) -> None:
    """A YAML syntax error in 部门.yml hides nothing: both projects under it are still checked."""
    from contentkit import DEPARTMENT, write_tree
    broken_department = DEPARTMENT.replace("年度: 2025", "年度: 2025\n备注: 说明: 见附件")
    first = (PROJECT.replace("项目编码", "项目编玛").replace("财政拨款: 1000.00", "财政拨款: 900.00")
             .replace("6月底: 50%", "6月底: 60%\n  9月底: 50%").replace("12月底: 100%", "12月底: 90%")
             + "涉密: 是\n")
    second = (PROJECT.replace("T0001", "T0002").replace("总额: 1000.00", "总额: 60万").replace("  财政拨款: 1000.00\n", "")
              .replace("6月底: 50%", "6月底: 一半") + "审核意见:\n  日期: 2024-02-30\n来源: 玉田\n来 源: 重复\n")
    write_tree(tmp_path, {"部门.yml": broken_department, "t0001.yml": first, "t0002.yml": second})
    result = run_cli("check", "--content", str(tmp_path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    found = _problem_lines(result.stderr)
    assert found == sorted(found, key=lambda f: (f[0], f[1]))
    assert [(f, c) for f, _, c in found] == [
        ("t0001.yml", "E010"), ("t0001.yml", "E020"), ("t0001.yml", "E022"), ("t0001.yml", "E023"), ("t0001.yml", "E014"),
        ("t0002.yml", "E013"), ("t0002.yml", "E016"), ("t0002.yml", "E015"), ("t0002.yml", "E010"),
        ("部门.yml", "E002")]
    assert "E028" not in result.stderr and "发现 10 个错误" in result.stderr
    assert '把第 6 行改为：备注: "说明: 见附件"' in result.stderr


def test_acknowledged_warnings_are_counted_not_listed(tmp_path: Path) -> None:
    misfiled = PROJECT.replace("      二级指标: 数量指标\n      三级指标: 完成次数", "      二级指标: 社会效益指标\n      三级指标: 群众满意度")
    minimal(tmp_path, misfiled)
    shown = run_cli("check", "--content", str(tmp_path))
    assert shown.returncode == 0 and "W101" in shown.stderr and "1 条警告" in shown.stdout
    minimal(tmp_path, misfiled + "已知警告: [W101]\n")
    quiet = run_cli("check", "--content", str(tmp_path))
    assert quiet.returncode == 0 and "W101" not in quiet.stderr
    assert "0 条警告（另有 1 条已知警告" in quiet.stdout
    minimal(tmp_path, misfiled + "已知警告: [W101, E020]\n")
    refused = run_cli("check", "--content", str(tmp_path))
    assert refused.returncode == 1 and "E018" in refused.stderr and "“E020”不是警告代码" in refused.stderr


def test_the_example_acknowledges_the_warnings_of_its_source_data(tmp_path: Path) -> None:
    """Every warning of the example comes from its source documents and is acknowledged where it
    stands; without the 已知警告 lines the same warnings are listed one by one."""
    import re
    import shutil
    result = run_cli("check")
    assert result.returncode == 0 and "W101" not in result.stderr
    acknowledged = int(re.search(r"0 条警告（另有 (\d+) 条已知警告", result.stdout).group(1))  # type: ignore[union-attr]
    bare = tmp_path / "content"
    shutil.copytree(ROOT / "content", bare)
    for path in bare.rglob("*.yml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"^已知警告: .*\n", "", text, flags=re.M), encoding="utf-8")
    listed = run_cli("check", "--content", str(bare))
    assert listed.returncode == 0 and acknowledged == listed.stderr.count(" 警告 W") > 0


def test_a_broken_config_does_not_hide_the_contents_problems(tmp_path: Path) -> None:
    content = minimal(tmp_path / "content", PROJECT.replace("项目编码", "项目编玛"))
    config = tmp_path / "site_config.yml"
    config.write_text("site_name: 测试\nsearch: 也许\n", encoding="utf-8")
    result = run_cli("check", "--content", str(content), "--config", str(config))
    assert result.returncode == 1 and "C001" in result.stderr and "E010" in result.stderr
