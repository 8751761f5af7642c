"""The disclosure boundary, read from the code itself: which module may import which.

The raw model (gongkai.source.model, with every secret in it) ends in gongkai.disclosure; the
publishing stages receive gongkai.public types only. A module under publish/ that imports the raw
model, the loader, the validator or anything of disclosure/ — directly, inside a function, or
through a shared module — fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "gongkai"

# Shared modules that both sides use: plain values, output, formatting. They must stay free of
# the raw model too, or publish/ could reach it through them.
SHARED = {"gongkai", "gongkai.errors", "gongkai.writer", "gongkai.parallel", "gongkai.portable", "gongkai.formatting", "gongkai.slugs",
          "gongkai.xlsx", "gongkai.public", "gongkai.values", "gongkai.leaks"}
# What publish/ may import from outside itself: the shared modules and the site configuration.
PUBLISH_MAY_IMPORT = SHARED | {"gongkai.source.config"}
STAGES = ("source", "disclosure", "publish", "editor")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path, name: str) -> set[str]:
    """Every gongkai module this file imports, at the top or inside a function (relative ones resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)  # `from gongkai import x` imports module x
    known = modules()
    return {m for m in found if m in known}


def graph() -> dict[str, set[str]]:
    return {name: imports_of(path, name) for name, path in modules().items()}


def stage_of(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in STAGES else None


def reachable(start: str, edges: dict[str, set[str]]) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_the_package_shows_the_pipeline_and_its_boundary() -> None:
    folders = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists())
    assert folders == sorted(STAGES)
    assert (PACKAGE / "source" / "model.py").exists() and (PACKAGE / "public.py").exists()


def test_publish_imports_only_public_types_and_shared_modules() -> None:
    edges = graph()
    wrong = {name: sorted(m for m in targets if stage_of(m) != "publish" and m not in PUBLISH_MAY_IMPORT)
             for name, targets in edges.items() if stage_of(name) == "publish"}
    assert {k: v for k, v in wrong.items() if v} == {}


def test_publish_cannot_reach_the_raw_model_through_any_chain_of_imports() -> None:
    edges = graph()
    forbidden = {m for m in edges if stage_of(m) in ("disclosure", "editor")} | {
        "gongkai.source.model", "gongkai.source.validate", "gongkai.pipeline", "gongkai.cache", "gongkai.cli"}
    # (source.config reads site_config.yml with source.load's YAML reader; that module builds no model.)
    leaks = {name: sorted(reachable(name, edges) & forbidden) for name in edges if stage_of(name) == "publish"}
    assert {k: v for k, v in leaks.items() if v} == {}


def test_shared_modules_stay_below_every_stage() -> None:
    edges = graph()
    wrong = {name: sorted(m for m in edges[name] if stage_of(m) is not None or m not in SHARED | {"gongkai.source.config"})
             for name in SHARED if name in edges}
    assert {k: v for k, v in wrong.items() if v} == {}


@pytest.mark.parametrize("stage, may_not", [("source", ("disclosure", "publish", "editor")),
                                            ("disclosure", ("publish", "editor"))])
def test_earlier_stages_do_not_import_later_ones(stage: str, may_not: tuple[str, ...]) -> None:
    edges = graph()
    wrong = {name: sorted(m for m in targets if stage_of(m) in may_not) for name, targets in edges.items() if stage_of(name) == stage}
    assert {k: v for k, v in wrong.items() if v} == {}


def test_the_checker_of_the_boundary_sees_a_violation(tmp_path: Path) -> None:
    """The reader above must notice a raw-model import written inside a function, relative or absolute."""
    for source in ("def f():\n    from ..source.model import Site\n", "from gongkai.source import model\n",
                   "import gongkai.disclosure.redact\n"):
        probe = tmp_path / "_probe_boundary.py"
        probe.write_text(source, encoding="utf-8")
        found = imports_of(probe, "gongkai.publish._probe_boundary")
        assert found & {"gongkai.source.model", "gongkai.disclosure.redact"}, source


def test_public_types_hold_no_raw_model_type() -> None:
    """The allow-list types are built from plain values only (gongkai.values), never from model classes."""
    text = (PACKAGE / "public.py").read_text(encoding="utf-8")
    tree = ast.parse(text)
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"__future__", "dataclasses", "decimal", "functools", "typing", "gongkai.values"}  # functools: cached indexes
