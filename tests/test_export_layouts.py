"""`build.py export`: each example department written in its own seed layout as .xlsx, then
imported back next to a copy of its 部门.yml, gives the same content model (import ∘ export = id).

Secret projects are exported as the public tables show them (code, amounts, standard wording), so
for them the round trip keeps what is public (code, amounts, unit, the secret marker) and the
exported sheet never holds their internal content."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from gongkai.source.load import load_tree
from gongkai.source.model import Department, Project
from gongkai.source.validate import build_site

CASES = [(2025, "yutian-zfw", "yutian", []), (2023, "guangzhou-zfw", "guangzhou", []),
         (2023, "ezhou-zfw", "ezhou", ["--department", "中共鄂州市委政法委员会"])]


def department(content: Path, slug: str) -> Department:
    site, _ = build_site(load_tree(content), content)
    return next(d for d in site.departments if d.slug == slug)


def comparable(project: Project) -> object:
    """The model without where it was read from (file, line numbers)."""
    if project.secret:
        return (project.code, project.money, project.unit, project.secret)
    goals = tuple(dataclasses.replace(g, indicators=tuple(dataclasses.replace(i, line=0) for i in g.indicators))
                  for g in project.goals)
    return dataclasses.replace(project, file="", goals=goals)


@pytest.mark.parametrize("year,slug,layout,extra", CASES, ids=[c[2] for c in CASES])
def test_round_trip_is_lossless(tmp_path: Path, year: int, slug: str, layout: str, extra: list[str]) -> None:
    sheet = tmp_path / f"{layout}.xlsx"
    result = run_cli("export", "--year", str(year), "--department", slug, "--layout", layout, "--out", str(sheet))
    assert result.returncode == 0, result.stderr
    content = tmp_path / "content"
    (content / str(year) / slug).mkdir(parents=True)
    shutil.copy(ROOT / "content" / str(year) / slug / "部门.yml", content / str(year) / slug)
    result = run_cli("import", str(sheet), "--content", str(content), "--year", str(year), *extra)
    assert result.returncode == 0, result.stderr
    assert "未能对应" not in result.stdout, result.stdout
    original = {p.code or p.name: comparable(p) for p in department(ROOT / "content", slug).projects}
    again = {p.code or p.name: comparable(p) for p in department(content, slug).projects}
    assert again == original


def _cells(path: Path) -> str:
    from openpyxl import load_workbook
    book = load_workbook(path)
    return "\n".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None)


def test_secret_content_never_leaves_in_an_export(tmp_path: Path) -> None:
    sheet = tmp_path / "gz.xlsx"
    assert run_cli("export", "--year", "2023", "--department", "guangzhou-zfw", "--layout", "guangzhou", "--out", str(sheet)).returncode == 0
    text = _cells(sheet)
    assert "样例涉密内容" not in text
    assert "WWZXJF" in text and "涉密项目。按照预算编制要求和保密法及其实施条例相关规定，不对外公开。" in text


def test_export_looks_like_the_source_and_is_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for out in (first, second):
        assert run_cli("export", "--year", "2023", "--department", "ezhou-zfw", "--layout", "ezhou", "--out", str(out)).returncode == 0
    assert first.read_bytes() == second.read_bytes()
    from openpyxl import load_workbook
    ws = load_workbook(first).active
    assert [ws.cell(1, c).value for c in range(1, 7)] == ["项目名称", "市综治中心专项工作经费", "项目类别", "本级支出项目", "项目性质", "持续性项目"]
    assert "280万" in _cells(first) and any(str(r) for r in ws.merged_cells.ranges)


def test_unknown_department_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("export", "--year", "2025", "--department", "nowhere", "--layout", "yutian", "--out", str(tmp_path / "x.xlsx"))
    assert result.returncode == 2 and "没有找到" in result.stderr and "yutian-zfw" in result.stderr


def test_yutian_department_overview_round_trips(tmp_path: Path) -> None:
    """The 玉田 sheet also carries 第一部分 (overall goal, tasks, measures): imported into an empty
    folder, the department keeps them."""
    sheet = tmp_path / "yt.xlsx"
    assert run_cli("export", "--year", "2025", "--department", "yutian-zfw", "--layout", "yutian", "--out", str(sheet)).returncode == 0
    content = tmp_path / "content"
    result = run_cli("import", str(sheet), "--content", str(content), "--year", "2025", "--slug", "yutian-zfw")
    assert result.returncode == 0 and "未能对应" not in result.stdout, result.stdout + result.stderr
    want, got = department(ROOT / "content", "yutian-zfw"), department(content, "yutian-zfw")
    for name in ("name", "code", "unit", "goal", "tasks", "measures", "total", "note", "units"):
        assert getattr(got, name) == getattr(want, name), name


def test_every_kind_of_secret_stays_out_of_exports(tmp_path: Path) -> None:
    """Secret by marker, by unit, by the register, secret fields and secret indicator rows: the
    exported sheet holds what the public tables show, in every layout."""
    content = tmp_path / "content"
    folder = content / "2026" / "ceshi"
    folder.mkdir(parents=True)
    head = "# yaml-language-server: $schema=../../../schema/{}.schema.json\n"
    (folder / "部门.yml").write_text(head.format("department") + """部门名称: 测试部门
年度: 2026
金额单位: 万元
单位:
  - 单位名称: 测试部门
  - 单位名称: 内部机密单位甲
    涉密: true
""", encoding="utf-8")
    projects = {
        "a": "项目名称: 机密名称甲\n项目编码: A001\n涉密: true\n",
        "b": "项目名称: 机密名称乙\n项目编码: B001\n实施单位: 内部机密单位甲\n",
        "c": "项目名称: 机密名称丙\n项目编码: C001\n",
        "d": "项目名称: 公开项目丁\n项目编码: D001\n涉密字段: [立项依据]\n立项依据: 机密依据丁\n",
        "e": "项目名称: 无编码机密项目戊\n涉密: true\n",
    }
    rows = """年度目标:
  目标: 公开目标
  指标:
    - 一级指标: 产出指标
      三级指标: 公开指标
      指标值: ≥1次
    - 一级指标: 产出指标
      三级指标: 机密指标己
      指标值: 机密指标值己
      涉密: true
"""
    for name, body in projects.items():
        (folder / f"{name}.yml").write_text(head.format("project") + body + "资金:\n  总额: 10\n" + rows, encoding="utf-8")
    register = tmp_path / "register.txt"
    register.write_text("C001  # 保密室登记\n", encoding="utf-8")
    for layout in ("yutian", "guangzhou", "ezhou"):
        sheet = tmp_path / f"{layout}.xlsx"
        result = run_cli("export", "--content", str(content), "--year", "2026", "--department", "ceshi", "--layout", layout,
                         "--out", str(sheet), "--secret-register", str(register))
        assert result.returncode == 0, result.stderr
        text = _cells(sheet)
        assert "机密" not in text, (layout, [line for line in text.splitlines() if "机密" in line])
        assert "公开项目丁" in text and "公开指标" in text and "A001" in text and "C001" in text
