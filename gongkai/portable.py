"""Everything that depends on the operating system, in one place, each with a portable path.

| what | Linux | portable path (Windows, macOS, or GONGKAI_PORTABLE=1 anywhere) |
|---|---|---|
| swap the site into place | renameat2(RENAME_EXCHANGE): one atomic step | two renames with a recovery marker beside the site; the next build finishes or undoes a half-done swap |
| build lock | flock (the kernel drops it when the holder dies) | a lock file created with O_EXCL holding the pid; a lock whose process is gone is stale and taken over |
| parallel workers | forked processes (tasks are closures over the caller's data) | serial: closures do not pickle for spawned workers, and the output is the same |
| reading content files | opened without blocking, read only if fstat says it is a regular file | the same (O_NONBLOCK where the system has it) |
| file names | bytes that are not UTF-8 are shown with escapes and refused | the same |
| path length | no limit that matters | paths longer than Windows' MAX_PATH are refused before anything is written |

Line endings and the UTF-8 BOM are normalised where text is decoded (gongkai/source/load.decode).
The portable path is what runs where the Linux calls are missing; GONGKAI_PORTABLE=1 forces it on
Linux so the tests can check that it gives the same guarantees (tests/test_portable.py).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import multiprocessing
import os
import shutil
import stat
import sys
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

WINDOWS = sys.platform == "win32"
MAX_PATH = 259  # Windows without long-path support: 260 characters including the final NUL


def portable() -> bool:
    """True where the portable path runs: no Linux calls, or GONGKAI_PORTABLE=1 (tests)."""
    return os.environ.get("GONGKAI_PORTABLE", "") == "1" or not sys.platform.startswith("linux")


# ---- workers ----------------------------------------------------------------------------------

def can_fork() -> bool:
    """Whether work may be split across forked processes (portable path: serial instead)."""
    return not portable() and "fork" in multiprocessing.get_all_start_methods()


def available_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


# ---- files and names --------------------------------------------------------------------------

class NotRegularFile(OSError):
    """A FIFO, device, socket or folder where a content file was expected."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def file_kind(mode: int) -> str:
    """What a non-regular file is, in Chinese."""
    if stat.S_ISDIR(mode):
        return "文件夹"
    if stat.S_ISFIFO(mode):
        return "命名管道（FIFO）"
    if stat.S_ISSOCK(mode):
        return "套接字（socket）"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件"
    return "特殊文件"


def read_regular(path: Path, limit: int) -> tuple[int, bytes]:
    """(size, bytes) of a regular file, the bytes only when size <= limit (else b"").

    Opened without blocking and checked with fstat before any read: a FIFO put in place of the
    file (even after a stat said otherwise) raises NotRegularFile instead of hanging for ever."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(file_kind(info.st_mode))
        if info.st_size > limit:
            return info.st_size, b""
        with os.fdopen(os.dup(fd), "rb") as stream:
            return info.st_size, stream.read()
    finally:
        os.close(fd)


def undecodable(name: str) -> bool:
    """A file name whose bytes were not UTF-8 (Python keeps them as lone surrogates)."""
    return any("\udc80" <= ch <= "\udcff" for ch in name)


def shown_name(name: str) -> str:
    """A file name as it can be printed: bytes that are not UTF-8 as \\xNN escapes."""
    return os.fsencode(name).decode("utf-8", "backslashreplace") if undecodable(name) else name


def gbk_reading(name: str) -> str | None:
    """The name read as GBK (zip files made on Chinese Windows), when that reading works."""
    try:
        return os.fsencode(name).decode("gb18030")
    except UnicodeDecodeError:
        return None


def too_long(path: str) -> bool:
    """A path Windows cannot open without long-path support (checked on the portable path only)."""
    return portable() and len(os.path.abspath(path)) > MAX_PATH


# ---- the build lock ---------------------------------------------------------------------------

class LockHeld(Exception):
    """Another live build holds the lock."""


FRESH_EMPTY_LOCK = 30.0  # seconds: a lock file just created whose pid is not written yet


def acquire_lock(lock: Path) -> int:
    """An open descriptor holding the build lock at `lock`, or LockHeld."""
    return _flock(lock) if fcntl is not None and not portable() else _pid_lock(lock)


def release_lock(lock: Path, fd: int) -> None:
    try:
        lock.unlink(missing_ok=True)  # removed while still held: no one can lock a stale file
    except PermissionError:  # Windows cannot remove an open file; a pid lock is safe to remove after closing
        os.close(fd)
        lock.unlink(missing_ok=True)
        return
    os.close(fd)


def lock_holder(lock: Path) -> int | None:
    try:
        return int(lock.read_text().strip() or 0) or None
    except (OSError, ValueError):
        return None


def _flock(lock: Path) -> int:
    for _ in range(20):
        fd = os.open(lock, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise LockHeld() from None
        # The previous holder may have removed the file between our open and our lock: only the
        # file that is at the path now counts.
        try:
            if os.fstat(fd).st_ino == os.stat(lock).st_ino:
                _write_pid(fd)
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)
    raise LockHeld()


def _pid_lock(lock: Path) -> int:
    """O_EXCL creates the lock for one process only; a stale lock (its process gone) is removed
    under a second, short-lived lock, so two builds that both find it stale cannot both win."""
    for _ in range(20):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o644)
        except FileExistsError:
            if not _stale(lock):
                raise LockHeld() from None
            _take_over(lock)
            continue
        _write_pid(fd)
        return fd
    raise LockHeld()


def _take_over(lock: Path) -> None:
    guard = lock.with_name(lock.name + ".takeover")
    try:
        fd = os.open(guard, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        if _age(guard) > FRESH_EMPTY_LOCK:  # left by a build killed while taking over
            guard.unlink(missing_ok=True)
        else:
            time.sleep(0.05)
        return
    try:
        if _stale(lock):  # still stale now that we alone may remove it
            lock.unlink(missing_ok=True)
    finally:
        os.close(fd)
        guard.unlink(missing_ok=True)


def _stale(lock: Path) -> bool:
    pid = lock_holder(lock)
    if pid is None:  # just created by a build that has not written its pid yet, or unreadable
        return _age(lock) > FRESH_EMPTY_LOCK
    return not process_alive(pid)


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0


def _write_pid(fd: int) -> None:
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, str(os.getpid()).encode())


def process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if WINDOWS:
        return _windows_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return _not_zombie(pid)


def _not_zombie(pid: int) -> bool:
    """A killed process that its parent has not reaped yet is dead for our purpose."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stream:
            return stream.read().rpartition(b")")[2].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


def _windows_alive(pid: int) -> bool:  # pragma: no cover - Windows only
    # os.kill(pid, 0) would send CTRL_C_EVENT on Windows: ask the kernel instead.
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return bool(ctypes.get_last_error() == 5)  # type: ignore[attr-defined]  # ERROR_ACCESS_DENIED: it exists
    code = ctypes.c_ulong()
    try:
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        return bool(code.value == 259)  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


# ---- the swap ---------------------------------------------------------------------------------

class SwapFailed(Exception):
    """The site could not be moved into place; the previous site is still there."""


_RENAME_EXCHANGE = 2
RENAME_TRIES = 20  # Windows refuses to rename a folder while a file in it is open: wait a little


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (renameat2); False where the system cannot, or on the portable path."""
    if portable():
        return False
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    if ctypes.get_errno() in (errno.ENOSYS, errno.EINVAL, errno.EXDEV):
        return False
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(a))


def swap_marker(out: Path) -> Path:
    return out.parent / f".{out.name}.swap"


def old_site(out: Path) -> Path:
    return out.parent / f".{out.name}.tmp-{os.getpid()}-old"


def two_rename_swap(staging: Path, out: Path) -> None:
    """out → old, staging → out, with a marker naming `old` written first: a build killed between
    the renames leaves the marker, and `recover_swap` puts the previous site back."""
    old = old_site(out)
    marker = swap_marker(out)
    marker.write_text(old.name, encoding="utf-8")
    try:
        _rename(out, old)
    except BaseException:
        marker.unlink(missing_ok=True)
        raise
    try:
        _rename(staging, out)
    except BaseException:
        _rename(old, out)
        marker.unlink(missing_ok=True)
        raise
    marker.unlink(missing_ok=True)
    shutil.rmtree(old, ignore_errors=True)


def recover_swap(out: Path) -> None:
    """Finish or undo a two-rename swap that a killed build left half done (build lock held)."""
    marker = swap_marker(out)
    if not marker.exists():
        return
    old = out.parent / marker.read_text(encoding="utf-8").strip()
    if old.parent == out.parent and old.name.startswith(f".{out.name}.tmp-") and old.is_dir():
        if not out.exists():
            os.rename(old, out)  # killed between the renames: the previous site comes back
        else:
            shutil.rmtree(old, ignore_errors=True)  # killed after both: the new site stays
    marker.unlink(missing_ok=True)


def _rename(source: Path, target: Path) -> None:
    for attempt in range(RENAME_TRIES):
        try:
            os.rename(source, target)
            return
        except PermissionError:
            if not WINDOWS or attempt == RENAME_TRIES - 1:
                raise SwapFailed(f"无法把 {source} 改名为 {target}：文件夹或其中的文件正被其他程序打开"
                                 "（如资源管理器、编辑器或网站服务器），请关闭后重新构建。") from None
            time.sleep(0.25)
