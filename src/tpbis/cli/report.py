"""``tpbis report``: one self-contained HTML file for a period (charts, shortlists, problems)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tpbis.config import Config
from tpbis.domain.period import Period
from tpbis.domain.rubric import Rubric
from tpbis.errors import SourceError
from tpbis.i18n import t
from tpbis.report import build_report_data, render_report
from tpbis.rubrics import default_rubric, load_rubric
from tpbis.service import load_inputs

__all__ = ["register"]


def register(commands: Any) -> None:
    """Add the ``report`` command to the ``tpbis`` sub-parsers."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "report", help="laporan HTML dengan grafik / self-contained HTML report with charts"
    )
    parser.add_argument("source", metavar="WORKBOOK", help="berkas .xlsx atau .csv respons formulir")
    parser.add_argument("--period", required=True, help="2024-09, 2024-Q3, 2024-S2, 2024 atau 2024-01-01..2024-09-25")
    parser.add_argument("--output", "-o", help="berkas HTML keluaran / output file (default: laporan-PERIODE.html)")
    parser.add_argument("--registry", help="daftar perpustakaan (.csv atau .xlsx dengan tab Perpustakaan)")
    parser.add_argument("--rubric", help="berkas rubrik TOML (default: tpbis-default@1)")
    # Its own dest: a sub-parser default would otherwise overwrite the global --lang.
    parser.add_argument("--lang", dest="report_lang", choices=["id", "en"], help="bahasa laporan / report language")
    parser.add_argument("--sheet-timezone", help="zona waktu cap waktu tanpa offset (default: Asia/Jakarta)")
    parser.add_argument("--responses-tab", help="nama tab respons (default: dideteksi)")
    parser.set_defaults(run=_report)


def _rubric(option: str | None, config: Config) -> Rubric:
    if option:
        return load_rubric(option)
    if config.rubric:
        return load_rubric(Path(config.base_dir) / config.rubric)
    return default_rubric()


def _default_output(period: Period) -> Path:
    return Path(f"laporan-{period.key.replace('..', '_')}.html")


def _report(args: argparse.Namespace, config: Config, lang: str) -> int:
    lang = args.report_lang or lang
    period = Period.parse(args.period)
    inputs = load_inputs(
        args.source,
        registry=args.registry,
        responses_tab=args.responses_tab or config.responses_tab,
        registry_tab=config.registry_tab,
        sheet_timezone=args.sheet_timezone or config.sheet_timezone,
    )
    data = build_report_data(
        inputs, _rubric(args.rubric, config), period, columns=config.columns, day_first=config.day_first
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
