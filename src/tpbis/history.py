"""The ``Riwayat`` history tab: what each sync published, kept with the data.

Each sync that writes appends one row per (run, period, library) to the tab
:data:`HISTORY_TAB`, never rewriting the rows already there. The tab has one
name in every output language (it is data that must survive a language
switch, not a translated label). Its columns, read by header name (so a later
tpbis may add columns and old readers skip them, and rows written before a
column existed read with that field empty):

================ ======== ==========================================================
``format``       text     the row format, ``"1.2"`` (``"1.1"`` before ``awards``, ``"1"``
                          before ``event``); a reader
                          reads every row whose major version (before the first ``.``)
                          it knows
``run``          text     the sync's opaque run id
``at``           text     when the sync ran, UTC ISO 8601 (``2024-10-02T09:00:00Z``)
``tpbis``        text     the tpbis version that wrote the row
``period``       text     the period key (``2024-09``, ``2024``, ``2024-01-01..2024-09-25``)
``rubric``       text     ``id@version`` of the rubric that scored the period
``digest``       text     that rubric's content digest (:attr:`Rubric.digest`)
``fingerprint``  text     the sync's input fingerprint
``library_id``   text     the library
``composite``    number   the composite 0…100 as shown (one decimal)
``color``        text     ``hijau``, ``kuning`` or ``merah``
``indicators``   JSON     ``{indicator id: value shown}`` (compact; rubrics change, so
                          indicators are keys, not columns)
``counts``       JSON     the run's row counts ``{rows, accepted, rejected, …}``
``event``        text     (since ``1.1``) ``sync`` (a published result), ``close`` (the
                          period is frozen at these values) or ``reopen`` (it is not
                          any more); empty or absent: ``sync``
``awards``       JSON     (since ``1.2``, ``close`` rows) what the award metrics count of
                          the library's rows in the period at the close, by activity
                          kind: ``{kind: [activities, participants, with a
                          documentation link, [partners]]}`` (partners as ``#`` and 10
                          hex digits of their SHA-256 when the names do not fit a
                          cell); empty on other rows
================ ======== ==========================================================

Why the format can evolve without breaking old rows: columns are read by
name, a new column is only ever added at the end, and a row without it reads
with its default (a ``format 1`` row has no ``event``: it is a ``sync``). A
new minor version may add columns and events; a reader skips the events it
does not know. ``close`` and ``reopen`` rows repeat the frozen snapshot's
values, so a reader of format ``1`` (which sees them as one more sync)
still finds a period's latest published values. A ``close`` row without
``awards`` (written by format ``1.1``, or by a close whose data did not give the
published values again) freezes the KPI values only; its
awards are evaluated over the rows reported up to the close. Only a new major version
may change what an existing column means.

:func:`read_history` turns the tab back into :class:`Snapshot` values; a cell
it cannot read (the tab was edited by hand) becomes an empty field, and a row
without run, period or library is skipped. This module also holds the pure
"change since last time" logic (:func:`compare`, :func:`previous_period`,
:func:`year_earlier`).
"""

from __future__ import annotations

import enum
import hashlib
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs
import pendulum

from tpbis.domain.activity import ActivityKind
from tpbis.domain.awards import AwardTally
from tpbis.domain.kpi import KpiRun, LibraryResult
from tpbis.domain.period import Period
from tpbis.domain.rubric import Color
from tpbis.errors import PeriodError
from tpbis.message import Message
from tpbis.parsing.rows import Counts
from tpbis.parsing.table import Table

__all__ = [
    "FORMAT",
    "HISTORY_COLUMNS",
    "HISTORY_TAB",
    "Change",
    "Changes",
    "Closure",
    "Comparison",
    "Event",
    "Snapshot",
    "Transition",
    "awards_cell",
    "changes",
    "closures",
    "compare",
    "current_header",
    "event_rows",
    "history_rows",
    "history_tab",
    "latest_snapshots",
    "moved",
    "previous_period",
    "read_history",
    "snapshot_dict",
    "year_earlier",
]

#: The history tab's name, the same in every output language.
HISTORY_TAB = "Riwayat"
#: The row format this tpbis writes.
FORMAT = "1.2"
#: The columns, in the order this tpbis writes them (new ones only ever at the end).
HISTORY_COLUMNS = (
    "format", "run", "at", "tpbis", "period", "rubric", "digest", "fingerprint",
    "library_id", "composite", "color", "indicators", "counts", "event", "awards",
)


def history_tab(tabs: Iterable[str]) -> str:
    """The name of the workbook's history tab: :data:`HISTORY_TAB`, or a tab named so in other case
    (``RIWAYAT``: tab names compare case-insensitively in Excel and Google Sheets); else :data:`HISTORY_TAB`."""
    names = list(tabs)
    if HISTORY_TAB in names:
        return HISTORY_TAB
    return next((n for n in names if n.casefold() == HISTORY_TAB.casefold()), HISTORY_TAB)


class Event(enum.Enum):
    """What a history row records."""

    #: a sync published these values
    SYNC = "sync"
    #: ``tpbis close``: the period is frozen at these values
    CLOSE = "close"
    #: ``tpbis close --reopen``: the period is open again (the values are the ones that were frozen)
    REOPEN = "reopen"

_COLOR_RANK = {Color.HIJAU: 0, Color.KUNING: 1, Color.MERAH: 2}


@attrs.frozen(kw_only=True)
class Snapshot:
    """One history row: a library's published result for a period in one sync."""

    run: str
    period: str
    library_id: str
    format: str = FORMAT
    at: pendulum.DateTime | None = None
    tpbis: str = ""
    rubric: str = ""
    digest: str = ""
    fingerprint: str = ""
    composite: Decimal | None = None
    color: Color | None = None
    indicators: Mapping[str, int | float | None] = attrs.Factory(dict)
    counts: Mapping[str, int] = attrs.Factory(dict)
    event: Event = Event.SYNC
    #: a ``close`` row's award tallies by kind (``{}``: no activity); None: not recorded
    awards: Mapping[ActivityKind, AwardTally] | None = None


#: The longest ``awards`` cell written: Excel keeps at most 32,767 characters in a cell (Google Sheets 50,000).
_CELL_LIMIT = 32_767
#: The largest count read back from an ``awards`` cell (larger: typed by hand, the cell is unreadable).
_MOST = 2**53


def _partner_key(name: str) -> str:
    """A partner's name as a short key (``#`` and 10 hex digits of its SHA-256): only distinct names count."""
    return "#" + hashlib.sha256(name.encode()).hexdigest()[:10]


def awards_cell(tallies: Mapping[ActivityKind, AwardTally] | None) -> str:
    """The ``awards`` cell of award tallies (empty for None).

    Partners are written by name; when that would not fit in one cell (a library naming
    thousands of partners, or very long names), each is written as :func:`_partner_key`
    instead (they are only counted), and when even that does not fit the cell is left
    empty (the closure's awards then use the rows reported up to the close).
    """
    if tallies is None:
        return ""
    for partners in (lambda names: sorted(names), lambda names: sorted({_partner_key(n) for n in names})):
        text = _compact({
            kind.value: [t.count, t.participants, t.documented, partners(t.partners)] for kind, t in tallies.items()
        })
        if len(text) <= _CELL_LIMIT:
            return text
    return ""


def _tally(entry: object) -> AwardTally | None:
    """One ``[activities, participants, documented, [partners]]`` entry, None when not of that shape."""
    if not (isinstance(entry, list) and len(entry) == 4 and isinstance(entry[3], list)
            and all(isinstance(p, str) for p in entry[3])):
        return None
    count, participants, documented = entry[:3]
    numbers = (count, participants, documented)
    if not all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= _MOST for n in numbers):
        return None
    if documented > count:
        return None
    return AwardTally(count=count, participants=participants, documented=documented, partners=frozenset(entry[3]))


def _awards(value: object) -> Mapping[ActivityKind, AwardTally] | None:
    """An ``awards`` cell read back: None when empty or unreadable (edited by hand: not JSON, an entry not
    of the written shape, a negative or absurd count); entries of kinds this tpbis does not know left out."""
    if _text(value) == "":
        return None
    try:
        parsed = json.loads(_text(value))
    except (ValueError, TypeError, RecursionError):
        return None
    if not isinstance(parsed, dict):
        return None
    out: dict[ActivityKind, AwardTally] = {}
    for key, entry in parsed.items():
        tally = _tally(entry)
        if tally is None:
            return None
        try:
            out[ActivityKind(key)] = tally
        except ValueError:  # a kind a later tpbis knows
            continue
    return out


def _json_number(value: int | Decimal | None) -> int | float | None:
    if value is None or isinstance(value, int):
        return value
    return float(value)


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def history_rows(
    runs: Sequence[KpiRun], *, run: str, at: pendulum.DateTime, tpbis: str, fingerprint: str,
    counts: Counts | None,
) -> tuple[tuple[str | float | None, ...], ...]:
    """The rows a sync appends for ``runs`` (one per period × library), in :data:`HISTORY_COLUMNS` order.

    ``counts`` ``None`` writes ``{}``.
    """
    when = at.in_timezone("UTC").to_iso8601_string()
    counted = _compact(attrs.asdict(counts)) if counts is not None else "{}"
    rows: list[tuple[str | float | None, ...]] = []
    for kpi in runs:
        for result in kpi.results:
            rows.append((
                FORMAT, run, when, tpbis, kpi.period.key, kpi.rubric.ref, kpi.rubric.digest, fingerprint,
                result.library.id, float(result.composite), result.color.value,
                _compact({r.id: _json_number(r.shown_value) for r in result.indicators}), counted,
                Event.SYNC.value, "",
            ))
    return tuple(rows)


def event_rows(
    snapshots: Iterable[Snapshot], event: Event, *, run: str, at: pendulum.DateTime, tpbis: str,
) -> tuple[tuple[str | float | None, ...], ...]:
    """Rows recording ``event`` that repeat ``snapshots``' values (a period's frozen or closed snapshot)."""
    when = at.in_timezone("UTC").to_iso8601_string()
    return tuple(
        (
            FORMAT, run, when, tpbis, s.period, s.rubric, s.digest, s.fingerprint, s.library_id,
            float(s.composite) if s.composite is not None else None, s.color.value if s.color is not None else None,
            _compact(dict(s.indicators)), _compact(dict(s.counts)), event.value,
            awards_cell(s.awards) if event is Event.CLOSE else "",
        )
        for s in snapshots
    )


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _decimal(value: object) -> Decimal | None:
    if value is None or isinstance(value, bool) or _text(value) == "":
        return None
    try:
        number = Decimal(str(value).strip().replace(",", "."))
        # a composite is 0…100: a hand-typed 1e300 is unreadable, not a number to quantize
        return number.quantize(Decimal("0.1")) if number.is_finite() and abs(number) <= 1000 else None
    except InvalidOperation:
        return None


def _mapping(value: object) -> dict[str, Any]:
    try:
        parsed = json.loads(_text(value) or "{}")
    except (ValueError, TypeError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _instant(value: object) -> pendulum.DateTime | None:
    try:
        parsed = pendulum.parse(_text(value)) if _text(value) else None
    except (ValueError, TypeError):
        return None
    return parsed if isinstance(parsed, pendulum.DateTime) else None


def _color(value: object) -> Color | None:
    try:
        return Color(_text(value).lower())
    except ValueError:
        return None


def _readable(format_: str) -> bool:
    return format_.split(".", 1)[0] in ("", FORMAT.split(".", 1)[0])


def _event(value: object) -> Event | None:
    """The row's event: empty or absent is ``sync`` (rows of format 1); one this tpbis does not know: ``None``."""
    text = _text(value).lower()
    if not text:
        return Event.SYNC
    try:
        return Event(text)
    except ValueError:
        return None


def _columns(header: Sequence[object]) -> dict[str, int]:
    return {_text(name): i for i, name in reversed(list(enumerate(header)))}


def current_header(grid: Sequence[Sequence[object]]) -> tuple[str, ...]:
    """The header the last rows of a ``Riwayat`` grid (header included) are read with.

    A tab started by an older tpbis keeps its first row; when it lacks a column
    this tpbis writes, the next append starts with a new header row (whose
    ``format`` cell reads ``format``), which applies to the rows below it. A
    reader of the older format skips that row (its format is not one it knows).
    """
    if not grid:
        return ()
    header = tuple(_text(c) for c in grid[0])
    for row in grid[1:]:
        if _is_header(row, _columns(header)):
            header = tuple(_text(c) for c in row)
    return header


def _is_header(row: Sequence[object], where: Mapping[str, int]) -> bool:
    """Whether ``row`` is a newer header row: its ``format`` cell reads ``format`` (under a first row without a
    ``format`` column, a note or blanks typed over the header: any of its cells does)."""
    index = where.get("format")
    if index is None:
        return any(_text(c) == "format" for c in row)
    return index < len(row) and _text(row[index]) == "format"


def read_history(table: Table | None) -> tuple[Snapshot, ...]:
    """The snapshots of a ``Riwayat`` table, in row order (an absent tab: none).

    Columns are found by header name; a row whose ``format`` cell reads
    ``format`` is a newer header for the rows below it (see :func:`current_header`).
    Rows of a format or an event this tpbis does not know, and rows without
    run, period or library id, are skipped.
    """
    if table is None:
        return ()
    where = _columns(table.header)

    def cell(row: Sequence[object], column: str) -> object:
        index = where.get(column)
        return row[index] if index is not None and index < len(row) else None

    out: list[Snapshot] = []
    for row in table.rows:
        if _is_header(row, where):
            where = _columns(row)
            continue
        run, period, library = _text(cell(row, "run")), _text(cell(row, "period")), _text(cell(row, "library_id"))
        format_ = _text(cell(row, "format"))
        event = _event(cell(row, "event"))
        if not (run and period and library) or not _readable(format_) or event is None:
            continue
        indicators = {
            str(k): v for k, v in _mapping(cell(row, "indicators")).items()
            if v is None or (isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v))
        }  # a hand-typed NaN or Infinity (JSON accepts them) is no value
        counts = {str(k): v for k, v in _mapping(cell(row, "counts")).items() if isinstance(v, int)}
        out.append(Snapshot(
            format=format_ or FORMAT, run=run, at=_instant(cell(row, "at")), tpbis=_text(cell(row, "tpbis")),
            period=period, rubric=_text(cell(row, "rubric")), digest=_text(cell(row, "digest")),
            fingerprint=_text(cell(row, "fingerprint")), library_id=library,
            composite=_decimal(cell(row, "composite")), color=_color(cell(row, "color")),
            indicators=indicators, counts=counts, event=event, awards=_awards(cell(row, "awards")),
        ))
    return tuple(out)


@attrs.frozen(kw_only=True)
class Closure:
    """A closed period: when ``tpbis close`` froze it and the values it froze, per library."""

    period: str
    run: str
    at: pendulum.DateTime | None
    snapshots: Mapping[str, Snapshot]


def closures(snapshots: Iterable[Snapshot]) -> dict[str, Closure]:
    """Period key → its :class:`Closure`, for the periods closed now (the last event was a ``close``)."""
    found: dict[str, list[Snapshot]] = {}
    for s in snapshots:
        if s.event is Event.REOPEN:
            found.pop(s.period, None)
        elif s.event is Event.CLOSE:
            rows = found.get(s.period)
            if rows is None or rows[0].run != s.run:
                rows = found[s.period] = []
            rows.append(s)
    return {
        period: Closure(period=period, run=rows[0].run, at=rows[0].at, snapshots={s.library_id: s for s in rows})
        for period, rows in found.items()
    }


def latest_snapshots(snapshots: Iterable[Snapshot], period: str) -> dict[str, Snapshot]:
    """Library id → its snapshot for ``period`` from the latest run that published (or froze) that period."""
    rows = [s for s in snapshots if s.period == period]
    if not rows:
        return {}
    last_run = rows[-1].run  # rows are appended in run order
    return {s.library_id: s for s in rows if s.run == last_run}


def snapshot_dict(snapshot: Snapshot) -> dict[str, Any]:
    """A snapshot as JSON-ready values (``history export``)."""
    return {
        "format": snapshot.format,
        "run": snapshot.run,
        "at": snapshot.at.in_timezone("UTC").to_iso8601_string() if snapshot.at is not None else None,
        "tpbis": snapshot.tpbis,
        "period": snapshot.period,
        "rubric": snapshot.rubric,
        "digest": snapshot.digest,
        "fingerprint": snapshot.fingerprint,
        "library_id": snapshot.library_id,
        "composite": float(snapshot.composite) if snapshot.composite is not None else None,
        "color": snapshot.color.value if snapshot.color is not None else None,
        "indicators": dict(snapshot.indicators),
        "counts": dict(snapshot.counts),
        "event": snapshot.event.value,
        "awards": None if snapshot.awards is None else {
            kind.value: {"count": t.count, "participants": t.participants, "documented": t.documented,
                         "partners": sorted(t.partners)}
            for kind, t in snapshot.awards.items()
        },
    }


# change since last time -----------------------------------------------------------------


def previous_period(period: Period) -> Period:
    """The period of the same length just before ``period`` (month → month, quarter → quarter, …)."""
    start = period.start
    if period.key == f"{start.year}":
        return Period.year(start.year - 1)
    if period.key == f"{start.year}-{start.month:02d}":
        before = start.subtract(months=1)
        return Period.month(before.year, before.month)
    if period.key.startswith(f"{start.year}-Q"):
        quarter = (start.month - 1) // 3 + 1
        return Period.quarter(start.year, quarter - 1) if quarter > 1 else Period.quarter(start.year - 1, 4)
    if period.key.startswith(f"{start.year}-S"):
        return Period.semester(start.year, 1) if start.month > 6 else Period.semester(start.year - 1, 2)
    days = (period.end - period.start).days + 1
    return Period.range(start.subtract(days=days), start.subtract(days=1))


def year_earlier(period: Period) -> Period:
    """The same period one year earlier."""
    key = period.key
    if ".." not in key:
        return Period.parse(f"{int(key[:4]) - 1}{key[4:]}")
    return Period.range(period.start.subtract(years=1), period.end.subtract(years=1))


class Transition(enum.Enum):
    """How a library's colour moved since the earlier period."""

    NAIK = "naik"
    TURUN = "turun"
    TETAP = "tetap"

    @property
    def message(self) -> Message:
        """The transition's name, rendered at the edge."""
        return Message(f"change.{self.value}")


@attrs.frozen(kw_only=True)
class Comparison:
    """A library's result against an earlier period: the earlier one, the difference and the move."""

    period: str
    composite: Decimal
    color: Color
    delta_composite: Decimal
    transition: Transition
    #: ``history`` (the ``Riwayat`` snapshot) or ``rescored`` (scored now with its rubric in force)
    source: str


def compare(result: LibraryResult, period: str, composite: Decimal, color: Color, source: str) -> Comparison:
    """``result`` against an earlier ``composite`` and ``color`` of ``period``."""
    now, then = _COLOR_RANK[result.color], _COLOR_RANK[color]
    transition = Transition.NAIK if now < then else Transition.TURUN if now > then else Transition.TETAP
    return Comparison(
        period=period, composite=composite, color=color, delta_composite=result.composite - composite,
        transition=transition, source=source,
    )


@attrs.frozen(kw_only=True)
class Change:
    """A library's change against the previous period of the same length and the same period a year earlier."""

    previous: Comparison | None = None
    year_earlier: Comparison | None = None


#: Library id → its change, for one KPI run.
Changes = Mapping[str, Change]


def _earlier(
    period: Period, snapshots: Sequence[Snapshot], rescore: Callable[[Period], KpiRun | None],
) -> tuple[dict[str, tuple[Decimal, Color]], str]:
    """Library id → (composite, colour) of ``period``: from history when it has the period, else rescored."""
    found = latest_snapshots(snapshots, period.key)
    if found:
        return {
            library: (s.composite, s.color) for library, s in found.items()
            if s.composite is not None and s.color is not None
        }, "history"
    run = rescore(period)
    if run is None or not any(r.activity_count for r in run.results):
        return {}, "rescored"  # no data then: nothing to compare with (not "everyone went up")
    return {r.library.id: (r.composite, r.color) for r in run.results}, "rescored"


def changes(
    run: KpiRun, snapshots: Sequence[Snapshot], rescore: Callable[[Period], KpiRun | None],
) -> dict[str, Change]:
    """Each library's :class:`Change` in ``run``.

    Args:
        run: the current result.
        snapshots: the history (:func:`read_history`); a period it holds is taken from its latest run.
        rescore: scores an earlier period with its rubric in force (``None``: it cannot be scored).
    """
    nothing: tuple[dict[str, tuple[Decimal, Color]], str] = ({}, "")
    try:
        before: Period | None = previous_period(run.period)
    except PeriodError:  # before the year 2000: nothing to compare with
        before = None
    try:
        year: Period | None = year_earlier(run.period)
    except PeriodError:
        year = None
    earlier = _earlier(before, snapshots, rescore) if before is not None else nothing
    if year is None:
        ago = nothing
    elif before is not None and year.key == before.key:
        ago = earlier
    else:
        ago = _earlier(year, snapshots, rescore)
    out: dict[str, Change] = {}
    for result in run.results:
        library = result.library.id
        a = earlier[0].get(library)
        b = ago[0].get(library)
        out[library] = Change(
            previous=compare(result, before.key, *a, earlier[1]) if a is not None and before is not None else None,
            year_earlier=compare(result, year.key, *b, ago[1]) if b is not None and year is not None else None,
        )
    return out


def moved(run: KpiRun, found: Changes) -> dict[tuple[str, str | None], dict[str, dict[str, int]]]:
    """Per (province, regency) and per province (regency ``None``): libraries that went up, down or stayed.

    ``{"previous": {"naik": n, "turun": n, "tetap": n}, "year_earlier": {...}}``.
    (Libraries with nothing to compare with are not counted.)
    """
    out: dict[tuple[str, str | None], dict[str, dict[str, int]]] = {}
    names = [t.value for t in Transition]
    for result in run.results:
        library = result.library
        change = found.get(library.id)
        if change is None:
            continue
        previous, ago = change.previous, change.year_earlier
        regions = ((library.province, library.regency), (library.province, None)) if library.regency else (
            (library.province, None),)
        for key in regions:
            tally = out.get(key)
            if tally is None:
                tally = out[key] = {"previous": dict.fromkeys(names, 0), "year_earlier": dict.fromkeys(names, 0)}
            if previous is not None:
                tally["previous"][previous.transition.value] += 1
            if ago is not None:
                tally["year_earlier"][ago.transition.value] += 1
    return out
