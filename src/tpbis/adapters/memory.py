"""An in-memory workbook: the sync service's adapter for tests and embedding apps."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from tpbis.domain.rubric import Color
from tpbis.parsing.table import Cell, Table
from tpbis.service.workbook import OutputTab, OutValue, WorkbookInfo

__all__ = ["MemoryWorkbook"]


@attrs.define
class MemoryWorkbook:
    """Tabs held as lists of rows; output tabs keep their colours and hidden flag.

    Args:
        tabs: tab name → rows (the first row is the header).
        title: the workbook title.
        timezone: the spreadsheet time zone, if any.
    """

    tabs: dict[str, list[list[Cell]]] = attrs.Factory(dict)
    title: str = "tpbis"
    timezone: str | None = None
    fills: dict[str, dict[tuple[int, int], Color]] = attrs.Factory(dict)
    hidden: set[str] = attrs.Factory(set)
    #: how many times :meth:`write` was called
    writes: int = 0

    @classmethod
    def from_tables(cls, tables: Mapping[str, Sequence[Sequence[Cell]]], **kwargs: str | None) -> MemoryWorkbook:
        """A workbook from tab name → rows."""
        return cls({name: [list(r) for r in rows] for name, rows in tables.items()}, **kwargs)  # type: ignore[arg-type]

    def info(self) -> WorkbookInfo:
        """Title, time zone and tab names."""
        return WorkbookInfo(title=self.title, tabs=tuple(self.tabs), timezone=self.timezone)

    def read(self, tabs: Sequence[str]) -> dict[str, Table]:
        """The named tabs that exist."""
        out: dict[str, Table] = {}
        for name in tabs:
            rows = self.tabs.get(name)
            if rows is None:
                continue
            header = tuple("" if h is None else str(h) for h in (rows[0] if rows else ()))
            out[name] = Table(name=name, header=header, rows=[tuple(r) for r in rows[1:]])
        return out

    def write(self, tabs: Sequence[OutputTab]) -> int:
        """Replace each tab whole."""
        for tab in tabs:
            grid: list[list[OutValue]] = tab.grid()
            self.tabs[tab.name] = grid  # type: ignore[assignment]  # OutValue ⊂ Cell
            self.fills[tab.name] = {(r + 1, c): color for r, c, color in tab.fills}
            if tab.hidden:
                self.hidden.add(tab.name)
            else:
                self.hidden.discard(tab.name)
        self.writes += 1
        return 1
