"""`build.py import` of project forms laid out unlike the three seed layouts (importer/forms.py):
the fixtures (tests/fixtures/make_import_fixtures.py, FORMS) use other label words, another column
order, a column per period for money, goals and 指标值, a two-row indicator header, merged or blank
一级/二级 cells and a stray note. Every indicator row must come in, in both periods."""

from __future__ import annotations

import importlib.util
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, example_paths, run_cli
from gongkai.source.load import load_tree
from gongkai.source.validate import build_site

FIXTURES = ROOT / "tests" / "fixtures" / "import"
_spec = importlib.util.spec_from_file_location("make_import_fixtures", ROOT / "tests" / "fixtures" / "make_import_fixtures.py")
fixtures = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(fixtures)  # type: ignore[union-attr]

CASES = {"xlsx": (fixtures.FORMS, "申报表!40行"), "docx": (fixtures.FORMS, "第5段"), "csv": (fixtures.FORMS[:1], "第21行")}


def _imported(tmp_path: Path, suffix: str) -> tuple[Path, str]:
    content = tmp_path / "content"
    result = run_cli("import", str(FIXTURES / f"form-two-periods.{suffix}"), "--content", str(content))
    assert result.returncode == 0, result.stdout + result.stderr
    return content, result.stdout


@pytest.mark.parametrize("suffix", CASES)
def test_forms_in_other_layouts_come_in_whole(tmp_path: Path, suffix: str) -> None:
    forms, note_ref = CASES[suffix]
    content, out = _imported(tmp_path, suffix)
    listed = [line.strip() for line in out.splitlines() if line.startswith("  ")]
    assert listed == [f"{note_ref}：无法对应到内容模型：“{fixtures.FORM_NOTE}”"]  # the note, and nothing else
    site, _ = build_site(load_tree(content), content)
    (dept,) = site.departments
    assert dept.year == 2022 and dept.name == fixtures.FORM_DEPARTMENT and [u.name for u in dept.units] == [fixtures.FORM_UNIT]
    projects = {p.code: p for p in dept.projects}
    assert sorted(projects) == sorted(f["code"] for f in forms)
    for form in forms:
        project = projects[form["code"]]
        assert project.name == form["name"] and project.unit == fixtures.FORM_UNIT and project.period == form["period"]
        goals = {g.period: g for g in project.goals}
        assert sorted(goals) == ["mid", "year"]
        assert (goals["mid"].text, goals["year"].text) == form["goals"]
        for n, period in ((3, "mid"), (4, "year")):
            want = [(r[0], r[1], r[2], r[n], r[5]) for r in form["rows"] if r[n]]
            got = [(i.level1, i.level2, i.level3, i.value, i.basis) for i in goals[period].indicators]
            assert got == want, (suffix, form["code"], period)
        money = {label.removeprefix("其中："): (Decimal(mid), Decimal(year)) for label, mid, year in form["money"]}
        assert project.money.total.in_unit == money["资金总额"][1] and project.period_money.total.in_unit == money["资金总额"][0]
        assert project.money.fiscal.in_unit == money["财政拨款"][1] and project.period_money.fiscal.in_unit == money["财政拨款"][0]
        if "其他资金" in money:
            assert project.money.other.in_unit == money["其他资金"][1]
    assert run_cli("check", "--content", str(content)).returncode == 0


def test_an_imported_form_builds(tmp_path: Path) -> None:
    from gongkai.pipeline import build
    content, _ = _imported(tmp_path, "xlsx")
    config = tmp_path / "site_config.yml"
    data = yaml.safe_load((ROOT / "site_config.yml").read_text(encoding="utf-8"))
    data["search"] = False
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "site"
    build(example_paths(out, content=content, config=config), cache=None)
    page = next(out.glob("2022/*/421000-22-xxh-0007/index.html")).read_text(encoding="utf-8")
    for row in fixtures.FORMS[0]["rows"]:
        assert row[2] in page and row[4] in page.replace("&lt;", "<").replace("&gt;", ">")


def test_a_stray_csv_note_never_becomes_a_unit(tmp_path: Path) -> None:
    content, out = _imported(tmp_path, "csv")
    assert fixtures.FORM_NOTE[:20] in out
    department = yaml.safe_load(next(content.rglob("部门.yml")).read_text(encoding="utf-8"))
    assert [u["单位名称"] for u in department.get("单位", [])] == [fixtures.FORM_UNIT]


def test_the_forms_kind_and_money_labels_are_kept_where_the_model_has_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """The 表格名称 and 资金/名称 keys come with the forms' structure in the model (issue 13, item 1):
    with them declared in the schema, the reader fills them from the title and the money header."""
    import dataclasses

    from gongkai.editor.importer import parse_file
    from gongkai.source import schema as S
    if S.PROJECT.field("表格名称") is None:
        monkeypatch.setattr(S, "PROJECT", dataclasses.replace(S.PROJECT, fields=S.PROJECT.fields + (S.Field("表格名称", "form", S.TEXT, ""),)))
    if S.MONEY.field("名称") is None:
        monkeypatch.setattr(S, "MONEY", dataclasses.replace(S.MONEY, fields=S.MONEY.fields + (S.Field("名称", "label", S.TEXT, ""),)))
    project = parse_file(FIXTURES / "form-two-periods.xlsx").projects[0]
    assert project.data["表格名称"] == "信息化项目支出绩效目标申报表"
    assert project.data["资金"]["名称"] == "年度资金总额" and project.data["项目期资金"]["名称"] == "中期资金总额"


def test_a_department_form_comes_in_with_its_tasks_goal_and_indicators(tmp_path: Path) -> None:
    from gongkai.source import schema as S
    form = fixtures.DEPARTMENT_FORM
    content = tmp_path / "content"
    result = run_cli("import", str(FIXTURES / "form-department.xlsx"), "--content", str(content))
    assert result.returncode == 0, result.stdout + result.stderr
    (dept,) = build_site(load_tree(content), content)[0].departments
    assert dept.name == fixtures.FORM_DEPARTMENT and dept.year == 2022 and dept.goal == form["goal"]
    assert [(t.name, t.amount.in_unit) for t in dept.tasks] == [(t[0], Decimal(t[2])) for t in form["tasks"]]
    assert [(i.level1, i.level2, i.level3, i.value) for i in dept.indicators] == form["rows"]
    listed = [line.strip() for line in result.stdout.splitlines() if line.startswith("  ")]
    kept_in_model = S.TASK.field("财政拨款") is not None
    per_task = [t for t in form["tasks"] for value in (t[1], t[3], t[4]) if value] + [v for v in form["total"][1:] if v]
    assert len(listed) == (0 if kept_in_model else len(per_task)), listed  # every cell the model cannot hold yet, by cell
    assert all(line.startswith("部门整体!") for line in listed)


def test_a_workbook_with_the_department_form_and_the_project_forms_on_two_sheets(tmp_path: Path) -> None:
    """A table ends with its sheet: the department's indicator table does not run on into the
    next sheet's title, and both sheets' forms come in whole."""
    from openpyxl import Workbook, load_workbook
    book = Workbook()
    for name in ("form-department.xlsx", "form-two-periods.xlsx"):
        source = load_workbook(FIXTURES / name).active
        sheet = book.create_sheet(source.title)
        for row in source.iter_rows():
            for cell in row:
                if cell.value is not None:
                    sheet.cell(cell.row, cell.column, cell.value)
        for merged in source.merged_cells.ranges:
            sheet.merge_cells(str(merged))
    del book["Sheet"]
    combined = tmp_path / "combined.xlsx"
    book.save(combined)
    content = tmp_path / "content"
    result = run_cli("import", str(combined), "--content", str(content))
    assert result.returncode == 0, result.stdout + result.stderr
    listed = [line.strip() for line in result.stdout.splitlines() if line.startswith("  ") and "还没有" not in line]
    assert listed == [f"申报表!40行：无法对应到内容模型：“{fixtures.FORM_NOTE}”"]
    (dept,) = build_site(load_tree(content), content)[0].departments
    assert len(dept.indicators) == len(fixtures.DEPARTMENT_FORM["rows"]) and len(dept.tasks) == 4
    assert sorted(p.code for p in dept.projects) == sorted(f["code"] for f in fixtures.FORMS)
