"""``tpbis score``: KPI scores, colours and plans of every registered library for one or more periods.

``--period`` may be repeated: the table shows one table per period, CSV has
one row per library and period (the period is a column), and JSON is the
single SPEC §7 document for one period or a list of them, one per period,
for several.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

import pendulum

from tpbis.cli._common import EXIT_OK, open_inputs, read_options, source_options, write_csv
from tpbis.config import Settings
from tpbis.domain.kpi import KpiRun, score, tally
from tpbis.domain.period import Period
from tpbis.domain.plan import plans_for
from tpbis.domain.rubric import Color
from tpbis.errors import TpbisError
from tpbis.history import Changes, Snapshot, changes, closures, read_history
from tpbis.i18n import t
from tpbis.message import Message
from tpbis.render import kpi_document, kpi_rows, problem_rows, severity_counts
from tpbis.render.text import kpi_table
from tpbis.serialization import write_json
from tpbis.service import AwardsReport, Inputs, ScoreReport, score_inputs
from tpbis.service.close import freeze

__all__ = ["load_and_score", "load_scored", "register"]


def register(commands: Any) -> None:
    """Add ``tpbis score``."""
    parser = commands.add_parser("score", help=t("cli.score.help"), parents=[source_options(), read_options()],
                                 conflict_handler="resolve")
    # score takes several periods; the shared parent takes one (awards, report)
    parser.add_argument("--period", action="append", required=True, help=t("cli.opt.periods"))
    parser.add_argument("--format", choices=["table", "json", "csv"], default="table", help=t("cli.opt.format"))
    parser.add_argument("--problems", action="store_true", help=t("cli.score.problems"))
    parser.add_argument("--no-color", action="store_true", help=t("cli.score.no_color"))
    parser.set_defaults(run=run, one_shot=True)


def load_scored(
    args: argparse.Namespace, settings: Settings, *, awards: bool = False,
) -> tuple[Inputs, ScoreReport, AwardsReport | None, tuple[Snapshot, ...]]:
    """Open the inputs and score each ``--period`` (one for ``tpbis awards``, one or more for ``tpbis score``).

    A workbook a sync wrote has a ``Riwayat`` history: its closed periods show their frozen values (and the
    differences as problems, :func:`tpbis.service.close.freeze`); with ``awards``, the awards of the first period.
    Also returns the history's snapshots (none without the tab).
    """
    given = args.period if isinstance(args.period, list) else [args.period]
    periods = list(dict.fromkeys(Period.parse(p) for p in given))  # each period once, in the order given
    # the form labels come from the newest rubric; each period is scored with the rubric in force
    opened = open_inputs(args, settings, settings.load_rubric())
    inputs = opened.inputs
    report = score_inputs(inputs, settings.load_rubrics(), periods, read=settings.read)
    snapshots = read_history(opened.history)
    report, found = freeze(report, inputs, closures(snapshots), awards_run=report.runs[0] if awards else None,
                           rubrics=settings.load_rubrics())
    return inputs, report, found, snapshots


def load_and_score(args: argparse.Namespace, settings: Settings) -> tuple[Inputs, ScoreReport]:
    """:func:`load_scored` without the awards and the history."""
    inputs, report, _, _ = load_scored(args, settings)
    return inputs, report


def _changes(
    run: KpiRun, report: ScoreReport, inputs: Inputs, settings: Settings, snapshots: tuple[Snapshot, ...] = (),
) -> Changes:
    """Each library's change in ``run`` since the previous period and a year earlier: from the source's
    ``Riwayat`` history where it has that period, else rescored with the rubric then in force."""
    def rescore(period: Period) -> KpiRun | None:
        try:
            return score(report.parse.activities, inputs.registry, settings.rubric_for(period), period)
        except TpbisError:
            return None

    return changes(run, snapshots, rescore)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Print the scores and plans as tables, JSON (SPEC §7; a list for several periods) or CSV."""
    lang = settings.lang
    inputs, report, _, snapshots = load_scored(args, settings)
    parsed = report.parse
    out = sys.stdout
    today = pendulum.now("UTC").in_timezone(settings.read.timezone()).date()
    if args.format == "csv":
        header: list[str] = []
        rows: list[list[object]] = []
        for run in report.runs:
            header, more = kpi_rows(run, lang)
            rows += more
        write_csv(header, rows)
        return EXIT_OK
    plans = [plans_for(run, tally(parsed.activities, run.period), as_of=today) for run in report.runs]
    if args.format == "json":
        documents = [
            kpi_document(run, parsed.counts, parsed.problems, _changes(run, report, inputs, settings, snapshots),
                          plans=plan)
            for run, plan in zip(report.runs, plans, strict=True)
        ]
        if len(documents) == 1:
            write_json(documents[0], out)
        else:
            write_json(documents, out, depth=3)
        return EXIT_OK
    use_color = not args.no_color and out.isatty() and "NO_COLOR" not in os.environ
    for run, plan in zip(report.runs, plans, strict=True):
        out.write(kpi_table(run, lang, color=use_color, plans=plan) + "\n\n")
    counts = parsed.counts
    out.write(
        t("cli.summary", lang, rows=counts.rows, accepted=counts.accepted, rejected=counts.rejected,
          duplicates=counts.duplicates, blank=counts.blank) + "\n"
    )
    for run in report.runs:
        per_color = {c.value: sum(1 for r in run.results if r.color is c) for c in Color}
        prefix = "" if len(report.runs) == 1 else run.period.title.render(lang) + ": "
        out.write(prefix + t("cli.colors", lang, **per_color) + "\n")
    errors, warnings = severity_counts(parsed.problems)
    if args.problems:
        header, rows = problem_rows(parsed.problems, lang)
        out.write("\n" + " | ".join(header) + "\n")
        for row in rows:
            out.write(" | ".join(str(c) for c in row) + "\n")
    elif parsed.problems:
        out.write(t("cli.problems_hint", lang, errors=errors, warnings=Message.plural("count.warnings", warnings)) + "\n")
    return EXIT_OK
