"""The scoring service: workbook or CSV in, parsed activities and KPI runs out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import attrs

from tpbis.adapters.csvfile import read_csv_table
from tpbis.adapters.xlsx import read_workbook
from tpbis.domain.awards import CategoryResult, ContestResult, evaluate_awards, evaluate_contest
from tpbis.domain.kpi import KpiRun, score
from tpbis.domain.library import Registry
from tpbis.domain.period import Period
from tpbis.domain.problems import Problem
from tpbis.domain.rubric import Rubric
from tpbis.errors import SourceError
from tpbis.parsing.contests import CONTEST_TAB, read_contest_entries
from tpbis.parsing.registry import REGISTRY_TAB, read_registry
from tpbis.parsing.rows import DEFAULT_TIMEZONE, Counts, ParseResult, parse_responses
from tpbis.parsing.table import Table

__all__ = [
    "RESPONSES_TABS",
    "AwardsReport",
    "Inputs",
    "ScoreReport",
    "awards_for",
    "load_inputs",
    "responses_tab_name",
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


def _read_registry_file(path: Path, tab: str) -> Registry:
    if path.suffix.lower() == ".xlsx":
        tables = read_workbook(path)
        if tab not in tables:
            raise SourceError.from_catalogue("error.no_registry", tab=tab, path=str(path))
        return read_registry(tables[tab])
    if path.suffix.lower() == ".csv":
        return read_registry(read_csv_table(path))
    raise SourceError.from_catalogue("error.unsupported_input", path=str(path))


def load_inputs(
    source: str | Path,
    *,
    registry: str | Path | None = None,
    responses_tab: str | None = None,
    registry_tab: str = REGISTRY_TAB,
    sheet_timezone: str = DEFAULT_TIMEZONE,
) -> Inputs:
    """Open a workbook (``.xlsx``) or a responses CSV and its registry.

    A workbook carries its registry in the ``Perpustakaan`` tab unless
    ``registry`` names a file; a responses CSV needs ``registry`` (a CSV or
    a workbook with that tab).

    Raises:
        SourceError: a file is missing or unreadable, or a tab is missing.
    """
    path = Path(source)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        tables = read_workbook(path)
        responses = tables[responses_tab_name(list(tables), str(path), responses_tab)]
        contests = tables.get(CONTEST_TAB)
        if registry is not None:
            reg = _read_registry_file(Path(registry), registry_tab)
        elif registry_tab in tables:
            reg = read_registry(tables[registry_tab])
        else:
            raise SourceError.from_catalogue("error.no_registry", tab=registry_tab, path=str(path))
    elif suffix == ".csv":
        contests = None
        responses = read_csv_table(path)
        if registry is None:
            raise SourceError.from_catalogue("error.no_registry", tab=registry_tab, path=str(path))
        reg = _read_registry_file(Path(registry), registry_tab)
    else:
        if not path.exists():
            raise SourceError.from_catalogue("error.file_not_found", path=str(path))
        raise SourceError.from_catalogue("error.unsupported_input", path=str(path))
    return Inputs(responses=responses, registry=reg, sheet_timezone=sheet_timezone, contests=contests)


def score_inputs(
    inputs: Inputs,
    rubric: Rubric,
    periods: Iterable[Period],
    *,
    columns: Mapping[str, str] | None = None,
    day_first: bool = True,
) -> ScoreReport:
    """Parse the responses once and score every registered library for each period."""
    parsed = parse_responses(
        inputs.responses,
        inputs.registry,
        rubric,
        columns=columns,
        sheet_timezone=inputs.sheet_timezone,
        day_first=day_first,
    )
    runs = tuple(score(parsed.activities, inputs.registry, rubric, p) for p in periods)
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
