"""Output that strict servers accept: no inline script or style anywhere, and the site (search
included) works under the Content-Security-Policy documented in docs/deploy/nginx.conf.

The headers are read from the nginx example itself, so the documentation and the test cannot
drift apart. A small local server adds them to every response; headless Chromium loads the
pages and runs a search; any CSP violation (console "Refused to …" or a
`securitypolicyviolation` event) fails the test.
"""

from __future__ import annotations

import functools
import re
import threading
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
NGINX = ROOT / "docs/deploy/nginx.conf"


def nginx_headers() -> dict[str, str]:
    """The server-level add_header lines of the nginx example (those before the first location)."""
    headers: dict[str, str] = {}
    server_level = NGINX.read_text(encoding="utf-8").split("\n    location ", 1)[0]
    for name, value in re.findall(r'^\s*add_header\s+([A-Za-z-]+)\s+"([^"]*)"\s+always;', server_level, re.M):
        headers.setdefault(name, value)
    return headers


def test_nginx_example_documents_the_headers() -> None:
    text = NGINX.read_text(encoding="utf-8")
    headers = nginx_headers()
    csp = headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "style-src 'self'", "img-src 'self' data:",
                      "object-src 'none'", "base-uri 'self'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "'unsafe-eval'" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Referrer-Policy" in headers
    for needed in ("root ", "try_files", "error_page 404 /404.html", "gzip on", "redirects.ma", "Cache-Control"):
        assert needed in text, needed
    # Every location that sets its own headers repeats the CSP (add_header does not inherit).
    assert text.count(csp) >= 4


# ---- every page: no inline script, style or handler ------------------------------------------

class InlineFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "script":
            self._in_script = True
            if not named.get("src"):
                self.found.append("<script> without src")
            if named.get("type") not in (None, "module", "text/javascript", "application/ld+json"):
                self.found.append(f"<script type={named.get('type')}>")
        if tag == "style":
            self.found.append("<style> block")
        for name, value in attrs:
            if name == "style":
                self.found.append(f"style= on <{tag}>")
            if name.startswith("on"):
                self.found.append(f"{name}= on <{tag}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL on <{tag}>")

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.found.append("inline script text")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False


def inline_problems(path: Path) -> list[str]:
    finder = InlineFinder()
    finder.feed(path.read_text(encoding="utf-8"))
    return finder.found


def test_no_inline_scripts_or_styles(example_site: Path) -> None:
    pages = sorted(example_site.rglob("*.html"))
    assert len(pages) > 10
    problems = [f"{p.relative_to(example_site)}: {what}" for p in pages for what in inline_problems(p)]
    assert not problems, "\n".join(problems[:40])


def test_svg_files_have_no_script_or_inline_style(example_site: Path) -> None:
    for path in sorted(example_site.rglob("*.svg")):
        text = path.read_text(encoding="utf-8")
        assert "<script" not in text and " on" not in re.sub(r"\s+", " ", text).replace(" one", ""), path


# ---- in Chromium, under the CSP ---------------------------------------------------------------

class _HeaderHandler(SimpleHTTPRequestHandler):
    headers_to_add: dict[str, str] = {}

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript", ".wasm": "application/wasm",
                      ".pagefind": "application/octet-stream", ".json": "application/json", ".svg": "image/svg+xml"}

    def end_headers(self) -> None:
        for name, value in self.headers_to_add.items():
            if name != "Strict-Transport-Security":  # plain-HTTP localhost: meaningless here
                self.send_header(name, value)
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # Like nginx's error_page 404 /404.html, with the same headers.
        page = Path(self.directory) / "404.html"  # type: ignore[attr-defined]
        if code == 404 and page.exists():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture(scope="module")
def csp_server(example_site: Path) -> Iterator[str]:
    handler = type("Handler", (_HeaderHandler,), {"headers_to_add": nginx_headers()})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(example_site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


WATCH_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


def open_under_csp(browser: object, url: str, problems: list[str]) -> object:
    context = browser.new_context(locale="zh-CN")  # type: ignore[attr-defined]
    context.add_init_script(WATCH_VIOLATIONS)  # devtools-injected: not itself subject to the CSP
    page = context.new_page()
    page.on("console", lambda m: problems.append(f"{url}: console: {m.text}") if "Refused to" in m.text or "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: problems.append(f"{url}: page error: {e}"))
    page.on("worker", lambda w: w.on("console", lambda m: problems.append(f"{url}: worker: {m.text}") if "Refused" in m.text else None))
    response = page.goto(url, wait_until="load")
    assert response is not None and "content-security-policy" in response.headers
    page.wait_for_load_state("networkidle")
    return page


def sample_pages(site: Path) -> list[str]:
    """Home, a year, a department, a project, the 404 page and a missing URL."""
    years = sorted(p.parent.name for p in site.glob("[0-9][0-9][0-9][0-9]/index.html"))
    departments = sorted(p.parent.relative_to(site).as_posix() for p in site.glob("[0-9]*/*/index.html"))
    projects = sorted(p.parent.relative_to(site).as_posix() for p in site.glob("[0-9]*/*/*/index.html"))
    return ["", f"{years[0]}/", f"{departments[0]}/", f"{projects[0]}/", f"{projects[-1]}/", "404.html", "没有这个页面/"]


@pytest.mark.browser
def test_pages_work_under_the_csp(browser: object, example_site: Path, csp_server: str) -> None:
    problems: list[str] = []
    for path in sample_pages(example_site):
        page = open_under_csp(browser, csp_server + path, problems)
        try:
            assert page.locator("h1").count() >= 1, path  # type: ignore[attr-defined]
            # The stylesheet applied (a blocked style-src would leave the default white body margin).
            margin = page.evaluate("() => getComputedStyle(document.body).margin")  # type: ignore[attr-defined]
            assert margin is not None
            # The site script ran: it reveals the large-text button that is hidden without it.
            if page.locator(".large-text-toggle").count():  # type: ignore[attr-defined]
                assert page.locator(".large-text-toggle").is_visible(), f"{path}: site.js did not run"  # type: ignore[attr-defined]
            problems += [f"{path}: {v}" for v in page.evaluate("() => window.__csp")]  # type: ignore[attr-defined]
        finally:
            page.context.close()  # type: ignore[attr-defined]
    assert not problems, "\n".join(problems)


@pytest.mark.browser
def test_search_works_under_the_csp(browser: object, example_site: Path, csp_server: str) -> None:
    if not (example_site / "pagefind/pagefind.js").exists():
        pytest.skip("the build has no Pagefind index")
    problems: list[str] = []
    page = open_under_csp(browser, csp_server + "search/?q=%E8%A7%81%E4%B9%89%E5%8B%87%E4%B8%BA", problems)  # 见义勇为
    try:
        page.wait_for_selector(".search-results li a", timeout=30_000)  # type: ignore[attr-defined]
        links = page.locator(".search-results li a")  # type: ignore[attr-defined]
        assert links.count() >= 1
        assert "见义勇为" in links.first.inner_text()
        problems += list(page.evaluate("() => window.__csp"))  # type: ignore[attr-defined]
    finally:
        page.context.close()  # type: ignore[attr-defined]
    assert not problems, "\n".join(problems)
