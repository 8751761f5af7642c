"""URL slugs: from a project's code, or the pinyin of a public name, never from a secret name."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from pypinyin import Style, lazy_pinyin

MAX_SLUG = 60
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")  # what a 链接名 may be: lower-case ASCII words joined by "-"
# The slugs redaction gives to secret projects and to projects whose name is withheld: no public
# project may have one (validate: E025), so a generated slug never collides with a written one.
GENERATED_SLUG = re.compile(r"^(?:mingcheng-)?shemi-[0-9]+$")


def secret_slug(number: int) -> str:
    return f"shemi-{number}"


def unnamed_slug(number: int) -> str:
    return f"mingcheng-shemi-{number}"
SHORT_SLUG = 40  # a link name the importer chooses: short enough to read in an address bar
# A department's full name spells out what every department of a kind shares: 中国共产党玉田县委员会
# 政法委员会 reads as 玉田县委政法委, as the department itself writes it.
_PARTY = re.compile(r"^(中国共产党|中共)")
_COMMITTEE = re.compile(r"委员会")


def pinyin_words(text: str) -> list[str]:
    """Pinyin syllables of the Chinese in text, with other letters and digits kept as words."""
    # Empty pieces dropped: pypinyin expects at most one item per character from `errors`, and a
    # rare character without a reading (𭪰) split to ['', ''] made it raise IndexError.
    words = lazy_pinyin(unicodedata.normalize("NFKC", text), style=Style.NORMAL,
                        errors=lambda s: [w for w in re.split(r"[^0-9A-Za-z]+", s) if w])  # type: ignore[arg-type, return-value]  # pypinyin takes a list too
    return [w.lower() for w in words if w and re.fullmatch(r"[0-9A-Za-z]+", w)]


def slugify(text: str, limit: int = MAX_SLUG) -> str:
    """Pinyin syllables joined by hyphens; a long one loses whole syllables, never part of one."""
    words = pinyin_words(text)
    slug = "-".join(words)
    while len(slug) > limit and len(words) > 1:
        words.pop()
        slug = "-".join(words)
    return slug[:limit]


def department_slug(name: str) -> str:
    """玉田县委政法委 for 中国共产党玉田县委员会政法委员会: short, whole syllables."""
    return slugify(_COMMITTEE.sub("委", _PARTY.sub("", name.strip())), SHORT_SLUG)


def project_slug(project: Any) -> str:  # a raw Project (slugs imports no stage)
    """Code first (stable across renames); pinyin of the name only for public projects."""
    code = getattr(project, "code", None)
    if code:
        return slugify(code) or "project"
    if getattr(project, "secret", False):
        return ""  # redact assigns the public label's slug; a secret name never becomes a URL
    return slugify(project.name)
