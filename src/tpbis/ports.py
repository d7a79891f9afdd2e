"""The workbook port: what the sync service needs from a spreadsheet.

A low-level module: it depends only on the domain and the table type, so the
adapters implement it without importing the application service above them
(:mod:`tpbis.service.workbook` re-exports it for older imports).

Adapters: Google Sheets (:mod:`tpbis.adapters.sheets`), XLSX
(:mod:`tpbis.adapters.xlsx`) and in-memory (:mod:`tpbis.adapters.memory`).
The service reads tables and writes whole output tabs; it never writes to the
responses or registry tabs.

A sync writes in two steps, both atomic on every backend:

1. :meth:`Workbook.lock` creates the lock tab :data:`LOCK_TAB` holding the
   run's claim (compare-and-swap: it fails with :class:`LockContended` when
   the tab exists, or when the stale lock it replaces is no longer the one
   that was read);
2. :meth:`Workbook.commit` writes every output tab and the state, removes the
   tabs no longer written, and releases the lock, as one change readers see
   whole (Google Sheets: large outputs go to hidden staging tabs first, then
   one ``:batchUpdate`` swaps them in).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import attrs

from tpbis.domain.rubric import Color
from tpbis.parsing.table import Table

__all__ = [
    "LOCK_TAB",
    "STAGING_PREFIX",
    "Append",
    "Commit",
    "LockContended",
    "OutValue",
    "OutputTab",
    "Workbook",
    "WorkbookInfo",
]

#: The lock tab: its title is the lock (sheet titles are unique in a spreadsheet).
LOCK_TAB = "_tpbis_lock"
#: Hidden tabs a large commit writes before swapping them in (``_tpbis_staging_<run>_<n>``).
STAGING_PREFIX = "_tpbis_staging_"


class LockContended(Exception):
    """The lock tab was created (or the stale lock replaced) by someone else first; nothing was written."""

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


@attrs.frozen(kw_only=True)
class Append:
    """Rows to add to a tab without rewriting it (the ``Riwayat`` history).

    Args:
        tab: the tab's name, header (used when the tab does not exist yet) and the new rows.
        start: how many rows the tab had when it was read, header included
            (0: it did not exist); the new rows go right below them.
    """

    tab: OutputTab
    start: int


@attrs.frozen(kw_only=True)
class Commit:
    """One all-or-nothing change of the output tabs.

    Args:
        tabs: tabs written whole, in order (the state tab, then the output tabs).
        remove: tabs deleted in the same change (e.g. the other language's outputs).
        heartbeat: the lock tab with a fresh heartbeat; a commit that needs
            several requests sends it with each one (and fails if the lock
            is no longer this run's).
        release: delete the lock taken by :meth:`Workbook.lock` in the same
            change; fails (nothing applied) when the lock is no longer ours.
        append: rows added to tabs in the same change, below the rows already
            there, which are not rewritten (see :class:`Append`).
    """

    tabs: tuple[OutputTab, ...]
    remove: tuple[str, ...] = ()
    heartbeat: Callable[[], OutputTab] | None = None
    release: bool = False
    append: tuple[Append, ...] = ()


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

    def lock(self, claim: OutputTab, *, replace: bool, epoch: str = "") -> int:
        """Create the lock tab :data:`LOCK_TAB` holding ``claim``; returns the requests sent.

        ``replace``: delete the lock tab seen by the last :meth:`info` in the
        same atomic change (breaking a stale lock). ``epoch``: what the sync
        read of the last published result (its state); syncs that read the
        same result race for the same lock, and a later one never takes a lock
        that an older, stale run still believes it holds.

        Raises:
            LockContended: the lock tab exists, or the one to replace is gone; nothing changed.
        """
        ...

    def commit(self, commit: Commit) -> int:
        """Apply ``commit`` so that readers see the old outputs or the new ones, never a mix.

        Returns the number of write requests sent.
        """
        ...

    def unlock(self) -> None:
        """Best effort after a failure: remove this run's lock and anything it staged."""
        ...
