"""CSV files: a responses export and a registry file, as Google Sheets downloads them."""

from __future__ import annotations

import csv
from pathlib import Path

from tpbis.errors import SourceError
from tpbis.parsing.table import Cell, Table

__all__ = ["read_csv_table", "write_csv"]


def read_csv_table(path: str | Path, name: str | None = None) -> Table:
    """Read a UTF-8 CSV file (a BOM is allowed); the first row is the header.

    Raises:
        SourceError: the file is missing or unreadable.
    """
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, [])
            rows: list[list[Cell]] = list(reader)  # type: ignore[arg-type]  # list[str] is a list of cells
    except FileNotFoundError:
        raise SourceError.from_catalogue("error.file_not_found", path=str(path)) from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SourceError.from_catalogue("error.unreadable_csv", path=str(path), reason=str(exc)) from None
    return Table(name=name or path.name, header=tuple(header), rows=rows)


def write_csv(path: str | Path, header: list[str], rows: list[list[object]]) -> None:
    """Write a UTF-8 CSV file."""
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
