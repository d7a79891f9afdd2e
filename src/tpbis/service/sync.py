"""The sync service: read → parse → score → awards → render → write, over a workbook port.

One function, :func:`sync`, runs the same way on Google Sheets, XLSX and
in-memory workbooks. Its request budget on Google Sheets does not depend on
the number of rows:

* unchanged input: 1 spreadsheet GET + 1 ``values:batchGet``, nothing written;
* changed input: those 2 reads, 1 lock write (+1 ``addSheet`` the first time),
  1 lock check read, then 1 atomic ``:batchUpdate`` with every output tab and
  the final state (+1 ``addSheet`` batch for missing tabs; more only when the
  payload passes the adapter's size limit).

The hidden ``_tpbis`` tab keeps the state: the rubric, the input fingerprint,
the last complete sync and the lock (owner and expiry). Output tabs and the
final state land in the same write, so an interrupted sync leaves the previous
complete result in place and marked as such; the next run converges.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence

import attrs
import pendulum

from tpbis import __version__
from tpbis.domain.kpi import KpiRun
from tpbis.domain.period import Period
from tpbis.domain.rubric import Rubric
from tpbis.errors import LockError, SourceError
from tpbis.parsing.contests import CONTEST_TAB
from tpbis.parsing.registry import read_registry
from tpbis.parsing.table import Table
from tpbis.service.options import ReadOptions
from tpbis.service.outputs import (
    STATE_TAB,
    awards_tab,
    output_names,
    problems_tab,
    regions_tab,
    scores_tab,
    state_tab,
)
from tpbis.service.score import (
    AwardsReport,
    Inputs,
    ScoreReport,
    awards_for,
    responses_tab_name,
    score_inputs,
)
from tpbis.service.state import STATE_FORMAT, SyncState, SyncStatus, read_state
from tpbis.service.workbook import OutputTab, Workbook, WorkbookInfo

__all__ = [
    "STATE_FORMAT",
    "SyncOptions",
    "SyncResult",
    "SyncState",
    "SyncStatus",
    "TabChange",
    "default_periods",
    "sync",
]

#: Progress callback: (step key from the catalogue, step number, number of steps).
Progress = Callable[[str, int, int], None]

_STEPS = ("sync.step.read", "sync.step.score", "sync.step.lock", "sync.step.write")


def default_periods(today: pendulum.Date) -> tuple[Period, Period]:
    """The current month and the year to date."""
    return (
        Period.month(today.year, today.month),
        Period.range(pendulum.date(today.year, 1, 1), today),
    )


@attrs.frozen(kw_only=True)
class SyncOptions:
    """What to compute and how to write it.

    Args:
        periods: periods to score; awards use the longest.
        rubric: the rubric.
        owner: who is syncing (goes into the lock).
        now: the current instant (the service has no clock of its own).
        lang: output language for tab names, headers and messages.
        read: tab names, time zone (unset: the spreadsheet's, else
            Asia/Jakarta), day-first rule and column mapping — the same
            value ``tpbis score`` reads files with.
        dry_run: compute and compare, write nothing.
        force: rewrite even when the input is unchanged.
        break_lock: take over a lock held by someone else.
        lock_minutes: how long a lock lasts before it is stale.
    """

    periods: tuple[Period, ...]
    rubric: Rubric
    owner: str
    now: pendulum.DateTime
    lang: str = "id"
    read: ReadOptions = attrs.Factory(ReadOptions)
    dry_run: bool = False
    force: bool = False
    break_lock: bool = False
    lock_minutes: int = 15


@attrs.frozen(kw_only=True)
class TabChange:
    """How one output tab would change: rows before and after, rows that differ."""

    name: str
    rows_before: int | None
    rows_after: int
    rows_changed: int


@attrs.frozen(kw_only=True)
class SyncResult:
    """What a sync did.

    ``status`` is ``written``, ``unchanged`` (input fingerprint equal to the
    last complete sync: nothing parsed, scored or written; ``report`` is
    ``None`` and ``state`` tells about the last complete sync) or ``dry_run``.
    """

    status: str
    info: WorkbookInfo
    report: ScoreReport | None
    awards: AwardsReport | None
    tabs: tuple[OutputTab, ...]
    changes: tuple[TabChange, ...]
    fingerprint: str
    write_requests: int
    responses_tab: str
    #: the ``_tpbis`` state as read before this sync
    state: SyncState = attrs.Factory(SyncState)


def _stable(value: object) -> object:
    """A JSON-ready form of ``value`` that does not depend on hash order (sets are sorted)."""
    if attrs.has(type(value)):
        return {name: _stable(item) for name, item in attrs.asdict(value, recurse=False).items()}  # type: ignore[arg-type]
    if isinstance(value, Mapping):
        return sorted((str(k), _stable(v)) for k, v in value.items())
    if isinstance(value, set | frozenset):
        return sorted(json.dumps(_stable(v), sort_keys=True, default=str) for v in value)
    if isinstance(value, list | tuple):
        return [_stable(v) for v in value]
    return value if isinstance(value, str | int | float | bool | None) else str(value)


def _fingerprint(tables: Sequence[Table | None], options: SyncOptions, timezone: str) -> str:
    digest = hashlib.sha256()
    settings = {
        "tpbis": __version__,
        "rubric": _stable(options.rubric),
        "periods": [p.key for p in options.periods],
        "lang": options.lang,
        "columns": dict(options.read.columns),
        "day_first": options.read.day_first,
        "timezone": timezone,
    }
    digest.update(json.dumps(settings, sort_keys=True).encode())
    for table in tables:
        if table is None:
            digest.update(b"\x00none")
            continue
        digest.update(json.dumps([table.name, table.header], default=str).encode())
        for row in table.rows:
            digest.update(json.dumps(row, default=str, separators=(",", ":")).encode())
    return digest.hexdigest()


def _normalised(rows: Sequence[Sequence[object]]) -> list[tuple[str, ...]]:
    out = []
    for row in rows:
        cells = ["" if c is None else (repr(float(c)) if isinstance(c, int | float) and not isinstance(c, bool) else str(c))
                 for c in row]
        while cells and cells[-1] == "":
            cells.pop()
        out.append(tuple(cells))
    while out and not out[-1]:
        out.pop()
    return out


def _change(tab: OutputTab, existing: Table | None) -> TabChange:
    after = _normalised(tab.grid())
    if existing is None:
        return TabChange(name=tab.name, rows_before=None, rows_after=len(tab.rows), rows_changed=len(tab.rows))
    before = _normalised([existing.header, *existing.rows])
    changed = sum(1 for i in range(max(len(before), len(after)))
                  if (before[i] if i < len(before) else None) != (after[i] if i < len(after) else None))
    return TabChange(name=tab.name, rows_before=max(len(before) - 1, 0), rows_after=len(tab.rows), rows_changed=changed)


def _render(report: ScoreReport, awards: AwardsReport | None, lang: str) -> tuple[OutputTab, ...]:
    problems = awards.problems if awards is not None else report.parse.problems
    return (
        scores_tab(report.runs, lang),
        regions_tab(report.runs, lang),
        awards_tab(awards, lang),
        problems_tab(problems, lang),
    )


def _longest(runs: Sequence[KpiRun]) -> KpiRun:
    return max(runs, key=lambda r: (r.period.end - r.period.start).days)


def sync(workbook: Workbook, options: SyncOptions, progress: Progress | None = None) -> SyncResult:
    """Score the workbook's responses and write the output tabs back.

    Raises:
        SourceError: the responses or registry tab is missing or unusable.
        LockError: another sync holds an unexpired lock.
    """
    steps = len(_STEPS)

    def step(index: int) -> None:
        if progress is not None:
            progress(_STEPS[index], index + 1, steps)

    step(0)
    read = options.read
    info = workbook.info()
    responses_name = responses_tab_name(info.tabs, info.title, read.responses_tab)
    if read.registry_tab not in info.tabs:
        raise SourceError.from_catalogue("error.no_registry", tab=read.registry_tab, path=info.title)
    wanted = [responses_name, read.registry_tab]
    wanted += [name for name in (CONTEST_TAB, STATE_TAB) if name in info.tabs]
    outputs = [n for n in output_names(options.lang) if n in info.tabs]
    if options.dry_run:
        wanted += outputs
    tables = workbook.read(wanted)
    state = read_state(tables.get(STATE_TAB))
    timezone = read.timezone(info.timezone)
    contests = tables.get(CONTEST_TAB)
    fingerprint = _fingerprint(
        [tables[responses_name], tables[read.registry_tab], contests], options, timezone
    )

    def result(status: str, changes: tuple[TabChange, ...] = (), requests: int = 0) -> SyncResult:
        return SyncResult(
            status=status, info=info, report=report, awards=awards, tabs=tabs, changes=changes,
            fingerprint=fingerprint, write_requests=requests, responses_tab=responses_name, state=state,
        )

    report: ScoreReport | None = None
    awards: AwardsReport | None = None
    tabs: tuple[OutputTab, ...] = ()
    unchanged = state.is_current(fingerprint) and all(name in info.tabs for name in output_names(options.lang))
    if unchanged and not options.force and not options.dry_run:
        return result("unchanged")

    step(1)
    inputs = Inputs(
        responses=tables[responses_name],
        registry=read_registry(tables[read.registry_tab]),
        sheet_timezone=timezone,
        contests=contests,
    )
    report = score_inputs(inputs, options.rubric, options.periods, read=read)
    awards = awards_for(report, inputs, run=_longest(report.runs)) if options.rubric.awards else None
    tabs = _render(report, awards, options.lang)
    inputs_named = {responses_name, read.registry_tab, CONTEST_TAB} & {tab.name for tab in tabs}
    if inputs_named:  # a registry tab called "Penghargaan", say: never overwrite input
        raise SourceError.from_catalogue("sync.output_is_input", tab=", ".join(sorted(inputs_named)))
    if options.dry_run:
        return result("dry_run", tuple(_change(tab, tables.get(tab.name)) for tab in tabs))

    step(2)
    _check_lock(state, options)
    locked = attrs.evolve(
        state,
        format=STATE_FORMAT,
        status=SyncStatus.WRITING,
        fingerprint=fingerprint,
        lock_owner=options.owner,
        lock_expires=options.now.add(minutes=options.lock_minutes),
    )
    requests = workbook.write([state_tab(locked)])
    check = read_state(workbook.read([STATE_TAB]).get(STATE_TAB))
    if check.lock_owner != options.owner:
        raise LockError.from_catalogue("sync.lock_lost", owner=check.lock_owner or "?")

    step(3)
    final = attrs.evolve(
        locked.unlocked(),
        status=SyncStatus.COMPLETE,
        rubric=options.rubric.ref,
        periods=tuple(p.key for p in options.periods),
        lang=options.lang,
        tpbis_version=__version__,
        last_complete_at=options.now,
        last_complete_fingerprint=fingerprint,
        last_complete_counts=report.parse.counts,
    )
    try:
        requests += workbook.write([*tabs, state_tab(final)])
    except BaseException:
        _release_after_failure(workbook, state, locked)
        raise
    return result("written", requests=requests)


def _check_lock(state: SyncState, options: SyncOptions) -> None:
    if options.break_lock or not state.held_by_other(options.owner, options.now):
        return
    expires = state.lock_expires.to_iso8601_string() if state.lock_expires is not None else "?"
    raise LockError.from_catalogue("sync.locked", owner=state.lock_owner, expires=expires)


def _release_after_failure(workbook: Workbook, state: SyncState, locked: SyncState) -> None:
    """Best effort: mark the sync interrupted and free the lock; the last complete result stays recorded."""
    released = attrs.evolve(
        locked.unlocked(), status=SyncStatus.INTERRUPTED, last_complete_at=state.last_complete_at
    )
    with contextlib.suppress(Exception):  # the original error is what the user must see
        workbook.write([state_tab(released)])
