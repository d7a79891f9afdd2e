"""What every ``tpbis`` command shares: the option parents, the settings layer from flags, opening inputs."""

from __future__ import annotations

import argparse
import sys

from tpbis.config import Config, layer
from tpbis.i18n import t
from tpbis.render.safe import csv_text
from tpbis.service import Inputs, ReadOptions
from tpbis.sources import load_inputs

__all__ = [
    "EXIT_OK",
    "flags_layer",
    "global_options",
    "open_inputs",
    "read_options",
    "source_options",
    "write_csv",
]

EXIT_OK = 0

def global_options(parser: argparse.ArgumentParser, default: object = None) -> None:
    """``--lang`` and ``--config``, accepted before and after a command's name."""
    parser.add_argument("--lang", choices=["id", "en"], default=default, help=t("cli.opt.lang"))
    parser.add_argument("--config", default=default, help=t("cli.opt.config"))


def source_options() -> argparse.ArgumentParser:
    """The parent for commands that read a workbook or CSV file: source, ``--period``, ``--registry``."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("source", metavar="WORKBOOK", help=t("cli.opt.source"))
    parent.add_argument("--period", required=True, help=t("cli.opt.period"))
    parent.add_argument("--registry", help=t("cli.opt.registry"))
    return parent


def read_options() -> argparse.ArgumentParser:
    """The parent for how to read responses: rubric, tabs, time zone, day-first (settings flags)."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--rubric", help=t("cli.opt.rubric"))
    parent.add_argument("--sheet-timezone", help=t("cli.opt.sheet_timezone"))
    parent.add_argument("--responses-tab", help=t("cli.opt.responses_tab"))
    parent.add_argument("--registry-tab", help=t("cli.opt.registry_tab"))
    day = parent.add_mutually_exclusive_group()
    day.add_argument("--day-first", dest="day_first", action="store_const", const=True, help=t("cli.opt.day_first"))
    day.add_argument("--month-first", dest="day_first", action="store_const", const=False,
                     help=t("cli.opt.month_first"))
    return parent


def flags_layer(args: argparse.Namespace) -> Config:
    """The settings the command line gave (unset where the command has no such option or it was not used)."""
    return layer(
        lang=getattr(args, "lang", None),
        sheet_timezone=getattr(args, "sheet_timezone", None),
        day_first=getattr(args, "day_first", None),
        responses_tab=getattr(args, "responses_tab", None),
        registry_tab=getattr(args, "registry_tab", None),
        rubric=getattr(args, "rubric", None),
    )


def open_inputs(args: argparse.Namespace, read: ReadOptions) -> Inputs:
    """Open ``args.source`` (and ``--registry``) with the file adapters, read as ``read`` says."""
    return load_inputs(args.source, registry=args.registry, read=read)


def write_csv(header: list[str], rows: list[list[object]]) -> None:
    """``header`` and ``rows`` as CSV on stdout, formula-safe (:func:`tpbis.render.safe.write_csv`)."""
    sys.stdout.write(csv_text(header, rows))
