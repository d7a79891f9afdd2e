"""A CSV file that is not the text its encoding says: the error names the byte's place in the file, not in the
block being decoded when it was met (row by row, and on the columnar engine path that hands it to the row path)."""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from unittest import mock

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from tpbis.adapters import csvfile
from tpbis.adapters.csvfile import _decode_failure, read_csv_bytes, read_csv_table
from tpbis.errors import SourceError
from tpbis.parsing.rows import parse_responses
from tpbis.rubrics import default_rubric
from tpbis.testing.builders import make_library, make_registry

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kepri-2024-responses.csv"
REGISTRY = Path(__file__).resolve().parents[2] / "examples" / "kepri-2024-registry.csv"


def spoiled(data: bytes, fraction: float) -> tuple[bytes, int, int]:
    """``data`` with one Windows-1252 right quote (0x92, not UTF-8) a few bytes into the line at ``fraction``
    of it; the byte's offset and its line (1-based)."""
    at = data.index(b"\n", int(len(data) * fraction)) + 6
    return data[:at] + b"\x92" + data[at + 1:], at, data[:at].count(b"\n") + 1


def read_all(path: Path) -> str:
    """The English message of reading every row of ``path`` as the parser does."""
    table = read_csv_table(path)
    with pytest.raises(SourceError) as raised:
        parse_responses(table, make_registry([make_library("desa-a")]), default_rubric())
    return raised.value.message("en")


class TestRowPath:
    """A small file is read row by row, in blocks of a few kilobytes."""

    @pytest.mark.parametrize("fraction", [0.3, 0.6, 0.95])
    def test_position_and_line_are_the_files(self, tmp_path: Path, fraction: float) -> None:
        """Far past the first block: the offset and the line in the file."""
        data, at, line = spoiled(EXAMPLE.read_bytes(), fraction)
        path = tmp_path / "responses.csv"
        path.write_bytes(data)
        assert at > 64 * 1024  # past the sample the encoding is detected from: UTF-8 is chosen
        assert f"byte 0x92 at position {at} of the file, line {line})" in read_all(path)

    def test_after_a_byte_order_mark(self, tmp_path: Path) -> None:
        """The three bytes of a UTF-8 byte-order mark count in the offset."""
        data, at, line = spoiled(codecs.BOM_UTF8 + EXAMPLE.read_bytes(), 0.5)
        path = tmp_path / "responses.csv"
        path.write_bytes(data)
        assert f"at position {at} of the file, line {line})" in read_all(path)

    def test_forced_encoding_in_the_sample(self, tmp_path: Path) -> None:
        """--encoding utf-8 on a file whose start is not UTF-8 (after a byte-order mark): placed in the file."""
        data = codecs.BOM_UTF8 + b"a,b\n1,2\n3,\x924\n"
        path = tmp_path / "responses.csv"
        path.write_bytes(data)
        with pytest.raises(SourceError) as raised:
            read_csv_table(path, encoding="utf-8")
        at = data.index(b"\x92")
        assert f"at position {at} of the file, line 3)" in raised.value.message("en")

    def test_in_memory(self) -> None:
        """A CSV held in memory (a zip member) says the same."""
        data, at, line = spoiled(EXAMPLE.read_bytes(), 0.7)
        with pytest.raises(SourceError) as raised:
            read_csv_bytes(data, "responses.csv", encoding="utf-8")
        assert f"at position {at} of the file, line {line})" in raised.value.message("en")


class TestEnginePath:
    """A file above ENGINE_MIN_BYTES goes to pyarrow first; its refusal hands the file to the row path."""

    def test_position_and_line_are_the_files(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        pytest.importorskip("pyarrow")
        from tpbis.cli import main

        data, at, line = spoiled(EXAMPLE.read_bytes(), 0.8)
        path = tmp_path / "responses.csv"
        path.write_bytes(data)
        batches = mock.Mock(wraps=csvfile.CsvRows._batches, autospec=True)
        with mock.patch.object(csvfile, "ENGINE_MIN_BYTES", 64 * 1024), \
                mock.patch.object(csvfile.CsvRows, "_batches", lambda self, width: batches(self, width)):
            code = main(["--lang", "en", "score", str(path), "--registry", str(REGISTRY), "--period", "2024"])
        assert batches.called  # the engine was tried
        err = capsys.readouterr().err
        assert (2, True) == (code, f"byte 0x92 at position {at} of the file, line {line})" in err)


@settings(max_examples=200, deadline=None)
@given(
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300),
    st.integers(0, 300), st.sampled_from([b"\x92", b"\xff", b"\xc3", b"\xe2\x82"]), st.integers(1, 9),
    st.booleans(),
)
def test_any_split(text: str, cut: int, bad: bytes, size: int, bom: bool) -> None:
    """Any UTF-8 text with bytes that cannot start a character (or a character cut short), read in any block
    size, with or without a byte-order mark: the offset of the first bad byte in the whole, and its line."""
    good = text.encode()
    cut = len(text[:cut].encode())
    head = codecs.BOM_UTF8 if bom else b""
    data = head + good[:cut] + bad + b"x" + good[cut:]
    blocks = [data[i:i + size] for i in range(0, len(data), size)]
    found = _decode_failure(blocks, "utf-8-sig" if bom else "utf-8")
    assert found is not None
    params = found.params
    at = len(head) + cut
    lines = len(re.findall(rb"\r\n|\r|\n", data[:at])) + 1  # line ends as the CSV reader takes them
    assert (params["byte"], params["position"], params["line"]) == (bad[:1].hex(), at, lines)


class TestForcedUnicodeWithoutByteOrderMark:
    """``--encoding utf-16`` (or ``utf-32``) on a file saved without a byte-order mark, as some exporters do:
    Python's incremental decoders refuse such a stream with a bare ``UnicodeError`` (not a decode error)."""

    @pytest.mark.parametrize(("encoding", "codec"), [
        ("utf-16", "utf-16-le"), ("UTF16", "utf-16-be"), ("utf_16", "utf-16-le"), ("utf-32", "utf-32-le"),
        ("utf-32", "utf-32-be"),
    ])
    def test_read_in_the_byte_order_found(self, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          encoding: str, codec: str) -> None:
        """Read as the byte order the file shows (the scores are those of the UTF-8 original), not a traceback."""
        from tpbis.cli import main

        path = tmp_path / EXAMPLE.name  # the file's name is its tab's, in the problems
        path.write_bytes(EXAMPLE.read_text(encoding="utf-8").encode(codec))
        options = ["--registry", str(REGISTRY), "--period", "2024", "--format", "json"]
        assert 0 == main(["--lang", "en", "score", str(EXAMPLE), *options])
        expected = capsys.readouterr().out
        code = main(["--lang", "en", "score", str(path), *options, "--encoding", encoding])
        captured = capsys.readouterr()
        assert (0, "") == (code, captured.err.partition("Traceback")[1])
        assert expected == captured.out

    def test_in_memory(self) -> None:
        """The same for CSV bytes (a KoBo or ODK export read from an archive, say)."""
        data = "Cap waktu,Nama\n1/9/2024 10:00:00,Ani\n".encode("utf-16-be")
        table = read_csv_bytes(data, "responses.csv", encoding="utf-16")
        assert (table.header, list(table.rows)) == (("Cap waktu", "Nama"), [["1/9/2024 10:00:00", "Ani"]])


@pytest.mark.parametrize("encoding", ["hex", "base64", "zlib", "rot13", "nope"])
def test_an_encoding_that_is_not_one_for_text(tmp_path: Path, capsys: pytest.CaptureFixture[str], encoding: str) -> None:
    """``--encoding hex`` (a codec Python knows, but not a text encoding): one clear message and exit 2."""
    from tpbis.cli import main

    code = main(["--lang", "en", "score", str(EXAMPLE), "--registry", str(REGISTRY), "--period", "2024",
                 "--encoding", encoding])
    err = capsys.readouterr().err
    assert (2, True, "") == (code, f"Encoding '{encoding}' for" in err, err.partition("Traceback")[1])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=6), min_size=1, max_size=12),
    st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=12, max_size=12), st.integers(0, 11),
    st.integers(1, 9),
)
def test_line_of_any_line_ending(lines: list[str], ends: list[str], bad_line: int, size: int) -> None:
    """Lines ended by LF, CRLF or a lone CR (a classic Mac CSV), in any mix and cut anywhere: the line of the
    bad byte counts every line end the CSV reader sees (a lone CR was not counted, so such files said line 1)."""
    bad_line = min(bad_line, len(lines) - 1)
    before = "".join(line + end for line, end in zip(lines[:bad_line], ends, strict=False)).encode("utf-8")
    data = before + b"\x92" + "".join(lines[bad_line:]).encode("utf-8")
    found = _decode_failure([data[i:i + size] for i in range(0, len(data), size)], "utf-8")
    assert found is not None
    line = len(re.findall(r"\r\n|\r|\n", before.decode("utf-8"))) + 1  # a "\r" then an empty line's "\n" is one end
    assert (found.params["position"], found.params["line"]) == (len(before), line)
