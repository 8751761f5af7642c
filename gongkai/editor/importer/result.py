"""What a layout reader hands to the tree writer: content keyed by the YAML's Chinese keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

Path_ = tuple[Any, ...]


@dataclass
class Commented:
    """A content file's data with its comments (see yamlout.render)."""

    data: dict[str, Any] = field(default_factory=dict)
    header: list[str] = field(default_factory=list)
    comments: dict[Path_, str] = field(default_factory=dict)
    notes: dict[Path_, list[str]] = field(default_factory=dict)

    def note(self, path: Path_, text: str) -> None:
        self.notes.setdefault(path, []).append(text)


@dataclass
class ImportedProject(Commented):
    ref: str = ""  # where the project starts in the source

    @property
    def name(self) -> str:
        return self.data.get("项目名称", "")

    @property
    def code(self) -> str | None:
        return self.data.get("项目编码")

    @property
    def secret(self) -> bool:
        return bool(self.data.get("涉密"))


@dataclass
class ImportedUnit:
    name: str
    code: str | None = None
    total: Decimal | None = None
    ref: str = ""
    stated: str = ""  # the amounts its subtotal row showed, kept as a comment


@dataclass
class ImportedDepartment(Commented):
    units: list[ImportedUnit] = field(default_factory=list)

    @property
    def name(self) -> str | None:
        return self.data.get("部门名称")


@dataclass
class Unmapped:
    ref: str
    text: str
    why: str

    def format(self) -> str:
        shown = self.text if len(self.text) <= 40 else self.text[:39] + "…"
        return f"  {self.ref}：{why_prefix(self.why)}“{shown}”"


def why_prefix(why: str) -> str:
    return f"{why}：" if why else ""


@dataclass
class Imported:
    layout: str  # yutian / guangzhou / ezhou
    department: ImportedDepartment
    projects: list[ImportedProject] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    year: int | None = None
    supplement: list[Any] = field(default_factory=list)  # supplement.Entry rows of the 补充数据 sheet

    def skip(self, ref: str, text: str, why: str) -> None:
        self.unmapped.append(Unmapped(ref, text, why))
