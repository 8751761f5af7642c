"""docs/templates.md documents exactly the fields of every page context and the public types
they expose (Datasette-style): a field added to the code without a row in the docs fails here."""

from __future__ import annotations

import dataclasses
import re

import pytest

from conftest import ROOT
from gongkai import formatting, public
from gongkai.publish import charts, pages
from gongkai.source import model
from gongkai.publish import forms

DOCUMENTED = {
    pages: ("SiteInfo", "HomePage", "YearPage", "DepartmentPage", "ProjectPage", "SimplePage", "Crumb", "Download",
            "Citation", "YearSummary", "ProjectRow", "UnitSection", "YearTotal", "YearComparison", "IndicatorChange", "Published"),
    charts: ("Chart", "ChartRow"),
    public: ("PublicDepartment", "PublicUnit", "PublicTask", "PublicProject", "PublicMoney", "PublicGoal", "PublicIndicator"),
    model: ("Amount", "PlanPoint"),
    formatting: ("AmountStyle",),
}
CLASSES = [(module, name) for module, names in DOCUMENTED.items() for name in names]
CLASSES += [(forms, name) for name in ("StatedBudget", "PeriodTable", "PeriodRow")]  # the forms' own structure


def documented_fields() -> dict[str, list[tuple[str, str]]]:
    """Class name → [(field, type)] from each '### `Name`' section's table."""
    text = (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    sections = re.split(r"^### `(\w+)`.*$", text, flags=re.M)
    out: dict[str, list[tuple[str, str]]] = {}
    for name, body in zip(sections[1::2], sections[2::2]):
        out[name] = [(f, t.replace("\\|", "|")) for f, t in re.findall(r"^\| `(\w+)` \| `((?:[^`])+)` \|", body, flags=re.M)]
    return out


@pytest.mark.parametrize("module, name", CLASSES, ids=[n for _, n in CLASSES])
def test_docs_list_exactly_the_fields_in_order_with_their_types(module: object, name: str) -> None:
    docs = documented_fields()
    assert name in docs, f"docs/templates.md has no section for {name}"
    code = [(f.name, str(f.type)) for f in dataclasses.fields(getattr(module, name))]
    assert docs[name] == code


def test_every_page_context_class_is_documented() -> None:
    """A new page type needs a section too."""
    contexts = {c.__name__ for c in {type(p.context) for p in _example_pages()}}
    assert contexts <= set(documented_fields())


def _example_pages() -> list[pages.Page]:
    from gongkai.pipeline import Paths, check
    result = check(Paths(content=ROOT / "content", config=ROOT / "site_config.yml", templates=ROOT / "templates", out=ROOT / "site"))
    assert result.config and result.public
    return pages.build_pages(result.config, result.public)[1]
