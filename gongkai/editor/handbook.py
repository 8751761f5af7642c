"""The handbook's generated parts, and the MkDocs hook (mkdocs.yml → hooks).

- The error reference in docs/errors.md is generated from gongkai/errors.py CATALOGUE, and the
  site_config.yml options table in docs/config.md from gongkai/source/config.py. Both are written into
  the repository between markers (so the pages read whole on GitHub and in an editor), by
  `python3 -m gongkai.editor.handbook`; `python3 -m gongkai.editor.handbook --check` (and a test) says when
  they are out of date;
- any other page in docs/ that mkdocs.yml's nav does not list (docs/templates.md, deployment
  notes written by others) is appended to the nav, titled by its first heading.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent.parent


def _importable() -> None:
    """MkDocs restores sys.path after loading a hook, so make the package importable per call."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))

BEGIN = "<!-- 以下由 python3 -m gongkai.editor.handbook 从 {source} 生成，请勿手改 -->"
END = "<!-- 生成部分结束 -->"

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


GENERATED: dict[str, tuple[str, Callable[[], str]]] = {
    "errors.md": ("gongkai/errors.py", error_reference),
    "config.md": ("gongkai/source/config.py", options_table),
}


def regenerated(text: str, source: str, body: str) -> str:
    """`text` with the part between its markers replaced by `body` (the markers are required)."""
    begin = BEGIN.format(source=source)
    if begin not in text or END not in text:
        raise ValueError(f"缺少生成标记：{begin} … {END}")
    head, rest = text.split(begin, 1)
    return f"{head}{begin}\n\n{body.strip()}\n\n{END}{rest.split(END, 1)[1]}"


def stale_pages(docs: Path = ROOT / "docs", write: bool = False) -> list[str]:
    """The generated pages whose text differs from what the code gives now (rewritten with `write`)."""
    stale = []
    for name, (source, make) in GENERATED.items():
        path = docs / name
        text = path.read_text(encoding="utf-8")
        new = regenerated(text, source, make())
        if new != text:
            stale.append(name)
            if write:
                path.write_text(new, encoding="utf-8")
    return stale


def main(argv: list[str] | None = None) -> int:
    check_only = "--check" in (sys.argv[1:] if argv is None else argv)
    stale = stale_pages(write=not check_only)
    for name in stale:
        print(f"docs/{name}：{'与程序不一致，请运行 python3 -m gongkai.editor.handbook' if check_only else '已重新生成'}")
    return 1 if check_only and stale else 0


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


if __name__ == "__main__":
    sys.exit(main())
