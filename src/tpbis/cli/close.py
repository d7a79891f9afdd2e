"""``tpbis close SOURCE --period P [--reopen]``: freeze a period's published results (or open it again).

SOURCE is the workbook ``tpbis sync`` writes (an ``.xlsx`` or a Google
spreadsheet; another SOURCE with ``--output`` like ``sync``); the other SOURCEs
the sync reads are given after it, as for ``sync`` (or ``[[sources]]`` of
``tpbis.toml``), so the close sees the data the sync published. The closure is a
``close`` event in the ``Riwayat`` history tab, written under the sync's lock in
its one atomic commit (:mod:`tpbis.service.sync`); the outputs are rewritten over
the periods the last sync wrote, the closed one at its frozen values. Closing a
closed period (or reopening an open one) writes nothing and says so (exit 0).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import attrs

from tpbis.cli._common import (
    EXIT_OK,
    read_options,
    source_kind_options,
)
from tpbis.cli.sync import open_for_sync, summary_document, summary_text
from tpbis.config import Settings
from tpbis.domain.period import Period
from tpbis.history import Event
from tpbis.i18n import t
from tpbis.service.close import named_period
from tpbis.service.sync import SyncResult, sync

__all__ = ["register"]


def register(commands: Any) -> None:
    """Add ``tpbis close``."""
    parser = commands.add_parser(
        "close", help=t("close.help"), description=t("close.help"),
        parents=[read_options(), source_kind_options(credentials=False)],
    )
    parser.add_argument("source", metavar="SOURCE", nargs="*", help=t("cli.sync.sources"))
    parser.add_argument("--period", required=True, help=t("close.opt.period"))
    parser.add_argument("--reopen", action="store_true", help=t("close.opt.reopen"))
    parser.add_argument("--source", dest="forms_source", metavar="forms:FORM_ID", help=t("cli.sync.source_forms"))
    parser.add_argument("--registry", help=t("cli.opt.registry_any"))
    parser.add_argument("--output", help=t("cli.sync.output"))
    parser.add_argument("--credentials", help=t("cli.sync.credentials"))
    parser.add_argument("--break-lock", action="store_true", help=t("cli.sync.break_lock"))
    parser.add_argument("--format", choices=["table", "json"], default="table", help=t("cli.opt.format"))
    parser.set_defaults(run=run)


def _headline(result: SyncResult, period: str, lang: str) -> str:
    at = result.closure.at if result.closure is not None else None
    when = at.in_timezone("UTC").to_iso8601_string() if at is not None else "?"
    title = result.info.title
    if result.status == "already_closed":
        return t("close.already", lang, period=period, at=when, title=title)
    if result.status == "not_closed":
        return t("close.not_closed", lang, period=period, title=title)
    if result.closure is not None and result.status == "written" and period in result.closed:
        libraries = len(result.closure.snapshots)
        return t("close.done", lang, period=period, title=title, libraries=libraries)
    return t("close.reopened", lang, period=period, title=title)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Close (or reopen) one period and print what was written."""
    lang = settings.lang
    period = named_period(Period.parse(args.period))  # 2024-01-01..2024-12-31 closes 2024
    workbook, options = open_for_sync(args, settings, responses=args.forms_source)  # the sync's --source too
    options = attrs.evolve(options, event=Event.REOPEN if args.reopen else Event.CLOSE, closing=period)
    result = sync(workbook, options)
    headline = _headline(result, period.key, lang)
    if args.format == "json":
        document = {"period": period.key, "event": options.event.value if options.event else "",
                    "message": headline, **summary_document(result)}
        json.dump(document, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return EXIT_OK
    sys.stdout.write(headline + "\n")
    if result.status == "written":
        sys.stdout.write(summary_text(result, lang))
    return EXIT_OK
