"""Work split across forked processes, results back in order.

The task is a closure over the caller's data; fork hands that data to every worker as it is,
so nothing is pickled on the way in, and only the results come back. Where fork is missing
(Windows; macOS and GONGKAI_PORTABLE=1 on the portable path, see gongkai/portable.py) the work
runs serially in this process: closures do not pickle for spawned workers, and the output is
byte-identical either way.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.connection import Connection
from typing import Callable, Generic, TypeVar

from gongkai.portable import available_cores, can_fork

T = TypeVar("T")

PARALLEL_MIN_ITEMS = 400  # below this, a pool costs more than it saves


def worker_count(items: int, jobs: int | None = None) -> int:
    """How many processes to work with (render, load, exports, audit): GONGKAI_JOBS, else the cores this process may use."""
    if jobs is None:
        configured = os.environ.get("GONGKAI_JOBS", "")
        jobs = int(configured) if configured.isdigit() and int(configured) > 0 else available_cores()
    if jobs <= 1 or items < PARALLEL_MIN_ITEMS or not can_fork():
        return 1
    return jobs


_task: Callable[[int], object] | None = None


def _run(index: int) -> object:
    assert _task is not None
    return _task(index)


def forked_map(task: Callable[[int], T], count: int, workers: int) -> list[T]:
    """[task(0), …, task(count - 1)], computed by `workers` forked processes when more than one."""
    if workers <= 1 or not can_fork():
        return [task(i) for i in range(count)]
    global _task
    _task = task
    try:
        # concurrent.futures, not multiprocessing.Pool: a worker killed (out of memory, a signal)
        # fails the build with BrokenProcessPool instead of leaving it waiting for ever.
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_run, range(count)))  # type: ignore[arg-type]
    finally:
        _task = None


class Background(Generic[T]):
    """task() computed in a forked process while the caller goes on; result() waits for it.

    For work that leaves a core idle otherwise: the search index is built by Pagefind (one
    thread) while this process renders and exports. With run_here=True the task simply runs
    now, in this process (one core, or a site too small to be worth a process)."""

    def __init__(self, task: Callable[[], T], run_here: bool = False) -> None:
        self._process: multiprocessing.process.BaseProcess | None = None
        if run_here or not can_fork():
            self._value = task()
            return
        context = multiprocessing.get_context("fork")
        self._reader, writer = context.Pipe(duplex=False)
        self._process = context.Process(target=_deliver, args=(task, writer), daemon=True)
        self._process.start()
        writer.close()

    def result(self) -> T:
        if self._process is None:
            return self._value
        try:
            ok, value = self._reader.recv()
        except EOFError:
            raise RuntimeError("后台任务意外退出（进程被终止或内存不足）") from None
        finally:
            self._reader.close()
            self._process.join()
            self._process = None
        if not ok:
            raise value
        return value  # type: ignore[no-any-return]

    def cancel(self) -> None:
        """Stop the task if it is still running (the caller failed and will not wait for it)."""
        if self._process is not None:
            self._process.terminate()
            self._process.join()
            self._reader.close()
            self._process = None

    def __enter__(self) -> "Background[T]":
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()


def _deliver(task: Callable[[], object], writer: Connection) -> None:
    try:
        outcome: tuple[bool, object] = (True, task())
    except BaseException as error:  # noqa: BLE001 — handed to the waiting process, which raises it
        outcome = (False, error)
    try:
        writer.send(outcome)
    except Exception as error:  # an exception that does not pickle: its text still explains
        writer.send((False, RuntimeError(f"{type(outcome[1]).__name__}: {outcome[1]} ({error})")))
    finally:
        writer.close()
