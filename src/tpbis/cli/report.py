"""``tpbis report``: one self-contained HTML file for a period (charts, shortlists, problems)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tpbis.cli._common import rubric_from
from tpbis.config import Config
from tpbis.domain.period import Period
from tpbis.errors import SourceError
from tpbis.i18n import t
from tpbis.report import build_report_data, render_report
from tpbis.service import load_inputs

__all__ = ["register"]


def register(commands: Any) -> None:
    """Add the ``report`` command to the ``tpbis`` sub-parsers."""
    parser: argparse.ArgumentParser = commands.add_parser("report", help=t("report.help"))
    parser.add_argument("source", metavar="WORKBOOK", help=t("cli.opt.source"))
    parser.add_argument("--period", required=True, help=t("cli.opt.period"))
    parser.add_argument("--output", "-o", help=t("report.opt.output"))
    parser.add_argument("--registry", help=t("cli.opt.registry"))
    parser.add_argument("--rubric", help=t("cli.opt.rubric"))
    # --lang and --config are added to every command by tpbis.cli.main (before or after its name).
    parser.add_argument("--sheet-timezone", help=t("cli.opt.sheet_timezone"))
    parser.add_argument("--responses-tab", help=t("cli.opt.responses_tab"))
    parser.set_defaults(run=_report)


def _default_output(period: Period) -> Path:
    return Path(f"laporan-{period.key.replace('..', '_')}.html")


def _report(args: argparse.Namespace, config: Config, lang: str) -> int:
    period = Period.parse(args.period)
    inputs = load_inputs(
        args.source,
        registry=args.registry,
        responses_tab=args.responses_tab or config.responses_tab,
        registry_tab=config.registry_tab,
        sheet_timezone=args.sheet_timezone or config.sheet_timezone,
    )
    data = build_report_data(
        inputs, rubric_from(args.rubric, config), period, columns=config.columns, day_first=config.day_first
    )
    output = Path(args.output) if args.output else _default_output(period)
    document = render_report(data, lang=lang)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(document, encoding="utf-8")
    except OSError as exc:
        raise SourceError.from_catalogue("report.cannot_write", path=str(output), reason=exc.strerror or exc) from None
    sys.stdout.write(t("report.written", lang, path=str(output)) + "\n")
    return 0
