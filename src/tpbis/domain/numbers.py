"""Exact rounding for shown values (SPEC §5: half up, from the exact value)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

__all__ = ["round_half_up"]


def round_half_up(value: Fraction | int, places: int = 1) -> Decimal:
    """Round an exact number half up (away from zero on ties) to ``places`` decimals."""
    scale = 10**places
    scaled = abs(Fraction(value)) * scale
    units = (scaled.numerator * 2 + scaled.denominator) // (scaled.denominator * 2)
    rounded = Decimal(units).scaleb(-places)
    return -rounded if value < 0 else rounded
