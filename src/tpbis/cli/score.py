"""``tpbis score``: KPI scores and colours of every registered library for one period."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from tpbis.cli._common import EXIT_OK, open_inputs, read_options, source_options, write_csv
from tpbis.config import Settings
from tpbis.domain.kpi import KpiRun, score
from tpbis.domain.period import Period
from tpbis.domain.rubric import Color
from tpbis.errors import TpbisError
from tpbis.history import Changes, changes
from tpbis.i18n import t
from tpbis.render import kpi_document, kpi_rows, kpi_table, problem_rows, severity_counts
from tpbis.service import Inputs, ScoreReport, score_inputs

__all__ = ["load_and_score", "register"]


def register(commands: Any) -> None:
    """Add ``tpbis score``."""
    parser = commands.add_parser("score", help=t("cli.score.help"), parents=[source_options(), read_options()])
    parser.add_argument("--format", choices=["table", "json", "csv"], default="table", help=t("cli.opt.format"))
    parser.add_argument("--problems", action="store_true", help=t("cli.score.problems"))
    parser.add_argument("--no-color", action="store_true", help=t("cli.score.no_color"))
    parser.set_defaults(run=run)


def load_and_score(args: argparse.Namespace, settings: Settings) -> tuple[Inputs, ScoreReport]:
    """Open the inputs and score the one ``--period`` (shared with ``tpbis awards``)."""
    period = Period.parse(args.period)
    rubric = settings.rubric_for(period)
    inputs = open_inputs(args, settings, rubric).inputs
    return inputs, score_inputs(inputs, rubric, [period], read=settings.read)


def _changes(report: ScoreReport, inputs: Inputs, settings: Settings) -> Changes:
    """Each library's change since the previous period and a year earlier, rescored with the rubric then in force."""
    def rescore(period: Period) -> KpiRun | None:
        try:
            return score(report.parse.activities, inputs.registry, settings.rubric_for(period), period)
        except TpbisError:
            return None

    return changes(report.runs[0], (), rescore)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Print the scores as a table, JSON (SPEC §7) or CSV."""
    lang = settings.lang
    inputs, report = load_and_score(args, settings)
    run = report.runs[0]
    parsed = report.parse
    out = sys.stdout
    if args.format == "json":
        json.dump(kpi_document(run, parsed.counts, parsed.problems, _changes(report, inputs, settings)),
                  out, ensure_ascii=False, indent=1)
        out.write("\n")
        return EXIT_OK
    if args.format == "csv":
        write_csv(*kpi_rows(run, lang))
        return EXIT_OK
    use_color = not args.no_color and out.isatty() and "NO_COLOR" not in os.environ
    out.write(kpi_table(run, lang, color=use_color) + "\n\n")
    counts = parsed.counts
    out.write(
        t("cli.summary", lang, rows=counts.rows, accepted=counts.accepted, rejected=counts.rejected,
          duplicates=counts.duplicates, blank=counts.blank) + "\n"
    )
    per_color = {c.value: sum(1 for r in run.results if r.color is c) for c in Color}
    out.write(t("cli.colors", lang, **per_color) + "\n")
    errors, warnings = severity_counts(parsed.problems)
    if args.problems:
        header, rows = problem_rows(parsed.problems, lang)
        out.write("\n" + " | ".join(header) + "\n")
        for row in rows:
            out.write(" | ".join(str(c) for c in row) + "\n")
    elif parsed.problems:
        out.write(t("cli.problems_hint", lang, errors=errors, warnings=warnings) + "\n")
    return EXIT_OK
