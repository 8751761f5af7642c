"""Where the site may go: an --out whose swap would delete anything else is refused (exit 2).

Every attack runs the real command line against a small project laid out as an editor's folder
(content/, site_config.yml, templates/, a register, the report folder, a previous site) and
checks that nothing of it changed: no content deleted, no site swapped, no traceback.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from conftest import ROOT
from contentkit import minimal


def digest(folder: Path) -> dict[str, str]:
    if folder.is_file():
        return {"": hashlib.sha256(folder.read_bytes()).hexdigest()}
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def gongkai(project: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """build.py run from the project folder, with the project's own home (HOME): a refusal that
    failed could only ever touch the test's folders."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8", HOME=str(project / "home"), GONGKAI_CACHE="0")
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd or project, capture_output=True,
                          text=True, timeout=300, env=env)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("editor")
    minimal(root / "content")
    (root / "site_config.yml").write_text((ROOT / "site_config.yml").read_text(encoding="utf-8")
                                          .replace("search: true", "search: false"), encoding="utf-8")
    shutil.copytree(ROOT / "templates", root / "templates")
    (root / "register.txt").write_text("# 涉密登记册\n", encoding="utf-8")
    (root / "home" / "文档").mkdir(parents=True)
    (root / "home" / "文档" / "工作.txt").write_text("不能丢的文件", encoding="utf-8")
    (root / "reports").mkdir()
    result = gongkai(root, "build", "--out", str(root / "site"))
    assert result.returncode == 0, result.stderr
    (root / "into-content").symlink_to(root / "content")
    return root


def everything(project: Path) -> dict[str, dict[str, str]]:
    return {name: digest(project / name) for name in ("content", "templates", "site_config.yml", "register.txt", "home", "site")}


ATTACKS: dict[str, Callable[[Path], str]] = {
    "the content folder": lambda p: str(p / "content"),
    "a folder inside content": lambda p: str(p / "content" / "2025"),
    "a new folder inside content": lambda p: str(p / "content" / "2025" / "ceshi" / "site"),
    "the parent of content": lambda p: str(p),
    "content written with ..": lambda p: str(p / "templates" / ".." / "content"),
    "a path through a symlink into content": lambda p: str(p / "into-content" / "2025"),
    "the symlink to content itself": lambda p: str(p / "into-content"),
    "the templates": lambda p: str(p / "templates"),
    "inside the templates": lambda p: str(p / "templates" / "assets"),
    "the config file": lambda p: str(p / "site_config.yml"),
    "the current folder": lambda p: ".",
    "the current folder, empty string": lambda p: "",
    "the home folder": lambda p: str(p / "home"),
    "the root": lambda p: "/",
    "the register": lambda p: str(p / "register.txt"),
    "the report folder": lambda p: str(p / "reports"),
    "inside the report folder": lambda p: str(p / "reports" / "site"),
    "a folder with the editor's files": lambda p: str(p / "home" / "文档"),
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_an_out_that_would_delete_something_else_is_refused(project: Path, name: str) -> None:
    before = everything(project)
    out = ATTACKS[name](project)
    result = gongkai(project, "build", "--content", "content", "--config", "site_config.yml", "--templates", "templates",
                     "--secret-register", str(project / "register.txt"), "--report-dir", str(project / "reports"), "--out", out)
    assert result.returncode == 2, (name, result.stdout, result.stderr)
    assert "输出文件夹" in result.stderr and "--out" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "构建完成" not in result.stdout
    assert everything(project) == before
    assert not [p.name for p in project.iterdir() if ".tmp-" in p.name or p.name.endswith(".lock")]


def test_the_report_folder_inside_the_site_is_refused(project: Path) -> None:
    before = everything(project)
    result = gongkai(project, "build", "--out", "site", "--report-dir", "site/reports")
    assert result.returncode == 2 and "脱密报告" in result.stderr and "Traceback" not in result.stderr
    assert everything(project) == before


def test_a_symlinked_out_is_built_into_its_target_and_stays_a_link(project: Path, tmp_path: Path) -> None:
    target = tmp_path / "www" / "site"
    target.mkdir(parents=True)
    link = tmp_path / "published"
    link.symlink_to(target)
    for _ in range(2):  # the second build swaps the target's previous site, not the link
        result = gongkai(project, "build", "--out", str(link))
        assert result.returncode == 0, result.stderr
        assert link.is_symlink() and link.resolve() == target.resolve()
        assert (target / "index.html").is_file() and (target / "slugs.json").is_file()
    assert digest(target) == digest(project / "site")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["published", "www"]
    assert not [p.name for p in (tmp_path / "www").iterdir() if p.name != "site" and p.name != "reports"]


def test_a_symlink_to_content_as_out_is_refused_and_the_link_kept(project: Path) -> None:
    result = gongkai(project, "build", "--out", "into-content")
    assert result.returncode == 2 and "内容文件夹" in result.stderr
    assert (project / "into-content").is_symlink() and (project / "content" / "2025" / "ceshi" / "部门.yml").is_file()


def test_an_existing_file_as_out_is_refused(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.write_text("not a folder", encoding="utf-8")
    result = gongkai(project, "build", "--out", str(out))
    assert result.returncode == 2 and "不是文件夹" in result.stderr and "Traceback" not in result.stderr
    assert out.read_text(encoding="utf-8") == "not a folder"


def test_an_empty_folder_and_a_previous_site_are_accepted(project: Path, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert gongkai(project, "build", "--out", str(tmp_path / "empty")).returncode == 0
    assert gongkai(project, "build", "--out", str(tmp_path / "empty")).returncode == 0  # now a previous site
    assert (tmp_path / "empty" / "index.html").is_file()


@pytest.mark.parametrize("args", [
    ("check", "--content", "content", "--report", "content/2025/ceshi/t0001.yml"),  # the review over a content file
    ("check", "--content", "content", "--report", "content/审查报告.html"),
    ("check", "--content", "content", "--report", "site_config.yml"),
    ("check", "--content", "content", "--report", "templates"),
    ("export", "--content", "content", "--year", "2025", "--department", "ceshi", "--layout", "yutian",
     "--out", "content/2025/ceshi/部门.yml"),  # the sheet over the department file
    ("export", "--content", "content", "--year", "2025", "--department", "ceshi", "--layout", "yutian",
     "--out", "content/2025/ceshi/表.xlsx"),
])
def test_a_report_or_sheet_that_would_overwrite_input_is_refused(project: Path, args: tuple[str, ...]) -> None:
    before = everything(project)
    result = gongkai(project, *args)
    assert result.returncode == 2 and ("质量审查报告" in result.stderr or "导出的表格" in result.stderr), result.stderr
    assert "Traceback" not in result.stderr and "检查通过" not in result.stdout  # refused before anything ran
    assert everything(project) == before


def test_a_symlink_loop_as_out_is_refused(project: Path, tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    result = gongkai(project, "build", "--out", str(tmp_path / "a"))
    assert result.returncode == 2 and "循环的符号链接" in result.stderr and "Traceback" not in result.stderr
    assert (tmp_path / "a").is_symlink() and sorted(p.name for p in tmp_path.iterdir()) == ["a", "b"]


def test_the_root_or_home_as_content_is_refused_at_once(project: Path) -> None:
    for content in ("/", str(project / "home")):
        result = subprocess.run([sys.executable, str(ROOT / "build.py"), "check", "--content", content], cwd=project, capture_output=True,
                                text=True, timeout=60, env=dict(os.environ, PYTHONIOENCODING="utf-8", HOME=str(project / "home")))
        assert result.returncode == 1 and "E031" in result.stderr and "根目录或主目录" in result.stderr, result.stderr
