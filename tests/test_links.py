"""Links that last: stable URLs and row anchors, redirects when a slug changes, 引用本页."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, example_paths
from gongkai.pipeline import build

SECRET = "样例涉密内容"


def quick_config(folder: Path, extra: str = "") -> Path:
    """The example configuration without the search index: these tests never search."""
    config = folder / "site_config.yml"
    text = (ROOT / "site_config.yml").read_text(encoding="utf-8").replace("search: true", "search: false")
    config.write_text(text + extra, encoding="utf-8")
    return config


def h1(page: Path) -> str:
    match = re.search(r"<h1>(.*?)</h1>", page.read_text(encoding="utf-8"), re.S)
    assert match, page
    return match.group(1)


def project_urls(site: Path) -> list[str]:
    """Every project page's path below the site root."""
    return sorted(p.parent.relative_to(site).as_posix() + "/" for p in site.glob("20*/*/*/index.html"))


def redirect_target(page: Path) -> str | None:
    match = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', page.read_text(encoding="utf-8"))
    return match.group(1) if match else None


def test_every_indicator_row_has_a_stable_anchor(example_site: Path) -> None:
    page = (example_site / "2025" / "yutian-zfw" / "13022925p00004610003b" / "index.html").read_text(encoding="utf-8")
    anchors = re.findall(r'<tr id="(指标-[^"]+)"', page)
    assert anchors[:3] == ["指标-年度-1", "指标-年度-2", "指标-年度-3"]
    assert len(anchors) == len(set(anchors))
    # The open data points at the same anchors.
    csv = (example_site / "2025" / "yutian-zfw" / "13022925p00004610003b" / "indicators.csv").read_bytes().decode("utf-8-sig")
    assert "https://example.gov.cn/2025/yutian-zfw/13022925p00004610003b/#指标-年度-3" in csv


def test_project_urls_come_from_codes_or_link_names(example_site: Path) -> None:
    urls = project_urls(example_site)
    assert "2025/yutian-zfw/13022925p00004610003b/" in urls
    assert "2023/ezhou-zfw/zongzhi-zhongxin/" in urls
    assert all(re.fullmatch(r"20\d\d/[a-z0-9-]+/[a-z0-9-]+/", u) for u in urls)


@pytest.fixture(scope="module")
def renamed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], dict[str, str]]:
    """The example built, then every project renamed (and every 链接名 changed) and built again
    into the same folder, as an editor would."""
    root = tmp_path_factory.mktemp("renamed")
    content = root / "content"
    shutil.copytree(ROOT / "content", content)
    out = root / "site"
    config = quick_config(root)
    build(example_paths(out, content=content, config=config))
    before = project_urls(out)
    names: dict[str, str] = {}
    for file in sorted(content.glob("*/*/*.yml")):
        if file.name == "部门.yml":
            continue
        text = file.read_text(encoding="utf-8")
        if "涉密: true" not in text:
            text = re.sub(r"^项目名称: (.+)$", r"项目名称: \1（调整）", text, count=1, flags=re.M)
        text = re.sub(r"^链接名: ([a-z0-9-]+)", r"链接名: \1-v2", text, count=1, flags=re.M)
        file.write_text(text, encoding="utf-8")
    build(example_paths(out, content=content, config=config))
    return out, before, names


def test_every_project_url_survives_a_rename(renamed: tuple[Path, list[str], dict[str, str]]) -> None:
    site, before, _ = renamed
    moved = 0
    for url in before:
        page = site / url / "index.html"
        assert page.is_file(), f"{url} is gone"
        target = redirect_target(page)
        if target is None:
            assert "（调整）" in h1(page) or "涉密" in page.read_text(encoding="utf-8"), url
            continue
        moved += 1
        assert target.startswith("/") and target != "/" + url
        assert "（调整）" in h1(site / target.lstrip("/") / "index.html")
    assert moved >= 10  # every project with a 链接名 moved; code-named ones kept their URL


def test_redirects_file_for_nginx_and_netlify(renamed: tuple[Path, list[str], dict[str, str]]) -> None:
    site, _, _ = renamed
    nginx = (site / "redirects.map").read_text(encoding="utf-8")
    assert "/2023/ezhou-zfw/zongzhi-zhongxin/ /2023/ezhou-zfw/zongzhi-zhongxin-v2/;" in nginx
    assert "/2023/ezhou-zfw/zongzhi-zhongxin/index.html /2023/ezhou-zfw/zongzhi-zhongxin-v2/;" in nginx
    netlify = (site / "_redirects").read_text(encoding="utf-8")
    assert "/2023/ezhou-zfw/zongzhi-zhongxin/ /2023/ezhou-zfw/zongzhi-zhongxin-v2/ 301" in netlify


def test_redirect_page_works_without_script(renamed: tuple[Path, list[str], dict[str, str]]) -> None:
    site, _, _ = renamed
    page = (site / "2023" / "ezhou-zfw" / "zongzhi-zhongxin" / "index.html").read_text(encoding="utf-8")
    assert "<script" not in page.lower() and "onload" not in page.lower()
    assert '<link rel="canonical" href="https://example.gov.cn/2023/ezhou-zfw/zongzhi-zhongxin-v2/">' in page
    assert '<a href="/2023/ezhou-zfw/zongzhi-zhongxin-v2/">' in page
    assert '<meta name="robots" content="noindex">' in page


def test_manifest_keeps_identities_and_no_names(renamed: tuple[Path, list[str], dict[str, str]]) -> None:
    site, _, _ = renamed
    manifest = json.loads((site / "slugs.json").read_text(encoding="utf-8"))
    assert manifest["redirects"]["2023/ezhou-zfw/zongzhi-zhongxin/"] == "2023/ezhou-zfw/zongzhi-zhongxin-v2/"
    assert all(re.fullmatch(r"[dp]-[0-9a-f]{16}", p["id"]) for p in manifest["pages"])
    raw = (site / "slugs.json").read_text(encoding="utf-8")
    assert not re.search(r"[\u4e00-\u9fff]", raw)  # identities are hashes: no project or department name
    # Secret projects never enter the manifest.
    assert "2023/guangzhou-zfw/wwzxjf/" not in {p["url"] for p in manifest["pages"]}


def test_redirects_accumulate_and_follow_chains(tmp_path: Path) -> None:
    content = tmp_path / "content"
    folder = content / "2025" / "ceshi"
    folder.mkdir(parents=True)
    (folder / "部门.yml").write_text("部门名称: 测试县委政法委员会\n年度: 2025\n金额单位: 元\n链接名: ceshi\n", encoding="utf-8")
    out = tmp_path / "site"
    for slug in ("first", "second", "third"):
        (folder / "a.yml").write_text(f"项目名称: 测试经费\n链接名: {slug}\n资金:\n  总额: 100\n", encoding="utf-8")
        build(example_paths(out, content=content, config=quick_config(tmp_path)))
    for old in ("first", "second"):
        assert redirect_target(out / "2025" / "ceshi" / old / "index.html") == "/2025/ceshi/third/"
    # Renaming back to an old slug makes it a live page again, not a redirect.
    (folder / "a.yml").write_text("项目名称: 测试经费\n链接名: first\n资金:\n  总额: 100\n", encoding="utf-8")
    build(example_paths(out, content=content, config=quick_config(tmp_path)))
    assert redirect_target(out / "2025" / "ceshi" / "first" / "index.html") is None
    assert redirect_target(out / "2025" / "ceshi" / "third" / "index.html") == "/2025/ceshi/first/"


def test_a_project_that_becomes_secret_leaves_no_redirect(tmp_path: Path) -> None:
    """Its old URL is the pinyin of a name now withheld: no page, no map line may carry it."""
    content = tmp_path / "content"
    folder = content / "2025" / "ceshi"
    folder.mkdir(parents=True)
    (folder / "部门.yml").write_text("部门名称: 测试县委政法委员会\n年度: 2025\n金额单位: 元\n链接名: ceshi\n", encoding="utf-8")
    (folder / "a.yml").write_text("项目名称: 反恐维稳专项经费\n资金:\n  总额: 100\n", encoding="utf-8")
    out = tmp_path / "site"
    build(example_paths(out, content=content, config=quick_config(tmp_path)))
    old = "2025/ceshi/fan-kong-wei-wen-zhuan-xiang-jing-fei/"
    assert (out / old / "index.html").is_file()
    (folder / "a.yml").write_text(f"项目名称: 反恐维稳专项经费\n项目编码: X0001\n涉密: true\n资金:\n  总额: 100\n备注: {SECRET}\n",
                                  encoding="utf-8")
    build(example_paths(out, content=content, config=quick_config(tmp_path)))  # the leak audit would stop the build on any trace
    assert not (out / old).exists()
    for name in ("redirects.map", "_redirects", "slugs.json", "sitemap.xml", "feed.xml"):
        assert "fan-kong" not in (out / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("path", ["2025/yutian-zfw/index.html", "2025/yutian-zfw/13022925p00004610003b/index.html"])
def test_cite_block_on_department_and_project_pages(example_site: Path, path: str) -> None:
    page = (example_site / path).read_text(encoding="utf-8")
    cite = re.search(r'<section class="cite".*?</section>', page, re.S)
    assert cite, path
    block = re.sub(r"<[^>]+>", " ", cite.group(0))
    url = "https://example.gov.cn/" + path.removesuffix("index.html")
    for expected in ("引用本页", "中国共产党玉田县委员会政法委员会", "2025", url, "来源文件"):
        assert expected in block, (path, expected)


def test_cite_block_shows_the_publication_date(tmp_path: Path) -> None:
    config = quick_config(tmp_path, 'publication_date: "2025-02-01"\n')
    out = tmp_path / "site"
    build(example_paths(out, config=config))
    for path in ("2025/yutian-zfw/index.html", "2025/yutian-zfw/13022925p00004610003b/index.html"):
        cite = re.search(r'<section class="cite".*?</section>', (out / path).read_text(encoding="utf-8"), re.S)
        assert cite and "发布日期" in cite.group(0) and "2025-02-01" in cite.group(0)


def test_department_rename_redirects_the_department_and_its_projects(tmp_path: Path) -> None:
    content = tmp_path / "content"
    folder = content / "2025" / "ceshi"
    folder.mkdir(parents=True)
    (folder / "a.yml").write_text("项目名称: 测试经费\n项目编码: T0001\n资金:\n  总额: 100\n", encoding="utf-8")
    out = tmp_path / "site"
    for slug in ("ceshi", "ceshi-zfw"):
        (folder / "部门.yml").write_text(f"部门名称: 测试县委政法委员会\n年度: 2025\n金额单位: 元\n链接名: {slug}\n", encoding="utf-8")
        build(example_paths(out, content=content, config=quick_config(tmp_path)))
    assert redirect_target(out / "2025" / "ceshi" / "index.html") == "/2025/ceshi-zfw/"
    assert redirect_target(out / "2025" / "ceshi" / "t0001" / "index.html") == "/2025/ceshi-zfw/t0001/"
    assert redirect_target(out / "2025" / "ceshi-zfw" / "t0001" / "index.html") is None


STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'"


@pytest.mark.browser
def test_old_url_redirects_in_a_browser_under_a_strict_csp(renamed: tuple[Path, list[str], dict[str, str]], browser: object) -> None:
    """The redirect needs no script: Chromium follows it with the site served under a strict CSP."""
    from conftest import StaticServer
    site, _, _ = renamed
    with StaticServer(site) as server:
        context = browser.new_context(locale="zh-CN")  # type: ignore[attr-defined]
        try:
            def with_csp(route: object) -> None:
                response = route.fetch()  # type: ignore[attr-defined]
                route.fulfill(response=response, headers={**response.headers, "content-security-policy": STRICT_CSP})  # type: ignore[attr-defined]

            context.route("**/*", with_csp)
            tab = context.new_page()
            blocked: list[str] = []
            tab.on("console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None)
            tab.goto(server.url + "2023/ezhou-zfw/zongzhi-zhongxin/")
            tab.wait_for_url("**/2023/ezhou-zfw/zongzhi-zhongxin-v2/")
            assert "（调整）" in tab.locator("h1").inner_text()
            tab.wait_for_load_state("load")
            assert tab.locator(".large-text-toggle").is_visible()  # the site's own script still runs
            assert blocked == []
        finally:
            context.close()
