"""pyarrow arrays and scalars built from Python values without waking pyarrow's pandas shim.

``pa.array(python_object)`` and ``pa.scalar(value)`` (which the compute
functions call on every plain Python argument: ``pc.add(column, 1)``) first ask
whether the value is a pandas object, and the first question imports pandas
(and numpy) when it is installed: ~0.2 s of CPU on every run for nothing. The
helpers here build the same arrays from raw buffers (``pa.Array.from_buffers``),
which never asks, and compute arguments are passed as scalars taken out of such
arrays. ``tests/parsing/test_arrow.py`` checks that the engine leaves pandas alone.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from functools import cache
from itertools import accumulate
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["bools", "ints", "scalar", "strings"]

_TYPECODES = {"b": "int8", "i": "int32", "q": "int64"}


def ints(values: Iterable[int] | array[int], typecode: str = "q") -> pa.Array:
    """An integer array: int64 (``q``), int32 (``i``) or int8 (``b``), like ``array(typecode, values)``.

    An ``array.array`` of that type code is used as it is (no copy: do not change it while the array lives).
    """
    import pyarrow as pa

    column = values if isinstance(values, array) and values.typecode == typecode else array(typecode, values)
    arrow_type = getattr(pa, _TYPECODES[typecode])()
    return pa.Array.from_buffers(arrow_type, len(column), [None, pa.py_buffer(column)])


def bools(flags: Sequence[int] | bytes | bytearray) -> pa.Array:
    """A boolean array from truthy numbers (0 false, anything else true) or bytes."""
    import pyarrow as pa

    data = flags if isinstance(flags, bytes | bytearray) else bytes(map(bool, flags))
    return pa.Array.from_buffers(pa.int8(), len(data), [None, pa.py_buffer(data)]).cast(pa.bool_())


def strings(values: Sequence[str]) -> pa.Array:
    """A string array (utf-8), like ``pa.array(values, pa.string())`` for ``str`` values."""
    import pyarrow as pa

    encoded = [value.encode() for value in values]
    offsets = array("i", [0])
    offsets.extend(accumulate(map(len, encoded)))
    return pa.Array.from_buffers(
        pa.string(), len(encoded), [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))]
    )


@cache
def scalar(value: int | str) -> pa.Scalar:
    """An int64 or string scalar for a compute function's argument (see the module docs)."""
    if isinstance(value, str):
        return strings([value])[0]
    return ints([value])[0]
