"""A table of cells as read from a tab, a CSV file or the Forms API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import attrs

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["Cell", "ColumnarRows", "Table", "cell_text"]

#: What a cell may hold: Sheets UNFORMATTED_VALUE, openpyxl and CSV values.
Cell = str | int | float | bool | dt.datetime | dt.date | None


@attrs.frozen(kw_only=True)
class Table:
    """A header row and the data rows under it.

    ``rows[i]`` is sheet row ``header_row + 1 + i`` (the row number a respondent
    sees). Rows may be shorter than the header; missing cells are blank.
    ``row_ids`` optionally names each row (a Forms API response id, an export's submission id).
    ``titles`` optionally gives, for a header title, the file's own name of that column
    (an export's ``grp/date`` read as ``Tanggal Kegiatan``): problems name the file's.
    """

    name: str
    header: tuple[str, ...]
    rows: Sequence[Sequence[Cell]]
    header_row: int = 1
    row_ids: Sequence[str] | None = None
    titles: Mapping[str, str] | None = None

    def row_number(self, index: int) -> int:
        """The sheet row number of ``rows[index]``."""
        return self.header_row + 1 + index


@runtime_checkable
class ColumnarRows(Protocol):
    """Rows that can also hand themselves over as columns of text (a plain CSV file read by pyarrow).

    The parser's columnar fast path asks for them; rows that are not
    :class:`ColumnarRows`, or that answer None, are read row by row.
    """

    def record_batches(self, width: int) -> Iterator[pa.RecordBatch] | None:
        """The data rows as record batches of ``width`` string columns, in order, or None when unsure.

        Every batch row is the row the sequence itself holds at that position (the
        same cell texts); a source that cannot promise it (an encoding or a shape
        the engine may read differently) answers None, and the iterator raises if
        it finds out only while reading (the caller then reads row by row).
        """
        ...


def cell_text(value: Cell) -> str:
    """A cell as text, as a problem report shows it (blank for None, ISO for dates)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, int) and value.bit_length() > _SHOWN_BITS:
        return _long_int_text(value)
    return str(value)


#: Whole numbers beyond this many bits (~4000 digits) are shown by their leading digits:
#: ``str()`` refuses over 4300 digits and is quadratic below that.
_SHOWN_BITS = 13_000
_LEADING = 20


def _long_int_text(value: int) -> str:
    """``123…`` (the first digits of a huge whole number) without converting all of it."""
    digits = int(abs(value).bit_length() * 0.30102999566398120) + 1  # log10(2): within one of the count
    head = abs(value) // 10 ** max(digits - _LEADING, 0)
    return f"{'-' if value < 0 else ''}{head}…"
