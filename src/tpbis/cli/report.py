"""``tpbis report``: one self-contained HTML file for a period (charts, shortlists, problems)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tpbis.cli._common import open_inputs, plan_advice, read_options, source_options
from tpbis.config import Settings
from tpbis.domain.period import Period
from tpbis.errors import SourceError
from tpbis.history import read_history
from tpbis.i18n import os_reason, t
from tpbis.render.report import filter_report, render_report
from tpbis.report import build_report_data

__all__ = ["register"]


def register(commands: Any) -> None:
    """Add the ``report`` command to the ``tpbis`` sub-parsers."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "report", help=t("report.help"), parents=[source_options(), read_options()]
    )
    parser.add_argument("--output", "-o", help=t("report.opt.output"))
    parser.add_argument("--regency", help=t("report.opt.regency"))
    parser.add_argument("--cards", action="store_true", help=t("report.opt.cards"))
    # --lang and --config are added to every command by tpbis.cli.main (before or after its name).
    parser.set_defaults(run=_report, one_shot=True)


def _default_output(period: Period) -> Path:
    return Path(f"laporan-{period.key.replace('..', '_')}.html")


def _report(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.lang
    period = Period.parse(args.period)
    rubric = settings.rubric_for(period)
    opened = open_inputs(args, settings, rubric)
    data = build_report_data(  # the trend from the workbook's Riwayat history where it has the months
        opened.inputs, rubric, period, columns=settings.read.columns, day_first=settings.read.day_first,
        history=read_history(opened.history),
    )
    if args.regency:
        data = filter_report(data, args.regency)
    output = Path(args.output) if args.output else _default_output(period)
    advice = plan_advice(data, settings)
    document = render_report(data, lang=lang, cards=args.cards, advice=advice)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(document, encoding="utf-8", errors="backslashreplace")  # a lone surrogate half from Sheets
    except OSError as exc:
        raise SourceError.from_catalogue("report.cannot_write", path=str(output), reason=os_reason(exc)) from None
    sys.stdout.write(t("report.written", lang, path=str(output)) + "\n")
    return 0
