"""The JSON Schema in schema/ is generated from gongkai.source.schema and must not drift from it."""

from __future__ import annotations

import json

from conftest import ROOT
from gongkai.source import jsonschema, schema


def test_committed_schema_matches_the_model() -> None:
    for name, record in jsonschema.FILES.items():
        committed = (ROOT / "schema" / name).read_text(encoding="utf-8")
        assert committed == jsonschema.document(name, record), f"run: python -m gongkai.source.jsonschema ({name})"


def test_schema_lists_every_key_and_requires_the_required_ones() -> None:
    project = json.loads(jsonschema.document("p", schema.PROJECT))
    assert set(project["properties"]) == set(schema.PROJECT.keys)
    assert project["required"] == ["项目名称", "资金"] and project["additionalProperties"] is False
    assert project["properties"]["涉密"]["type"] == "boolean"
