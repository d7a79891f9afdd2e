"""Exact rounding for shown values (SPEC §5: half up, from the exact value)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

__all__ = ["round_half_up"]


def round_half_up(value: Fraction | int, places: int = 1) -> Decimal:
    """Round an exact number half up (away from zero on ties) to ``places`` decimals.

    Integer arithmetic on the numerator and denominator (no Fraction is built),
    and the Decimal of each rounded result is made once: a run shows the same
    few hundred values (targets, scores, composites) thousands of times.
    """
    if isinstance(value, int):  # bool is rejected by Fraction too; keep the same error
        numerator, denominator = int(value), 1
    else:
        numerator, denominator = value.numerator, value.denominator
    scale = 10**places
    units = (abs(numerator) * scale * 2 + denominator) // (denominator * 2)
    return _decimal(-units if numerator < 0 else units, places)


@lru_cache(maxsize=4096)
def _decimal(units: int, places: int) -> Decimal:
    """``units`` × 10^-places as a Decimal (``-0.0`` shows as ``0.0``, as negation did)."""
    rounded = Decimal(abs(units)).scaleb(-places)
    return -rounded if units < 0 else rounded
