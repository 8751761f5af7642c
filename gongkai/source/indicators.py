"""The performance-indicator framework and the reading of free-text indicator values.

The framework is the Ministry of Finance's (财预〔2020〕10号 and later guidance): 一级 产出/效益/
满意度 and, in newer tables, 成本 as a 一级 of its own. Real tables misfile rows, so a mismatch is
a warning, never an error; values are kept verbatim and parsed only where they can be.
"""

from __future__ import annotations

import re
import unicodedata
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


# A cost row names money (成本, 经费, 金额, 薪酬 …) or states its value in 元 (70元/天, 4700元/人.年).
_COST_WORDS = re.compile(r"成本|费|元|经费|预算|价|支出|节约|节省|金额|款项?|薪酬|工资|报酬|补助|补贴|租金|人均|标准")


def misfiled_content(level2: str | None, level3: str, description: str | None, value: str | None = None) -> str | None:
    """A warning when the row's own words contradict its category (real tables do this)."""
    text = level3 + (description or "") + (value or "")
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


# ---- reading 指标值 as a reader reads it ------------------------------------------------------
#
# A value is read only when it states exactly one quantity (a number, or a range such as
# 90%-95% or 3至5次) after what only explains it is set aside: a formula (使用率=…/…*100%),
# text in brackets, dates and years. The comparator is the sign or word next to that quantity
# (≥95%, 不高于3次/年, 达到90%以上). Two quantities, a relative change (增长10%) or a sign and a
# word that disagree leave the value unparsed: a blank column is better than a wrong target.

_SIGNS = {"≥": "≥", ">=": "≥", "≤": "≤", "<=": "≤", ">": ">", "<": "<", "=": "="}
# Longest first, so that 不低于 is not read as 低于.
_BEFORE = (("不低于", "≥"), ("不少于", "≥"), ("不小于", "≥"), ("不超过", "≤"), ("不超出", "≤"), ("不多于", "≤"),
           ("不高于", "≤"), ("不大于", "≤"), ("未超过", "≤"), ("控制在", "≤"), ("至少", "≥"), ("最少", "≥"),
           ("至多", "≤"), ("最多", "≤"), ("低于", "<"), ("少于", "<"), ("小于", "<"), ("不足", "<"), ("大于", ">"),
           ("高于", ">"), ("超过", ">"), ("多于", ">"), ("达到", "≥"), ("达", "≥"))
_AFTER = (("及以上", "≥"), ("以上", "≥"), ("及以下", "≤"), ("以下", "≤"), ("以内", "≤"), ("之内", "≤"), ("内", "≤"))
_DIRECTION = {"≥": 1, ">": 1, "≤": -1, "<": -1, "=": 0}
_CHANGE_WORDS = ("增长", "增加", "提高", "提升", "下降", "降低", "减少", "压缩", "同比", "环比")

_BASE_UNITS = sorted((
    "%", "百分点", "‰", "万元", "亿元", "千元", "元", "万人次", "人次", "户次", "家次", "万人", "万次", "万页", "万件", "万条", "万册",
    "万", "次", "个", "人", "份", "批次", "批", "件", "条", "册", "卷", "秒", "分钟", "小时", "天", "日", "个工作日",
    "工作日", "周", "个月", "月", "年", "类", "场", "期", "项", "家", "台", "套", "名", "户", "篇", "本", "页", "盒", "处",
    "所", "张", "部", "路", "点", "个点位", "点位", "轮", "例", "起", "宗", "平方米", "公里", "米", "GB", "TB", "Mbps", "分", "级", "课时", "学时", "期次", "架次", "人天", "人月", "个村", "村", "镇", "座", "辆", "根", "块",
), key=len, reverse=True)
_PER = ("人", "年", "天", "日", "月", "次", "件", "户", "台", "个", "季度", "季", "周", "小时", "盒", "村", "平方米", "公里")
_UNIT = "(?:" + "|".join(map(re.escape, _BASE_UNITS)) + ")"
_PER_UNIT = "(?:" + "|".join(map(re.escape, sorted(_PER, key=len, reverse=True))) + ")"
_UNIT_RE = f"{_UNIT}(?:/{_PER_UNIT}(?:[.·/]{_PER_UNIT})?)?"
_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
_QUANTITY = re.compile(
    rf"(?P<low>{_NUM})\s*(?P<low_unit>{_UNIT_RE})?\s*(?:(?:-|~|—|–|至|到)\s*(?P<high>{_NUM})\s*(?P<unit2>{_UNIT_RE})?)?")
_FORMULA = re.compile(r"=[^。；;，,]*?[*×]\s*100\s*%?")
_BRACKETS = re.compile(r"（[^（）]*）|\([^()]*\)|【[^【】]*】|《[^《》]*》")
_DATES = re.compile(r"\d{4}\s*年(?:度)?(?:\d{1,2}\s*月(?:\d{1,2}\s*日)?)?(?:底|前|末|内|以前)?|\d{1,2}\s*月(?:\d{1,2}\s*日)?(?:底|前|末|份|以前)?|\d{4}[-/.]\d{1,2}(?:[-/.]\d{1,2})?")
_CLAUSE_END = "。；;，,、"


def _normalised(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text)
    folded = folded.replace("百分比", "%").replace("％", "%").replace("＝", "=")
    folded = _FORMULA.sub("", folded)
    folded = _BRACKETS.sub("", folded)
    return _DATES.sub("", folded)


def _sign_before(text: str, start: int) -> str | None:
    """The comparator written before a quantity in its clause: a sign right before it, or a word."""
    before = text[:start].rstrip()
    for sign in (">=", "<=", "≥", "≤", ">", "<", "="):
        if before.endswith(sign):
            return _SIGNS[sign]
    clause = re.split(f"[{_CLAUSE_END}]", before)[-1]
    found = None
    for word, norm in _BEFORE:
        at = clause.rfind(word)
        if at < 0 or (len(word) == 1 and at != len(clause) - 1):
            continue  # 达 counts only right before the number (处置率达90%), not in 到达时间30分钟
        # the nearest word wins; among words ending at the same place the longest (不低于 over 低于)
        end = at + len(word)
        if found is None or end > found[0]:
            found = (end, norm)
    return found[1] if found else None


def _sign_after(text: str, end: int, unit: str | None) -> str | None:
    after = text[end:].lstrip()
    for word, norm in _AFTER:
        if after.startswith(word):
            if word == "内" and unit not in ("秒", "分钟", "小时", "天", "日", "个工作日", "工作日", "周", "个月", "月", "年"):
                return None  # 内 after a time only: “3个内” is no reading
            return norm
    return None


def _letter_follows(text: str, end: int) -> bool:
    following = text[end:end + 1]
    return following.isascii() and following.isalpha()


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def _quantities(text: str) -> list[re.Match[str]]:
    return list(_QUANTITY.finditer(text))


def parse_value(text: str) -> ParsedValue | None:
    """Comparator, number and unit of a 指标值 that states one quantity ('≥95%', '不高于3次/年',
    '使用率=…*100%。达到90%以上。'), with the upper end of a range; None when it states none or several."""
    clean = _normalised(text)
    found = _quantities(clean)
    if len(found) != 1 or any(word in clean for word in _CHANGE_WORDS):
        return None
    match = found[0]
    low, high = _decimal(match.group("low")), _decimal(match.group("high")) if match.group("high") else None
    unit = match.group("unit2") or match.group("low_unit")
    if low is None or (match.group("high") and (high is None or high < low)):
        return None
    if match.group("low_unit") and match.group("unit2") and match.group("low_unit") != match.group("unit2"):
        return None
    if high is not None:
        if _sign_before(clean, match.start()) or _sign_after(clean, match.end(), unit):
            return None  # “不低于3-5次” is no range a reader can state
        return ParsedValue(comparator="~", number=low, unit=unit, number_max=high)
    before = _sign_before(clean, match.start())
    after = _sign_after(clean, match.end(), unit)
    if not (unit or before or after) or (not unit and _letter_follows(clean, match.end())):
        return None  # a bare number (12345热线, 5G, 100M, 发生数0) may be a name as much as a target
    if before and after and _DIRECTION[before] != _DIRECTION[after]:
        if before != "=":
            return None
        before = None  # 指标=90%以上: the = says “is”, the 以上 says how
    return ParsedValue(comparator=before or after, number=low, unit=unit)


def is_measurable(text: str) -> bool:
    """A value is measurable when it states a number (several, or one with a comparator)."""
    return bool(_quantities(_normalised(text)))
