"""An in-memory workbook: the sync service's adapter for tests and embedding apps."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence

import attrs

from tpbis.domain.rubric import Color
from tpbis.parsing.table import Cell, Table
from tpbis.ports import (
    LOCK_TAB,
    Commit,
    LockContended,
    OutputTab,
    OutValue,
    WorkbookInfo,
)

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
    #: how many times :meth:`write` was called (a commit is one write)
    writes: int = 0
    _mutex: threading.Lock = attrs.field(factory=threading.Lock, init=False, repr=False, eq=False)
    #: the lock tab's rows as the last :meth:`info` saw them (what ``lock(replace=True)`` may delete)
    _seen_lock: list[list[Cell]] | None = attrs.field(default=None, init=False, repr=False, eq=False)
    _own_lock: list[list[Cell]] | None = attrs.field(default=None, init=False, repr=False, eq=False)

    @classmethod
    def from_tables(cls, tables: Mapping[str, Sequence[Sequence[Cell]]], **kwargs: str | None) -> MemoryWorkbook:
        """A workbook from tab name → rows."""
        return cls({name: [list(r) for r in rows] for name, rows in tables.items()}, **kwargs)  # type: ignore[arg-type]

    def info(self) -> WorkbookInfo:
        """Title, time zone and tab names."""
        with self._mutex:
            self._seen_lock = self.tabs.get(LOCK_TAB)
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
        with self._mutex:
            self._write(tabs)
        return 1

    def lock(self, claim: OutputTab, *, replace: bool, epoch: str = "") -> int:
        """Create the lock tab (compare-and-swap on the rows object :meth:`info` saw)."""
        with self._mutex:
            current = self.tabs.get(LOCK_TAB)
            if current is not None and not (replace and current is self._seen_lock):
                raise LockContended(LOCK_TAB)
            self.tabs.pop(LOCK_TAB, None)
            self._write([claim])
            self._own_lock = self.tabs[LOCK_TAB]
        return 1

    def commit(self, commit: Commit) -> int:
        """Write, remove and release in one step under the workbook's mutex."""
        with self._mutex:
            if commit.release and (self._own_lock is None or self.tabs.get(LOCK_TAB) is not self._own_lock):
                raise LockContended(LOCK_TAB)
            for name in commit.remove:
                self.tabs.pop(name, None)
                self.fills.pop(name, None)
                self.hidden.discard(name)
            created = []
            for append in commit.append:
                rows = self.tabs.get(append.tab.name)
                if rows is None or append.start == 0:  # absent, or there but empty: header and rows
                    created.append(append.tab)
                else:
                    del rows[append.start:]
                    rows.extend(list(row) for row in append.tab.rows)
            self._write((*commit.tabs, *created))
            if commit.release:
                del self.tabs[LOCK_TAB]
                self._own_lock = None
        return 1

    def unlock(self) -> None:
        """Remove this workbook's own lock, if it still holds it."""
        with self._mutex:
            if self._own_lock is not None and self.tabs.get(LOCK_TAB) is self._own_lock:
                del self.tabs[LOCK_TAB]
            self._own_lock = None

    def _write(self, tabs: Sequence[OutputTab]) -> None:
        for tab in tabs:
            grid: list[list[OutValue]] = tab.grid()
            self.tabs[tab.name] = grid  # type: ignore[assignment]  # OutValue ⊂ Cell
            self.fills[tab.name] = {(r + 1, c): color for r, c, color in tab.fills}
            if tab.hidden:
                self.hidden.add(tab.name)
            else:
                self.hidden.discard(tab.name)
        self.writes += 1
