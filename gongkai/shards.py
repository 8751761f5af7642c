"""Shards beyond one machine: what a shard build leaves for the merge, the merge itself, and
running the shards on Dask distributed.

A shard (`build --shard 湖北省` or `--shard guangzhou-zfw,ezhou-zfw`) is an ordinary site of its
departments, with the same configuration as the national site, so its department and project
pages, their export files and its search bundles are already what the merged site publishes.
Beside its redaction report (never in the public output) it writes two files for the merge:
its public model (the departments the front pages, open data and search menus are made from)
and the withheld forms its audit searched for. `merge` takes the shards' department folders
and search bundles as they are, makes the site-wide files anew (home, year and search pages,
404, feeds, sitemap, redirects, year and site open data, the list of search bundles), and
audits the whole merged folder against every shard's withheld forms before the swap: a secret
of one shard found in another shard's pages still stops the merge.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

from gongkai.errors import ContentError, Problem
from gongkai.public import PublicSite
from gongkai.publish.audit import Hit, Needle, scan
from gongkai.source.config import Config, load_config
from gongkai.writer import Output, build_lock, clean_stale, staging_dir, swap_into_place

if TYPE_CHECKING:  # the pipeline imports this module when it writes a shard's files
    from gongkai.pipeline import Result

NEEDLES_SUFFIX = ".withheld-needles.json"
PUBLIC_SUFFIX = ".shard-public.pickle"
SHARD_FORMAT = 1


# ---- what a shard leaves for the merge (in its report folder) --------------------------------

def shard_file(report_dir: Path, out: Path, suffix: str) -> Path:
    """Named by the shard's output folder: sibling shards may share one report folder."""
    return report_dir / f"{out.name}{suffix}"


def _write_private(path: Path, data: bytes) -> None:
    """Readable by the owner only: the needles are the withheld texts themselves."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".tmp")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(data)
    partial.replace(path)


def needles_bytes(needles: Iterable[Needle]) -> bytes:
    rows = sorted({(n.form, n.shown, n.source, n.derived) for n in needles})
    return json.dumps({"format": SHARD_FORMAT, "needles": rows}, ensure_ascii=False, indent=0).encode("utf-8")


def write_shard_files(result: Result, report_dir: Path, out: Path) -> None:
    """The shard's public model (without the withheld strings) and its audit's needles."""
    assert result.public is not None and result.config is not None
    years = result.site_years or result.public.years
    _write_shard(result.public, result.config.base_url, years, result.needles, report_dir, out)


def _write_shard(public: PublicSite, base_url: str, years: tuple[int, ...], needles: Iterable[Needle],
                 report_dir: Path, out: Path) -> None:
    model = pickle.dumps({"format": SHARD_FORMAT, "base_url": base_url, "site_years": years,
                          "public": replace(public, withheld=())}, protocol=pickle.HIGHEST_PROTOCOL)
    _write_private(shard_file(report_dir, out, PUBLIC_SUFFIX), model)
    _write_private(shard_file(report_dir, out, NEEDLES_SUFFIX), needles_bytes(needles))


@dataclass
class Shard:
    folder: Path
    public: PublicSite
    base_url: str
    site_years: tuple[int, ...]  # the years its pages link to
    needles: list[Needle]


def read_shard(folder: Path, report_dir: Path) -> Shard:
    """A built shard; E051 when its folder or its files for the merge are missing or unreadable."""
    where = str(folder)
    if not folder.is_dir():
        raise ContentError([_merge_problem(where, "分片文件夹不存在")])
    try:
        model = pickle.loads(shard_file(report_dir, folder, PUBLIC_SUFFIX).read_bytes())
        rows = json.loads(shard_file(report_dir, folder, NEEDLES_SUFFIX).read_text(encoding="utf-8"))
        if model.get("format") != SHARD_FORMAT or rows.get("format") != SHARD_FORMAT:
            raise ValueError("format")
        needles = [Needle(*row) for row in rows["needles"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError, EOFError, pickle.UnpicklingError):
        return _missing(where, report_dir)
    return Shard(folder, model["public"], model["base_url"], tuple(model["site_years"]), needles)


def _missing(where: str, report_dir: Path) -> Shard:
    raise ContentError([_merge_problem(where, f"在 {report_dir} 中找不到可读的分片文件（*{PUBLIC_SUFFIX}、*{NEEDLES_SUFFIX}）",
                                       "用 python3 build.py build --shard … --out 该文件夹 重新构建这个分片；若用了 --report-dir，merge 也要用 --shard-reports 指明。")])


def _merge_problem(where: str, detail: str, hint: str | None = None, value: str | None = None) -> Problem:
    return Problem("E051", where, 0, 0, detail, value, hint)


# ---- the merge -------------------------------------------------------------------------------

@dataclass
class MergeResult:
    public: PublicSite
    sizes: dict[str, int] = field(default_factory=dict)
    needles: list[Needle] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # take (shard files), site (site-wide files), audit


def merged_public(shards: list[Shard], base_url: str) -> PublicSite:
    """All shards' departments in the single build's order (year, then folder); every shard
    built with the merge's base_url, no department in two shards."""
    problems: list[Problem] = []
    owner: dict[tuple[int, str], Path] = {}
    for shard in shards:
        if shard.base_url != base_url:
            problems.append(_merge_problem(str(shard.folder), "分片的 base_url 与合并的配置不同", "各分片和 merge 须用同一个 site_config.yml。",
                                           f"{shard.base_url} ≠ {base_url}"))
        for department in shard.public.departments:
            key = (department.year, department.slug)
            if key in owner:
                problems.append(_merge_problem(str(shard.folder), f"部门 {department.year}/{department.slug} 也在分片 {owner[key]} 中",
                                               "每个部门只能属于一个分片：检查各分片的 --shard。", department.slug))
            owner.setdefault(key, shard.folder)
    departments = sorted((d for s in shards for d in s.public.departments), key=lambda d: (str(d.year), d.slug))
    public = PublicSite(departments=tuple(departments), withheld=())
    for shard in shards:  # each shard's pages link to the years of the site it was built in
        if shard.site_years != public.years:
            problems.append(_merge_problem(str(shard.folder), "分片页面上的年度与合并后的网站不同", "内容改动后须重新构建所有分片。",
                                           f"{'、'.join(map(str, shard.site_years))} ≠ {'、'.join(map(str, public.years))}"))
    if problems:
        raise ContentError(problems)
    return public


def shard_paths(shard: Shard) -> list[str]:
    """The files the merged site takes from a shard as they are: its departments' folders (pages
    and export files) and its search bundles; everything site-wide is made anew."""
    from gongkai.writer import site_files
    own = tuple(d.path for d in shard.public.departments)
    bundles = tuple(f"pagefind/{name}" for name in _bundle_names(shard.folder))
    return [p for p in site_files(shard.folder) if p.startswith(own) or p.startswith(bundles)]


def _bundle_names(folder: Path) -> list[str]:
    from gongkai.publish.search import BUNDLES_FILE
    try:
        return list(json.loads((folder / BUNDLES_FILE).read_text(encoding="utf-8"))["bundles"])
    except (OSError, ValueError, KeyError, TypeError):
        return []


def merge(folders: list[Path], out: Path, config_path: Path, templates: Path,
          report_dirs: list[Path] | None = None, report_dir: Path | None = None) -> MergeResult:
    """Merge built shards into `out` (atomically, audited); its own shard files go to
    `report_dir` (default reports/ beside out), so a merged site can be merged again."""
    from gongkai.disclosure.report import check_location, default_report_dir
    config = load_config(config_path)
    for folder in folders:  # the swap would replace a shard with the merge, or nest one in the other
        a, b = folder.resolve(), out.resolve()
        if a == b or a.is_relative_to(b) or b.is_relative_to(a):
            raise ContentError([_merge_problem(str(folder), "合并的输出文件夹不能是分片文件夹，也不能在它里面", "用 --out 指定另一个文件夹。", str(out))])
    dirs = report_dirs or [default_report_dir(folder) for folder in folders]
    if len(dirs) != len(folders):
        raise ContentError([_merge_problem("--shard-reports", "--shard-reports 的个数与分片文件夹不同", value=str(len(dirs)))])
    shards = [read_shard(folder, where) for folder, where in zip(folders, dirs)]
    public = merged_public(shards, config.base_url)
    own_reports = report_dir or default_report_dir(out)
    check_location(own_reports, out)
    with build_lock(out):
        clean_stale(out)
        staging = staging_dir(out)
        staging.mkdir()
        try:
            result = _merge_into(Output(staging), shards, public, config, templates, out)
            swap_into_place(staging, out)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    _write_shard(public, config.base_url, public.years, result.needles, own_reports, out)
    return result


def _merge_into(output: Output, shards: list[Shard], public: PublicSite, config: Config, templates: Path,
                live: Path) -> MergeResult:
    from gongkai.pipeline import AuditFailed
    timings: dict[str, float] = {}
    with _timed(timings, "take"):
        names = _take_shard_files(output, shards)
    with _timed(timings, "site"):
        _site_wide(output, public, config, templates, live, names)
    with _timed(timings, "audit"):
        needles = sorted({n for shard in shards for n in shard.needles}, key=lambda n: (n.form, n.source, n.derived))
        hits: list[Hit] = scan(output.files, needles)
    if hits:
        raise AuditFailed(sorted(hits, key=lambda h: (h.file, h.needle.form)))
    return MergeResult(public, dict(output.sizes), needles, timings)


@contextmanager
def _timed(timings: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - start


def _take_shard_files(output: Output, shards: list[Shard]) -> list[str]:
    """Hard-links each shard's own files into staging; returns the search bundles' folders in
    shard order, a bundle whose name another shard took renamed after its shard."""
    bundles: list[str] = []
    for number, shard in enumerate(shards):
        renamed = {name: name if name not in bundles else f"s{number}-{name}" for name in _bundle_names(shard.folder)}
        bundles += renamed.values()
        for path in shard_paths(shard):
            target = path
            if path.startswith("pagefind/"):
                name = path.split("/")[1] + "/"
                target = f"pagefind/{renamed[name]}{path[len('pagefind/') + len(name):]}"
            source = shard.folder / path
            if not output.take(target, source, source.stat().st_size):
                raise ContentError([_merge_problem(str(source), "分片文件读取失败", "重新构建这个分片。")])
    first = next((s.folder / "pagefind/pagefind.js" for s in shards if (s.folder / "pagefind/pagefind.js").is_file()), None)
    if first is not None:
        output.take("pagefind/pagefind.js", first, first.stat().st_size)
    return bundles


def _site_wide(output: Output, public: PublicSite, config: Config, templates: Path, live: Path, bundles: list[str]) -> None:
    """Everything not inside a department: made from the merged public model, as a single build
    of all the shards' departments makes it."""
    from gongkai.pipeline import assets
    from gongkai.publish.exports import collected_files
    from gongkai.publish.feeds import feed_files
    from gongkai.publish.pages import build_pages
    from gongkai.publish.redirects import plan, read_manifest, redirect_files
    from gongkai.publish.render import environment, render_to
    from gongkai.publish.search import (
        BUNDLES_FILE,
        bundles_list,
        filter_options,
        records,
    )
    manifest = plan(read_manifest(live), public, config.publication_date)
    site, pages = build_pages(config, public, manifest)
    departments = tuple(d.path for d in public.departments)
    render_to(output, environment(templates), site, [p for p in pages if not p.path.startswith(departments)])
    output.update(assets(templates / "assets"))
    output.update(collected_files(public, config.base_url, config.site_name))
    output.update(redirect_files(manifest, config.base_url, site.prefix, output.files))
    output.update(feed_files(site, pages, manifest))
    if config.search:
        output.update({BUNDLES_FILE: bundles_list([b.rstrip("/") for b in bundles]),
                       "search/filters.json": filter_options(records(public, site.prefix))})



# ---- shards on Dask distributed --------------------------------------------------------------

@dataclass(frozen=True)
class ShardJob:
    """One shard's build, as a Dask task sends it to a worker: plain paths and the spec only."""
    content: Path
    config: Path
    templates: Path
    out: Path
    report_dir: Path
    spec: str
    secret_register: Path | None = None


def build_shard(job: ShardJob) -> tuple[str, object]:
    """Run on a worker: ("ok", timings), ("content", problems) or ("audit", hits) — the
    failures as data, so that every shard's problems come back together."""
    from gongkai.disclosure.report import ReportLocationError
    from gongkai.pipeline import AuditFailed, Paths, build
    from gongkai.writer import BuildLocked
    paths = Paths(content=job.content, config=job.config, templates=job.templates, out=job.out,
                  secret_register=job.secret_register, report_dir=job.report_dir, shard=job.spec)
    try:
        return "ok", build(paths).timings
    except ContentError as error:
        return "content", list(error.problems)
    except AuditFailed as error:
        return "audit", list(error.hits)
    except (BuildLocked, ReportLocationError) as error:
        return "content", [_merge_problem(str(job.out), str(error), "等另一个构建结束，或换一个输出文件夹。")]


def shard_jobs(content: Path, config: Path, templates: Path, specs: list[str], out: Path,
               secret_register: Path | None = None) -> list[ShardJob]:
    """Shard n goes to <out>-shards/NN/, its report files to <out>-shards/reports/NN/ (beside the
    shards, never inside the merged site)."""
    root = out.parent / f"{out.name}-shards"
    return [ShardJob(content, config, templates, root / f"{n:02d}", root / "reports" / f"{n:02d}", spec, secret_register)
            for n, spec in enumerate(specs)]


def run_on_dask(jobs: list[ShardJob], scheduler: str | None = None, workers: int = 2) -> list[tuple[str, object]]:
    """Each shard as one task: on the cluster at `scheduler` (every worker sees the same paths,
    e.g. a shared file system), or on a local cluster of `workers` processes."""
    import dask
    from distributed import Client, LocalCluster
    if scheduler:
        with Client(scheduler) as client:
            return list(client.gather(client.map(build_shard, jobs, pure=False)))
    # Not daemonic: a shard build forks its own render, export and Pagefind processes.
    with (dask.config.set({"distributed.worker.daemon": False}),
          LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
          Client(cluster) as client):
        return list(client.gather(client.map(build_shard, jobs, pure=False)))


def build_and_merge(jobs: list[ShardJob], out: Path, scheduler: str | None = None, workers: int = 2) -> MergeResult:
    """The shards on Dask, then the merge here; every shard's problems reported together."""
    from gongkai.pipeline import AuditFailed
    outcomes = run_on_dask(jobs, scheduler, workers)
    problems: list[Problem] = [p for kind, value in outcomes if kind == "content" for p in value]  # type: ignore[attr-defined]
    hits: list[Hit] = [h for kind, value in outcomes if kind == "audit" for h in value]  # type: ignore[attr-defined]
    if problems:
        raise ContentError(problems)
    if hits:
        raise AuditFailed(hits)
    first = jobs[0]
    return merge([job.out for job in jobs], out, first.config, first.templates, [job.report_dir for job in jobs])
