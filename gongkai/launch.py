"""The entry of `gongkai` and `python3 build.py`: imports nothing outside the standard library
until it has made sure it can explain, in Chinese, what is missing.

A missing dependency (ModuleNotFoundError for a module that is not gongkai's own) becomes a
message naming every missing package and the command that installs them, exit code 1; the
program's hints name the command the user actually ran (`command()`).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

MINIMUM_PYTHON = (3, 11)
SOURCE = Path(__file__).resolve().parent.parent  # a source checkout: requirements.txt, pyproject.toml


def command() -> str:
    """How the user started the program, for hints: `gongkai`, `python3 build.py`, `python -m gongkai`."""
    argv = list(getattr(sys, "orig_argv", None) or [sys.executable, *sys.argv])
    script = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    if script.endswith(".py") and script != "__main__.py":
        interpreter = Path(argv[0]).name if argv else "python3"
        shown = next((a for a in argv[1:] if a.endswith(".py")), script)
        return f"{interpreter} {shown}"
    if script == "__main__.py" or "-m" in argv[1:3]:
        return f"{Path(argv[0]).name if argv else 'python3'} -m gongkai"
    return script or "gongkai"


def _requirements() -> list[str]:
    """The runtime requirements: requirements.txt in a source checkout, else the installed metadata."""
    listed = SOURCE / "requirements.txt"
    if listed.is_file():
        lines = listed.read_text(encoding="utf-8").splitlines()
    else:
        from importlib import metadata
        try:
            lines = [r for r in metadata.requires("gongkai") or [] if "extra ==" not in r]
        except metadata.PackageNotFoundError:
            lines = []
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


def missing_packages() -> list[str]:
    from importlib import metadata
    missing = []
    for requirement in _requirements():
        name = re.split(r"[\[<>=!~;\s]", requirement, maxsplit=1)[0]
        try:
            metadata.version(name)
        except metadata.PackageNotFoundError:
            missing.append(name)
    return missing


def install_hint() -> str:
    in_venv = sys.prefix != getattr(sys, "base_prefix", sys.prefix)
    if in_venv:
        return f"请在本环境中安装：{Path(sys.executable).name} -m pip install -e .（在 gongkai 文件夹中运行）"
    if os.name == "nt":
        return ("请先建立虚拟环境再安装（在 gongkai 文件夹中运行）：py -m venv .venv; .venv\\Scripts\\pip install -e .；"
                "之后用 .venv\\Scripts\\gongkai 运行。")
    return ("请先建立虚拟环境再安装（在 gongkai 文件夹中运行）：python3 -m venv .venv && .venv/bin/pip install -e .；"
            "之后用 .venv/bin/gongkai 运行（Debian/Ubuntu 需先 sudo apt install python3-venv）。")


def explain_missing(module: str) -> str:
    packages = missing_packages() or [module]
    return f"缺少 gongkai 需要的 Python 包：{'、'.join(packages)}。{install_hint()}"


def main() -> None:
    if sys.version_info < MINIMUM_PYTHON:
        print(f"gongkai 需要 Python {'.'.join(map(str, MINIMUM_PYTHON))} 或更新的版本，当前是 {sys.version.split()[0]}。",
              file=sys.stderr)
        sys.exit(1)
    try:
        from gongkai.cli import run
        code = run()
    except ModuleNotFoundError as exc:
        if not exc.name or exc.name.split(".")[0] == "gongkai":
            raise
        print(explain_missing(exc.name), file=sys.stderr)
        code = 1
    sys.exit(code)
