"""CSV files stream their rows instead of holding them all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tpbis.adapters.csvfile import (
    CsvFormat,
    CsvRows,
    detect_encoding,
    read_csv_bytes,
    read_csv_table,
    sniff_csv,
    sniff_delimiter,
)
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


FIXTURES = Path(__file__).parent / "exports"
TITLES = ("Cap waktu", "Alamat email", "Nama Perpustakaan", "Tanggal Kegiatan", "Nama Kegiatan", "Jenis Kegiatan",
          "Jumlah Peserta Laki-laki", "Jumlah Peserta Perempuan", "Mitra yang Terlibat", "Tautan Dokumentasi",
          "Tautan Publikasi")


class TestExcelSaves:
    """CSV files as Excel writes them read to the same table."""

    @pytest.mark.parametrize(("name", "encoding", "delimiter"), [
        ("excel_id_semicolon_cp1252.csv", "cp1252", ";"),
        ("excel_unicode_text.txt", "utf-16", "\t"),
        ("excel_utf8_bom.csv", "utf-8-sig", ","),
    ])
    def test_same_cells(self, name: str, encoding: str, delimiter: str) -> None:
        """Header, quoted delimiters and newlines, é and ’ survive; the format is detected."""
        table = read_csv_table(FIXTURES / name)
        rows = list(table.rows)
        assert TITLES == table.header
        assert CsvFormat(encoding=encoding, delimiter=delimiter) == sniff_csv(FIXTURES / name)
        assert "PKK Desa Alang; Karang Taruna" == rows[0][8]
        assert "Berita kegiatan literasi\n(bagian 1)" == rows[1][4]
        assert "Diskusi buku \u2018Caf\u00e9 Literasi\u2019" == rows[2][4]
        assert ["03/09/2024 05:30:00", "05/09/2024 10:00:00", "06/09/2024 17:15:00"] == [r[0] for r in rows]

    def test_all_saves_agree(self) -> None:
        """The three saves give identical rows."""
        tables = [list(read_csv_table(FIXTURES / n).rows) for n in
                  ("excel_id_semicolon_cp1252.csv", "excel_unicode_text.txt", "excel_utf8_bom.csv")]
        assert tables[0] == tables[1] == tables[2]


class TestDetectEncoding:
    """The encoding comes from a BOM, zero bytes, or whether UTF-8 decodes."""

    @pytest.mark.parametrize(("head", "expected"), [
        (b"\xef\xbb\xbfa,b", "utf-8-sig"),
        (b"\xff\xfea\x00,\x00", "utf-16"),
        (b"\xfe\xff\x00a\x00,", "utf-16"),
        ("a,b\n".encode("utf-16-le"), "utf-16-le"),
        ("a,b\n".encode("utf-16-be"), "utf-16-be"),
        ("a,caf\u00e9\n".encode(), "utf-8"),
        ("a;caf\u00e9 \u2019\n".encode("cp1252"), "cp1252"),
        (b"a;\x81\xe9\n", "latin-1"),  # 0x81 is undefined in cp1252
        ("a,\u00e9".encode()[:-1], "utf-8"),  # a sample cut inside a character is still UTF-8
    ])
    def test_detect(self, head: bytes, expected: str) -> None:
        """Each kind of start picks its codec."""
        assert expected == detect_encoding(head)

    def test_forced_encoding_wins(self, tmp_path: Path) -> None:
        """encoding= overrides detection (a cp1252 file whose bytes also decode as latin-1 differently)."""
        path = tmp_path / "r.csv"
        path.write_bytes("a;b\n\u2019;x\n".encode("cp1252"))
        assert [["\u2019", "x"], ["\x92", "x"]] == [
            read_csv_table(path).rows[0], read_csv_table(path, encoding="latin-1").rows[0]]

    def test_forced_utf8_drops_the_bom(self, tmp_path: Path) -> None:
        """encoding='utf-8' on a file with a BOM still gives a clean first header cell."""
        path = tmp_path / "r.csv"
        path.write_bytes(b"\xef\xbb\xbfa,b\n1,2\n")
        assert ("a", "b") == read_csv_table(path, encoding="utf-8").header

    def test_unknown_encoding(self, tmp_path: Path) -> None:
        """An unknown encoding name is one SourceError naming it."""
        path = _write(tmp_path / "r.csv", "a,b\n")
        with pytest.raises(SourceError, match="klingon"):
            read_csv_table(path, encoding="klingon")

    def test_late_cp1252_bytes_suggest_encoding(self, tmp_path: Path) -> None:
        """UTF-8 guessed from the start, cp1252 further down: the error names --encoding."""
        path = tmp_path / "r.csv"
        path.write_bytes(b"a,b\n" + b"1,2\n" * 30_000 + "\u2019,3\n".encode("cp1252"))
        with pytest.raises(SourceError, match="--encoding"):
            list(read_csv_table(path).rows)


class TestSniffDelimiter:
    """The delimiter is the one that splits the header and the records consistently."""

    @pytest.mark.parametrize(("text", "expected"), [
        ("a,b,c\n1,2,3\n", ","),
        ("a;b;c\n1,5;2;3\n", ";"),  # decimal commas in a ; file
        ("a\tb\n1\t2\n", "\t"),
        ('a,b\n"x;y;z",2\n', ","),  # ; only inside quotes
        ('a;b\n"x,y";"1\n2"\n', ";"),  # , and a newline inside quotes
        ("a;b;c\n1;2;3\n4;5\n", ";"),  # ragged rows: only ; splits the header
        ("nama\nx\n", ","),  # one column
    ])
    def test_sniff(self, text: str, expected: str) -> None:
        """Delimiters inside quoted fields do not count."""
        assert expected == sniff_delimiter(text, complete=True)

    def test_ambiguous(self, tmp_path: Path) -> None:
        """Two delimiters that both fit are one SourceError naming them and --delimiter."""
        path = _write(tmp_path / "r.csv", "a;b,c\n1;2,3\n")
        with pytest.raises(SourceError, match=r"',', ';'.*--delimiter") as info:
            read_csv_table(path)
        assert "r.csv" in str(info.value)

    def test_forced_delimiter_resolves_ambiguity(self, tmp_path: Path) -> None:
        """delimiter= (also 'tab', 'semicolon') reads the file as asked."""
        path = _write(tmp_path / "r.csv", "a;b,c\n1;2,3\n")
        assert [("a", "b,c"), ("a;b", "c")] == [
            read_csv_table(path, delimiter="semicolon").header, read_csv_table(path, delimiter=",").header]
        tabbed = _write(tmp_path / "t.csv", "a\tb\n")
        assert ("a", "b") == read_csv_table(tabbed, delimiter="tab").header

    def test_bad_delimiter(self, tmp_path: Path) -> None:
        """A delimiter that is not one character is a SourceError."""
        path = _write(tmp_path / "r.csv", "a,b\n")
        with pytest.raises(SourceError, match="';;'"):
            read_csv_table(path, delimiter=";;")

    def test_numbers_stay_text(self, tmp_path: Path) -> None:
        """'1.250' and '1,5' are not reinterpreted by the reader."""
        path = _write(tmp_path / "r.csv", 'a;b\n1.250;"1,5"\n')
        assert [["1.250", "1,5"]] == list(read_csv_table(path).rows)

    def test_crlf_and_streaming(self, tmp_path: Path) -> None:
        """CRLF line ends and a semicolon file still stream (rows are CsvRows, read again on each pass)."""
        path = tmp_path / "r.csv"
        path.write_bytes(b"a;b\r\n1;2\r\n3;4\r\n")
        table = read_csv_table(path)
        assert isinstance(table.rows, CsvRows)
        assert (CsvFormat(encoding="utf-8", delimiter=";"), [["1", "2"], ["3", "4"]]) == (
            table.rows.format, list(table.rows))


class TestReadCsvBytes:
    """A CSV held in memory is detected like a file."""

    def test_bytes(self) -> None:
        """UTF-16 tab-separated bytes read to a header and rows."""
        data = b"\xff\xfe" + "a\tb\r\n1\t\u00e9\r\n".encode("utf-16-le")
        table = read_csv_bytes(data, "m.csv")
        assert (("a", "b"), [["1", "\u00e9"]]) == (table.header, list(table.rows))
