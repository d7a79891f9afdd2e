"""CSV files: a responses export and a registry file, as Google Sheets downloads them."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import overload

from tpbis.errors import SourceError
from tpbis.parsing.table import Cell, Table

__all__ = ["CsvRows", "read_csv_table", "write_csv"]


def _unreadable(path: Path, exc: BaseException) -> SourceError:
    return SourceError.from_catalogue("error.unreadable_csv", path=str(path), reason=str(exc))


class CsvRows(Sequence[Sequence[Cell]]):
    """The data rows of a CSV file, read from disk each time they are iterated.

    Iterating streams the file with :mod:`csv` (one row in memory at a time:
    a million-row export is never held as a million lists of strings).
    ``len()`` and indexing read every row into memory once and keep them, for
    callers that need random access. The file must not change in between: if
    its size or modification time differ from when it was opened, reading
    raises :class:`~tpbis.errors.SourceError`.
    """

    __slots__ = ("_path", "_rows", "_stamp")

    def __init__(self, path: Path, stamp: tuple[int, int]) -> None:
        self._path = path
        self._stamp = stamp
        self._rows: list[list[str]] | None = None

    def __iter__(self) -> Iterator[list[str]]:
        if self._rows is not None:
            yield from self._rows
            return
        path = self._path
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                if _stamp(os.fstat(handle.fileno())) != self._stamp:
                    raise SourceError.from_catalogue("error.csv_changed", path=str(path))
                reader = csv.reader(handle)
                next(reader, None)  # the header, read by read_csv_table
                yield from reader
        except FileNotFoundError:
            raise SourceError.from_catalogue("error.file_not_found", path=str(path)) from None
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise _unreadable(path, exc) from None

    def _all(self) -> list[list[str]]:
        if self._rows is None:
            self._rows = list(iter(self))  # not list(self): that would ask len() first
        return self._rows

    def __len__(self) -> int:
        return len(self._all())

    @overload
    def __getitem__(self, index: int) -> list[str]: ...
    @overload
    def __getitem__(self, index: slice) -> list[list[str]]: ...
    def __getitem__(self, index: int | slice) -> list[str] | list[list[str]]:
        return self._all()[index]

    def __repr__(self) -> str:
        return f"CsvRows({str(self._path)!r})"


def _stamp(stat: os.stat_result) -> tuple[int, int]:
    return stat.st_size, stat.st_mtime_ns


def read_csv_table(path: str | Path, name: str | None = None) -> Table:
    """Open a UTF-8 CSV file (a BOM is allowed); the first row is the header.

    The header is read now; the data rows stream from the file whenever the
    table's rows are iterated (see :class:`CsvRows`), so memory stays flat
    however long the file is.

    Raises:
        SourceError: the file is missing or unreadable (a problem further down
            the file is raised when the rows are read).
    """
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            stamp = _stamp(os.fstat(handle.fileno()))
            header = next(csv.reader(handle), [])
    except FileNotFoundError:
        raise SourceError.from_catalogue("error.file_not_found", path=str(path)) from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise _unreadable(path, exc) from None
    return Table(name=name or path.name, header=tuple(header), rows=CsvRows(path, stamp))


def write_csv(path: str | Path, header: list[str], rows: list[list[object]]) -> None:
    """Write a UTF-8 CSV file."""
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
