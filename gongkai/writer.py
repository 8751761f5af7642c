"""Stage 8: put the built site in place without ever leaving a broken one.

Every stage writes into a staging folder beside the target as it produces (render and export
workers write their own files; a path can be written once only); the site is audited there and
swapped in with one atomic exchange (renameat2 RENAME_EXCHANGE on Linux; two renames with a
recovery marker elsewhere: gongkai/portable.py holds every such system-dependent step),
so the live site is never touched until the new one is complete and clean, and a large site is
never held in memory whole. A lock refuses a second build into the same folder; staging folders
left by a killed build are removed by the next one.
"""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Iterable, Iterator, Mapping

from gongkai.portable import (MAX_PATH, LockHeld, acquire_lock, exchange, lock_holder, recover_swap, release_lock, too_long,
                              two_rename_swap)


class OutputError(Exception):
    """A programming or usage error in what the stages produce (not a content error)."""


def check_path(path: str) -> None:
    clean = PurePosixPath(path)
    if clean.is_absolute() or ".." in clean.parts or not path:
        raise OutputError(f"不安全的输出路径：{path}")


class FolderWriter:
    """Writes files below a folder, making each sub-folder once. Used in the build process and in
    the workers that write their own pages and exports into the staging folder."""

    def __init__(self, root: Path) -> None:
        self.root = os.fspath(root)
        self._folders: set[str] = set()

    def write(self, path: str, data: bytes) -> int:
        with open(self.target(path), "wb") as stream:
            stream.write(data)
        return len(data)

    def target(self, path: str) -> str:
        """Where path goes, its folder made; never outside the folder."""
        check_path(path)
        if too_long(os.path.join(self.root, path)):
            raise OutputError(f"输出路径过长（Windows 最多 {MAX_PATH} 个字符）：{path}；请把输出文件夹放在更短的路径下，或缩短链接名。")
        folder = path.rpartition("/")[0]
        if folder not in self._folders:
            os.makedirs(os.path.join(self.root, folder), exist_ok=True)
            self._folders.add(folder)
        return os.path.join(self.root, path)


def write_files(root: Path, files: Mapping[str, bytes]) -> dict[str, int]:
    """Write files below root (a worker's share of the staging folder); their sizes by path."""
    writer = FolderWriter(root)
    return {path: writer.write(path, files[path]) for path in sorted(files)}


class StagedFiles(Mapping[str, bytes]):
    """The files already written to the staging folder, read back from disk when asked for:
    a large site never has to be held in memory as a whole."""

    def __init__(self, root: Path, sizes: dict[str, int]) -> None:
        self.root, self.sizes = os.fspath(root), sizes

    def __getitem__(self, path: str) -> bytes:
        if path not in self.sizes:
            raise KeyError(path)
        with open(os.path.join(self.root, path), "rb") as stream:
            return stream.read()

    def __iter__(self) -> Iterator[str]:
        return iter(self.sizes)

    def __len__(self) -> int:
        return len(self.sizes)

    def __contains__(self, path: object) -> bool:
        return path in self.sizes


def site_files(root: Path) -> StagedFiles:
    """Every file of a built site, read from disk only when asked for."""
    sizes = {p.relative_to(root).as_posix(): p.stat().st_size for p in sorted(root.rglob("*")) if p.is_file()}
    return StagedFiles(root, sizes)


def file_size(files: Mapping[str, bytes], path: str) -> int:
    """A file's size, without reading a staged file back from disk."""
    return files.sizes[path] if isinstance(files, StagedFiles) else len(files[path])


def subset(files: Mapping[str, bytes], paths: Iterable[str]) -> Mapping[str, bytes]:
    """Some of the files, as the same kind of mapping (staged files stay on disk)."""
    if isinstance(files, StagedFiles):
        return StagedFiles(Path(files.root), {p: files.sizes[p] for p in paths})
    return {p: files[p] for p in paths}


class Output:
    """Files of the site to be, by path below the site root; a path can be written once only.

    With a staging folder, each file goes to disk as soon as it is added (or is written there
    by a worker and claimed), and `files` reads it back on demand; without, files stay in memory."""

    def __init__(self, staging: Path | None = None) -> None:
        self.staging = staging
        self.sizes: dict[str, int] = {}
        self._memory: dict[str, bytes] = {}
        self._writer = FolderWriter(staging) if staging is not None else None

    @property
    def files(self) -> Mapping[str, bytes]:
        return self._memory if self.staging is None else StagedFiles(self.staging, self.sizes)

    def add(self, path: str, data: bytes) -> None:
        self.claim(path, len(data))
        if self.staging is None:
            self._memory[path] = data
            return
        assert self._writer is not None
        self._writer.write(path, data)

    def check_new(self, paths: Iterable[str]) -> None:
        """Refuse, before anything is written, paths that are taken or given twice."""
        seen: set[str] = set()
        for path in paths:
            check_path(path)
            if path in self.sizes or path in seen:
                raise OutputError(f"两个输出写到了同一路径：{path}")
            seen.add(path)

    def claim(self, path: str, size: int) -> None:
        """Record a file that a worker wrote into the staging folder itself."""
        check_path(path)
        if path in self.sizes:
            raise OutputError(f"两个输出写到了同一路径：{path}")
        self.sizes[path] = size

    def take(self, path: str, source: Path, size: int) -> bool:
        """A file that is already on disk exactly as it must be published (a file the cache
        reuses from the live site): hard-linked into staging, else read and added. False if
        it cannot be read or is no longer `size` bytes long."""
        if self._writer is not None:
            try:
                os.link(source, self._writer.target(path))
            except OSError:
                pass
            else:
                self.claim(path, size)
                return True
        try:
            data = source.read_bytes()
        except OSError:
            return False
        if len(data) != size:
            return False
        self.add(path, data)
        return True

    def update(self, files: Mapping[str, bytes]) -> None:
        for path in sorted(files):
            self.add(path, files[path])


class BuildLocked(Exception):
    pass


class UnsafeOutput(Exception):
    """The output folder would replace, or be replaced with, something that is not a site."""


SITE_MARKS = ("slugs.json", "index.html")  # an existing folder holding one of these is a built site


def output_target(out: Path) -> Path:
    """Where the site goes: a symlinked output folder is built into its target (the link itself
    is never swapped), a relative one is made absolute."""
    if not out.is_symlink():
        return Path(os.path.abspath(out))
    try:
        return out.resolve(strict=False)
    except (RuntimeError, OSError):  # a symlink loop (RuntimeError before Python 3.13)
        raise UnsafeOutput(f"输出文件夹 {out} 是循环的符号链接，无法确定写到哪里；请用 --out 指定一个真实的文件夹。") from None


def _comparable(path: Path) -> Path:
    """A path resolved and, where the file system ignores case (Windows), case-folded."""
    try:
        return Path(os.path.normcase(path.resolve()))
    except (RuntimeError, OSError):  # a symlink loop: compared as written
        return Path(os.path.normcase(os.path.abspath(path)))


def check_output_file(target: Path, suffixes: tuple[str, ...], keep: Iterable[tuple[str, Path | None]], label: str = "输出文件") -> None:
    """Refuse a single output file (an exported sheet, a review report) that would overwrite
    input: it must have one of `suffixes` and lie outside every folder of `keep` and be none of its files."""
    if target.suffix.lower() not in suffixes:
        raise UnsafeOutput(f"{label} {target} 应以 {' 或 '.join(suffixes)} 结尾（以免覆盖其他文件）。")
    place = _comparable(target)
    for name, path in keep:
        if path is not None and (place == _comparable(path) or place.is_relative_to(_comparable(path))):
            raise UnsafeOutput(f"{label}不能写在{name} {path} 中（{target}）：请写到内容、模板和配置之外的文件。")
    if target.is_dir():
        raise UnsafeOutput(f"{label} {target} 是一个文件夹；请写出文件名，例如 {target / ('报告' + suffixes[0])}。")


def check_output(out: Path, keep: Iterable[tuple[str, Path | None]]) -> None:
    """Refuse, before anything is built, an output folder whose swap would delete something else:
    one that is, contains or lies inside one of `keep` (name, path), the current folder, the home
    folder or the root; an existing file; a folder with files that is not a built site."""
    target = _comparable(out)
    fixed = [("当前文件夹", Path.cwd(), False), ("根目录 /", Path(target.anchor), False)]
    try:
        fixed.append(("主目录（home）", Path.home(), False))
    except (RuntimeError, KeyError):  # no HOME (a service account): nothing to protect there
        pass
    for name, path, inside_too in [(n, p, True) for n, p in keep if p is not None] + fixed:
        place = _comparable(path)
        if target == place or place.is_relative_to(target) or (inside_too and target.is_relative_to(place)):
            relation = "就是" if target == place else "包含" if place.is_relative_to(target) else "位于"
            raise UnsafeOutput(f"输出文件夹 {out} {relation}{name} {path}：构建会用新网站整个替换输出文件夹，"
                               f"其中原有的文件会被删除。请用 --out 指定一个单独的文件夹，例如 site/。")
    target = out.resolve()
    if target.exists() and not target.is_dir():
        raise UnsafeOutput(f"输出文件夹 {out} 已存在且不是文件夹；请用 --out 指定一个文件夹。")
    if target.is_dir() and any(target.iterdir()) and not any((target / mark).is_file() for mark in SITE_MARKS):
        raise UnsafeOutput(f"输出文件夹 {out} 中已有其他文件，而且不是 gongkai 生成的网站：构建会删除这些文件。"
                           "请用 --out 指定一个空文件夹或新文件夹，或先把其中的文件移走。")


@contextmanager
def build_lock(out: Path) -> Iterator[None]:
    """Refuse a second build into the same folder while one runs; take over a dead one's lock
    (gongkai/portable.py: flock on Linux, a pid file elsewhere)."""
    lock = out.parent / f".{out.name}.lock"
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = acquire_lock(lock)
    except LockHeld:
        pid = lock_holder(lock)
        who = f"（进程 {pid}）" if pid else ""
        raise BuildLocked(f"另一个构建{who}正在写入 {out}，请等它结束后再试。") from None
    try:
        yield
    finally:
        release_lock(lock, fd)


def staging_dir(out: Path) -> Path:
    return out.parent / f".{out.name}.tmp-{os.getpid()}"


def clean_stale(out: Path) -> None:
    """Remove what builds that died left beside the site. Called with the build lock held, so no
    other build is running: every staging folder is stale, whatever its process id says."""
    recover_swap(out)
    leftovers = sorted(out.parent.glob(f".{out.name}.tmp-*"))
    if not out.exists():
        # Killed between the two renames of a swap without its marker (an older gongkai).
        previous = [p for p in leftovers if p.name.endswith("-old") and p.is_dir()]
        if previous:
            os.rename(previous[0], out)
            leftovers.remove(previous[0])
    for path in leftovers:
        shutil.rmtree(path, ignore_errors=True)


def swap_into_place(staging: Path, out: Path) -> None:
    """Make staging the live site. At every instant `out` is the old or the new site, complete
    (or, on the portable path, the marker says how to make it so)."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"{out} 已存在且不是文件夹")
    if out.exists() and exchange(staging, out):
        shutil.rmtree(staging)  # staging now holds the previous site
        return
    if out.exists():
        two_rename_swap(staging, out)
    else:
        os.rename(staging, out)
