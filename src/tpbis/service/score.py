"""The scoring service: tables in, parsed activities and KPI runs out.

It imports no adapter: the caller (the CLI, :mod:`tpbis.sources`) opens the
files or spreadsheets and hands over :class:`~tpbis.parsing.table.Table` values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import attrs

from tpbis.domain.awards import CategoryResult, ContestResult, evaluate_awards, evaluate_contest
from tpbis.domain.kpi import KpiRun, score
from tpbis.domain.library import Registry
from tpbis.domain.period import Period
from tpbis.domain.problems import Problem
from tpbis.domain.rubric import Rubric, RubricSchedule, rubric_for
from tpbis.errors import SourceError
from tpbis.parsing.contests import CONTEST_TAB, read_contest_entries
from tpbis.parsing.registry import read_registry
from tpbis.parsing.rows import DEFAULT_TIMEZONE, Counts, ParseResult, parse_responses
from tpbis.parsing.table import Table
from tpbis.service.options import ReadOptions

__all__ = [
    "RESPONSES_TABS",
    "AwardsReport",
    "Inputs",
    "ScoreReport",
    "awards_for",
    "inputs_from_tables",
    "registry_from_tables",
    "responses_tab_name",
    "rubric_for",
    "score_inputs",
]

#: Tab names Google Forms gives the linked responses sheet (English, Indonesian UI).
RESPONSES_TABS = ("Form Responses 1", "Respons Formulir 1")


@attrs.frozen(kw_only=True)
class Inputs:
    """A responses table and the registry to read it against."""

    responses: Table
    registry: Registry
    sheet_timezone: str = DEFAULT_TIMEZONE
    #: jury-contest entries (the ``Lomba`` tab), when the workbook has one
    contests: Table | None = None


@attrs.frozen(kw_only=True)
class ScoreReport:
    """What one scoring run produced: the parse (problems, counts) and one KPI run per period."""

    parse: ParseResult
    runs: tuple[KpiRun, ...]


def responses_tab_name(tabs: Sequence[str], source: str, wanted: str | None = None) -> str:
    """The responses tab among ``tabs``: ``wanted``, else a Google Forms default name.

    Raises:
        SourceError: no such tab (the message lists the tabs found).
    """
    names = (wanted,) if wanted else RESPONSES_TABS
    for name in names:
        if name in tabs:
            return name
    # Google names later forms "Form Responses 2" etc.; take one when it is the only match.
    if not wanted:
        prefixed = [n for n in tabs if n.startswith(RESPONSES_TABS)]
        if len(prefixed) == 1:
            return prefixed[0]
    raise SourceError.from_catalogue(
        "error.no_responses_tab",
        path=source,
        wanted=", ".join(f"'{n}'" for n in names),
        found=", ".join(f"'{n}'" for n in tabs) or "-",
    )


def registry_from_tables(tables: Mapping[str, Table], tab: str, source: str) -> Registry:
    """The registry in the ``tab`` of a workbook's ``tables``.

    Raises:
        SourceError: the workbook has no such tab.
    """
    if tab not in tables:
        raise SourceError.from_catalogue("error.no_registry", tab=tab, path=source)
    return read_registry(tables[tab])


def inputs_from_tables(
    tables: Mapping[str, Table],
    *,
    source: str,
    read: ReadOptions,
    registry: Registry | None = None,
    timezone: str | None = None,
) -> Inputs:
    """The inputs of a workbook given as its tabs: responses, registry (unless given) and contests.

    Args:
        tables: the workbook's tabs by name.
        source: what to call the workbook in messages (its path or title).
        read: tab names and time zone.
        registry: a registry read from elsewhere (``--registry``), else the registry tab is used.
        timezone: the workbook's own time zone, when it has one (a Google spreadsheet's).

    Raises:
        SourceError: the responses or the registry tab is missing.
    """
    responses = tables[responses_tab_name(list(tables), source, read.responses_tab)]
    if registry is None:
        registry = registry_from_tables(tables, read.registry_tab, source)
    return Inputs(
        responses=responses,
        registry=registry,
        sheet_timezone=read.timezone(timezone),
        contests=tables.get(CONTEST_TAB),
    )


def score_inputs(
    inputs: Inputs,
    rubric: Rubric | RubricSchedule,
    periods: Iterable[Period],
    *,
    read: ReadOptions | None = None,
    columns: Mapping[str, str] | None = None,
    day_first: bool = True,
) -> ScoreReport:
    """Parse the responses and score every registered library for each period.

    ``rubric`` is one rubric for every period, or a :class:`RubricSchedule`
    whose rubric in force scores each period (:func:`rubric_for`); every
    period's rubric is chosen before anything is parsed, so a period that
    straddles a change of rubric fails at once. The responses are parsed once
    per distinct rubric (its activity-kind labels read the form's answers);
    :attr:`ScoreReport.parse` is the parse under the first period's rubric.

    ``read`` (what the CLI and the sync pass) supplies the column mapping and
    the day-first rule; ``columns`` and ``day_first`` are the short form for
    scripts and apply only without it.

    Raises:
        RubricError: a period straddles two rubrics of the schedule or has days none covers.
    """
    if read is not None:
        columns, day_first = read.columns, read.day_first
    chosen = [(period, rubric_for(period, rubric)) for period in periods]
    first = chosen[0][1] if chosen else rubric if isinstance(rubric, Rubric) else rubric.latest
    parses: dict[int, ParseResult] = {}

    def parsed_with(used: Rubric) -> ParseResult:
        if id(used) not in parses:
            parses[id(used)] = parse_responses(
                inputs.responses,
                inputs.registry,
                used,
                columns=columns,
                sheet_timezone=inputs.sheet_timezone,
                day_first=day_first,
            )
        return parses[id(used)]

    parsed = parsed_with(first)
    runs = tuple(score(parsed_with(used).activities, inputs.registry, used, p) for p, used in chosen)
    return ScoreReport(parse=parsed, runs=runs)


@attrs.frozen(kw_only=True)
class AwardsReport:
    """Award categories and jury contests over one period, with the data problems met."""

    run: KpiRun
    categories: tuple[CategoryResult, ...]
    contests: tuple[ContestResult, ...]
    #: problems of the responses and of the contest entries
    problems: tuple[Problem, ...]
    counts: Counts


def awards_for(report: ScoreReport, inputs: Inputs, *, run: KpiRun | None = None) -> AwardsReport:
    """Evaluate the rubric's awards and contests for ``run`` (default: the first period of ``report``)."""
    run = run if run is not None else report.runs[0]
    rubric = run.rubric
    categories = evaluate_awards(rubric.awards, run, report.parse.activities)
    problems = list(report.parse.problems)
    contests: tuple[ContestResult, ...] = ()
    if inputs.contests is not None and rubric.contests:
        read = read_contest_entries(
            inputs.contests, inputs.registry, [c.id for c in rubric.contests],
            sheet_timezone=inputs.sheet_timezone,
        )
        problems.extend(read.problems)
        registered = [library.id for library in inputs.registry]
        contests = tuple(evaluate_contest(c, read.entries, registered) for c in rubric.contests)
    return AwardsReport(
        run=run, categories=categories, contests=contests, problems=tuple(problems), counts=report.parse.counts
    )
