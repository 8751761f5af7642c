"""Rendering in several processes gives byte-identical pages, in the same order, as one process."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.generate import generate
from conftest import example_paths
from gongkai import parallel
from gongkai.publish import render
from gongkai.pipeline import produce


def _produce(paths, jobs: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    monkeypatch.setenv("GONGKAI_JOBS", jobs)
    return produce(paths).files


@pytest.mark.parametrize("content", ["example", "generated"])
def test_parallel_render_is_byte_identical_to_serial(content: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = None
    if content == "generated":
        root = tmp_path / "content"
        generate(root, 30, departments=3, years=2, seed=3)
    paths = example_paths(tmp_path / "site", content=root)
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ITEMS", 0)  # parallel even for a small site
    monkeypatch.setattr(render, "CHUNK_PAGES", 4)  # many chunks, so that order matters
    serial = _produce(paths, "1", monkeypatch)
    forked = _produce(paths, "2", monkeypatch)
    assert list(forked) == list(serial)
    assert [p for p in serial if forked[p] != serial[p]] == []


def test_one_core_renders_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GONGKAI_JOBS", "1")
    assert parallel.worker_count(10_000) == 1
    monkeypatch.setenv("GONGKAI_JOBS", "2")
    assert parallel.worker_count(10_000) == 2
    assert parallel.worker_count(parallel.PARALLEL_MIN_ITEMS - 1) == 1  # small sites: no pool
