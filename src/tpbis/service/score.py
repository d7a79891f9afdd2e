"""The scoring service: tables in, parsed activities and KPI runs out.

It imports no adapter: the caller (the CLI, :mod:`tpbis.sources`) opens the
files or spreadsheets and hands over :class:`~tpbis.parsing.table.Table` values.

A run may read several sources (:attr:`Inputs.more`): each is parsed on its
own (its own time zone, its own submission ids) and :func:`parse_inputs`
merges the parses: counts summed, problems tagged with their source and
channel, exact duplicates between sources dropped, and (when the rubric has a
``[duplicates]`` table) possible duplicates dropped
(:mod:`tpbis.parsing.duplicates`). One source without the rule is passed
through untouched.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import attrs

from tpbis.domain.activity import Activity
from tpbis.domain.awards import (
    CategoryResult,
    ContestResult,
    KindTallies,
    evaluate_awards,
    evaluate_contest,
)
from tpbis.domain.kpi import KpiRun, score
from tpbis.domain.library import Registry
from tpbis.domain.period import Period
from tpbis.domain.problems import Problem, Severity
from tpbis.domain.rubric import Rubric, RubricSchedule, rubric_for
from tpbis.errors import SourceError
from tpbis.message import Message
from tpbis.parsing.contests import CONTEST_TAB, read_contest_entries
from tpbis.parsing.duplicates import DuplicateMatch, exact_duplicates, possible_duplicates
from tpbis.parsing.mapping import Field, resolve_columns
from tpbis.parsing.registry import read_registry
from tpbis.parsing.rows import DEFAULT_TIMEZONE, Counts, ParseResult, parse_responses
from tpbis.parsing.table import Table
from tpbis.service.options import ReadOptions

__all__ = [
    "RESPONSES_TABS",
    "AwardsReport",
    "Inputs",
    "ScoreReport",
    "SourceResponses",
    "awards_for",
    "inputs_from_tables",
    "parse_inputs",
    "registry_from_tables",
    "responses_tab_name",
    "rubric_for",
    "score_inputs",
]

#: Tab names Google Forms gives the linked responses sheet (English, Indonesian UI).
RESPONSES_TABS = ("Form Responses 1", "Respons Formulir 1")


@attrs.frozen(kw_only=True)
class SourceResponses:
    """The responses of one SOURCE of a run over several."""

    responses: Table
    sheet_timezone: str = DEFAULT_TIMEZONE
    #: what messages call the SOURCE (its path, its spreadsheet's title)
    name: str = ""
    #: its channel (``tpbis.toml`` ``[[sources]] channel``, else its kind)
    channel: str | None = None


@attrs.frozen(kw_only=True)
class Inputs:
    """A responses table and the registry to read it against (and, in a run over several sources, the others)."""

    responses: Table
    registry: Registry
    sheet_timezone: str = DEFAULT_TIMEZONE
    #: jury-contest entries (the ``Lomba`` tab), when the workbook has one
    contests: Table | None = None
    #: what messages call the first SOURCE, in a run over several
    name: str = ""
    #: the first SOURCE's channel, in a run over several
    channel: str | None = None
    #: the further SOURCEs of the run, read against the same (merged) registry
    more: tuple[SourceResponses, ...] = ()
    #: warnings of merging the registries of several sources (``registry.merged``)
    registry_problems: tuple[Problem, ...] = ()

    def sources(self) -> tuple[SourceResponses, ...]:
        """Every SOURCE of the run, the first one first."""
        first = SourceResponses(responses=self.responses, sheet_timezone=self.sheet_timezone, name=self.name,
                                channel=self.channel)
        return (first, *self.more)


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
            parses[id(used)] = parse_inputs(inputs, used, columns=columns, day_first=day_first)
        return parses[id(used)]

    parsed = parsed_with(first)
    scored: dict[tuple[Period, int], KpiRun] = {}  # a period asked for twice (the report's year) is scored once
    for p, used in chosen:
        if (p, id(used)) not in scored:
            scored[p, id(used)] = score(parsed_with(used).activities, inputs.registry, used, p)
    return ScoreReport(parse=parsed, runs=tuple(scored[p, id(used)] for p, used in chosen))


def parse_inputs(
    inputs: Inputs,
    rubric: Rubric,
    *,
    columns: Mapping[str, str] | None = None,
    day_first: bool = True,
) -> ParseResult:
    """Parse every SOURCE of ``inputs`` on its own and merge the parses (see the module docs).

    ``rows = accepted + rejected + duplicates + blank + excluded`` holds for the
    merged counts: a row found to duplicate a row of another source (or, by the
    rubric's rule, any earlier report) moves from accepted to duplicates.

    Raises:
        SourceError: a required column is missing in a source.
        ConfigError: a source's time zone is not a known zone.
    """
    sources = inputs.sources()
    parses = [
        parse_responses(source.responses, inputs.registry, rubric, columns=columns,
                        sheet_timezone=source.sheet_timezone, day_first=day_first)
        for source in sources
    ]
    several = len(sources) > 1
    if not several and rubric.duplicates is None and not inputs.registry_problems:
        return parses[0]  # one source, exact duplicates only: the parse as it is (and as fast)
    activities: list[Activity] = []
    origin: list[int] = []  # per activity, the index of its source
    for index, parsed in enumerate(parses):
        activities.extend(parsed.activities)
        origin.extend([index] * (len(activities) - len(origin)))
    ranks = [(sources[o].name, a.source.row) for o, a in zip(origin, activities, strict=True)]  # same instant
    matches: list[DuplicateMatch] = exact_duplicates(activities, ranks) if several else []
    if rubric.duplicates is not None:
        dropped = {m.position for m in matches}
        rest = [i for i in range(len(activities)) if i not in dropped]
        found = possible_duplicates([activities[i] for i in rest], inputs.registry, rubric.duplicates,
                                    [ranks[i] for i in rest])
        matches += [attrs.evolve(m, position=rest[m.position], original=rest[m.original])
                    for m in found]
    per_source: list[list[Problem]] = [list(parsed.problems) for parsed in parses]
    titles = [_title_column(source.responses, columns) for source in sources]
    for match in matches:
        index = origin[match.position]
        per_source[index].append(_duplicate_problem(match, activities, origin, sources, titles[index], several))
    problems: list[Problem] = list(inputs.registry_problems)
    for index, listed in enumerate(per_source):
        if matches:
            listed.sort(key=lambda p: p.row)
        if several:
            source = sources[index]
            listed = [attrs.evolve(p, source=source.name, channel=source.channel) for p in listed]
        problems.extend(listed)
    dropped = {m.position for m in matches}
    counts = [parsed.counts for parsed in parses]
    return ParseResult(
        activities=[a for i, a in enumerate(activities) if i not in dropped] if dropped else activities,
        problems=tuple(problems),
        counts=Counts(
            rows=sum(c.rows for c in counts),
            accepted=sum(c.accepted for c in counts) - len(dropped),
            rejected=sum(c.rejected for c in counts),
            duplicates=sum(c.duplicates for c in counts) + len(dropped),
            blank=sum(c.blank for c in counts),
            excluded=sum(c.excluded for c in counts),
        ),
    )


def _title_column(table: Table, columns: Mapping[str, str] | None) -> str:
    """The title column's header, as problems name it."""
    return table.header[resolve_columns(table.header, columns, tab=table.name)[Field.TITLE]]


def _duplicate_problem(
    match: DuplicateMatch,
    activities: Sequence[Activity],
    origin: Sequence[int],
    sources: Sequence[SourceResponses],
    column: str,
    several: bool,
) -> Problem:
    """The warning of a report counted once: ``activity.duplicate`` (exact) or ``activity.possible_duplicate``."""
    activity, original = activities[match.position], activities[match.original]
    where: object = original.source.row
    if several:
        where = Message("hint.row_of_source", row=original.source.row, source=sources[origin[match.original]].name)
    if match.exact:
        code = "activity.duplicate"
        message = Message("problem.activity.duplicate", original=where, value=activity.title)
    else:
        code = "activity.possible_duplicate"
        message = Message("problem.activity.possible_duplicate", original=where,
                          similarity=f"{match.similarity:.0f}", days=match.day_gap,
                          participants=activity.participants, other=original.participants, value=activity.title)
    return Problem(row=activity.source.row, column=column, code=code, severity=Severity.WARNING, message=message,
                   value=activity.title, tab=activity.source.tab, response_id=activity.source.response_id)


@attrs.frozen(kw_only=True)
class AwardsReport:
    """Award categories and jury contests over one period, with the data problems met."""

    run: KpiRun
    categories: tuple[CategoryResult, ...]
    contests: tuple[ContestResult, ...]
    #: problems of the responses and of the contest entries
    problems: tuple[Problem, ...]
    counts: Counts


def awards_for(
    report: ScoreReport, inputs: Inputs, *, run: KpiRun | None = None,
    tallies: Mapping[str, KindTallies] | None = None,
) -> AwardsReport:
    """Evaluate the rubric's awards and contests for ``run`` (default: the first period of ``report``),
    over ``report``'s activities or the award ``tallies`` given (a closed period's frozen ones)."""
    run = run if run is not None else report.runs[0]
    rubric = run.rubric
    categories = evaluate_awards(rubric.awards, run, report.parse.activities if tallies is None else tallies)
    problems = list(report.parse.problems)
    contests: tuple[ContestResult, ...] = ()
    if inputs.contests is not None and rubric.contests:
        read = read_contest_entries(
            inputs.contests, inputs.registry, [c.id for c in rubric.contests],
            sheet_timezone=inputs.sheet_timezone,
        )
        problems.extend(read.problems if not inputs.more else  # several sources: the contests are the first's
                        [attrs.evolve(p, source=inputs.name, channel=inputs.channel) for p in read.problems])
        registered = [library.id for library in inputs.registry]
        contests = tuple(evaluate_contest(c, read.entries, registered) for c in rubric.contests)
    return AwardsReport(
        run=run, categories=categories, contests=contests, problems=tuple(problems), counts=report.parse.counts
    )
