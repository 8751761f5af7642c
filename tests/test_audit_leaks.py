"""One test per leak path: plant a withheld string (or a derived form) into an otherwise good
built folder and show that `python build.py audit DIR` fails, naming the file and the source field."""

from __future__ import annotations

import gzip
import html
import json
import shutil
from pathlib import Path
from typing import Callable
from urllib.parse import quote

import openpyxl
import pytest

from conftest import ROOT, run_cli
from gongkai import cli
from gongkai.publish import search
from gongkai.publish.audit import Matcher, audit_files, audit_needles, normalise, read_dir, scan
from gongkai.source.config import Disclosure
from gongkai.pipeline import build, check
from gongkai.slugs import pinyin_words
from test_redact_kit import DEPARTMENT, dump, project, write_config, write_tree

SECRET = "秘密测试工程名称"  # the secret project's 项目名称
BASIS = "依据某保密批复设立，用于秘密测试。"  # its 立项依据
PINYIN = "".join(pinyin_words(SECRET))
SLUG = "-".join(pinyin_words(SECRET))
INITIALS = "".join(w[0] for w in pinyin_words(SECRET))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A good site with search on, one secret project, one public one: (site, content, config)."""
    root = tmp_path_factory.mktemp("leaks")
    content = write_tree(root / "content", {"部门.yml": DEPARTMENT, "a.yml": dump(project("公开测试项目", "GK001", 3000.0)),
                                            "s.yml": dump(project(SECRET, "MM001", 2000.0, 涉密=True, 立项依据=BASIS))})
    config = write_config(root / "site_config.yml", Disclosure(), search=True)
    build(check.__globals__["Paths"](content=content, config=config, templates=ROOT / "templates", out=root / "site"))
    return root / "site", content, config


def _audit_in_process(site: Path, content: Path, config: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.run(["audit", "--content", str(content), "--config", str(config), str(site)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _append(path: str, text: str) -> Callable[[Path], str]:
    def plant(site: Path) -> str:
        target = site / path
        target.write_bytes(target.read_bytes() + text.encode("utf-8"))
        return path
    return plant


def _replace(path: str, old: str, new: str) -> Callable[[Path], str]:
    def plant(site: Path) -> str:
        target = site / path
        data = target.read_text(encoding="utf-8")
        assert old in data, old
        target.write_text(data.replace(old, new, 1), encoding="utf-8")
        return path
    return plant


def _new_file(path: str, data: bytes = b"<p>ok</p>") -> Callable[[Path], str]:
    def plant(site: Path) -> str:
        target = site / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return path
    return plant


def _xlsx(site: Path) -> str:
    book = openpyxl.Workbook()
    book.active.append(["项目名称", "金额"])
    book.active.append([SECRET, 2000])
    book.save(site / "data" / "site.xlsx")
    return "data/site.xlsx"


def _pagefind_fragment(site: Path) -> str:
    # What Pagefind writes: gzip of "pagefind_dcd" + JSON, with U+200B between Chinese words.
    body = {"url": "/2025/ceshi/x/", "content": "\u200b".join(["秘密", "测试", "工程", "名称"]) + "。", "meta": {"title": "x"}}
    path = "pagefind/fragment/zh_planted.pf_fragment"
    (site / path).parent.mkdir(parents=True, exist_ok=True)
    (site / path).write_bytes(gzip.compress(b"pagefind_dcd" + json.dumps(body, ensure_ascii=False).encode("utf-8"), mtime=0))
    return path


def _pagefind_header(site: Path) -> str:
    # A compressed stream after a short header (as some index formats do) is unpacked too.
    path = "pagefind/index/zh_planted.pf_index"
    (site / path).parent.mkdir(parents=True, exist_ok=True)
    (site / path).write_bytes(b"PFIDX1\x00\x00" + gzip.compress(("\u200b".join(SECRET)).encode("utf-8"), mtime=0))
    return path


def _pagefind_file(path: str, payload: bytes) -> Callable[[Path], str]:
    """A planted Pagefind file: gzip of "pagefind_dcd" + JSON (fragment) or CBOR (index)."""
    def plant(site: Path) -> str:
        (site / path).parent.mkdir(parents=True, exist_ok=True)  # beside the bundles: found by its bytes
        (site / path).write_bytes(gzip.compress(b"pagefind_dcd" + payload, mtime=0))
        return path
    return plant


def _fragment(*tokens: str, **meta: str) -> bytes:
    # Pagefind writes " \u200b" between the words of a custom record's content.
    body = {"url": "/2025/ceshi/x/", "content": " \u200b".join(tokens), "word_count": len(tokens),
            "filters": {}, "meta": {"title": "x", **meta}, "anchors": []}
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def _index(*words: str) -> bytes:
    # An index chunk as Pagefind 1.5 writes it: [[word, [[page, [positions]]], []], …]
    return search._cbor_write([[[w, [[i, [-25, 3 + i]]], []] for i, w in enumerate(words)]])


BIGRAM_TOKENS = sorted("b" + search.encode(SECRET[i:i + 2]) for i in range(len(SECRET) - 1))


def _sitemap(site: Path) -> str:
    path = "sitemap.xml"
    data = (site / path).read_text(encoding="utf-8") if (site / path).exists() else '<?xml version="1.0"?><urlset></urlset>'
    (site / path).write_text(data.replace("</urlset>", f"<url><loc>https://example.gov.cn/2025/ceshi/{SLUG}/</loc></url></urlset>"), encoding="utf-8")
    return path


def _feed(site: Path) -> str:
    path = "feed.xml"
    data = (site / path).read_text(encoding="utf-8") if (site / path).exists() else '<?xml version="1.0"?><feed></feed>'
    escaped = "".join(f"&#{ord(c)};" for c in SECRET)
    (site / path).write_text(data.replace("</feed>", f"<entry><title>{escaped}</title></entry></feed>"), encoding="utf-8")
    return path


PAGE = "2025/ceshi/index.html"
BASIS_PIECE = "依据某保密批复设立"

LEAKS: dict[str, tuple[Callable[[Path], str], str]] = {
    "html-text": (_append(PAGE, f"<p>{SECRET}</p>"), "项目名称"),
    "html-split-by-tags": (_append(PAGE, "<p>秘密测试<b>工程</b>名称</p>"), "项目名称"),
    "html-attribute-entities": (_append(PAGE, f'<a title="{"".join(f"&#x{ord(c):x};" for c in SECRET)}">x</a>'), "项目名称"),
    "html-comment": (_append(PAGE, f"<!-- {SECRET} -->"), "项目名称"),
    "title": (_replace(PAGE, "<title>", f"<title>{SECRET} "), "项目名称"),
    "meta": (_replace(PAGE, '<meta name="description" content="', f'<meta name="description" content="{html.escape(BASIS)}'), "立项依据"),
    "fragment-of-a-field": (_append(PAGE, f"<p>……{BASIS_PIECE}……</p>"), "立项依据"),
    "url-percent-encoded": (_append(PAGE, f'<a href="/2025/ceshi/{quote(SECRET)}/">x</a>'), "项目名称"),
    "url-slug": (_append(PAGE, f'<a href="/2025/ceshi/{SLUG}/">x</a>'), "项目名称"),
    "pinyin": (_append(PAGE, f"<span>{PINYIN.upper()}</span>"), "项目名称"),
    "pinyin-initials": (_append(PAGE, f"<span>{INITIALS.upper()}</span>"), "项目名称"),
    "file-name": (_new_file(f"2025/ceshi/{SECRET}.html"), "项目名称"),
    "file-name-slug": (_new_file(f"2025/ceshi/{SLUG}/index.html"), "项目名称"),
    "sitemap": (_sitemap, "项目名称"),
    "feed": (_feed, "项目名称"),
    "json-escaped": (_new_file("data/extra.json", json.dumps({"name": SECRET}).encode()), "项目名称"),
    "csv": (_append("data/projects.csv", f"2025,测试,{SECRET},2000\r\n"), "项目名称"),
    "xlsx": (_xlsx, "项目名称"),
    "gzip": (_new_file("data/extra.json.gz", gzip.compress(SECRET.encode("utf-8"), mtime=0)), "项目名称"),
    "pagefind-fragment": (_pagefind_fragment, "项目名称"),
    "pagefind-header": (_pagefind_header, "项目名称"),
    "robots-redirects": (_new_file("_redirects", f"/old /2025/ceshi/{SLUG}/ 301\n".encode()), "项目名称"),
    # Pagefind files are read by their structure (each word, token and value apart):
    "pagefind-index-word": (_pagefind_file("pagefind/index/zh_planted.pf_index", _index("labc", SECRET, "m2025")), "项目名称"),
    "pagefind-index-pinyin": (_pagefind_file("pagefind/index/zh_planted.pf_index", _index("l" + PINYIN)), "项目名称"),
    "pagefind-name-token": (_pagefind_file("pagefind/fragment/zh_planted.pf_fragment",
                                           _fragment("labc", "n" + search.encode(SECRET), "m2025")), "项目名称"),
    "pagefind-initials-token": (_pagefind_file("pagefind/fragment/zh_planted.pf_fragment",
                                               _fragment("l" + INITIALS, "m2025")), "项目名称"),
    "pagefind-meta-pinyin": (_pagefind_file("pagefind/fragment/zh_planted.pf_fragment",
                                            _fragment("labc", py=" ".join(pinyin_words(SECRET)))), "项目名称"),
    "pagefind-body-bigrams": (_pagefind_file("pagefind/fragment/zh_planted.pf_fragment", _fragment("labc", *BIGRAM_TOKENS)), "项目名称"),
    "pagefind-text-words": (_pagefind_file("pagefind/fragment/zh_planted.pf_fragment", _fragment("labc", "秘密测试", "工程名称", "m1")), "项目名称"),
}


@pytest.mark.parametrize("case", sorted(LEAKS))
def test_a_planted_leak_fails_the_audit_naming_file_and_field(tmp_path: Path, built: tuple[Path, Path, Path], case: str,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    site, content, config = built
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    plant, field = LEAKS[case]
    planted = plant(copy)
    code, output = _audit_in_process(copy, content, config, capsys)
    assert code == 1, output
    assert planted in output and f"s.yml: {field}" in output, output
    # The message points at the leak without repeating it (beyond the planted file's own name).
    assert SECRET not in output.replace(planted, "") and BASIS not in output


def test_the_clean_site_passes_and_the_real_command_fails_on_a_leak(tmp_path: Path, built: tuple[Path, Path, Path]) -> None:
    site, content, config = built
    assert run_cli("audit", "--content", str(content), "--config", str(config), str(site)).returncode == 0
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    _pagefind_fragment(copy)
    result = run_cli("audit", "--content", str(content), "--config", str(config), str(copy))
    assert result.returncode == 1
    assert "pagefind/fragment/zh_planted.pf_fragment" in result.stderr and "s.yml: 项目名称" in result.stderr


def test_the_real_search_index_holds_no_secret(built: tuple[Path, Path, Path]) -> None:
    site = built[0]
    index = [p for p in (site / "pagefind").rglob("*") if p.is_file()] if (site / "pagefind").exists() else []
    assert index, "search is on: Pagefind files are expected"
    fragments = [gzip.decompress(p.read_bytes()).decode("utf-8", "ignore") for p in index if "fragment" in p.parts]
    assert fragments and any("公开测试项目" in normalise(f) for f in fragments)
    assert not any(normalise(SECRET) in normalise(f) or PINYIN in f for f in fragments)


def test_an_internal_report_copied_into_the_site_fails_the_audit(tmp_path: Path, built: tuple[Path, Path, Path],
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    site, content, config = built
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    (copy / "redaction-report.md").write_text("# 脱密报告\n", encoding="utf-8")
    code, output = _audit_in_process(copy, content, config, capsys)
    assert code == 1 and "redaction-report.md" in output


def test_a_public_code_spelling_a_secret_name_is_warned(tmp_path: Path) -> None:
    # The public project's code is the pinyin initials of the secret project's name (like WWZXJF).
    content = write_tree(tmp_path / "content", {"部门.yml": DEPARTMENT, "a.yml": dump(project("公开测试项目", INITIALS.upper(), 3000.0)),
                                                "s.yml": dump(project(SECRET, "MM001", 2000.0, 涉密=True))})
    result = run_cli("check", "--content", str(content))
    assert result.returncode == 0
    assert "W102" in result.stderr and INITIALS.upper() in result.stderr and "s.yml" in result.stderr and SECRET not in result.stderr


def test_matcher_finds_overlapping_and_nested_strings() -> None:
    matcher = Matcher(["abc", "abcdef", "bcd", "样例涉密内容", "ab"])
    assert matcher.occurring("zzabcdefg样例涉密内容") == {"abc", "abcdef", "bcd", "样例涉密内容", "ab"}
    assert matcher.occurring("no match here") == set()


def test_the_audit_scans_many_withheld_strings_in_one_pass(tmp_path: Path, built: tuple[Path, Path, Path]) -> None:
    # 20,000 withheld strings: one matcher, every file read once (no loop over strings × files).
    site, content, config = built
    result = check(check.__globals__["Paths"](content=content, config=config, templates=ROOT / "templates", out=site))
    assert result.public is not None
    from dataclasses import replace
    from gongkai.public import Withheld
    many = tuple(Withheld(f"虚构涉密条目{i:05d}号", "x.yml: 项目名称", "涉密项目") for i in range(20000))
    public = replace(result.public, withheld=result.public.withheld + many)
    files = read_dir(site)
    assert audit_files(files, public) == []
    files["planted.html"] = "<p>虚构涉密条目12345号</p>".encode()
    hits = audit_files(files, public)
    assert [h.file for h in hits] == ["planted.html"]


def test_pagefind_tokens_are_read_apart(tmp_path: Path, built: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    # Read as flat text, neighbouring tokens ("lmmcsgc" "mc"), or an index word and the CBOR
    # length byte of the next ("c" = a 3-byte string), spell the secret's initials: no leak.
    site, content, config = built
    assert INITIALS == "mmcsgcmc"
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    _pagefind_file("pagefind/fragment/zh_apart.pf_fragment", _fragment("l" + INITIALS[:6], "m" + INITIALS[6:]))(copy)
    _pagefind_file("pagefind/index/zh_apart.pf_index", search._cbor_write(["x" + INITIALS[:5], INITIALS[6:] + "x"]))(copy)
    assert INITIALS in normalise(gzip.decompress((copy / "pagefind/index/zh_apart.pf_index").read_bytes()).decode("utf-8", "ignore"))
    code, output = _audit_in_process(copy, content, config, capsys)
    assert code == 0, output
    # The same letters in one token are a leak.
    _pagefind_file("pagefind/fragment/zh_apart.pf_fragment", _fragment("l" + INITIALS[:6] + INITIALS[6:]))(copy)
    code, output = _audit_in_process(copy, content, config, capsys)
    assert code == 1 and "pagefind/fragment/zh_apart.pf_fragment" in output, output


def test_a_pagefind_file_that_does_not_parse_is_read_as_flat_text(tmp_path: Path, built: tuple[Path, Path, Path],
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    site, content, config = built
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    # A truncated CBOR item: the structure is broken, the text is still searched.
    _pagefind_file("pagefind/index/zh_broken.pf_index", _index("labc", SECRET)[:-4] + b"\x7a")(copy)
    code, output = _audit_in_process(copy, content, config, capsys)
    assert code == 1 and "pagefind/index/zh_broken.pf_index" in output and "s.yml: 项目名称" in output, output


def test_body_bigrams_of_a_short_or_partial_text_are_not_a_hit(tmp_path: Path, built: tuple[Path, Path, Path],
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    # One pair missing (the text was not indexed whole): not a hit; the public record's own pairs pass too.
    site, content, config = built
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    _pagefind_file("pagefind/fragment/zh_pairs.pf_fragment", _fragment("labc", *BIGRAM_TOKENS[1:]))(copy)
    code, output = _audit_in_process(copy, content, config, capsys)
    assert code == 0, output


def test_matcher_reports_positions_and_never_matches_across_the_separator() -> None:
    from gongkai.publish.audit import SEPARATOR
    matcher = Matcher(["abcd", "秘密测试", "xy"])
    text = SEPARATOR.join(["zzabcd", "ab", "cd", "秘密", "测试", "xy"])
    assert sorted(matcher.found_at(text)) == [(2, "abcd"), (text.index("xy"), "xy")]
    long = "q" * ((1 << 20) - 2) + "abcd" + "q" * 10 + "秘密测试"  # a long text: where the old matcher cut chunks
    assert matcher.occurring(long) == {"abcd", "秘密测试"}


def test_a_scan_across_processes_reports_what_one_process_does(built: tuple[Path, Path, Path]) -> None:
    site, content, config = built
    result = check(check.__globals__["Paths"](content=content, config=config, templates=ROOT / "templates", out=site))
    assert result.public is not None
    found = audit_needles(result.public)
    files = read_dir(site)
    for i, path in enumerate(sorted(files)[::7]):  # leaks spread over the files, so every process finds some
        files[path] += f"<p>{SECRET if i % 2 else BASIS_PIECE}</p>".encode()
    files["redaction-report.md"] = b"#"
    serial = scan(files, found, jobs=1)
    assert len({h.file for h in serial}) > 4
    assert scan(files, found, jobs=2) == serial
    assert scan(files, found, jobs=3) == serial


def test_a_public_name_with_the_initials_of_a_secret_one_is_no_leak(tmp_path: Path) -> None:
    # 民苗传送高层门窗 and 秘密测试工程名称 are both mmcsgcmc: the search index publishes the public
    # name's initials in its own right (found by the random property test).
    public_name = "民苗传送高层门窗"
    content = write_tree(tmp_path / "content", {"部门.yml": DEPARTMENT, "a.yml": dump(project(public_name, "GK001", 3000.0)),
                                                "s.yml": dump(project(SECRET, "MM001", 2000.0, 涉密=True))})
    config = write_config(tmp_path / "site_config.yml", Disclosure(), search=True)
    build(check.__globals__["Paths"](content=content, config=config, templates=ROOT / "templates", out=tmp_path / "site"))
    fragments = [gzip.decompress(p.read_bytes()) for p in (tmp_path / "site" / "pagefind").rglob("*.pf_fragment")]
    assert any(f" \u200bl{INITIALS} ".encode() in f for f in fragments)
    assert run_cli("audit", "--content", str(content), "--config", str(config), str(tmp_path / "site")).returncode == 0
