"""cattrs and tomllib errors as messages: the key, the value found and what is expected, in both languages.

Used by the rubric loader and by ``tpbis.toml`` (:mod:`tpbis.config`). cattrs
words its errors in English (``invalid value for type, expected …``); here
:func:`cattrs.transform_error` walks the exception tree and its
``format_exception`` callable records each leaf exception, so every problem
becomes a :class:`~tpbis.message.Message` naming its key path.
"""

from __future__ import annotations

import enum
import re
import tomllib
import types
import typing
from collections.abc import Mapping
from fractions import Fraction
from typing import Any, Literal

import cattrs
import pendulum
from cattrs.errors import ForbiddenExtraKeysError

from tpbis.message import Message, MessageValueError

__all__ = ["InvalidValue", "expected", "structure_problems", "toml_problem", "value_text"]

_TOML_PLACE = re.compile(r"\(at line (\d+), column (\d+)\)")
_PATH_PART = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[('(?:[^'\\]|\\.)*'|\"[^\"]*\")\]")


class InvalidValue(ValueError):
    """A validator's refusal of one value: the value and what is expected (a message)."""

    def __init__(self, value: object, expected: Message, key: str | None = None) -> None:
        super().__init__(f"{value!r}")
        self.value = value
        self.expected = expected
        #: the field, when the error is raised by a class validator (cattrs then knows no path)
        self.key = key


def value_text(value: object) -> str:
    """A value as the user wrote it in TOML: text quoted, booleans ``true``/``false``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    return str(value)


def toml_problem(exc: tomllib.TOMLDecodeError) -> Message:
    """A TOML syntax error as its line and column (tomllib's own wording is English)."""
    place = _TOML_PLACE.search(str(exc))
    if place is None:
        return Message("structure.toml")
    return Message("structure.toml_at", line=int(place.group(1)), column=int(place.group(2)))


def expected(type_: object) -> Message:
    """What a value of ``type_`` looks like, as a message (``structure.expect.*``)."""
    origin = typing.get_origin(type_)
    if origin is typing.Union or origin is types.UnionType:
        args = [a for a in typing.get_args(type_) if a is not type(None)]
        return expected(args[0]) if len(args) == 1 else Message("structure.expect.other")
    if origin is Literal:
        return Message("structure.expect.choice", choices=", ".join(value_text(a) for a in typing.get_args(type_)))
    if isinstance(type_, type) and issubclass(type_, enum.Enum):
        return Message("structure.expect.choice", choices=", ".join(value_text(m.value) for m in type_))
    simple: dict[object, str] = {
        bool: "bool", str: "text", int: "whole", Fraction: "number", float: "number",
        pendulum.Date: "date", pendulum.DateTime: "datetime",
    }
    if type_ in simple:
        return Message(f"structure.expect.{simple[type_]}")
    if origin in (dict, Mapping) or type_ is dict:
        return Message("structure.expect.table")
    if origin in (list, tuple, set, frozenset) or type_ is list:
        return Message("structure.expect.list")
    return Message("structure.expect.other")


def _lookup(data: object, path: str) -> tuple[bool, object]:
    """The value at ``path`` (``.key``, ``[0]``, ``['key']`` parts) in ``data``, if it is there."""
    value = data
    for part in _PATH_PART.finditer(path):
        name, index, quoted = part.groups()
        key: Any = name if name is not None else int(index) if index is not None else quoted[1:-1]
        try:
            value = value[key]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return False, None
    return True, value


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def structure_problems(exc: BaseException, data: object, root: str = "") -> list[Message]:
    """Every problem in cattrs' exception ``exc`` as a message naming the key path (under ``root``)."""
    leaves: list[tuple[BaseException, object]] = []

    def record(leaf: BaseException, type_: type | None) -> str:
        leaves.append((leaf, type_))
        return str(len(leaves) - 1)

    problems: list[Message] = []
    for line in cattrs.transform_error(exc, path="$", format_exception=record):
        index, _, place = line.partition(" @ ")
        leaf, type_ = leaves[int(index)]
        path = place.removeprefix("$").removeprefix(".")
        problems.append(_problem(leaf, type_, path, data, root))
    return problems


def _problem(leaf: BaseException, type_: object, path: str, data: object, root: str) -> Message:
    shown = f"{root}.{path}" if root and path else root or path
    if isinstance(leaf, ForbiddenExtraKeysError):
        known = ", ".join(field.name for field in getattr(leaf.cl, "__attrs_attrs__", ()) if field.name != "base_dir")
        keys = ", ".join(repr(_join(shown, name)) for name in sorted(leaf.extra_fields))
        return Message("structure.unknown_keys", keys=keys, known=known)
    if isinstance(leaf, KeyError):
        return Message("structure.missing", key=shown or "$")
    if isinstance(leaf, InvalidValue):
        key = _join(shown, leaf.key) if leaf.key else shown or "$"
        return Message("structure.invalid", key=key, value=value_text(leaf.value), expected=leaf.expected)
    if isinstance(leaf, MessageValueError):
        return Message("structure.because", key=shown or "$", reason=leaf.message)
    found, value = _lookup(data, "." + path if path and not path.startswith("[") else path)
    if found and type_ is not None:
        return Message("structure.invalid", key=shown or "$", value=value_text(value), expected=expected(type_))
    if type_ is not None:
        return Message("structure.invalid_type", key=shown or "$", expected=expected(type_))
    return Message("structure.invalid_here", key=shown or "$")
