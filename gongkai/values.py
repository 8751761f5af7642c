"""Plain value types shared by the source model and the public model: exact amounts and plan points.

They hold no content of their own (a number, its unit), so both sides of the disclosure boundary use them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

UNIT_FACTORS: dict[str, Decimal] = {"元": Decimal(1), "万元": Decimal(10000)}


@dataclass(frozen=True)
class Amount:
    yuan: Decimal
    unit: str  # the unit the source used: 元 or 万元

    @property
    def in_unit(self) -> Decimal:
        return self.yuan / UNIT_FACTORS[self.unit]


@dataclass(frozen=True)
class PlanPoint:
    month: int
    label: str  # as written, e.g. 3月底
    percent: Decimal


def yuan_text(value: Decimal, grouped: bool = False) -> str:
    """An amount in 元 to the fen, for data files and messages: 1234.50 (grouped: 1,234.50)."""
    cents = value.quantize(Decimal("0.01"))
    return f"{cents:,f}" if grouped else f"{cents:f}"


def in_unit_text(yuan: Decimal, unit: str) -> str:
    """An amount as its source wrote it, for messages: 60万元, 3505.9万元, 50000元."""
    return f"{(yuan / UNIT_FACTORS[unit]).normalize():f}{unit}"
