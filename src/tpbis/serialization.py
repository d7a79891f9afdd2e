"""The project's one cattrs converter, and the exact-number hooks it needs.

Built on :func:`cattrs.preconf.json.make_converter` with pendulum hooks
registered first; the global converter is never used. :func:`write_json`
prints the CLI's JSON documents.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, TextIO

import cattrs
import pendulum
from cattrs.preconf.json import make_converter as _make_json_converter

__all__ = ["converter", "make_converter", "to_fraction", "write_json"]


#: The largest power of ten :func:`to_fraction` reads in a decimal text (``1e400`` is a typo, not a target).
_MAX_EXPONENT = 400


def to_fraction(value: object) -> Fraction:
    """Read an exact number from an int, a decimal string or a float (by its repr)."""
    if isinstance(value, bool):
        msg = f"expected a number, found {value!r}"
        raise TypeError(msg)
    if isinstance(value, int | Fraction):
        return Fraction(value)
    if isinstance(value, float | str | Decimal):
        try:
            number = Decimal(str(value).strip())
            # "1e999999999" would build a billion-digit integer: no number tpbis reads is that far from 1
            if not number.is_finite() or abs(number.as_tuple().exponent) <= _MAX_EXPONENT:  # type: ignore[arg-type]
                return Fraction(number)
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


#: No indent: the C encoder (``indent`` selects the Python one). No circularity check: the documents are trees
#: built here (a cycle would end in RecursionError instead of ValueError), and the check costs a dict entry per container.
_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)


def _c_encoder() -> Callable[[object], str]:
    """``_ENCODER.encode``, calling its C encoder directly (``encode`` makes a new one per call)."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # no C accelerator in this Python
        return _ENCODER.encode
    try:  # a private interface: another Python may take other arguments
        encoder = make(None, _ENCODER.default, json.encoder.encode_basestring, None, _ENCODER.key_separator,
                       _ENCODER.item_separator, _ENCODER.sort_keys, _ENCODER.skipkeys, _ENCODER.allow_nan)
        if "".join(encoder({"a": [1, 2.5, None]}, 0)) != _ENCODER.encode({"a": [1, 2.5, None]}):
            return _ENCODER.encode
    except TypeError:
        return _ENCODER.encode

    def encode(value: object) -> str:
        if isinstance(value, str):  # the C encoder takes containers and numbers; encode() special-cases text too
            return _ENCODER.encode(value)
        return "".join(encoder(value, 0))

    return encode


_encode = _c_encoder()


def write_json(value: object, out: TextIO, *, depth: int = 2) -> None:
    """Write ``value`` as JSON with a newline: readable, yet encoded in C.

    Objects and arrays down to ``depth`` levels are opened one item per line
    (one space of indentation per level, as ``indent=1``); anything deeper is
    written on its line by the C encoder. So a KPI document (``depth=2``)
    shows its keys one per line and each result, roll-up and problem on a
    line of its own. ``json.dump(indent=…)`` would encode every value in
    Python, several times slower; the parsed value is the same.
    """
    _write(value, out, depth, "\n")
    out.write("\n")


def _write(value: object, out: TextIO, depth: int, newline: str) -> None:
    if depth <= 0 or not value or not isinstance(value, Mapping | list | tuple):
        out.write(_encode(value))
        return
    inner = newline + " "
    if isinstance(value, Mapping):
        out.write("{")
        for i, (key, item) in enumerate(value.items()):
            name = key if isinstance(key, str) else _encode(key)  # json's key text for 1, 2.5, true, null
            out.write(("," if i else "") + inner + _encode(name) + ": ")
            _write(item, out, depth - 1, inner)
        out.write(newline + "}")
        return
    out.write("[")
    for i, item in enumerate(value):
        out.write(("," if i else "") + inner)
        _write(item, out, depth - 1, inner)
    out.write(newline + "]")
