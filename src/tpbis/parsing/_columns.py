"""The row parser's compact storage of accepted activities.

A million-row responses file must not need a million :class:`Activity`
objects just to be scored: the parser appends what scoring needs to
:class:`ActivityColumns`, and hands out an :class:`Activities` sequence that
tallies itself from them (:class:`~tpbis.domain.kpi.SelfTallying`) and builds
:class:`Activity` values only when someone iterates it.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from itertools import accumulate, chain, compress, repeat
from operator import add, itemgetter, mul
from typing import Any, overload

import attrs

from tpbis.domain.activity import Activity, ActivityKind
from tpbis.domain.awards import AwardTally
from tpbis.domain.kpi import KindTally
from tpbis.domain.period import Period
from tpbis.domain.text import normalize_label, url_identity
from tpbis.parsing._arrow import ints, scalar

__all__ = ["KIND_ORDER", "KIND_SLOTS", "Activities", "ActivityColumns", "GroupedColumns", "tally_columns"]


#: Activity kinds in a fixed order: :attr:`ActivityColumns.kind` holds indexes into it.
KIND_ORDER: tuple[ActivityKind, ...] = tuple(ActivityKind)
#: ``library × KIND_SLOTS + kind`` numbers each (library, kind) pair.
KIND_SLOTS = len(KIND_ORDER)


class ActivityColumns:
    """What scoring needs of accepted activities, in compact columns (a few dozen bytes each).

    Position ``i`` in every column is the ``i``-th activity in sheet order. Built
    by the row parser so that a million-row file never needs a million
    :class:`Activity` objects just to be scored.
    """

    __slots__ = (
        "_grouped", "day", "delay", "female", "kind", "library", "library_ids", "male", "more_urls", "row", "url",
    )

    def __init__(self, library_ids: Sequence[str]) -> None:
        #: the registered library ids; :attr:`library` holds indexes into it
        self.library_ids: tuple[str, ...] = tuple(library_ids)
        self.library = array("i")
        #: indexes into :data:`KIND_ORDER`
        self.kind = array("b")
        #: ``date.toordinal()`` of the activity date
        self.day = array("i")
        self.male = array("i")
        self.female = array("i")
        #: local date of ``reported_at`` minus the activity date, in days
        self.delay = array("i")
        #: sheet row number
        self.row = array("i")
        #: the first publication URL identity (:func:`url_identity`) of each activity, ``""`` for none
        self.url: list[str] = []
        #: sheet row → the further identities of an activity with several links
        self.more_urls: dict[int, tuple[str, ...]] = {}
        self._grouped: GroupedColumns | None = None

    def __len__(self) -> int:
        return len(self.row)

    def urls(self, position: int) -> tuple[str, ...]:
        """The publication URL identities of the activity at ``position``."""
        first = self.url[position]
        return (first, *self.more_urls.get(self.row[position], ())) if first else ()

    def append(self, activity: Activity, library_index: int) -> None:
        """Add one activity."""
        day = activity.date.toordinal()
        self.library.append(library_index)
        self.kind.append(KIND_ORDER.index(activity.kind))
        self.day.append(day)
        self.male.append(activity.participants_male)
        self.female.append(activity.participants_female)
        self.delay.append(activity.reported_on.toordinal() - day)
        self.row.append(activity.source.row)
        identities = [url_identity(url) for url in activity.publication_urls]
        if len(identities) > 1:
            self.more_urls[activity.source.row] = tuple(identities[1:])
        self.url.append(identities[0] if identities else "")
        self._grouped = None

    def grouped(self) -> GroupedColumns:
        """The columns reordered so that each (library, kind) is one contiguous run, by day inside it; computed once.

        Inside a run, positions are ordered by activity day, then sheet row, so a
        period is one slice of it (found by bisection). With pyarrow (the ``fast``
        extra) the reordering is one multi-key sort; without it, Python groups and sorts.
        """
        if self._grouped is None:
            # pyarrow groups ~2.5x faster, but importing it costs as much as grouping ~300k rows in Python.
            arrow = _arrow_available() and ("pyarrow" in sys.modules or len(self) >= _ARROW_GROUPING_ROWS)
            self._grouped = _group_with_arrow(self) if arrow else _group_in_python(self)
        return self._grouped

    def without(self, positions: set[int]) -> ActivityColumns:
        """A copy without the activities at ``positions``."""
        if not positions:
            return self
        # The kept runs between dropped positions, copied slice by slice (memcpy, not an item at a time).
        cuts = sorted(positions)
        runs = list(zip([0, *(p + 1 for p in cuts)], [*cuts, len(self)], strict=True))
        result = ActivityColumns(self.library_ids)
        for name in ("library", "kind", "day", "male", "female", "delay", "row"):
            column: array[int] = getattr(self, name)
            kept = array(column.typecode)
            for start, end in runs:
                kept += column[start:end]
            setattr(result, name, kept)
        url: list[str] = []
        for start, end in runs:
            url += self.url[start:end]
        result.url = url
        dropped = {self.row[p] for p in positions}
        result.more_urls = {row: more for row, more in self.more_urls.items() if row not in dropped}
        return result


#: From this many activities on, grouping imports pyarrow if nothing has yet.
_ARROW_GROUPING_ROWS = 300_000


def _arrow_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("pyarrow") is not None


def _gather(columns: ActivityColumns, order: Sequence[int], keys: list[int], starts: list[int],
            taken: Callable[[array[int]], array[int]] | None = None) -> GroupedColumns:
    """The grouped columns in ``order``, the groups being ``keys`` starting at ``starts``.

    ``taken`` reorders an integer column (pyarrow's ``take``); by default Python does.
    """
    pick = itemgetter(*order) if len(order) > 1 else lambda column: tuple(column[p] for p in order)

    def gather(column: array[int]) -> array[int]:
        return array(column.typecode, pick(column))

    reorder = taken or gather
    rows = reorder(columns.row)
    more = columns.more_urls
    return GroupedColumns(
        keys=keys, starts=starts, ends=[*starts[1:], len(order)] if starts else [],
        day=reorder(columns.day), male=reorder(columns.male), female=reorder(columns.female),
        delay=reorder(columns.delay), row=rows, url=list(pick(columns.url)),
        more_at=list(compress(range(len(rows)), map(more.__contains__, rows))) if more else [],
    )


def _group_in_python(columns: ActivityColumns) -> GroupedColumns:
    groups: dict[int, list[int]] = {}
    for position, key in enumerate(map(add, map(mul, columns.library, repeat(KIND_SLOTS)), columns.kind)):
        found = groups.get(key)
        if found is None:
            groups[key] = [position]
        else:
            found.append(position)
    day = columns.day.__getitem__
    for positions in groups.values():
        positions.sort(key=day)  # stable: sheet order among the activities of one day
    ends = list(accumulate(map(len, groups.values())))
    starts = [0, *ends[:-1]] if ends else []
    return _gather(columns, list(chain.from_iterable(groups.values())), list(groups), starts)


def _group_with_arrow(columns: ActivityColumns) -> GroupedColumns:
    import pyarrow as pa
    import pyarrow.compute as pc

    size = len(columns)
    if not size:
        return _gather(columns, [], [], [])

    def view(column: array[int]) -> pa.Array:
        return ints(column, column.typecode)  # no copy

    key = pc.add(pc.multiply(view(columns.library), scalar(KIND_SLOTS)), pc.cast(view(columns.kind), pa.int64()))
    table = pa.Table.from_arrays([key, view(columns.day), view(columns.row)], names=["key", "day", "row"])
    order = pc.sort_indices(table, sort_keys=[("key", "ascending"), ("day", "ascending"), ("row", "ascending")])
    keys = key.take(order)
    starts = [0, *pc.add(pc.indices_nonzero(pc.not_equal(keys[1:], keys[:-1])), scalar(1)).to_pylist()]

    def taken(column: array[int]) -> array[int]:
        values = view(column).take(order)
        out = array(column.typecode)
        out.frombytes(values.buffers()[1].to_pybytes()[values.offset * out.itemsize:][:len(values) * out.itemsize])
        return out

    return _gather(columns, order.to_pylist(), keys.take(ints(starts)).to_pylist(), starts, taken)


@attrs.frozen(kw_only=True)
class GroupedColumns:
    """Activity columns with each (library, kind) contiguous, by day then sheet row inside it.

    Group ``g`` has key ``keys[g]`` (``library × KIND_SLOTS + kind``) and spans
    ``starts[g]:ends[g]`` of every column.
    """

    keys: list[int]
    starts: list[int]
    ends: list[int]
    day: array[int]
    male: array[int]
    female: array[int]
    delay: array[int]
    row: array[int]
    url: list[str]
    #: the positions (ascending) whose activity has further links (:attr:`ActivityColumns.more_urls`)
    more_at: list[int]


class Activities(Sequence[Activity]):
    """Accepted activities as a read-only sequence whose :class:`Activity` objects are built on first use.

    Scoring reads :attr:`columns` and never builds them; anything that indexes
    or iterates the sequence gets ordinary :class:`Activity` values. Compares
    equal to any sequence (a tuple, say) holding the same activities.
    """

    __slots__ = ("_award_cells", "_awards", "_build", "_items", "_tallied", "columns")

    def __init__(
        self,
        columns: ActivityColumns,
        build: Callable[[], Sequence[Activity]],
        award_cells: Callable[[], tuple[bytearray, list[tuple[str, ...]]]] | None = None,
    ) -> None:
        self.columns = columns
        self._build: Callable[[], Sequence[Activity]] | None = build
        self._items: tuple[Activity, ...] | None = None
        #: reads (documented?, partners) of each activity again, for the awards (None: from the activities)
        self._award_cells = award_cells
        self._awards: tuple[bytes | bytearray, list[tuple[str, ...]]] | None = None
        self._tallied: tuple[Period, dict[str, dict[ActivityKind, KindTally]]] | None = None

    def _all(self) -> tuple[Activity, ...]:
        if self._items is None:
            assert self._build is not None  # set until the items exist
            items = tuple(self._build())
            if len(items) != len(self.columns):
                msg = f"rebuilt {len(items)} activities, expected {len(self.columns)}"
                raise RuntimeError(msg)
            self._items, self._build = items, None
        return self._items

    def __len__(self) -> int:
        return len(self.columns)

    @overload
    def __getitem__(self, index: int) -> Activity: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Activity, ...]: ...
    def __getitem__(self, index: int | slice) -> Activity | tuple[Activity, ...]:
        return self._all()[index]

    def __iter__(self) -> Iterator[Activity]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Activities | tuple | list):
            return len(self) == len(other) and self._all() == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable cache inside, like a list

    def tally(self, period: Period) -> dict[str, dict[ActivityKind, KindTally]]:
        """Group the activities inside ``period`` by library and kind, from the columns.

        The last period's tallies are kept: a command scores a period, then plans it
        from the same tallies. Callers read them (the planner copies what it changes).
        """
        if self._tallied is not None and self._tallied[0] == period:
            return self._tallied[1]
        tallies = tally_columns(self.columns, period)
        self._tallied = (period, tallies)
        return tallies

    def award_tally(self, period: Period | None) -> dict[str, dict[ActivityKind, AwardTally]]:
        """:func:`~tpbis.domain.awards.award_tally` from the columns plus two cells of each row read again."""
        if self._awards is None:
            if self._award_cells is None or self._items is not None:
                items = self._all()
                self._awards = (bytes(bool(a.documentation_url) for a in items), [a.partners for a in items])
            else:
                self._awards = self._award_cells()
            self._award_cells = None
        documented, partners = self._awards
        columns = self.columns
        first, last = (period.start.toordinal(), period.end.toordinal()) if period is not None else (0, 1 << 30)
        normal: dict[str, str | None] = {}  # partner name → its label (None: blank)
        groups: dict[tuple[int, int], list[int]] = {}  # (library, kind) → [count, participants, documented]
        names: dict[tuple[int, int], set[str]] = defaultdict(set)
        for library, kind, day, male, female, doc, named in zip(
            columns.library, columns.kind, columns.day, columns.male, columns.female, documented, partners,
            strict=True,
        ):
            if day < first or day > last:
                continue
            key = (library, kind)
            found = groups.get(key)
            if found is None:
                found = groups[key] = [0, 0, 0]
            found[0] += 1
            found[1] += male + female
            found[2] += doc
            if named:
                into = names[key]
                for name in named:
                    if name not in normal:
                        normal[name] = normalize_label(name) if name.strip() else None
                    label = normal[name]
                    if label is not None:
                        into.add(label)
        ids, kinds = columns.library_ids, KIND_ORDER
        out: dict[str, dict[ActivityKind, AwardTally]] = defaultdict(dict)
        for (library, kind), (count, participants, docs) in groups.items():
            out[ids[library]][kinds[kind]] = AwardTally(
                count=count, participants=participants, documented=docs, partners=frozenset(names.get((library, kind), ())),
            )
        return out

    def __repr__(self) -> str:
        shown: Any = self._items if self._items is not None else f"<{len(self)} not built yet>"
        return f"Activities({shown})"


def tally_columns(columns: ActivityColumns, period: Period) -> dict[str, dict[ActivityKind, KindTally]]:
    """:func:`~tpbis.domain.kpi.tally` over activity columns: the same result, one (library, kind) slice at a time.

    Each group is ordered by day, so the period is the slice between two bisections;
    its rows are put back in sheet order.
    """
    first, last = period.start.toordinal(), period.end.toordinal()
    ids, kinds = columns.library_ids, KIND_ORDER
    more = columns.more_urls
    g = columns.grouped()
    days, g_row, g_url, g_male, g_female, g_delay, more_at = g.day, g.row, g.url, g.male, g.female, g.delay, g.more_at
    tallies: dict[str, dict[ActivityKind, KindTally]] = defaultdict(dict)
    for key, start, end in zip(g.keys, g.starts, g.ends, strict=True):
        low = bisect_left(days, first, start, end)
        high = bisect_right(days, last, low, end)
        if low == high:
            continue
        rows, urls = g_row[low:high], g_url[low:high]
        female = sum(g_female[low:high])
        found = set(urls)
        found.discard("")
        if more:
            for position in more_at[bisect_left(more_at, low):bisect_left(more_at, high)]:
                found.update(more[g_row[position]])
        if high - low > _SMALL_GROUP:
            delays = dict(Counter(g_delay[low:high]))
        else:  # a few activities: counted without building a Counter
            delays = {}
            for delay in g_delay[low:high]:
                delays[delay] = delays.get(delay, 0) + 1
        library, kind = divmod(key, KIND_SLOTS)
        tallies[ids[library]][kinds[kind]] = KindTally(
            count=high - low,
            participants=sum(g_male[low:high]) + female,
            female=female,
            rows=sorted(rows),
            delays=delays,
            urls=found,
            url_rows=sorted(compress(rows, urls)),
        )
    return tallies


#: Up to this many activities, a group's delays are counted in a loop (a Counter costs more to set up).
_SMALL_GROUP = 12
