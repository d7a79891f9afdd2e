"""``tpbis rapor``: a one-page rapor per library (HTML and a WhatsApp text) and an index, into a folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from tpbis.cli._common import open_inputs, plan_advice, read_options, source_options
from tpbis.config import Settings
from tpbis.domain.period import Period
from tpbis.errors import ConfigError, SourceError
from tpbis.history import read_history
from tpbis.i18n import os_reason, t
from tpbis.message import Message
from tpbis.render.rapor import file_names, index_page, rapor_page, rapor_text
from tpbis.render.report import filter_report
from tpbis.report import build_report_data

__all__ = ["register"]


def register(commands: Any) -> None:
    """Add the ``rapor`` command to the ``tpbis`` sub-parsers."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "rapor", help=t("rapor.help"), parents=[source_options(), read_options()]
    )
    parser.add_argument("--output", "-o", required=True, help=t("rapor.opt.output"))
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--library", help=t("rapor.opt.library"))
    which.add_argument("--regency", help=t("report.opt.regency"))
    parser.set_defaults(run=_rapor, one_shot=True)


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8", errors="backslashreplace")  # a lone surrogate half from Sheets
    except OSError as exc:
        raise SourceError.from_catalogue("rapor.cannot_write", path=str(path), reason=os_reason(exc)) from None


def _rapor(args: argparse.Namespace, settings: Settings) -> int:
    lang = settings.lang
    period = Period.parse(args.period)
    rubric = settings.load_rubric()
    opened = open_inputs(args, settings, rubric)
    data = build_report_data(  # the trend from the workbook's Riwayat history where it has the months
        opened.inputs, rubric, period, columns=settings.read.columns, day_first=settings.read.day_first,
        history=read_history(opened.history),
    )
    if args.regency:
        data = filter_report(data, args.regency)
    ids = [r.library.id for r in data.run.results]
    if args.library:
        if args.library not in ids:
            raise ConfigError.from_catalogue("rapor.unknown_library", library=args.library, choices=", ".join(ids[:8]))
        ids = [args.library]
    advice = plan_advice(data, settings)
    files = file_names(r.library.id for r in data.run.results)
    output = Path(args.output)
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SourceError.from_catalogue("rapor.cannot_write", path=str(output), reason=os_reason(exc)) from None
    for library_id in ids:
        stem = files[library_id]
        _write(output / f"{stem}.html", rapor_page(data, library_id, lang=lang, advice=advice))
        _write(output / f"{stem}.txt", rapor_text(data, library_id, lang=lang, advice=advice) + "\n")
    _write(output / "index.html", index_page(data, files, lang=lang, library_ids=ids))
    sys.stdout.write(Message.plural("rapor.written", len(ids), path=str(output)).render(lang) + "\n")
    return 0
