"""The 补充数据 sheet (gongkai/importer/supplement.py): what a layout cannot hold travels beside it,
driven by the schema alone, so that a field the schema gains round-trips without new code."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from conftest import run_cli
from contentkit import DEPARTMENT, PROJECT, minimal
from gongkai.source import schema as S
from gongkai.editor.importer import import_file
from gongkai.editor.importer.supplement import SHEET
from gongkai.source.load import read_document
from gongkai.editor.sheets import export_department


def _data(path: Path) -> dict:
    return read_document(path, path.parent).data


@pytest.mark.parametrize("layout", ["yutian", "guangzhou", "ezhou"])
def test_a_field_the_schema_gains_round_trips_without_new_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str) -> None:
    extra = S.Field("绩效自评", "self_review", S.RECORD, "新表格栏目（测试用）。", record=S.Record("绩效自评", (
        S.Field("得分", "score", S.AMOUNT, "得分。"), S.Field("说明", "text", S.TEXT, "说明。"))))
    monkeypatch.setattr(S, "PROJECT", dataclasses.replace(S.PROJECT, fields=S.PROJECT.fields + (extra,)))
    source = minimal(tmp_path / "source", PROJECT + "绩效自评:\n  得分: 92.50\n  说明: 按期完成\n")
    sheet = tmp_path / "out.xlsx"
    export_department(source, 2025, "ceshi", layout, sheet)
    content = tmp_path / "content"
    report = import_file(sheet, content, year=2025)
    written = {p.name: _data(p) for p in report.written}
    project = next(d for name, d in written.items() if name != "部门.yml")
    assert project["绩效自评"] == {"得分": "92.50", "说明": "按期完成"}
    assert written["部门.yml"]["部门名称"] == "测试县委政法委员会" and report.folder.name == "ceshi"


def test_a_damaged_supplement_row_is_named_by_its_cell(tmp_path: Path) -> None:
    from openpyxl import load_workbook
    source = minimal(tmp_path / "source", PROJECT.replace("年度目标:", "备注: 测试备注\n年度目标:"), DEPARTMENT)
    sheet = tmp_path / "out.xlsx"
    export_department(source, 2025, "ceshi", "ezhou", sheet)
    book = load_workbook(sheet)
    rows = book[SHEET]
    last = rows.max_row
    rows.cell(last, 2).value = "没有这个键"
    book.save(sheet)
    result = run_cli("import", str(sheet), "--content", str(tmp_path / "content"), "--year", "2025")
    assert result.returncode == 2 and f"{SHEET}!A{last}" in result.stderr and "没有这个键" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "content").exists()


def test_a_supplement_row_for_a_deleted_project_is_listed(tmp_path: Path) -> None:
    from openpyxl import load_workbook
    source = minimal(tmp_path / "source", PROJECT.replace("年度目标:", "备注: 测试备注\n年度目标:"))
    sheet = tmp_path / "out.xlsx"
    export_department(source, 2025, "ceshi", "ezhou", sheet)
    book = load_workbook(sheet)
    rows = book[SHEET]
    owners = [rows.cell(r, 1).value for r in range(3, rows.max_row + 1)]
    assert "项目 T0001" in owners
    for r in range(3, rows.max_row + 1):
        if rows.cell(r, 1).value == "项目 T0001":
            rows.cell(r, 1).value = "项目 T9999"
    book.save(sheet)
    result = run_cli("import", str(sheet), "--content", str(tmp_path / "content"), "--year", "2025")
    assert "补充数据中的项目在表格中找不到" in result.stdout and "T9999" in result.stdout


def test_a_row_found_by_its_name_when_the_editor_added_rows_above_it() -> None:
    """Next year the editor edits the layout: rows added above a row do not move its 补充数据."""
    from gongkai.editor.importer.supplement import Entry, apply, differences, parse_path, path_text
    rows = [{"一级指标": "产出指标", "三级指标": "接入视频点位", "指标值": "≥1000个"},
            {"一级指标": "效益指标", "三级指标": "化解率", "指标值": "≥90%"}]
    want = {"项目名称": "x", "年度目标": {"指标": [dict(rows[0]), dict(rows[1], 绩效标准="以验收报告为准")]}}
    got = {"项目名称": "x", "年度目标": {"指标": [dict(r) for r in rows]}}
    (path, value), = differences(S.PROJECT, want, got)
    assert path_text(path) == "年度目标 / 指标 / 第2行（化解率） / 绩效标准" and parse_path(path_text(path)) == path
    edited = {"项目名称": "x", "年度目标": {"指标": [{"一级指标": "产出指标", "三级指标": "新增指标", "指标值": "1"}] + [dict(r) for r in rows]}}
    assert apply(edited, [Entry("x", path, value)]) == []
    assert [r.get("绩效标准") for r in edited["年度目标"]["指标"]] == [None, None, "以验收报告为准"]
    renamed = {"项目名称": "x", "年度目标": {"指标": [dict(rows[0]), dict(rows[1], 三级指标="矛盾纠纷化解率")]}}
    entry = Entry("x", path, value)
    assert apply(renamed, [entry]) == [entry]  # listed by the importer, never put on another row
    assert "绩效标准" not in renamed["年度目标"]["指标"][1]
