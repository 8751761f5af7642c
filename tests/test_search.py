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
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import ROOT, example_paths
from gongkai.cache import BuildCache, cache_folder
from gongkai.publish import search
from gongkai.publish.audit import audit_files, normalise
from gongkai.pipeline import build, check
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
    listed = json.loads(files["pagefind/bundles.json"])["bundles"]
    assert "pagefind/pagefind.js" in files and listed
    for bundle in listed:
        own = [p for p in files if p.startswith(f"pagefind/{bundle}")]
        assert f"pagefind/{bundle}pagefind-entry.json" in own and f"pagefind/{bundle}wasm.unknown.pagefind" in own
        assert any(p.endswith(".pf_meta") for p in own) and not any(p.endswith("pagefind.js") for p in own)
    assert {p.split("/")[1] + "/" for p in files if p.count("/") > 1} == set(listed), "every bundle folder is listed"
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


# ---- bundles -----------------------------------------------------------------------------------

def test_records_are_split_by_year_and_region_each_record_once(example_site: Path, public) -> None:
    groups = search.bundles(public, "/")
    assert len(groups) == len({(d.year, d.region or "") for d in public.departments}) == 3
    urls = [r.url for items in groups.values() for r in items]
    assert sorted(urls) == sorted(r.url for r in search.records(public, "/")), "each record in one bundle"
    for items in groups.values():
        assert len({(r.meta["year"], r.filters.get("region", [""])[0]) for r in items}) == 1
    by_url = {f["url"] for f in fragments(example_site)}
    assert by_url == set(urls), "the built site indexes every bundle"


def test_a_large_region_is_cut_between_departments(public, monkeypatch: pytest.MonkeyPatch) -> None:
    one_year = [d for d in public.departments if d.year == 2023]
    regions = {d.slug: d.region for d in one_year}
    cloned = [replace(d, region="同一地区") for d in one_year]
    site = replace(public, departments=tuple(cloned))
    monkeypatch.setattr(search, "BUNDLE_RECORDS", 5)
    groups = search.bundles(site, "/")
    assert len(groups) == 2  # 15 and 3 records: one department each
    owner = {}
    for name, items in groups.items():
        for record in items:
            department = record.url.split("/")[2]
            assert owner.setdefault(department, name) == name, "a department is never cut"
    assert set(owner) == set(regions)


def test_only_changed_bundles_are_indexed_again(public, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    groups = search.bundles(public, "/")
    first = search.bundled_index(groups, tmp_path)
    indexed: list[int] = []
    real = search.index_records
    monkeypatch.setattr(search, "index_records", lambda items: indexed.append(len(items)) or real(items))
    assert search.bundled_index(groups, tmp_path) == first and indexed == []
    name = next(iter(groups))
    changed = dict(groups)
    changed[name] = [replace(groups[name][0], meta={**groups[name][0].meta, "amount": "1.00 万元"}), *groups[name][1:]]
    again = search.bundled_index(changed, tmp_path)
    assert indexed == [len(groups[name])], "only the changed bundle"
    assert again == search.bundled_index(changed, None), "the memo gives the bytes of a fresh index"
    assert len(list(tmp_path.glob("*.json"))) == len(groups), "the old bundle left the memo"
    (tmp_path / f"{search.bundle_digest(changed[name])}.json").write_text("{damaged", encoding="utf-8")
    assert search.bundled_index(changed, tmp_path) == again


def test_a_rebuild_indexes_only_the_changed_department_bundle(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    out = tmp_path / "site"
    build(example_paths(out, content), cache=BuildCache.open(out))
    memo = cache_folder(out) / "search"
    before = {p.name: p.stat().st_mtime_ns for p in memo.glob("*.json")}
    project = content / "2023/guangzhou-zfw/bumen-richang-yunzhuan.yml"
    project.write_text(project.read_text(encoding="utf-8").replace("\n项目名称: ", "\n项目名称: 新", 1), encoding="utf-8")
    build(example_paths(out, content), cache=BuildCache.open(out))
    after = {p.name: p.stat().st_mtime_ns for p in memo.glob("*.json")}
    assert len(before) == len(after) == 3
    kept = {name for name in before if after.get(name) == before[name]}
    assert len(kept) == 2, "the two bundles of other departments come from the memo untouched"
    clean = tmp_path / "clean"
    build(example_paths(clean, content), cache=False)
    assert index_files(out) == index_files(clean)
