"""Work in forked processes: results in order, failures reported instead of waited on for ever."""

from __future__ import annotations

import os
import signal
from concurrent.futures.process import BrokenProcessPool

import pytest

from gongkai.parallel import Background, forked_map


def test_forked_map_returns_results_in_order_from_the_callers_data() -> None:
    data = [f"第{i}项" for i in range(50)]
    assert forked_map(lambda i: (os.getpid(), data[i]), len(data), 2)[7][1] == "第7项"
    assert [r[1] for r in forked_map(lambda i: (os.getpid(), data[i]), len(data), 2)] == data
    assert len({pid for pid, _ in forked_map(lambda i: (os.getpid(), data[i]), len(data), 2)} - {os.getpid()}) >= 1


def test_a_killed_worker_fails_the_map_instead_of_hanging() -> None:
    def task(i: int) -> int:
        if i == 3:
            os.kill(os.getpid(), signal.SIGKILL)
        return i

    with pytest.raises(BrokenProcessPool):
        forked_map(task, 8, 2)


def test_background_result_and_error_come_back() -> None:
    big = {"路径": b"x" * 5_000_000}
    job = Background(lambda: (os.getpid(), len(big["路径"])))
    pid, size = job.result()
    assert pid != os.getpid() and size == 5_000_000

    def fails() -> None:
        raise ValueError("索引失败")

    with pytest.raises(ValueError, match="索引失败"):
        Background(fails).result()


def test_a_killed_background_task_is_an_error_not_a_hang() -> None:
    with pytest.raises(RuntimeError, match="意外退出"):
        Background(lambda: os.kill(os.getpid(), signal.SIGKILL)).result()


def test_run_here_computes_in_this_process() -> None:
    assert Background(os.getpid, run_here=True).result() == os.getpid()


def test_on_the_portable_path_work_runs_serially_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where fork is missing (Windows; forced here with GONGKAI_PORTABLE=1) closures cannot go to
    spawned workers: the same results come from this process, in order."""
    from gongkai.parallel import worker_count
    monkeypatch.setenv("GONGKAI_PORTABLE", "1")
    monkeypatch.setenv("GONGKAI_JOBS", "4")
    assert worker_count(10_000) == 1
    data = [f"第{i}项" for i in range(50)]
    assert forked_map(lambda i: (os.getpid(), data[i]), len(data), 4) == [(os.getpid(), d) for d in data]
    job = Background(lambda: os.getpid())
    assert job.result() == os.getpid()
