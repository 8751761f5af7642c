"""The portable path (Windows, macOS) forced on Linux with GONGKAI_PORTABLE=1 gives the same
guarantees as the Linux one: the same site byte for byte, a killed build (at random moments and
exactly between the two renames of the swap) leaves the previous site or the new one, complete,
and the next build repairs what it left; a stale lock is taken over, by one build only (a second
build at the same time is refused: tests/test_kill.py runs that test on both paths). Content written on Windows (CRLF, BOM) builds the same site.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import ROOT
from test_kill import generate, kill, manifest, staging_folders, wait_until

PORTABLE = dict(os.environ, PYTHONIOENCODING="utf-8", GONGKAI_PORTABLE="1", GONGKAI_CACHE="0")
PROJECTS = 60  # enough to be seen writing before the swap
LARGE = 420  # above parallel.PARALLEL_MIN_ITEMS: the Linux path forks workers, the portable one does not


def build_args(content: Path, out: Path, search: bool = False) -> list[str]:
    """The build command; without the search index (Pagefind) unless asked: the swap and the lock
    do not depend on it, and it is most of a small build's time."""
    config = ROOT / "site_config.yml"
    if not search:
        config = content.parent / "quick_config.yml"
        if not config.exists():
            config.write_text((ROOT / "site_config.yml").read_text(encoding="utf-8").replace("search: true", "search: false"),
                              encoding="utf-8")
    return [sys.executable, str(ROOT / "build.py"), "build", "--content", str(content), "--config", str(config), "--out", str(out)]


def portable_build(content: Path, out: Path, search: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run(build_args(content, out, search), cwd=ROOT, capture_output=True, text=True, timeout=600, env=PORTABLE)


def linux_build(content: Path, out: Path, search: bool = False) -> subprocess.CompletedProcess[str]:
    env = dict(PORTABLE, GONGKAI_PORTABLE="0", GONGKAI_JOBS="2")
    return subprocess.run(build_args(content, out, search), cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Old and new content; the new one built by the Linux path for reference."""
    root = tmp_path_factory.mktemp("portable")
    old, new = generate(root / "old", PROJECTS, "一"), generate(root / "new", PROJECTS, "二")
    reference = root / "linux" / "site"
    assert linux_build(new, reference).returncode == 0
    old_site = root / "portable-old" / "site"
    assert portable_build(old, old_site).returncode == 0
    return {"old": old, "new": new, "old_site": old_site, "old_manifest": manifest(old_site), "new_manifest": manifest(reference)}


def previous_site(folder: Path, trees: dict[str, object]) -> Path:
    out = folder / "www" / "site"
    shutil.copytree(trees["old_site"], out)  # type: ignore[arg-type]
    return out


def test_portable_build_is_byte_identical_to_the_linux_one(tmp_path: Path) -> None:
    """Serial work on the portable path, forked workers on the Linux one: the same bytes."""
    content = generate(tmp_path / "content", LARGE, "四")
    linux, portable = tmp_path / "linux" / "site", tmp_path / "portable" / "site"
    assert linux_build(content, linux, search=True).returncode == 0
    result = portable_build(content, portable, search=True)
    assert result.returncode == 0, result.stderr
    assert manifest(portable) == manifest(linux)
    assert leftovers(portable) == []


def test_a_portable_build_replaces_a_previous_site(tmp_path: Path, trees: dict[str, object]) -> None:
    out = previous_site(tmp_path, trees)
    result = portable_build(trees["new"], out)  # type: ignore[arg-type]
    assert result.returncode == 0, result.stderr
    assert manifest(out) == trees["new_manifest"] and leftovers(out) == []


# A child that runs the real build and SIGKILLs itself right after the n-th rename that touches
# the live site: exactly between the two renames of the portable swap, or just after both.
KILL_ON_RENAME = textwrap.dedent("""
    import os, runpy, signal, sys
    out, nth = sys.argv[1], int(sys.argv[2])
    real, seen = os.rename, []
    def rename(a, b, *args, **kwargs):
        real(a, b, *args, **kwargs)
        if out in (os.fspath(a), os.fspath(b)):
            seen.append(a)
            if len(seen) == nth:
                os.kill(os.getpid(), signal.SIGKILL)
    os.rename = rename
    sys.argv = [sys.argv[3], *sys.argv[4:]]
    runpy.run_path(sys.argv[0], run_name="__main__")
""")


@pytest.mark.parametrize("nth", [1, 2], ids=["between-the-renames", "after-both-renames"])
def test_a_build_killed_mid_swap_leaves_a_complete_site_and_the_next_repairs_it(tmp_path: Path, trees: dict[str, object],
                                                                                 nth: int) -> None:
    out = previous_site(tmp_path, trees)
    args = build_args(trees["new"], out)  # type: ignore[arg-type]
    killed = subprocess.run([sys.executable, "-c", KILL_ON_RENAME, str(out), str(nth), *args[1:]], cwd=ROOT,
                            capture_output=True, text=True, timeout=600, env=PORTABLE)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    if nth == 1:
        assert not out.exists() and f".{out.name}.swap" in leftovers(out)  # the marker says how to repair
    else:
        assert manifest(out) == trees["new_manifest"]
    result = portable_build(trees["new"], out)  # type: ignore[arg-type]
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert manifest(out) == trees["new_manifest"]
    assert leftovers(out) == []


def test_the_repair_alone_gives_back_the_previous_site(tmp_path: Path, trees: dict[str, object]) -> None:
    """Killed between the renames, then the content is broken: the failed build still puts the
    previous site back (the repair runs before anything is checked) and leaves it in place."""
    out = previous_site(tmp_path, trees)
    args = build_args(trees["new"], out)  # type: ignore[arg-type]
    subprocess.run([sys.executable, "-c", KILL_ON_RENAME, str(out), "1", *args[1:]], cwd=ROOT, capture_output=True,
                   timeout=600, env=PORTABLE)
    broken = tmp_path / "broken"
    shutil.copytree(trees["new"], broken)  # type: ignore[arg-type]
    (broken / "2025" / "dept-0" / "p0000.yml").write_text("项目名称: [\n", encoding="utf-8")
    result = portable_build(broken, out)
    assert result.returncode == 1 and "原有网站保持不变" in result.stderr
    assert manifest(out) == trees["old_manifest"]


@pytest.mark.parametrize("moment", ["staging-appears", "while-writing"])
def test_a_portable_build_killed_while_writing_leaves_the_previous_site(tmp_path: Path, trees: dict[str, object],
                                                                         moment: str) -> None:
    out = previous_site(tmp_path, trees)
    process = subprocess.Popen(build_args(trees["new"], out), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,  # type: ignore[arg-type]
                               start_new_session=True, env=PORTABLE)
    if moment == "staging-appears":
        assert wait_until(lambda: bool(staging_folders(out)), process)
    else:
        assert wait_until(lambda: any(sum(1 for _ in s.rglob("*.html")) >= 20 for s in staging_folders(out)), process)
    kill(process)
    assert manifest(out) in (trees["old_manifest"], trees["new_manifest"])
    assert (out.parent / f".{out.name}.lock").exists()  # a pid lock outlives its killed holder …
    result = portable_build(trees["new"], out)  # type: ignore[arg-type]
    assert result.returncode == 0, result.stderr  # … and is taken over as stale
    assert manifest(out) == trees["new_manifest"] and leftovers(out) == []


@pytest.fixture
def small_site(tmp_path: Path) -> tuple[Path, Path]:
    content = generate(tmp_path / "content", 6, "三")
    out = tmp_path / "www" / "site"
    assert portable_build(content, out).returncode == 0
    return content, out


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_and_fresh_pid_locks(small_site: tuple[Path, Path]) -> None:
    content, out = small_site
    lock = out.parent / f".{out.name}.lock"
    lock.write_text(str(dead_pid()), encoding="utf-8")  # its build died: taken over
    assert portable_build(content, out).returncode == 0 and not lock.exists()

    lock.write_text("", encoding="utf-8")  # just created, pid not yet written: held
    result = portable_build(content, out)
    assert result.returncode == 1 and "另一个构建" in result.stderr
    old = time.time() - 3600
    os.utime(lock, (old, old))  # an empty lock an hour old: stale
    assert portable_build(content, out).returncode == 0 and not lock.exists()


# Several processes find the same stale lock at once: one at a time may hold it.
HOLD = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from gongkai.portable import LockHeld, acquire_lock, release_lock
    lock, log = Path(sys.argv[1]), Path(sys.argv[2])
    while time.time() < float(sys.argv[3]):
        pass
    try:
        fd = acquire_lock(lock)
    except LockHeld:
        sys.exit(0)
    start = time.time()
    time.sleep(0.3)
    with open(log, "a") as stream:
        stream.write(f"{start} {time.time()}\\n")
    release_lock(lock, fd)
""")


def test_a_stale_lock_is_taken_over_by_one_build_at_a_time(tmp_path: Path) -> None:
    lock, log = tmp_path / ".site.lock", tmp_path / "held.log"
    for _ in range(3):
        lock.write_text(str(dead_pid()), encoding="utf-8")
        start = time.time() + 1.0
        children = [subprocess.Popen([sys.executable, "-c", HOLD, str(lock), str(log), str(start)], cwd=ROOT,
                                     env=dict(PORTABLE, PYTHONPATH=str(ROOT))) for _ in range(4)]
        assert [c.wait(timeout=60) for c in children] == [0] * 4
    spans = sorted(tuple(map(float, line.split())) for line in log.read_text().splitlines())
    assert spans, "no process ever took the stale lock"
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:])), f"two processes held the lock at once: {spans}"


def test_windows_line_endings_and_bom_build_the_same_site(tmp_path: Path, example_site: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    for path in content.rglob("*.yml"):
        text = path.read_bytes().decode("utf-8")
        path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    out = tmp_path / "site"
    result = subprocess.run(build_args(content, out, search=True), cwd=ROOT, capture_output=True, text=True, timeout=600,
                            env=dict(PORTABLE, GONGKAI_PORTABLE="0"))
    assert result.returncode == 0, result.stderr
    assert manifest(out) == manifest(example_site)


# As on Windows when a file of the new or the old site is open in another program: a rename fails.
REFUSE_RENAME = textwrap.dedent("""
    import os, runpy, sys
    out, nth = sys.argv[1], int(sys.argv[2])
    real, seen = os.rename, []
    def rename(a, b, *args, **kwargs):
        if out in (os.fspath(a), os.fspath(b)):
            seen.append(a)
            if len(seen) == nth:
                raise PermissionError(13, "Access is denied", os.fspath(a))
        real(a, b, *args, **kwargs)
    os.rename = rename
    sys.argv = [sys.argv[3], *sys.argv[4:]]
    runpy.run_path(sys.argv[0], run_name="__main__")
""")


@pytest.mark.parametrize("nth", [1, 2], ids=["old-site-in-use", "new-site-refused"])
def test_a_rename_refused_by_the_system_leaves_the_previous_site(tmp_path: Path, trees: dict[str, object], nth: int) -> None:
    out = previous_site(tmp_path, trees)
    args = build_args(trees["new"], out)  # type: ignore[arg-type]
    result = subprocess.run([sys.executable, "-c", REFUSE_RENAME, str(out), str(nth), *args[1:]], cwd=ROOT,
                            capture_output=True, text=True, timeout=600, env=PORTABLE)
    assert result.returncode == 1 and "正被其他程序打开" in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert manifest(out) == trees["old_manifest"]
    assert leftovers(out) == []


def test_paths_windows_cannot_open_are_refused_before_they_are_written(tmp_path: Path) -> None:
    content = generate(tmp_path / "content", 3, "五")
    out = tmp_path / ("很长的文件夹名" * 10) / ("很长的文件夹名" * 10) / ("x" * 60) / "site"  # 200 characters and more
    result = portable_build(content, out)
    assert result.returncode == 2 and "输出路径过长" in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert not out.exists() and leftovers(out) == []
    assert linux_build(content, out).returncode == 0  # Linux has no such limit
