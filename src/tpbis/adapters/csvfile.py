"""CSV files as people have them: Google Sheets downloads, Excel saves, KoBoToolbox and ODK exports.

The encoding and the delimiter are detected from the start of the file, and
either can be forced:

* encoding — a byte-order mark decides (UTF-8, UTF-16 LE/BE: Excel's
  "Unicode text" is tab-separated UTF-16LE with a BOM); without one, UTF-8 if
  the start of the file decodes as UTF-8, else Windows-1252 (what Excel writes
  as "CSV" on Windows in an Indonesian or Western locale), else Latin-1.
  UTF-16 without a BOM is recognised by its zero bytes. A forced ``utf-16`` or
  ``utf-32`` on a file without a BOM reads in the byte order its zero bytes show.
* delimiter — ``,``, ``;`` (KoBoToolbox's default CSV export, and Excel in
  locales whose decimal separator is a comma, such as Indonesian) or a tab.
  Each candidate splits the first records with the :mod:`csv` quoting rules,
  so delimiters inside quoted fields do not count; a candidate is chosen when
  it splits the header and every sampled record into the same number of
  fields. Two candidates that both fit make the guess ambiguous: that is an
  error naming the choices and the ``delimiter=`` option (``--delimiter``).

Cells are text exactly as written: numbers and dates are read by the parser
(SPEC §3.1), so ``1.250`` stays ``"1.250"`` here.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, overload

import attrs

from tpbis.errors import SourceError
from tpbis.i18n import os_reason
from tpbis.message import Message
from tpbis.parsing.table import Cell, Table

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "DELIMITERS",
    "CsvFormat",
    "CsvRows",
    "detect_encoding",
    "read_csv_bytes",
    "read_csv_table",
    "sniff_csv",
    "sniff_delimiter",
    "write_csv",
]

#: The delimiters the sniffer chooses among, in order of preference for messages.
DELIMITERS: tuple[str, ...] = (",", ";", "\t")
#: How much of the file the encoding and the delimiter are guessed from.
SAMPLE_BYTES = 64 * 1024
#: At most this many records of the sample are compared with the header.
SAMPLE_RECORDS = 50

_NAMES = {",": "','", ";": "';'", "\t": "tab"}
_ALIASES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "koma": ",", "titik-koma": ";"}


@attrs.frozen(kw_only=True)
class CsvFormat:
    """How a CSV file is written: its text encoding (a Python codec name) and its delimiter."""

    encoding: str
    delimiter: str


def _unreadable(path: Path | str, exc: BaseException | str | Message) -> SourceError:
    reason = os_reason(exc) if isinstance(exc, BaseException) else exc
    return SourceError.from_catalogue("error.unreadable_csv", path=str(path), reason=reason)


def _decode_failure(chunks: Iterable[bytes], encoding: str, *, final: bool = True) -> Message | None:
    """Where ``chunks`` (a file's bytes from its start) first fail to decode: the byte, its offset in the
    whole file and its line, as the reason of a decode error (None when they decode, e.g. a file changed).

    A :class:`UnicodeDecodeError` raised while reading a file names a position inside the block being
    decoded, not in the file: the reading stops there anyway, so the file is decoded again to place it.
    """
    decoder = codecs.getincrementaldecoder(encoding)()
    offset, line = 0, 1  # the file offset of the next chunk, the line it starts in
    after_cr = False  # whether the text so far ends in "\r" (a "\n" next ends the same line)
    for chunk in itertools.chain(chunks, [b""] if final else []):
        pending = decoder.getstate()[0]  # the bytes of a character cut by the previous chunk
        try:
            text = decoder.decode(chunk, final=final and not chunk)
        except UnicodeDecodeError as exc:
            data = exc.object  # the pending and new bytes (for UTF-8-SIG, without the byte-order mark)
            at = offset - len(pending) + (len(pending) + len(chunk) - len(data)) + exc.start
            line += _line_breaks(bytes(data[:exc.start]).decode(exc.encoding, "replace"), after_cr)
            byte = bytes(data[exc.start:exc.start + 1]).hex()
            name = encoding if exc.encoding == "charmap" else exc.encoding  # cp1252 raises as "charmap"
            return Message("oserror.decode_at", encoding=name, byte=byte, position=at, line=line)
        line += _line_breaks(text, after_cr)
        after_cr = text.endswith("\r") if text else after_cr
        offset += len(chunk)
    return None


def _line_breaks(text: str, after_cr: bool) -> int:
    """The line ends in ``text`` as the CSV reader takes them: ``\n``, ``\r\n`` or a lone ``\r`` (a classic
    Mac file); a ``\n`` first in ``text`` after text that ended in ``\r`` ends no new line."""
    breaks = text.count("\n") + text.count("\r") - text.count("\r\n")
    return breaks - 1 if after_cr and text.startswith("\n") else breaks


def _file_chunks(path: Path, size: int = 1 << 20) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(size):
            yield chunk


def _decode_reason(path: Path, encoding: str, exc: UnicodeDecodeError) -> Message:
    """Why ``path`` does not decode as ``encoding``: :func:`_decode_failure` placed in the file, else ``exc``."""
    try:
        found = _decode_failure(_file_chunks(path), encoding)
    except (OSError, LookupError, UnicodeError):  # UnicodeError: a codec refusing the stream itself
        found = None
    return found if found is not None else os_reason(exc)


def detect_encoding(head: bytes) -> str:
    """The codec to read a file that starts with ``head`` (see the module docs for the order)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # the codec reads the BOM and drops it
    even, odd = head[0:4096:2], head[1:4096:2]
    if len(head) >= 4 and odd.count(0) > len(odd) // 2 and even.count(0) == 0:
        return "utf-16-le"
    if len(head) >= 4 and even.count(0) > len(even) // 2 and odd.count(0) == 0:
        return "utf-16-be"
    for codec in ("utf-8", "cp1252"):
        try:
            codecs.getincrementaldecoder(codec)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return codec
    return "latin-1"  # decodes any byte


def _delimiter_option(delimiter: str) -> str:
    value = _ALIASES.get(delimiter.strip().lower(), delimiter)
    if len(value) != 1 or value in "\"\r\n":
        raise SourceError.from_catalogue("error.csv_bad_delimiter", value=delimiter)
    return value


def _records(text: str, delimiter: str, complete: bool) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
            if len(records) > SAMPLE_RECORDS:
                return records
    except csv.Error:
        pass  # the sample may end inside a quoted field
    if not complete and len(records) > 1:
        records.pop()  # the last line of a cut sample may be partial
    return records


def sniff_delimiter(text: str, *, complete: bool = False, source: str = "") -> str:
    """The delimiter of CSV ``text`` (the start of a file; ``complete`` when it is the whole file).

    Raises:
        SourceError: more than one delimiter fits, naming them and how to choose one.
    """
    fitting: list[str] = []
    splitting: list[str] = []
    for delimiter in DELIMITERS:
        records = _records(text, delimiter, complete)
        if not records or len(records[0]) < 2:
            continue
        splitting.append(delimiter)
        width = len(records[0])
        if all(len(r) == width for r in records[1:] if r):
            fitting.append(delimiter)
    choices = fitting or splitting
    if not choices:
        return ","  # one column: any delimiter reads it the same
    if len(choices) == 1:
        return choices[0]
    raise SourceError.from_catalogue(
        "error.csv_ambiguous_delimiter", path=source, choices=", ".join(_NAMES[d] for d in choices)
    )


def _decode_sample(head: bytes, encoding: str, source: str) -> str:
    try:
        if not getattr(codecs.lookup(encoding), "_is_text_encoding", True):
            raise LookupError(encoding)  # a bytes-to-bytes (hex, zlib) or str-to-str (rot13) codec: no text encoding
        return codecs.getincrementaldecoder(encoding)().decode(head, final=False)
    except LookupError:
        raise SourceError.from_catalogue("error.csv_bad_encoding", path=source, encoding=encoding) from None
    except UnicodeDecodeError as exc:
        raise _unreadable(source, _decode_failure([head], encoding, final=False) or os_reason(exc)) from None
    except UnicodeError as exc:  # a codec refusing the stream itself (not one byte of it)
        raise _unreadable(source, exc) from None


def _byte_order(codec: str, head: bytes) -> str:
    """A forced ``utf-16``/``utf-32`` on a file without a byte-order mark: the byte order the file shows.

    Python's incremental decoders (those a file is read with) refuse such a stream outright
    (``UnicodeError``: "stream does not start with BOM"); some exporters save UTF-16 without one.
    """
    try:
        name = codecs.lookup(codec).name
    except LookupError:
        return codec  # reported by the sample's decoding
    if name == "utf-16" and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        found = detect_encoding(head) if head else ""
        return found if found in ("utf-16-le", "utf-16-be") else "utf-16-le"
    if name == "utf-32" and not head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        high_first = head[0:4096:4].count(0) > head[3:4096:4].count(0)  # ASCII is 00 00 00 xx big-endian
        return "utf-32-be" if high_first else "utf-32-le"
    return codec


def _format_of(
    head: bytes, complete: bool, source: str, encoding: str | None, delimiter: str | None
) -> CsvFormat:
    codec = encoding or detect_encoding(head)
    if codec.replace("_", "-").lower() in ("utf-8", "utf8") and head.startswith(codecs.BOM_UTF8):
        codec = "utf-8-sig"  # a forced UTF-8 still drops the BOM from the first header cell
    codec = _byte_order(codec, head)
    text = _decode_sample(head, codec, source)
    if delimiter is not None:
        return CsvFormat(encoding=codec, delimiter=_delimiter_option(delimiter))
    return CsvFormat(encoding=codec, delimiter=sniff_delimiter(text, complete=complete, source=source))


def sniff_csv(path: str | Path, *, encoding: str | None = None, delimiter: str | None = None) -> CsvFormat:
    """The encoding and delimiter of a CSV file, detected from its start unless given.

    Raises:
        SourceError: the file is missing or unreadable, the encoding is unknown,
            or the delimiter is ambiguous.
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(SAMPLE_BYTES + 1)
    except FileNotFoundError:
        raise SourceError.from_catalogue("error.file_not_found", path=str(path)) from None
    except OSError as exc:
        raise _unreadable(path, exc) from None
    return _format_of(head[:SAMPLE_BYTES], len(head) <= SAMPLE_BYTES, str(path), encoding, delimiter)


class CsvRows(Sequence[Sequence[Cell]]):
    """The data rows of a CSV file, read from disk each time they are iterated.

    Iterating streams the file with :mod:`csv` (one row in memory at a time:
    a million-row export is never held as a million lists of strings).
    ``len()`` and indexing read every row into memory once and keep them, for
    callers that need random access. The file must not change in between: if
    its size or modification time differ from when it was opened, reading
    raises :class:`~tpbis.errors.SourceError`.
    """

    __slots__ = ("_format", "_one_line_header", "_path", "_rows", "_stamp")

    def __init__(
        self, path: Path, stamp: tuple[int, int], csv_format: CsvFormat | None = None, *, one_line_header: bool = False
    ) -> None:
        self._one_line_header = one_line_header
        self._path = path
        self._stamp = stamp
        self._format = csv_format or CsvFormat(encoding="utf-8-sig", delimiter=",")
        self._rows: list[list[str]] | None = None

    @property
    def format(self) -> CsvFormat:
        """The encoding and delimiter the rows are read with."""
        return self._format

    def __iter__(self) -> Iterator[list[str]]:
        if self._rows is not None:
            yield from self._rows
            return
        path = self._path
        try:
            with path.open(encoding=self._format.encoding, newline="") as handle:
                if _stamp(os.fstat(handle.fileno())) != self._stamp:
                    raise SourceError.from_catalogue("error.csv_changed", path=str(path))
                reader = csv.reader(handle, delimiter=self._format.delimiter)
                next(reader, None)  # the header, read by read_csv_table
                yield from reader
        except FileNotFoundError:
            raise SourceError.from_catalogue("error.file_not_found", path=str(path)) from None
        except UnicodeDecodeError as exc:
            raise SourceError.from_catalogue(
                "error.csv_decode", path=str(path), encoding=self._format.encoding,
                reason=_decode_reason(path, self._format.encoding, exc),
            ) from None
        except (OSError, csv.Error, UnicodeError) as exc:
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

    def record_batches(self, width: int) -> Iterator[pa.RecordBatch] | None:
        """The data rows as pyarrow record batches of ``width`` text columns (the columnar fast path).

        None unless pyarrow is installed and the file is UTF-8, at least
        :data:`ENGINE_MIN_BYTES` long (a small file is read sooner than pyarrow
        imports), with a header without line breaks: then pyarrow's reader splits
        records and fields as :mod:`csv` does (quotes, doubled quotes, line breaks
        inside quotes, blank lines as rows of empty cells). A record of another
        width than the header, a field longer than :mod:`csv` accepts, a carriage
        return inside a cell (pyarrow may lose the LF after it, see :func:`_holds_cr`),
        a byte that is not UTF-8 or a file changed since it was opened raises while reading:
        the parser then reads the file row by row, which reports it as it always did.
        """
        if (not self._one_line_header or codecs.lookup(self._format.encoding).name not in ("utf-8", "utf-8-sig")
                or self._stamp[0] < ENGINE_MIN_BYTES or not _pyarrow_csv_available()):
            return None
        return self._batches(width)

    def _batches(self, width: int) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa
        from pyarrow import csv as pa_csv

        names = [f"c{i}" for i in range(width)]

        def refuse(row: object) -> str:
            return "error"  # a record of another width: the row path decides what it is

        with self._path.open("rb") as handle:
            if _stamp(os.fstat(handle.fileno())) != self._stamp:
                raise SourceError.from_catalogue("error.csv_changed", path=str(self._path))
            reader = pa_csv.open_csv(
                handle,
                read_options=pa_csv.ReadOptions(column_names=names, skip_rows=1, block_size=_BLOCK_BYTES),
                parse_options=pa_csv.ParseOptions(
                    delimiter=self._format.delimiter, quote_char='"', double_quote=True, escape_char=False,
                    newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=refuse,
                ),
                convert_options=pa_csv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            try:
                for batch in reader:
                    if batch.num_rows and max(_longest(column) for column in batch.columns) > csv.field_size_limit():
                        raise ValueError("a field longer than csv reads")  # the row path reports it
                    if any(_holds_cr(column) for column in batch.columns):
                        raise ValueError("a carriage return inside a cell")  # pyarrow may have lost the LF after it
                    yield batch
            finally:
                # a reader left open (a refused or abandoned read) may call ``refuse`` while Python shuts down
                reader.close()


#: Smaller files are read row by row: importing pyarrow (~0.2 s of CPU with numpy) would cost more
#: than it saves (the two break even near 8 MB, ~25,000 rows of a Forms export; benchmarks/README.md).
ENGINE_MIN_BYTES = 8 << 20
#: pyarrow reads this many bytes of CSV per record batch (~12,000 rows of a Forms export).
_BLOCK_BYTES = 4 << 20


def _pyarrow_csv_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("pyarrow") is not None


def _longest(column: pa.Array) -> int:
    import pyarrow.compute as pc

    return int(pc.max(pc.binary_length(column)).as_py() or 0)


def _holds_cr(column: pa.Array) -> bool:
    """Whether a cell holds a carriage return.

    pyarrow (21-26 at least) drops the LF of a CRLF inside a quoted cell when its
    reading blocks split the pair: a cell with a CR may not be the cell :mod:`csv` reads.
    Line breaks inside cells are LF in Google Sheets, Forms and Excel files, so
    refusing these files costs little.

    The column's bytes are searched at once (a ``memchr`` pass, ~30× faster than a
    compute kernel): a data buffer shared beyond the column could only refuse more.
    """
    data = column.buffers()[2] if len(column) else None
    return data is not None and data.to_pybytes().find(b"\r") >= 0


def _stamp(stat: os.stat_result) -> tuple[int, int]:
    return stat.st_size, stat.st_mtime_ns


def read_csv_table(
    path: str | Path,
    name: str | None = None,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> Table:
    """Open a CSV file; the first row is the header.

    The encoding and the delimiter are detected (module docs) unless given;
    ``delimiter`` also takes ``tab``, ``comma`` and ``semicolon``. The header
    is read now; the data rows stream from the file whenever the table's rows
    are iterated (see :class:`CsvRows`), so memory stays flat however long the
    file is.

    Raises:
        SourceError: the file is missing or unreadable, the encoding is
            unknown, or the delimiter is ambiguous (a problem further down the
            file is raised when the rows are read).
    """
    path = Path(path)
    csv_format = sniff_csv(path, encoding=encoding, delimiter=delimiter)
    try:
        with path.open(encoding=csv_format.encoding, newline="") as handle:
            stamp = _stamp(os.fstat(handle.fileno()))
            header = next(csv.reader(handle, delimiter=csv_format.delimiter), [])
    except FileNotFoundError:
        raise SourceError.from_catalogue("error.file_not_found", path=str(path)) from None
    except UnicodeDecodeError as exc:
        raise _unreadable(path, _decode_reason(path, csv_format.encoding, exc)) from None
    except (OSError, csv.Error, UnicodeError) as exc:
        raise _unreadable(path, exc) from None
    one_line = not any("\n" in cell or "\r" in cell for cell in header)
    rows = CsvRows(path, stamp, csv_format, one_line_header=one_line)
    return Table(name=name or path.name, header=tuple(header), rows=rows)


def read_csv_bytes(
    data: bytes,
    name: str,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> Table:
    """A CSV held in memory (e.g. a member of a zip download), detected like :func:`read_csv_table`.

    Raises:
        SourceError: the bytes do not decode, or the delimiter is ambiguous.
    """
    csv_format = _format_of(data[:SAMPLE_BYTES], len(data) <= SAMPLE_BYTES, name, encoding, delimiter)
    try:
        text = data.decode(csv_format.encoding)
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=csv_format.delimiter))
    except UnicodeDecodeError as exc:
        raise _unreadable(name, _decode_failure([data], csv_format.encoding) or os_reason(exc)) from None
    except (csv.Error, UnicodeError) as exc:
        raise _unreadable(name, exc) from None
    header = records[0] if records else []
    return Table(name=name, header=tuple(header), rows=records[1:])


def write_csv(path: str | Path, header: list[str], rows: Iterable[Sequence[object]]) -> None:
    """Write a UTF-8 CSV file."""
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
