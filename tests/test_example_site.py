"""End to end: the example site built from content/ holds every project, amount and indicator
row of the four seed documents, read from the seeds themselves."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from seedtext import SeedProject, ezhou, guangzhou, page_text, squash, yutian

MARKER = "样例涉密内容"
WORDING = "涉密项目。按照预算编制要求和保密法及其实施条例相关规定，不对外公开。"


def project_pages(site: Path, year: str, dept: str) -> dict[Path, str]:
    return {p: page_text(p) for p in sorted((site / year / dept).glob("*/index.html"))}


def find_page(pages: dict[Path, str], project: SeedProject) -> tuple[Path, str]:
    key = squash(project.code or project.name)
    matches = [(p, t) for p, t in pages.items() if re.search(r"<h1>(.*?)</h1>", p.read_text(encoding="utf-8")) and
               squash(re.search(r"<h1>(.*?)</h1>", p.read_text(encoding="utf-8")).group(1)) == key]
    if not matches and project.code:
        matches = [(p, t) for p, t in pages.items() if squash(project.code) in t]
    assert len(matches) == 1, f"{project.name}: {len(matches)} pages"
    return matches[0]


@pytest.mark.parametrize("project", yutian(), ids=lambda p: p.name)
def test_every_yutian_project_has_its_page_amount_and_rows(example_site: Path, project: SeedProject) -> None:
    path, text = find_page(project_pages(example_site, "2025", "yutian-zfw"), project)
    assert path.parent.name == project.code.lower()
    # in the department's unit, as on its department page: 万元 with the decimals of its most
    # precise amount (380,016.00 元 = 38.0016 万元)
    assert squash(f"{Decimal(project.amount.replace(',', '')) / 10000:,.4f}万元") in text
    for cell in project.cells:
        assert squash(_list_item(cell)) in text, f"{project.name}: missing {cell!r}"


def _list_item(cell: str) -> str:
    """'1. text' is a Markdown list item: the page shows the number as the list marker."""
    return re.sub(r"^\d+\.\s+", "", cell)


@pytest.mark.parametrize("project", guangzhou(), ids=lambda p: p.name[:20])
def test_every_guangzhou_project_has_its_page_amount_and_indicators(example_site: Path, project: SeedProject) -> None:
    path, text = find_page(project_pages(example_site, "2023", "guangzhou-zfw"), project)
    assert squash(project.amount + "万元") in text
    for cell in project.cells:
        assert squash(cell) in text, f"{project.name}: missing {cell!r}"
    if project.secret:
        assert WORDING in text and "保密项目" in text


def test_guangzhou_lists_every_unit_with_its_total(example_site: Path) -> None:
    text = page_text(example_site / "2023" / "guangzhou-zfw" / "index.html")
    for unit, total in (("中国共产党广州市委员会政法委员会", "3,284.05"), ("广州市法学会", "200.00"), ("广州市政法信息网络管理中心", "21.85")):
        assert squash(unit) in text and total in text
    assert "3,505.90万元" in text


@pytest.mark.parametrize("project", ezhou(), ids=lambda p: p.name)
def test_every_ezhou_project_has_its_goals_and_tables(example_site: Path, project: SeedProject) -> None:
    _, text = find_page(project_pages(example_site, "2023", "ezhou-zfw"), project)
    assert squash(project.amount + "万元") in text
    for cell in project.cells:
        assert squash(cell) in text, f"{project.name}: missing {cell[:30]!r}"
    assert "长期绩效目标" in text and "年度绩效目标" in text


def test_yutian_department_page_has_goals_tasks_and_total(example_site: Path) -> None:
    text = page_text(example_site / "2025" / "yutian-zfw" / "index.html")
    assert "维护社会稳定和国家安全" in text and "工作保障措施" in text
    assert "407.257万元" in text
    assert text.count("省市文件") == 0  # indicator rows live on project pages


def test_no_output_byte_contains_the_sample_secret(example_site: Path) -> None:
    leaks = [p for p in example_site.rglob("*") if p.is_file() and MARKER.encode() in p.read_bytes()]
    assert leaks == []


def test_secret_projects_show_only_code_amount_and_wording(example_site: Path) -> None:
    secret_pages = [p for p in (example_site / "2023" / "guangzhou-zfw").glob("*/index.html") if WORDING in p.read_text(encoding="utf-8")]
    assert len(secret_pages) == 4
    for path in secret_pages:
        html_text = path.read_text(encoding="utf-8")
        assert re.search(r"<h1>(WWZXJF|GZIT[^<]+)</h1>", html_text)
        assert "立项依据" not in html_text and "资金用途" not in html_text


def test_pages_are_chinese_and_make_no_request_to_other_hosts(example_site: Path) -> None:
    for path in example_site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert '<html lang="zh-CN">' in text
        assert not re.search(r'(src|href)="(https?:)?//', text.replace('href="https://example.gov.cn/', 'href="/')), path
    css = (example_site / "assets" / "site.css").read_text(encoding="utf-8")
    assert "@import" not in css and "url(" not in css


def test_indicator_tables_are_accessible(example_site: Path) -> None:
    text = (example_site / "2025" / "yutian-zfw" / "13022925p00004610003b" / "index.html").read_text(encoding="utf-8")
    assert "<caption>年度绩效指标表</caption>" in text
    assert '<th scope="col">一级指标</th>' in text and '<th scope="row">帮扶见义勇为人次</th>' in text


def test_breadcrumbs_and_404(example_site: Path) -> None:
    text = (example_site / "2025" / "yutian-zfw" / "13022925p00004610003b" / "index.html").read_text(encoding="utf-8")
    assert 'aria-label="当前位置"' in text and 'href="/2025/yutian-zfw/"' in text
    assert "页面不存在" in (example_site / "404.html").read_text(encoding="utf-8")
