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
from gongkai.pipeline import build

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
    rows = re.findall(r'<tr id="指标-(?!部门)', "".join(p.read_text(encoding="utf-8") for p in pages))
    assert len(indicators) == len(rows)
    departments = read_csv(example_site / "data" / "departments.csv")
    assert {d["页面"] for d in departments} == {r["部门页面"] for r in projects}


def test_xlsx_opens_with_numbers_as_numbers(example_site: Path) -> None:
    book = openpyxl.load_workbook(example_site / "data" / "site.xlsx")
    assert book.sheetnames == ["部门", "项目", "指标"]
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
    assert [r["name"] for r in package["resources"]] == ["departments", "projects", "indicators"]
    projects = next(r for r in package["resources"] if r["name"] == "projects")
    assert {"name": "总额", "type": "number"} in projects["schema"]["fields"]
    assert projects["schema"]["foreignKeys"][0]["reference"] == {"resource": "departments", "fields": ["页面"]}


def test_frictionless_catches_a_broken_foreign_key(example_site: Path, tmp_path: Path) -> None:
    """The package's keys are real: an indicator row pointing at no project fails validation."""
    from frictionless import validate
    data = tmp_path / "data"
    data.mkdir()
    for name in ("datapackage.json", "departments.csv", "projects.csv"):
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
    ("2025/yutian-zfw/13022925p00004610003b/index.html", {"/2025/yutian-zfw/13022925p00004610003b/project.csv",
                                                          "/2025/yutian-zfw/13022925p00004610003b/project.xlsx",
                                                          "/2025/yutian-zfw/13022925p00004610003b/project.json"}),
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
