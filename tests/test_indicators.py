"""Indicator values read as a reader reads them: the corpus of real-style 指标值, and W101's cost rows."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from contentkit import PROJECT, minimal
from gongkai.source.indicators import is_measurable, misfiled_content, parse_value
from gongkai.source.load import load_tree
from gongkai.source.validate import build_site

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "indicator_values.tsv"


def corpus() -> list[dict[str, str]]:
    with CORPUS.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def _reading(text: str) -> tuple[str, str, str, str]:
    p = parse_value(text)
    if p is None:
        return "", "", "", ""
    shown = lambda d: "" if d is None else f"{d.normalize():f}"  # noqa: E731
    return p.comparator or "", shown(p.number), p.unit or "", shown(p.number_max)


def _values_in(tree: Path) -> set[str]:
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "指标值" and isinstance(value, str):
                    found.add(value.strip())
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for path in sorted(tree.rglob("*.yml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


ROWS = corpus()


def test_corpus_holds_at_least_300_distinct_values() -> None:
    values = [r["指标值"] for r in ROWS]
    assert len(values) == len(set(values)) >= 300


@pytest.mark.parametrize("where", ["content", "tests/fixtures/forms"])
def test_corpus_holds_every_value_of_the_seed_content_and_the_worked_forms(where: str) -> None:
    known = {r["指标值"].replace("\\n", "\n") for r in ROWS}
    missing = _values_in(ROOT / where) - known
    assert not missing, f"指标值 of {where} missing from the corpus: {sorted(missing)[:5]}"


@pytest.mark.parametrize("row", ROWS, ids=[r["指标值"][:24] for r in ROWS])
def test_value_reads_as_the_corpus_says(row: dict[str, str]) -> None:
    text = row["指标值"].replace("\\n", "\n")
    assert _reading(text) == (row["比较符"], row["数值"], row["数值单位"], row["上限"])


def test_the_issue_s_examples() -> None:
    assert _reading("故障率不高于3次/年") == ("≤", "3", "次/年", "")
    assert _reading("正常运行率=线路及云平台资源正常运行时数/线路及云平台资源总运行次数*100%。达到90%以上。") == ("≥", "90", "%", "")
    assert _reading("人均薪酬待遇4700元/人.年") == ("", "4700", "元/人.年", "")
    assert _reading("90%-95%") == ("~", "90", "%", "95")
    assert parse_value("3至5次").number_max == Decimal(5)


def test_two_quantities_or_a_relative_change_stay_unparsed_but_count_as_measurable() -> None:
    for text in ("满意率90%以上，投诉率5%以下", "较上年增长10%"):
        assert parse_value(text) is None and is_measurable(text)
    assert not is_measurable("群众认可") and not is_measurable("2023年7月底前完成验收")


@pytest.mark.parametrize("level3, value", [
    ("驻场人员伙食补助", "70元/天"),
    ("人均薪酬待遇", "4700元/人.年"),
    ("支付项目款项金额", "≤84.6万元"),
    ("运维人员", "≤300元/人"),
])
def test_cost_rows_are_recognised_by_units_and_wording(level3: str, value: str) -> None:
    assert misfiled_content("经济成本指标", level3, None, value) is None


def test_a_row_with_no_cost_in_it_is_still_flagged() -> None:
    assert misfiled_content("经济成本指标", "社会稳定水平", None, "逐步提高")


def test_w101_is_not_raised_for_a_cost_row_stated_in_yuan_per_day(tmp_path: Path) -> None:
    minimal(tmp_path, PROJECT.replace("二级指标: 数量指标", "二级指标: 成本指标").replace("三级指标: 完成次数", "三级指标: 驻场人员伙食")
            .replace("指标值: ≥2次", "指标值: 70元/天"))
    site, warnings = build_site(load_tree(tmp_path), tmp_path)
    assert warnings == []
    parsed = site.departments[0].projects[0].goals[0].indicators[0].parsed
    assert (parsed.number, parsed.unit) == (Decimal(70), "元/天")
