"""Shards and merge (gongkai/shards.py, source/shard.py): the example built as three shards on a
local Dask cluster and merged is the single-site build, byte for byte and in the browser's
search; a shard loads only its own departments; the merge refuses what it cannot merge and
audits the merged folder against every shard's withheld texts."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path
from typing import Iterator

import pytest
from conftest import ROOT, StaticServer, example_paths, run_cli
from searchkit import expected_urls, indexed_records

from gongkai.pipeline import build
from gongkai.publish.audit import normalise
from gongkai.shards import NEEDLES_SUFFIX, PUBLIC_SUFFIX, build_and_merge, shard_jobs
from gongkai.writer import site_files

SHARDS = ["湖北省", "guangzhou-zfw", "玉田县"]  # two regions and a department folder


@pytest.fixture(scope="module")
def single(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("single") / "site"
    build(example_paths(out), cache=False)
    return out


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cluster") / "site"
    jobs = shard_jobs(ROOT / "content", ROOT / "site_config.yml", ROOT / "templates", SHARDS, out)
    build_and_merge(jobs, out, workers=2)
    return out


def shard_dir(merged: Path, number: int) -> Path:
    return merged.parent / f"{merged.name}-shards" / f"{number:02d}"


def test_each_shard_holds_only_its_departments(merged: Path) -> None:
    departments = [sorted(p.parent.relative_to(shard_dir(merged, n)).as_posix()
                          for p in shard_dir(merged, n).glob("*/*/department.json")) for n in range(3)]
    assert departments == [["2023/ezhou-zfw"], ["2023/guangzhou-zfw"], ["2025/yutian-zfw"]]


def test_merged_site_is_the_single_site_byte_for_byte(single: Path, merged: Path) -> None:
    one, many = site_files(single), site_files(merged)
    assert sorted(one) == sorted(many)
    differ = [path for path in one if one[path] != many[path]]
    assert not differ, differ[:10]
    assert any(p.startswith("data/") for p in one) and "sitemap.xml" in one and "feed.xml" in one


def test_merged_open_data_has_every_project_and_the_same_totals(single: Path, merged: Path) -> None:
    def projects(site: Path) -> list[tuple[str, str, str, str]]:
        data = json.loads((site / "data/site.json").read_text(encoding="utf-8"))
        return sorted((d["name"], p["name"], p["path"], json.dumps(p["money"], sort_keys=True))
                      for d in data["departments"] for p in d["projects"])
    assert projects(merged) == projects(single) and len(projects(merged)) == 28
    assert (merged / "data/site.xlsx").read_bytes() == (single / "data/site.xlsx").read_bytes()


def test_shard_files_stay_outside_every_public_folder(merged: Path) -> None:
    for n in range(3):
        reports = merged.parent / f"{merged.name}-shards" / "reports" / f"{n:02d}"
        for suffix in (NEEDLES_SUFFIX, PUBLIC_SUFFIX):
            path = reports / f"{n:02d}{suffix}"
            assert path.is_file() and stat.S_IMODE(path.stat().st_mode) == 0o600
    for site in [merged, *(shard_dir(merged, n) for n in range(3))]:
        assert not [p for p in site_files(site) if p.endswith((NEEDLES_SUFFIX, PUBLIC_SUFFIX))]


# ---- search across shards, in Chromium ----------------------------------------------------------

QUERIES = ["平安建设", "综治中心", "政法", "日常运转", "维稳", "信息网", "zongzhi", "zz", "pingan", "richang yunzhuan",
           "13022925", "13022925-P000", "GZIT2022", "006008", "安建设", "政法平安"]


@pytest.fixture(scope="module")
def two_tabs(browser: object, single: Path, merged: Path) -> Iterator[tuple[object, object]]:
    with StaticServer(single) as one, StaticServer(merged) as many:
        context = browser.new_context(locale="zh-CN")  # type: ignore[attr-defined]
        tabs = []
        for server in (one, many):
            tab = context.new_page()
            tab.goto(server.url + "search/")
            tab.wait_for_function("typeof window.gongkaiSearch === 'function'")
            tabs.append(tab)
        yield tabs[0], tabs[1]
        context.close()


def results(tab: object) -> list[list[str]]:
    return tab.evaluate(  # type: ignore[attr-defined]
        """async (queries) => {
             const out = [];
             for (const q of queries) {
               const r = await window.gongkaiSearch(q, {}, 1000);
               out.push(r.results.map(x => new URL(x.url, location.href).pathname));
             }
             return out;
           }""", QUERIES)


@pytest.mark.browser
def test_search_across_shards_finds_what_the_single_site_finds(two_tabs: tuple[object, object], merged: Path) -> None:
    one, many = (results(tab) for tab in two_tabs)
    assert one == many
    records = indexed_records(merged / "pagefind")
    for query, urls in zip(QUERIES, many):
        if " " not in query:
            assert set(urls) == expected_urls(records, query), query
    assert sum(1 for urls in many if urls) >= 12, "the queries find projects"
    assert len(json.loads((merged / "pagefind/bundles.json").read_text())["bundles"]) == 3


# ---- what a shard and a merge refuse ------------------------------------------------------------

def test_a_shard_with_no_department_is_refused_in_chinese(tmp_path: Path) -> None:
    result = run_cli("build", "--shard", "西藏自治区", "--out", str(tmp_path / "site"))
    assert result.returncode == 1 and "E050" in result.stderr and "西藏自治区" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "site").exists()


def test_a_shard_loads_only_its_departments(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "2023/guangzhou-zfw/wwzxjf.yml").write_text("项目名称: [broken\n", encoding="utf-8")
    result = run_cli("build", "--content", str(content), "--shard", "玉田县", "--out", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    result = run_cli("build", "--content", str(content), "--shard", "广东省", "--out", str(tmp_path / "gz"))
    assert result.returncode == 1 and "wwzxjf.yml" in result.stderr and "E002" in result.stderr


def test_merge_refuses_overlapping_missing_and_stale_shards(tmp_path: Path) -> None:
    for name, spec in (("a", "湖北省"), ("b", "ezhou-zfw,玉田县")):
        assert run_cli("build", "--shard", spec, "--out", str(tmp_path / name)).returncode == 0
    result = run_cli("merge", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(tmp_path / "m"))
    assert result.returncode == 1 and "E051" in result.stderr and "2023/ezhou-zfw" in result.stderr
    old = tmp_path / "old-content"  # a shard built before 2025 was added links to 2023 only
    shutil.copytree(ROOT / "content", old)
    shutil.rmtree(old / "2025")
    assert run_cli("build", "--content", str(old), "--shard", "广东省", "--out", str(tmp_path / "stale")).returncode == 0
    result = run_cli("merge", str(tmp_path / "stale"), str(tmp_path / "b"), "--out", str(tmp_path / "m"))
    assert result.returncode == 1 and "E051" in result.stderr and "年度" in result.stderr and "2023 ≠ 2025、2023" in result.stderr
    (tmp_path / "plain").mkdir()
    result = run_cli("merge", str(tmp_path / "a"), str(tmp_path / "plain"), "--out", str(tmp_path / "m"))
    assert result.returncode == 1 and "E051" in result.stderr and "plain" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "m").exists()
    before = site_files(tmp_path / "a")
    result = run_cli("merge", str(tmp_path / "a"), "--out", str(tmp_path / "a"))
    assert result.returncode == 1 and "E051" in result.stderr and site_files(tmp_path / "a").keys() == before.keys()


def test_merge_audits_against_every_shards_withheld_texts(tmp_path: Path) -> None:
    specs = ["广东省", "湖北省,玉田县"]
    for n, spec in enumerate(specs):
        assert run_cli("build", "--shard", spec, "--out", str(tmp_path / f"s{n}")).returncode == 0
    folders = [str(tmp_path / f"s{n}") for n in range(2)]
    assert run_cli("merge", *folders, "--out", str(tmp_path / "m")).returncode == 0
    before = site_files(tmp_path / "m")
    needles = json.loads((tmp_path / "reports" / f"s0{NEEDLES_SUFFIX}").read_text(encoding="utf-8"))["needles"]
    secret = next(form for form, _, source, derived in needles if derived == "原文" and "guangzhou" in source)
    page = tmp_path / "s1/2025/yutian-zfw/index.html"  # another shard's page publishes it
    page.write_text(page.read_text(encoding="utf-8").replace("</main>", f"<p>{secret}</p></main>"), encoding="utf-8")
    assert secret in normalise(page.read_text(encoding="utf-8"))
    result = run_cli("merge", *folders, "--out", str(tmp_path / "m"))
    assert result.returncode == 1 and "2025/yutian-zfw/index.html" in result.stderr and "guangzhou" in result.stderr
    after = site_files(tmp_path / "m")
    assert sorted(after) == sorted(before) and all(after[p] == before[p] for p in before), "the previous site stays"


def test_shards_cutting_one_region_keep_both_bundles(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    department = content / "2023/guangzhou-zfw/部门.yml"  # now in ezhou's region and year: one bundle in one build
    department.write_text(department.read_text(encoding="utf-8").replace("地区: 广东省广州市", "地区: 湖北省鄂州市"), encoding="utf-8")
    for name, spec in (("a", "ezhou-zfw"), ("b", "guangzhou-zfw,玉田县")):
        result = run_cli("build", "--content", str(content), "--shard", spec, "--out", str(tmp_path / name))
        assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "a/pagefind/bundles.json").read_text())["bundles"][0] in \
        json.loads((tmp_path / "b/pagefind/bundles.json").read_text())["bundles"], "the same bundle name in both shards"
    result = run_cli("merge", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(tmp_path / "m"))
    assert result.returncode == 0, result.stderr
    bundles = json.loads((tmp_path / "m/pagefind/bundles.json").read_text())["bundles"]
    assert len(bundles) == len(set(bundles)) == 3
    urls = [set(indexed_records(tmp_path / "m/pagefind" / b)) for b in bundles]
    assert sum(len(u) for u in urls) == len(set().union(*urls)) == 31, "every record once, none lost to a name clash"
