"""The HTML report of one period: its data built over the service (here), drawn by :mod:`tpbis.render.report`.

:func:`build_report_data` parses and scores through :mod:`tpbis.service`, so it
lives above the service layer; the rendering below it only draws what it is given.

>>> import tpbis
>>> from tpbis.report import build_report_data, render_report
>>> inputs = tpbis.load_inputs("examples/kepri-2024.xlsx")  # doctest: +SKIP
>>> data = build_report_data(inputs, tpbis.default_rubric(), tpbis.Period.parse("2024-09"))  # doctest: +SKIP
>>> html = render_report(data, lang="en")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction

from tpbis.domain.kpi import KpiRun, LibraryResult
from tpbis.domain.library import Registry
from tpbis.domain.period import Period
from tpbis.domain.problems import Problem
from tpbis.domain.rubric import Rubric
from tpbis.errors import SourceError
from tpbis.history import Snapshot, closures, latest_snapshots
from tpbis.parsing.mapping import Field, resolve_columns
from tpbis.parsing.matching import LibraryMatcher
from tpbis.parsing.table import cell_text
from tpbis.render.report import (
    ReportData,
    awards_period,
    previous_period,
    render_report,
    trend_periods,
)
from tpbis.service import Inputs, ScoreReport, score_inputs
from tpbis.service.close import freeze

__all__ = ["ReportData", "build_report_data", "render_report", "trend_periods"]


def _owners(
    inputs: Inputs, problems: Iterable[Problem], columns: Mapping[str, str] | None
) -> dict[tuple[str | None, str, int], str]:
    """Which registered library each problem row of the responses names, by :attr:`Problem.where`
    (rows naming none are left out), in every SOURCE of the run."""
    several = bool(inputs.more)
    tables = {(source.name if several else None, source.responses.name): source.responses
              for source in inputs.sources()}
    library_column: dict[tuple[str | None, str], int | None] = {}
    matcher = LibraryMatcher(inputs.registry)
    owners: dict[tuple[str | None, str, int], str] = {}
    for problem in problems:
        table = tables.get((problem.source, problem.tab))
        if table is None:
            continue
        if (problem.source, problem.tab) not in library_column:
            try:
                found_column: int | None = resolve_columns(table.header, columns, tab=table.name)[Field.LIBRARY]
            except (SourceError, KeyError):  # the parse already said so; nothing to attribute
                found_column = None
            library_column[(problem.source, problem.tab)] = found_column
        column = library_column[(problem.source, problem.tab)]
        index = problem.row - table.header_row - 1
        if column is None or not 0 <= index < len(table.rows):
            continue
        cells = table.rows[index]
        typed = cell_text(cells[column]) if column < len(cells) else ""
        found = matcher.match(typed).library
        if found is not None:
            owners[problem.where] = found.id
    return owners


def _published(snapshots: Mapping[str, Snapshot], period: Period, rubric: Rubric, registry: Registry) -> KpiRun:
    """A trend month as the history holds it: each registered library's published composite and colour."""
    results = []
    for library in registry:
        found = snapshots.get(library.id)
        if found is None or found.composite is None or found.color is None:
            continue
        results.append(LibraryResult(
            library=library, period=period, indicators=(), composite_exact=Fraction(found.composite),
            composite=found.composite, color=found.color, activity_count=0, rubric=rubric,
        ))
    return KpiRun(rubric=rubric, period=period, results=tuple(results))


def build_report_data(
    inputs: Inputs,
    rubric: Rubric,
    period: Period,
    *,
    columns: Mapping[str, str] | None = None,
    day_first: bool = True,
    history: Sequence[Snapshot] = (),
) -> ReportData:
    """Parse once; score ``period``, the year to date and the period before; evaluate the awards over
    the year to date; find which library each problem row names.

    The trend (each month of the year so far) comes from the ``Riwayat`` ``history`` (a workbook a sync
    wrote, :func:`tpbis.history.read_history`) for the months it holds, as they were published; only
    the months it lacks are scored, over the same parse. Closed periods show their frozen values
    (:func:`tpbis.service.close.freeze`).
    """
    months = trend_periods(period)
    year = awards_period(period)
    before = previous_period(period)
    held = {month.key: found for month in months if (found := latest_snapshots(history, month.key))}
    missing = [month for month in months if month.key not in held]
    periods = [period, year, *([before] if before is not None else []), *missing]
    scored = score_inputs(inputs, rubric, periods, columns=columns, day_first=day_first)
    first = 3 if before is not None else 2
    report, awards = freeze(ScoreReport(parse=scored.parse, runs=scored.runs[:first]), inputs, closures(history),
                            awards_run=scored.runs[1], rubrics=rubric)
    assert awards is not None
    run = report.runs[0]
    rescored = {month.key: r for month, r in zip(missing, scored.runs[first:], strict=True)}
    trend = tuple(
        rescored[month.key] if month.key in rescored else _published(held[month.key], month, rubric, inputs.registry)
        for month in months
    )
    previous = report.runs[2] if before is not None else None
    if previous is not None and not any(r.activity_count for r in previous.results):
        previous = None  # no data that far back: nothing to compare with
    return ReportData(
        run=run, trend=trend, awards=awards, previous=previous,
        owners=_owners(inputs, awards.problems, columns), activities=report.parse.activities,
    )
