"""JSON Schema for content files, generated from gongkai.source.schema so editors' tools
(VS Code's YAML extension via `# yaml-language-server: $schema=…`) complete and check keys."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gongkai.source import schema as S

SCHEMA_DIR = Path("schema")  # in the project folder the command runs in, beside content/ (whose files reference it)
FILES = {"department.schema.json": S.DEPARTMENT, "project.schema.json": S.PROJECT}

_NUMBER = {"type": "number", "minimum": 0}
_TEXT = {"type": "string"}


def _field(field: S.Field) -> dict[str, Any]:
    kind = field.kind
    if kind in (S.TEXT, S.MARKDOWN, S.DATE):
        out: dict[str, Any] = dict(_TEXT)
    elif kind == S.CODE:
        out = {"type": ["string", "number"]}
    elif kind == S.SLUG:
        out = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}
    elif kind == S.AMOUNT:
        out = dict(_NUMBER)
    elif kind == S.YEAR:
        out = {"type": "integer", "minimum": 1949, "maximum": 2100}
    elif kind == S.BOOL:
        out = {"type": "boolean"}
    elif kind in (S.UNIT, S.ENUM):
        out = {"type": "string", "enum": list(field.choices)}
    elif kind == S.TEXTS:
        out = {"type": "array", "items": _TEXT}
    elif kind == S.KEYS:
        out = {"type": "array", "items": {"type": "string"}}
    elif kind == S.PLAN:
        out = {"type": "object", "propertyNames": {"pattern": "^[0-9]{1,2}月底$"},
               "additionalProperties": {"type": ["string", "number"], "pattern": "^[0-9.]+%?$"}}
    elif kind == S.RECORD:
        assert field.record is not None
        out = record_schema(field.record)
    elif kind == S.RECORDS:
        assert field.record is not None
        out = {"type": "array", "items": record_schema(field.record)}
    else:
        raise AssertionError(kind)
    out["description"] = field.doc
    if field.example is not None and kind not in (S.RECORD, S.RECORDS):
        out["examples"] = [field.example]
    return out


def record_schema(record: S.Record) -> dict[str, Any]:
    return {
        "type": "object",
        "title": record.title,
        "properties": {f.key: _field(f) for f in record.fields},
        "required": [f.key for f in record.fields if f.required],
        "additionalProperties": False,
    }


def document(name: str, record: S.Record) -> str:
    body = {"$schema": "http://json-schema.org/draft-07/schema#", "$id": name, **record_schema(record)}
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


def write_all(folder: Path = SCHEMA_DIR) -> list[Path]:
    folder.mkdir(exist_ok=True)
    written = []
    for name, record in FILES.items():
        path = folder / name
        path.write_text(document(name, record), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_all():
        print(path)
