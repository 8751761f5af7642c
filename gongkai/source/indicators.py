"""The performance-indicator framework and the reading of free-text indicator values.

The framework is the Ministry of Finance's (财预〔2020〕10号 and later guidance): 一级 产出/效益/
满意度 and, in newer tables, 成本 as a 一级 of its own. Real tables misfile rows, so a mismatch is
a warning, never an error; values are kept verbatim and parsed only where they can be.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from gongkai.source.model import ParsedValue

FRAMEWORK: dict[str, tuple[str, ...]] = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
    "成本指标": ("经济成本指标", "社会成本指标", "生态环境成本指标"),
}


def _canonical(name: str) -> str:
    """Drop spaces and line breaks and the trailing 指标 that forms write or leave out."""
    compact = re.sub(r"\s+", "", name)
    return compact[:-2] if compact.endswith("指标") else compact


_LEVEL1 = {_canonical(k): k for k in FRAMEWORK}
_LEVEL2 = {_canonical(v): (k, v) for k, vs in FRAMEWORK.items() for v in vs}
_LEVEL2["生态成本"] = ("成本指标", "生态环境成本指标")
_LEVEL2["服务对象满意"] = ("满意度指标", "服务对象满意度指标")


def framework_words() -> frozenset[str]:
    """The framework's category names as tables write them (with or without 指标): public
    vocabulary, shown even for a secret indicator row."""
    return frozenset(FRAMEWORK) | {v for vs in FRAMEWORK.values() for v in vs} | _LEVEL1.keys() | _LEVEL2.keys()


_COST_WORDS = re.compile(r"成本|费|元|经费|预算|价|支出|节约|节省")


def misfiled_content(level2: str | None, level3: str, description: str | None) -> str | None:
    """A warning when the row's own words contradict its category (real tables do this)."""
    text = level3 + (description or "")
    l2 = _canonical(level2 or "")
    if l2 in ("成本", "经济成本", "社会成本", "生态环境成本") and not _COST_WORDS.search(text):
        return f"“{level3}”填在“{level2}”下，但看起来不是成本指标"
    if "满意" in level3 and l2 and "满意" not in l2:
        return f"“{level3}”是满意度指标，却填在“{level2}”下"
    return None


def normalise(level1: str, level2: str | None) -> tuple[str | None, str | None, str | None]:
    """Framework names for a row's 一级/二级, and a Chinese warning when the row looks misfiled."""
    l1 = _LEVEL1.get(_canonical(level1))
    if l1 is None:
        return None, None, f"一级指标“{level1}”不在框架内（应为 {'、'.join(FRAMEWORK)} 之一）"
    if not level2:
        return l1, None, None
    found = _LEVEL2.get(_canonical(level2))
    if found is None:
        return l1, None, f"二级指标“{level2}”不在框架内"
    parent, l2 = found
    if parent != l1 and not (l1 == "产出指标" and l2 == "成本指标"):
        return l1, l2, f"二级指标“{level2}”属于“{parent}”，却填在了“{level1}”下"
    return l1, l2, None


_COMPARATORS = {"≥": "≥", ">=": "≥", "＞＝": "≥", "≤": "≤", "<=": "≤", "＜＝": "≤", ">": ">", "＞": ">", "<": "<", "＜": "<", "=": "=", "＝": "="}
_WORD_COMPARATORS = (("不低于", "≥"), ("不少于", "≥"), ("不超过", "≤"), ("不多于", "≤"), ("不高于", "≤"), ("低于", "<"), ("大于", ">"), ("超过", ">"), ("达到", "≥"))
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*(%|％|百分比|万元/年|万元|万人|万|元|人次|次|个|人|份|批次|件|条|册|卷|秒|天|小时|类)?")


def parse_value(text: str) -> ParsedValue | None:
    """Comparator, number and unit from text such as '≥95百分比', '≤84.6万元/年', '达到95%以上'."""
    comparator = None
    for symbol, norm in _COMPARATORS.items():
        if symbol in text:
            comparator = norm
            break
    if comparator is None:
        for word, norm in _WORD_COMPARATORS:
            if word in text:
                comparator = norm
                break
        if comparator is None and re.search(r"\d\s*(%|％)?\s*(以上|及以上)", text):
            comparator = "≥"
        if comparator is None and re.search(r"\d\s*(%|％)?\s*以下", text):
            comparator = "≤"
    match = _NUMBER.search(text)
    if match is None:
        return None
    try:
        number = Decimal(match.group(1))
    except InvalidOperation:
        return None
    unit = match.group(2)
    if unit in ("％", "百分比"):
        unit = "%"
    return ParsedValue(comparator=comparator, number=number, unit=unit)


def is_measurable(text: str) -> bool:
    """A value is measurable when it states a number (and, for targets, usually a comparator)."""
    parsed = parse_value(text)
    return parsed is not None and parsed.number is not None
