"""A self-contained HTML report for one period: colours per region, score distribution,
monthly trend, indicators per library, award shortlists and the data problems to fix.

The page needs no network to view: CSS is inline and charts are inline SVG
drawn here in Python. It reads well on a phone (the charts scale with their
``viewBox``) and prints (``@media print``).

>>> import tpbis
>>> from tpbis.render.report import build_report_data, render_report
>>> inputs = tpbis.load_inputs("examples/kepri-2024.xlsx")  # doctest: +SKIP
>>> data = build_report_data(inputs, tpbis.default_rubric(), tpbis.Period.parse("2024-09"))  # doctest: +SKIP
>>> html = render_report(data, lang="en")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import pendulum

from tpbis.domain.kpi import KpiRun
from tpbis.domain.period import Period
from tpbis.domain.rubric import Rubric
from tpbis.message import Message
from tpbis.render.html import page
from tpbis.service import AwardsReport, Inputs, awards_for, score_inputs

__all__ = ["ReportData", "build_report_data", "render_report", "trend_periods"]


@attrs.frozen(kw_only=True)
class ReportData:
    """What the report shows: the period's KPI and awards, and one KPI run per month for the trend."""

    #: the KPI of the report's period
    run: KpiRun
    #: one run per calendar month from January of the period's last year up to its end
    trend: tuple[KpiRun, ...]
    #: awards over the report's period, with every data problem (responses and contest entries)
    awards: AwardsReport


def trend_periods(period: Period) -> list[Period]:
    """The months from 1 January of ``period``'s end year up to its end (the last one may be partial)."""
    start = pendulum.Date(period.end.year, 1, 1)
    return Period.range(start, period.end).months()


def build_report_data(
    inputs: Inputs,
    rubric: Rubric,
    period: Period,
    *,
    columns: Mapping[str, str] | None = None,
    day_first: bool = True,
) -> ReportData:
    """Parse once, score ``period`` and each month of its year so far, and evaluate the awards."""
    months = trend_periods(period)
    report = score_inputs(inputs, rubric, [period, *months], columns=columns, day_first=day_first)
    return ReportData(run=report.runs[0], trend=report.runs[1:], awards=awards_for(report, inputs))


def render_report(data: ReportData, *, lang: str = "id") -> str:
    """The report as one HTML document (a string), in Indonesian or English (``lang="en"``)."""
    from tpbis import __version__  # late: tpbis/__init__ may import this package

    counts = data.awards.counts
    summary = Message.plural(
        "cli.summary", counts.rows, accepted=counts.accepted, rejected=counts.rejected,
        duplicates=counts.duplicates, blank=counts.blank,
    ).render(lang)
    problems = data.awards.problems
    return page(
        run=data.run,
        trend=data.trend,
        categories=data.awards.categories,
        contests=data.awards.contests,
        problems=problems,
        summary=summary,
        version=__version__,
        lang=lang,
    )
