"""The entry (`gongkai`, `python3 build.py`, `python3 -m gongkai`): missing packages explained in
Chinese, hints naming the command that was run, default paths from the current folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT
from contentkit import PROJECT, minimal

ENV = dict(os.environ, PYTHONIOENCODING="utf-8", GONGKAI_CACHE="0")


def run(args: list[str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120, env=ENV)


def test_without_its_packages_the_command_says_what_to_install() -> None:
    # -S: no site-packages, as on a fresh machine before the install step
    result = run([sys.executable, "-S", str(ROOT / "build.py"), "check"])
    assert result.returncode == 1 and "Traceback" not in result.stderr and "ModuleNotFoundError" not in result.stderr
    assert "缺少 gongkai 需要的 Python 包" in result.stderr
    for package in ("jinja2", "pyyaml", "pypinyin"):
        assert package in result.stderr
    assert "pip install -e ." in result.stderr


def test_in_a_virtual_environment_without_the_packages_the_hint_installs_there(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp_path / "venv")], check=True, timeout=120)
    python = tmp_path / "venv" / "bin" / "python"
    result = run([str(python), str(ROOT / "build.py"), "build"])
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "本环境中安装" in result.stderr and "python -m pip install -e ." in result.stderr


def test_hints_name_the_command_that_was_run(tmp_path: Path) -> None:
    as_script = run([sys.executable, str(ROOT / "build.py"), "new"])
    assert as_script.returncode == 2 and f"{Path(sys.executable).name} {ROOT / 'build.py'} new --help" in as_script.stderr
    as_module = run([sys.executable, "-m", "gongkai", "--help"])
    assert as_module.returncode == 0 and f"usage: {Path(sys.executable).name} -m gongkai" in as_module.stdout
    # What the installed console script does: sys.argv[0] is .venv/bin/gongkai.
    console = run([sys.executable, "-c", "import sys; sys.argv[0] = '/opt/x/.venv/bin/gongkai'; "
                   "from gongkai.launch import main; main()", "new"])
    assert console.returncode == 2 and "（gongkai new --help）" in console.stderr
    assert "python build.py" not in as_script.stderr + console.stderr


def test_default_paths_are_the_current_folder(tmp_path: Path) -> None:
    minimal(tmp_path / "content", PROJECT.replace("测试专项经费", "当前文件夹里的项目"))
    (tmp_path / "site_config.yml").write_text((ROOT / "site_config.yml").read_text(encoding="utf-8")
                                              .replace("search: true", "search: false"), encoding="utf-8")
    checked = run([sys.executable, str(ROOT / "build.py"), "check"], cwd=tmp_path)
    assert checked.returncode == 0 and "1 个部门，1 个项目" in checked.stdout, checked.stderr
    (tmp_path / "templates").symlink_to(ROOT / "templates")
    built = run([sys.executable, str(ROOT / "build.py")], cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert "当前文件夹里的项目" in (tmp_path / "site" / "2025" / "ceshi" / "t0001" / "index.html").read_text(encoding="utf-8")
