"""Work split across forked processes, results back in order.

The task is a closure over the caller's data; fork hands that data to every worker as it is,
so nothing is pickled on the way in, and only the results come back.
"""

from __future__ import annotations

import multiprocessing
from typing import Callable, TypeVar

T = TypeVar("T")

_task: Callable[[int], object] | None = None


def _run(index: int) -> object:
    assert _task is not None
    return _task(index)


def forked_map(task: Callable[[int], T], count: int, workers: int) -> list[T]:
    """[task(0), …, task(count - 1)], computed by `workers` forked processes when more than one."""
    if workers <= 1:
        return [task(i) for i in range(count)]
    global _task
    _task = task
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return pool.map(_run, range(count), chunksize=1)  # type: ignore[return-value]
    finally:
        _task = None
