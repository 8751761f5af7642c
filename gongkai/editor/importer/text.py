"""Tidying what editors' tables contain: stray whitespace, full-width digits, "60万", "3,505.90".

Text stays verbatim apart from whitespace at line ends; only amounts, codes and labels are folded
(NFKC, no spaces), because folding running text would also change its Chinese punctuation.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from gongkai.values import UNIT_FACTORS

_SPACES = re.compile(r"[\s\u200b\ufeff]+")


def clean_lines(text: str) -> str:
    """Each line stripped (full-width and non-breaking spaces too), empty lines dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u200b", "").replace("\ufeff", "")
    lines = [line.strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def one_line(text: str) -> str:
    """Line breaks inside a cell are the cell's wrapping, not the author's: join them."""
    return "".join(text.split("\n"))


def label(text: str) -> str:
    """A heading or category with every space and line break removed (产\\n出\\n指\\n标 → 产出指标)."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)) if text else ""


def squeeze(text: str) -> str:
    """Remove the spaces Excel leaves where a cell wrapped ("广州智慧政法 2019年建设项目")."""
    return _SPACES.sub("", text)


def code(text: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


def paragraphs(text: str) -> str:
    """Lines of a cell as Markdown paragraphs."""
    return "\n\n".join(line for line in text.split("\n") if line)


_AMOUNT = re.compile(r"^([+-]?\d+(?:\.\d+)?)(万元|万|元)?$")


def parse_amount(text: str) -> tuple[Decimal, str | None] | None:
    """'60万' → (60, 万元); '3,505.90' → (3505.90, None); '５００００.００元' → (50000.00, 元)."""
    folded = unicodedata.normalize("NFKC", text or "")
    folded = _SPACES.sub("", folded).replace(",", "").replace("，", "").replace("¥", "").replace("￥", "")
    match = _AMOUNT.match(folded)
    if not match:
        return None
    try:
        number = Decimal(match.group(1))
    except InvalidOperation:
        return None
    unit = match.group(2)
    return number, ("万元" if unit in ("万", "万元") else unit)




def convert(number: Decimal, source_unit: str, target_unit: str) -> Decimal:
    if source_unit == target_unit:
        return number
    result = number * UNIT_FACTORS[source_unit] / UNIT_FACTORS[target_unit]
    return result.normalize() if result == result.to_integral() else result


def unit_of(text: str) -> str | None:
    """The amount unit named in "单位：万元" / "单位: 元"."""
    match = re.search(r"单位\s*[:：]\s*(万元|元)", unicodedata.normalize("NFKC", text).replace(" ", ""))
    return match.group(1) if match else None


def percent(text: str) -> str | None:
    folded = label(text).replace("％", "%")
    if re.fullmatch(r"\d+(\.\d+)?%?", folded):
        return folded if folded.endswith("%") else folded + "%"
    return None
