"""For sharing and finding: sitemap.xml, robots.txt, the Atom feed, canonical and Open Graph meta."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import ROOT, example_paths
from gongkai.pipeline import build

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://example.gov.cn/"


def meta(page: Path, attribute: str, name: str) -> str:
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', page.read_text(encoding="utf-8"))
    assert match, (page, name)
    return html.unescape(match.group(1))


def content_pages(site: Path) -> list[Path]:
    """Every real page (not redirect pages, not 404)."""
    return [p for p in sorted(site.rglob("*.html")) if p.name != "404.html" and "http-equiv=\"refresh\"" not in p.read_text(encoding="utf-8")]


def test_sitemap_lists_every_page_at_its_canonical_address(example_site: Path) -> None:
    root = ET.fromstring((example_site / "sitemap.xml").read_bytes())
    locs = [u.find(f"{SITEMAP}loc").text for u in root.findall(f"{SITEMAP}url")]
    expected = sorted(BASE + p.relative_to(example_site).as_posix().removesuffix("index.html") for p in content_pages(example_site))
    assert sorted(locs) == expected
    assert BASE + "2025/yutian-zfw/13022925p00004610003b/" in locs and BASE + "404.html" not in locs


def test_robots_points_to_the_sitemap(example_site: Path) -> None:
    robots = (example_site / "robots.txt").read_text(encoding="utf-8")
    assert "User-agent: *" in robots and f"Sitemap: {BASE}sitemap.xml" in robots


def test_every_page_has_canonical_and_open_graph_meta(example_site: Path) -> None:
    for page in content_pages(example_site):
        url = BASE + page.relative_to(example_site).as_posix().removesuffix("index.html")
        text = page.read_text(encoding="utf-8")
        assert f'<link rel="canonical" href="{url}">' in text, page
        assert meta(page, "property", "og:url") == url
        assert meta(page, "property", "og:title") and meta(page, "name", "description")
        assert '<link rel="alternate" type="application/atom+xml"' in text


def test_project_preview_carries_the_amount(example_site: Path) -> None:
    page = example_site / "2025" / "yutian-zfw" / "13022925p00004610003b" / "index.html"
    description = meta(page, "property", "og:description")
    assert "见义勇为基金" in description and "50,000.00 元" in description
    assert meta(page, "name", "description") == description
    dept = meta(example_site / "2023" / "guangzhou-zfw" / "index.html", "property", "og:description")
    assert "3,505.90 万元" in dept


def entries(feed: Path) -> dict[str, ET.Element]:
    root = ET.fromstring(feed.read_bytes())
    assert root.tag == f"{ATOM}feed"
    return {e.find(f"{ATOM}id").text: e for e in root.findall(f"{ATOM}entry")}


def test_feed_lists_the_published_pages_with_titles_and_amounts(example_site: Path) -> None:
    found = entries(example_site / "feed.xml")
    project = found[BASE + "2025/yutian-zfw/13022925p00004610003b/"]
    assert "见义勇为基金" in project.find(f"{ATOM}title").text
    assert "50,000.00 元" in project.find(f"{ATOM}summary").text
    assert project.find(f"{ATOM}link").get("href") == BASE + "2025/yutian-zfw/13022925p00004610003b/"
    # Without a configured publication date, entries date from their budget year: no clock time.
    assert project.find(f"{ATOM}updated").text == "2025-01-01T00:00:00Z"
    assert BASE + "2023/guangzhou-zfw/" in found


def _tree(tmp_path: Path, names: list[str], date: str) -> tuple[Path, Path]:
    content = tmp_path / "content"
    folder = content / "2025" / "ceshi"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "部门.yml").write_text("部门名称: 测试县委政法委员会\n年度: 2025\n金额单位: 元\n链接名: ceshi\n", encoding="utf-8")
    for i, name in enumerate(names):
        (folder / f"p{i}.yml").write_text(f"项目名称: {name}\n链接名: p{i}\n资金:\n  总额: {100 * (i + 1)}\n", encoding="utf-8")
    config = tmp_path / "site_config.yml"
    config.write_text((ROOT / "site_config.yml").read_text(encoding="utf-8").replace("search: true", "search: false")
                      + f'publication_date: "{date}"\n', encoding="utf-8")
    return content, config


def test_feed_shows_what_each_build_newly_published(tmp_path: Path) -> None:
    out = tmp_path / "site"
    content, config = _tree(tmp_path, ["第一个项目"], "2025-02-01")
    build(example_paths(out, content=content, config=config))
    first = entries(out / "feed.xml")
    assert first[BASE + "2025/ceshi/p0/"].find(f"{ATOM}published").text == "2025-02-01T00:00:00Z"
    content, config = _tree(tmp_path, ["第一个项目", "第二个项目"], "2025-03-15")
    build(example_paths(out, content=content, config=config))
    feed = out / "feed.xml"
    second = entries(feed)
    assert second[BASE + "2025/ceshi/p1/"].find(f"{ATOM}published").text == "2025-03-15T00:00:00Z"
    assert second[BASE + "2025/ceshi/p0/"].find(f"{ATOM}published").text == "2025-02-01T00:00:00Z"
    assert ET.fromstring(feed.read_bytes()).find(f"{ATOM}updated").text == "2025-03-15T00:00:00Z"
    assert list(second)[0] == BASE + "2025/ceshi/p1/"  # newest first
    # Building the same input again changes nothing.
    before = feed.read_bytes()
    build(example_paths(out, content=content, config=config))
    assert feed.read_bytes() == before
