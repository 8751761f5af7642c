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


# ---- every department in every layout, imported with no flag but the year -----------------------

DEPARTMENTS = [(2025, "yutian-zfw"), (2023, "guangzhou-zfw"), (2023, "ezhou-zfw")]
LAYOUTS = ["yutian", "guangzhou", "ezhou"]


def _plain(value: object) -> object:
    """YAML data compared as content: numbers by value (50000.00 = 50000), empty values dropped."""
    from decimal import Decimal

    from gongkai.source.load import YamlNumber
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, YamlNumber):
        return Decimal(value)
    return value.strip() if isinstance(value, str) else value


def _files(folder: Path) -> tuple[object, dict[str, object]]:
    """部门.yml's data and each project's data by its code (or name)."""
    docs = {p.name: _plain(yaml_data(p)) for p in sorted(folder.glob("*.yml"))}
    dept = docs.pop("部门.yml")
    return dept, {str(d.get("项目编码") or d["项目名称"]): d for d in docs.values()}  # type: ignore[union-attr]


def yaml_data(path: Path) -> object:
    from gongkai.source.load import read_document
    return read_document(path, path.parent).data


def _export_import(tmp_path: Path, year: int, slug: str, layout: str, content_from: Path = ROOT / "content",
                   import_year: int | None = None) -> Path:
    sheet = tmp_path / f"{slug}-{layout}.xlsx"
    result = run_cli("export", "--content", str(content_from), "--year", str(year), "--department", slug, "--layout", layout,
                     "--out", str(sheet))
    assert result.returncode == 0, result.stderr
    content = tmp_path / "content"
    result = run_cli("import", str(sheet), "--content", str(content), "--year", str(import_year or year))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "未能对应" not in result.stdout, result.stdout
    return content


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("year,slug", DEPARTMENTS, ids=[d[1] for d in DEPARTMENTS])
def test_every_department_round_trips_through_every_layout(tmp_path: Path, year: int, slug: str, layout: str) -> None:
    content = _export_import(tmp_path, year, slug, layout)
    assert [p.name for p in (content / str(year)).iterdir()] == [slug]
    want_dept, want = _files(ROOT / "content" / str(year) / slug)
    got_dept, got = _files(content / str(year) / slug)
    assert got_dept == want_dept
    assert sorted(got) == sorted(want)
    for key, data in want.items():
        if data.get("涉密") is True:  # type: ignore[union-attr]
            public = {k: got[key].get(k) for k in ("项目编码", "资金", "涉密")}  # type: ignore[union-attr]
            assert public == {k: data.get(k) for k in ("项目编码", "资金", "涉密")}, key  # type: ignore[union-attr]
        else:
            assert got[key] == data, key
    original, again = department(ROOT / "content", slug), department(content, slug)
    assert {p.code or p.name: comparable(p) for p in again.projects} == {p.code or p.name: comparable(p) for p in original.projects}


TWO_PERIODS = """\
# yaml-language-server: $schema=../../../schema/project.schema.json
项目名称: 市域社会治理现代化指挥平台运维
项目编码: 421000-22-XXH-0007
实施单位: 测试市委政法委
项目类别: 本级支出项目
项目性质: 延续性项目
项目期: 2022-2024
立项依据: |
  《市域社会治理现代化试点工作方案》。

  市委政法委 2022 年工作要点。
金额单位: 万元
资金:
  总额: 120.5
  财政拨款: 100
  其他资金: 20.5
项目期资金:
  总额: 360
  财政拨款: 300
  其他资金: 60
资金支出计划:
  6月底: 40%
  12月底: 100%
中期目标:
  名称: 中期绩效目标1
  目标: 三年内建成覆盖全市的指挥调度体系。
  指标:
    - 一级指标: 产出指标
      二级指标: 数量指标
      三级指标: 接入视频点位
      指标值: ≥3000个
      绩效标准: 以验收报告为准
    - 一级指标: 效益指标
      二级指标: 社会效益指标
      三级指标: 矛盾纠纷化解率
      指标值: ≥95%
年度目标:
  名称: 年度绩效目标1
  目标: 年内平台稳定运行。
  指标:
    - 一级指标: 产出指标
      二级指标: 质量指标
      三级指标: 故障率
      指标值: 不高于3次/年
      指标值确定依据: 运维合同
    - 一级指标: 成本指标
      二级指标: 经济成本指标
      三级指标: 运维费用
      指标值: ≤120.5万元
    - 一级指标: 满意度指标
      二级指标: 服务对象满意度指标
      三级指标: 群众满意度
      指标值: ≥90%
审核意见:
  意见: 同意
  日期: 2022-10-20
"""

DEPARTMENT_WITH_INDICATORS = """\
# yaml-language-server: $schema=../../../schema/department.schema.json
部门名称: 测试市委政法委
链接名: ceshi-zfw
年度: 2022
金额单位: 万元
整体绩效目标: 维护社会稳定。
绩效指标:
  - 一级指标: 产出指标
    二级指标: 数量指标
    三级指标: 开展培训
    指标值: ≥4次
"""


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_two_period_project_and_department_indicators_round_trip(tmp_path: Path, layout: str) -> None:
    source = tmp_path / "source"
    folder = source / "2022" / "ceshi-zfw"
    folder.mkdir(parents=True)
    (folder / "部门.yml").write_text(DEPARTMENT_WITH_INDICATORS, encoding="utf-8")
    (folder / "zhihui-pingtai.yml").write_text(TWO_PERIODS, encoding="utf-8")
    content = _export_import(tmp_path, 2022, "ceshi-zfw", layout, content_from=source)
    assert _files(content / "2022" / "ceshi-zfw") == _files(folder)
    again = department(content, "ceshi-zfw").projects[0]
    assert [g.period for g in again.goals] == ["mid", "year"] and again.period_money is not None


def test_next_year_keeps_the_department_link_name(tmp_path: Path) -> None:
    """Export 2025, import as 2026: the department stays yutian-zfw, its data otherwise the same."""
    content = _export_import(tmp_path, 2025, "yutian-zfw", "yutian", import_year=2026)
    assert [p.name for p in (content / "2026").iterdir()] == ["yutian-zfw"]
    want_dept, want = _files(ROOT / "content" / "2025" / "yutian-zfw")
    got_dept, got = _files(content / "2026" / "yutian-zfw")
    assert got_dept == {**want_dept, "年度": 2026}  # type: ignore[dict-item]
    assert got == want


def test_the_yutian_sheet_alone_names_each_forms_own_unit(tmp_path: Path) -> None:
    """Without 补充数据 (a sheet filled in by hand in the same layout), every form's unit header
    gives its own project's 实施单位, and the first form's unit the department."""
    from openpyxl import load_workbook
    sheet = tmp_path / "gz.xlsx"
    assert run_cli("export", "--year", "2023", "--department", "guangzhou-zfw", "--layout", "yutian", "--out", str(sheet)).returncode == 0
    book = load_workbook(sheet)
    del book["补充数据"]
    book.save(sheet)
    content = tmp_path / "content"
    result = run_cli("import", str(sheet), "--content", str(content), "--year", "2023")
    assert result.returncode == 0, result.stdout + result.stderr
    want = {p.code or p.name: p.unit for p in department(ROOT / "content", "guangzhou-zfw").projects}
    (dept,) = build_site(load_tree(content), content)[0].departments
    assert dept.name == "中国共产党广州市委员会政法委员会"
    assert {p.code or p.name: p.unit for p in dept.projects if p.code} == {k: v for k, v in want.items() if k in {p.code for p in dept.projects}}
    assert len({p.unit for p in dept.projects}) == 3
