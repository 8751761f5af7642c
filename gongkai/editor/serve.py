"""`build.py serve`: a local preview that rebuilds on every change and teaches on every error.

The site is built into a temporary folder (site/ is never touched) by the same pipeline as
`build`. A watcher polls content, templates and the config file; after a change it rebuilds, and
every page it serves carries a small script (a separate file, no inline script) that reloads the
page when the build changes. When the content has errors, every page shows them instead: file,
line, what is wrong and how to fix it — and the site comes back as soon as the file is fixed.
"""

from __future__ import annotations

import dataclasses
import html
import json
import shutil
import signal
import sys
import tempfile
import threading
import time
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote, urlparse

from gongkai.errors import ContentError, Problem, os_error_text
from gongkai.pipeline import AuditFailed, Paths, build

ASSETS = Path(__file__).resolve().parent / "serve_assets"
SPECIAL = "/__gongkai__/"
POLL_SECONDS = 0.4


@dataclasses.dataclass
class State:
    """What the preview shows now: the built site, or the errors that stopped the build."""

    version: int = 0
    problems: list[Problem] = dataclasses.field(default_factory=list)
    failure: str | None = None  # an error that is not a content problem (audit, config …)
    prefix: str = "/"
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    @property
    def broken(self) -> bool:
        return bool(self.problems) or self.failure is not None


def _watched(paths: Paths) -> Iterator[Path]:
    for folder in (paths.content, paths.templates):
        if folder.is_dir():
            yield from (p for p in folder.rglob("*") if p.is_file())
    for single in (paths.config, paths.secret_register):
        if single is not None and single.is_file():
            yield single


def snapshot(paths: Paths) -> dict[str, tuple[int, int]]:
    """Every watched file's modification time and size: a change in any of them means rebuild."""
    seen: dict[str, tuple[int, int]] = {}
    for path in _watched(paths):
        try:
            stat = path.stat()
        except OSError:
            continue
        seen[str(path)] = (stat.st_mtime_ns, stat.st_size)
    return seen


def rebuild(paths: Paths, state: State) -> None:
    """Build into the temporary folder; on failure keep the last good site and show the errors."""
    try:
        build(paths)  # with the content-hash cache beside the temporary output: rebuilds redo only what changed
    except ContentError as exc:
        _set(state, problems=[p for p in exc.problems], failure=None)
        print(f"内容有 {sum(1 for p in exc.problems if not p.is_warning)} 个错误，浏览器中显示错误页面。", file=sys.stderr)
        return
    except AuditFailed as exc:
        _set(state, problems=[], failure=f"泄密审计发现 {len(exc.hits)} 处问题：\n{exc}")
        return
    except Exception as exc:  # the preview must survive anything an edit can cause
        print(f"构建失败（程序内部错误）：{type(exc).__name__}: {exc}", file=sys.stderr)  # for whoever maintains it
        _set(state, problems=[], failure="构建失败：程序内部错误，请把运行预览的终端窗口中显示的信息发给维护人员。")
        return
    from gongkai.source.config import load_config
    try:
        state.prefix = urlparse(load_config(paths.config).base_url).path or "/"
    except ContentError:
        state.prefix = "/"
    _set(state, problems=[], failure=None)
    print(f"已重新构建（{time.strftime('%H:%M:%S')}）。")


def _set(state: State, problems: list[Problem], failure: str | None) -> None:
    with state.lock:
        state.problems, state.failure = problems, failure
        state.version += 1


def watch(paths: Paths, state: State, stop: threading.Event) -> None:
    before = snapshot(paths)
    while not stop.wait(POLL_SECONDS):
        now = snapshot(paths)
        if now == before:
            continue
        time.sleep(POLL_SECONDS)  # let an editor finish saving (some write a file in several steps)
        before = snapshot(paths)
        rebuild(paths, state)


def error_page(state: State) -> str:
    """The Chinese error page: errors first, then warnings, each with file, line, what is wrong
    and how to fix it; the counts in the headings are those of the lists below them."""
    errors = [p for p in state.problems if not p.is_warning]
    warnings = [p for p in state.problems if p.is_warning]
    if state.problems:
        body = (f"<h1>内容有 {len(errors)} 个错误，网站暂未更新</h1>"
                '<p class="hint">改正下列文件并保存后，本页会自动回到网站，无需重新启动预览。</p>'
                f'<h2 id="errors">错误（{len(errors)} 个，必须改正）</h2><ol class="errors">{"".join(map(_problem_item, errors))}</ol>')
        if warnings:
            body += (f'<h2 id="warnings">警告（{len(warnings)} 条，不阻止发布）</h2>'
                     f'<ol class="warnings">{"".join(map(_problem_item, warnings))}</ol>')
    else:
        body = (f"<h1>网站暂未更新</h1><pre>{html.escape(state.failure or '')}</pre>"
                f'<p class="hint">修改后保存，本页会自动刷新。</p>')
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>内容有错误 - 预览</title>"
            f"<link rel=\"stylesheet\" href=\"{SPECIAL}error.css\">{_reload_tag(state)}</head>"
            f"<body><main role=\"alert\">{body}</main></body></html>\n")


def _problem_item(problem: Problem) -> str:
    where = f"{problem.file}:{problem.line}:{problem.column}" if problem.line else problem.file
    kind = "warning" if problem.is_warning else "error"
    value = f"<dt>写的是</dt><dd><code>{html.escape(problem.value)}</code></dd>" if problem.value is not None else ""
    return (f'<li class="{kind}"><p><span class="code">{problem.code}</span><span class="where">{html.escape(where)}</span></p>'
            f"<dl><dt>问题</dt><dd>{html.escape(problem.title)}：{html.escape(problem.detail)}</dd>{value}"
            f"<dt>修改方法</dt><dd>{html.escape(problem.fix)}</dd></dl></li>")


def _reload_tag(state: State) -> str:
    return f'<script src="{SPECIAL}reload.js" data-version="{state.version}" defer></script>'


def make_handler(site: Path, state: State) -> type[SimpleHTTPRequestHandler]:
    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(site), **kwargs)  # type: ignore[arg-type]

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet preview
            pass

        def end_headers(self) -> None:
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            path = unquote(urlparse(self.path).path)
            if path.startswith(SPECIAL):
                return self._special(path[len(SPECIAL):])
            with state.lock:
                broken = state.broken
            if broken and (path.endswith("/") or path.endswith(".html") or "." not in path.rsplit("/", 1)[-1]):
                return self._send(HTTPStatus.INTERNAL_SERVER_ERROR, error_page(state).encode("utf-8"), "text/html; charset=utf-8")
            local = self._local(path)
            if local is None:
                missing = site / "404.html"
                body = missing.read_bytes() if missing.is_file() else b"<!DOCTYPE html><title>404</title>"
                return self._send(HTTPStatus.NOT_FOUND, self._inject(body), "text/html; charset=utf-8")
            if local.suffix == ".html":
                return self._send(HTTPStatus.OK, self._inject(local.read_bytes()), "text/html; charset=utf-8")
            return self._send(HTTPStatus.OK, local.read_bytes(), self.guess_type(str(local)))

        def do_HEAD(self) -> None:  # noqa: N802
            self.do_GET()

        def _local(self, path: str) -> Path | None:
            """The built file for a URL below the site's prefix, never outside the build folder."""
            prefix = state.prefix
            if prefix != "/" and path.startswith(prefix):
                path = "/" + path[len(prefix):]
            target = (site / path.lstrip("/")).resolve()
            if not target.is_relative_to(site.resolve()):
                return None
            if target.is_dir():
                target = target / "index.html"
            return target if target.is_file() else None

        def _inject(self, body: bytes) -> bytes:
            tag = _reload_tag(state).encode("utf-8")
            return body.replace(b"</body>", tag + b"</body>", 1) if b"</body>" in body else body + tag

        def _special(self, name: str) -> None:
            if name == "version":
                with state.lock:
                    data = {"version": state.version, "broken": state.broken}
                return self._send(HTTPStatus.OK, json.dumps(data).encode(), "application/json")
            asset = ASSETS / name
            if name in ("reload.js", "error.css") and asset.is_file():
                kind = "text/javascript; charset=utf-8" if name.endswith(".js") else "text/css; charset=utf-8"
                return self._send(HTTPStatus.OK, asset.read_bytes(), kind)
            return self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain")

        def _send(self, status: HTTPStatus, body: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

    return Handler


def _stop_on_term(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _socket_problem(exc: OSError) -> str:
    """Why a port cannot be used, in Chinese."""
    import errno
    import socket
    if isinstance(exc, socket.gaierror):
        return "无法识别这个地址（--host 应为 127.0.0.1 这样的地址）"
    if exc.errno == errno.EACCES:
        return "没有权限使用这个端口（1024 以下的端口需要管理员权限）"
    return os_error_text(exc)


def serve(paths: Paths, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Preview until Ctrl+C; returns the exit code."""
    workdir = Path(tempfile.mkdtemp(prefix="gongkai-serve-"))
    site = workdir / "site"
    site.mkdir()
    preview = dataclasses.replace(paths, out=site, report_dir=workdir / "reports")
    state = State()
    try:
        server = ThreadingHTTPServer((host, port), make_handler(site, state))
    except OSError as exc:
        print(f"无法在 {host}:{port} 启动预览：{_socket_problem(exc)}。换一个端口，如 --port 8001。", file=sys.stderr)
        shutil.rmtree(workdir, ignore_errors=True)
        return 2
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, _stop_on_term)  # a service manager's stop cleans up like Ctrl+C
    rebuild(preview, state)
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(preview, state, stop), daemon=True)
    watcher.start()
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "") else host
    print(f"预览地址：http://{shown_host}:{server.server_address[1]}{state.prefix}  （构建在临时文件夹 {site}，不会改动 site/）")
    print("修改 content/、templates/ 或配置文件后自动刷新；按 Ctrl+C 停止。", flush=True)
    try:
        server.serve_forever(poll_interval=0.25)
    except KeyboardInterrupt:
        print("预览已停止。")
    finally:
        stop.set()
        server.server_close()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0
