"""The search index, read back from the built example site (no browser: see test_search_browser.py).

The index files are Pagefind's: gzip members starting with `pagefind_dcd`. Fragments are JSON
with each record's search tokens in `content`; `decode` turns the tokens back into text so the
tests can look for withheld content in the form the browser would match it
(`search.decode_token`).
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from conftest import example_paths
from gongkai.publish import search
from gongkai.publish.audit import audit_files, normalise
from gongkai.pipeline import check
from gongkai.slugs import pinyin_words

SECRET = "样例涉密内容"


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory):
    return check(example_paths(tmp_path_factory.mktemp("unused"))).public


def index_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted((site / "pagefind").rglob("*")) if p.is_file()}


def unpacked(data: bytes) -> bytes:
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def fragments(site: Path) -> list[dict]:
    out = []
    for path, data in index_files(site).items():
        if path.endswith(".pf_fragment"):
            raw = unpacked(data)
            assert raw.startswith(b"pagefind_dcd")
            out.append(json.loads(raw[len(b"pagefind_dcd"):]))
    return out


def test_index_files_are_written_and_only_the_ones_a_browser_needs(example_site: Path) -> None:
    files = index_files(example_site)
    assert "pagefind/pagefind.js" in files and "pagefind/pagefind-entry.json" in files
    assert any(p.endswith(".pf_meta") for p in files) and any(p.startswith("pagefind/wasm.") for p in files)
    assert not [p for p in files if "-ui" in p or "highlight" in p], "Pagefind's bundled UI is not used"


def test_every_public_page_is_a_record_with_name_department_year_and_amount(example_site: Path, public) -> None:
    by_url = {f["url"]: f["meta"] for f in fragments(example_site)}
    for project in public.projects:
        meta = by_url["/" + project.path]
        assert meta["title"] == project.name and meta["year"] == str(project.year)
        assert meta["dept"] and meta["amount"] and meta["kind"] == "项目"
    for department in public.departments:
        assert by_url["/" + department.path]["kind"] == "部门"
    assert len(by_url) == len(public.projects) + len(public.departments)


def test_index_holds_nothing_withheld(example_site: Path, public) -> None:
    secrets = [w.text for w in public.withheld]
    secret_names = [w.text for w in public.withheld if w.source.endswith("项目名称")]
    assert secret_names, "the example has secret projects"
    words = {normalise("".join(pinyin_words(t))) for t in secret_names}
    for path, data in index_files(example_site).items():
        text = normalise(unpacked(data).decode("utf-8", "ignore"))
        assert SECRET not in text, path
        for word in words:
            assert word not in text, f"{path} holds the pinyin of a secret name"
    for fragment in fragments(example_site):
        decoded = " ".join(search.decode_token(t) for t in fragment["content"].split())
        assert SECRET not in decoded.replace(" ", "")
        bigrams = set(decoded.split())
        for text in secrets:
            run = max(re.findall(r"[\u4e00-\u9fff]+", text), key=len)
            pairs = {run[i:i + 2] for i in range(len(run) - 1)}
            assert not pairs <= bigrams, f"{fragment['url']} holds every bigram of “{run}”"


def test_audit_catches_a_withheld_string_planted_in_a_record(public) -> None:
    secret = next(w.text for w in public.withheld if w.source.endswith("项目名称"))
    items = search.records(public, "/")
    planted = search.Record("/planted/", items[0].content, {**items[0].meta, "title": secret}, {})
    files = search.index_records([*items, planted])
    hits = audit_files(files, public)
    assert any(h.needle.derived == "原文" and h.file.startswith("pagefind/fragment/") for h in hits)
    assert not audit_files(search.index_records(items), public)


def test_index_is_byte_identical_across_builds(public) -> None:
    items = search.records(public, "/")
    assert search.index_records(items) == search.index_records(items)


def test_tokens_decode_to_their_text() -> None:
    assert search.decode_token("n" + search.encode("综治中心")) == "综治中心"
    assert search.decode_token("k" + search.encode("玉田")) == "玉田"
    assert search.decode_token("lzongzhi") == "zongzhi"


def test_tokens_make_substrings_prefixes() -> None:
    tokens = search.name_tokens(["市综治中心专项工作经费"]) | search.code_tokens(["13022925P00004610003B"])
    terms = search.query_terms("综治中心")
    assert terms.name == ["n" + search.encode("综治中心")]
    assert any(t.startswith(terms.name[0]) for t in tokens)
    for query in ("zongzhi", "zongzhizhongxin", "zzzx", "szzzxzxgzjf"):
        assert any(t.startswith(search.query_terms(query).name[0]) for t in tokens), query
    for query in ("4610003b", "13022925-p000-0461-0003b"):
        assert any(t.startswith(search.query_terms(query).code[0]) for t in tokens), query
    assert terms.body == ["b" + search.encode(p) for p in ("综治", "治中", "中心")]


def test_polyphonic_and_u_umlaut_spellings() -> None:
    assert "zhongdianbuwei" in search.pinyin_strings("重点部位")
    spellings = search.pinyin_strings("绿化")
    assert "lvhua" in spellings and "luhua" in spellings


def test_latin_runs_ignore_separators_but_not_chinese() -> None:
    assert search.runs("GZIT2022-SM-N-C-006008(2023)") == [("latin", "gzit2022smnc0060082023")]
    assert search.runs("委员会2022-2023年广州") == [("cjk", "委员会"), ("latin", "20222023"), ("cjk", "年广州")]
    assert search.runs("联合接访中心、邪教防范") == [("cjk", "联合接访中心"), ("cjk", "邪教防范")]
