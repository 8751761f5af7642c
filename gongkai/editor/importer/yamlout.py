"""Writing content YAML the way the hand-written example looks: the schema line first, keys in the
content model's order (gongkai/schema.py), plain scalars where they read back unchanged, `|`
blocks for several lines, and comments where the source left something out.

Comments are keyed by the path of the value they belong to: `notes[path]` are whole lines above
the key, `comments[path]` trails the value on its line.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml

from gongkai.source import schema as S
from gongkai.source.load import quoted_scalar as quoted

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SCHEMA_LINE = "# yaml-language-server: $schema=../../../schema/{kind}.schema.json"
Path_ = tuple[Any, ...]


def scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _reads_back(text):
        return text
    return quoted(text)


def _block_ok(text: str) -> bool:
    """A `|` block keeps text exactly only when no line starts with a space and nothing needs escaping."""
    lines = text.split("\n")
    return bool(lines[0]) and not lines[0][0].isspace() and all(
        ch == "\t" or ch.isprintable() or ch == " " for line in lines for ch in line) and text == text.strip()


def _reads_back(text: str) -> bool:
    """Plain only when YAML gives the same string back (no numbers, dates, booleans, '# ')."""
    if not text or text != text.strip() or "\n" in text or text[0] in "'\"[]{}>|*&!%@`,?:-#" or not text.isprintable():
        return False
    try:
        return yaml.load(f"k: {text}", Loader=Loader) == {"k": text}
    except yaml.YAMLError:
        return False


class Writer:
    def __init__(self, comments: dict[Path_, str] | None = None, notes: dict[Path_, list[str]] | None = None) -> None:
        self.comments = comments or {}
        self.notes = notes or {}
        self.lines: list[str] = []

    def note_lines(self, path: Path_, indent: int) -> None:
        for note in self.notes.get(path, ()):
            self.lines.append(" " * indent + "# " + note if note else " " * indent + "#")

    def trailing(self, path: Path_) -> str:
        comment = self.comments.get(path)
        return f"  # {comment}" if comment else ""

    def record(self, record: S.Record, data: dict[str, Any], path: Path_, indent: int, dash: bool = False) -> None:
        """Emit a mapping in schema order; with `dash`, the first key goes on a '- ' line."""
        unknown = set(data) - set(record.keys)
        assert not unknown, f"not in schema {record.title}: {unknown}"
        first = True
        for spec in record.fields:
            value = data.get(spec.key)
            if value is None or value == "" or value == [] or value == {}:
                self.note_lines(path + (spec.key,), indent)
                continue
            prefix = " " * (indent - 2) + "- " if dash and first else " " * indent
            if not (dash and first):
                self.note_lines(path + (spec.key,), indent)
            first = False
            self.value(spec, value, path + (spec.key,), prefix, indent)
        self.note_lines(path + ("$end",), indent)

    def value(self, spec: S.Field, value: Any, path: Path_, prefix: str, indent: int) -> None:
        head = f"{prefix}{spec.key}:"
        if spec.kind == S.RECORD:
            self.lines.append(head + self.trailing(path))
            self.record(spec.record, value, path, indent + 2)  # type: ignore[arg-type]
        elif spec.kind == S.RECORDS:
            self.lines.append(head + self.trailing(path))
            for i, item in enumerate(value):
                self.note_lines(path + (i,), indent + 2)
                self.record(spec.record, item, path + (i,), indent + 4, dash=True)  # type: ignore[arg-type]
        elif spec.kind == S.PLAN:
            self.lines.append(head + self.trailing(path))
            for label, percent in value.items():
                self.lines.append(" " * (indent + 2) + f"{scalar(label)}: {scalar(percent)}")
        elif spec.kind in (S.TEXTS, S.KEYS):
            self.lines.append(f"{head} [{', '.join(scalar(v) for v in value)}]" + self.trailing(path))
        elif isinstance(value, str) and "\n" in value and _block_ok(value):
            self.lines.append(f"{head} |" + self.trailing(path))
            for line in value.split("\n"):
                self.lines.append(" " * (indent + 2) + line if line else "")
        else:
            self.lines.append(f"{head} {scalar(value)}" + self.trailing(path))


def render(kind: str, data: dict[str, Any], header: list[str] | None = None,
           comments: dict[Path_, str] | None = None, notes: dict[Path_, list[str]] | None = None) -> str:
    """A whole content file: `kind` is 'project' or 'department'."""
    writer = Writer(comments, notes)
    writer.lines.append(SCHEMA_LINE.format(kind=kind))
    writer.lines.extend("# " + line for line in header or ())
    writer.record(S.PROJECT if kind == "project" else S.DEPARTMENT, data, (), 0)
    return "\n".join(writer.lines) + "\n"
