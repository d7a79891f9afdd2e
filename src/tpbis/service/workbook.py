"""The workbook port: what the sync service needs from a spreadsheet.

Adapters: Google Sheets (:mod:`tpbis.adapters.sheets`), XLSX
(:mod:`tpbis.adapters.xlsx`) and in-memory (:mod:`tpbis.adapters.memory`).
The service reads tables and writes whole output tabs; it never writes to the
responses or registry tabs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import attrs

from tpbis.domain.rubric import Color
from tpbis.parsing.table import Table

__all__ = ["OutValue", "OutputTab", "Workbook", "WorkbookInfo"]

#: What an output cell holds: text, a number, a boolean or nothing.
OutValue = str | int | float | bool | None


@attrs.frozen(kw_only=True)
class OutputTab:
    """A tab tpbis owns and rewrites whole: a header row and data rows.

    ``fills`` colours single cells by traffic-light colour: ``(row, column,
    colour)`` with ``row`` 0-based over ``rows`` (the header is not counted).
    """

    name: str
    header: tuple[str, ...]
    rows: tuple[tuple[OutValue, ...], ...]
    fills: tuple[tuple[int, int, Color], ...] = ()
    hidden: bool = False

    @property
    def width(self) -> int:
        """The number of columns (the widest of header and rows)."""
        return max([len(self.header), *(len(r) for r in self.rows)])

    def grid(self) -> list[list[OutValue]]:
        """Header and rows as one list of rows, padded to :attr:`width`."""
        width = self.width
        return [
            [*row, *([None] * (width - len(row)))]
            for row in (self.header, *self.rows)
        ]


@attrs.frozen(kw_only=True)
class WorkbookInfo:
    """A workbook's title, time zone (when it has one) and tab names in order."""

    title: str
    tabs: tuple[str, ...]
    timezone: str | None = None


class Workbook(Protocol):
    """A spreadsheet the sync service reads from and writes to."""

    def info(self) -> WorkbookInfo:
        """Title, time zone and tabs (Google Sheets: one spreadsheet GET)."""
        ...

    def read(self, tabs: Sequence[str]) -> dict[str, Table]:
        """The named tabs that exist, first row as header (Google Sheets: one ``values:batchGet``)."""
        ...

    def write(self, tabs: Sequence[OutputTab]) -> int:
        """Create or rewrite whole ``tabs``, in order; returns how many write requests it took.

        All-or-nothing where the backend allows it: Google Sheets applies one
        ``:batchUpdate`` atomically (split only past a payload limit), an XLSX
        file is replaced by an atomic rename.
        """
        ...
