"""The sync state kept in the hidden ``_tpbis`` tab, typed.

The tab holds one ``key | value`` row per field of :class:`SyncState`, in
field order, every value as text (the keys and text formats of
``tpbis-state/1``, so a state written by an earlier tpbis still reads, and
the reverse):

========================== ===================================================
``status``                 ``writing``, ``complete`` or ``interrupted``
``periods``                period keys joined by ``", "``
``last_complete_at``       ISO 8601 instant, e.g. ``2024-10-02T09:00:00Z``
``last_complete_counts``   ``rows=N accepted=N rejected=N duplicates=N blank=N excluded=N``
``lock_expires``           ISO 8601 instant
========================== ===================================================

A cell that cannot be read (someone edited the tab) counts as empty: an
unreadable lock expiry is a stale lock, an unknown status is not "complete",
so the next sync rewrites everything.
"""

from __future__ import annotations

import enum
import re
from typing import Any

import attrs
import cattrs
import pendulum

from tpbis.parsing.rows import Counts
from tpbis.parsing.table import Table
from tpbis.serialization import converter

__all__ = ["STATE_FORMAT", "SyncState", "SyncStatus", "read_state", "state_cells"]

STATE_FORMAT = "tpbis-state/1"


class SyncStatus(enum.Enum):
    """Where the last sync got to."""

    #: no sync has written this spreadsheet (or the cell is unreadable)
    NONE = ""
    #: a sync holds the lock and is writing
    WRITING = "writing"
    #: the output tabs are the result of the recorded fingerprint
    COMPLETE = "complete"
    #: a sync failed while writing; the last complete result is still recorded
    INTERRUPTED = "interrupted"


@attrs.frozen(kw_only=True)
class SyncState:
    """The ``_tpbis`` tab: the last complete sync, the current one, and the lock."""

    format: str = STATE_FORMAT
    status: SyncStatus = SyncStatus.NONE
    #: the input fingerprint of the sync that wrote this state
    fingerprint: str = ""
    rubric: str = ""
    periods: tuple[str, ...] = ()
    lang: str = ""
    tpbis_version: str = ""
    last_complete_at: pendulum.DateTime | None = None
    last_complete_fingerprint: str = ""
    last_complete_counts: Counts | None = None
    #: an opaque run id; empty when nobody holds the lock
    lock_owner: str = ""
    lock_expires: pendulum.DateTime | None = None

    def is_current(self, fingerprint: str) -> bool:
        """Whether the outputs are the complete result of ``fingerprint``."""
        return self.status is SyncStatus.COMPLETE and self.last_complete_fingerprint == fingerprint

    def held_by_other(self, owner: str, now: pendulum.DateTime) -> bool:
        """Whether someone other than ``owner`` holds a lock that has not expired at ``now``."""
        return bool(self.lock_owner) and self.lock_owner != owner and (
            self.lock_expires is not None and self.lock_expires > now
        )

    def unlocked(self) -> SyncState:
        """The same state with the lock released."""
        return attrs.evolve(self, lock_owner="", lock_expires=None)


_COUNTS = re.compile(r"(\w+)=(\d+)")


def _make_cells_converter() -> cattrs.Converter:
    """The project converter, with the tab's text formats for instants, periods, counts and status."""
    cells = converter.copy(forbid_extra_keys=False)

    def instant(value: Any, _: Any) -> pendulum.DateTime | None:
        try:
            parsed = pendulum.parse(str(value)) if value not in (None, "") else None
        except (ValueError, TypeError):
            return None
        return parsed if isinstance(parsed, pendulum.DateTime) else None

    def counts(value: Any, _: Any) -> Counts | None:
        found = {key: int(number) for key, number in _COUNTS.findall(str(value or ""))}
        try:
            return Counts(**found)
        except TypeError:  # keys missing or unknown: not a counts cell
            return None

    def status(value: Any, _: Any) -> SyncStatus:
        try:
            return SyncStatus(str(value or ""))
        except ValueError:
            return SyncStatus.NONE

    cells.register_structure_hook(pendulum.DateTime | None, instant)
    cells.register_unstructure_hook(
        pendulum.DateTime | None, lambda d: "" if d is None else d.to_iso8601_string()
    )
    def is_periods(kind: Any) -> bool:
        return bool(kind == tuple[str, ...])

    cells.register_structure_hook_func(is_periods, lambda v, _: tuple(p for p in str(v or "").split(", ") if p))
    cells.register_unstructure_hook_func(is_periods, ", ".join)
    cells.register_structure_hook(Counts | None, counts)
    cells.register_unstructure_hook(
        Counts | None,
        lambda c: "" if c is None else " ".join(f"{f.name}={getattr(c, f.name)}" for f in attrs.fields(Counts)),
    )
    cells.register_structure_hook(SyncStatus, status)
    cells.register_structure_hook(str, lambda v, _: "" if v is None else str(v))
    return cells


_cells = _make_cells_converter()


def read_state(table: Table | None) -> SyncState:
    """The ``_tpbis`` tab as a :class:`SyncState` (the empty state when the tab is absent)."""
    if table is None:
        return SyncState()
    known = {field.name for field in attrs.fields(SyncState)}
    found: dict[str, str] = {}
    for row in table.rows:
        if row and row[0] not in (None, "") and str(row[0]) in known:
            found[str(row[0])] = "" if len(row) < 2 or row[1] is None else str(row[1])
    found.pop("format", None)  # this version writes its own format
    return _cells.structure(found, SyncState)


def state_cells(state: SyncState) -> tuple[tuple[str, str], ...]:
    """The ``key | value`` rows of the ``_tpbis`` tab, in field order."""
    data: dict[str, str] = _cells.unstructure(state, SyncState)
    return tuple((key, data[key]) for key in (field.name for field in attrs.fields(SyncState)))
