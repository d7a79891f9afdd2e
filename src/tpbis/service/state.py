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
``tabs``                   the tab names this tpbis wrote, joined by ``", "``
``outputs``                sha256 of the values written to those tabs
``activities``             activities counted in the scored periods
``history_rows``           rows of the ``Riwayat`` tab (header included) after that sync
``history_digest``         digest of the values of those rows (a hand edit shows)
========================== ===================================================

A cell that cannot be read (someone edited the tab) counts as empty: an
unknown status is not "complete", so the next sync rewrites everything.
(``tpbis-state/1`` as written before 0.2 also had ``lock_owner`` and
``lock_expires``; they are ignored: the lock is the :data:`LOCK_TAB` tab.)

The lock tab ``_tpbis_lock`` holds a :class:`LockRecord`: ``key | value`` rows
``format`` (``tpbis-lock/1``), ``run`` (an opaque run id: no user or host
name; the spreadsheet is shared with many people), ``since`` and
``heartbeat`` (ISO 8601 instants). A lock expires :data:`LOCK_TTL` seconds
after its last heartbeat; a holder writes one with every request while it
writes (at most :data:`HEARTBEAT_SECONDS` apart when it writes several).
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

__all__ = [
    "HEARTBEAT_SECONDS",
    "LOCK_FORMAT",
    "LOCK_TTL",
    "STATE_FORMAT",
    "LockRecord",
    "SyncState",
    "SyncStatus",
    "lock_cells",
    "read_lock",
    "read_state",
    "state_cells",
]

STATE_FORMAT = "tpbis-state/1"
LOCK_FORMAT = "tpbis-lock/1"
#: Seconds after its last heartbeat that a lock is stale (its holder is taken for dead).
LOCK_TTL = 60
#: A live holder's heartbeats are at most this far apart while it writes; a lock whose
#: heartbeat is older than twice this looks dead, and a new sync waits for it to expire.
HEARTBEAT_SECONDS = 10


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
    #: the tabs the last complete sync wrote (outputs and state)
    tabs: tuple[str, ...] = ()
    #: sha256 of the values it wrote to its output tabs (see :func:`tpbis.service.sync.outputs_digest`)
    outputs: str = ""
    #: activities counted over the periods it scored (0: an all-empty result)
    activities: int = 0
    #: rows of the ``Riwayat`` history tab (header included) after that sync
    history_rows: int = 0
    #: digest of those rows' values, to tell a hand-edited history (see :func:`tpbis.service.sync.outputs_digest`)
    history_digest: str = ""

    def is_current(self, fingerprint: str) -> bool:
        """Whether the outputs are the complete result of ``fingerprint``."""
        return self.status is SyncStatus.COMPLETE and self.last_complete_fingerprint == fingerprint


@attrs.frozen(kw_only=True)
class LockRecord:
    """What the lock tab says: which run holds it, since when, and its last sign of life."""

    format: str = LOCK_FORMAT
    run: str = ""
    since: pendulum.DateTime | None = None
    heartbeat: pendulum.DateTime | None = None

    @property
    def expires(self) -> pendulum.DateTime | None:
        """When the lock goes stale (``None``: unreadable, stale already)."""
        last = self.heartbeat or self.since
        return None if last is None else last.add(seconds=LOCK_TTL)

    def alive(self, now: pendulum.DateTime) -> bool:
        """Whether the lock has not expired at ``now``.

        A heartbeat further in the future than one expiry period is no live
        holder's (a clock that far off, or a hand edit): such a lock counts as
        stale, so no sync waits on it for hours.
        """
        expires = self.expires
        if expires is None or expires > now.add(seconds=2 * LOCK_TTL):
            return False
        return bool(self.run) and expires > now

    def quiet(self, now: pendulum.DateTime) -> bool:
        """Whether the holder has been silent longer than a live one would be (it may have died)."""
        last = self.heartbeat or self.since
        return last is None or (now - last).total_seconds() > 2 * HEARTBEAT_SECONDS


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
    cells.register_structure_hook(int, lambda v, _: int(str(v)) if str(v or "").strip().isdigit() else 0)
    cells.register_unstructure_hook(int, str)
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


def read_lock(table: Table | None) -> LockRecord | None:
    """The lock tab as a :class:`LockRecord` (``None`` when there is no lock tab)."""
    if table is None:
        return None
    known = {field.name for field in attrs.fields(LockRecord)}
    found: dict[str, str] = {}
    for row in (table.header, *table.rows):
        if row and row[0] not in (None, "") and str(row[0]) in known:
            found[str(row[0])] = "" if len(row) < 2 or row[1] is None else str(row[1])
    found.pop("format", None)
    return _cells.structure(found, LockRecord)


def lock_cells(record: LockRecord) -> tuple[tuple[str, str], ...]:
    """The ``key | value`` rows of the lock tab."""
    data: dict[str, str] = _cells.unstructure(record, LockRecord)
    return tuple((key, data[key]) for key in (field.name for field in attrs.fields(LockRecord)))
