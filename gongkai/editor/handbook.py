"""MkDocs hooks for the editor's handbook (mkdocs.yml → hooks).

- The error reference (docs/errors.md) is generated from gongkai/errors.py CATALOGUE at build
  time, so every code the program can report has its entry, title and fix in the handbook;
- the site_config.yml options table comes from gongkai/source/config.py;
- any other page in docs/ that mkdocs.yml's nav does not list (docs/templates.md, deployment
  notes written by others) is appended to the nav, titled by its first heading.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent


def _importable() -> None:
    """MkDocs restores sys.path after loading a hook, so make the package importable per call."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))

ERRORS_MARKER = "<!-- 错误代码表：构建手册时由 gongkai/errors.py 生成 -->"
OPTIONS_MARKER = "<!-- 配置项表：构建手册时由 gongkai/source/config.py 生成 -->"

_GROUPS = (("E0", "内容文件错误（退出码 1，不写出任何文件）"), ("C", "配置文件错误（退出码 1）"), ("W", "警告（不阻止发布）"))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def error_reference() -> str:
    """Markdown: one section per code with its anchor, what is wrong and how to fix it."""
    _importable()
    from gongkai.errors import CATALOGUE
    lines: list[str] = []
    for prefix, title in _GROUPS:
        codes = [c for c in CATALOGUE if c.startswith(prefix)]
        if not codes:
            continue
        lines += [f"## {title}", ""]
        for code in codes:
            what, fix = CATALOGUE[code]
            lines += [f"### {code} {what} {{#{code}}}", "", f"**修改方法：** {fix}", ""]
    others = [c for c in CATALOGUE if not any(c.startswith(p) for p, _ in _GROUPS)]
    if others:
        lines += ["## 其他", ""]
        for code in others:
            what, fix = CATALOGUE[code]
            lines += [f"### {code} {what} {{#{code}}}", "", f"**修改方法：** {fix}", ""]
    return "\n".join(lines)


def options_table() -> str:
    _importable()
    from gongkai.source.config import DISCLOSURE_OPTIONS, SITE_OPTIONS
    rows = ["| 配置项 | 默认值 | 说明 |", "|---|---|---|"]
    for prefix, options in (("", SITE_OPTIONS), ("disclosure.", DISCLOSURE_OPTIONS)):
        for option in options:
            default = str(option.default).lower() if isinstance(option.default, bool) else (option.default or "（空）")
            rows.append(f"| `{prefix}{option.key}` | {_cell(str(default))} | {_cell(option.doc)} |")
    return "\n".join(rows)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if ERRORS_MARKER in markdown:
        markdown = markdown.replace(ERRORS_MARKER, error_reference())
    if OPTIONS_MARKER in markdown:
        markdown = markdown.replace(OPTIONS_MARKER, options_table())
    return markdown


def _listed(nav: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(nav, str):
        found.add(nav)
    elif isinstance(nav, dict):
        for value in nav.values():
            found |= _listed(value)
    elif isinstance(nav, list):
        for item in nav:
            found |= _listed(item)
    return found


def _title(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^#\s+(.+)$", line)
        if match:
            return match.group(1).strip()
    return path.stem


def on_config(config: Any) -> Any:
    """Pages others add to docs/ join the nav at the end, so the strict build keeps passing."""
    docs = Path(config["docs_dir"])
    nav = config.get("nav")
    if not nav:
        return config
    listed = _listed(nav)
    for path in sorted(docs.rglob("*.md")):
        relative = path.relative_to(docs).as_posix()
        if relative not in listed:
            nav.append({_title(path): relative})
    return config
