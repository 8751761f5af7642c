"""Nothing lost: a build killed at any moment leaves the previous site complete; locks work.

A generated tree of ~300 projects is built once (the "previous" site, its manifest recorded),
then edited and rebuilt into the same folder as a `python build.py build` subprocess that is
SIGKILLed at several moments: after fixed delays, as soon as its staging folder appears, and
while files are being written into it. After every kill the folder must be either the previous
site or the new one, complete (never a mix, never missing); the next build must take over the
dead build's lock, clean its staging folders and produce exactly the new site.

Two builds into one folder: while one holds the lock (stopped with SIGSTOP, so the test does
not race it), a second is refused with a clear Chinese message and exit code 1.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

PROJECTS = 300


def generate(content: Path, projects: int, edition: str) -> Path:
    """`projects` projects in 3 departments; `edition` changes every project's text."""
    for d in range(3):
        folder = content / "2025" / f"dept-{d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "部门.yml").write_text(
            f"部门名称: 测试部门{d}\n链接名: dept-{d}\n年度: 2025\n金额单位: 元\n"
            f"整体绩效目标: 第{edition}版部门目标。\n单位:\n  - 单位名称: 测试部门{d}本级\n", encoding="utf-8")
        for n in range(d, projects, 3):
            rows = "".join(
                f"    - 一级指标: 产出指标\n      二级指标: 数量指标\n      三级指标: 第{edition}版指标{i}\n"
                f"      指标值: \"≥{i + 1}次\"\n" for i in range(6))
            (folder / f"p{n:04d}.yml").write_text(
                f"项目名称: 第{edition}版测试项目{n}\n项目编码: \"T{n:05d}\"\n实施单位: 测试部门{d}本级\n"
                f"资金用途: 第{edition}版用途说明，编号{n}。\n资金:\n  总额: {1000 + n}.00\n  财政拨款: {1000 + n}.00\n"
                f"资金支出计划:\n  6月底: 50%\n  12月底: 100%\n年度目标:\n  目标: 第{edition}版目标{n}。\n  指标:\n{rows}",
                encoding="utf-8")
    return content


def manifest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def staging_folders(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.tmp-*"))


def start_build(content: Path, out: Path, extra_env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    # Its own process group, so that the kill also reaches any helper it started (the search
    # indexer): nothing is left running after the test.
    return subprocess.Popen([sys.executable, str(ROOT / "build.py"), "build", "--content", str(content), "--out", str(out)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
                            env=dict(os.environ, PYTHONIOENCODING="utf-8", **(extra_env or {})))


def kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:  # never signal a group whose leader is gone (its id may be reused)
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait(timeout=60)
    if process.stderr:
        process.stderr.close()


def wait_until(condition, process: subprocess.Popen[bytes], limit: float = 120.0) -> bool:
    """Poll until condition() or the process ends (the limit only keeps a broken test from hanging)."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if condition():
            return True
        if process.poll() is not None:
            return False
        time.sleep(0.005)
    return False


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("kill")
    old = generate(root / "old", PROJECTS, "一")
    new = generate(root / "new", PROJECTS, "二")
    reference_old, reference_new = root / "ref-old" / "site", root / "ref-new" / "site"
    for content, out in ((old, reference_old), (new, reference_new)):
        result = run_cli("build", "--content", str(content), "--out", str(out))
        assert result.returncode == 0, result.stderr
    return {"old": old, "new": new, "old_site": reference_old,
            "old_manifest": manifest(reference_old), "new_manifest": manifest(reference_new)}


def previous_site(tmp_path: Path, trees: dict[str, object]) -> Path:
    """A copy of the previously built site (byte-identical to building it there)."""
    out = tmp_path / "www" / "site"
    shutil.copytree(trees["old_site"], out)  # type: ignore[arg-type]
    return out


# During load/validate, during exports/search, as the staging folder appears, mid-write.
KILL_AFTER = [0.3, 2.0]
MOMENTS = [f"after-{s}s" for s in KILL_AFTER] + ["staging-appears", "while-writing"]


def kill_at(moment: str, out: Path, process: subprocess.Popen[bytes]) -> None:
    if moment.startswith("after-"):
        time.sleep(float(moment[len("after-"):-1]))
    elif moment == "staging-appears":
        assert wait_until(lambda: bool(staging_folders(out)), process), "the build ended before staging began"
    else:  # some files written to the staging folder, not all
        assert wait_until(lambda: any(sum(1 for _ in s.rglob("*.html")) >= 20 for s in staging_folders(out)), process), \
            "the build ended before it was seen writing"
    kill(process)


def test_killed_build_leaves_a_complete_site(tmp_path: Path, trees: dict[str, object]) -> None:
    """One test for all moments: the two reference builds are made once, not once per worker."""
    for moment in MOMENTS:
        out = previous_site(tmp_path / moment, trees)
        kill_at(moment, out, start_build(trees["new"], out))  # type: ignore[arg-type]

        after_kill = manifest(out)
        assert after_kill in (trees["old_manifest"], trees["new_manifest"]), \
            f"{moment}: the site folder is neither the previous nor the new site, complete"
        if moment in ("staging-appears", "while-writing"):
            assert staging_folders(out), f"{moment}: the killed build left no staging folder to clean"

        # The next build takes over the dead build's lock, removes its staging folder, and gives the new site.
        result = run_cli("build", "--content", str(trees["new"]), "--out", str(out))
        assert result.returncode == 0, f"{moment}: {result.stderr}"
        assert "Traceback" not in result.stderr
        assert manifest(out) == trees["new_manifest"], f"{moment}: the next build did not give the new site"
        assert staging_folders(out) == [], f"{moment}: staging folders left after the next build"
        assert not (out.parent / f".{out.name}.lock").exists()


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("kill-small") / "content", 6, "三")


def small_site(tmp_path: Path, small: Path) -> tuple[Path, dict[str, str]]:
    out = tmp_path / "www" / "site"
    result = run_cli("build", "--content", str(small), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out, manifest(out)


# The Linux path (flock) and the portable one (an O_EXCL pid file: Windows, macOS) give the same guarantee.
PATHS = {"linux": {}, "portable": {"GONGKAI_PORTABLE": "1"}}


@pytest.mark.parametrize("path", sorted(PATHS))
def test_second_build_into_the_same_folder_is_refused(tmp_path: Path, small: Path, path: str) -> None:
    """The lock is taken before anything else, so a small tree is enough here."""
    out, before = small_site(tmp_path, small)
    lock = out.parent / f".{out.name}.lock"
    first = start_build(small, out, PATHS[path])
    try:
        assert wait_until(lambda: lock.exists() and lock.read_text().strip() == str(first.pid), first), \
            "the first build never took the lock"
        os.killpg(first.pid, signal.SIGSTOP)  # holds the lock, alive, without racing the test
        second = run_cli("build", "--content", str(small), "--out", str(out), extra_env=PATHS[path])
        assert second.returncode == 1
        assert "Traceback" not in second.stderr
        assert "另一个构建" in second.stderr and "正在写入" in second.stderr and str(out) in second.stderr
        assert f"进程 {first.pid}" in second.stderr
        assert manifest(out) == before, "the refused build touched the site"
        os.killpg(first.pid, signal.SIGCONT)
        assert first.wait(timeout=300) == 0, first.stderr.read().decode() if first.stderr else ""
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGCONT)
        kill(first)
    assert manifest(out) == before
    assert not lock.exists()


def test_builds_into_different_folders_do_not_block_each_other(tmp_path: Path, small: Path) -> None:
    out, _ = small_site(tmp_path, small)
    first = start_build(small, out)
    try:
        assert wait_until((out.parent / f".{out.name}.lock").exists, first)
        os.killpg(first.pid, signal.SIGSTOP)
        other = run_cli("build", "--content", str(small), "--out", str(out.parent / "other"))
        assert other.returncode == 0, other.stderr
        os.killpg(first.pid, signal.SIGCONT)
        assert first.wait(timeout=300) == 0
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGCONT)
        kill(first)


def test_interrupted_fallback_swap_is_repaired(tmp_path: Path) -> None:
    """Where the atomic exchange is unavailable the swap is two renames; a build killed between
    them leaves no site but a complete `-old` one, which the next build puts back first."""
    from gongkai.writer import build_lock, clean_stale
    out = tmp_path / "site"
    previous = tmp_path / ".site.tmp-999999-old"
    (previous / "2025").mkdir(parents=True)
    (previous / "index.html").write_text("旧网站", encoding="utf-8")
    (tmp_path / ".site.tmp-999998").mkdir()  # a half-written staging folder
    with build_lock(out):
        clean_stale(out)
    assert (out / "index.html").read_text(encoding="utf-8") == "旧网站"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
