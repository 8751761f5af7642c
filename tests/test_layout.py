"""Citizens on phones (issue 14), measured in headless Chromium on built sites: at 360 × 800 no
element of any page type reaches past the screen, chart text is drawn at 12 CSS px or more,
indicator tables become cards and the project list entries, the home page orients, the footer
shows the configured lines, the citation can be copied, and print drops what it cannot show.
Screenshots of every page type at 360 and 1280 px go to GONGKAI_SCREENSHOTS (default
tests-output/screenshots/) for a reviewer to open.

The example site has most page types; a second build of a copy of its content adds the ones it
lacks: a project with a withheld field, a department over two years with a continuing project,
and the redirect page left at a project's old address.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Iterator

import pytest

from conftest import ROOT, StaticServer, example_paths
from gongkai.errors import Problem
from gongkai.pipeline import build
from gongkai.editor.serve import SPECIAL, State, error_page

pytestmark = pytest.mark.browser

SERVE_ASSETS = ROOT / "gongkai" / "editor" / "serve_assets"
MOVED_FROM = "2025/yutian-zfw/13022925p00004610003b/"

# name: (site, path); "example" is the example site, "extra" the second build (see extra_site)
PAGE_TYPES: dict[str, tuple[str, str]] = {
    "home": ("example", ""),
    "year": ("example", "2023/"),
    "department with units": ("example", "2023/guangzhou-zfw/"),
    "unit section": ("example", "2023/guangzhou-zfw/#单位-fxh"),
    "department with tasks and indicators": ("example", "2025/yutian-zfw/"),
    "department over years": ("extra", "2025/yutian-zfw/"),
    "project": ("example", "2025/yutian-zfw/13022925p00004610003b/"),
    "project with long-term goals": ("example", "2023/ezhou-zfw/zongzhi-zhongxin/"),
    "project in 万元": ("example", "2023/guangzhou-zfw/dashuju-banan-pingtai/"),
    "secret project": ("example", "2023/guangzhou-zfw/wwzxjf/"),
    "project with a withheld field": ("extra", "2025/yutian-zfw/13022925p00003010004m/"),
    "continuing project": ("extra", "2025/yutian-zfw/13022925p00004710002d/"),
    "search": ("example", "search/"),
    "search results": ("example", "search/?q=%E6%94%BF%E6%B3%95"),
    "404": ("example", "404.html"),
    "redirect page": ("extra", MOVED_FROM),
    "serve error page": ("error", ""),
}
LARGE_TEXT = ["home", "department with units", "project", "search results"]

# Elements past the screen, but not for a reader: the skip link waits off-screen until focused,
# and visually hidden text (clip: rect(0 0 0 0)) is for screen readers.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const unseen = (e) => { for (let n = e; n; n = n.parentElement) {
      if (n.classList.contains("skip") || getComputedStyle(n).clip === "rect(0px, 0px, 0px, 0px)") return true; }
    return false; };
  const out = [];
  for (const e of document.body.querySelectorAll("*")) {
    const r = e.getBoundingClientRect();
    if (!r.width || !r.height || (r.right <= width + 0.5 && r.left >= -0.5) || unseen(e)) continue;
    out.push([e.tagName.toLowerCase() + "." + String(e.className).split(" ")[0], Math.round(r.left), Math.round(r.right),
              (e.textContent || "").trim().slice(0, 30)]);
  }
  return {scroll: document.documentElement.scrollWidth, width, out};
}"""

# Every visible chart text's size as drawn: its font size times the SVG's scale on the page.
CHART_TEXT = """() => [...document.querySelectorAll("svg.chart")].filter(s => s.getBoundingClientRect().width > 0)
  .flatMap(svg => { const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return [...svg.querySelectorAll("text")].map(t => [t.textContent, parseFloat(getComputedStyle(t).fontSize) * scale]); })"""


def extra_site(root: Path) -> Path:
    """The example content with a withheld field, a 2024 year of 玉田 and a project moved to a
    new address between two builds into the same folder."""
    content = root / "content"
    shutil.copytree(ROOT / "content", content)
    before = content / "2024" / "yutian-zfw"
    shutil.copytree(content / "2025" / "yutian-zfw", before)
    _replace(before / "部门.yml", "年度: 2025", "年度: 2024")
    _replace(content / "2025" / "yutian-zfw" / "13022925P00003010004M.yml", "资金用途: 政法网维护费",
             "资金用途: 政法网维护费\n涉密字段: [资金用途]")
    out = root / "site"
    build(example_paths(out, content=content), cache=False)
    _replace(content / "2025" / "yutian-zfw" / "13022925P00004610003B.yml", "项目名称: 见义勇为基金",
             "项目名称: 见义勇为基金\n链接名: jianyi-yongwei")
    build(example_paths(out, content=content), cache=False)
    assert (out / MOVED_FROM / "index.html").read_text(encoding="utf-8").count("页面已移动") >= 1
    return out


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, path
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def error_site(root: Path) -> Path:
    """The preview's error page as `serve` sends it, with its stylesheet where it asks for it."""
    state = State(problems=[Problem("E021", "content/2025/yutian-zfw/部门.yml", 118, 5,
                                    "写的是 407.257万元，各项目之和为 405.1656万元",
                                    "407.257万元", "核对所写的合计与各项目金额，改正其中有误的一项。")])
    (root / "index.html").write_text(error_page(state), encoding="utf-8")
    assets = root / SPECIAL.strip("/")
    assets.mkdir(parents=True)
    shutil.copy(SERVE_ASSETS / "error.css", assets / "error.css")
    (assets / "reload.js").write_text("", encoding="utf-8")  # live reload has no server to ask here
    return root


@pytest.fixture(scope="module")
def sites(example_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    extra = extra_site(tmp_path_factory.mktemp("extra"))
    error = error_site(tmp_path_factory.mktemp("error"))
    with StaticServer(example_site) as a, StaticServer(extra) as b, StaticServer(error) as c:
        yield {"example": a.url, "extra": b.url, "error": c.url}


def open_page(browser: object, sites: dict[str, str], name: str, width: int = 360, large: bool = False) -> object:
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")  # type: ignore[attr-defined]
    if large:
        context.add_init_script("localStorage.setItem('gongkai-large-text', '1')")
    tab = context.new_page()
    site, path = PAGE_TYPES[name]
    tab.failed = []  # type: ignore[attr-defined]
    tab.on("response", lambda r: r.status >= 400 and tab.failed.append((r.status, r.url)))  # type: ignore[attr-defined]
    tab.on("request", lambda r: r.url.startswith(tuple(sites.values())) or tab.failed.append(("other host", r.url)))  # type: ignore[attr-defined]
    if name == "redirect page":
        # Read the page, not where its refresh leads (the refresh itself: tests/test_links.py).
        tab.route(sites[site] + path, lambda route: route.fulfill(
            status=200, content_type="text/html; charset=utf-8",
            body=re.sub(r'<meta http-equiv="refresh"[^>]*>', "", route.fetch().text())))
    tab.goto(sites[site] + path)
    if name == "search results":
        tab.wait_for_selector(".search-results li")
    tab.wait_for_load_state("networkidle")
    return tab


@pytest.fixture(scope="module")
def axe() -> object:
    from axe_playwright_python.sync_playwright import Axe  # bundles axe-core: no network
    return Axe()


def screenshot_folder() -> Path:
    folder = Path(os.environ.get("GONGKAI_SCREENSHOTS") or ROOT / "tests-output" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


VIEWS = [(name, width, False) for name in PAGE_TYPES for width in (360, 1280)] + [(name, 360, True) for name in LARGE_TEXT]


@pytest.fixture(scope="module")
def measured(browser: object, sites: dict[str, str], axe: object) -> dict[tuple[str, int, bool], dict]:
    """Each page type opened once per view: its overflow, chart text sizes, axe violations and
    failed requests, and its screenshot written for the reviewer."""
    from test_a11y import run_axe
    folder = screenshot_folder()
    out = {}
    for name, width, large in VIEWS:
        tab = open_page(browser, sites, name, width, large)
        try:
            out[(name, width, large)] = {
                "large": tab.evaluate("document.documentElement.classList.contains('large-text')"),
                "overflow": tab.evaluate(OVERFLOW), "charts": tab.evaluate(CHART_TEXT),
                "axe": [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in run_axe(axe, tab)],
                "failed": list(tab.failed),  # type: ignore[attr-defined]
                "icon": tab.evaluate("""async () => { const l = document.querySelector('link[rel=icon]');
                                         return l ? [l.getAttribute('href'), (await fetch(l.href)).status] : null; }"""),
            }
            number = list(PAGE_TYPES).index(name)
            shot = folder / f"{number:02d}-{name.replace(' ', '-')}-{width}{'-large-text' if large else ''}.png"
            tab.screenshot(path=str(shot), full_page=True)
            out[(name, width, large)]["screenshot"] = shot
        finally:
            tab.context.close()
    return out


@pytest.mark.parametrize("view", [v for v in VIEWS if v[1] == 360], ids=lambda v: v[0] + (" (large text)" if v[2] else ""))
def test_nothing_reaches_past_a_360px_screen(measured: dict, view: tuple[str, int, bool]) -> None:
    result = measured[view]
    assert result["large"] == view[2]
    overflow = result["overflow"]
    assert overflow["scroll"] <= overflow["width"] == 360 and not overflow["out"], overflow
    assert not result["failed"], result["failed"]  # no 404, no other host
    if view[0] != "serve error page":  # (the preview's own page, served whatever the site holds)
        assert result["icon"] == ["/assets/favicon.svg", 200]  # the local icon: no /favicon.ico 404


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: f"{v[0]} {v[1]}" + (" (large text)" if v[2] else ""))
def test_chart_text_is_at_least_12px(measured: dict, view: tuple[str, int, bool]) -> None:
    sizes = measured[view]["charts"]
    assert not [(text, round(size, 1)) for text, size in sizes if size < 12]
    if view[0] in ("project", "department with units", "home", "department over years"):
        assert sizes, f"{view[0]} has a chart"


@pytest.mark.parametrize("view", VIEWS, ids=lambda v: f"{v[0]} {v[1]}" + (" (large text)" if v[2] else ""))
def test_axe_finds_no_violation(measured: dict, view: tuple[str, int, bool]) -> None:
    assert measured[view]["axe"] == []


def test_screenshots_of_every_page_type_at_360_and_1280(measured: dict) -> None:
    shots = {view: result["screenshot"] for view, result in measured.items()}
    assert {(name, width) for name, width, _ in shots} == {(n, w) for n in PAGE_TYPES for w in (360, 1280)}
    assert all(p.is_file() and p.stat().st_size > 5000 for p in shots.values())


def test_indicator_rows_are_cards_on_a_phone_and_a_table_on_a_desktop(browser: object, sites: dict[str, str]) -> None:
    tab = open_page(browser, sites, "project")
    try:
        card = tab.evaluate("""() => { const tr = document.querySelector('table.indicators tbody tr');
            const top = (s) => tr.querySelector(s).getBoundingClientRect().top;
            const size = (s) => parseFloat(getComputedStyle(tr.querySelector(s)).fontSize);
            return {display: getComputedStyle(tr).display, level3: top('th[scope=row]'), value: top('.value'),
                    level1: top('.level1'), basis: top('.basis'), valueSize: size('.value'), bodySize: size('.level1'),
                    label: getComputedStyle(tr.querySelector('.level1'), '::before').content}; }""")
        assert card["display"] == "flex"
        assert card["level3"] < card["value"] < card["level1"] < card["basis"]  # title, value, then the rest
        assert card["valueSize"] > card["bodySize"] and "一级指标" in card["label"]
    finally:
        tab.context.close()
    tab = open_page(browser, sites, "project", 1280)
    try:
        assert tab.evaluate("getComputedStyle(document.querySelector('table.indicators tbody tr')).display") == "table-row"
    finally:
        tab.context.close()


def test_department_projects_are_entries_with_name_code_and_amount_on_lines_of_their_own(browser: object, sites: dict[str, str]) -> None:
    tab = open_page(browser, sites, "department with tasks and indicators")
    try:
        tops = tab.evaluate("""() => [...document.querySelector('table.projects tbody tr').children]
            .map(c => [c.getBoundingClientRect().top, c.getBoundingClientRect().right, c.textContent.trim()])""")
        assert len({round(t) for t, _, _ in tops}) == len(tops), tops  # each on its own line
        assert all(right <= 360 for _, right, _ in tops)
        code = tab.evaluate("document.querySelector('table.projects td.code').getBoundingClientRect().height")
        line = tab.evaluate("parseFloat(getComputedStyle(document.querySelector('table.projects td.code')).lineHeight)")
        assert code <= line * 1.5  # the code reads on one line, not two characters a line
    finally:
        tab.context.close()


def test_amounts_on_a_page_share_unit_and_decimals_and_never_break(browser: object, sites: dict[str, str]) -> None:
    tab = open_page(browser, sites, "department with tasks and indicators")
    try:
        cells = tab.eval_on_selector_all("table.projects td.num[data-label^='金额'], .amount-text",  # type: ignore[attr-defined]
                                         "els => els.map(e => e.textContent.trim())")
        numbers = [re.match(r"[\d,]+\.(\d+)", c) for c in cells]
        assert all(numbers) and len({len(n.group(1)) for n in numbers if n}) == 1, cells
        assert all("元" not in c or c.endswith("万元") for c in cells), cells
        heights = tab.eval_on_selector_all(".amount-text", "els => els.map(e => e.getClientRects().length)")  # type: ignore[attr-defined]
        assert heights and set(heights) == {1}  # never split over two lines
        shares = tab.eval_on_selector_all("table.projects td[data-label='占部门比例']", "els => els.map(e => e.textContent)")  # type: ignore[attr-defined]
        assert shares and all(re.fullmatch(r"\d+\.\d%", s) for s in shares), shares
    finally:
        tab.context.close()


def test_search_results_show_amounts_as_their_department_page_does(browser: object, sites: dict[str, str]) -> None:
    tab = open_page(browser, sites, "search results")
    try:
        amounts = tab.eval_on_selector_all(".search-results .search-facts .amount-text",  # type: ignore[attr-defined]
                                           "els => els.map(e => [e.textContent, e.getClientRects().length])")
        assert amounts and all(lines == 1 for _, lines in amounts)  # never split from the unit
        yutian = [text for text, _ in amounts if re.fullmatch(r"[\d,]+\.\d{4} 万元", text)]
        assert yutian, amounts  # 玉田's projects in 万元 with its four decimals, as on its department page
    finally:
        tab.context.close()


def test_home_page_orients_and_the_footer_shows_the_configured_lines(browser: object, sites: dict[str, str]) -> None:
    from gongkai.source.config import load_config
    config = load_config(ROOT / "site_config.yml")
    assert config.publisher and config.contact and config.icp and config.site_code  # the example sets them all
    tab = open_page(browser, sites, "home", 1280)
    try:
        overview = tab.inner_text(".overview")
        assert "2025年" in overview and "407.2570 万元" in overview.replace("\u00a0", " ")
        assert tab.locator(".overview svg.chart").count() >= 1 and tab.locator(".overview table.chart-table").count() == 1
        assert tab.locator(".published li").count() > 0 and "最近公开" in tab.inner_text(".published")
        assert tab.locator("form.home-search input[name=q]").count() == 1
        footer = tab.inner_text("footer")
        for line in (config.publisher, config.contact, config.icp, config.site_code):
            assert line in footer
        assert tab.evaluate("document.querySelector('link[rel=icon]').href").endswith("/assets/favicon.svg")
    finally:
        tab.context.close()


def test_project_page_link_and_citation_copy_and_read_without_javascript(browser: object, sites: dict[str, str]) -> None:
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)  # type: ignore[attr-defined]
    try:
        tab = context.new_page()
        tab.goto(sites["example"] + PAGE_TYPES["project"][1])
        text = tab.inner_text("#cite-text")
        assert "见义勇为基金" in text and "https://example.gov.cn/2025/yutian-zfw/13022925p00004610003b/" in text
        assert not tab.is_visible(".cite-actions")  # the buttons need the script; the text does not
    finally:
        context.close()
    tab = open_page(browser, sites, "project", 1280)
    try:
        tab.click("text=复制链接")
        status = tab.locator(".copy-status").first
        status.wait_for()
        tab.wait_for_function("document.querySelector('.copy-status').textContent.length > 0")
        assert "13022925p00004610003b" in status.inner_text()
    finally:
        tab.context.close()


def test_print_keeps_the_url_and_drops_the_drawings_with_their_headings(browser: object, sites: dict[str, str]) -> None:
    tab = open_page(browser, sites, "project", 1280)
    try:
        tab.emulate_media(media="print")
        assert tab.is_visible(".print-url")
        for selector in (".chart-box", ".chart-figure figcaption", ".cite-actions", ".downloads"):
            assert not tab.locator(selector).first.is_visible(), selector
        assert tab.locator(".chart-table").first.is_visible()  # the numbers print as a table
    finally:
        tab.context.close()


FONT_STACK = ["PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC",
              "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Droid Sans Fallback"]


def test_font_stack_names_the_chinese_fonts_of_every_system_and_no_font_is_shipped() -> None:
    for css in (ROOT / "templates" / "assets" / "site.css", SERVE_ASSETS / "error.css"):
        text = css.read_text(encoding="utf-8")
        stack = re.search(r"font-family:([^;]+);", text).group(1)
        families = [f.strip().strip('"') for f in stack.split(",")]
        assert families[-1] == "sans-serif" and all(f in families for f in FONT_STACK), css
        assert "@font-face" not in text and "url(" not in text
    shipped = [p for p in (ROOT / "templates").rglob("*") if p.suffix.lower() in (".woff", ".woff2", ".ttf", ".otf", ".ttc")]
    assert not shipped


def test_chinese_is_drawn_with_a_cjk_font_in_the_test_browser(browser: object, sites: dict[str, str]) -> None:
    """Screenshots show Chinese, not boxes: scripts/test installs fonts-noto-cjk beside chromium."""
    tab = open_page(browser, sites, "project", 1280)
    try:
        cdp = tab.context.new_cdp_session(tab)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument")["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "h1"})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        assert any("CJK" in f["familyName"] or "Han" in f["familyName"] for f in fonts), fonts
    finally:
        tab.context.close()
