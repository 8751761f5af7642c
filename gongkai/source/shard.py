"""Which department folders a shard builds: `build --shard 湖北省` (every department whose 地区
starts with the text) or `--shard guangzhou-zfw,ezhou-zfw` (department folder names, every
year), or both, separated by commas. Only the selected folders are loaded and validated, so a
shard's cost is its own departments' (see README, "Shards")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from gongkai.errors import ContentError, Problem
from gongkai.source.load import decode, parse_text

DEPARTMENT_FILE = "部门.yml"


def shard_items(spec: str) -> list[str]:
    return [item.strip() for item in re.split(r"[,，]", spec) if item.strip()]


@dataclass(frozen=True)
class Selection:
    folders: frozenset[str]  # "<年度>/<文件夹>" of the shard's departments
    site_years: tuple[int, ...]  # years in which the whole site publishes a department (navigation)


def _department_facts(path: Path, root: Path) -> tuple[str, bool]:
    """A department file's 地区 and whether the whole department is 涉密 (validation, in the
    shard that builds it, checks the file in full)."""
    display = str(Path(root.name) / path.relative_to(root))
    data = parse_text(decode(path.read_bytes(), display), path, display).data
    region = data.get("地区")
    return (region.strip() if isinstance(region, str) else ""), data.get("涉密") is True


def shard_folders(root: Path, spec: str) -> Selection:
    """The shard's department folders, and the years of the whole site: every page of a shard
    links to every year of the merged site. A department file that does not parse is an error
    in every shard: its region and its year's presence are unknown."""
    items = shard_items(spec)
    folders: set[str] = set()
    years: set[int] = set()
    problems: list[Problem] = []
    departments = sorted(root.glob(f"*/*/{DEPARTMENT_FILE}"))
    for path in departments:
        folder = path.parent.relative_to(root).as_posix()
        try:
            region, secret = _department_facts(path, root)
        except ContentError as error:
            problems += error.problems
            continue
        if not secret and re.fullmatch(r"\d{4}", path.parent.parent.name):
            years.add(int(path.parent.parent.name))
        if path.parent.name in items or (region and any(region.startswith(item) for item in items)):
            folders.add(folder)
    if problems:
        raise ContentError(problems)
    if not folders:
        known = sorted({p.parent.name for p in departments})[:8]
        raise ContentError([Problem("E050", "--shard", 0, 0, "分片中没有任何部门", spec,
                                    "写部门文件夹名（如 " + "、".join(known or ["guangzhou-zfw"]) + "）或 部门.yml 中“地区”的开头（如 湖北省），多个用逗号分隔。")])
    return Selection(frozenset(folders), tuple(sorted(years, reverse=True)))


def in_shard(path: Path, root: Path, folders: frozenset[str]) -> bool:
    """Whether a content file belongs to one of the folders (files elsewhere belong to none)."""
    parts = path.relative_to(root).parts
    return len(parts) > 2 and f"{parts[0]}/{parts[1]}" in folders
