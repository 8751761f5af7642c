"""The importer's YAML writer: whatever text a table holds comes back unchanged through the
project's own strict loader (plain where that is safe, a `|` block or a quoted scalar otherwise)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.editor.importer.yamlout import render
from gongkai.source.load import parse_text

TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00"), min_size=1, max_size=40)


def _read(text: str) -> dict:
    return parse_text(text, Path("x.yml"), "x.yml").data


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(name=TEXT.filter(lambda t: t.strip() == t and "\n" not in t), goal=TEXT, value=TEXT.filter(lambda t: t.strip()))
def test_any_text_round_trips(name: str, goal: str, value: str) -> None:
    data = {"项目名称": name, "资金": {"总额": Decimal("3505.90")},
            "年度目标": {"目标": goal, "指标": [{"一级指标": "产出指标", "三级指标": value, "指标值": "≥95%"}]}}
    back = _read(render("project", data, header=["注释行"], comments={("项目名称",): "行尾注释"}))
    assert back["项目名称"] == name
    assert back["资金"]["总额"] == "3505.90"
    text = back["年度目标"]["目标"]
    assert text in (goal, goal + "\n")  # a `|` block ends with the line break YAML keeps
    assert back["年度目标"]["指标"][0]["三级指标"] == value


def test_codes_that_look_like_numbers_stay_text() -> None:
    back = _read(render("department", {"部门名称": "测试", "部门编码": "308001", "年度": 2026, "金额单位": "万元", "备注": "yes"}))
    assert back["部门编码"] == "308001" and back["备注"] == "yes" and back["年度"] == "2026"
