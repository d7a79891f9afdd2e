"""The fast path over chunks of rows whose cells are text (as CSV gives them).

It works column by column with C-level ``map``: each value is looked up in a
per-run memo of *distinct* cell texts (library names, kinds, dates, counts,
clock times repeat a great deal), timestamps and dates become day ordinals
and seconds, the library's local day comes from a zone offset known to be
steady around that day, and the reasons a row could be unclean are searched
per column with ``list.index``. A clean row runs no Python bytecode of its own.
Every other row goes to the general reader (:func:`._slow.read_row`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import compress, repeat
from operator import add, and_, eq, floordiv, gt, itemgetter, lshift, lt, mul, not_, or_, sub
from typing import Any, Final

from tpbis.domain.activity import Activity, ActivityKind
from tpbis.domain.text import url_identity
from tpbis.parsing._columns import KIND_ORDER
from tpbis.parsing._setup import PROGRAM_START, Setup
from tpbis.parsing.table import Cell
from tpbis.parsing.values import (
    _NORMAL_URL,
    _NORMAL_URL_OR_EMPTY,
    _PLAIN_URL_SHAPE,
    _SLASHED_URL,
    _URL_SEPARATORS,
    _clock,
    _zone,
    is_http_url,
    is_plausible_year,
    normalize_text,
    parse_date,
    parse_whole_number,
    plain_url_identity,
    review_rejected,
)

__all__ = ["NOT_CLEAN", "Memo", "clean_chunk", "instant", "normalize_titles", "record"]

_PROGRAM_START_ORDINAL: Final = PROGRAM_START.toordinal()
_DAY: Final = 86_400
_UTC: Final = dt.UTC
_KIND_INDEX: Final = {kind: index for index, kind in enumerate(KIND_ORDER)}
#: ASCII letters and digits kept, every other ASCII byte to a space (what normalize_text does to ASCII).
_ASCII_WORDS_ONLY: Final = bytes(c if chr(c).isalnum() else 32 for c in range(128)) + bytes(range(128, 256))
NOT_CLEAN: Final = object()  # "this needs the general reader"
_BAD: Final = -(1 << 50)  # the same, as a number memo value: stays negative through the fast path's sums
_ZONE_LIMIT: Final = 16  # distinct library zones the fast path packs next to a registry position
_MEMO_LIMIT: Final = 1 << 17  # per-run memo tables are cleared when this full


def instant(moment: dt.datetime) -> int:
    """An aware date-time as whole microseconds on one UTC time line (orders like the instants)."""
    utc = moment.astimezone(_UTC)
    seconds = utc.toordinal() * _DAY + utc.hour * 3600 + utc.minute * 60 + utc.second
    return seconds * 1_000_000 + utc.microsecond


class Memo:
    """Per-run memo tables of distinct cell texts → small integers for the fast path.

    Every value is an ``int``; :data:`_BAD` (hugely negative) means "not clean,
    ask the general reader", and stays negative through the fast path's
    arithmetic. Only ``str`` keys are stored, so a number or date cell never hits
    a text's entry (``1 == True`` and ``"1" != 1``).
    """

    def __init__(self, setup: Setup) -> None:
        self.setup = setup
        self.day_first = setup.day_first
        self.sheet_timezone = setup.sheet_timezone
        #: library cell → registry position × 16 + zone number
        self.libraries: dict[str, int] = {}
        #: date part of a timestamp → (day ordinal, UTC seconds of its local midnight on the ordinal line)
        self.stamps: dict[str, tuple[int, int]] = {}
        #: clock part of a timestamp → seconds into the day
        self.clocks: dict[str, int] = {}
        #: date cell → day ordinal
        self.dates: dict[str, int] = {}
        #: kind cell → index into KIND_ORDER
        self.kinds: dict[str, int] = {}
        #: participants cell → whole number
        self.counts: dict[str, int] = {}
        #: zone number << 22 | day ordinal → the zone's steady UTC offset in seconds around that day
        self.offsets: dict[int, int] = {}
        self.zones: list[str] = [setup.sheet_timezone]

    @staticmethod
    def _store(table: dict[Any, Any], key: Any, value: Any) -> Any:  # any memo table
        if len(table) >= _MEMO_LIMIT:
            table.clear()
        table[key] = value
        return value

    def library(self, value: object) -> int:
        if type(value) is not str:
            return _BAD
        found = self.setup.matcher.match(value).library
        if found is None:
            return self._store(self.libraries, value, _BAD)  # type: ignore[no-any-return]
        zone = found.timezone
        if zone not in self.zones:
            if len(self.zones) == _ZONE_LIMIT:
                return _BAD  # more zones than the packing holds: the general reader copes
            self.zones.append(zone)
        entry = self.setup.library_index[found.id] * _ZONE_LIMIT + self.zones.index(zone)
        return self._store(self.libraries, value, entry)  # type: ignore[no-any-return]

    def clock(self, text: str) -> int:
        clock = _clock(text)
        seconds = _BAD if clock is None or clock[3] else clock[0] * 3600 + clock[1] * 60 + clock[2]
        return self._store(self.clocks, text, seconds)  # type: ignore[no-any-return]

    def stamp(self, text: str) -> tuple[int, int]:
        day = parse_date(text, day_first=self.day_first)
        entry = (_BAD, _BAD)
        if day is not None and is_plausible_year(day.year):
            ordinal = day.toordinal()
            offset = _steady_offset(self.sheet_timezone, ordinal)
            if offset is not None:
                entry = (ordinal, ordinal * _DAY - offset)
        return self._store(self.stamps, text, entry)  # type: ignore[no-any-return]

    def offset(self, key: int) -> int:
        offset = None if key < 0 else _steady_offset(self.zones[key >> 22], key & ((1 << 22) - 1))
        return self._store(self.offsets, key, _BAD if offset is None else offset)  # type: ignore[no-any-return]

    def date(self, value: object) -> int:
        if type(value) is not str:
            return _BAD
        day = parse_date(value, day_first=self.day_first)
        ordinal = _BAD if day is None or not is_plausible_year(day.year) else day.toordinal()
        return self._store(self.dates, value, ordinal)  # type: ignore[no-any-return]

    def kind(self, value: object) -> int:
        if type(value) is not str:
            return _BAD
        kind = self.setup.rubric.kind_of(value)
        return self._store(self.kinds, value, _BAD if kind is None else _KIND_INDEX[kind])  # type: ignore[no-any-return]

    def count(self, value: object) -> int:
        if type(value) is not str:
            return 0 if value is None else _BAD
        number = parse_whole_number(value)
        return self._store(self.counts, value, _BAD if number is None else number)  # type: ignore[no-any-return]


def _steady_offset(zone_name: str, ordinal: int) -> int | None:
    """The zone's UTC offset in seconds if it is the same from two days before ``ordinal`` to three after.

    Inside such a window a wall time and an instant convert by adding or
    subtracting one number, whatever the sheet's and the library's zones
    (their offsets differ by less than 28 hours). None near a change of
    offset (daylight saving), where the general reader decides.
    """
    if not 3 <= ordinal <= dt.date.max.toordinal() - 3:
        return None
    zone = _zone(zone_name)
    first = dt.datetime.fromordinal(ordinal - 2)
    seen: set[int | None] = set()
    for half_days in range(11):  # every 12 hours over five days
        delta = (first + dt.timedelta(hours=12 * half_days)).replace(tzinfo=zone).utcoffset()
        seen.add(None if delta is None else int(delta.total_seconds()))
    steady = seen.pop()
    return steady if not seen else None


def record(activity: Activity, library_index: Mapping[str, int]) -> tuple[Any, ...]:
    """The fast path's record of an activity the general reader accepted."""
    day = activity.date.toordinal()
    identities = [url_identity(url) for url in activity.publication_urls]
    return (
        library_index[activity.library_id], day, _KIND_INDEX[activity.kind], normalize_text(activity.title),
        activity.participants_male, activity.participants_female, activity.reported_on.toordinal() - day,
        instant(activity.reported_at), identities[0] if identities else "",
        tuple(identities[1:]) if len(identities) > 1 else None, activity.source.row,
    )


def _typed_reader(setup: Setup, i: int) -> Callable[[Any], str | None] | None:
    """How column ``i`` of a workbook writes a typed cell as text the general reader reads alike (None: only blanks)."""
    if i == setup.i_ts:
        return _stamp_text if setup.day_first else _stamp_text_month_first
    if i == setup.i_date:
        return _date_text if setup.day_first else _date_text_month_first
    if i in (setup.i_male, setup.i_female):
        return _count_text
    return None


def _as_text(column: Sequence[Cell], reader: Callable[[Any], str | None] | None, slow: set[int]) -> list[str]:
    """``column`` as text: an empty cell (``None``) is ``""`` as in a CSV, a typed cell the text
    ``reader`` gives for it; a cell it gives none for is ``""`` and its row goes to the general reader.

    Each text reads exactly as the typed cell does (:func:`~tpbis.parsing.values.parse_timestamp`,
    :func:`~tpbis.parsing.values.parse_date`, :func:`~tpbis.parsing.values.parse_whole_number`),
    so a clean row gives the record the general reader would give it from the typed cells.
    """
    texts: list[Any] = list(column)
    for j, value in enumerate(texts):
        if type(value) is str:
            continue
        text = None if value is None else reader(value) if reader is not None else None
        if text is None:
            texts[j] = ""
            if value is not None:
                slow.add(j)
        else:
            texts[j] = text
    return texts


def _stamp_text(value: Any, month_first: bool = False) -> str | None:
    """A naive whole-second ``datetime`` (a workbook's timestamp) as ``D/M/YYYY HH:MM:SS`` text."""
    if not isinstance(value, dt.datetime) or value.tzinfo is not None or value.microsecond or value.fold:
        return None  # aware, fractional or the second of a repeated hour: the general reader
    first, second = (value.month, value.day) if month_first else (value.day, value.month)
    return f"{first:02d}/{second:02d}/{value.year:04d} {value.hour:02d}:{value.minute:02d}:{value.second:02d}"


def _stamp_text_month_first(value: Any) -> str | None:
    return _stamp_text(value, month_first=True)


def _date_text(value: Any, month_first: bool = False) -> str | None:
    """A ``date`` or ``datetime`` (its own calendar day, as :func:`parse_date` reads it) as ``D/M/YYYY`` text."""
    if not isinstance(value, dt.date):
        return None
    first, second = (value.month, value.day) if month_first else (value.day, value.month)
    return f"{first:02d}/{second:02d}/{value.year:04d}"


def _date_text_month_first(value: Any) -> str | None:
    return _date_text(value, month_first=True)


def _count_text(value: Any) -> str | None:
    """A whole number cell (``int``, or an integral ``float`` such as ``45.0``) in range as its digits."""
    if type(value) is float and value.is_integer():
        value = int(value)
    if type(value) is not int:
        return None  # booleans, fractions, dates: the general reader
    number = parse_whole_number(value)
    return None if number is None else str(number)


def _is_text(column: Sequence[Cell]) -> bool:
    """Whether every cell of a column is ``str`` (one C-level pass; CSV columns always are)."""
    try:
        "".join(column)  # type: ignore[arg-type]
    except TypeError:
        return False
    return True


def _fill(memo: dict[Any, Any], keys: Sequence[Any], compute: Callable[[Any], Any]) -> list[Any]:
    """``memo[key]`` for every key, computing (and memoising) the misses with ``compute(key)``."""
    values = list(map(memo.get, keys))
    for j in _indexes(values, None):  # the misses, found in C
        key = keys[j]
        found = memo.get(key)  # an earlier miss in this chunk may have filled it
        values[j] = compute(key) if found is None else found
    return values


def _indexes(values: list[Any], wanted: object) -> Iterator[int]:
    """Every index where ``values`` holds ``wanted``, searched in C.

    Only ``list.index``'s own ``ValueError`` ends the search: one raised by the
    caller's work on an index propagates (and the driver hands the chunk to the
    general reader) instead of silently ending the loop with work undone.
    """
    j = -1
    while True:
        try:
            j = values.index(wanted, j + 1)
        except ValueError:
            return
        yield j


def _positions(values: list[Any], wanted: object, into: set[int]) -> None:
    """Add to ``into`` every index where ``values`` holds ``wanted`` (searched in C)."""
    into.update(_indexes(values, wanted))


def clean_chunk(  # the fast path, kept flat
    chunk: Sequence[Sequence[Cell]], setup: Setup, memo: Memo, first_number: int
) -> tuple[list[tuple[Any, ...]], list[int]]:
    """The fast path over a chunk of rows, column by column, with no Python code per clean row.

    Returns the records of the clean rows (see :func:`record`) and the
    indexes, in the chunk, of the rows the general reader must take. Every
    step is a C-level ``map`` over a column (memo lookups, arithmetic,
    comparisons); Python runs only for memo misses and the rows found unclean.
    """
    size = len(chunk)
    width = setup.width
    slow: set[int] = set()
    if min(map(len, chunk)) < width:  # blank lines come as [] from csv: the general reader takes them
        slow.update(j for j, cells in enumerate(chunk) if len(cells) < width)
        chunk = [[*cells, *([""] * (width - len(cells)))] if len(cells) < width else cells for cells in chunk]
    columns: list[Any] = list(zip(*chunk, strict=False))
    for i in setup.used:
        if not _is_text(columns[i]):  # a workbook's typed cells: as the text that reads the same, or slow
            columns[i] = _as_text(columns[i], _typed_reader(setup, i), slow)

    libs = _fill(memo.libraries, columns[setup.i_lib], memo.library)
    ts_dates, _, ts_clocks = zip(*map(str.rpartition, map(str.strip, columns[setup.i_ts]), repeat(" ")), strict=True)
    stamps = _fill(memo.stamps, ts_dates, memo.stamp)
    ts_days = list(map(itemgetter(0), stamps))
    utc = list(map(add, map(itemgetter(1), stamps), _fill(memo.clocks, ts_clocks, memo.clock)))
    zones = map(and_, libs, repeat(_ZONE_LIMIT - 1))
    offsets = _fill(memo.offsets, list(map(or_, map(lshift, zones, repeat(22)), ts_days)), memo.offset)
    reported_on = list(map(floordiv, map(add, utc, offsets), repeat(_DAY)))  # local day in the library's zone
    days = _fill(memo.dates, columns[setup.i_date], memo.date)
    kinds = _fill(memo.kinds, columns[setup.i_kind], memo.kind)
    males = _fill(memo.counts, columns[setup.i_male], memo.count)
    females = _fill(memo.counts, columns[setup.i_female], memo.count)
    positions = list(map(floordiv, libs, repeat(_ZONE_LIMIT)))
    titles = list(map(str.strip, columns[setup.i_title]))

    # Publication links: one already in normal form is its own identity (the usual case, in C).
    pubs = list(map(str.strip, columns[setup.i_pub]))
    urls: list[Any] = list(pubs)
    more: dict[int, tuple[str, ...]] = {}
    normal = list(map(_NORMAL_URL_OR_EMPTY.fullmatch, pubs))  # a blank cell is its own (empty) identity too
    for j in _indexes(normal, None):  # the others
        text = pubs[j]
        if _SLASHED_URL.fullmatch(text):
            urls[j] = text[:-1]
        elif (plain := plain_url_identity(text)) is not None:  # one link, not yet in normal form
            urls[j] = plain
        else:
            ids = _identities(text)
            if type(ids) is list:
                urls[j] = ids[0]
                more[first_number + j] = tuple(ids[1:])
            else:
                urls[j] = ids  # "" or one identity, or None: a url.invalid warning

    # Every reason a row is not clean, found per column in C.
    _positions(list(map(lt, map(min, positions, ts_days, utc, days, kinds, males, females), repeat(0))),
               True, slow)
    _positions(list(map(gt, days, reported_on)), True, slow)  # date.future (or a bad zone offset)
    _positions(list(map(lt, days, repeat(_PROGRAM_START_ORDINAL))), True, slow)
    _positions(titles, "", slow)
    _positions(urls, None, slow)
    publikasi = _KIND_INDEX[ActivityKind.PUBLIKASI]
    _positions(list(map(and_, map(eq, kinds, repeat(publikasi)), map(not_, urls))), True, slow)
    if setup.i_doc is not None:
        docs = list(map(str.strip, columns[setup.i_doc]))
        checked = list(map(_PLAIN_URL_SHAPE.fullmatch, docs))
        slow.update(j for j in _indexes(checked, None) if docs[j] and not is_http_url(docs[j]))

    if setup.i_review is not None:  # rows a reviewer rejected: the driver counts them as excluded
        statuses = list(columns[setup.i_review])
        for status in {text for text in set(statuses) if review_rejected(text)}:
            _positions(statuses, status, slow)

    numbers = range(first_number, first_number + size)
    instants = map(mul, utc, repeat(1_000_000))
    delays = map(sub, reported_on, days)
    records = list(zip(
        positions, days, kinds, normalize_titles(titles), males, females, delays, instants, urls,
        map(more.get, numbers), numbers, strict=True,
    ))
    if slow:
        keep = bytearray(b"\x01") * size
        for j in slow:
            keep[j] = 0
        records = list(compress(records, keep))
    return records, sorted(slow)


def normalize_titles(titles: list[str]) -> list[str]:
    """:func:`normalize_text` of every title, the ASCII ones in C-level passes (no memo: titles rarely repeat)."""
    folded = list(map(str.casefold, titles))
    if not all(map(str.isascii, folded)):  # bytes.translate is 3× faster than str.translate; ASCII only
        ascii_only = [text if text.isascii() else "" for text in folded]
    else:
        ascii_only = folded
    norms = list(map(bytes.decode, map(b" ".join, map(bytes.split, map(
        bytes.translate, map(str.encode, ascii_only), repeat(_ASCII_WORDS_ONLY))))))
    if ascii_only is not folded:
        for j, text in enumerate(folded):
            if not text.isascii():
                norms[j] = normalize_text(titles[j])
    return norms


def _identities(text: str) -> str | list[str] | None:
    """Publication link identities of a stripped cell text: ``""`` for none, one ``str``, a list, or None if one is invalid."""
    parts = [part for part in _URL_SEPARATORS.split(text) if part]
    if all(map(_NORMAL_URL.fullmatch, parts)):  # the usual list: each link its own identity
        return (parts[0] if len(parts) == 1 else parts) if parts else ""
    found: list[str] = []
    for url in parts:
        if url:
            identity = plain_url_identity(url)
            if identity is None:
                if not is_http_url(url):
                    return None  # a url.invalid warning: the general reader reports it
                identity = url_identity(url)
            found.append(identity)
    if not found:
        return ""
    return found[0] if len(found) == 1 else found
