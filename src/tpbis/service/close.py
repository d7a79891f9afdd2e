"""Closed periods: a period ``tpbis close`` froze keeps its published values.

A closure is recorded in the ``Riwayat`` history tab (see :mod:`tpbis.history`):
``close`` rows repeat the period's last published snapshot, a later ``reopen``
row ends it. :func:`freeze` applies the closures to a fresh scoring: each closed
period shows the frozen composite, colour and indicator values, its awards are
evaluated on those values and on the award tallies frozen with them (the
``awards`` column; a closure written before it existed: over the rows reported
up to the close) among the libraries frozen, and wherever
the data now give another colour, composite or award winner, one warning
``period.closed_changed`` per library names the old and new values and the
rows responsible (the library's rows in the period reported after the close;
when there are none, all its rows in the period: an edited row).

Nothing here writes: ``tpbis sync`` and ``tpbis close`` write through the
sync's lock and atomic commit (:mod:`tpbis.service.sync`); ``score``,
``awards`` and ``report`` show the same frozen values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

import attrs

from tpbis.domain.activity import Activity
from tpbis.domain.awards import KindTallies, award_tally
from tpbis.domain.kpi import IndicatorResult, KpiRun, LibraryResult, score, score_library, tally
from tpbis.domain.period import Period
from tpbis.domain.problems import Problem, Severity
from tpbis.domain.rubric import Rubric, RubricSchedule
from tpbis.errors import PeriodError
from tpbis.history import Closure, Snapshot
from tpbis.message import Message
from tpbis.rubrics import shipped_rubrics
from tpbis.service.score import AwardsReport, Inputs, ScoreReport, awards_for

__all__ = ["CLOSED_CHANGED", "closure_for", "freeze", "frozen_result", "frozen_start", "named_period"]

#: The problem code of a closed period whose data now give other values.
CLOSED_CHANGED = "period.closed_changed"

_HUNDRED = Fraction(100)


def named_period(period: Period) -> Period:
    """The month, quarter, semester or year with ``period``'s very dates (``2024-01-01..2024-12-31`` →
    ``2024``), else ``period``: a closure is kept under the period's named key."""
    start, end = period.start, period.end
    if start.year != end.year:
        return period
    year = start.year
    candidates = [
        Period.year(year), *(Period.semester(year, s) for s in (1, 2)), *(Period.quarter(year, q) for q in range(1, 5)),
        *(Period.month(year, m) for m in range(1, 13)),
    ]
    return next((c for c in candidates if (c.start, c.end) == (start, end)), period)


def closure_for(closed: Mapping[str, Closure], period: Period) -> Closure | None:
    """The closure of ``period``: closed under its key, or under another key for the same dates."""
    found = closed.get(period.key)
    if found is not None:
        return found
    for key, closure in closed.items():
        try:
            other = Period.parse(key)
        except PeriodError:  # a hand-typed period cell
            continue
        if (other.start, other.end) == (period.start, period.end):
            return closure
    return None


def _value(number: int | float | None) -> Fraction | None:
    return None if number is None else Fraction(str(number))


def _indicator(result: IndicatorResult, frozen: Mapping[str, int | float | None], late: set[int]) -> IndicatorResult:
    """``result`` at the frozen value (score = 100 × min(value ÷ target, 1)), without the late rows."""
    rows = tuple(r for r in result.rows if r not in late)
    if result.id not in frozen:  # not in the snapshot (hand-edited): the rows reported by then are all we know
        return attrs.evolve(result, rows=rows)
    shown = result.shown_value
    if (None if shown is None else Fraction(str(shown))) == _value(frozen[result.id]):
        return attrs.evolve(result, rows=rows)  # unchanged: keep the exact value (a share is stored rounded)
    value = _value(frozen[result.id])
    if value is None or value <= 0:  # a hand-edited negative value scores nothing, as no activity does
        score = Fraction(0)
    elif value >= result.target:
        score = _HUNDRED
    else:
        score = _HUNDRED * value / result.target
    return attrs.evolve(result, value=value, score=score, rows=rows)


def frozen_result(result: LibraryResult, snapshot: Snapshot, late: Sequence[int] = ()) -> LibraryResult:
    """``result`` (scored now) carrying the composite, colour and indicator values of ``snapshot``.

    ``late`` are the rows reported after the close: they leave the indicator rows and the activity count.
    """
    if snapshot.composite is None or snapshot.color is None:  # an unreadable cell: nothing frozen to show
        return result
    gone = set(late)
    count = (max(result.activity_count - len(gone), 0) if snapshot.awards is None
             else sum(t.count for t in snapshot.awards.values()))
    return attrs.evolve(
        result,
        indicators=tuple(_indicator(i, snapshot.indicators, gone) for i in result.indicators),
        composite=snapshot.composite,
        # the exact composite when it rounds to the frozen one (the plan's "points to go" stay as published)
        composite_exact=result.composite_exact if result.composite == snapshot.composite else Fraction(snapshot.composite),
        color=snapshot.color,
        activity_count=count,
    )


def _late(activities: Sequence[Activity], run: KpiRun, closure: Closure) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Per library, its rows in the period reported after the close, and all its rows in the period."""
    late: dict[str, list[int]] = {}
    every: dict[str, list[int]] = {}
    start, end = run.period.start, run.period.end
    for activity in activities:
        if not start <= activity.date <= end:
            continue
        every.setdefault(activity.library_id, []).append(activity.source.row)
        if closure.at is not None and activity.reported_at > closure.at:
            late.setdefault(activity.library_id, []).append(activity.source.row)
    return late, every


def _winners(awards: AwardsReport | None) -> dict[str, list[str]]:
    """Library id → the categories it wins (rank 1), as ``category L<level>``."""
    out: dict[str, list[str]] = {}
    for category in awards.categories if awards is not None else ():
        for entry in category.entries:
            if entry.rank == 1:
                out.setdefault(entry.library.id, []).append(f"{category.category.id} L{category.level}")
    return out


def _shown(composite: Decimal | None, color: str | None, wins: Sequence[str]) -> str:
    text = f"{color or '?'} {composite if composite is not None else '?'}"
    return text + (f" [{', '.join(wins)}]" if wins else "")


def _rows_text(rows: Sequence[int], limit: int = 20) -> str:
    ordered = sorted(set(rows))
    text = ", ".join(map(str, ordered[:limit]))
    return text + (", …" if len(ordered) > limit else "") if text else "-"


def frozen_start(
    run: KpiRun, activities: Iterable[Activity], closure: Closure, library_id: str,
) -> tuple[list[Activity], KindTallies | None]:
    """Where a what-if of a closed period starts (:func:`tpbis.domain.awards.what_if`'s ``activities`` and
    ``tallies``): the library's rows in the period reported by the close, and the award tallies frozen with it.

    ``run`` is the period's frozen run (its rubric the closed one). Raises :class:`PeriodError` (exit 2) for
    a library the close did not freeze, and when those rows no longer give the frozen composite and colour
    (rows edited since the close, or a closed rubric not found): the answer would not start where the
    published result stands.
    """
    period = run.period
    snapshot = closure.snapshots.get(library_id)
    if snapshot is None:
        raise PeriodError.from_catalogue("whatif.closed_absent", period=period.key, library=library_id)
    library = next(r.library for r in run.results if r.library.id == library_id)
    then = [a for a in activities if a.library_id == library_id and period.start <= a.date <= period.end
            and (closure.at is None or a.reported_at <= closure.at)]
    rescored = score_library(library, tally(then, period).get(library_id, {}), run.rubric, period)
    if (rescored.composite, rescored.color) != (snapshot.composite, snapshot.color):
        old = _shown(snapshot.composite, snapshot.color.value if snapshot.color is not None else None, ())
        raise PeriodError.from_catalogue(
            "whatif.closed_edited", period=period.key, library=library_id, old=old,
            new=_shown(rescored.composite, rescored.color.value, ()),
        )
    return then, snapshot.awards


def _frozen_rubric(
    run: KpiRun, closure: Closure, activities: Sequence[Activity], inputs: Inputs,
    rubrics: Rubric | RubricSchedule | None,
) -> KpiRun:
    """``run`` scored with the rubric the closure froze (by content digest) when the one in force now differs.

    A closed period keeps its rubric: its outputs name it and its indicator scores use its targets. The
    rubric is looked for among ``rubrics`` (the configured ones) and the shipped catalogue; when it is
    not found there (a rubric file since edited), ``run`` is kept.
    """
    digests = {s.digest for s in closure.snapshots.values() if s.digest}
    if len(digests) != 1 or run.rubric.digest in digests:
        return run
    given = [rubrics] if isinstance(rubrics, Rubric) else [s.rubric for s in rubrics.spans] if rubrics else []
    found = next((r for r in (*given, *shipped_rubrics()) if r.digest in digests), None)
    return run if found is None else score(activities, inputs.registry, found, run.period)


def _frozen_tallies(closure: Closure, activities: Sequence[Activity], period: Period) -> dict[str, KindTallies]:
    """The award tallies of a closed period's libraries: those frozen with each one's snapshot, and for a
    library without them (a closure older than the ``awards`` column, values the close did not read
    again) its rows reported up to the close (tallied only when some library needs them)."""
    frozen = {library: s.awards for library, s in closure.snapshots.items() if s.awards is not None}
    if len(frozen) == len(closure.snapshots):
        return frozen
    then = [a for a in activities if closure.at is None or a.reported_at <= closure.at]
    return {**award_tally(then, period), **frozen}


def freeze(
    report: ScoreReport, inputs: Inputs, closed: Mapping[str, Closure], *, awards_run: KpiRun | None = None,
    rubrics: Rubric | RubricSchedule | None = None,
) -> tuple[ScoreReport, AwardsReport | None]:
    """``report`` with each closed period at its frozen values, the awards of ``awards_run`` (one of
    ``report.runs``; ``None``: no awards), and one ``period.closed_changed`` warning per library whose
    colour, composite or award the data now change (added to the parse's and the awards' problems).

    A closed period is scored with the rubric it was closed with when that is one of ``rubrics`` (the
    configured rubrics) or a shipped one, even when another rubric is in force for it now.
    """
    activities = report.parse.activities
    runs: list[KpiRun] = []
    problems: list[Problem] = []
    awards: AwardsReport | None = None
    tab = inputs.responses.name
    for run in report.runs:
        closure = closure_for(closed, run.period)
        if closure is None:
            runs.append(run)
            if run is awards_run:
                awards = awards_for(report, inputs, run=run)
            continue
        with_awards = run is awards_run
        run = _frozen_rubric(run, closure, activities, inputs, rubrics)
        late, every = _late(activities, run, closure)
        results = tuple(
            frozen_result(r, closure.snapshots[r.library.id], late.get(r.library.id, ()))
            if r.library.id in closure.snapshots else r
            for r in run.results
        )
        frozen = attrs.evolve(run, results=results)
        runs.append(frozen)
        old_wins: dict[str, list[str]] = {}
        new_wins: dict[str, list[str]] = {}
        if with_awards:
            # only the libraries frozen compete: one registered since the close cannot take a closed award
            competing = attrs.evolve(frozen, results=tuple(r for r in results if r.library.id in closure.snapshots))
            awards = awards_for(report, inputs, run=competing, tallies=_frozen_tallies(closure, activities, run.period))
            old_wins, new_wins = _winners(awards), _winners(awards_for(report, inputs, run=run))
        for now in run.results:
            library = now.library.id
            snapshot = closure.snapshots.get(library)
            before = (snapshot.composite, snapshot.color) if snapshot is not None else (None, None)
            if before == (now.composite, now.color) and old_wins.get(library, []) == new_wins.get(library, []):
                continue
            rows = late.get(library) or every.get(library) or []
            old = _shown(before[0], before[1].value if before[1] is not None else None, old_wins.get(library, []))
            new = _shown(now.composite, now.color.value, new_wins.get(library, []))
            problems.append(Problem(
                row=min(rows) if rows else 0, column="", code=CLOSED_CHANGED, severity=Severity.WARNING,
                message=Message(f"problem.{CLOSED_CHANGED}", period=run.period.key, library=f"{now.library.name} ({library})",
                                old=old, new=new, rows=_rows_text(rows)),
                value=new, tab=tab,
            ))
        scored = {r.library.id for r in run.results}
        for library, snapshot in closure.snapshots.items():
            if library in scored:
                continue
            # frozen, but no longer in the registry: its published result is gone from the outputs
            old = _shown(snapshot.composite, snapshot.color.value if snapshot.color is not None else None,
                         old_wins.get(library, []))
            problems.append(Problem(
                row=0, column="", code=CLOSED_CHANGED, severity=Severity.WARNING,
                message=Message(f"problem.{CLOSED_CHANGED}", period=run.period.key, library=library,
                                old=old, new="?", rows="-"),
                value="?", tab=tab,
            ))
    if not problems:
        return ScoreReport(parse=report.parse, runs=tuple(runs)), awards
    parse = attrs.evolve(report.parse, problems=(*report.parse.problems, *problems))
    if awards is not None:
        awards = attrs.evolve(awards, problems=(*awards.problems, *problems))
    return ScoreReport(parse=parse, runs=tuple(runs)), awards
