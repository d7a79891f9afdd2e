"""The sync service: read → parse → score → awards → render → write, over a workbook port.

One function, :func:`sync`, runs the same way on Google Sheets, XLSX and
in-memory workbooks. Its request budget on Google Sheets:

* unchanged input (and outputs as tpbis wrote them): 1 spreadsheet GET +
  1 ``values:batchGet`` (inputs, state, lock and output tabs), nothing written;
* changed input: those 2 reads, 1 ``:batchUpdate`` that takes the lock, and
  1 atomic ``:batchUpdate`` that writes every output tab and the state,
  removes tabs no longer written and releases the lock — 4 requests; an
  output larger than one request adds one request per extra chunk (written
  to hidden staging tabs and swapped in by that last ``:batchUpdate``).

Readers see the old result or the new one, never a mix; an interrupted sync
leaves the old result and state whole, and the next run converges.

The lock is the tab ``_tpbis_lock`` (see :mod:`tpbis.service.state`): created
by an ``addSheet`` with that fixed title, so of two syncs exactly one gets it;
it holds an opaque run id and a heartbeat, and expires
:data:`~tpbis.service.state.LOCK_TTL` seconds after the last heartbeat. A
stale lock is broken by deleting that very tab and adding a new one in one
request (so two breakers cannot both win).

The sync cannot silently mislead: without periods it scores the latest month
with data and the year containing it; it refuses to replace a result that had
activities with an all-empty one unless forced; tabs it wrote before and no
longer writes (the other language's) are removed; output tabs edited by hand
are detected (a digest of their values is kept in the state) and rewritten.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from array import array
from collections.abc import Callable, Mapping, Sequence

import attrs
import pendulum

from tpbis._version import __version__
from tpbis.domain.awards import award_tally
from tpbis.domain.kpi import KpiRun, collector_paused, score
from tpbis.domain.period import Period
from tpbis.domain.rubric import Rubric, RubricSchedule, rubric_for
from tpbis.errors import LockError, PeriodError, SourceError, TpbisError
from tpbis.history import (
    HISTORY_COLUMNS,
    HISTORY_TAB,
    Changes,
    Closure,
    Event,
    Snapshot,
    changes,
    closures,
    current_header,
    event_rows,
    history_rows,
    history_tab,
    latest_snapshots,
    read_history,
)
from tpbis.parsing.contests import CONTEST_TAB
from tpbis.parsing.registry import RegistryPart, merge_registries, read_registry
from tpbis.parsing.table import Table
from tpbis.ports import (
    LOCK_TAB,
    STAGING_PREFIX,
    Append,
    Commit,
    LockContended,
    OutputTab,
    Workbook,
    WorkbookInfo,
)
from tpbis.service.close import closure_for, freeze, named_period
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
    SourceResponses,
    responses_tab_name,
    score_inputs,
)
from tpbis.service.state import (
    HEARTBEAT_SECONDS,
    STATE_FORMAT,
    LockRecord,
    SyncState,
    SyncStatus,
    lock_cells,
    read_lock,
    read_state,
)

__all__ = [
    "STATE_FORMAT",
    "SyncOptions",
    "SyncResult",
    "SyncState",
    "SyncStatus",
    "TabChange",
    "default_periods",
    "outputs_digest",
    "periods_for_data",
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


def periods_for_data(latest: pendulum.Date) -> tuple[Period, Period]:
    """The periods a sync without ``--period`` scores: the month of ``latest`` and its (programme) year."""
    return Period.month(latest.year, latest.month), Period.year(latest.year)


@attrs.frozen(kw_only=True)
class SyncOptions:
    """What to compute and how to write it.

    Args:
        periods: periods to score; awards use the longest. Empty: the periods
            the data covers (:func:`periods_for_data` of the latest activity date).
        rubric: one rubric for every period, or a schedule whose rubric in force scores each period.
        owner: this run's opaque id (goes into the lock; no user or host name).
        now: the current instant (the service has no clock of its own).
        clock: the current instant each time it is called (heartbeats, and
            waiting for a silent lock to expire); without it the time is
            ``now`` throughout and a live-looking lock is never waited for.
        sleep: how to wait (seconds); used only with ``clock``.
        lang: output language for tab names, headers and messages.
        read: tab names, time zone (unset: the spreadsheet's, else
            Asia/Jakarta), day-first rule and column mapping — the same
            value ``tpbis score`` reads files with.
        dry_run: compute and compare, write nothing.
        force: rewrite even when the input is unchanged, and write an all-empty
            result over a non-empty one.
        break_lock: take over a lock held by someone else.
        lock_minutes: unused (kept for callers); a lock expires
            :data:`~tpbis.service.state.LOCK_TTL` seconds after its last heartbeat.
        event: ``tpbis close``: :attr:`Event.CLOSE` freezes ``closing`` at its last published
            snapshot (scoring and publishing it first when it never was), :attr:`Event.REOPEN`
            ends its closure; either rewrites the outputs over the periods the last sync wrote
            (and ``closing``) in the same locked, atomic commit as a sync.
        closing: the period ``event`` is about.
    """

    periods: tuple[Period, ...]
    rubric: Rubric | RubricSchedule
    owner: str
    now: pendulum.DateTime
    lang: str = "id"
    read: ReadOptions = attrs.Factory(ReadOptions)
    dry_run: bool = False
    force: bool = False
    break_lock: bool = False
    lock_minutes: int = 15
    clock: Callable[[], pendulum.DateTime] | None = None
    sleep: Callable[[float], None] | None = None
    event: Event | None = None
    closing: Period | None = None
    #: further SOURCEs read with the workbook's responses (``tpbis sync BOOK MORE…``), and the channel of the first
    more_sources: tuple[SourceResponses, ...] = ()
    channel: str | None = None
    #: the registries of those SOURCEs, merged with the workbook's (none with ``--registry``)
    more_registries: tuple[RegistryPart, ...] = ()

    def time(self) -> pendulum.DateTime:
        """The current instant."""
        return self.clock() if self.clock is not None else self.now


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
    ``None`` and ``state`` tells about the last complete sync) or ``dry_run``;
    for ``tpbis close`` also ``already_closed`` or ``not_closed`` (nothing
    written, ``closure`` tells when the period was closed).
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
    #: the periods were chosen from the data (no ``periods`` given)
    periods_from_data: bool = False
    #: output tabs whose values differed from what tpbis wrote (edited by hand), rewritten
    edited_tabs: tuple[str, ...] = ()
    #: tabs tpbis wrote before and no longer writes (e.g. the other language's), removed
    removed_tabs: tuple[str, ...] = ()
    #: a stale lock of a sync that stopped without finishing, broken by this one
    broken_lock: LockRecord | None = None
    #: rows appended to the ``Riwayat`` history tab
    history_added: int = 0
    #: the ``Riwayat`` tab differs from what the last sync left (rows removed or changed by hand);
    #: reported, never rewritten: new rows are appended below what is there
    history_edited: bool = False
    #: the scored periods that are closed: their outputs show the frozen values
    closed: tuple[str, ...] = ()
    #: ``tpbis close``: the closure of the period (made now, or found already there)
    closure: Closure | None = None


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


def _rubric_key(options: SyncOptions) -> list[str]:
    """The stamps (id@version and content digest) of the rubrics the periods are scored with.

    Choosing them here also refuses a period that straddles two rubrics before anything is written.
    """
    if options.periods:
        return [rubric_for(p, options.rubric).stamp for p in options.periods]
    if isinstance(options.rubric, Rubric):
        return [options.rubric.stamp]
    return [span.rubric.stamp for span in options.rubric.spans]


def _fingerprint(
    tables: Sequence[Table | None], options: SyncOptions, timezone: str, closed: Sequence[tuple[str, str]] = (),
) -> str:
    digest = hashlib.sha256()
    settings: dict[str, object] = {
        "tpbis": __version__,
        "rubric": _rubric_key(options),
        "periods": [p.key for p in options.periods] or "from-data",
        "lang": options.lang,
        "columns": dict(options.read.columns),
        "day_first": options.read.day_first,
        "timezone": timezone,
    }
    if closed:  # a close or reopen changes what is published from the same input
        settings["closed"] = sorted(closed)
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


def _render(
    report: ScoreReport, awards: AwardsReport | None, lang: str, found: Sequence[Changes] | None = None,
) -> tuple[OutputTab, ...]:
    problems = awards.problems if awards is not None else report.parse.problems
    return (
        scores_tab(report.runs, lang, found),
        regions_tab(report.runs, lang),
        awards_tab(awards, lang),
        problems_tab(problems, lang),
    )


def _longest(runs: Sequence[KpiRun]) -> KpiRun:
    return max(runs, key=lambda r: (r.period.end - r.period.start).days)


#: The output languages (every name tpbis may have written before).
_LANGS = ("id", "en")


def _digest(rows: Sequence[Sequence[object]]) -> str:
    digest = hashlib.sha256()
    for row in _normalised(rows):
        digest.update(json.dumps(row, ensure_ascii=False).encode())
        digest.update(b"\n")
    return digest.hexdigest()[:16]


def outputs_digest(grids: Sequence[Sequence[Sequence[object]]]) -> str:
    """Per-tab digests of output values as they read back (numbers as numbers, trailing blanks dropped)."""
    return " ".join(_digest(grid) for grid in grids)


def _grid(table: Table) -> list[Sequence[object]]:
    return [table.header, *table.rows]


def _latest_day(activities: Sequence[object], today: pendulum.Date) -> pendulum.Date | None:
    """The latest activity date up to ``today`` (dates after it are typing slips, not data), else the latest."""
    columns = getattr(activities, "columns", None)
    days = getattr(columns, "day", None)
    if isinstance(days, array):
        ordinals = list(days)
    else:
        ordinals = [d.toordinal() for d in (getattr(a, "date", None) for a in activities) if isinstance(d, pendulum.Date)]
    if not ordinals:
        return None
    limit = today.toordinal()
    past = [d for d in ordinals if d <= limit]
    return pendulum.Date.fromordinal(max(past or ordinals))


#: A staging tab as :mod:`tpbis.adapters.sheets` names it: ``_tpbis_staging_<hex token>_<n>``.
_STAGING_NAME = re.compile(re.escape(STAGING_PREFIX) + r"[0-9a-f]{6,32}_\d{1,6}")


class _QuietLock(Exception):
    """A lock that has not expired: watch it until it expires or its holder shows life."""

    def __init__(self, record: LockRecord) -> None:
        super().__init__(record.run)
        self.record = record


def _instant(value: pendulum.DateTime | None) -> str:
    return value.in_timezone("UTC").to_iso8601_string() if value is not None else "?"


def _locked(record: LockRecord | None) -> LockError:
    if record is None:
        return LockError.from_catalogue("sync.lock_lost", owner="?")
    run = record.run if len(record.run) <= 40 else record.run[:40] + "…"  # a hand-edited cell may be huge
    return LockError.from_catalogue(
        "sync.locked_run", run=run or "?", since=_instant(record.since), expires=_instant(record.expires)
    )


def _lock_tab(record: LockRecord) -> OutputTab:
    return OutputTab(name=LOCK_TAB, header=("key", "value"), rows=lock_cells(record), hidden=True)


def sync(workbook: Workbook, options: SyncOptions, progress: Progress | None = None) -> SyncResult:
    """Score the workbook's responses and write the output tabs back, atomically and under the lock.

    Raises:
        SourceError: the responses or registry tab is missing or unusable, or
            the new result is all empty where the last one was not (without ``force``).
        LockError: another sync holds an unexpired lock (or took it at the same moment).
    """
    while True:
        try:
            # one attempt reads, computes and writes once: its rows, results and messages hold no cycles
            # and live to its end, so the cyclic collector would only re-scan them (at national scale it
            # doubled the awards' time); what cyclic garbage an attempt leaves is collected after it
            with collector_paused():
                return _attempt(workbook, options, progress)
        except _QuietLock as quiet:
            _wait_for(workbook, quiet.record, options)


def _wait_for(workbook: Workbook, seen: LockRecord, options: SyncOptions) -> None:
    """Watch a held lock until it expires (its holder died: break it) or shows life (exit 3).

    A sync killed with SIGKILL leaves its lock behind; the next run waits at most
    :data:`~tpbis.service.state.LOCK_TTL` seconds for it, then takes over.
    """
    assert options.sleep is not None
    while True:
        expires = seen.expires
        now = options.time()
        if expires is None or expires <= now:
            return
        options.sleep(min(float(HEARTBEAT_SECONDS) / 2, (expires - now).total_seconds() + 0.5))
        info = workbook.info()
        current = read_lock(workbook.read([LOCK_TAB]).get(LOCK_TAB)) if LOCK_TAB in info.tabs else None
        if current is None or current.run != seen.run or current.heartbeat != seen.heartbeat:
            # a heartbeat, a release or a new holder: that sync was alive, so this one steps back
            # (of two syncs started together exactly one writes)
            raise _locked(current or seen)


def _attempt(workbook: Workbook, options: SyncOptions, progress: Progress | None) -> SyncResult:
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
    inputs_names = {responses_name, read.registry_tab, CONTEST_TAB}
    known_outputs = {name for lang in _LANGS for name in output_names(lang)} - inputs_names
    wanted = [responses_name, read.registry_tab]
    history_name = history_tab(info.tabs)  # "RIWAYAT" renamed by hand is still the history
    wanted += [name for name in (CONTEST_TAB, STATE_TAB, LOCK_TAB, history_name) if name in info.tabs]
    wanted += [name for name in info.tabs if name in known_outputs]
    tables = workbook.read(wanted)
    state = read_state(tables.get(STATE_TAB))
    held = read_lock(tables.get(LOCK_TAB)) if LOCK_TAB in info.tabs else None
    timezone = read.timezone(info.timezone)
    contests = tables.get(CONTEST_TAB)
    history = _History.of(tables.get(history_name), state, history_name)
    closed = closures(history.snapshots)
    closure: Closure | None = None
    publish_closing = False
    if options.event is not None:
        assert options.closing is not None
        found = closure_for(closed, named_period(options.closing))  # 2024-01-01..2024-12-31 is 2024
        closing = Period.parse(found.period) if found is not None else named_period(options.closing)
        key = closing.key
        if (options.event is Event.CLOSE) == (found is not None):  # closing twice, or reopening an open period
            return SyncResult(
                status="already_closed" if found is not None else "not_closed", info=info, report=None,
                awards=None, tabs=(), changes=(), fingerprint="", write_requests=0, responses_tab=responses_name,
                state=state, closure=found,
            )
        options = attrs.evolve(options, closing=closing, periods=_event_periods(state, closing))
        if options.event is Event.REOPEN:
            closure = closed.pop(key)
        else:
            published = latest_snapshots(history.snapshots, key)
            closure = Closure(period=key, run=options.owner, at=options.now, snapshots=published)
            publish_closing = not published  # never published: score it now, publish it and freeze that
            if not publish_closing:
                closed[key] = closure
    frozen_keys = [(k, c.run) for k, c in closed.items()]
    if publish_closing:
        frozen_keys.append((options.closing.key if options.closing else "", options.owner))
    fingerprint = _fingerprint(
        [tables[responses_name], tables[read.registry_tab], contests,
         *(more.responses for more in options.more_sources), *(part.table for part in options.more_registries)],
        options, timezone, frozen_keys,
    )
    if state.tabs:
        before = tuple(name for name in state.tabs if name not in (STATE_TAB, LOCK_TAB) and name not in inputs_names)
    elif state.status is not SyncStatus.NONE:  # a state written before tpbis recorded its tabs
        before = tuple(name for name in info.tabs if name in known_outputs)
    else:
        before = ()
    if state.outputs:
        recorded = dict(zip(before, state.outputs.split(), strict=False))
        edited = tuple(
            name for name in before
            if name not in tables or recorded.get(name) != _digest(_grid(tables[name]))
        )
    else:
        edited = ()

    report: ScoreReport | None = None
    awards: AwardsReport | None = None
    tabs: tuple[OutputTab, ...] = ()
    from_data = not options.periods
    new_history: tuple[tuple[str | float | None, ...], ...] = ()
    broken: LockRecord | None = None
    removed: tuple[str, ...] = ()

    def result(status: str, changes: tuple[TabChange, ...] = (), requests: int = 0) -> SyncResult:
        return SyncResult(
            status=status, info=info, report=report, awards=awards, tabs=tabs, changes=changes,
            fingerprint=fingerprint, write_requests=requests, responses_tab=responses_name, state=state,
            periods_from_data=from_data, edited_tabs=edited if status != "unchanged" else (),
            removed_tabs=removed, broken_lock=broken,
            history_added=len(new_history) if status == "written" else 0,
            history_edited=history.edited and status != "unchanged",
            closed=tuple(run.period.key for run in report.runs if closure_for(closed, run.period)) if report else (),
            closure=closure,
        )

    names = output_names(options.lang)
    unchanged = (
        state.is_current(fingerprint) and not edited and bool(state.outputs)
        and all(name in info.tabs for name in names) and set(names) <= set(before)
    )
    if unchanged and not options.force and not options.dry_run and options.event is None:
        return result("unchanged")

    step(1)
    inputs = Inputs(
        responses=tables[responses_name],
        registry=read_registry(tables[read.registry_tab]),
        sheet_timezone=timezone,
        contests=contests,
    )
    if options.more_sources or options.more_registries:  # several SOURCEs: registries merged, responses tagged
        registry, merged = merge_registries(
            [RegistryPart(source=info.title, table=tables[read.registry_tab]), *options.more_registries])
        inputs = attrs.evolve(inputs, registry=registry, registry_problems=merged, name=info.title,
                              channel=options.channel, more=options.more_sources)
    if from_data:
        parsed = score_inputs(inputs, options.rubric, (), read=read).parse
        today = options.now.in_timezone(timezone).date()
        latest = _latest_day(parsed.activities, today)
        periods = periods_for_data(latest) if latest is not None else default_periods(today)
        report = ScoreReport(
            parse=parsed, runs=tuple(
                score(parsed.activities, inputs.registry, rubric_for(p, options.rubric), p) for p in periods
            )
        )
    else:
        report = score_inputs(inputs, options.rubric, options.periods, read=read)
    longest = _longest(report.runs)
    if options.event is Event.CLOSE and closure is not None and options.closing is not None:
        # the values scored now, read back as the history will hold them
        scored = [run for run in report.runs if run.period.key == closure.period]
        rows = history_rows(scored, run=options.owner, at=options.now, tpbis=__version__,
                            fingerprint=fingerprint, counts=report.parse.counts)
        again = {s.library_id: s for s in read_history(Table(name=HISTORY_TAB, header=HISTORY_COLUMNS, rows=rows))}
        frozen = again if publish_closing else closure.snapshots  # never published: what it publishes now is frozen
        # the award tallies are frozen with the values (an edited row cannot move the awards afterwards), for
        # each library whose published values the data read now give again: a close that reads other data
        # (fewer SOURCEs than the sync, rows changed since) freezes no tallies it did not publish
        tallies = award_tally(report.parse.activities, options.closing)
        closure = closed[closure.period] = attrs.evolve(closure, snapshots={
            library: attrs.evolve(s, awards=tallies.get(library, {})) if _same_values(s, again.get(library)) else s
            for library, s in frozen.items()
        })
    report, awards = freeze(report, inputs, closed, awards_run=longest if longest.rubric.awards else None,
                            rubrics=options.rubric)
    longest = _longest(report.runs)
    tabs = _render(report, awards, options.lang, _changes(report, inputs, options, history.snapshots))
    inputs_named = inputs_names & {*(tab.name for tab in tabs), history_name}
    if inputs_named:  # a registry tab called "Penghargaan", say: never overwrite input
        raise SourceError.from_catalogue("sync.output_is_input", tab=", ".join(sorted(inputs_named)))
    renamed = _claim_tabs(tabs, info.tabs, before, options.force)
    activities = sum(r.activity_count for r in longest.results)
    if options.dry_run:
        return result("dry_run", tuple(_change(tab, tables.get(tab.name)) for tab in tabs))
    if activities == 0 and state.activities > 0 and not options.force:
        raise SourceError.from_catalogue(
            "sync.empty_result", periods=", ".join(run.period.key for run in report.runs), before=state.activities
        )

    step(2)
    now = options.time()
    if held is not None and held.run != options.owner:
        if held.alive(now) and not options.break_lock:
            if options.clock is not None and options.sleep is not None:
                raise _QuietLock(held)  # watch it: a live holder shows life, a dead one expires
            raise _locked(held)
        broken = held
    try:
        requests = workbook.lock(
            _lock_tab(LockRecord(run=options.owner, since=now, heartbeat=now)), replace=held is not None,
            epoch=f"{state.last_complete_fingerprint}|{_instant(state.last_complete_at)}",
        )
    except LockContended:
        raise _locked(_current_lock(workbook)) from None

    step(3)
    new_names = tuple(tab.name for tab in tabs)
    # Only tabs tpbis writes are ever removed: output tabs (in either language) that the state
    # lists, and hidden staging tabs of an interrupted run, named as tpbis names them. The
    # state tab can be edited by anyone with access, so its list alone is not trusted.
    removed = tuple(
        name for name in (*before, *(n for n in info.tabs if _STAGING_NAME.fullmatch(n)))
        if name not in new_names and name in info.tabs and name not in inputs_names
        and (name in known_outputs or _STAGING_NAME.fullmatch(name))
    )
    skip = {run.period.key for run in report.runs if closure_for(closed, run.period)}
    skip -= {closure.period} if publish_closing and closure is not None else set()
    new_history = history.new_rows(report, options, fingerprint, now, skip=skip,
                                   fresh={closure.period} if options.event is Event.REOPEN and closure else set())
    if closure is not None and options.event is not None:
        marks = event_rows(closure.snapshots.values(), options.event, run=options.owner, at=options.now,
                           tpbis=__version__)
        # a close follows the values it freezes; a reopen precedes the values published now
        new_history = (*new_history, *marks) if options.event is Event.CLOSE else (*marks, *new_history)
    # an output tab renamed only in case (``SKOR KPI``) is replaced by the tab written under tpbis's name
    replaced_case = tuple(name for name in renamed if name not in removed)
    final = SyncState(
        format=STATE_FORMAT,
        status=SyncStatus.COMPLETE,
        fingerprint=fingerprint,
        rubric=", ".join(dict.fromkeys(run.rubric.stamp for run in report.runs)),
        periods=tuple(run.period.key for run in report.runs),
        lang=options.lang,
        tpbis_version=__version__,
        last_complete_at=now,
        last_complete_fingerprint=fingerprint,
        last_complete_counts=report.parse.counts,
        tabs=(*new_names, STATE_TAB),
        outputs=outputs_digest([tab.grid() for tab in tabs]),
        activities=activities,
        history_rows=history.rows_after(new_history),
        history_digest=history.digest_after(new_history),
    )

    def heartbeat() -> OutputTab:
        return _lock_tab(LockRecord(run=options.owner, since=now, heartbeat=options.time()))

    # the state first: on a first sync "_tpbis" is added before the outputs, as earlier versions did
    commit = Commit(tabs=(state_tab(final), *tabs), remove=(*removed, *replaced_case), heartbeat=heartbeat,
                    release=True, append=history.append(new_history))
    try:
        requests += workbook.commit(commit)
    except LockContended:
        with contextlib.suppress(Exception):
            workbook.unlock()
        raise _lock_lost(_current_lock(workbook)) from None
    except BaseException:
        with contextlib.suppress(Exception):  # the original error is what the user must see
            workbook.unlock()
        raise
    removed = tuple(name for name in removed if not name.startswith(STAGING_PREFIX))
    return result("written", requests=requests)


def _same_values(published: Snapshot, now: Snapshot | None) -> bool:
    """Whether ``now`` (the data read by a close) gives ``published``'s composite, colour and indicator values."""
    return now is not None and (published.composite, published.color, dict(published.indicators)) == (
        now.composite, now.color, dict(now.indicators))


def _event_periods(state: SyncState, closing: Period) -> tuple[Period, ...]:
    """What ``tpbis close`` rescores: the periods the last sync wrote (the tabs keep showing them) and ``closing``."""
    periods: list[Period] = []
    for key in state.periods:
        with contextlib.suppress(PeriodError):
            periods.append(Period.parse(key))
    return tuple(dict.fromkeys([*periods, closing]))


def _claim_tabs(tabs: Sequence[OutputTab], existing: Sequence[str], owned: Sequence[str], force: bool) -> tuple[str, ...]:
    """Check that every output tab replaces only a tab tpbis wrote; the owned tabs that differ only in case.

    Tab names compare case-insensitively (as Excel and Google Sheets do). A
    tab with an output's name that the last sync did not record in ``_tpbis``
    is the user's own: it is never replaced unless ``force`` adopts it.

    Raises:
        SourceError: a tab not written by tpbis has an output tab's name.
    """
    mine = {name.casefold() for name in owned}
    wanted = {tab.name.casefold(): tab.name for tab in tabs}
    foreign = [name for name in existing if name.casefold() in wanted and name.casefold() not in mine]
    if foreign and not force:
        raise SourceError.from_catalogue("sync.tab_not_ours", tab=", ".join(f"'{n}'" for n in foreign))
    return tuple(name for name in existing if name.casefold() in wanted and name != wanted[name.casefold()])


def _current_lock(workbook: Workbook) -> LockRecord | None:
    try:
        info = workbook.info()
        return read_lock(workbook.read([LOCK_TAB]).get(LOCK_TAB)) if LOCK_TAB in info.tabs else None
    except TpbisError:
        return None


def _lock_lost(record: LockRecord | None) -> LockError:
    return LockError.from_catalogue("sync.lock_lost", owner=record.run if record is not None and record.run else "?")


# the Riwayat history and the change since last time ------------------------------------------


@attrs.frozen(kw_only=True)
class _History:
    """The ``Riwayat`` tab as this sync read it, and what it appends."""

    grid: tuple[Sequence[object], ...]
    snapshots: tuple[Snapshot, ...]
    #: rows or values differ from what the last sync left
    edited: bool
    #: the tab's name in the workbook (:data:`HISTORY_TAB`, or so in other case)
    name: str = HISTORY_TAB

    @classmethod
    def of(cls, table: Table | None, state: SyncState, name: str = HISTORY_TAB) -> _History:
        grid = tuple(_grid(table)) if table is not None else ()
        edited = False
        if state.history_rows:
            seen = _normalised(grid)
            edited = len(seen) != state.history_rows or _digest(seen) != state.history_digest
        if not any(c is not None and c != "" for row in grid for c in row):
            grid = ()  # an emptied tab is written from its first row, header included
        return cls(grid=grid, snapshots=read_history(table), edited=edited, name=name)

    def new_rows(
        self, report: ScoreReport, options: SyncOptions, fingerprint: str, now: pendulum.DateTime,
        *, skip: set[str] | frozenset[str] = frozenset(), fresh: set[str] | frozenset[str] = frozenset(),
    ) -> tuple[tuple[str | float | None, ...], ...]:
        """One row per period × library; none for a period a snapshot has with this very input (unless
        ``fresh``: a reopened period), nor for a closed period (``skip``: it publishes nothing new)."""
        published = {(s.period, s.fingerprint) for s in self.snapshots}
        runs = [
            run for run in report.runs
            if run.period.key not in skip
            and (run.period.key in fresh or (run.period.key, fingerprint) not in published)
        ]
        return history_rows(runs, run=options.owner, at=now, tpbis=__version__, fingerprint=fingerprint,
                            counts=report.parse.counts)

    def _after(self, rows: Sequence[tuple[str | float | None, ...]]) -> list[Sequence[object]]:
        return [*(self.grid or ((HISTORY_COLUMNS,) if rows else ())), *self._headed(rows)]

    def _headed(self, rows: Sequence[tuple[str | float | None, ...]]) -> list[tuple[str | float | None, ...]]:
        """``rows``, after a new header row when the tab's header lacks a column this tpbis writes."""
        header = current_header(self.grid)
        if rows and self.grid and header[: len(HISTORY_COLUMNS)] != HISTORY_COLUMNS:
            return [HISTORY_COLUMNS, *rows]
        return list(rows)

    def rows_after(self, rows: Sequence[tuple[str | float | None, ...]]) -> int:
        """Rows of the tab once ``rows`` are appended, as they read back."""
        return len(_normalised(self._after(rows)))

    def digest_after(self, rows: Sequence[tuple[str | float | None, ...]]) -> str:
        """Digest of the tab's values once ``rows`` are appended."""
        after = self._after(rows)
        return _digest(after) if after else ""

    def append(self, rows: tuple[tuple[str | float | None, ...], ...]) -> tuple[Append, ...]:
        """The commit's append of ``rows`` below the rows read (nothing when there are none)."""
        if not rows:
            return ()
        headed = tuple(self._headed(rows))
        return (Append(tab=OutputTab(name=self.name, header=HISTORY_COLUMNS, rows=headed), start=len(self.grid)),)


def _changes(
    report: ScoreReport, inputs: Inputs, options: SyncOptions, snapshots: Sequence[Snapshot],
) -> list[Changes]:
    """Per run, each library's change against the previous period and the same period a year earlier."""
    activities = report.parse.activities

    def rescore(period: Period) -> KpiRun | None:
        try:
            return score(activities, inputs.registry, rubric_for(period, options.rubric), period)
        except TpbisError:  # no rubric in force for all of it (or the period is out of range)
            return None

    return [changes(run, snapshots, rescore) for run in report.runs]
