"""``tpbis history export SOURCE --format csv|json|parquet``: the ``Riwayat`` tab as a data file.

SOURCE is a Google Sheets URL or key, an XLSX file a sync wrote, or a CSV file
holding the tab's rows (e.g. downloaded from Google Sheets). One row per
snapshot (see :mod:`tpbis.history`); ``indicators``, ``counts`` and ``awards`` stay
JSON text in CSV and Parquet (as in the tab), and are objects in JSON.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from tpbis.cli._common import EXIT_OK
from tpbis.config import Settings
from tpbis.errors import ConfigError, SourceError
from tpbis.history import (
    HISTORY_COLUMNS,
    HISTORY_TAB,
    Snapshot,
    awards_cell,
    history_tab,
    read_history,
    snapshot_dict,
)
from tpbis.i18n import t
from tpbis.parsing.table import Table

__all__ = ["export_rows", "read_source", "register"]

#: the columns without which no history row reads (:func:`tpbis.history.read_history`)
_REQUIRED = {"run", "period", "library_id"}


def register(commands: Any) -> None:
    """Add ``tpbis history`` and its action ``export``."""
    history = commands.add_parser("history", help=t("history.help"))
    actions = history.add_subparsers(dest="history_command", required=True, metavar=t("cli.action"))
    export = actions.add_parser("export", help=t("history.export.help"), description=t("history.export.help"))
    export.add_argument("source", metavar="SOURCE", help=t("cli.sync.source_any"))
    export.add_argument("--format", choices=["csv", "json", "parquet"], default="csv", help=t("history.opt.format"))
    export.add_argument("--output", help=t("history.opt.output"))
    export.add_argument("--credentials", help=t("cli.sync.credentials"))
    history.set_defaults(run=run)


def read_source(source: str, credentials: str | None = None) -> Table:
    """The ``Riwayat`` table of an XLSX file, a CSV file of its rows, or a Google spreadsheet.

    Raises:
        SourceError: the source has no ``Riwayat`` tab (or cannot be read).
    """
    path = Path(source)
    table: Table | None
    if path.suffix.lower() in (".csv", ".xlsx", ".xlsm") and not path.exists():
        raise SourceError.from_catalogue("error.file_not_found", path=source)
    if path.suffix.lower() == ".csv":
        from tpbis.adapters.csvfile import read_csv_table

        table = read_csv_table(path, HISTORY_TAB)
        if not {str(name).strip() for name in table.header} >= _REQUIRED:  # a responses CSV, say
            table = None
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        from tpbis.adapters.xlsx import read_workbook

        tables = read_workbook(path)
        table = tables.get(history_tab(tables))
    else:
        from tpbis.adapters.sheets import open_spreadsheet

        workbook = open_spreadsheet(source, credentials=credentials)
        name = history_tab(workbook.info().tabs)
        table = workbook.read([name]).get(name)
    if table is None:
        raise SourceError.from_catalogue("history.no_tab", source=source, tab=HISTORY_TAB)
    return table


def export_rows(snapshots: Sequence[Snapshot]) -> list[dict[str, Any]]:
    """Flat rows for CSV and Parquet: ``indicators``, ``counts`` and ``awards`` as compact JSON text, as the
    tab holds them (so an exported CSV reads back as the tab: ``history export`` of it gives the same)."""
    rows = []
    for snapshot in snapshots:
        row = snapshot_dict(snapshot)
        for key in ("indicators", "counts"):
            row[key] = json.dumps(row[key], ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        row["awards"] = None if snapshot.awards is None else awards_cell(snapshot.awards)
        rows.append(row)
    return rows


def _csv(snapshots: Sequence[Snapshot], out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=list(HISTORY_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(export_rows(snapshots))


def _parquet(snapshots: Sequence[Snapshot], output: str) -> None:
    try:
        pyarrow = importlib.import_module("pyarrow")
        parquet = importlib.import_module("pyarrow.parquet")
    except ImportError:
        raise ConfigError.from_catalogue("history.no_parquet") from None
    rows = export_rows(snapshots)
    columns = {name: [row[name] for row in rows] for name in HISTORY_COLUMNS}
    types = {name: pyarrow.string() for name in HISTORY_COLUMNS} | {"composite": pyarrow.float64()}
    schema = pyarrow.schema([(name, types[name]) for name in HISTORY_COLUMNS])
    parquet.write_table(pyarrow.table(columns, schema=schema), output)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Export the history of SOURCE."""
    del settings
    snapshots = read_history(read_source(args.source, args.credentials))
    if args.format == "parquet":
        if not args.output:
            raise ConfigError.from_catalogue("history.parquet_needs_output")
        _parquet(snapshots, args.output)
        return EXIT_OK
    with (Path(args.output).open("w", encoding="utf-8", newline="") if args.output
          else _Stdout()) as out:
        if args.format == "json":
            json.dump([snapshot_dict(s) for s in snapshots], out, ensure_ascii=False, indent=1)
            out.write("\n")
        else:
            _csv(snapshots, out)
    return EXIT_OK


class _Stdout:
    """Standard output as a context manager that does not close it."""

    def __enter__(self) -> TextIO:
        return sys.stdout

    def __exit__(self, *_: object) -> None:
        sys.stdout.flush()
