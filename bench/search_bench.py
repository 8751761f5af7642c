"""Search benchmark: bytes downloaded and time to first results for a first query, in Chromium,
on a generated site (default 10,000 projects). A report, not a test: nothing here passes or fails.

    python bench/search_bench.py [--projects 10000] [--work /tmp/gongkai-search-bench] [--reuse]

Steps: generate content with bench/generate.py, build the whole site with the real pipeline, serve
it on localhost with a server that counts the bytes it sends, then for each query open a fresh
browser context (empty cache) at search/?q=… — the link a citizen would follow — and record

- bytes: everything the server sent for that visit (page, styles, scripts, Pagefind's code and
  the index chunks and fragments the query needed), and the part under pagefind/;
- time to first results: from navigation start to the first result in the list (performance.now()
  in the page when a MutationObserver sees it);
- the same for a second query typed into the open page (index code already loaded).

It also compares the index with the simplest alternative, one JSON file holding every record's
tokens and display fields (what Lunr, MiniSearch or Fuse.js would download before any query),
gzip-compressed.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import shutil
import statistics
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gongkai.pipeline import Paths, build, check  # noqa: E402
from gongkai.publish import search as search_index  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
QUERIES = ("综治中心", "zongzhi", "zz", "见义勇为基金", "政法网维护", "440100", "指标", "shehuizhian")

OBSERVER = """
window.__firstResult = null;
new MutationObserver((_, observer) => {
  if (document.querySelector('.search-results li')) { window.__firstResult = performance.now(); observer.disconnect(); }
}).observe(document, {subtree: true, childList: true});
"""


class CountingHandler(SimpleHTTPRequestHandler):
    log: list[tuple[str, int, int]] = []

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def copyfile(self, source, outputfile) -> None:  # type: ignore[no-untyped-def]
        data = source.read()
        outputfile.write(data)
        # also what a server compressing text (gzip) would send; Pagefind's index files are gzip already
        packed = len(data) if data[:2] == b"\x1f\x8b" else len(gzip.compress(data, 6))
        self.log.append((self.path.split("?")[0], len(data), packed))


def build_search_only(content: Path, site: Path) -> float:
    """The search page, its assets and the index, through the real stages (check, pages, render,
    search) but without the other 10,000 pages, exports and audit: they are not what is measured
    here, and on a shared 2-core machine they take most of an hour."""
    from gongkai.source.config import load_config
    from gongkai.publish.pages import build_pages
    from gongkai.publish.render import environment, render_pages
    from gongkai.writer import write_files

    paths = Paths(content, ROOT / "site_config.yml", ROOT / "templates", site)
    public = check(paths).public
    config = load_config(paths.config)
    site_info, pages = build_pages(config, public)
    files = render_pages(environment(paths.templates), site_info, [p for p in pages if p.path == "search/index.html"])
    assets = paths.templates / "assets"
    files.update({f"assets/{p.relative_to(assets).as_posix()}": p.read_bytes() for p in assets.rglob("*") if p.is_file()})
    started = time.perf_counter()
    files.update(search_index.search_files(public, config))
    seconds = time.perf_counter() - started
    if site.exists():
        shutil.rmtree(site)
    site.mkdir(parents=True)
    write_files(site, files)
    return seconds


def generate_and_build(work: Path, projects: int, reuse: bool, full: bool) -> Path:
    content, site = work / "content", work / "site"
    if not (reuse and site.joinpath("pagefind").is_dir()):
        from bench.generate import generate
        started = time.perf_counter()
        generate(content, projects)
        print(f"生成内容 {projects} 个项目：{time.perf_counter() - started:.1f} 秒")
        started = time.perf_counter()
        if full:
            result = build(Paths(content, ROOT / "site_config.yml", ROOT / "templates", site))
            seconds = result.timings.get("search", 0)
            print(f"构建全站：{time.perf_counter() - started:.1f} 秒（其中搜索索引 {seconds:.1f} 秒）")
        else:
            seconds = build_search_only(content, site)
            print(f"构建搜索页和索引：{time.perf_counter() - started:.1f} 秒（其中搜索索引 {seconds:.1f} 秒）")
    else:  # the index is kept; the page's scripts and styles are refreshed from templates/
        assets = ROOT / "templates" / "assets"
        for path in assets.rglob("*"):
            if path.is_file():
                target = site / "assets" / path.relative_to(assets)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(path.read_bytes())
    return site


def index_report(site: Path, content: Path) -> None:
    files = [p for p in (site / "pagefind").rglob("*") if p.is_file()]
    by_kind: dict[str, tuple[int, int]] = {}
    for path in files:
        kind = path.parent.name if path.parent.name in ("index", "fragment", "filter") else "code+meta"
        count, size = by_kind.get(kind, (0, 0))
        by_kind[kind] = (count + 1, size + path.stat().st_size)
    total = sum(size for _, size in by_kind.values())
    print(f"\nPagefind 索引：{len(files)} 个文件，共 {total / 1e6:.1f} MB")
    for kind, (count, size) in sorted(by_kind.items()):
        print(f"  {kind:10} {count:6} 个文件 {size / 1e6:8.2f} MB（平均 {size / count / 1e3:.1f} KB）")
    public = check(Paths(content, ROOT / "site_config.yml", ROOT / "templates", site)).public
    records = search_index.records(public, "/")
    single = json.dumps([{"url": r.url, "meta": r.meta, "filters": r.filters, "tokens": r.content} for r in records],
                        ensure_ascii=False).encode("utf-8")
    names_only = json.dumps([{"url": r.url, "meta": r.meta} for r in records], ensure_ascii=False).encode("utf-8")
    print(f"对照：单个 JSON 索引（同样的词元，Lunr/MiniSearch 式整体下载）{len(single) / 1e6:.1f} MB，"
          f"gzip 后 {len(gzip.compress(single)) / 1e6:.1f} MB")
    print(f"对照：只含名称等显示字段的单个 JSON（无正文、无拼音）gzip 后 {len(gzip.compress(names_only)) / 1e6:.2f} MB")


def browse(site: Path, queries: tuple[str, ...]) -> None:
    from playwright.sync_api import sync_playwright

    handler = functools.partial(CountingHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    rows = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            for query in queries:
                context = browser.new_context(locale="zh-CN")
                page = context.new_page()
                page.add_init_script(OBSERVER)
                CountingHandler.log.clear()
                page.goto(url + "search/?q=" + query)
                page.wait_for_function("window.__firstResult !== null || /没有找到/.test(document.querySelector('.search-status').textContent)",
                                       timeout=120_000)
                first_ms = page.evaluate("window.__firstResult")
                total = page.evaluate("document.querySelector('.search-status').textContent")
                sent = list(CountingHandler.log)
                # a second query on the same page: Pagefind's code and meta are loaded already
                CountingHandler.log.clear()
                second = "政法" if query != "政法" else "经费"
                started = page.evaluate("performance.now()")
                page.fill("#search-input", second)
                page.press("#search-input", "Enter")
                page.wait_for_function(f"new URLSearchParams(location.search).get('q') === '{second}' && "
                                       "document.querySelector('.search-results li') !== null", timeout=120_000)
                second_ms = page.evaluate("performance.now()") - started
                second_bytes = sum(n for _, n, _ in CountingHandler.log)
                rows.append((query, total, sum(n for _, n, _ in sent), sum(n for p, n, _ in sent if p.startswith("/pagefind/")),
                             sum(g for _, _, g in sent), len(sent), first_ms, second_bytes, second_ms))
                context.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    print("\n首次查询（新开浏览器、空缓存，打开 search/?q=…）")
    print("列：下载字节（服务器原样发送）、其中 pagefind/ 部分、若服务器对文本启用 gzip 的字节、请求数、"
          "从打开链接到第一条结果的毫秒；再在同一页查“政法”的字节和毫秒")
    print(f"{'查询':<14}{'结果':<14}{'下载字节':>10}{'其中索引':>10}{'gzip后':>10}{'请求':>6}{'首批毫秒':>9}{'再查字节':>10}{'再查毫秒':>9}")
    for query, total, all_bytes, index_bytes, packed, requests, first_ms, second_bytes, second_ms in rows:
        shown = f"{first_ms:.0f}" if first_ms is not None else "—"
        print(f"{query:<14}{total:<14}{all_bytes:>10,}{index_bytes:>10,}{packed:>10,}{requests:>6}{shown:>9}{second_bytes:>10,}{second_ms:>9.0f}")
    firsts = [r[6] for r in rows if r[6] is not None]
    if firsts:
        print(f"首批结果时间中位数 {statistics.median(firsts):.0f} 毫秒；首次查询下载中位数 "
              f"{statistics.median(r[2] for r in rows) / 1e3:.0f} KB（gzip 传输 {statistics.median(r[4] for r in rows) / 1e3:.0f} KB）")


def main() -> None:
    parser = argparse.ArgumentParser(description="搜索基准：首次查询的下载量和出结果时间")
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/gongkai-search-bench"))
    parser.add_argument("--reuse", action="store_true", help="已构建过则直接复用")
    parser.add_argument("--query", action="append", help="要测的查询（可多次）；默认一组典型查询")
    parser.add_argument("--full", action="store_true", help="构建全站（默认只构建搜索页和索引）")
    args = parser.parse_args()
    site = generate_and_build(args.work, args.projects, args.reuse, args.full)
    index_report(site, args.work / "content")
    browse(site, tuple(args.query or QUERIES))


if __name__ == "__main__":
    main()
