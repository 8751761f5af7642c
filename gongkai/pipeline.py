"""The build, stage by stage: config → load → validate → redact → pages → render →
search / exports → audit → write. Each stage is timed for the benchmark."""

from __future__ import annotations

import dataclasses
import functools
import os
import resource
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Mapping

from gongkai.publish.audit import Hit, Needle, audit_needles, scan
from gongkai.cache import BuildCache, build_key
from gongkai.source.config import Config, load_config
from gongkai.errors import ContentError, Problem, sort_problems
from gongkai.publish.exports import export_to
from gongkai.publish.feeds import feed_files
from gongkai.source.load import load_documents, unreadable_entries
from gongkai.source.shard import in_shard, shard_folders
from gongkai.source.model import Site
from gongkai.publish.pages import build_pages
from gongkai.public import PublicSite
from gongkai.disclosure.exemptions import with_exemptions
from gongkai.disclosure.redact import Redaction, redact_site
from gongkai.disclosure.register import read_register
from gongkai.publish.redirects import plan, read_manifest, redirect_files
from gongkai.parallel import Background
from gongkai.parallel import worker_count
from gongkai.publish.render import environment, render_to
from gongkai.source.validate import acknowledge, build_site
from gongkai.writer import (Output, StagedFiles, build_lock, check_output, clean_stale, output_target, staging_dir, subset,
                            swap_into_place)


class AuditFailed(Exception):
    def __init__(self, hits: list[Hit]) -> None:
        super().__init__("\n".join(h.format() for h in hits))
        self.hits = hits


@dataclass
class Paths:
    content: Path
    config: Path
    templates: Path
    out: Path
    secret_register: Path | None = None  # a 保密 office's list of secret project codes, outside content/
    report_dir: Path | None = None  # internal redaction report; default reports/ beside `out`
    shard: str | None = None  # build only these departments: folder names or regions (source/shard.py)


@dataclass
class Result:
    config: Config | None = None
    site: Site | None = None
    public: PublicSite | None = None
    redaction: Redaction | None = None
    files: Mapping[str, bytes] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    acknowledged: list[Problem] = field(default_factory=list)  # warnings the files list under 已知警告
    timings: dict[str, float] = field(default_factory=dict)
    needles: list[Needle] = field(default_factory=list)  # what the audit searched for (withheld forms)
    site_years: tuple[int, ...] | None = None  # a shard: the whole site's years, for every page's navigation

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start


def check(paths: Paths, cache: BuildCache | None = None) -> Result:
    """Validate only: config, load, validate, redact (which can also refuse input)."""
    result = Result()
    config_problems: list[Problem] = []  # reported with the content's, not instead of them
    with result.stage("config"):
        try:
            result.config = load_config(paths.config)
        except ContentError as exc:
            config_problems = exc.problems
    if not paths.content.is_dir():
        raise ContentError(config_problems + [Problem("E031", str(paths.content), 0, 0, f"内容文件夹不存在（当前文件夹是 {Path.cwd()}）", None,
                                                      "请在网站的项目文件夹（其中有 content/ 和 site_config.yml）中运行，或用 --content 指定内容文件夹。")])
    if paths.content.resolve() in (Path(paths.content.resolve().anchor), Path.home().resolve()):  # reading it would walk a whole disk
        raise ContentError(config_problems + [Problem("E031", str(paths.content), 0, 0, "这是根目录或主目录，不是内容文件夹", None,
                                                      "用 --content 指定网站的内容文件夹（其中是 <年度>/<部门链接名>/ 文件夹）。")])
    with result.stage("load"):
        keep = None
        if paths.shard is not None:
            selection = shard_folders(paths.content, paths.shard)
            keep = functools.partial(in_shard, root=paths.content, folders=selection.folders)
            result.site_years = selection.site_years
        docs, unreadable = load_documents(paths.content, cache.parsed if cache else None, keep=keep)
        if cache:
            cache.in_use = docs
    with result.stage("validate"):
        try:
            result.site, result.warnings = build_site(docs, paths.content, cache.validated if cache else None, unreadable)
        except ContentError as exc:
            raise ContentError(sort_problems(config_problems + acknowledge(exc.problems, docs)[0])) from None
    if config_problems:
        raise ContentError(sort_problems(config_problems + acknowledge(result.warnings, docs)[0]))
    assert result.config is not None  # loaded above, or its problems raised
    with result.stage("redact"):
        register = read_register(paths.secret_register, paths.content, paths.out) if paths.secret_register else None
        by_file = {d.display: d for d in docs}
        result.redaction = with_exemptions(redact_site(result.site, result.config.disclosure, register,
                                                       lambda file, at: by_file[file].where(at) if file in by_file else (0, 0)), docs)
        result.public = result.redaction.public
        result.warnings, result.acknowledged = acknowledge(sort_problems(result.warnings + list(result.redaction.warnings)), docs)
    return result


def produce(paths: Paths, cache: BuildCache | None = None, staging: Path | None = None) -> Result:
    """Everything but the swap: the full site, audited — in memory, or written into `staging`
    as it is produced (a large site is never held in memory whole). With a cache, only what
    changed is redone."""
    result = check(paths, cache)
    if paths.templates.is_dir() and (special := unreadable_entries(paths.templates)):
        raise ContentError(special)  # a FIFO among the templates would block rendering for ever
    config, public = result.config, result.public
    assert config is not None and public is not None
    output = Output(staging)
    assert result.site is not None
    if cache:
        cache.begin()
    with _search_index(public, config, cache.search_memo if cache else None) as search:
        _produce_files(paths, cache, result, output, search)
        with result.stage("audit"):  # everything but the search index, while Pagefind still works
            found = result.needles = audit_needles(public)
            hits = _audit(subset(output.files, list(output.sizes)), found, cache)
        before_search = set(output.sizes)
        with result.stage("search"):  # what is left of it by now: waiting for Pagefind to finish
            files, result.timings["pagefind_peak_mb"] = search.result()
            output.update(files)
    with result.stage("audit"):
        hits += _audit(subset(output.files, [p for p in output.sizes if p not in before_search]), found, cache)
    if hits:
        raise AuditFailed(sorted(hits, key=lambda h: (h.file, h.needle.form)))
    result.files, result.sizes = output.files, output.sizes
    return result


def _audit(files: Mapping[str, bytes], found: list[Needle], cache: BuildCache | None) -> list[Hit]:
    return cache.audit(files, found) if cache else scan(files, found)


def _search_index(public: PublicSite, config: Config, memo: Path | None) -> Background[tuple[dict[str, bytes], float]]:
    """The search index, built from the public model alone: Pagefind indexes (on one core) in a
    process of its own while this one renders and exports; bundles whose records are unchanged
    come from the memo folder. With the files, the peak memory of its largest child (Pagefind's
    processes, when it runs in a process of its own), for the benchmark."""
    if not config.search:
        return Background(lambda: ({}, 0.0), run_here=True)
    from gongkai.publish.search import search_files

    def index() -> tuple[dict[str, bytes], float]:
        files = search_files(public, config, memo)
        return files, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    projects = sum(len(d.projects) for d in public.departments)
    return Background(index, run_here=worker_count(projects) == 1)


def _produce_files(paths: Paths, cache: BuildCache | None, result: Result, output: Output,
                   search: Background[tuple[dict[str, bytes], float]]) -> None:
    config, public = result.config, result.public
    assert config is not None and public is not None
    with result.stage("pages"):
        # The previous site (the folder this build replaces) tells which URLs changed, and when
        # each page was first published (the home page lists the last publication).
        manifest = plan(read_manifest(paths.out), public, config.publication_date)
        site_info, pages = build_pages(config, public, manifest, result.site_years)
    key = build_key(paths.templates, paths.config) if cache else b""  # templates, configuration and code
    with result.stage("render"):
        env = environment(paths.templates)
        if cache:
            cache.render(env, site_info, pages, key, paths.out, output)
        else:
            render_to(output, env, site_info, pages)
        output.update(assets(paths.templates / "assets"))
    with result.stage("exports"):
        reuse = cache.export_memo(key, paths.out) if cache and output.staging else None
        export_to(output, public, config.base_url, config.site_name, reuse)
    with result.stage("links"):
        output.update(redirect_files(manifest, config.base_url, site_info.prefix, output.files))
        output.update(feed_files(site_info, pages, manifest))


def assets(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {f"assets/{p.relative_to(folder).as_posix()}": p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build(paths: Paths, cache: BuildCache | bool | None = True) -> Result:
    """Build and swap into place; on any failure the previous site stays as it was.

    `cache=True` uses the content-hash cache beside the output folder (unless GONGKAI_CACHE=0);
    a long-running caller (serve) can pass one BuildCache object to every rebuild instead."""
    paths = dataclasses.replace(paths, out=output_target(paths.out))
    from gongkai.disclosure.report import check_location, default_report_dir, write_report
    report_dir = paths.report_dir or default_report_dir(paths.out)
    check_output(paths.out, [("内容文件夹", paths.content), ("配置文件", paths.config), ("模板文件夹", paths.templates),
                             ("涉密登记册", paths.secret_register)])
    check_location(report_dir, paths.out, paths.content)  # before anything is built: the report must never be published
    check_output(paths.out, [("脱密报告文件夹", report_dir)])  # nor may the site replace the report folder
    if cache is True:
        cache = BuildCache.open(paths.out) if os.environ.get("GONGKAI_CACHE", "1") != "0" else None
    with build_lock(paths.out):
        clean_stale(paths.out)
        staging = staging_dir(paths.out)
        staging.mkdir()
        try:
            result = produce(paths, cache or None, staging)
            with result.stage("write"):  # the files are in staging already: only the swap is left
                swap_into_place(staging, paths.out)
            result.files = StagedFiles(paths.out, result.sizes)
            if cache:
                cache.save(paths.out, result.sizes)
        finally:
            if staging.exists():
                import shutil
                shutil.rmtree(staging, ignore_errors=True)
        if result.redaction is not None:
            with result.stage("report"):
                write_report(result.redaction, report_dir, paths.out)
                if paths.shard is not None:  # what merge needs, beside the report: never published
                    from gongkai.shards import write_shard_files
                    write_shard_files(result, report_dir, paths.out)
    return result
