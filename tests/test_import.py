"""`build.py import`: the three seed layouts, as real .docx/.xlsx/.csv files generated from the seeds
(tests/fixtures/make_import_fixtures.py), imported into an empty content folder, checked, built,
and compared page by page with the hand-written example content for the same projects."""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, example_paths, run_cli
from gongkai.pipeline import build

FIXTURES = ROOT / "tests" / "fixtures" / "import"
EZHOU_NAME = "中共鄂州市委政法委员会"


def _import(tmp: Path, name: str, *extra: str) -> str:
    result = run_cli("import", str(FIXTURES / name), "--content", str(tmp), *extra)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """All three layouts imported into one empty content folder, as an editor would."""
    content = tmp_path_factory.mktemp("imported") / "content"
    out = {
        "yutian": _import(content, "yutian.docx"),
        "guangzhou": _import(content, "guangzhou.xlsx", "--year", "2023"),
        "ezhou": _import(content, "ezhou.docx", "--year", "2023", "--department", EZHOU_NAME, "--slug", "ezhou-zfw"),
        "content": content,
    }
    return out


@pytest.fixture(scope="module")
def imported_site(imported: dict[str, object], tmp_path_factory: pytest.TempPathFactory) -> Path:
    config = tmp_path_factory.mktemp("cfg") / "site_config.yml"
    data = yaml.safe_load((ROOT / "site_config.yml").read_text(encoding="utf-8"))
    data["search"] = False  # the search index is not part of a page's main content
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path_factory.mktemp("imported-site") / "site"
    build(example_paths(out, content=imported["content"], config=config), cache=None)  # type: ignore[arg-type]
    return out


def test_every_written_file_is_printed(imported: dict[str, object]) -> None:
    content: Path = imported["content"]  # type: ignore[assignment]
    files = sorted(content.rglob("*.yml"))
    printed = "".join(str(imported[k]) for k in ("yutian", "guangzhou", "ezhou"))
    assert len(files) == 3 + 12 + 14 + 2
    for path in files:
        assert f"已写入：{path}" in printed


def test_import_checks_the_tree_and_reports_problems(tmp_path: Path) -> None:
    folder = tmp_path / "2025" / "yutian"
    folder.mkdir(parents=True)
    (folder / "部门.yml").write_text("部门名称: 中国共产党玉田县委员会政法委员会\n年度: 2025\n金额单位: 元\n", encoding="utf-8")
    result = run_cli("import", str(FIXTURES / "yutian.docx"), "--content", str(tmp_path))
    assert result.returncode == 1  # written, but the department lists no unit "…本级"
    assert result.stdout.count("已写入") == 12
    assert "E026" in result.stderr and "文件已写入，但内容检查发现" in result.stderr


def test_imported_tree_passes_check(imported: dict[str, object]) -> None:
    assert all("内容检查通过" in str(imported[k]) for k in ("yutian", "guangzhou", "ezhou"))
    result = run_cli("check", "--content", str(imported["content"]))
    assert result.returncode == 0, result.stderr
    assert "3 个部门，28 个项目" in result.stdout


def test_files_start_with_schema_line_and_follow_model_order(imported: dict[str, object]) -> None:
    content: Path = imported["content"]  # type: ignore[assignment]
    for path in content.rglob("*.yml"):
        text = path.read_text(encoding="utf-8")
        kind = "department" if path.name == "部门.yml" else "project"
        assert text.startswith(f"# yaml-language-server: $schema=../../../schema/{kind}.schema.json\n")
    project = (content / "2025").glob("*/13022925p00004610003b.yml").__next__().read_text(encoding="utf-8")
    keys = [line.split(":")[0] for line in project.splitlines() if re.match(r"^[^#\s][^:]*:", line)]
    assert keys == ["项目名称", "项目编码", "实施单位", "资金用途", "金额单位", "资金", "资金支出计划", "年度目标", "来源"]
    # where the source left a cell empty, the file says so instead of inventing a value
    assert "# 财政专户拨款、其他资金：来源为空，省略" in project


def _main(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    main = re.search(r"<main\b.*?</main>", html, re.S).group(0)  # type: ignore[union-attr]
    main = re.sub(r'href="[^"]*"', 'href=""', main)  # folder and file names may differ; addresses are not content
    return re.sub(r"https?://[^<\s\"]+", "URL", main)


def _project_pages(site: Path) -> dict[tuple[str, str], Path]:
    pages = {}
    for path in site.glob("*/*/*/index.html"):
        if path.parts[-4].isdigit():
            name = re.search(r"<h1>(.*?)</h1>", path.read_text(encoding="utf-8")).group(1)  # type: ignore[union-attr]
            pages[(path.parts[-4], name)] = path
    return pages


def test_imported_pages_match_the_hand_written_example(example_site: Path, imported_site: Path) -> None:
    expected, actual = _project_pages(example_site), _project_pages(imported_site)
    secret_codes = {"WWZXJF", "GZIT2022-QM-N-B-006007", "GZIT2022-SM-N-C-006008(2023)", "GZIT2023-SM-N-C-006014(2023)"}
    public = {key: path for key, path in expected.items() if key[1] not in secret_codes}
    assert len(public) == 12 + 10 + 2
    for key, path in public.items():
        assert key in actual, f"导入后缺少项目页：{key}"
        assert _main(actual[key]) == _main(path), f"项目页内容不同：{key}"


def test_no_secret_content_from_a_public_table(imported: dict[str, object]) -> None:
    content: Path = imported["content"]  # type: ignore[assignment]
    secret = (content / "2023").glob("*/wwzxjf.yml").__next__().read_text(encoding="utf-8")
    assert "涉密: true" in secret and "项目编码: WWZXJF" in secret


def test_department_overview_matches_the_hand_written_department(imported: dict[str, object]) -> None:
    """玉田's 第一部分 (总体绩效目标, 分项绩效目标 with amounts, 工作保障措施) lands in 部门.yml, each
    task linked to its project by amount and name, as in content/2025/yutian-zfw/部门.yml."""
    from gongkai.source.load import load_tree
    from gongkai.source.validate import build_site
    content: Path = imported["content"]  # type: ignore[assignment]
    mine = build_site(load_tree(content), content)[0].departments
    ours = build_site(load_tree(ROOT / "content"), ROOT / "content")[0].departments
    got = next(d for d in mine if d.year == 2025)
    want = next(d for d in ours if d.slug == "yutian-zfw")
    for name in ("name", "code", "unit", "goal", "tasks", "measures", "total", "note", "units", "source"):
        assert getattr(got, name) == getattr(want, name), name
    assert "未能对应" not in str(imported["yutian"])


def test_csv_gives_the_same_content_as_xlsx(imported: dict[str, object], tmp_path: Path) -> None:
    _import(tmp_path, "guangzhou.csv", "--year", "2023")
    xlsx_folder = next((imported["content"] / "2023").glob("guang-zhou-shi-wei-zheng-fa-wei"))  # type: ignore[operator]
    csv_folder = next((tmp_path / "2023").glob("guang-zhou-shi-wei-zheng-fa-wei"))
    for path in sorted(xlsx_folder.glob("*.yml")):
        assert (csv_folder / path.name).read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), path.name


def test_year_and_department_are_asked_for_when_the_source_has_none(tmp_path: Path) -> None:
    result = run_cli("import", str(FIXTURES / "ezhou.docx"), "--content", str(tmp_path))
    assert result.returncode == 2 and "--year" in result.stderr and "Traceback" not in result.stderr
    result = run_cli("import", str(FIXTURES / "ezhou.docx"), "--content", str(tmp_path), "--year", "2023")
    assert result.returncode == 2 and "--department" in result.stderr
    assert not list(tmp_path.rglob("*.yml"))


def test_existing_files_are_kept_unless_overwrite(tmp_path: Path) -> None:
    _import(tmp_path, "guangzhou.xlsx", "--year", "2023")
    again = _import(tmp_path, "guangzhou.xlsx", "--year", "2023")
    assert "已存在，未覆盖" in again and "已写入" not in again
    forced = _import(tmp_path, "guangzhou.xlsx", "--year", "2023", "--overwrite")
    assert forced.count("已写入") == 14  # the department file is found by its name and left alone


def test_into_an_existing_department_folder(tmp_path: Path) -> None:
    folder = tmp_path / "2025" / "yutian-zfw"
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "content" / "2025" / "yutian-zfw" / "部门.yml", folder)
    out = _import(tmp_path, "yutian.docx")
    assert "已写入：" + str(folder / "部门.yml") not in out and out.count("已写入") == 12
    assert f"部门文件已存在，未改动：{folder / '部门.yml'}" in out  # its overview in the source is not merged in silently
    assert run_cli("check", "--content", str(tmp_path)).returncode == 0


def _messy_yutian(path: Path) -> None:
    """A 玉田-layout sheet as typed by hand: full-width digits, 万 and commas in amounts, a header
    repeated after a page break, a row carried over to the next page, stray spaces."""
    from openpyxl import Workbook
    book = Workbook()
    ws = book.active
    rows = [
        ["1.测试项目绩效目标表"],
        ["308001测试单位本级", None, None, None, None, None, "单位：元"],
        ["项目编码", " 1302２925P0000TEST ", None, "项目名称", "  测试项目\u3000"],
        ["预算规模及资金用途", "预算数", "６万", "其中：财政资金", "60,000.00", "其他资金", None],
        [None, "用于测试。"],
        ["资金支出计划（%）", "3月底", "6月底", "10月底", "12月底"],
        [None, "２５%", "50%", "75", "100%"],
        ["绩效目标", "完成测试。"],
        ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"],
        ["产出指标", "数量指标", "测试次数", "全年测试的次", "≥3次", "省市文件"],
        [None, None, None, "数", None, None],
        ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"],
        [None, "质量指标", "测试合格率", "合格数占总数的比例", "≥95%", "省市文件"],
        ["满意度指标", "服务对象满意度指标", "满意度", "群众满意程度", "≥90%", None, "多余的一格"],
    ]
    for row in rows:
        ws.append(row)
    ws.merge_cells("A4:A5")
    ws.merge_cells("A6:A7")
    ws.merge_cells("A10:A11")  # the page breaks after row 11; row 12 repeats the header
    book.save(path)


def test_messy_sheet(tmp_path: Path) -> None:
    source = tmp_path / "messy.xlsx"
    _messy_yutian(source)
    content = tmp_path / "content"
    result = run_cli("import", str(source), "--content", str(content), "--year", "2026")
    assert result.returncode == 0, result.stderr
    assert "G14" in result.stdout and "多余的一格" in result.stdout  # listed with its cell, not dropped
    data = yaml.safe_load(next(content.glob("2026/*/1302*.yml")).read_text(encoding="utf-8"))
    assert data["项目编码"] == "13022925P0000TEST" and data["项目名称"] == "测试项目"
    assert data["资金"] == {"总额": 60000, "财政拨款": 60000.0}
    assert data["资金支出计划"] == {"3月底": "25%", "6月底": "50%", "10月底": "75%", "12月底": "100%"}
    rows = data["年度目标"]["指标"]
    assert [r["三级指标"] for r in rows] == ["测试次数", "测试合格率", "满意度"]
    assert rows[0]["绩效指标描述"] == "全年测试的次数"  # carried over the page break
    assert rows[1]["一级指标"] == "产出指标"  # merged cell continues below a repeated header
    assert run_cli("check", "--content", str(content)).returncode == 0


def test_fixture_generation_is_deterministic(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("make_import_fixtures", ROOT / "tests" / "fixtures" / "make_import_fixtures.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    for path in module.main(tmp_path):
        assert path.read_bytes() == (FIXTURES / path.name).read_bytes(), f"{path.name} 与提交的文件不同：请重新生成"


def test_never_overwrites_another_department(tmp_path: Path) -> None:
    from gongkai.editor.importer import ImportFailed, import_file
    folder = tmp_path / "2023" / "ezhou-zfw"
    folder.mkdir(parents=True)
    other = "部门名称: 另一个部门\n年度: 2023\n金额单位: 万元\n"
    (folder / "部门.yml").write_text(other, encoding="utf-8")
    with pytest.raises(ImportFailed, match="另一个部门"):
        import_file(FIXTURES / "ezhou.docx", tmp_path, year=2023, department=EZHOU_NAME, slug="ezhou-zfw")
    assert (folder / "部门.yml").read_text(encoding="utf-8") == other and len(list(folder.iterdir())) == 1
    with pytest.raises(ImportFailed, match="链接名"):
        import_file(FIXTURES / "ezhou.docx", tmp_path, year=2023, department=EZHOU_NAME, slug="Ezhou ZFW")


def test_a_note_at_the_end_of_a_list_csv_is_listed_not_made_a_unit(tmp_path: Path) -> None:
    source = tmp_path / "guangzhou.csv"
    note = "注：本表金额单位为万元，涉密项目按规定不公开。"
    source.write_bytes((FIXTURES / "guangzhou.csv").read_bytes() + f"{note}\r\n".encode("gb18030"))
    out = _import(tmp_path / "content", str(source), "--year", "2023")
    assert note[:20] in out and "只有文字、没有金额的行" in out
    department = yaml.safe_load(next((tmp_path / "content").rglob("部门.yml")).read_text(encoding="utf-8"))
    assert all(not u["单位名称"].startswith("注") for u in department["单位"])
