"""Independent readers of the four seed documents (tests/fixtures/seeds), used to check the
built site against the sources themselves rather than against our own YAML."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"


def squash(text: str) -> str:
    """Compare text regardless of whitespace and line wrapping."""
    return re.sub(r"[\s\u200b]+", "", html.unescape(text))


def page_text(path: Path) -> str:
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)\b.*?</\1>", "", raw, flags=re.S)
    return squash(re.sub(r"<[^>]+>", " ", raw))


@dataclass
class SeedProject:
    name: str
    code: str | None
    amount: str  # as the page must show it, e.g. "50,000.00"
    cells: list[str] = field(default_factory=list)  # texts that must all appear on the page
    secret: bool = False


def yutian() -> list[SeedProject]:
    text = (SEEDS / "003_63910ab8e9ea5095.txt").read_text(encoding="utf-8")
    projects = []
    for block in re.split(r"\[bookmark: _Toc_4_4_\d+\]", text)[1:]:
        code = re.search(r"项目编码\n\t(\S+)", block).group(1)
        name = re.search(r"项目名称\n\t(.+)", block).group(1).strip()
        amount = re.search(r"预算数\n\t([\d.]+)", block).group(1)
        table = block.split("指标值确定依据", 1)[1]
        cells = [c.strip() for c in re.findall(r"^\t(.*)$", table, flags=re.M) if c.strip()]
        goal = re.search(r"绩效目标\n\t(.+)", block).group(1).strip()
        purpose = re.search(r"其他资金\n\t \n\n\t\n\t(.+)", block)
        cells.append(goal)
        if purpose:
            cells.append(purpose.group(1).strip())
        projects.append(SeedProject(name, code, f"{float(amount):,.2f}", cells))
    return projects


def guangzhou() -> list[SeedProject]:
    text = (SEEDS / "004_cfcfcc20b7c6faee.txt").read_text(encoding="utf-8")
    projects = []
    for line in text.splitlines():
        cols = line.split("\t")
        if len(cols) < 7 or not re.fullmatch(r"[\d,]+\.\d\d", cols[1]) or not cols[5].strip():
            continue  # headers, totals and unit lines have no goal text
        name, total, goal, indicators = cols[0], cols[1], cols[5], cols[6]
        secret = goal.startswith("涉密项目")
        cells = [] if secret else [re.sub(r"<[^>]+>", "", goal)]
        if not secret:
            for item in re.split(r"年度指标值：", re.sub(r"<[^>]+>", "", indicators))[1:]:
                value = re.split(r"(?:\s+|(?<=。))(?:\d+\.|[一二三四五]、)", item)[0]
                cells.append(value)
        code = squash(name) if secret else None
        projects.append(SeedProject(squash(name), code, total, cells, secret))
    return projects


def ezhou() -> list[SeedProject]:
    projects = []
    for filename, amount in (("000_9bb0af6f742a3eed.txt", "60.00"), ("002_3edd5173d6d33b0d.txt", "280.00")):
        text = (SEEDS / filename).read_text(encoding="utf-8")
        name = re.search(r"_GoBack\](.+)", text).group(1).strip()
        basis = re.search(r"立项依据\n(.+?)\n\n\t项目预算", text, flags=re.S).group(1)
        codes = set(re.findall(r"(?:年度|长期)目标\d\d", text))
        cells = [basis] + sorted(codes)
        projects.append(SeedProject(name, None, amount, cells))
    return projects
