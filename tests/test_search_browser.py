"""Search in a real browser (Debian's chromium) against the example site served on localhost.

One tab on the search page runs many queries through the page's own search function
(window.gongkaiSearch, the one the form uses), so the whole table and the "Done when" property
over every public project stay fast.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Iterator
from urllib.parse import quote, urlencode

import pytest

pytestmark = pytest.mark.browser
from pypinyin import Style, lazy_pinyin

from conftest import example_paths
from gongkai.pipeline import check as check_site
from gongkai.slugs import pinyin_words

EXAMPLE = check_site(example_paths(Path("/nonexistent"))).public
PROJECTS = EXAMPLE.projects
DEPARTMENTS = EXAMPLE.departments


def url_of(path: str) -> str:
    return "/" + path


def by_name(name: str) -> str:
    return url_of(next(p for p in PROJECTS if p.name == name).path)


def dept_url(short: str) -> str:
    return url_of(next(d for d in DEPARTMENTS if d.display_name == short).path)


@pytest.fixture(scope="module")
def tab(browser: object, served_site: str) -> Iterator[object]:
    context = browser.new_context(locale="zh-CN")  # type: ignore[attr-defined]
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(served_site + "search/")
    page.wait_for_function("typeof window.gongkaiSearch === 'function'")
    page.requests = requests  # type: ignore[attr-defined]
    yield page
    context.close()


def run(tab: object, queries: list[str], filters: dict | None = None, limit: int = 20) -> list[dict]:
    """Each query's result: {"total", "urls", "tiers"} in ranked order."""
    return tab.evaluate(  # type: ignore[attr-defined]
        """async ([queries, filters, limit]) => {
             const out = [];
             for (const q of queries) {
               const r = await window.gongkaiSearch(q, filters, limit);
               out.push({total: r.total, urls: r.results.map(x => new URL(x.url, location.href).pathname),
                         tiers: r.results.map(x => x.tier), titles: r.results.map(x => x.meta.title),
                         whys: r.results.map(x => x.why)});
             }
             return out;
           }""", [queries, filters or {}, limit])


def first(tab: object, query: str, filters: dict | None = None) -> str | None:
    result = run(tab, [query], filters)[0]
    return result["urls"][0] if result["urls"] else None


# ---- the rules of issue 4, point 2 and 3 -------------------------------------------------------

ZONGZHI = "市综治中心专项工作经费"
TABLE = [
    # query, expected first result (project name or ("dept", short name))
    ("综治中心", ZONGZHI),  # a run from the middle of a name
    ("治中", ZONGZHI),  # any two characters
    ("专项工作", ZONGZHI),
    ("zongzhizhongxin", ZONGZHI),  # full pinyin without spaces
    ("zong zhi zhong xin", ZONGZHI),  # … and with spaces
    ("ZongZhiZhongXin", ZONGZHI),  # capitals
    ("zzzx", ZONGZHI),  # pinyin initials of 综治中心
    ("szzzxzxgzjf", ZONGZHI),  # initials of the whole name
    ("综治zhongxin", ZONGZHI),  # characters and pinyin mixed
    ("zongzhi中心", ZONGZHI),
    ("见义勇为基金", "见义勇为基金"),  # exact name
    ("13022925P00004610003B", "见义勇为基金"),  # exact code
    ("13022925p00004610003b", "见义勇为基金"),  # lower case
    ("13022925-P000-0461-0003B", "见义勇为基金"),  # with separators
    ("4610003B", "见义勇为基金"),  # a fragment of a code
    ("00JXC41", "暑期警卫保障经费"),
    ("GZIT2022-QM-N-B-006007", "GZIT2022-QM-N-B-006007"),  # a secret project under its public label
    ("006007", "GZIT2022-QM-N-B-006007"),
    ("zhongdianbuwei", "重点部位视频监控项目维护费"),  # polyphonic 重 read zhong in context
    ("sfss", "涉法涉诉信访救助基金"),
    ("yzjsza", "严重精神障碍患者监护人以奖代补和责任险"),
    ("308001", ("dept", "玉田县委政法委")),  # a department code
    ("玉田县委政法委", ("dept", "玉田县委政法委")),  # a department's short name
    ("中国共产党玉田县委员会政法委员会", ("dept", "玉田县委政法委")),  # … its full name
    ("广州市法学会", ("dept", "广州市委政法委")),  # a unit's name finds its department
    ("yutian", ("dept", "玉田县委政法委")),
    ("2022-2023年广州政法", "中共广州市委政法委员会2022-2023年广州政法信息网运维项目(非涉密部分)(2023)"),
]


@pytest.mark.parametrize("query,expected", TABLE, ids=[q for q, _ in TABLE])
def test_query_table(tab: object, query: str, expected: object) -> None:
    want = dept_url(expected[1]) if isinstance(expected, tuple) else by_name(expected)
    assert first(tab, query) == want


QUERIES = Path(__file__).parent / "fixtures" / "search_queries.tsv"


def query_table() -> list[tuple[str, str, str]]:
    rows = []
    for line in QUERIES.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            query, expected, check = (line.split("\t") + ["", ""])[:3]
            rows.append((query, expected, check))
    return rows


def expected_url(expected: str) -> str:
    return dept_url(expected[3:]) if expected.startswith("部门:") else by_name(expected)


def not_in_text(result: dict) -> set[str]:
    """What a query finds by name, code, department, unit or region: pinyin finds the same."""
    return {u for u, why in zip(result["urls"], result["whys"]) if why != "目标与指标"}


def test_query_table_has_sixty_queries_with_empty_ones() -> None:
    rows = query_table()
    assert len(rows) >= 60 and sum(1 for _, _, check in rows if check == "none") >= 10


def test_query_table_in_the_browser(tab: object) -> None:
    """Every row of tests/fixtures/search_queries.tsv: its first result, and its check."""
    rows = query_table()
    queries = [q for q, _, _ in rows] + [c[5:] for _, _, c in rows if c.startswith("same:")]
    results = dict(zip(queries, run(tab, queries, limit=100)))
    failures = []
    for query, expected, check in rows:
        got = results[query]
        if check == "none":
            if got["total"] or got["urls"]:
                failures.append((query, "should find nothing", got["titles"][:3]))
            continue
        if got["urls"][:1] != [expected_url(expected)]:
            failures.append((query, "first", got["titles"][:3]))
        if check == "codes" and set(got["whys"]) - {"编码", "名称或编码完全一致"}:
            failures.append((query, "not only codes", list(zip(got["titles"], got["whys"]))[:5]))
        if check == "name" and got["whys"][0] not in ("名称", "名称或编码完全一致"):
            failures.append((query, "first not by name", got["whys"][0]))
        if check.startswith("same:") and not_in_text(got) != not_in_text(results[check[5:]]):
            failures.append((query, check, not_in_text(got) ^ not_in_text(results[check[5:]])))
    assert not failures, failures


def test_the_page_says_nothing_found_and_why_results_matched(browser: object, served_site: str) -> None:
    context = browser.new_context(locale="zh-CN")  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(served_site + "search/?q=99999999")
    page.wait_for_function("document.querySelector('.search-status').textContent.includes('没有找到')")
    assert page.locator(".search-results li").count() == 0
    page.goto(served_site + "search/?q=" + quote("政法网"))
    page.wait_for_selector(".search-results li .search-why")
    whys = page.eval_on_selector_all(".search-results li .search-why", "els => els.map(e => e.textContent)")
    assert whys[0] == "匹配：名称" and whys[-1] == "匹配：目标与指标", whys
    context.close()


def test_exact_name_first_then_name_matches_then_body_matches(tab: object) -> None:
    result = run(tab, ["政法网"], limit=100)[0]
    names = [t for t in result["titles"]]
    in_name = [i for i, t in enumerate(names) if "政法网" in t]
    others = [i for i, t in enumerate(names) if "政法网" not in t]
    assert in_name and others, "政法网 is in three names and in other projects' text"
    assert max(in_name) < min(others)
    assert result["tiers"] == sorted(result["tiers"])
    exact = run(tab, ["政法网维护费"])[0]
    assert exact["titles"][0] == "政法网维护费" and exact["tiers"][0] == 0


def test_goal_and_indicator_text_is_found(tab: object) -> None:
    names = " ".join(p.name for p in PROJECTS) + " ".join(d.name for d in DEPARTMENTS)
    for project in PROJECTS:
        if project.secret:
            continue
        texts = [i.level3 for g in project.goals if not g.withheld for i in g.indicators if not i.withheld]
        runs = [r for t in texts for r in re.findall(r"[\u4e00-\u9fff]{4,}", t) if r not in names]
        if not runs:
            continue
        query = max(runs, key=len)
        result = run(tab, [query], limit=100)[0]
        assert url_of(project.path) in result["urls"], query
        where = result["urls"].index(url_of(project.path))
        assert result["tiers"][where] == 4  # found in the text, shown after name matches


# ---- "Done when": every project by name, code, any run, pinyin and initials ---------------------

def significant(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text).lower() if re.match(r"[\u4e00-\u9fff\u3400-\u4dbfa-z0-9]", c))


def all_names() -> list[str]:
    out = [p.name for p in PROJECTS]
    for d in DEPARTMENTS:
        out += [d.name, d.short_name or "", *(u.name for u in d.units)]
    return [n for n in out if n]


def runs_of(name: str) -> set[str]:
    """Every run of two or more characters that starts and ends on a character one would type."""
    out = set()
    for i in range(len(name)):
        for j in range(i + 2, len(name) + 1):
            run = name[i:j]
            if significant(run[0]) and significant(run[-1]) and len(significant(run)) >= 2:
                out.add(run)
    return out


def initials(name: str) -> str:
    letters = lazy_pinyin(unicodedata.normalize("NFKC", name), style=Style.FIRST_LETTER)
    return "".join(re.sub(r"[^0-9a-z]", "", w.lower()) for w in letters)


def test_every_project_by_full_name_and_code(tab: object) -> None:
    queries = [p.name for p in PROJECTS] + [p.code for p in PROJECTS if p.code]
    expected = [url_of(p.path) for p in PROJECTS] + [url_of(p.path) for p in PROJECTS if p.code]
    for query, want, result in zip(queries, expected, run(tab, queries)):
        assert result["urls"][:1] == [want], query


def test_every_project_by_full_pinyin_and_initials(tab: object) -> None:
    queries, expected = [], []
    for project in PROJECTS:
        words = pinyin_words(project.name)
        for query in ("".join(words), " ".join(words), initials(project.name)):
            queries.append(query)
            expected.append(url_of(project.path))
    for query, want, result in zip(queries, expected, run(tab, queries)):
        assert want in result["urls"][:5], query


def part_of_a_code(piece: str) -> bool:
    """Digits (with or without letters) that occur in a code: such a query finds codes only."""
    key = significant(piece)
    codes = [significant(c) for c in [*(p.code for p in PROJECTS), *(d.code for d in DEPARTMENTS)] if c]
    return bool(re.search(r"[0-9]", key)) and re.fullmatch(r"[0-9a-z]+", key) is not None and any(key in c for c in codes)


def test_every_run_of_every_name_finds_its_project(tab: object) -> None:
    names = all_names()
    wanted: dict[str, set[str]] = {}
    for project in PROJECTS:
        for piece in runs_of(project.name):
            if not part_of_a_code(piece) or significant(piece) in significant(project.code or ""):
                wanted.setdefault(piece, set()).add(url_of(project.path))
    queries = sorted(wanted)
    results = run(tab, queries, limit=1000)
    failures = []
    for query, result in zip(queries, results):
        occurs = sum(1 for n in names if query.lower() in n.lower())
        for want in wanted[query]:
            if want not in result["urls"]:
                failures.append((query, want, "missing"))
            elif occurs <= 5 and re.search(r"[\u4e00-\u9fff]", query) and want not in result["urls"][:5]:
                # (letters and digits also match pinyin initials and codes: they are only required to be found)
                failures.append((query, want, f"not in the first five ({occurs} names)"))
    assert not failures, failures


# ---- filters, shared links, the page itself ---------------------------------------------------

def test_filters_combine_with_the_query(tab: object) -> None:
    only_2025 = run(tab, ["政法"], {"year": "2025"}, limit=100)[0]
    assert only_2025["urls"] and all(u.startswith("/2025/") for u in only_2025["urls"])
    ezhou = run(tab, ["政法"], {"dept": "鄂州市委政法委"}, limit=100)[0]
    assert set(ezhou["urls"]) == {url_of(p.path) for p in PROJECTS if "ezhou" in p.path} | {dept_url("鄂州市委政法委")}
    region = next(d.region for d in DEPARTMENTS if d.region and "广州" in d.region)
    guangzhou = run(tab, ["", ], {"region": region}, limit=100)[0]
    assert guangzhou["total"] == sum(1 for p in PROJECTS if "guangzhou" in p.path) + 1
    satisfied = {url_of(p.path) for p in PROJECTS
                 if any(i.level1 == "满意度指标" for g in p.goals if not g.withheld for i in g.indicators if not i.withheld)}
    level1 = run(tab, [""], {"l1": "满意度指标"}, limit=100)[0]
    assert satisfied and satisfied <= set(level1["urls"])
    both = run(tab, ["政法"], {"year": "2023", "l2": "数量指标"}, limit=100)[0]
    assert both["urls"] and all(u.startswith("/2023/ezhou") for u in both["urls"])


def test_results_show_name_department_year_amount_with_the_match_highlighted(browser: object, served_site: str) -> None:
    context = browser.new_context(locale="zh-CN")  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(served_site + "search/?q=zongzhi")
    page.wait_for_selector(".search-results li")
    item = page.locator(".search-results li").first
    assert item.locator("mark").first.inner_text() == "综治"
    facts = item.locator(".search-facts").inner_text()
    assert "2023年" in facts or "2025年" in facts
    assert "万元" in facts or "元" in facts
    assert "政法委" in facts
    page.goto(served_site + "search/?q=" + quote("4610003b"))
    page.wait_for_selector(".search-results li")
    assert page.locator(".search-results li .search-code mark").first.inner_text() == "4610003B"
    context.close()


def test_shared_link_restores_query_and_filters(browser: object, served_site: str) -> None:
    context = browser.new_context(locale="zh-CN")  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(served_site + "search/?" + urlencode({"q": "政法", "year": "2025"}))
    page.wait_for_selector(".search-results li")
    assert page.input_value("#search-input") == "政法"
    assert page.input_value("select[name=year]") == "2025"
    hrefs = page.eval_on_selector_all(".search-results li a.search-title", "els => els.map(e => new URL(e.href).pathname)")
    assert hrefs and all(h.startswith("/2025/") for h in hrefs)
    page.select_option("select[name=year]", "2023")
    page.wait_for_function("location.search.includes('year=2023')")
    page.wait_for_function("[...document.querySelectorAll('.search-results a.search-title')].every(a => a.pathname.startsWith('/2023/'))")
    # the header search box on any page leads to the same shared link
    page.goto(served_site + "2025/")
    page.fill("#site-search", "综治中心")
    page.press("#site-search", "Enter")
    page.wait_for_selector(".search-results li")
    assert "q=" in page.url
    assert page.locator(".search-results li a").first.inner_text() == ZONGZHI
    context.close()


def test_no_request_leaves_the_site(tab: object, served_site: str) -> None:
    run(tab, ["综治中心", "zz", "308001"])
    assert tab.requests and all(r.startswith(served_site) for r in tab.requests)  # type: ignore[attr-defined]


def test_without_javascript_the_page_says_so_and_links_to_the_lists(browser: object, served_site: str) -> None:
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(served_site + "search/?q=zongzhi")
    text = page.inner_text("main")
    assert "JavaScript" in text and "当前无法使用" in text
    assert not page.is_visible("#search-input")
    links = page.eval_on_selector_all("main a", "els => els.map(e => e.getAttribute('href'))")
    assert "/data/projects.csv" in links
    for year in EXAMPLE.years:
        assert f"/{year}/" in links
        response = page.goto(served_site + f"{year}/")
        assert response.ok
        departments = page.eval_on_selector_all("main a", "els => els.map(e => e.getAttribute('href'))")
        assert any(d.path in (h or "") for d in DEPARTMENTS if d.year == year for h in departments)
    context.close()


def test_browser_and_build_spell_queries_the_same_way(tab: object) -> None:
    from gongkai.publish.search import query_terms
    queries = ["综治中心", "zong zhi", "13022925-P000-0461-0003B", "综治zhongxin", "（非涉密部分）2023",
               "ＺＯＮＧ　ＺＨＩ", "联合接访中心、邪教防范", "广东省政法跨部门大数据办案平台广州分中心", "𠀀中", "治"]
    got = tab.evaluate("qs => qs.map(q => { const t = window.gongkaiQueryTerms(q); return [t.name, t.code, t.context, t.body]; })", queries)  # type: ignore[attr-defined]
    want = [[t.name, t.code, t.context, t.body] for t in map(query_terms, queries)]
    assert got == want


# ---- the index in bundles ------------------------------------------------------------------------

def test_results_across_bundles_are_exactly_the_records_holding_the_query(tab: object, example_site: Path) -> None:
    from searchkit import bundle_urls, expected_urls, indexed_records, pair_queries
    records = indexed_records(example_site / "pagefind")
    bundles = bundle_urls(example_site)
    assert len(bundles) == 3, "the example is indexed in three bundles"
    queries = ["平安建设", "安建", "平安", "政法建设", "综治中心", "维稳信息", "pingan", "pajs", "13022925", "GZIT2022", *pair_queries(records, bundles)]
    results = run(tab, queries, limit=1000)
    wrong = [(q, sorted(set(r["urls"]) ^ expected_urls(records, q))) for q, r in zip(queries, results)
             if set(r["urls"]) != expected_urls(records, q) or r["total"] != len(r["urls"])]
    assert not wrong, wrong
    assert any(r["urls"] for r in results[:5]) and not all(r["urls"] for r in results[10:]), "the queries test both ways"
