"""The columnar fast path: the clean majority of a text table checked column-wise in pyarrow.

The same decisions as :func:`tpbis.parsing._fast.clean_chunk`, taken over a
whole :class:`pyarrow.RecordBatch` of text cells at a time (a CSV file read by
pyarrow's multi-threaded reader, see :meth:`~tpbis.parsing.table.ColumnarRows`):

* every column whose cells repeat (library names, dates, the date part of
  timestamps, kinds, counts, review states) is dictionary-encoded and only its
  *distinct* texts go through the per-run :class:`~tpbis.parsing._fast.Memo`,
  so a value means exactly what it means on the other paths;
* clock times in the common ``HH:MM:SS`` shape, titles and links that are
  plain ASCII are read by compute kernels (their exactness is argued at each
  step: a kernel only ever *accepts* what the Python code would accept the same
  way, anything else is computed by that Python code);
* a row that is not clean by any check goes to the general reader
  (:func:`tpbis.parsing._slow.read_row`) through the driver, as always.

pyarrow is optional (the ``fast`` extra): :func:`available` says whether it
imports, and the driver uses the row path without it.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, Final

from tpbis.domain.activity import ActivityKind
from tpbis.parsing._arrow import bools, ints, scalar, strings
from tpbis.parsing._fast import (
    _DAY,
    _KIND_INDEX,
    _PROGRAM_START_ORDINAL,
    _ZONE_LIMIT,
    Memo,
    _identities,
    normalize_titles,
)
from tpbis.parsing._setup import Setup
from tpbis.parsing.table import Cell
from tpbis.parsing.values import (
    _NORMAL_URL,
    _PLAIN_URL,
    _PLAIN_URL_SHAPE,
    _SLASHED_URL,
    is_http_url,
    plain_url_identity,
    review_rejected,
)

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["BatchRows", "available", "clean_batch", "text_batches"]

#: Printable ASCII, spaces, tabs, line and form feeds: where ``str.strip``, ``re``'s ``\s`` and RE2's agree.
_LISTED_ASCII: Final = "^[\t\n\f\r -~]*$"
#: :data:`~tpbis.parsing.values._URL_SEPARATORS` on :data:`_LISTED_ASCII` text.
_SEPARATORS: Final = "[\t\n\f\r ,;]+"
#: What ``str.strip`` strips of ASCII text.
_ASCII_SPACES: Final = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"
#: A timestamp cell ``str.strip`` leaves as it is, with one space: the date part, then the clock part.
_TIMESTAMP_SHAPE: Final = r"^[0-9][0-9./-]*[0-9] [0-9][0-9:.]*[0-9]$"
#: ``HH:MM:SS`` with valid fields: :func:`~tpbis.parsing.values._clock` reads it as h·3600 + m·60 + s.
_CLOCK_SHAPE: Final = r"^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$"
#: :data:`~tpbis.parsing.values._PLAIN_URL` with named groups, anchored.
_PLAIN_GROUPS: Final = "^(?:{})$".format(
    _PLAIN_URL.pattern.replace("(", "(?P<scheme>", 1).replace("://(", "://(?P<host>", 1).replace(")([", ")(?P<rest>[", 1))
#: Batches of an in-memory table (tests; ``_ENGINE_IN_MEMORY`` in the driver).
_BATCH_ROWS: Final = 16_384


@cache
def available() -> bool:
    """Whether the columnar engine (pyarrow) can be imported."""
    return importlib.util.find_spec("pyarrow") is not None


def _anchored(pattern: str) -> str:
    """A Python ``fullmatch`` pattern as an RE2 one (the patterns used hold no construct the two read differently)."""
    return f"^(?:{pattern})$"


class BatchRows(Sequence[list[Cell]]):
    """The rows of one record batch as lists of text cells, for the rows the general reader takes."""

    __slots__ = ("_batch", "_taken")

    def __init__(self, batch: pa.RecordBatch) -> None:
        self._batch = batch
        self._taken: dict[int, list[Cell]] = {}

    def take(self, indexes: Sequence[int]) -> None:
        """Convert these rows at once (one column-wise pass instead of a cell at a time)."""
        if not indexes:
            return
        picked = self._batch.take(ints(indexes))
        columns = [column.to_pylist() for column in picked.columns]
        self._taken.update(zip(indexes, map(list, zip(*columns, strict=True)), strict=True))

    def __len__(self) -> int:
        return int(self._batch.num_rows)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[j] for j in range(*index.indices(len(self)))]
        found = self._taken.get(index)
        if found is None:
            found = self._taken[index] = [column[index].as_py() for column in self._batch.columns]
        return found


def text_batches(rows: Sequence[Sequence[Cell]], width: int) -> Iterator[pa.RecordBatch] | None:
    """Record batches of an in-memory table whose cells are all text (else None): how tests drive the engine."""
    import pyarrow as pa

    if not all(type(cell) is str for cells in rows for cell in cells):
        return None
    padded = [[*cells, *([""] * (width - len(cells)))] if len(cells) < width else list(cells) for cells in rows]
    if any(len(cells) != width for cells in padded):
        return None
    names = [f"c{i}" for i in range(width)]

    def batches() -> Iterator[pa.RecordBatch]:
        for start in range(0, len(padded), _BATCH_ROWS):
            part = padded[start:start + _BATCH_ROWS]
            columns = list(zip(*part, strict=True)) if part else [() for _ in names]
            yield pa.RecordBatch.from_arrays([strings(c) for c in columns], names=names)

    return batches()


def _plain_identities(parts: pa.Array) -> pa.Array:
    """The identity of each link: itself in normal form, else :func:`~tpbis.parsing.values.plain_url_identity`'s, else null.

    For a plain link: scheme and host lower-cased, the fragment dropped, then one trailing
    ``/`` of the path and an empty query (the same steps on the same groups).
    """
    import pyarrow.compute as pc

    odd = pc.invert(pc.match_substring_regex(parts, _anchored(_NORMAL_URL.pattern)))
    if not pc.any(odd).as_py():
        return parts
    # The parts not in normal form (the few) go through the kernels below, then back into their places.
    groups = pc.extract_regex(pc.filter(parts, odd), _PLAIN_GROUPS)  # null where the link is not plain
    rest = pc.extract_regex(pc.struct_field(groups, "rest"), "^(?P<kept>[^#]*)")
    pieces = pc.extract_regex(pc.struct_field(rest, "kept"), r"^(?P<path>[^?]*)(?P<query>\?.*)?$")
    path = pc.struct_field(pieces, "path")
    path = pc.if_else(pc.ends_with(path, "/"), pc.utf8_slice_codeunits(path, 0, -1), path)
    query = pc.struct_field(pieces, "query")
    query = pc.if_else(pc.greater(pc.utf8_length(query), scalar(1)), query, scalar(""))
    plain = pc.binary_join_element_wise(
        pc.ascii_lower(pc.struct_field(groups, "scheme")), scalar("://"),
        pc.ascii_lower(pc.struct_field(groups, "host")), path, query, scalar(""))
    return pc.replace_with_mask(parts, odd, plain)


def _lookup(column: pa.Array, table: dict[Any, Any], compute: Callable[[Any], Any]) -> pa.Array:
    """``memo[text]`` for every cell, the memo's function run once per distinct text it lacks."""
    encoded = column.dictionary_encode()
    values = [table[key] if key in table else compute(key) for key in encoded.dictionary.to_pylist()]
    return ints(values).take(encoded.indices)


def clean_batch(  # the columnar fast path, kept flat
    batch: pa.RecordBatch, setup: Setup, memo: Memo, first_number: int
) -> tuple[list[Any], list[int]]:
    """:func:`~tpbis.parsing._fast.clean_chunk` over a record batch of text cells.

    Returns the records of the clean rows (see :func:`~tpbis.parsing._fast.record`) as
    columns (one per field: int64 arrays for the numbers, lists for the texts and further
    links) and the indexes of the rows the general reader must take, in batch order.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    size = batch.num_rows
    columns = batch.columns
    int64 = pa.int64()

    libs = _lookup(columns[setup.i_lib], memo.libraries, memo.library)
    positions = pc.divide(libs, scalar(_ZONE_LIMIT))  # negative (a bad library) stays negative

    # Timestamps: one space between a date and a clock, nothing to strip: the date part through the memo,
    # the clock in HH:MM:SS computed here, any other clock through the memo. Every other shape: general reader.
    stamp_text = columns[setup.i_ts]
    shaped = pc.match_substring_regex(stamp_text, _TIMESTAMP_SHAPE)
    parts = pc.split_pattern(pc.if_else(shaped, stamp_text, scalar("0 0")), " ", max_splits=1)
    ts_dates = pc.list_element(parts, scalar(0))
    ts_clocks = pc.list_element(parts, scalar(1))
    stamps = ts_dates.dictionary_encode()
    pairs = [memo.stamps[key] if key in memo.stamps else memo.stamp(key) for key in stamps.dictionary.to_pylist()]
    ts_days = ints([p[0] for p in pairs]).take(stamps.indices)
    midnights = ints([p[1] for p in pairs]).take(stamps.indices)
    plain_clock = pc.match_substring_regex(ts_clocks, _CLOCK_SHAPE)
    clock_text = pc.if_else(plain_clock, ts_clocks, scalar("00:00:00"))
    hours = pc.cast(pc.utf8_slice_codeunits(clock_text, 0, 2), int64)
    minutes = pc.cast(pc.utf8_slice_codeunits(clock_text, 3, 5), int64)
    seconds = pc.cast(pc.utf8_slice_codeunits(clock_text, 6, 8), int64)
    computed = pc.add(pc.add(pc.multiply(hours, scalar(3600)), pc.multiply(minutes, scalar(60))), seconds)
    others = _lookup(pc.if_else(plain_clock, scalar(""), ts_clocks), memo.clocks, memo.clock)
    clocks = pc.if_else(plain_clock, computed, others)
    bad_stamp = pc.invert(shaped)
    utc = pc.add(midnights, clocks)

    zones = pc.bit_wise_and(libs, scalar(_ZONE_LIMIT - 1))
    offset_keys = pc.bit_wise_or(pc.shift_left(zones, scalar(22)), ts_days)
    offsets = _lookup(offset_keys, memo.offsets, memo.offset)
    reported_on = pc.divide(pc.add(utc, offsets), scalar(_DAY))  # only read where every part is valid (non-negative)

    days = _lookup(columns[setup.i_date], memo.dates, memo.date)
    kinds = _lookup(columns[setup.i_kind], memo.kinds, memo.kind)
    males = _lookup(columns[setup.i_male], memo.counts, memo.count)
    females = _lookup(columns[setup.i_female], memo.counts, memo.count)

    lowest = pc.min_element_wise(positions, ts_days, utc, days, kinds, males, females)
    bad = pc.or_(bad_stamp, pc.less(lowest, scalar(0)))
    bad = pc.or_(bad, pc.less(days, scalar(_PROGRAM_START_ORDINAL)))
    bad = pc.or_(bad, pc.and_(pc.greater_equal(lowest, scalar(0)), pc.greater(days, reported_on)))  # date.future

    # Titles: ASCII ones here (normalize_text of ASCII is its [a-z0-9] words, lower-cased, one space apart),
    # the others by normalize_titles in Python.
    title_text = columns[setup.i_title]
    ascii_title = pc.string_is_ascii(title_text)
    lowered = pc.ascii_lower(title_text)
    # ASCII titles not normal yet: normalize_titles (bytes.translate in C-level passes) reads them below.
    spaced = pc.and_(ascii_title, pc.invert(pc.match_substring_regex(lowered, "^[a-z0-9]+(?: [a-z0-9]+)*$")))
    blank_title = pc.and_(ascii_title, pc.equal(pc.utf8_length(pc.ascii_trim(title_text, _ASCII_SPACES)), scalar(0)))
    other_titles = pc.indices_nonzero(pc.invert(ascii_title)).to_pylist()
    bad = pc.or_(bad, blank_title)

    # Publication links: a plain ASCII cell already in normal form is its own identity; the others as in clean_chunk.
    pub_text = columns[setup.i_pub]
    more: dict[int, tuple[str, ...]] = {}
    link_fix: dict[int, str | None] = {}
    normal = pc.match_substring_regex(pub_text, _anchored(f"(?:{_NORMAL_URL.pattern})?"))  # printable ASCII only
    # A single link in normal form but for one trailing "/" (printable ASCII: nothing to strip): drop the "/".
    others = pc.indices_nonzero(pc.invert(normal))
    other_text = pub_text.take(others)
    slashed_rows = pc.filter(others, pc.match_substring_regex(other_text, _anchored(_SLASHED_URL.pattern)))
    if len(slashed_rows):
        link_fix.update(zip(slashed_rows.to_pylist(),
                            pc.utf8_slice_codeunits(pub_text.take(slashed_rows), 0, -1).to_pylist(), strict=True))
    # Links separated by spaces, commas or semicolons (ASCII without the whitespace str.strip and re's \s
    # see differently from RE2's): each part in normal form is its own identity, a plain link is
    # plain_url_identity's (computed here); a cell with any other part is read in Python below.
    unusual = set(others.to_pylist()).difference(link_fix)
    listed = ints(sorted(unusual))
    listed = pc.filter(listed, pc.match_substring_regex(pub_text.take(listed), _LISTED_ASCII))
    if len(listed):
        split = pc.split_pattern_regex(pub_text.take(listed), _SEPARATORS)
        owners = listed.take(pc.list_parent_indices(split))
        parts = pc.list_flatten(split)
        filled = pc.not_equal(parts, scalar(""))
        owners, parts = pc.filter(owners, filled), pc.filter(parts, filled)
        identities = _plain_identities(parts)
        failing = set(pc.filter(owners, pc.is_null(identities)).to_pylist())
        found: dict[int, list[str]] = {j: [] for j in listed.to_pylist() if j not in failing}
        for j, part in zip(owners.to_pylist(), identities.to_pylist(), strict=True):
            if j in found:
                found[j].append(part)
        for j, ids in found.items():
            unusual.discard(j)
            link_fix[j] = ids[0] if ids else ""
            if len(ids) > 1:
                more[first_number + j] = tuple(ids[1:])
    if unusual:  # the rest as clean_chunk reads them
        unusual_links = sorted(unusual)
        texts = pub_text.take(ints(unusual_links)).to_pylist()
        for j, cell in zip(unusual_links, texts, strict=True):
            text = cell.strip()
            if _SLASHED_URL.fullmatch(text):
                link_fix[j] = text[:-1]
            elif (plain := plain_url_identity(text)) is not None:
                link_fix[j] = plain
            else:
                found_ids = _identities(text)
                if isinstance(found_ids, list):
                    link_fix[j] = found_ids[0]
                    more[first_number + j] = tuple(found_ids[1:])
                else:
                    link_fix[j] = found_ids  # "" or one identity, or None (invalid)
    publikasi = pc.equal(kinds, scalar(_KIND_INDEX[ActivityKind.PUBLIKASI]))
    no_link = pc.equal(pub_text, scalar(""))  # an ASCII-normal cell is empty only if it is ""
    slow = set(pc.indices_nonzero(pc.or_(bad, pc.and_(publikasi, pc.and_(normal, no_link)))).to_pylist())
    for j, identity in link_fix.items():
        if identity is None or (not identity and kinds[j].as_py() == _KIND_INDEX[ActivityKind.PUBLIKASI]):
            slow.add(j)

    if setup.i_doc is not None:
        doc_text = columns[setup.i_doc]
        fine = pc.match_substring_regex(doc_text, _anchored(f"(?:{_PLAIN_URL_SHAPE.pattern})?"))  # printable ASCII
        unusual = pc.indices_nonzero(pc.invert(fine)).to_pylist()
        if unusual:
            texts = doc_text.take(ints(unusual)).to_pylist()
            for j, cell in zip(unusual, texts, strict=True):
                doc = cell.strip()
                if not _PLAIN_URL_SHAPE.fullmatch(doc) and doc and not is_http_url(doc):
                    slow.add(j)

    if setup.i_review is not None:  # rows a reviewer rejected: the driver counts them as excluded
        statuses = columns[setup.i_review]
        rejected = [s for s in pc.unique(statuses).to_pylist() if review_rejected(s)]
        if rejected:
            slow.update(pc.indices_nonzero(pc.is_in(statuses, strings(rejected))).to_pylist())

    if other_titles:  # non-ASCII titles: stripped and normalised in Python
        texts = [cell.strip() for cell in title_text.take(ints(other_titles)).to_pylist()]
        slow.update(j for j, text in zip(other_titles, texts, strict=True) if not text)
        title_fix = dict(zip(other_titles, normalize_titles(texts), strict=True))
    else:
        title_fix = {}

    keep = bytearray(b"\x01") * size
    for j in slow:
        keep[j] = 0
    clean = pc.indices_nonzero(bools(keep))
    if len(clean) == 0:
        return [[] for _ in range(11)], sorted(slow)

    def pick(column: pa.Array) -> pa.Array:
        return column.take(clean)

    norms = lowered.take(clean).to_pylist()
    respaced = pc.indices_nonzero(spaced.take(clean)).to_pylist()
    if respaced:
        for k, text in zip(respaced, normalize_titles([norms[k] for k in respaced]), strict=True):
            norms[k] = text
    if title_fix:
        for k, j in enumerate(clean.to_pylist()):
            if j in title_fix:
                norms[k] = title_fix[j]
    urls = pick(_with_fixes(pub_text, link_fix, size)).to_pylist()
    numbers = pc.add(clean.cast(int64), scalar(first_number))
    return [
        pick(positions), pick(days), pick(kinds), norms, pick(males), pick(females),
        pick(pc.subtract(reported_on, days)), pick(pc.multiply(utc, scalar(1_000_000))), urls,
        [more.get(n) for n in numbers.to_pylist()] if more else [None] * len(numbers), numbers,
    ], sorted(slow)


def _with_fixes(column: pa.Array, fixes: dict[int, str | None], size: int) -> pa.Array:
    """``column`` with the cells at the keys of ``fixes`` replaced by its values."""
    import pyarrow.compute as pc

    if not fixes:
        return column
    at = sorted(fixes)
    mask = bytearray(size)
    for j in at:
        mask[j] = 1
    # None (an invalid link) only ever stands in rows the general reader takes: any text does here.
    return pc.replace_with_mask(column, bools(mask), strings([fixes[j] or "" for j in at]))

