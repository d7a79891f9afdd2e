"""A bounded, streaming reader for untrusted ``.xlsx`` packages.

An ``.xlsx`` file is a zip of XML parts. This reader checks the zip before it
inflates anything, parses every part with :mod:`defusedxml` (no DTDs, no
entities, no external references) and reads worksheets with ``iterparse`` one
row at a time, so time and memory follow the cells that hold a value, never
the ``<dimension>`` the file declares. Cells are read as their cached values
(what Excel shows, like openpyxl's ``data_only=True``): a formula's text is
never returned.

Limits (:class:`Limits`; each one breached is one :class:`~tpbis.errors.SourceError`):

* the file itself: at most 200 MB;
* at most 10,000 zip members, 200 MB uncompressed in total;
* a member above 10 MB uncompressed may expand at most 100:1 (a zip bomb);
* at most 2,000,000 rows (by row number) and 1,000 columns holding a value;
* at most 50,000 characters in one cell (Excel itself stops at 32,767).

Rows and cells without a value after the last value are not kept.

Worksheets and shared strings are first read by the strict regex reader of
:mod:`tpbis.adapters._xlsx_fast` (several times faster on large sheets); when
a part holds anything it does not fully understand it declines, and the part is
read again from the start by the ElementTree reader below, so the rows, values
and errors are always this reader's (``FAST = False`` turns it off).
"""

from __future__ import annotations

import datetime as dt
import lzma
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Generator, Iterator
from typing import IO, TypeVar
from xml.etree.ElementTree import Element, ParseError

import attrs

from tpbis.errors import SourceError
from tpbis.i18n import both
from tpbis.message import Message
from tpbis.parsing.table import Cell, Table

__all__ = [
    "Limits",
    "Package",
    "SheetRef",
    "open_package",
]

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOCUMENT = REL_NS + "/officeDocument"
STRICT_OFFICE_DOCUMENT = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"


@attrs.frozen(kw_only=True)
class Limits:
    """How much an ``.xlsx`` file may hold before it is refused (see the module docstring)."""

    file_bytes: int = 200 * 1024 * 1024
    members: int = 10_000
    uncompressed_bytes: int = 200 * 1024 * 1024
    ratio: int = 100
    ratio_above_bytes: int = 10 * 1024 * 1024
    rows: int = 2_000_000
    columns: int = 1_000
    cell_chars: int = 50_000


DEFAULT_LIMITS = Limits()
_T = TypeVar("_T")
#: Read worksheets and shared strings with the fast reader (``_xlsx_fast``) first; tests turn it off to compare.
FAST = True


_RowReader = Callable[["Package", IO[bytes]], Iterator[tuple[int, tuple[Cell, ...]]]]


class _Unreadable(Exception):
    """Internal: the reason a package cannot be read (turned into a SourceError at the edge)."""


def limit_error(path: str, key: str, **params: object) -> SourceError:
    """One SourceError naming the file and the limit it breaks (catalogue ``xlsx.limit.*``)."""
    return SourceError(*both(f"xlsx.limit.{key}", path=path, **params))


def unreadable(path: str, reason: object) -> SourceError:
    """The file is not a readable XLSX workbook."""
    if not isinstance(reason, Message):
        reason = str(reason) or type(reason).__name__
    return SourceError.from_catalogue("error.unreadable_xlsx", path=path, reason=reason)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _parse(data: bytes) -> Element:
    from defusedxml.ElementTree import fromstring  # imported here: the xlsx extra is optional

    return fromstring(data, forbid_dtd=True)


def check_zip(archive: zipfile.ZipFile, path: str, limits: Limits) -> None:
    """Refuse a zip whose members would inflate past the limits, before inflating any of them."""
    infos = archive.infolist()
    if len(infos) > limits.members:
        raise limit_error(path, "members", count=len(infos), limit=limits.members)
    total = 0
    for info in infos:
        total += info.file_size
        if total > limits.uncompressed_bytes:
            raise limit_error(path, "size", limit=limits.uncompressed_bytes // (1024 * 1024))
        if info.file_size > limits.ratio_above_bytes and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise limit_error(path, "ratio", member=info.filename, ratio=limits.ratio)


@attrs.frozen(kw_only=True)
class SheetRef:
    """One ``<sheet>`` of ``xl/workbook.xml``: its name, visibility, relationship id and part."""

    name: str
    state: str
    rid: str
    sheet_id: str
    part: str | None
    #: the relationship type's last segment: ``worksheet``, ``chartsheet``, ``dialogsheet``…
    kind: str = "worksheet"

    @property
    def is_worksheet(self) -> bool:
        """Whether the sheet is a worksheet (cells), not a chart sheet, dialog sheet or macro sheet."""
        return self.kind == "worksheet"


def resolve(base_part: str, target: str) -> str:
    """A relationship target as a zip member name (targets are relative to the source part's folder)."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_part), target))


def rels_name(part: str) -> str:
    """The relationships part of ``part`` (``xl/workbook.xml`` → ``xl/_rels/workbook.xml.rels``)."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


_COLUMN = re.compile(r"([A-Za-z]{1,3})(\d*)")
_ILLEGAL_NUMBER = re.compile(r"[^0-9eE.+\-]")


def column_index(ref: str) -> int:
    """``"AB12"`` → 28 (1-based), 0 when the reference cannot be read."""
    match = _COLUMN.match(ref)
    if not match:
        return 0
    index = 0
    for char in match.group(1).upper():
        index = index * 26 + ord(char) - 64
    return index


class Package:
    """An opened ``.xlsx`` package: its zip, workbook part, sheets, shared strings and date styles.

    Every XML part is parsed with defusedxml; the zip was checked against the
    limits before this object was built (see :func:`open_package`).
    """

    def __init__(self, archive: zipfile.ZipFile, path: str, limits: Limits) -> None:
        self.archive = archive
        self.path = path
        self.limits = limits
        self.names = {info.filename for info in archive.infolist()}
        #: OPC part names are case-insensitive: casefolded name → the member's real name
        self._folded: dict[str, str] = {}
        for name in sorted(self.names):
            self._folded.setdefault(name.casefold(), name)
        self.workbook_part = self._workbook_part()
        root = _parse(self._member(self.workbook_part))
        self.date1904 = any(
            _local(e.tag) == "workbookPr" and e.get("date1904", "").lower() in ("1", "true") for e in root.iter()
        )
        rels = self.relationships(self.workbook_part)
        self.sheets: list[SheetRef] = []
        for element in root.iter():
            if _local(element.tag) != "sheet":
                continue
            rid = element.get(f"{{{REL_NS}}}id") or next(
                (v for k, v in element.attrib.items() if _local(k) == "id" and k.startswith("{")), ""
            )
            target = rels.get(rid)
            self.sheets.append(SheetRef(
                name=element.get("name", ""), state=element.get("state", "visible"), rid=rid,
                sheet_id=element.get("sheetId", ""), part=target[1] if target else None,
                kind=target[0].rsplit("/", 1)[-1] if target else "",
            ))
        by_type = {kind.rsplit("/", 1)[-1]: part for kind, part in rels.values()}
        self._strings_part = by_type.get("sharedStrings")
        self._styles_part = by_type.get("styles")
        self._strings: list[str] = []
        self._string_source: Iterator[str] | None = None
        self._date_styles: list[bool] | None = None
        self._tab = ""

    # -- for the fast reader (``_xlsx_fast`` imports nothing from this module: it gets them here) --

    @staticmethod
    def column_index(ref: str) -> int:
        """:func:`column_index`."""
        return column_index(ref)

    @staticmethod
    def prolog_has_dtd(head: bytes) -> bool | None:
        """:func:`_prolog_has_dtd`."""
        return _prolog_has_dtd(head)

    @staticmethod
    def xml_codec(head: bytes) -> str:
        """:func:`xml_codec`."""
        return xml_codec(head)

    def limit_error(self, key: str, **params: object) -> SourceError:
        """:func:`limit_error` for this package's file."""
        return limit_error(self.path, key, **params)

    def converter(self) -> Callable[[float], Cell]:
        """Excel serial numbers to dates in this workbook's calendar."""
        return _converter(self.date1904)

    # -- parts -------------------------------------------------------------------------------

    def real(self, name: str) -> str:
        """The member named ``name``, compared as OPC does (case-insensitively); ``name`` when none is."""
        return name if name in self.names else self._folded.get(name.casefold(), name)

    def _member(self, name: str) -> bytes:
        try:
            return self.archive.read(self.real(name))
        except KeyError:
            raise _Unreadable(f"missing part {name}") from None

    def _workbook_part(self) -> str:
        if self.real("_rels/.rels") in self.names:
            root = _parse(self._member("_rels/.rels"))
            for rel in root:
                if rel.get("Type") in (OFFICE_DOCUMENT, STRICT_OFFICE_DOCUMENT) and rel.get("Target"):
                    part = self.real(resolve("", rel.get("Target", "")))
                    if part in self.names:
                        return part
        if self.real("xl/workbook.xml") in self.names:
            return self.real("xl/workbook.xml")
        raise _Unreadable("no workbook part (xl/workbook.xml)")

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (type, member name) for ``part`` (empty when it has none)."""
        name = self.real(rels_name(part))
        if name not in self.names:
            return {}
        out: dict[str, tuple[str, str]] = {}
        for rel in _parse(self._member(name)):
            if rel.get("TargetMode") == "External":
                continue
            out[rel.get("Id", "")] = (rel.get("Type", ""), self.real(resolve(part, rel.get("Target", ""))))
        return out

    def _shared_string(self, index: int) -> str:
        """Shared string ``index`` (negative: from the end, as openpyxl reads it).

        The shared strings part is parsed only as far as the largest index a
        cell asks for, one ``<si>`` at a time: strings no cell uses cost nothing.
        """
        if self._string_source is None:
            self._string_source = self._string_stream()
        while index < 0 or index >= len(self._strings):
            text = next(self._string_source, None)
            if text is None:
                break
            self._strings.append(text)
        return self._strings[index]  # IndexError: no such string

    def _string_stream(self) -> Iterator[str]:
        if not self._strings_part or self._strings_part not in self.names:
            return
        done = 0
        if FAST:
            from tpbis.adapters._xlsx_fast import Decline, fast_strings

            try:
                with self.archive.open(self._strings_part) as stream:
                    for text in fast_strings(self, stream):
                        done += 1
                        yield text
                return
            except Decline:
                pass  # the slow reader goes on after the strings already handed out (the same ones)
        with self.archive.open(self._strings_part) as stream:
            for element, ancestors in _ends(stream):
                if len(ancestors) != 1:
                    continue  # the root, or inside an <si>: read with it
                if _local(element.tag) == "si":
                    if done:
                        done -= 1
                    else:
                        yield self._text(element)
                ancestors[0].remove(element)  # memory holds one string at a time

    def _dates(self) -> list[bool]:
        if self._date_styles is None:
            from tpbis.adapters._xlsx_dates import is_builtin_date, is_date_format

            self._date_styles = []
            if self._styles_part and self._styles_part in self.names:
                root = _parse(self._member(self._styles_part))
                custom = {
                    int(e.get("numFmtId", "-1")): e.get("formatCode", "")
                    for e in root.iter() if _local(e.tag) == "numFmt" and e.get("numFmtId", "").isdigit()
                }
                for section in root:
                    if _local(section.tag) != "cellXfs":
                        continue
                    for xf in section:
                        fmt_id = int(xf.get("numFmtId", "0")) if xf.get("numFmtId", "0").isdigit() else 0
                        code = custom.get(fmt_id)
                        self._date_styles.append(is_builtin_date(fmt_id) if code is None else is_date_format(code))
        return self._date_styles

    def _text(self, element: Element) -> str:
        """The text of an ``<si>`` or ``<is>``: every ``<t>``, phonetic runs left out."""
        parts: list[str] = []
        for child in element:
            tag = _local(child.tag)
            if tag == "t":
                parts.append(child.text or "")
            elif tag == "r":
                parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
        text = "".join(parts)
        if len(text) > self.limits.cell_chars:
            raise limit_error(self.path, "cell", limit=self.limits.cell_chars)
        return text

    # -- sheets ------------------------------------------------------------------------------

    def table(self, sheet: SheetRef) -> Table:
        """The sheet as a table: row 1 is the header; rows stop at the last row holding a value."""
        if sheet.part is None or sheet.part not in self.names:
            return Table(name=sheet.name, header=(), rows=[])
        self._tab = sheet.name
        if FAST:
            from tpbis.adapters._xlsx_fast import Decline, fast_rows

            try:
                return self._table(sheet, fast_rows)
            except Decline:
                pass  # read again from the start: nothing was handed out
        return self._table(sheet, Package._rows)

    def _table(self, sheet: SheetRef, read: _RowReader) -> Table:
        rows: list[tuple[Cell, ...]] = []
        header: tuple[Cell, ...] = ()
        assert sheet.part is not None
        with self.archive.open(sheet.part) as stream:
            for number, cells in read(self, stream):
                if number == 1:
                    header = cells
                    continue
                gap = number - 2 - len(rows)
                if gap > 0:
                    rows.extend([()] * gap)
                if gap >= 0:
                    rows.append(cells)
        return Table(name=sheet.name, header=tuple("" if h is None else str(h) for h in header), rows=rows)

    def header(self, sheet: SheetRef) -> tuple[Cell, ...]:
        """Row 1 of the sheet (empty when it has none): parsing stops at the first row holding a value."""
        if sheet.part is None or sheet.part not in self.names:
            return ()
        self._tab = sheet.name
        if FAST:
            from tpbis.adapters._xlsx_fast import Decline, fast_rows

            try:
                return self._header(sheet, fast_rows)
            except Decline:
                pass
        return self._header(sheet, Package._rows)

    def _header(self, sheet: SheetRef, read: _RowReader) -> tuple[Cell, ...]:
        assert sheet.part is not None
        with self.archive.open(sheet.part) as stream:
            rows = read(self, stream)
            try:
                number, cells = next(rows, (0, ()))
            finally:
                close = getattr(rows, "close", None)
                if close is not None:
                    close()
        return cells if number == 1 else ()

    def _rows(self, stream: IO[bytes]) -> Generator[tuple[int, tuple[Cell, ...]], None, None]:
        """(row number, cells up to the last value) for each row holding a value, in file order.

        Each cell is handled when it ends and then dropped, and every other
        element (rows, merged ranges, conditional formats…) is dropped when it
        ends, so memory holds one row's values, never the cells without one.
        """
        limits = self.limits
        strings = self._shared_string
        dates = self._dates
        convert = _converter(self.date1904)
        number = 0
        column = 0
        cells: dict[int, Cell] = {}
        for element, ancestors in _ends(stream):
            depth = len(ancestors)  # <worksheet> 0, <sheetData> 1, <row> 2, <c> 3
            if depth > 3:
                continue  # <v>, <is> and their runs, read with their cell; any deeper element goes with its ancestor
            tag = _local(element.tag)
            if tag == "c":
                ref = element.get("r")
                column = column_index(ref) if ref else column + 1
                if column <= 0:
                    column = (max(cells) if cells else 0) + 1
                if len(element):  # no child: a styled or empty cell, no value
                    value = self._value(element, strings, dates, convert)
                    if value is not None and value != "":
                        if column > limits.columns:
                            raise limit_error(self.path, "columns_tab", limit=limits.columns, tab=self._tab)
                        cells[column] = value
            elif tag == "row":
                r = element.get("r")
                number = int(r) if r and r.isdigit() else number + 1
                column = 0
                if cells:
                    if number > limits.rows:
                        raise limit_error(self.path, "rows_tab", limit=limits.rows, tab=self._tab)
                    width = max(cells)
                    row = tuple(cells.get(i) for i in range(1, width + 1))
                    cells = {}
                    yield number, row
            if ancestors:
                ancestors[-1].remove(element)
            else:
                element.clear()

    def _value(
        self,
        cell: Element,
        strings: Callable[[int], str],
        dates: Callable[[], list[bool]],
        convert: Callable[[float], Cell],
    ) -> Cell:
        kind = cell.get("t", "n")
        raw: str | None = None
        inline: Element | None = None
        for child in cell:
            tag = _local(child.tag)
            if tag == "v":
                raw = child.text or ""
            elif tag == "is":
                inline = child
        if kind == "inlineStr":
            return self._text(inline) if inline is not None else None
        if raw is None:
            return None
        return self._scalar(kind, raw, cell.get("s", "0"), strings, dates, convert)

    def _scalar(
        self,
        kind: str,
        raw: str,
        style: str,
        strings: Callable[[int], str],
        dates: Callable[[], list[bool]],
        convert: Callable[[float], Cell],
    ) -> Cell:
        """The value of a cell of type ``kind`` (its ``t``) holding ``<v>raw</v>``, styled ``style`` (its ``s``)."""
        if len(raw) > self.limits.cell_chars:
            raise limit_error(self.path, "cell", limit=self.limits.cell_chars)
        if kind == "s":
            try:
                return strings(int(raw))
            except (ValueError, IndexError):
                raise _Unreadable(f"shared string {raw!r} does not exist") from None
        if kind in ("str", "e"):
            return raw
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "d":
            from tpbis.adapters._xlsx_dates import from_iso8601

            try:
                value = from_iso8601(raw)
            except (ValueError, TypeError):
                return raw
            return value if isinstance(value, dt.date) else str(value)
        raw = raw.strip()
        if not raw or _ILLEGAL_NUMBER.search(raw):
            return raw or None
        try:
            number: int | float = float(raw) if ("." in raw or "e" in raw or "E" in raw) else int(raw)
        except ValueError:
            return raw
        index = int(style) if style.isdigit() else 0
        table_dates = dates()
        if index < len(table_dates) and table_dates[index]:
            return convert(number)
        return number


def _converter(date1904: bool) -> Callable[[float], Cell]:
    from tpbis.adapters._xlsx_dates import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

    epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900

    def convert(value: float) -> Cell:
        try:
            out = from_excel(value, epoch)
        except (OverflowError, ValueError):
            return value
        if isinstance(out, dt.datetime | dt.date):
            return out
        return str(out)  # a time of day or a duration: shown as text

    return convert


_CHUNK = 64 * 1024
_PROLOG_BYTES = 1024 * 1024


#: Byte signatures of an XML entity's first four bytes (XML 1.0, appendix F) → the codec to read its prolog.
_SIGNATURES: tuple[tuple[bytes, str | None], ...] = (
    (b"\x00\x00\xfe\xff", None),  # UTF-32 and UCS-4: expat does not read them; refused
    (b"\xff\xfe\x00\x00", None),
    (b"\x00\x00\x00\x3c", None),
    (b"\x3c\x00\x00\x00", None),
    (b"\x00\x00\x3c\x00", None),
    (b"\x00\x3c\x00\x00", None),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\x4c\x6f\xa7\x94", None),  # EBCDIC
)


def xml_codec(head: bytes) -> str:
    """The codec to read an XML part's text, detected as the XML spec (appendix F) and expat do.

    A byte-order mark decides first; without one, a zero byte among the first
    two tells UTF-16 (``00 3C`` big-endian, ``3C 00`` little-endian); else the
    text is ASCII-compatible (UTF-8). UTF-32 and EBCDIC are refused: expat
    does not read them, and a check that cannot read a part must not pass it.
    """
    for signature, codec in _SIGNATURES:
        if head.startswith(signature):
            if codec is None:
                raise _Unreadable("unsupported XML encoding")
            return codec
    if len(head) >= 2 and head[0] == 0 and head[1] != 0:
        return "utf-16-be"
    if len(head) >= 2 and head[0] != 0 and head[1] == 0:
        return "utf-16-le"
    declared = re.match(rb"""<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""", head)
    if declared and declared.group(1).lower().replace(b"_", b"-") in (b"utf-7", b"utf7", b"unicode-1-1-utf-7"):
        raise _Unreadable("unsupported XML encoding")
    return "utf-8"


def xml_text(data: bytes) -> str:
    """A whole XML part as text (its byte-order mark dropped), decoded as :func:`xml_codec` says."""
    try:
        return data.decode(xml_codec(data[:4])).lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise _Unreadable(f"XML part not in its encoding: {exc.reason}") from None


def _prolog_has_dtd(head: bytes) -> bool | None:
    """Whether the XML prolog in ``head`` declares a DTD; ``None`` when ``head`` ends inside the prolog.

    A DTD (and so any entity, internal or external) can only come before the
    root element, so a part whose prolog has none cannot expand entities. The
    prolog is read in the encoding expat will use (:func:`xml_codec`, BOM or
    not), so a UTF-16 part without a byte-order mark cannot hide its DTD.
    """
    if len(head) < 4:
        return None
    codec = xml_codec(head[:4])
    if codec == "utf-8":
        text = head.decode("latin-1").lstrip("\xef\xbb\xbf")  # the markup that matters is ASCII
    else:
        usable = len(head) - len(head) % 2
        text = head[:usable].decode(codec, errors="replace").lstrip("\ufeff")
    position = 0
    while True:
        start = text.find("<", position)
        if start < 0:
            return None
        if text.startswith("<?", start):
            end = text.find("?>", start)
            if end < 0:
                return None
            position = end + 2
        elif text.startswith("<!--", start):
            end = text.find("-->", start)
            if end < 0:
                return None
            position = end + 3
        else:
            if len(text) - start < 2:
                return None
            return text.startswith("<!", start)  # a DTD, else the root element


def _events(stream: IO[bytes], events: tuple[str, ...]) -> Iterator[tuple[str, Element]]:
    """Parse a large part as a stream with the C parser, once its prolog is known to hold no DTD.

    (defusedxml's parser is the pure-Python one, several times slower on
    million-cell sheets; the small parts still go through defusedxml.)
    """
    from xml.etree.ElementTree import XMLPullParser

    from defusedxml import DTDForbidden

    head = b""
    while True:
        chunk = stream.read(_CHUNK)
        head += chunk
        verdict = _prolog_has_dtd(head)
        if verdict is True:
            raise DTDForbidden("", None, None)
        if verdict is False or not chunk:
            break
        if len(head) > _PROLOG_BYTES:
            raise _Unreadable("XML prolog too long")
    parser: XMLPullParser[Element] = XMLPullParser(events)  # type: ignore[arg-type]  # the events are literals
    chunk = head
    while chunk:
        parser.feed(chunk)
        yield from parser.read_events()  # type: ignore[misc]
        chunk = stream.read(_CHUNK)
    parser.close()
    yield from parser.read_events()  # type: ignore[misc]


def _ends(stream: IO[bytes]) -> Iterator[tuple[Element, list[Element]]]:
    """Each element when it ends, with its open ancestors (root first).

    The caller removes what it has handled from ``ancestors[-1]``, so the
    tree never holds more than the elements still open and their kept children.
    """
    ancestors: list[Element] = []
    for event, element in _events(stream, ("start", "end")):
        if event == "start":
            ancestors.append(element)
        else:
            ancestors.pop()
            yield element, ancestors


def open_package(data: IO[bytes], path: str, limits: Limits = DEFAULT_LIMITS) -> Package:
    """Check and open a package (a file object over the ``.xlsx`` bytes).

    Raises:
        SourceError: not a zip, beyond a limit, or a part missing or malformed.
    """
    try:
        archive = zipfile.ZipFile(data)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise unreadable(path, Message("oserror.not_zip")) from None
    check_zip(archive, path, limits)
    return guarded(path, lambda: Package(archive, path, limits))


def guarded(path: str, action: Callable[[], _T]) -> _T:
    """Run ``action``, turning every way a hostile package can fail into one SourceError."""
    from defusedxml import DefusedXmlException

    try:
        return action()
    except SourceError:
        raise
    except _Unreadable as exc:
        raise unreadable(path, exc) from None
    except DefusedXmlException as exc:
        raise unreadable(path, f"forbidden XML construct ({type(exc).__name__})") from None
    except ParseError as exc:
        raise unreadable(path, f"malformed XML: {exc}") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, ValueError,
            KeyError, IndexError, TypeError, AttributeError, NotImplementedError, RuntimeError,
            RecursionError) as exc:
        # corrupt deflate/LZMA streams, members past the end of the file (truncated, or saved while
        # read), encrypted members or unknown compression methods, and malformed parts
        raise unreadable(path, exc) from None
    except MemoryError:
        raise unreadable(path, "too large to read in the memory available") from None
