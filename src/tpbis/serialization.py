"""The project's one cattrs converter, and the exact-number hooks it needs.

Built on :func:`cattrs.preconf.json.make_converter` with pendulum hooks
registered first; the global converter is never used.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

import cattrs
import pendulum
from cattrs.preconf.json import make_converter as _make_json_converter

__all__ = ["converter", "make_converter", "to_fraction"]


def to_fraction(value: object) -> Fraction:
    """Read an exact number from an int, a decimal string or a float (by its repr)."""
    if isinstance(value, bool):
        msg = f"expected a number, found {value!r}"
        raise TypeError(msg)
    if isinstance(value, int | Fraction):
        return Fraction(value)
    if isinstance(value, float | str | Decimal):
        try:
            return Fraction(Decimal(str(value).strip()))
        except (InvalidOperation, ValueError):
            pass
    msg = f"expected a number, found {value!r}"
    raise ValueError(msg)


def _structure_date(value: Any, _: type) -> pendulum.Date:
    if isinstance(value, pendulum.Date):
        return value
    parsed = pendulum.parse(str(value), exact=True)
    if not isinstance(parsed, pendulum.Date) or isinstance(parsed, pendulum.DateTime):
        msg = f"expected a date YYYY-MM-DD, found {value!r}"
        raise ValueError(msg)
    return parsed


def _structure_datetime(value: Any, _: type) -> pendulum.DateTime:
    parsed = pendulum.parse(str(value), exact=True)
    if not isinstance(parsed, pendulum.DateTime):
        msg = f"expected a date-time, found {value!r}"
        raise ValueError(msg)
    return parsed


def make_converter() -> cattrs.Converter:
    """A JSON-ready converter with pendulum and Fraction hooks."""
    conv = _make_json_converter(forbid_extra_keys=True)
    conv.register_structure_hook(pendulum.DateTime, _structure_datetime)
    conv.register_unstructure_hook(pendulum.DateTime, lambda d: d.isoformat())
    conv.register_structure_hook(pendulum.Date, _structure_date)
    conv.register_unstructure_hook(pendulum.Date, lambda d: d.isoformat())
    conv.register_structure_hook(Fraction, lambda v, _: to_fraction(v))
    conv.register_unstructure_hook(Fraction, float)
    return conv


converter = make_converter()
