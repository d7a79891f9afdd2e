"""``tpbis awards``: award eligibility and ranking, jury contests, and the what-if helper."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from tpbis.cli._common import EXIT_OK, read_options, source_options
from tpbis.cli.score import load_scored
from tpbis.config import Settings
from tpbis.domain.activity import Activity
from tpbis.domain.awards import CategoryResult, KindTallies, what_if
from tpbis.errors import ConfigError
from tpbis.history import Snapshot, closures
from tpbis.i18n import t
from tpbis.message import Message
from tpbis.render import (
    awards_document,
    awards_rows,
    awards_table,
    terminal_text,
    what_if_text,
    write_csv,
)
from tpbis.serialization import write_json
from tpbis.service import AwardsReport, ScoreReport, awards_for
from tpbis.service.close import closure_for, frozen_start

__all__ = ["register"]


def register(commands: Any) -> None:
    """Add ``tpbis awards``."""
    parser = commands.add_parser("awards", help=t("cli.awards.help"), parents=[source_options(), read_options()])
    parser.add_argument("--format", choices=["table", "json", "csv"], default="table", help=t("cli.opt.format"))
    parser.add_argument("--what-if", metavar="ID", help=t("cli.awards.what_if"))
    parser.add_argument("--category", help=t("cli.awards.category"))
    parser.set_defaults(run=run, one_shot=True)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Print the award shortlists (or what a library lacks, with ``--what-if``)."""
    lang = settings.lang
    inputs, report, found, snapshots = load_scored(args, settings, awards=True)  # closed periods: frozen
    awards = found if found is not None else awards_for(report, inputs)
    categories = awards.categories
    if args.category:
        categories = tuple(c for c in categories if c.category.id == args.category)
        if not categories:
            known = ", ".join(c.id for c in report.runs[0].rubric.awards)
            raise ConfigError.from_catalogue("error.unknown_category", category=args.category, known=known)
    if args.what_if:
        return _what_if(args.what_if, categories, awards, report, snapshots, lang)
    if args.format == "json":
        document = awards_document(awards.run, categories, awards.contests, awards.counts, awards.problems)
        write_json(document, sys.stdout)
    elif args.format == "csv":
        write_csv(*awards_rows(categories, lang), sys.stdout)
    else:
        sys.stdout.write(awards_table(categories, lang))
        for contest in awards.contests:
            label = Message.literal(contest.contest.label, contest.contest.label_en).render(lang)
            ranked = [s for s in contest.standings if s.eligible]
            sys.stdout.write(terminal_text(f"{label}: " + (", ".join(
                f"{s.rank}. {s.entry.library_id} ({s.score})" for s in ranked[:3]) or "-")) + "\n")
    return EXIT_OK


def _what_if(
    library_id: str, categories: Sequence[CategoryResult], awards: AwardsReport, report: ScoreReport,
    snapshots: Sequence[Snapshot], lang: str,
) -> int:
    """What ``library_id`` would need to add; on a closed period, from the values frozen at its close."""
    run = awards.run
    if library_id not in {r.library.id for r in report.runs[0].results}:
        raise ConfigError.from_catalogue("error.unknown_library", library=library_id)
    activities: Iterable[Activity] = report.parse.activities
    tallies: KindTallies | None = None
    closure = closure_for(closures(snapshots), run.period)
    if closure is not None:
        activities, tallies = frozen_start(run, activities, closure, library_id)
        sys.stdout.write(terminal_text(Message("whatif.closed", period=run.period.key).render(lang)) + "\n")
    level = run.result(library_id).library.level
    for result in categories:
        if result.level != level:
            continue
        answer = what_if(result.category, library_id, run, activities, tallies=tallies)
        sys.stdout.write(what_if_text(answer, run.rubric, lang) + "\n")
    return EXIT_OK
