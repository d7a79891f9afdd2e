"""CSV files stream their rows instead of holding them all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tpbis.adapters.csvfile import CsvRows, read_csv_table
from tpbis.errors import SourceError


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


class TestReadCsvTable:
    """read_csv_table reads the header now and streams the rows each time they are iterated."""

    def test_rows_stream_and_index(self, tmp_path: Path) -> None:
        """Rows iterate (more than once), index and count like a list, without the header."""
        table = read_csv_table(_write(tmp_path / "r.csv", "\ufeffa,b\r\n1,2\r\n\r\n\"x,y\",\"z\nw\"\r\n"))
        assert isinstance(table.rows, CsvRows)
        expected = [["1", "2"], [], ["x,y", "z\nw"]]
        assert (("a", "b"), expected, expected) == (table.header, list(table.rows), list(table.rows))
        assert (3, ["x,y", "z\nw"], [["1", "2"]]) == (len(table.rows), table.rows[2], table.rows[:1])

    def test_missing_file(self, tmp_path: Path) -> None:
        """A missing file is a SourceError when opened."""
        with pytest.raises(SourceError, match=r"nope\.csv"):
            read_csv_table(tmp_path / "nope.csv")

    def test_bad_bytes_further_down(self, tmp_path: Path) -> None:
        """Undecodable bytes below the header are a SourceError when the rows are read."""
        path = tmp_path / "r.csv"
        path.write_bytes(b"a,b\n" + b"1,2\n" * 100_000 + b"\xff\xfe,3\n")  # past the first read buffer
        table = read_csv_table(path)
        with pytest.raises(SourceError, match=r"r\.csv"):
            list(table.rows)

    def test_file_changed_after_opening(self, tmp_path: Path) -> None:
        """A file that changed since it was opened is not read half old, half new."""
        path = _write(tmp_path / "r.csv", "a,b\n1,2\n")
        table = read_csv_table(path)
        _write(path, "a,b\n1,2\n3,4\n")
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
        with pytest.raises(SourceError, match="changed"):
            list(table.rows)
