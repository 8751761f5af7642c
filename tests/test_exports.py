"""Open data from the public model: CSV with BOM, JSON, XLSX and a valid Frictionless data package,
linked from every page, byte-identical between builds, with no secret in any of it."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from conftest import ROOT, example_paths
from gongkai.publish import exports as ex
from gongkai import xlsx
from gongkai.formatting import spreadsheet_text
from gongkai.pipeline import build, check

SECRET = "样例涉密内容"


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path} has no BOM: Excel would show mojibake"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_every_csv_has_a_bom_and_chinese_headers(example_site: Path) -> None:
    files = sorted(example_site.rglob("*.csv"))
    assert len(files) > 30
    for path in files:
        rows = read_csv(path)
        header = path.read_bytes().decode("utf-8-sig").splitlines()[0]
        assert header.startswith("年度,"), path
        assert all(r["年度"] for r in rows)


def test_whole_site_tables_hold_every_project_and_indicator(example_site: Path) -> None:
    projects = read_csv(example_site / "data" / "projects.csv")
    pages = sorted(example_site.glob("20*/*/*/index.html"))
    assert len(projects) == len(pages)
    yutian = next(r for r in projects if r["项目编码"] == "13022925P00004610003B")
    assert yutian["项目名称"] == "见义勇为基金" and yutian["总额（元）"] == "50000.00"
    assert yutian["部门页面"] == "https://example.gov.cn/2025/yutian-zfw/"
    indicators = read_csv(example_site / "data" / "indicators.csv")
    rows = re.findall(r' id="指标-(?!部门)', "".join(p.read_text(encoding="utf-8") for p in pages))
    assert len(indicators) == len(rows)
    departments = read_csv(example_site / "data" / "departments.csv")
    assert {d["页面"] for d in departments} == {r["部门页面"] for r in projects}


def test_xlsx_opens_with_numbers_as_numbers(example_site: Path) -> None:
    book = openpyxl.load_workbook(example_site / "data" / "site.xlsx")
    assert book.sheetnames == ["部门", "项目", "指标", "年度主要任务", "部门指标"]
    sheet = book["项目"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in row))) for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == len(read_csv(example_site / "data" / "projects.csv"))
    yutian = next(r for r in rows if r["项目编码"] == "13022925P00004610003B")
    assert yutian["年度"] == 2025 and Decimal(str(yutian["总额（元）"])) == Decimal("50000")
    gz = [r for r in rows if r["部门"] == "中国共产党广州市委员会政法委员会"]
    assert sum(Decimal(str(r["总额"])) for r in gz) == Decimal("3505.90")


def test_project_department_and_year_xlsx(example_site: Path) -> None:
    project = openpyxl.load_workbook(example_site / "2025" / "yutian-zfw" / "13022925p00004610003b" / "project.xlsx")
    assert project.sheetnames == ["项目", "指标"]
    assert project["项目"]["E2"].value == "见义勇为基金"
    department = openpyxl.load_workbook(example_site / "2025" / "yutian-zfw" / "department.xlsx")
    assert department["部门"]["B2"].value == "中国共产党玉田县委员会政法委员会"
    year = openpyxl.load_workbook(example_site / "data" / "2023" / "year.xlsx")
    assert {c.value for c in year["部门"]["A"][1:]} == {2023}


def test_json_exports_parse(example_site: Path) -> None:
    site = json.loads((example_site / "data" / "site.json").read_text(encoding="utf-8"))
    assert len(site["departments"]) == 3
    year = json.loads((example_site / "data" / "2025" / "year.json").read_text(encoding="utf-8"))
    assert year["year"] == 2025 and [d["slug"] for d in year["departments"]] == ["yutian-zfw"]
    project = json.loads((example_site / "2025" / "yutian-zfw" / "13022925p00004610003b" / "project.json").read_text(encoding="utf-8"))
    assert project["money"]["total"]["元"] == "50000.00"


def test_data_package_is_valid_under_frictionless(example_site: Path) -> None:
    from frictionless import validate
    report = validate(str(example_site / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = json.loads((example_site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in package["resources"]] == ["departments", "projects", "indicators", "department-indicators", "tasks"]
    projects = next(r for r in package["resources"] if r["name"] == "projects")
    assert {"name": "总额", "type": "number"} in projects["schema"]["fields"]
    assert projects["schema"]["foreignKeys"][0]["reference"] == {"resource": "departments", "fields": ["页面"]}


def test_frictionless_catches_a_broken_foreign_key(example_site: Path, tmp_path: Path) -> None:
    """The package's keys are real: an indicator row pointing at no project fails validation."""
    from frictionless import validate
    data = tmp_path / "data"
    data.mkdir()
    for name in ("datapackage.json", "departments.csv", "projects.csv", "tasks.csv", "department-indicators.csv"):
        (data / name).write_bytes((example_site / "data" / name).read_bytes())
    lines = (example_site / "data" / "indicators.csv").read_bytes().decode("utf-8-sig").split("\r\n")
    lines[1] = lines[1].rsplit(",", 1)[0] + ",https://example.gov.cn/2025/no-such-project/"
    (data / "indicators.csv").write_bytes(("\ufeff" + "\r\n".join(lines)).encode("utf-8"))
    report = validate(str(data / "datapackage.json"))
    assert not report.valid
    assert "foreign-key" in {e.type for task in report.tasks for e in task.errors}


def download_links(page: Path) -> list[str]:
    section = re.search(r'<section class="downloads".*?</section>', page.read_text(encoding="utf-8"), re.S)
    assert section, f"{page} has no downloads"
    return re.findall(r'href="([^"]+)"', section.group(0))


@pytest.mark.parametrize("page, expected", [
    ("index.html", {"/data/projects.csv", "/data/site.xlsx", "/data/site.json", "/data/datapackage.json"}),
    ("2023/index.html", {"/data/2023/projects.csv", "/data/2023/year.xlsx", "/data/2023/year.json"}),
    ("2025/yutian-zfw/index.html", {"/2025/yutian-zfw/projects.csv", "/2025/yutian-zfw/department.xlsx", "/2025/yutian-zfw/department.json"}),
    # named by the project's link name, not project.csv for every project
    ("2025/yutian-zfw/13022925p00004610003b/index.html", {"/2025/yutian-zfw/13022925p00004610003b/13022925p00004610003b.csv",
                                                          "/2025/yutian-zfw/13022925p00004610003b/13022925p00004610003b-indicators.csv",
                                                          "/2025/yutian-zfw/13022925p00004610003b/13022925p00004610003b.xlsx",
                                                          "/2025/yutian-zfw/13022925p00004610003b/13022925p00004610003b.json"}),
])
def test_pages_link_their_downloads(example_site: Path, page: str, expected: set[str]) -> None:
    links = download_links(example_site / page)
    assert expected <= set(links)


def test_every_download_link_on_every_page_resolves(example_site: Path) -> None:
    pages = [p for p in example_site.rglob("index.html") if "search" not in p.parts and "http-equiv" not in p.read_text(encoding="utf-8")]
    checked = 0
    for page in pages:
        for link in download_links(page):
            assert (example_site / link.lstrip("/")).is_file(), (page, link)
            checked += 1
    assert checked >= 4 * len(pages)


def test_no_secret_in_any_export_even_inside_xlsx(example_site: Path) -> None:
    for path in example_site.rglob("*"):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                assert all(SECRET not in book.read(n).decode("utf-8", "ignore") for n in book.namelist()), path
        elif path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


def test_two_builds_are_byte_identical(example_site: Path, tmp_path: Path) -> None:
    """Same input, same bytes: XLSX included (fixed document dates and zip member times)."""
    again = tmp_path / "site"
    build(example_paths(again))
    first = {p.relative_to(example_site).as_posix(): p.read_bytes() for p in example_site.rglob("*") if p.is_file()}
    second = {p.relative_to(again).as_posix(): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert sorted(first) == sorted(second)
    differ = [name for name in first if first[name] != second[name]]
    assert differ == []


# ---- The fast encoders give what the straightforward ones gave ----------------------------------

@pytest.fixture(scope="module")
def example_model(tmp_path_factory: pytest.TempPathFactory):
    result = check(example_paths(tmp_path_factory.mktemp("model") / "site"))
    assert result.public is not None and result.config is not None
    return result.public, result.config.base_url


def dict_writer_csv(columns: tuple[str, ...], rows: list[dict[str, str]]) -> bytes:
    """The CSV as csv.DictWriter writes it, one file at a time (how exports wrote it before issue 7)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: spreadsheet_text(v) for k, v in row.items()} for row in rows)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def model_rows(public, base_url: str):
    departments = [ex.department_row(d, base_url) for d in public.departments]
    projects = [ex.project_row(p, d, base_url) for d in public.departments for p in d.projects]
    indicators = [r for d in public.departments for p in d.projects for r in ex.indicator_rows(p, d, base_url)]
    return departments, projects, indicators


def test_every_csv_is_what_dict_writer_writes(example_model, example_site: Path) -> None:
    """Rows encoded once and joined per level give the bytes csv.DictWriter gives for each file."""
    public, base_url = example_model
    departments, projects, indicators = model_rows(public, base_url)
    data = example_site / "data"
    assert (data / "departments.csv").read_bytes() == dict_writer_csv(ex.DEPARTMENT_COLUMNS, departments)
    assert (data / "projects.csv").read_bytes() == dict_writer_csv(ex.PROJECT_COLUMNS, projects)
    assert (data / "indicators.csv").read_bytes() == dict_writer_csv(ex.INDICATOR_COLUMNS, indicators)
    for year in public.years:
        assert (data / str(year) / "indicators.csv").read_bytes() == dict_writer_csv(
            ex.INDICATOR_COLUMNS, [r for r in indicators if r["年度"] == str(year)])
    for dept in public.departments:
        folder = example_site / dept.path.strip("/")
        rows = [ex.project_row(p, dept, base_url) for p in dept.projects]
        assert (folder / "projects.csv").read_bytes() == dict_writer_csv(ex.PROJECT_COLUMNS, rows)
        for project, row in zip(dept.projects, rows):
            own = list(ex.indicator_rows(project, dept, base_url))
            assert (example_site / project.path.strip("/") / "project.csv").read_bytes() == dict_writer_csv(ex.PROJECT_COLUMNS, [row])
            assert (example_site / project.path.strip("/") / "indicators.csv").read_bytes() == dict_writer_csv(ex.INDICATOR_COLUMNS, own)


def test_csv_skips_spreadsheet_text_only_where_it_changes_nothing() -> None:
    """exports calls spreadsheet_text only for cells starting with a FORMULA_TRIGGERS character:
    every other first character, whatever follows, must leave the cell as it is."""
    tails = ("", "1", "a", "=", "+1", "HYPERLINK(\"x\")", "\t", "\n", "%")
    for code in range(0x10000):
        first = chr(code)
        if first in ex.FORMULA_TRIGGERS or 0xD800 <= code <= 0xDFFF:
            continue
        for tail in tails:
            assert spreadsheet_text(first + tail) == first + tail, repr(first + tail)
    assert all(spreadsheet_text(t + "x") != t + "x" for t in ex.FORMULA_TRIGGERS)


def old_department_json(dept) -> dict:
    """department.json as one dict, dumped in one go (how exports wrote it before issue 7)."""
    data = {k: ex._jsonable(getattr(dept, k)) for k in dept.__dataclass_fields__ if k not in ("projects", "units")}
    data["units"] = [{"name": u.name, "code": u.code, "total": ex._jsonable(u.total), "projects": [p.path for p in u.projects]}
                     for u in dept.units]
    data["projects"] = [ex.project_json(p) for p in dept.projects]
    data["path"] = dept.path
    return data


def test_spliced_json_is_the_json_of_the_whole(example_model, example_site: Path) -> None:
    """Each project is serialised once and its text spliced into the department, year and site
    files: the same bytes as dumping the whole dict."""
    public, _ = example_model
    for dept in public.departments:
        whole = old_department_json(dept)
        written = (example_site / dept.path.strip("/") / "department.json").read_bytes()
        assert written == ex.to_json(whole)
        assert json.loads(written) == whole
        for project in dept.projects:
            assert (example_site / project.path.strip("/") / "project.json").read_bytes() == ex.to_json(ex.project_json(project))
    for year in public.years:
        whole = {"year": year, "departments": [old_department_json(d) for d in public.departments if d.year == year]}
        assert (example_site / "data" / str(year) / "year.json").read_bytes() == ex.to_json(whole)
    site = {"departments": [old_department_json(d) for d in public.departments]}
    assert (example_site / "data" / "site.json").read_bytes() == ex.to_json(site)
    empty = ex.department_json_text(public.departments[0], [])
    assert json.loads(empty)["projects"] == []


# ---- XLSX as a reader sees it -----------------------------------------------------------------

def expected_cell(column: str, value: str) -> object:
    """What openpyxl read from the XlsxWriter workbooks exports wrote before issue 7: nothing for an
    empty value, numbers as numbers (int when whole), the rest as the very text."""
    if value == "":
        return None
    if column in ex.INTEGER_COLUMNS:
        return int(value)
    if column in ex.NUMBER_COLUMNS:
        number = Decimal(value)
        return int(number) if number == number.to_integral_value() else float(number)
    return value


def assert_sheet(sheet, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    assert [c.value for c in sheet[1]] == list(columns)
    assert all(c.font.b for c in sheet[1]) and not any(c.font.b for c in sheet[2])
    assert sheet.freeze_panes == "A2"
    got = [[c.value for c in row] for row in sheet.iter_rows(min_row=2, max_col=len(columns))]
    want = [[expected_cell(c, row[c]) for c in columns] for row in rows]
    assert got == want
    types = [[type(v) for v in row] for row in got]
    assert types == [[type(v) for v in row] for row in want]
    assert sheet.max_row == len(rows) + 1 and sheet.max_column == len(columns)


def test_site_and_project_workbooks_hold_the_tables(example_model, example_site: Path) -> None:
    public, base_url = example_model
    departments, projects, indicators = model_rows(public, base_url)
    site = openpyxl.load_workbook(example_site / "data" / "site.xlsx")
    assert site.sheetnames == ["部门", "项目", "指标", "年度主要任务", "部门指标"] and site.active.title == "部门"
    assert_sheet(site["部门"], ex.DEPARTMENT_COLUMNS, departments)
    assert_sheet(site["项目"], ex.PROJECT_COLUMNS, projects)
    assert_sheet(site["指标"], ex.INDICATOR_COLUMNS, indicators)
    dept = next(d for d in public.departments if d.slug == "yutian-zfw")
    project = dept.projects[0]
    book = openpyxl.load_workbook(example_site / project.path.strip("/") / "project.xlsx")
    assert book.sheetnames == ["项目", "指标"]
    assert_sheet(book["项目"], ex.PROJECT_COLUMNS, [ex.project_row(project, dept, base_url)])
    assert_sheet(book["指标"], ex.INDICATOR_COLUMNS, list(ex.indicator_rows(project, dept, base_url)))


HARD_TEXT = ["=1+1", "=HYPERLINK(\"http://x\",\"y\")", "@SUM(A1)", "a & b < c > d \"q\" 's'", "  两端空格  ", "第一行\n第二行",
             "\t制表", "回车\r\n", "控制\x01字符\x1f", "_x0041_ 字面", "非字符\ufffe", "<r><t>rich</t></r>", "😀 表情", "]]>", "x" * 40000]
# openpyxl shows Excel's _xHHHH_ escapes in inline strings as they are; Excel, WPS and LibreOffice
# turn them back into the characters (excel_decoded). Text over Excel's limit is cut at it.
HARD_READ = {"回车\r\n": "回车_x000D_\n", "控制\x01字符\x1f": "控制_x0001_字符_x001F_", "_x0041_ 字面": "_x005F_x0041_ 字面",
             "非字符\ufffe": "非字符_xFFFE_", "x" * 40000: "x" * 32767}


def excel_decoded(text: str) -> str:
    return re.sub("_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


def test_hard_text_stays_text(tmp_path: Path) -> None:
    """Formulas stay strings, markup stays text (XlsxWriter wrote "<r>…</r>" as raw rich text),
    characters XML forbids are escaped the way Excel reads them, numbers are typed as before."""
    layout = xlsx.layout(("文本", "整数", "数"), (xlsx.TEXT, xlsx.INTEGER, xlsx.NUMBER))
    numbers = [("2025", "0.1"), ("-3", "1E+16"), ("0", "-0.000001"), ("7", "12345678901234567890"), ("1", "3505.90")]
    rows = [layout.row([text, *numbers[i % len(numbers)]]) for i, text in enumerate(HARD_TEXT)]
    path = tmp_path / "hard.xlsx"
    path.write_bytes(xlsx.workbook([("表", layout, rows)]))
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert all(b"<f>" not in archive.read(n) for n in archive.namelist())
    sheet = openpyxl.load_workbook(path)["表"]
    got = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [r[0] for r in got] == [HARD_READ.get(t, t) for t in HARD_TEXT]
    assert [excel_decoded(r[0]) for r in got] == [t[:32767] for t in HARD_TEXT]
    assert all(c.data_type == "s" for c in sheet["A"][1:])
    want_numbers = [(2025, 0.1), (-3, 1e16), (0, -1e-06), (7, 1.234567890123457e19), (1, 3505.9)]
    assert [tuple(r[1:]) for r in got] == [want_numbers[i % len(numbers)] for i in range(len(HARD_TEXT))]
    assert all(type(r[1]) is int for r in got)


def test_a_workbook_is_the_same_bytes_every_time() -> None:
    layout = xlsx.layout(("文本",), (xlsx.TEXT,))
    sheets = [("表", layout, [layout.row(["一"]), layout.row(["二"])])]
    assert xlsx.workbook(sheets) == xlsx.workbook(sheets)


def test_empty_values_leave_cells_out_and_bad_numbers_fail() -> None:
    layout = xlsx.layout(("a", "b"), (xlsx.TEXT, xlsx.NUMBER))
    assert b"<c " not in layout.row(["", ""])
    with pytest.raises(ValueError):
        layout.row(["x", "NaN"])
    with pytest.raises(ValueError):
        xlsx.layout(("a",), ("date",))


# ---- the forms' own structure in the open data (issue 13) ------------------------------------------

FORMS = ROOT / "tests" / "fixtures" / "forms"


@pytest.fixture(scope="module")
def forms_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("forms-exports") / "site"
    build(example_paths(out, content=FORMS), cache=None)
    return out


def test_tasks_csv_holds_every_task_with_its_sources_of_funds(forms_site: Path) -> None:
    for path in (forms_site / "2022" / "shili-zfw" / "tasks.csv", forms_site / "data" / "tasks.csv", forms_site / "data" / "2022" / "tasks.csv"):
        rows = read_csv(path)
        assert [(r["任务名称"], r["支出类型"], r["金额"], r["财政拨款"], r["财政专户拨款"], r["其他资金"], r["金额（元）"]) for r in rows] == [
            ("机关运行保障", "基本支出", "980.30", "950.30", "", "30.00", "9803000.00"),
            ("平安建设专项经费", "项目支出", "320.00", "300.00", "", "20.00", "3200000.00"),
            ("政法信息化运维", "项目支出", "200.20", "200.20", "", "", "2002000.00"),
            ("综治中心建设", "项目支出", "80.00", "", "80.00", "", "800000.00"),
        ]
        assert rows[1]["项目页面"] == "https://example.gov.cn/2022/shili-zfw/pingan/"
        assert rows[0]["页面"] == "https://example.gov.cn/2022/shili-zfw/#任务-1"
    page = (forms_site / "2022" / "shili-zfw" / "index.html").read_text(encoding="utf-8")
    assert all(f'id="任务-{n}"' in page for n in range(1, 5))


def test_departments_csv_holds_the_stated_amounts_apart_from_the_listed_sum(forms_site: Path) -> None:
    (row,) = read_csv(forms_site / "data" / "departments.csv")
    assert {k: row[k] for k in ("表格名称", "部门预算总额", "基本支出", "项目支出", "项目支出合计", "金额合计", "金额合计财政拨款",
                                "金额合计财政专户拨款", "金额合计其他资金")} == {
        "表格名称": "部门整体支出绩效目标表", "部门预算总额": "1580.50", "基本支出": "980.30", "项目支出": "600.20",
        "项目支出合计": "520.20", "金额合计": "1580.50", "金额合计财政拨款": "1450.50", "金额合计财政专户拨款": "80.00",
        "金额合计其他资金": "50.00"}


def test_department_indicators_csv_keeps_every_row_and_its_lines(forms_site: Path) -> None:
    rows = read_csv(forms_site / "data" / "department-indicators.csv")
    assert [(r["三级指标"], r["指标值"], r["比较符"], r["数值"], r["数值单位"]) for r in rows] == [
        ("培育标准化示范综治中心", "不少于5个", "≥", "5", "个"),
        ("群众安全感", "群众安全感达到95%以上\n（以省统计局调查为准）", "≥", "95", "%"),
        ("群众满意度", "满意度在90%以上。", "≥", "90", "%"),
    ]
    assert rows[1]["页面"] == "https://example.gov.cn/2022/shili-zfw/#指标-部门-2"


def test_projects_csv_holds_the_period_money_and_labels(forms_site: Path) -> None:
    rows = {r["项目名称"]: r for r in read_csv(forms_site / "data" / "projects.csv")}
    pingan = rows["平安建设专项经费"]
    assert {k: pingan[k] for k in ("表格名称", "资金名称", "总额", "财政拨款", "其他资金", "项目期", "项目期资金名称", "项目期总额",
                                   "项目期财政拨款", "项目期财政专户拨款", "项目期其他资金")} == {
        "表格名称": "项目支出绩效目标表", "资金名称": "年度资金总额", "总额": "320.00", "财政拨款": "300.00", "其他资金": "20.00",
        "项目期": "2022-2024", "项目期资金名称": "中期资金总额", "项目期总额": "960.00", "项目期财政拨款": "900.00",
        "项目期财政专户拨款": "", "项目期其他资金": "60.00"}
    assert rows["政法信息化运维"]["表格名称"] == "信息化项目支出绩效目标申报表"


def test_indicators_csv_has_the_readings_and_range_ends(forms_site: Path) -> None:
    rows = {r["三级指标"]: r for r in read_csv(forms_site / "2022" / "shili-zfw" / "xinxihua" / "xinxihua-indicators.csv")}
    assert (rows["系统故障率"]["比较符"], rows["系统故障率"]["数值"], rows["系统故障率"]["数值单位"]) == ("≤", "3", "次/年")
    assert (rows["系统正常运行率"]["比较符"], rows["系统正常运行率"]["数值"]) == ("≥", "90")
    assert (rows["人均薪酬待遇"]["数值"], rows["人均薪酬待遇"]["数值单位"], rows["人均薪酬待遇"]["比较符"]) == ("4700", "元/人.年", "")
    assert rows["支付项目款项金额"]["数值"] == "200.20" and "数值上限" in rows["系统故障率"]


def test_project_downloads_are_named_by_link_name_and_the_old_names_still_work(forms_site: Path) -> None:
    folder = forms_site / "2022" / "shili-zfw" / "pingan"
    for new, old in (("pingan.csv", "project.csv"), ("pingan-indicators.csv", "indicators.csv"), ("pingan.xlsx", "project.xlsx"),
                     ("pingan.json", "project.json")):
        assert (folder / new).read_bytes() == (folder / old).read_bytes()
    project = json.loads((folder / "pingan.json").read_text(encoding="utf-8"))
    assert project["period_money"]["label"] == "中期资金总额" and project["form"] == "项目支出绩效目标表"


def test_xlsx_keeps_the_source_decimals_with_column_widths_and_an_autofilter(forms_site: Path) -> None:
    book = openpyxl.load_workbook(forms_site / "2022" / "shili-zfw" / "department.xlsx")
    assert book.sheetnames == ["部门", "项目", "指标", "年度主要任务", "部门指标"]
    tasks = book["年度主要任务"]
    header = [c.value for c in tasks[1]]
    amount = tasks.cell(row=2, column=header.index("金额") + 1)
    assert amount.value == 980.3 and amount.number_format == "#,##0.00"
    assert tasks.auto_filter.ref == f"A1:{xlsx.column_letters(len(header) - 1)}5"
    name = xlsx.column_letters(header.index("任务名称"))
    assert tasks.column_dimensions[name].width == 30
    indicators = openpyxl.load_workbook(forms_site / "2022" / "shili-zfw" / "xinxihua" / "xinxihua.xlsx")["指标"]
    head = [c.value for c in indicators[1]]
    values = {r[head.index("三级指标")].value: r[head.index("数值")] for r in indicators.iter_rows(min_row=2)}
    assert values["支付项目款项金额"].value == 200.2 and values["支付项目款项金额"].number_format == "0.00"
    assert values["系统故障率"].number_format == "0"
    projects = openpyxl.load_workbook(forms_site / "data" / "site.xlsx")["项目"]
    head = [c.value for c in projects[1]]
    assert projects.cell(row=2, column=head.index("项目期总额") + 1).number_format == "#,##0.00"


def test_forms_data_package_is_valid(forms_site: Path) -> None:
    from frictionless import validate
    report = validate(str(forms_site / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = json.loads((forms_site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    departments = next(r for r in package["resources"] if r["name"] == "departments")
    listed = next(f for f in departments["schema"]["fields"] if f["name"] == "项目支出合计")
    assert "所列项目" in listed["description"]
