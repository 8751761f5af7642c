"""Hostile text in every field: nothing executes, nothing appears unescaped, in any output file.

A department and three projects (one secret) are written to tmp_path with the whole payload
corpus (tests/fixtures/xss/payloads.txt) in every text field, and each payload alone in its own
indicator row, task and attribute (so that a cell *starts* with it, as spreadsheet formula
injection needs). The site configuration carries payloads too. The site is built, then:

(a) every output file is read: HTML by an HTML parser (only the tags and attributes the same
    tree with harmless text produces, plus the Markdown whitelist; no event handler, no
    javascript:/data:/vbscript: URL, no inline script or style, no payload verbatim), XML, SVG
    and feeds by an XML parser, JSON by json, CSV by csv and XLSX by openpyxl (no formula cell,
    no cell a spreadsheet would run as a formula);
(b) headless Chromium visits every page and the search page with hostile queries: no dialog,
    no `window.XSSCANARY`, no request to another host;
(c) the seed's `<p>…</p>` goal text renders as paragraphs (here and in the real example site).
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator
from urllib.parse import quote
from xml.etree import ElementTree

import pytest

from conftest import StaticServer, example_paths
from gongkai.formatting import _ALLOWED_TAGS
from gongkai.pipeline import Paths, build

ROOT = Path(__file__).resolve().parent.parent
PAYLOADS = [line for line in (ROOT / "tests/fixtures/xss/payloads.txt").read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
CANARY = "XSSCANARY"
SEED_PARAGRAPHS = "<p>第一段：维护社会稳定。</p><p>第二段：推进平安建设。</p>"
SECRET_MARK = "样例涉密内容"


def test_corpus_size() -> None:
    assert len(PAYLOADS) >= 30
    assert all(CANARY in p for p in PAYLOADS)


# ---- the hostile content tree -----------------------------------------------------------------

def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are YAML's)."""
    return json.dumps(text, ensure_ascii=False)


def indicator_rows(texts: list[str], indent: str) -> str:
    rows = []
    for text in texts:
        rows.append(f"{indent}- 一级指标: {q(text)}\n{indent}  二级指标: {q(text)}\n{indent}  三级指标: {q(text)}\n"
                    f"{indent}  分类编码: {q(text)}\n{indent}  绩效指标描述: {q(text)}\n{indent}  指标值: {q(text)}\n"
                    f"{indent}  指标值确定依据: {q(text)}\n{indent}  绩效标准: {q(text)}\n")
    return "".join(rows)


def department_yaml(line: str, block: str, singles: list[str], unit: str) -> str:
    tasks = "".join(f"  - 任务名称: {q(s)}\n    绩效目标: {q(s)}\n    绩效指标: {q(s)}\n" for s in singles)
    return (
        f"部门名称: {q(line)}\n部门简称: {q(line)}\n部门编码: {q(line)}\n链接名: xss-ju\n行政级别: 市级\n"
        f"地区: {q(line)}\n年度: 2025\n金额单位: 万元\n来源: {q(line)}\n"
        f"整体绩效目标: {q(block)}\n"
        f"年度主要任务:\n  - 任务名称: {q(line)}\n    金额: 10\n    项目编码: {q('XSS-1')}\n    绩效目标: {q(line)}\n    绩效指标: {q(line)}\n{tasks}"
        f"工作保障措施: {q(block)}\n"
        f"绩效指标:\n{indicator_rows([line] + singles, '  ')}"
        f"单位:\n  - 单位名称: {q(unit)}\n    单位编码: {q(line)}\n"
        f"备注: {q(line)}\n"
    )


def project_yaml(line: str, block: str, singles: list[str], unit: str, code: str) -> str:
    attributes = "".join(f"  - {q(s)}\n" for s in [line] + singles)
    return (
        f"项目名称: {q(line)}\n项目编码: {q(code)}\n实施单位: {q(unit)}\n项目类别: {q(line)}\n项目性质: {q(line)}\n"
        f"项目属性:\n{attributes}项目期: {q(line)}\n立项依据: {q(block)}\n资金用途: {q(block)}\n金额单位: 万元\n"
        f"资金:\n  总额: 10\n  财政拨款: 10\n"
        f"资金支出计划:\n  6月底: 50%\n  12月底: 100%\n"
        f"长期目标:\n  名称: {q(line)}\n  目标: {q(SEED_PARAGRAPHS)}\n  指标:\n{indicator_rows([line], '    ')}"
        f"中期目标:\n  名称: {q(line)}\n  目标: {q(block)}\n"
        f"年度目标:\n  名称: {q(line)}\n  目标: {q(block)}\n  指标:\n{indicator_rows([line] + singles, '    ')}"
        f"审核意见:\n  意见: {q(line)}\n  日期: 2024-10-20\n"
        f"上年项目: {q(line)}\n来源: {q(line)}\n备注: {q(line)}\n"
    )


def formula_project_yaml(formula: str, unit: str) -> str:
    """Every text field starts with a spreadsheet formula (a cell must begin with it)."""
    return (
        f"项目名称: {q(formula)}\n项目编码: {q('XSS-2')}\n实施单位: {q(unit)}\n项目类别: {q(formula)}\n项目性质: {q(formula)}\n"
        f"资金:\n  总额: 3\n  财政拨款: 3\n备注: {q(formula)}\n"
    )


def secret_project_yaml(line: str, unit: str) -> str:
    """A secret project: its code is public (secret_label: code) and hostile."""
    secret = f"{SECRET_MARK}甲"
    return (
        f"项目名称: {q(secret)}\n项目编码: {q(line[:200])}\n实施单位: {q(unit)}\n立项依据: {q(secret)}\n"
        f"资金:\n  总额: 2\n  财政拨款: 2\n涉密: true\n"
        f"年度目标:\n  目标: {q(secret)}\n  指标:\n    - 一级指标: 产出指标\n      三级指标: {q(secret)}\n      指标值: {q(secret)}\n"
    )


def config_yaml(line: str) -> str:
    return (f"site_name: {q('预算公开' + line[:300])}\nsite_description: {q(line)}\nbase_url: https://example.gov.cn/\n"
            f"publisher: {q(line)}\npublication_date: 2025-02-01\nsearch: true\n"
            f"disclosure:\n  secret_wording: {q('涉密项目。' + line[:300])}\n  secret_indicator_wording: {q('保密项目' + line[:100])}\n")


def write_tree(root: Path, payloads: list[str]) -> Paths:
    line = " ".join(payloads)
    block = "\n\n".join(payloads) + "\n\n" + " ".join(payloads) + "\n\n- " + "\n- ".join(payloads) + "\n"
    unit = "测试单位" + line
    folder = root / "content/2025/xss-ju"
    folder.mkdir(parents=True)
    (folder / "部门.yml").write_text(department_yaml(line, block, payloads, unit), encoding="utf-8")
    (folder / "xss-1.yml").write_text(project_yaml(line, block, payloads, unit, "XSS-1"), encoding="utf-8")
    formulas = [p for p in payloads if p[:1] in "=+-@"] or payloads[:1]
    (folder / "xss-2.yml").write_text(formula_project_yaml(formulas[0], unit), encoding="utf-8")
    (folder / "xss-3.yml").write_text(secret_project_yaml(line, unit), encoding="utf-8")
    config = root / "site_config.yml"
    config.write_text(config_yaml(line), encoding="utf-8")
    return example_paths(root / "site", content=root / "content", config=config)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    paths = write_tree(tmp_path_factory.mktemp("xss"), PAYLOADS)
    build(paths)
    return paths.out


@pytest.fixture(scope="module")
def clean_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same tree with harmless text: the tags and attributes the templates produce."""
    paths = write_tree(tmp_path_factory.mktemp("xss-clean"), ["正文甲", "正文乙", "=正文丙"])
    build(paths)
    return paths.out


def files_of(site: Path, *suffixes: str) -> list[Path]:
    return sorted(p for p in site.rglob("*") if p.is_file() and p.name.endswith(suffixes))


# ---- (a) static checks ------------------------------------------------------------------------

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset", "background",
                  "srcdoc", "ping", "manifest", "codebase", "cite", "longdesc", "usemap"}
BAD_SCHEME = re.compile(r"^(javascript|vbscript|data|livescript|mocha):", re.I)
MARKDOWN_ATTRIBUTES = {"a": {"href", "title", "rel"}, "th": {"scope"}, "td": {"colspan", "rowspan"}}


class Elements(HTMLParser):
    """Every start tag with its attributes, and the raw text inside script and style elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.raw_text: list[tuple[str, str]] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._open = tag if tag in ("script", "style") else None

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        if self._open and data.strip():
            self.raw_text.append((self._open, data))

    def handle_endtag(self, tag: str) -> None:
        self._open = None


def parse_html(path: Path) -> Elements:
    parser = Elements()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def template_vocabulary(site: Path) -> dict[str, set[str]]:
    allowed: dict[str, set[str]] = {tag: set(MARKDOWN_ATTRIBUTES.get(tag, ())) for tag in _ALLOWED_TAGS}
    for path in files_of(site, ".html"):
        for tag, attrs in parse_html(path).tags:
            allowed.setdefault(tag, set()).update(name for name, _ in attrs)
    return allowed


def test_html_has_only_template_markup(hostile_site: Path, clean_site: Path) -> None:
    allowed = template_vocabulary(clean_site)
    pages = files_of(hostile_site, ".html")
    assert len(pages) >= 5
    problems = []
    for path in pages:
        rel = path.relative_to(hostile_site).as_posix()
        parsed = parse_html(path)
        for tag, attrs in parsed.tags:
            if tag not in allowed:
                problems.append(f"{rel}: <{tag}> is not produced by the templates")
                continue
            for name, value in attrs:
                value = value or ""
                if name not in allowed[tag]:
                    problems.append(f"{rel}: <{tag} {name}> is not produced by the templates")
                if name.startswith("on"):
                    problems.append(f"{rel}: event handler <{tag} {name}>")
                if name in URL_ATTRIBUTES and BAD_SCHEME.match(re.sub(r"[\x00-\x20]", "", value)):
                    problems.append(f"{rel}: <{tag} {name}={value[:60]!r}>")
                if name == "style":
                    problems.append(f"{rel}: inline style on <{tag}>")
            if tag == "script" and not dict(attrs).get("src"):
                problems.append(f"{rel}: inline <script>")
            if tag == "meta" and (dict(attrs).get("http-equiv") or "").lower() == "refresh":
                problems.append(f"{rel}: meta refresh")
        for tag, text in parsed.raw_text:
            problems.append(f"{rel}: text inside <{tag}>: {text[:60]!r}")
    assert not problems, "\n".join(problems[:40])


def test_no_payload_verbatim_in_markup_files(hostile_site: Path) -> None:
    """A payload with markup in it may appear only escaped (or removed) in HTML, XML and SVG."""
    problems = []
    for path in files_of(hostile_site, ".html", ".xml", ".svg", ".atom", ".rss"):
        text = path.read_text(encoding="utf-8")
        # In HTML, Jinja escapes quotes too (an attribute breakout stays text); in XML text nodes
        # quotes are harmless, so there only markup must not survive.
        html = path.suffix == ".html"
        for payload in (p for p in PAYLOADS if "<" in p or (html and ('"' in p or "'" in p))):
            if payload in text:
                problems.append(f"{path.relative_to(hostile_site)}: {payload[:60]}")
    assert not problems, "\n".join(problems[:40])


def test_templates_are_not_evaluated(hostile_site: Path) -> None:
    """{{7*7}} and {% for %} in content stay text: Jinja never renders content as a template."""
    for path in files_of(hostile_site, ".html", ".json", ".csv", ".xml", ".txt"):
        text = path.read_text(encoding="utf-8-sig")
        assert f"49{CANARY}" not in text and CANARY * 3 not in text, path


def test_xml_files_are_well_formed_and_inert(hostile_site: Path) -> None:
    paths = files_of(hostile_site, ".xml", ".svg", ".atom", ".rss")
    for path in paths:
        tree = ElementTree.parse(path)
        for element in tree.iter():
            name = element.tag.rsplit("}", 1)[-1].lower()
            assert name not in ("script", "foreignobject", "iframe"), (path, name)
            # Atom/RSS readers render type="html" content as HTML: hostile markup must not be there.
            if element.get("type") in ("html", "xhtml") or name == "description":
                assert not (CANARY in "".join(element.itertext()) and "<" in "".join(element.itertext())), (path, name)
            for attribute, value in element.attrib.items():
                local = attribute.rsplit("}", 1)[-1].lower()
                assert not local.startswith("on"), (path, attribute)
                if local in URL_ATTRIBUTES:
                    assert not BAD_SCHEME.match(re.sub(r"[\x00-\x20]", "", value)), (path, attribute, value)


def test_json_keeps_payloads_as_data(hostile_site: Path) -> None:
    paths = files_of(hostile_site, ".json")
    assert paths
    found = False
    for path in paths:
        if path.parts[-2:-1] == ("pagefind",) or "pagefind" in path.relative_to(hostile_site).parts:
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        found = found or PAYLOADS[0] in json.dumps(data, ensure_ascii=False)
    assert found, "the payloads should be in the open data, as data"


# A trigger character followed by more text (a lone "=" or "-" is a comparator or a placeholder,
# a signed number is a number).
FORMULA_START = re.compile(r"^(?:[=@].|[+-](?!\d+(?:\.\d+)?%?$).|[\t\r])", re.S)


def test_csv_cells_cannot_run_as_formulas(hostile_site: Path) -> None:
    """A cell beginning = + - @ is run as a formula by Excel/WPS when the CSV is opened."""
    paths = files_of(hostile_site, ".csv")
    assert paths
    problems = []
    for path in paths:
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        for row in rows:
            for cell in row:
                if FORMULA_START.match(cell):
                    problems.append(f"{path.relative_to(hostile_site)}: {cell[:60]!r}")
    assert not problems, "\n".join(problems[:20])


def test_xlsx_has_no_formula_cells(hostile_site: Path) -> None:
    from openpyxl import load_workbook
    paths = files_of(hostile_site, ".xlsx")
    if not paths:
        pytest.skip("no XLSX export in this build")
    problems = []
    seen_payload = False
    for path in paths:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/") and b"<f>" in archive.read(name):
                    problems.append(f"{path.name}:{name}: a <f> formula element")
        workbook = load_workbook(path)
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        problems.append(f"{path.name}:{sheet.title}!{cell.coordinate}: formula {str(cell.value)[:50]!r}")
                    if isinstance(cell.value, str) and CANARY in cell.value:
                        seen_payload = True
    assert not problems, "\n".join(problems[:20])
    assert seen_payload


def test_secret_text_stays_out(hostile_site: Path) -> None:
    for path in files_of(hostile_site, ""):
        assert SECRET_MARK.encode() not in path.read_bytes(), path


# ---- (b) in a real browser --------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile_server(hostile_site: Path) -> Iterator[str]:
    with StaticServer(hostile_site) as server:
        yield server.url


def visit_all(browser: object, base: str, paths: list[str]) -> list[str]:
    """Open each path in a fresh tab; report dialogs, the canary and requests to other hosts."""
    problems: list[str] = []
    context = browser.new_context(locale="zh-CN")  # type: ignore[attr-defined]
    host = base.split("/")[2]

    def route(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.split("/")[2] != host:
            problems.append(f"request to another host: {url}")
            route.abort()  # type: ignore[attr-defined]
        else:
            route.continue_()  # type: ignore[attr-defined]

    context.route(re.compile(r"^(https?|wss?)://"), route)
    try:
        for path in paths:
            page = context.new_page()
            page.on("dialog", lambda dialog, path=path: (problems.append(f"{path}: dialog {dialog.message!r}"), dialog.dismiss()))
            page.on("pageerror", lambda error, path=path: problems.append(f"{path}: page error {error}") if CANARY in str(error) else None)
            page.goto(base + path, wait_until="load")
            page.wait_for_load_state("networkidle")
            if page.evaluate(f"() => typeof window.{CANARY} !== 'undefined'"):
                problems.append(f"{path}: window.{CANARY} was set")
            # Focus and hover everything once: payloads waiting for onfocus/onmouseover get their chance.
            page.evaluate("() => { for (const el of document.querySelectorAll('body *')) { try { el.focus(); "
                          "el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); } catch (e) {} } }")
            if page.evaluate(f"() => typeof window.{CANARY} !== 'undefined'"):
                problems.append(f"{path}: window.{CANARY} was set after focus/hover")
            page.close()
    finally:
        context.close()
    return problems


@pytest.mark.browser
def test_nothing_executes_in_chromium(browser: object, hostile_site: Path, hostile_server: str) -> None:
    pages = [p.relative_to(hostile_site).as_posix() for p in files_of(hostile_site, ".html")]
    pages = [p.removesuffix("index.html") for p in pages]
    queries = ["测试单位", "XSSCANARY", PAYLOADS[0], "\"><img src=x onerror=alert('XSSCANARY')>", "=HYPERLINK"]
    pages += [f"search/?q={quote(query)}" for query in queries]
    problems = visit_all(browser, hostile_server, pages)
    assert not problems, "\n".join(problems[:40])


# ---- (c) the seed's <p> text is paragraphs ----------------------------------------------------

@pytest.mark.browser
def test_seed_paragraph_html_renders_as_paragraphs(browser: object, hostile_site: Path, hostile_server: str) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    try:
        page.goto(hostile_server + "2025/xss-ju/xss-1/")
        paragraphs = page.locator(".prose p", has_text="第一段：维护社会稳定。")
        assert paragraphs.count() == 1
        assert page.locator(".prose p", has_text="第二段：推进平安建设。").count() == 1
        assert "<p>" not in page.locator(".prose").first.inner_text()
    finally:
        page.close()


def test_real_seed_paragraphs_render_as_paragraphs(example_site: Path) -> None:
    """The 广州 seed's goals carry <p>…</p>: the built pages show paragraphs, never the tags."""
    sources = [p for p in (ROOT / "content").rglob("*.yml") if "<p>" in p.read_text(encoding="utf-8")]
    assert sources, "the example content has no <p> text any more"
    html = "\n".join(p.read_text(encoding="utf-8") for p in files_of(example_site, ".html"))
    assert "&lt;p&gt;" not in html
    prose = re.findall(r'<div class="prose">(.*?)</div>', html, re.S)
    assert any(block.count("<p>") >= 2 for block in prose)
