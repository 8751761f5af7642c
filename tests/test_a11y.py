"""Readable by everyone, checked in headless Chromium on the built example site: axe-core finds
no WCAG 2.1 AA violation, the keyboard reaches everything, large-text mode persists, a project
page prints as a clean form with its address, and 360 px wide screens never scroll sideways."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PAGES = {
    "home": "",
    "year": "2023/",
    "department": "2023/guangzhou-zfw/",
    "project": "2025/yutian-zfw/13022925p00004610003b/",
    "secret project": "2023/guangzhou-zfw/wwzxjf/",
    "project with long-term goals": "2023/ezhou-zfw/zongzhi-zhongxin/",
    "search": "search/",
}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def axe() -> object:
    from axe_playwright_python.sync_playwright import Axe  # bundles axe-core: no network
    return Axe()


def run_axe(axe: object, page: object) -> list[dict]:
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})  # type: ignore[attr-defined]
    return results.response["violations"]


def test_axe_does_find_violations(axe: object, page: object) -> None:
    """Guard against a silent checker: a page with known faults must fail."""
    page.set_content('<html><body><img src="data:,"><a href="#"></a></body></html>')  # type: ignore[attr-defined]
    ids = {v["id"] for v in run_axe(axe, page)}
    assert {"image-alt", "link-name", "html-has-lang"} <= ids


@pytest.mark.parametrize("name", PAGES)
def test_no_axe_violations(axe: object, page: object, served_site: str, name: str) -> None:
    page.goto(served_site + PAGES[name])  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    violations = run_axe(axe, page)
    assert violations == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in violations]


def focused(page: object) -> dict:
    return page.evaluate("""() => { const e = document.activeElement;
        return {tag: e.tagName, id: e.id, cls: e.className, text: (e.textContent || '').trim().slice(0, 40),
                href: e.getAttribute('href') || ''}; }""")  # type: ignore[attr-defined]


def test_keyboard_reaches_skip_link_search_and_main_links(page: object, served_site: str) -> None:
    page.goto(served_site)  # type: ignore[attr-defined]
    page.keyboard.press("Tab")  # type: ignore[attr-defined]
    first = focused(page)
    assert first["cls"] == "skip" and first["href"] == "#main"
    seen = []
    for _ in range(15):
        page.keyboard.press("Tab")  # type: ignore[attr-defined]
        seen.append(focused(page))
    assert any(f["id"] == "site-search" for f in seen)
    assert _tab_until(page, "2023/guangzhou-zfw/")  # main links follow the header
    # The skip link moves focus into the main content.
    page.goto(served_site + PAGES["project"])  # type: ignore[attr-defined]
    page.keyboard.press("Tab")  # type: ignore[attr-defined]
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    assert page.evaluate("location.hash") == "#main"  # type: ignore[attr-defined]
    page.keyboard.press("Tab")  # type: ignore[attr-defined]
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")  # type: ignore[attr-defined]


def _tab_until(page: object, href_end: str, limit: int = 60) -> bool:
    for _ in range(limit):
        page.keyboard.press("Tab")  # type: ignore[attr-defined]
        if focused(page)["href"].endswith(href_end):
            return True
    return False


def test_scrolling_tables_are_reachable_by_keyboard(page: object, served_site: str) -> None:
    page.goto(served_site + PAGES["project"])  # type: ignore[attr-defined]
    regions = page.evaluate("""() => [...document.querySelectorAll('.table-scroll')]
        .map(r => [r.getAttribute('tabindex'), r.getAttribute('role'), !!r.getAttribute('aria-label')])""")  # type: ignore[attr-defined]
    assert regions and all(r == ["0", "region", True] for r in regions)


def test_large_text_mode_persists_across_pages(page: object, served_site: str) -> None:
    page.goto(served_site)  # type: ignore[attr-defined]
    button = page.locator(".large-text-toggle")  # type: ignore[attr-defined]
    assert button.is_visible() and button.get_attribute("aria-pressed") == "false"
    size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")  # type: ignore[attr-defined]
    button.click()
    assert button.get_attribute("aria-pressed") == "true"
    larger = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")  # type: ignore[attr-defined]
    assert larger > size
    page.goto(served_site + PAGES["project"])  # type: ignore[attr-defined]
    assert page.evaluate("document.documentElement.classList.contains('large-text')")  # type: ignore[attr-defined]
    assert page.locator(".large-text-toggle").get_attribute("aria-pressed") == "true"  # type: ignore[attr-defined]
    page.locator(".large-text-toggle").click()  # type: ignore[attr-defined]
    page.goto(served_site + PAGES["department"])  # type: ignore[attr-defined]
    assert not page.evaluate("document.documentElement.classList.contains('large-text')")  # type: ignore[attr-defined]


def test_project_page_prints_as_a_clean_form_with_its_url(page: object, served_site: str) -> None:
    page.goto(served_site + PAGES["project"])  # type: ignore[attr-defined]
    page.emulate_media(media="print")  # type: ignore[attr-defined]
    for selector in (".masthead", ".search-box", ".crumbs", ".downloads", ".large-text-toggle"):
        assert not page.locator(selector).first.is_visible(), selector  # type: ignore[attr-defined]
    url = page.locator(".print-url")  # type: ignore[attr-defined]
    assert url.is_visible()
    assert "https://example.gov.cn/2025/yutian-zfw/13022925p00004610003b/" in url.inner_text()
    assert page.locator("h1").is_visible() and page.locator("table.indicators").is_visible()  # type: ignore[attr-defined]
    page.emulate_media(media="screen")  # type: ignore[attr-defined]
    assert not page.locator(".print-url").is_visible()  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["home", "department", "project", "project with long-term goals"])
def test_readable_at_360px_without_sideways_scrolling(browser: object, served_site: str, name: str) -> None:
    """(Every page type, element by element: tests/test_layout.py.)"""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")  # type: ignore[attr-defined]
    try:
        tab = context.new_page()
        tab.goto(served_site + PAGES[name])
        widths = tab.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], widths
        if name.startswith("project"):
            # The indicator table is read as cards, not scrolled sideways.
            region = tab.evaluate("""() => { const r = document.querySelector('table.indicators').closest('.table-scroll');
                return [r.scrollWidth, r.clientWidth]; }""")
            assert region[0] <= region[1]
    finally:
        context.close()
