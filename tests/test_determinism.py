"""The same content and configuration always give the same site, byte for byte.

The example is built in this process (the session's `example_site`) and again in subprocesses
with other PYTHONHASHSEED values, another time zone and locale, another working directory and
another output folder name. Every file is compared: pages, open data, XLSX, search index,
feeds, charts — whatever the build produces. Nothing may carry the build's date either.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT


def read_all(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def differences(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    only_a = sorted(set(a) - set(b))
    only_b = sorted(set(b) - set(a))
    changed = sorted(path for path in set(a) & set(b) if a[path] != b[path])
    return [f"only in first: {p}" for p in only_a] + [f"only in second: {p}" for p in only_b] + [f"differs: {p}" for p in changed]


def build_in_subprocess(out: Path, cwd: Path, **env: str) -> None:
    environment = dict(os.environ, PYTHONIOENCODING="utf-8", **env)
    paths = ["--content", str(ROOT / "content"), "--config", str(ROOT / "site_config.yml"), "--templates", str(ROOT / "templates")]
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", *paths, "--out", str(out)], cwd=cwd,
                            capture_output=True, text=True, timeout=600, env=environment)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("variant, env", [
    ("hashseed-1", {"PYTHONHASHSEED": "1"}),
    ("hashseed-4242-utc-c-locale", {"PYTHONHASHSEED": "4242", "TZ": "UTC", "LANG": "C", "LC_ALL": "C"}),
])
def test_rebuild_is_byte_identical(variant: str, env: dict[str, str], example_site: Path, tmp_path: Path) -> None:
    other = tmp_path / f"另一个-{variant}"
    env = {"TZ": "Asia/Shanghai", **env}
    build_in_subprocess(other, cwd=tmp_path, **env)
    first, second = read_all(example_site), read_all(other)
    assert len(first) > 50
    diff = differences(first, second)
    assert not diff, f"{len(diff)} differences, e.g.:\n" + "\n".join(diff[:30])


def test_no_build_date_in_output(example_site: Path) -> None:
    """No timestamps unless configured: today's date appears nowhere (the example sets none)."""
    today = datetime.date.today()
    stamps = {today.isoformat(), f"{today.year}年{today.month}月{today.day}日", today.strftime("%Y%m%d")}
    for path, data in read_all(example_site).items():
        for stamp in stamps:
            assert stamp.encode() not in data, f"{path} carries the build date {stamp}"


def test_search_and_xlsx_are_compared_when_built(example_site: Path) -> None:
    """Says what the byte comparison above covered (so a missing index does not go unnoticed)."""
    files = read_all(example_site)
    kinds = {path.rsplit(".", 1)[-1] for path in files}
    assert {"html", "json", "csv"} <= kinds
    if (ROOT / "gongkai/publish/search.py").read_text(encoding="utf-8").count("pagefind") > 2:
        assert any(path.startswith("pagefind/") for path in files), "the search index was not built"
