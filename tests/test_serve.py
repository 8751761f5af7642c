"""`build.py serve` in a real browser: the preview shows a content error as a Chinese page with
file, line and fix, and returns to the site when the file is fixed, without a restart."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest
import yaml

from conftest import ROOT

PROJECT = "2025/yutian-zfw/13022925P00004610003B.yml"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"预览没有启动：{url}")


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "2025", content / "2025")  # one department keeps rebuilds quick
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    config = tmp_path / "site_config.yml"
    data = yaml.safe_load((ROOT / "site_config.yml").read_text(encoding="utf-8"))
    data["search"] = False
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    port = _free_port()
    env = dict(os.environ, PYTHONIOENCODING="utf-8", PYTHONUNBUFFERED="1")
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--content", str(content), "--config", str(config),
                                "--templates", str(templates),
                                "--port", str(port)], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_for(url)
        yield url, content
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        output = process.stdout.read() if process.stdout else ""
        assert "预览地址" in output


def test_error_page_and_recovery(preview: tuple[str, Path], page: object) -> None:
    url, content = preview
    site_before = (ROOT / "site").stat().st_mtime_ns if (ROOT / "site").exists() else None
    project_file = content / PROJECT
    good = project_file.read_text(encoding="utf-8")
    project_url = url + "2025/yutian-zfw/13022925p00004610003b/"
    page.goto(project_url)  # type: ignore[attr-defined]
    assert page.locator("h1").inner_text() == "见义勇为基金"  # type: ignore[attr-defined]
    assert page.locator('script[src="/__gongkai__/reload.js"]').count() == 1  # type: ignore[attr-defined]
    assert page.locator("script:not([src])").count() == 0  # type: ignore[attr-defined]

    bad = good.replace("项目名称: 见义勇为基金", "项目名陈: 见义勇为基金")
    assert bad != good
    line = bad.splitlines().index("项目名陈: 见义勇为基金") + 1
    project_file.write_text(bad, encoding="utf-8")
    alert = page.locator("main[role=alert]")  # type: ignore[attr-defined]
    alert.wait_for(timeout=60_000)  # the open page reloads by itself
    text = alert.inner_text()
    assert "内容有" in text and "个错误" in text
    assert f"yutian-zfw/13022925P00004610003B.yml:{line}:1" in text
    assert "E010" in text and "项目名陈" in text and "修改方法" in text and "您是不是想写“项目名称”" in text

    project_file.write_text(good, encoding="utf-8")
    page.locator("h1", has_text="见义勇为基金").wait_for(timeout=60_000)  # type: ignore[attr-defined]
    assert page.locator("main[role=alert]").count() == 0  # type: ignore[attr-defined]
    assert page.url == project_url  # type: ignore[attr-defined]
    site_after = (ROOT / "site").stat().st_mtime_ns if (ROOT / "site").exists() else None
    assert site_after == site_before  # the preview never builds into site/


def test_template_and_config_changes_reload(preview: tuple[str, Path], page: object) -> None:
    url, content = preview
    root = content.parent
    page.goto(url + "2025/")  # type: ignore[attr-defined]
    template = root / "templates" / "year.html"
    template.write_text(template.read_text(encoding="utf-8").replace("年预算绩效目标</h1>", "年预算绩效目标（模板已改）</h1>"), encoding="utf-8")
    page.locator("h1", has_text="模板已改").wait_for(timeout=60_000)  # type: ignore[attr-defined]
    config = root / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("site_name: 预算绩效目标公开", "site_name: 预览测试网站"), encoding="utf-8")
    page.locator(".brand", has_text="预览测试网站").wait_for(timeout=60_000)  # type: ignore[attr-defined]


def test_error_page_lists_errors_and_warnings_apart_with_their_counts() -> None:
    from gongkai.errors import Problem
    from gongkai.editor.serve import State, error_page
    problems = [Problem("W101", "a.yml", 3, 1, "误填"), Problem("E010", "a.yml", 5, 1, "未知"),
                Problem("E013", "b.yml", 2, 7, "金额"), Problem("W102", "b.yml", 9, 1, "拼音")]
    page = error_page(State(problems=problems))
    errors, warnings = page.split('<h2 id="warnings">')
    assert "内容有 2 个错误" in errors and "错误（2 个" in errors and "警告（2 条" in warnings
    assert errors.count('<li class="error">') == 2 and '<li class="warning">' not in errors
    assert warnings.count('<li class="warning">') == 2 and '<li class="error">' not in warnings
    only_errors = error_page(State(problems=problems[1:3]))
    assert 'id="warnings"' not in only_errors and "内容有 2 个错误" in only_errors


def test_a_port_in_use_is_explained_in_chinese(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([sys.executable, str(ROOT / "build.py"), "serve", "--port", str(port)], capture_output=True,
                                text=True, timeout=120, env=dict(os.environ, PYTHONIOENCODING="utf-8"))
    assert result.returncode != 0 and "端口已被其他程序占用" in result.stderr
    assert "Address" not in result.stderr and "Traceback" not in result.stderr
