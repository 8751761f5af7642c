"""Charts: inline SVG drawn at build time, each with a title, a text alternative and a table of
the same numbers; all text escaped."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import ROOT, example_paths
from gongkai.pipeline import build

SVG = "{http://www.w3.org/2000/svg}"


def figures(page: Path) -> list[str]:
    return re.findall(r'<figure class="chart-figure".*?</figure>', page.read_text(encoding="utf-8"), re.S)


def svg_of(figure: str) -> ET.Element:
    match = re.search(r"<svg.*?</svg>", figure, re.S)
    assert match
    return ET.fromstring(match.group(0))  # well-formed XML: everything in it was escaped


def table_values(figure: str) -> list[str]:
    table = re.search(r"<table.*?</table>", figure, re.S).group(0)
    return [html.unescape(v) for v in re.findall(r'<td class="num">(.*?)</td>', table)]


def svg_texts(svg: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]


def all_chart_pages(site: Path) -> list[Path]:
    return [p for p in sorted(site.rglob("index.html")) if figures(p)]


def test_department_and_project_pages_have_their_charts(example_site: Path) -> None:
    dept = figures(example_site / "2023" / "guangzhou-zfw" / "index.html")
    assert any('id="chart-budget"' in f for f in dept)
    project = figures(example_site / "2025" / "yutian-zfw" / "13022925p00004610003b" / "index.html")
    assert any('id="chart-plan"' in f for f in project)
    assert len(all_chart_pages(example_site)) > 10


def test_every_chart_has_title_text_alternative_and_the_same_numbers_as_its_table(example_site: Path) -> None:
    for page in all_chart_pages(example_site):
        for figure in figures(page):
            svg = svg_of(figure)
            assert svg.get("role") == "img"
            title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
            assert title is not None and title.text and desc is not None and desc.text
            assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
            assert re.search(r"<figcaption id=\"[^\"]+\">", figure)
            values = table_values(figure)
            assert values, page
            drawn = svg_texts(svg)
            for value in values:
                assert value in drawn, (page, value)  # each number is drawn as shown in the table
                assert value in desc.text  # and read out by the text alternative


def test_budget_chart_lists_every_project_of_the_department(example_site: Path) -> None:
    page = example_site / "2023" / "guangzhou-zfw" / "index.html"
    figure = next(f for f in figures(page) if 'id="chart-budget"' in f)
    values = table_values(figure)
    assert len(values) == 14 and values[0] == "1,266.19 万元"
    bars = svg_of(figure).findall(f"{SVG}rect")
    assert len(bars) == 14
    widths = [float(b.get("width")) for b in bars]
    assert widths == sorted(widths, reverse=True)  # the largest project has the longest bar


def test_plan_chart_shows_cumulative_percentages(example_site: Path) -> None:
    page = example_site / "2025" / "yutian-zfw" / "13022925p00004610003b" / "index.html"
    figure = next(f for f in figures(page) if 'id="chart-plan"' in f)
    assert table_values(figure) == ["25.0%", "50.0%", "75.0%", "100.0%"]  # shares with one decimal
    heights = [float(r.get("height")) for r in svg_of(figure).findall(f"{SVG}rect")]
    assert heights == sorted(heights) and heights[-1] == pytest.approx(4 * heights[0])


def test_charts_need_no_script_and_load_nothing(example_site: Path) -> None:
    for page in all_chart_pages(example_site):
        for figure in figures(page):
            assert "<script" not in figure and "href=" not in re.search(r"<svg.*?</svg>", figure, re.S).group(0)


def test_text_in_charts_is_escaped(tmp_path: Path) -> None:
    folder = tmp_path / "content" / "2025" / "ceshi"
    folder.mkdir(parents=True)
    (folder / "部门.yml").write_text("部门名称: 测试<县>委&政法委\n年度: 2025\n金额单位: 元\n链接名: ceshi\n", encoding="utf-8")
    (folder / "a.yml").write_text('项目名称: "R&D <script>alert(1)</script> 试点"\n链接名: rd\n资金:\n  总额: 100\n'
                                  "资金支出计划:\n  6月底: 50%\n  12月底: 100%\n", encoding="utf-8")
    config = tmp_path / "site_config.yml"
    config.write_text((ROOT / "site_config.yml").read_text(encoding="utf-8").replace("search: true", "search: false"), encoding="utf-8")
    out = tmp_path / "site"
    build(example_paths(out, content=tmp_path / "content", config=config))
    for page in (out / "2025" / "ceshi" / "index.html", out / "2025" / "ceshi" / "rd" / "index.html"):
        for figure in figures(page):
            raw = re.search(r"<svg.*?</svg>", figure, re.S).group(0)
            assert "<script>" not in raw and "&lt;script&gt;" in raw
            svg = svg_of(figure)  # parses: no stray & or <
            assert "R&D <script>alert(1)</script> 试点" in svg.find(f"{SVG}title").text + svg.find(f"{SVG}desc").text
