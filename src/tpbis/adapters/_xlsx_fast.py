"""A fast reader for the worksheet and shared-strings parts of an ``.xlsx`` package.

:class:`~tpbis.adapters._xlsx_read.Package` reads big parts through
ElementTree's pull parser, one Python step per element; most of its time goes
to building elements and events, not to scanning the XML. This module reads
the same parts with compiled regular expressions, one match per cell in the
shapes real writers produce (Excel, openpyxl, LibreOffice, Google Sheets).

It is strict: whatever it does not fully understand — a comment, CDATA, a
processing instruction, an unknown element, an entity it does not know, a
character XML forbids, an encoding other than UTF-8, a namespace declared
inside the data — makes it raise :class:`Decline`, and the caller reads the
part again from the start with ElementTree, so the result (rows, values,
errors) is always the ElementTree reader's. It never returns what that reader
would not.

What is outside the data (the prolog, ``<worksheet>`` up to ``<sheetData>``,
and everything after ``</sheetData>``) is parsed by ElementTree's C parser
itself: the data between is left out of what it sees, which keeps the document
well-formed. So the prolog's DTD check, the namespaces in scope and the rest
of the part are checked exactly as the slow reader checks them.

Text is read in chunks of about 1 MB (256 KB for shared strings) cut at row
(string) boundaries, so memory stays bounded as with the pull parser; a row
(string) longer than ``ITEM_CHARS`` declines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from operator import itemgetter
from typing import IO, TYPE_CHECKING, Protocol
from xml.etree.ElementTree import Element, XMLPullParser

if TYPE_CHECKING:
    from collections.abc import Callable

    from tpbis.parsing.table import Cell

__all__ = ["Decline", "Host", "fast_rows", "fast_strings"]


class Decline(Exception):
    """The part holds something this reader does not fully understand: read it with ElementTree."""


class _Limits(Protocol):
    @property
    def rows(self) -> int: ...
    @property
    def columns(self) -> int: ...
    @property
    def cell_chars(self) -> int: ...


class Host(Protocol):
    """What this reader uses of ``_xlsx_read.Package`` (passed in: this module imports nothing from that one)."""

    path: str
    date1904: bool
    _tab: str
    _strings: list[str]

    @property
    def limits(self) -> _Limits: ...
    def _shared_string(self, index: int) -> str: ...
    def _dates(self) -> list[bool]: ...
    def _scalar(
        self, kind: str, raw: str, style: str, strings: Callable[[int], str], dates: Callable[[], list[bool]],
        convert: Callable[[float], Cell],
    ) -> Cell: ...
    def _value(
        self, cell: Element, strings: Callable[[int], str], dates: Callable[[], list[bool]],
        convert: Callable[[float], Cell],
    ) -> Cell: ...
    def _text(self, element: Element) -> str: ...
    def limit_error(self, key: str, **params: object) -> Exception: ...
    def converter(self) -> Callable[[float], Cell]: ...
    @staticmethod
    def column_index(ref: str) -> int: ...
    @staticmethod
    def prolog_has_dtd(head: bytes) -> bool | None: ...
    @staticmethod
    def xml_codec(head: bytes) -> str: ...


XML_NS = "http://www.w3.org/XML/1998/namespace"
SHEET_CHUNK = 1024 * 1024
STRINGS_CHUNK = 256 * 1024
_PROLOG_BYTES = 1024 * 1024
#: the most text held for one row or string before the part declines (a valid row of a million cells would be held
#: whole, up to the 200 MB a part may hold; found by the hostile review)
ITEM_CHARS = 16 * 1024 * 1024
_PENDING_BYTES = 8 * 1024 * 1024
_MAX_DEPTH = 8
_TAG_SPAN = 256  # longer than '<', a prefix of 100 characters, ':', a tag name and one more byte
_CACHE = 4096
_FEED = 64 * 1024
#: the longest number the shortcuts give ``int``: Python refuses longer digit strings (``sys.set_int_max_str_digits``,
#: at least 640), and ``_scalar`` turns that refusal into its own result
_DIGITS = 600
#: after this many cells read by ``_element`` (formulas, rich text, single quotes...), a part where they are more
#: than a quarter of the cells declines: ``_element`` is slower than ElementTree (2.5 times for a part of formulas)
_UNUSUAL = 1000
_ROW_CHARS = 64 * 1024  # a longer row is read one cell at a time (its matches would all be held at once)

_WS = "[ \t\r\n]"  # XML white space (``\s`` would take Unicode spaces too)
# the quantifiers below are possessive (``*+``, ``++``) wherever what follows cannot start with what they took:
# the same matches, without backtracking (a tag with megabytes of white space failed in quadratic-like time)
_NAME = "[A-Za-z_][A-Za-z0-9._-]*+"  # ASCII names only: anything else declines
_QNAME = f"(?:{_NAME}:)?{_NAME}"
_ATTR = f"""{_QNAME}{_WS}*+={_WS}*+(?:"[^"<]*+"|'[^'<]*+')"""
_ATTRS = f"(?:{_WS}++{_ATTR})*+"
_ATTR_RE = re.compile(f"""({_QNAME}){_WS}*={_WS}*(?:"([^"<]*)"|'([^'<]*)')""")
_TAG = re.compile(f"<(/?)({_QNAME})({_ATTRS}){_WS}*+(/?)>")
_SPACE = re.compile(f"{_WS}*")
#: characters XML 1.0 forbids (expat refuses U+FFFE and U+FFFF too); UTF-8 decoding already refuses surrogates
_NONXML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_REF = re.compile("&(?:(amp|lt|gt|quot|apos)|#([0-9]{1,10})|#x([0-9a-fA-F]{1,8}));")
#: text the usual shapes take as it is: no markup, reference, carriage return or character XML forbids
_FAST_TEXT = "[^<>&\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]*+"
_decimal = re.compile("[0-9]+\\.[0-9]+").fullmatch
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_DECLARATION = re.compile(rb"(?:\xef\xbb\xbf)?<\?xml[ \t\r\n]([^>]*?)\?>")
_ENCODING = re.compile(rb"""encoding[ \t\r\n]*=[ \t\r\n]*(?:"([^"]*)"|'([^']*)')""")


def _char(match: re.Match[str]) -> str:
    named, decimal, hexadecimal = match.groups()
    if named:
        return _NAMED[named]
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF:
        return chr(code)
    raise Decline


def _references(text: str) -> str:
    """Entity and character references decoded as expat does; any other ``&`` declines."""
    if text.count("&") != len(_REF.findall(text)):
        raise Decline
    return _REF.sub(_char, text)


def _text(raw: str) -> str:
    """Character data as expat reports it: line ends normalised, then references decoded."""
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if "]]>" in raw or _NONXML.search(raw):
        raise Decline
    return _references(raw) if "&" in raw else raw


def _attribute(raw: str) -> str:
    """An attribute value as expat reports it: line ends normalised, white space made spaces, references decoded."""
    if _NONXML.search(raw):
        raise Decline
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if "\n" in raw or "\t" in raw:
        raw = raw.replace("\n", " ").replace("\t", " ")
    return _references(raw) if "&" in raw else raw


def _attributes(text: str, namespaces: dict[str, str]) -> dict[str, str]:
    """The attributes in ``text`` (already matched by ``_ATTRS``), keyed as ElementTree keys them."""
    out: dict[str, str] = {}
    for match in _ATTR_RE.finditer(text):
        name, double, single = match.groups()
        if name.startswith("xmlns"):
            raise Decline  # a namespace declared inside the data changes what the names mean
        if ":" in name:
            prefix, local = name.split(":", 1)
            uri = XML_NS if prefix == "xml" else namespaces.get(prefix)
            if not uri:
                raise Decline
            name = f"{{{uri}}}{local}"
        if name in out:
            raise Decline  # expat: duplicate attribute
        out[name] = _attribute(double if double is not None else single)
    return out


def _tag(name: str, namespaces: dict[str, str]) -> str:
    if ":" in name:
        prefix, local = name.split(":", 1)
        if prefix in ("xml", "xmlns") or prefix not in namespaces:
            raise Decline
        return local
    return name


def _element(s: str, pos: int, end: int, namespaces: dict[str, str]) -> tuple[Element, int]:
    """The element starting at ``s[pos]`` as ElementTree would build it (tags without namespace), and where it ends."""
    stack: list[tuple[str, Element]] = []
    while True:
        if pos >= end:
            raise Decline
        if s[pos] != "<":
            following = s.find("<", pos, end)
            if following < 0 or not stack:
                raise Decline
            text = _text(s[pos:following])
            parent = stack[-1][1]
            if len(parent):
                parent[-1].tail = text
            else:
                parent.text = text
            pos = following
            continue
        match = _TAG.match(s, pos, end)
        if match is None:
            raise Decline
        closing, name, attributes, empty = match.groups()
        pos = match.end()
        if closing:
            if attributes or empty or not stack or stack[-1][0] != name:
                raise Decline
            element = stack.pop()[1]
            if not stack:
                return element, pos
            continue
        element = Element(_tag(name, namespaces), _attributes(attributes, namespaces))
        if stack:
            stack[-1][1].append(element)
        if empty:
            if not stack:
                return element, pos
        elif len(stack) >= _MAX_DEPTH:
            raise Decline
        else:
            stack.append((name, element))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _Envelope:
    """ElementTree's C parser over everything but the data, declining on an element the slow reader would use.

    ``watched`` local names at depth ``depth`` or less (the root is depth 0)
    are what the slow reader takes as rows, cells or strings wherever they
    are; outside the data they decline.
    """

    def __init__(self, watched: frozenset[str], depth: int) -> None:
        self.parser: XMLPullParser[Element] = XMLPullParser(("start", "end", "start-ns"))
        self.watched = watched
        self.depth = depth
        self.stack: list[tuple[Element, list[tuple[str, str]]]] = []
        self.declared: list[tuple[str, str]] = []

    def feed(self, data: bytes) -> None:
        try:
            self.parser.feed(data)
            flush = getattr(self.parser, "flush", None)  # expat 2.6+ may hold back a token it could report
            if flush is not None:
                flush()
            self._events()
        except Decline:
            raise
        except Exception:  # malformed: the slow reader raises its own error, at its own place
            raise Decline from None

    def close(self) -> None:
        try:
            self.parser.close()
            self._events()
        except Decline:
            raise
        except Exception:
            raise Decline from None

    def _events(self) -> None:
        events: Iterator[tuple[str, object]] = self.parser.read_events()  # type: ignore[assignment]
        for event, item in events:
            if event == "start-ns":
                self.declared.append(item)  # type: ignore[arg-type]  # start-ns events carry (prefix, uri)
            elif event == "start":
                element: Element = item  # type: ignore[assignment]
                if len(self.stack) <= self.depth and _local(element.tag) in self.watched:
                    raise Decline
                self.stack.append((element, self.declared))
                self.declared = []
            else:
                element = self.stack.pop()[0]
                if self.stack:
                    self.stack[-1][0].remove(element)

    def namespaces(self) -> dict[str, str]:
        """Prefix → namespace in scope at the open element."""
        out: dict[str, str] = {}
        for _, declared in self.stack:
            out.update(declared)
        return out


def _open(stream: IO[bytes], envelope: _Envelope, name: bytes, depth: int, host: Host) -> tuple[str, bytes]:
    """Feed ``envelope`` the part up to the end of the start tag of ``name`` (open at ``depth``).

    Returns the tag's namespace prefix (``""`` or ``"x:"``) and the bytes read past the tag.
    """
    head = b""
    while True:
        chunk = stream.read(64 * 1024)
        head += chunk
        try:
            verdict = host.prolog_has_dtd(head)
        except Exception:
            raise Decline from None
        if verdict is True or (verdict is None and (not chunk or len(head) > _PROLOG_BYTES)):
            raise Decline
        if verdict is False:
            break
    if host.xml_codec(head[:4]) not in ("utf-8", "utf-8-sig"):
        raise Decline
    if head.lstrip(b"\xef\xbb\xbf").startswith(b"<?xml"):
        declaration = _DECLARATION.match(head)
        if declaration is None:
            raise Decline
        encoding = _ENCODING.search(declaration.group(1))
        if encoding and (encoding.group(1) or encoding.group(2) or b"").lower() != b"utf-8":
            raise Decline
    # a prefix of at most 100 characters (a longer one declines), so a match spans at most _TAG_SPAN bytes and the
    # next search can start that far from the end (searching from the start each time was quadratic)
    tag = re.compile(rb"<([A-Za-z_][A-Za-z0-9._-]{0,99}+:)?" + name + rb"(?=[ \t\r\n/>])")
    pending = head
    start = 0
    while True:
        match = tag.search(pending, start)
        close = -1 if match is None else pending.find(b">", match.end())
        if match is not None and close >= 0:
            break
        if match is None:
            cut = pending.rfind(b"<")
            if cut > 0:
                envelope.feed(pending[:cut])
                pending = pending[cut:]
            start = max(0, len(pending) - _TAG_SPAN)
        chunk = stream.read(64 * 1024)
        if not chunk or len(pending) > _PENDING_BYTES:
            raise Decline
        pending += chunk
    envelope.feed(pending[: close + 1])
    stack = envelope.stack
    if (
        pending[close - 1: close] == b"/"
        or len(stack) != depth + 1
        or _local(stack[-1][0].tag) != name.decode()
    ):
        raise Decline  # inside a comment, an empty element, or not where the slow reader would read it
    prefix = match.group(1) or b""
    return prefix.decode("ascii"), pending[close + 1:]


class _Body:
    """The data part's text, decoded chunk by chunk; ``end`` is where the last complete item closes."""

    def __init__(self, stream: IO[bytes], rest: bytes, item_close: str, body_close: str, chunk: int) -> None:
        self.stream = stream
        self.raw = rest
        self.item_close = item_close
        self.body_close = body_close
        self.chunk = chunk
        self.eof = False
        self.s = ""
        self.pos = 0
        self.end = 0

    def refill(self) -> None:
        """Drop what was read and decode more, until a whole item (or the end of the data) lies ahead."""
        s = self.s[self.pos:]
        self.pos = 0
        while True:
            if self.body_close in s:
                self.s, self.end = s, len(s)
                return
            last = s.rfind(self.item_close)
            if last >= 0:
                close = s.find(">", last)
                if close >= 0:
                    self.s, self.end = s, close + 1
                    return
            if self.eof:
                raise Decline  # the data is never closed
            if len(s) + len(self.raw) > ITEM_CHARS:
                raise Decline  # one row (string) this long would be held whole: the pull parser's memory stays bounded
            data = self.raw + self.stream.read(self.chunk)
            if len(data) == len(self.raw):
                self.eof, cut = True, len(data)
            else:
                cut = data.rfind(b"<")  # never inside a UTF-8 sequence
                if cut <= 0:
                    cut = 0
            try:
                text = data[:cut].decode("utf-8")
            except UnicodeDecodeError:
                raise Decline from None
            self.raw = data[cut:]
            s += text

    def finish(self, envelope: _Envelope) -> None:
        """Hand the rest of the part (from the data's end tag) to the envelope's parser."""
        rest = self.s[self.pos:].encode("utf-8") + self.raw
        self.s, self.raw = "", b""
        while rest:  # in pieces, as the slow reader feeds it: the parser's events for a piece are held at once
            for start in range(0, len(rest), _FEED):
                envelope.feed(rest[start: start + _FEED])
            rest = self.stream.read(_FEED)
        envelope.close()


def fast_rows(package: Host, stream: IO[bytes]) -> Iterator[tuple[int, tuple[Cell, ...]]]:
    """What ``Package._rows`` yields for the worksheet ``stream``, or :class:`Decline`."""
    column_index, limit_error = package.column_index, package.limit_error
    envelope = _Envelope(frozenset({"c", "row"}), 3)
    prefix, rest = _open(stream, envelope, b"sheetData", 1, package)
    namespaces = envelope.namespaces()
    body = _Body(stream, rest, f"</{prefix}row", f"</{prefix}sheetData", SHEET_CHUNK)
    p = re.escape(prefix)
    row_re = re.compile(f'<{p}row(?:{_WS}++r="([0-9]++)")?({_ATTRS}){_WS}*+(/?)>')
    row_end = re.compile(f"</{p}row{_WS}*+>")
    # the usual cells: r (if any) first in capital letters, attributes in double quotes, then <v>, or <is> with
    # one <t>, or nothing; in a row read at once, a character outside them but white space is the last group,
    # and that match takes the rest of the piece (read again one cell at a time): one match, not one per character
    usual = (
        f'<{p}c(?: r="([A-Z]{{1,3}})[0-9]+")?((?: {_QNAME}="[^"<]*+")*+){_WS}*+(?:/>|>(?:(<{p}v>)({_FAST_TEXT})</{p}v>'
        f'|(<{p}is>)<{p}t(?:{_WS}+xml:space="preserve")?>({_FAST_TEXT})</{p}t></{p}is>)?</{p}c>)'
    )
    usual_cells = re.compile(usual + "|([^ \t\r\n])[\\s\\S]*").findall
    usual_cell = re.compile(f"{_WS}*+(?:{usual})").match
    other = itemgetter(6)
    row_close, cell_open = f"</{p}row", f"<{prefix}c"
    cell_start = re.compile(f"<{p}c[ \t\r\n/>]")
    row_open, data_close = f"<{p}row", f"</{p}sheetData"
    limits = package.limits
    max_columns, cell_chars = limits.columns, limits.cell_chars
    digits = min(cell_chars, _DIGITS)  # the longest <v> the shortcuts take (``_scalar`` checks the limit)
    strings = package._shared_string
    dates = package._dates
    convert = package.converter()
    scalar = package._scalar
    columns: dict[str, int] = {}
    cell_attributes: dict[str, tuple[str, str, str | None, int]] = {}
    shared = package._strings  # the strings read so far (``_shared_string`` appends to this very list)
    converted: dict[str, Cell] = {}  # whole numbers in a date style: the same few dates again and again
    row_attributes: dict[str, dict[str, str]] = {}

    def attributes_of(text: str) -> tuple[str, str, str | None, int]:
        """t, s, r and the style index (as ``Package._scalar`` computes it) of a cell's other attributes."""
        if len(cell_attributes) > _CACHE:
            cell_attributes.clear()
        found = _attributes(text, namespaces)
        style = found.get("s", "0")
        # -1: a style index ``_scalar`` alone reads as it should (not ASCII digits, or too long for ``int``)
        index = int(style) if style.isascii() and style.isdigit() and len(style) <= _DIGITS else -1
        out = cell_attributes[text] = (found.get("t", "n"), style, found.get("r"), index)
        return out

    def too_wide() -> Exception:
        return limit_error("columns_tab", limit=max_columns, tab=package._tab)

    def take(column: int, letters: str, others: str, v: str, raw: str, inline: str, text: str, *_: str) -> int:
        """One usual cell, read as ``Package._rows`` reads it: its column (and its value kept in ``cells``)."""
        kind, style, ref, _index = cell_attributes.get(others) or attributes_of(others)
        if letters:
            if ref is not None:
                raise Decline  # expat: duplicate attribute
            column = columns.get(letters) or columns.setdefault(letters, column_index(letters))
        elif ref:
            column = column_index(ref)
            if column <= 0:
                column = (max(cells) if cells else 0) + 1
        else:
            column += 1
        value: Cell
        if v:
            if kind == "inlineStr":
                return column
            value = scalar(kind, raw, style, strings, dates, convert)
            if value is None or value == "":
                return column
        elif inline:
            if kind != "inlineStr":
                return column  # an <is> without <v>: no value
            if len(text) > cell_chars:
                raise limit_error("cell", limit=cell_chars)
            if not text:
                return column
            value = text
        else:
            return column  # no child: a styled or empty cell
        if column > max_columns:
            raise too_wide()
        cells[column] = value
        return column

    number = 0
    seen = unusual = 0  # cells read so far, and those read by ``_element``
    column = 0
    cells: dict[int, Cell] = {}
    value: Cell
    s, pos, end = "", 0, 0
    while True:
        if pos >= end:
            body.pos = pos
            body.refill()
            s, pos, end = body.s, body.pos, body.end
        pos = _SPACE.match(s, pos, end).end()  # type: ignore[union-attr]  # matches the empty string
        if pos >= end:
            continue
        if not s.startswith(row_open, pos):
            if s.startswith(data_close, pos):
                body.pos = pos
                body.finish(envelope)
                return
            raise Decline
        match = row_re.match(s, pos, end)
        if match is None:
            raise Decline
        r, others, empty = match.groups()
        pos = match.end()
        found = row_attributes.get(others)
        if found is None:
            if len(row_attributes) > _CACHE:
                row_attributes.clear()
            found = row_attributes[others] = _attributes(others, namespaces)
        if r is None:
            r = found.get("r")
        elif "r" in found:
            raise Decline
        if not empty:
            stop = s.find(row_close, pos, end)
            if stop < 0:
                raise Decline
            while pos < stop:  # the row in pieces of about _ROW_CHARS, each cut before a cell
                cut = stop if stop - pos <= _ROW_CHARS else s.find(cell_open, pos + _ROW_CHARS, stop)
                if cut < 0:
                    cut = stop
                found_cells = usual_cells(s, pos, cut)
                if not any(map(other, found_cells)):
                    seen += len(found_cells)
                    # every cell of the piece usual: one pass, no match objects; ``take`` inlined (the hot loop)
                    for letters, others, v, raw, inline, text, _ in found_cells:
                        kind, style, ref, index = cell_attributes.get(others) or attributes_of(others)
                        if letters:
                            if ref is not None:
                                raise Decline
                            column = columns.get(letters) or columns.setdefault(letters, column_index(letters))
                        elif ref:
                            column = column_index(ref)
                            if column <= 0:
                                column = (max(cells) if cells else 0) + 1
                        else:
                            column += 1
                        if v:
                            # shortcuts for the commonest values, each giving what ``_scalar`` gives
                            if kind == "s" and raw.isascii() and raw.isdigit() and len(raw) <= digits:
                                string = int(raw)
                                if string < len(shared):
                                    value = shared[string]
                                else:
                                    value = scalar(kind, raw, style, strings, dates, convert)
                            elif kind == "n" and index >= 0 and raw.isascii() and len(raw) <= digits and (
                                raw.isdigit() or _decimal(raw)
                            ):
                                table = dates()
                                if index < len(table) and table[index]:
                                    value = converted.get(raw)
                                    if value is None:
                                        if len(converted) > _CACHE:
                                            converted.clear()
                                        value = converted[raw] = convert(int(raw) if raw.isdigit() else float(raw))
                                else:
                                    value = int(raw) if raw.isdigit() else float(raw)
                            elif kind == "inlineStr":
                                continue
                            else:
                                value = scalar(kind, raw, style, strings, dates, convert)
                            if value is None or value == "":
                                continue
                        elif inline:
                            if kind != "inlineStr":
                                continue
                            if len(text) > cell_chars:
                                raise limit_error("cell", limit=cell_chars)
                            if not text:
                                continue
                            value = text
                        else:
                            continue
                        if column > max_columns:
                            raise too_wide()
                        cells[column] = value
                    pos = cut
                    continue
                while pos < cut:  # one cell at a time; an unusual one is read as ElementTree reads it
                    match = usual_cell(s, pos, end)
                    if match is not None:
                        column = take(column, *match.groups())
                        seen += 1
                        pos = match.end()
                        continue
                    pos = _SPACE.match(s, pos, end).end()  # type: ignore[union-attr]
                    if not cell_start.match(s, pos, end):
                        break
                    seen += 1
                    unusual += 1
                    if unusual >= _UNUSUAL and unusual * 4 > seen:
                        raise Decline  # mostly cells read one element at a time: ElementTree reads them faster
                    element, pos = _element(s, pos, end, namespaces)
                    ref = element.get("r")
                    column = column_index(ref) if ref else column + 1
                    if column <= 0:
                        column = (max(cells) if cells else 0) + 1
                    if len(element):
                        value = package._value(element, strings, dates, convert)
                        if value is not None and value != "":
                            if column > max_columns:
                                raise too_wide()
                            cells[column] = value
                else:
                    continue
                break  # not a cell: the row's end tag, or a decline below
            match = row_end.match(s, pos, end)
            if match is None:
                raise Decline
            pos = match.end()
        number = int(r) if r and r.isdigit() else number + 1
        column = 0
        if cells:
            if number > limits.rows:
                raise limit_error("rows_tab", limit=limits.rows, tab=package._tab)
            row = tuple(map(cells.get, range(1, max(cells) + 1)))
            cells = {}
            yield number, row


def fast_strings(package: Host, stream: IO[bytes]) -> Iterator[str]:
    """What ``Package._string_stream`` yields for the shared strings ``stream``, or :class:`Decline`."""
    limit_error = package.limit_error
    envelope = _Envelope(frozenset({"si"}), 1)
    prefix, rest = _open(stream, envelope, b"sst", 0, package)
    namespaces = envelope.namespaces()
    body = _Body(stream, rest, f"</{prefix}si", f"</{prefix}sst", STRINGS_CHUNK)
    p = re.escape(prefix)
    si_re = re.compile(f'{_WS}*+<{p}si><{p}t(?:{_WS}+xml:space="preserve")?>({_FAST_TEXT})</{p}t></{p}si>')
    si_start = re.compile(f"<{p}si[ \t\r\n/>]")
    data_close = f"</{p}sst"
    limit = package.limits.cell_chars
    s, pos, end = "", 0, 0
    while True:
        if pos >= end:
            body.pos = pos
            body.refill()
            s, pos, end = body.s, body.pos, body.end
        match = si_re.match(s, pos, end)
        if match is not None:
            pos = match.end()
            text = match.group(1)
            if len(text) > limit:
                raise limit_error("cell", limit=limit)
            yield text
            continue
        pos = _SPACE.match(s, pos, end).end()  # type: ignore[union-attr]
        if pos >= end:
            continue
        if si_start.match(s, pos, end):
            element, pos = _element(s, pos, end, namespaces)
            yield package._text(element)
        elif s.startswith(data_close, pos):
            body.pos = pos
            body.finish(envelope)
            return
        else:
            raise Decline
