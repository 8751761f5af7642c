"""Shared fixtures: build the example site once per test process, serve it, drive a real browser.

Browser tests use Debian's chromium through Playwright's `executable_path` (a test tool's own
browser download does not work on these machines).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gongkai.pipeline import Paths, build  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def example_paths(out: Path, content: Path | None = None, config: Path | None = None) -> Paths:
    return Paths(content=content or ROOT / "content", config=config or ROOT / "site_config.yml",
                 templates=ROOT / "templates", out=out)


def run_cli(*args: str, cwd: Path = ROOT, timeout: int = 300, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python build.py ARGS` as a user would, capturing its output."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8", **(extra_env or {}))
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=env)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that starts Chromium (it uses the `browser` fixture, directly or through another
    fixture) is marked `browser`, so `-m "not browser"` never starts one, whoever wrote the test."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example content built once per test session into a temp folder; tests only read it.

    With xdist the workers share one build: the first to take the lock builds into the run's
    common temp folder, the others wait for it and read the same site."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        out = tmp_path_factory.mktemp("example") / "site"
        build(example_paths(out))
        return out
    import fcntl
    shared = tmp_path_factory.getbasetemp().parent
    out, done = shared / "example-site", shared / "example-site.done"
    with open(shared / "example-site.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            build(example_paths(out))
            done.write_text("ok")
    return out


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class StaticServer:
    """A plain static file server on localhost, like any web server an office would use."""

    def __init__(self, root: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(root))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "StaticServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="session")
def served_site(example_site: Path) -> Iterator[str]:
    with StaticServer(example_site) as server:
        yield server.url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(locale="zh-CN")  # type: ignore[attr-defined]
    tab = context.new_page()
    yield tab
    context.close()
