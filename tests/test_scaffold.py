"""`build.py new department|project`: scaffolds written from the schema, every key documented,
and they pass `check` once the required values are filled in."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import example_paths, run_cli
from gongkai.source import schema as S


def _fill(path: Path, values: dict[str, str]) -> None:
    """Put values after the empty required keys, as an editor would type them."""
    text = path.read_text(encoding="utf-8")
    for key, value in values.items():
        text, count = re.subn(rf"^(\s*){re.escape(key)}:\s*$", rf"\g<1>{key}: {value}", text, count=1, flags=re.M)
        assert count == 1, key
    path.write_text(text, encoding="utf-8")


def _uncomment_block(path: Path, key: str) -> None:
    """Remove the leading '# ' from the block of an optional top-level key."""
    lines = path.read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(f"# {key}:"))
    lines[start] = lines[start][2:]
    i = start + 1
    while i < len(lines) and lines[i].startswith("#   "):
        lines[i] = lines[i][2:]
        i += 1
    path.write_text("\n".join(lines), encoding="utf-8")


def test_scaffolds_pass_check_once_filled(tmp_path: Path) -> None:
    result = run_cli("new", "department", "--content", str(tmp_path), "--year", "2026", "--slug", "ceshi-bm")
    assert result.returncode == 0, result.stderr
    dept = tmp_path / "2026" / "ceshi-bm" / "部门.yml"
    assert f"已写入：{dept}" in result.stdout
    result = run_cli("new", "project", "--content", str(tmp_path), "--year", "2026", "--department", "ceshi-bm", "--file", "ceshi")
    assert result.returncode == 0, result.stderr
    project = dept.parent / "ceshi.yml"
    for path, kind in ((dept, "department"), (project, "project")):
        assert path.read_text(encoding="utf-8").startswith(f"# yaml-language-server: $schema=../../../schema/{kind}.schema.json\n")

    unfilled = run_cli("check", "--content", str(tmp_path))
    assert unfilled.returncode == 1 and "E011" in unfilled.stderr and "部门名称" in unfilled.stderr

    _fill(dept, {"部门名称": "测试部门", "金额单位": "万元"})
    _fill(project, {"项目名称": "测试项目", "总额": "12.5"})
    result = run_cli("check", "--content", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "1 个部门，1 个项目" in result.stdout


def test_the_commented_examples_are_valid_content(tmp_path: Path) -> None:
    from gongkai.pipeline import check
    from gongkai.editor.scaffold import new_department, new_project
    dept = new_department(tmp_path, 2026, "ceshi-bm", "测试部门")
    project = new_project(tmp_path, 2026, "ceshi-bm", "ceshi", "测试项目")
    _fill(dept, {"金额单位": "元"})
    _fill(project, {"总额": "50000.00"})
    for key in ("资金支出计划", "年度目标", "审核意见", "项目属性"):
        _uncomment_block(project, key)
    for key in ("年度主要任务", "绩效指标"):
        _uncomment_block(dept, key)
    result = check(example_paths(tmp_path / "site", content=tmp_path))
    assert result.site is not None and len(result.site.departments[0].projects) == 1
    goal = result.site.departments[0].projects[0].goals[0]
    assert goal.indicators[0].level3 == "帮扶见义勇为人次"  # the seed's example, uncommented, is valid content


def test_every_schema_key_is_documented_in_the_scaffold() -> None:
    from gongkai.editor.scaffold import department_scaffold, project_scaffold

    def keys(record: S.Record) -> set[str]:
        found = set()
        for spec in record.fields:
            found.add(spec.key)
            if spec.record is not None:
                found |= keys(spec.record)
        return found

    for record, text in ((S.DEPARTMENT, department_scaffold(2026, "x")), (S.PROJECT, project_scaffold())):
        for key in keys(record):
            if key == "绩效标准":
                continue  # no seed has an example; documented on its own line
            assert re.search(rf"(^|\s){re.escape(key)}(:|（)", text, re.M), key
        for spec in record.fields:
            assert spec.doc in text


def test_refuses_bad_names_and_overwriting(tmp_path: Path) -> None:
    import pytest

    from gongkai.editor.scaffold import ScaffoldFailed, new_department, new_project
    bad = run_cli("new", "department", "--content", str(tmp_path), "--year", "2026", "--slug", "Bad Name")
    assert bad.returncode == 2 and "小写字母" in bad.stderr and "Traceback" not in bad.stderr
    with pytest.raises(ScaffoldFailed, match="new department"):
        new_project(tmp_path, 2026, "none", "x")
    new_department(tmp_path, 2026, "ok")
    with pytest.raises(ScaffoldFailed, match="已存在"):
        new_department(tmp_path, 2026, "ok")
    with pytest.raises(ScaffoldFailed, match="年度"):
        new_department(tmp_path, 26, "ok2")
