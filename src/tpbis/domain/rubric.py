"""Versioned rubrics: indicators, targets, weights, colour bands, kind labels and awards.

The rubric is data (a TOML file, see :mod:`tpbis.rubrics`); this module holds
its validated, typed form, including the *definitions* of award categories and
contests (evaluating them is :mod:`tpbis.domain.awards`). Nothing about the
default numbers lives in code.

Every invariant the TOML loader checks is also an attrs validator here, so a
rubric built in Python fails the same way (``ValueError``) instead of, say,
dividing by a zero total weight later.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Callable, Collection, Mapping, Sequence
from fractions import Fraction
from typing import Any

import attrs
import pendulum

from tpbis.domain.activity import ActivityKind
from tpbis.domain.library import Library, LibraryKind
from tpbis.domain.period import Period
from tpbis.domain.text import normalize_label
from tpbis.errors import RubricError
from tpbis.message import Message, MessageValueError

__all__ = [
    "ALL_KINDS",
    "DIGEST_LENGTH",
    "LEVELS",
    "AwardCategory",
    "Color",
    "ColorBand",
    "Contest",
    "Criterion",
    "DuplicateRule",
    "Indicator",
    "KindInfo",
    "Measure",
    "Metric",
    "RankingTerm",
    "Rubric",
    "RubricSchedule",
    "RubricSpan",
    "rubric_content",
    "rubric_digest",
    "rubric_for",
]

ALL_KINDS = frozenset(ActivityKind)
#: The library levels (SPEC §2); targets are given per level.
LEVELS = (1, 2, 3)
#: Hex characters of the content digest shown with every result (48 bits: enough to tell copies apart).
DIGEST_LENGTH = 12
#: Salts the digest, so a future change of the canonical form cannot collide with today's digests.
_DIGEST_FORMAT = "tpbis-rubric-content/1"


def _expect(key: str, /, **params: object) -> Message:
    """What a rubric value should be, as a message (``rubric.expect.<key>``)."""
    return Message(f"rubric.expect.{key}", params)


#: "found none": an empty list where at least one was needed
_NONE = Message("rubric.found.none")


def _invalid(instance: object, attribute: attrs.Attribute[Any], expected: Message, found: object) -> ValueError:
    """A ValueError naming the class, the object's id when it has one, the field and what was wrong.

    It is a :class:`~tpbis.message.MessageValueError`: ``str()`` is English, the
    rubric loader renders it in the reader's language.
    """
    name = type(instance).__name__
    ident = getattr(instance, "id", None)
    where = f"{name} {ident!r}" if ident is not None else name
    shown = found if isinstance(found, Message) else str(found)
    return MessageValueError(
        Message("rubric.domain.invalid", where=where, field=attribute.name, expected=expected, found=shown)
    )


def _positive(instance: object, attribute: attrs.Attribute[Any], value: int | Fraction) -> None:
    if not value > 0:
        raise _invalid(instance, attribute, _expect("above_zero"), value)


def _at_least(minimum: int) -> Callable[[object, attrs.Attribute[Any], int], None]:
    def check(instance: object, attribute: attrs.Attribute[Any], value: int) -> None:
        if value < minimum:
            raise _invalid(instance, attribute, _expect("at_least", minimum=minimum), value)

    return check


def _not_empty(instance: object, attribute: attrs.Attribute[Any], value: Collection[object]) -> None:
    if not value:
        raise _invalid(instance, attribute, _expect("not_empty"), _NONE)


class Color(enum.Enum):
    """The traffic-light colours, best first."""

    HIJAU = "hijau"
    KUNING = "kuning"
    MERAH = "merah"


class Measure(enum.Enum):
    """How an indicator's value is computed from a library's activities."""

    #: number of activities of the listed kinds
    COUNT = "count"
    #: sum of male + female participants of the listed kinds
    PARTICIPANTS = "participants"
    #: 100 × female ÷ all participants of the listed kinds; undefined when 0
    FEMALE_SHARE = "female_share"
    #: distinct normalised publication URLs over the listed kinds
    DISTINCT_PUBLICATION_URLS = "distinct_publication_urls"
    #: 100 × activities reported within ``within_days`` ÷ all; undefined when none
    TIMELY_SHARE = "timely_share"

    @property
    def is_percentage(self) -> bool:
        """Percentages are not scaled by the period and may be undefined."""
        return self in (Measure.FEMALE_SHARE, Measure.TIMELY_SHARE)


@attrs.frozen(kw_only=True)
class KindInfo:
    """The labels of one activity kind."""

    kind: ActivityKind
    label: str
    label_en: str
    aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        """Every text a respondent may use for this kind (SPEC §3.1)."""
        short = self.label.split(" (", 1)[0]
        short_en = self.label_en.split(" (", 1)[0]
        return (self.kind.value, self.label, short, self.label_en, short_en, *self.aliases)


@attrs.frozen(kw_only=True)
class ColorBand:
    """A colour and the lowest rounded composite that earns it."""

    color: Color
    minimum: Fraction


@attrs.frozen(kw_only=True)
class Indicator:
    """One KPI indicator."""

    id: str
    label: str
    label_en: str
    measure: Measure
    kinds: frozenset[ActivityKind] = attrs.field(validator=_not_empty)
    weight: int = attrs.field(validator=_positive)
    #: annual target (or percentage) per library level 1, 2, 3
    targets: dict[int, Fraction] = attrs.field()
    #: per library kind overrides of the level target
    kind_targets: dict[LibraryKind, Fraction] = attrs.field(factory=dict)
    #: for TIMELY_SHARE: the largest reporting delay in days that counts as timely
    within_days: int = attrs.field(default=7, validator=_at_least(0))
    #: the unit of one more of this indicator's value, for explanations
    unit: str = "kegiatan"
    unit_en: str = "activities"

    @targets.validator
    def _check_targets(self, attribute: attrs.Attribute[Any], value: Mapping[int, Fraction]) -> None:
        if sorted(value) != list(LEVELS):
            raise _invalid(self, attribute, _expect("each_level"), sorted(value))
        for level, target in value.items():
            if not target > 0:
                raise _invalid(self, attribute, _expect("above_zero_level", level=level), target)

    @kind_targets.validator
    def _check_kind_targets(self, attribute: attrs.Attribute[Any], value: Mapping[LibraryKind, Fraction]) -> None:
        for kind, target in value.items():
            if not target > 0:
                raise _invalid(self, attribute, _expect("above_zero_kind", kind=kind.value), target)

    @property
    def scaled(self) -> bool:
        """Count targets are per year and scale with the period; percentages do not."""
        return not self.measure.is_percentage

    def annual_target(self, library: Library) -> Fraction:
        """The target for this library before scaling by the period."""
        override = self.kind_targets.get(library.kind)
        return override if override is not None else self.targets[library.level]

    def target(self, library: Library, scale: Fraction) -> Fraction:
        """The target for this library over a period of ``scale`` month-equivalents."""
        annual = self.annual_target(library)
        return annual * scale / 12 if self.scaled else annual


class Metric(enum.Enum):
    """What a criterion or ranking term measures for one library in the period."""

    COLOR = "color"
    COMPOSITE = "composite"
    #: accepted activities of the listed kinds
    COUNT = "count"
    #: male + female participants of the listed kinds
    PARTICIPANTS = "participants"
    #: 100 × activities with a documentation URL ÷ activities of the listed kinds
    DOCUMENTED_SHARE = "documented_share"
    #: distinct partners (compared by :func:`~tpbis.domain.text.normalize_label`) over the listed kinds
    DISTINCT_PARTNERS = "distinct_partners"
    COMPUTERS = "computers"
    DIGITAL_COLLECTION = "digital_collection"
    PRINT_COLLECTION = "print_collection"


@attrs.frozen(kw_only=True)
class Criterion:
    """One eligibility condition: ``metric ≥ minimum``, or a colour at least as good."""

    metric: Metric
    kinds: frozenset[ActivityKind] = ALL_KINDS
    minimum: Fraction | None = None
    color: Color | None = None
    #: what one more unit is called, for explanations ("kegiatan digital")
    unit: str = ""
    unit_en: str = ""

    def __attrs_post_init__(self) -> None:
        if self.metric is Metric.COLOR and self.color is None:
            raise MessageValueError(Message("rubric.check.color_needed", where="Criterion"))
        if self.metric is not Metric.COLOR and self.minimum is None:
            raise MessageValueError(Message("rubric.check.min_needed", where="Criterion", metric=self.metric.value))

    @property
    def name(self) -> str:
        """A stable name for the criterion in results (``count:promosi+fasilitasi``)."""
        if self.metric is Metric.COLOR or self.kinds == ALL_KINDS:
            return self.metric.value
        return f"{self.metric.value}:{'+'.join(sorted(k.value for k in self.kinds))}"


@attrs.frozen(kw_only=True)
class RankingTerm:
    """``weight × min(value ÷ cap, 1)``."""

    metric: Metric = attrs.field()
    weight: Fraction
    cap: Fraction = attrs.field(validator=_positive)
    kinds: frozenset[ActivityKind] = ALL_KINDS

    @metric.validator
    def _check_metric(self, attribute: attrs.Attribute[Any], value: Metric) -> None:
        if value is Metric.COLOR:
            raise _invalid(self, attribute, _expect("rankable"), value.value)


@attrs.frozen(kw_only=True)
class AwardCategory:
    """An award category: who may enter, when they are eligible, how they rank."""

    id: str
    label: str
    label_en: str
    levels: tuple[int, ...] = attrs.field()
    criteria: tuple[Criterion, ...]
    ranking: tuple[RankingTerm, ...] = attrs.field(validator=_not_empty)

    @levels.validator
    def _check_levels(self, attribute: attrs.Attribute[Any], value: tuple[int, ...]) -> None:
        if not value or any(level not in LEVELS for level in value):
            raise _invalid(self, attribute, _expect("levels"), list(value))


@attrs.frozen(kw_only=True)
class Contest:
    """A jury-judged contest."""

    id: str
    label: str
    label_en: str
    #: entries submitted after this instant are ineligible; None = no deadline
    deadline: pendulum.DateTime | None = None
    #: with this many judges or more, the single highest and lowest are dropped
    trim_from: int = attrs.field(default=5, validator=_at_least(3))
    decimals: int = attrs.field(default=2, validator=_at_least(0))


def _between(low: int, high: int) -> Callable[[object, attrs.Attribute[Any], int | Fraction], None]:
    def check(instance: object, attribute: attrs.Attribute[Any], value: int | Fraction) -> None:
        if not low <= value <= high:
            raise _invalid(instance, attribute, _expect("between", low=low, high=high), value)

    return check


#: The widest window the duplicate rule accepts, in days (a month: wider would merge genuine repeats).
MAX_DUPLICATE_WINDOW = 31


@attrs.frozen(kw_only=True)
class DuplicateRule:
    """When two accepted reports are one activity seen twice (the rubric's ``[duplicates]`` table).

    Two reports of the same kind are *possible duplicates* when all of these hold:

    * the same library reported both, or (``across_levels``) one library and the
      kabupaten/kota or provincial library it reports through (same ``provinsi``,
      and for a kabupaten/kota library the same ``kabupaten_kota``);
    * their activity dates are at most ``window_days`` apart;
    * their normalised titles score at least ``title_similarity`` (0–100) with
      :func:`rapidfuzz.fuzz.token_sort_ratio`;
    * their participant counts differ by at most ``participants_tolerance``
      percent of the larger count.

    A rubric without the table (``tpbis-default@1``, the SPEC) keeps exact duplicates only.
    """

    window_days: int = attrs.field(default=3, validator=_between(0, MAX_DUPLICATE_WINDOW))
    title_similarity: Fraction = attrs.field(default=Fraction(85), converter=Fraction,
                                             validator=_between(1, 100))
    participants_tolerance: Fraction = attrs.field(default=Fraction(15), converter=Fraction,
                                                   validator=_between(0, 100))
    across_levels: bool = True

    def participants_close(self, first: int, second: int) -> bool:
        """Whether two participant counts differ by at most the tolerance (exact arithmetic)."""
        return abs(first - second) * 100 <= self.participants_tolerance * max(first, second)


@attrs.frozen(kw_only=True)
class Rubric:
    """A named, versioned rubric."""

    name: str
    version: int
    title: str
    title_en: str
    kinds: tuple[KindInfo, ...] = attrs.field()
    indicators: tuple[Indicator, ...] = attrs.field()
    bands: tuple[ColorBand, ...] = attrs.field()
    awards: tuple[AwardCategory, ...] = ()
    contests: tuple[Contest, ...] = ()
    #: the possible-duplicate rule; ``None``: exact duplicates only (SPEC §3.1)
    duplicates: DuplicateRule | None = None
    _kind_lookup: dict[str, ActivityKind] = attrs.field(init=False, repr=False, eq=False)
    _digest: str = attrs.field(init=False, repr=False, eq=False)

    @kinds.validator
    def _check_kinds(self, attribute: attrs.Attribute[Any], value: tuple[KindInfo, ...]) -> None:
        given = [info.kind for info in value]
        missing = [kind.value for kind in ActivityKind if kind not in given]
        if missing or len(given) != len(set(given)):
            raise _invalid(self, attribute, _expect("every_kind"),
                           Message("rubric.found.missing", kinds=", ".join(missing)) if missing
                           else Message("rubric.found.kind_twice"))

    @indicators.validator
    def _check_indicators(self, attribute: attrs.Attribute[Any], value: tuple[Indicator, ...]) -> None:
        if not value:
            raise _invalid(self, attribute, _expect("one_indicator"), _NONE)
        ids = [indicator.id for indicator in value]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise _invalid(self, attribute, _expect("distinct_ids"),
                           Message("rubric.found.twice", ids=", ".join(twice)))

    @bands.validator
    def _check_bands(self, attribute: attrs.Attribute[Any], value: tuple[ColorBand, ...]) -> None:
        colors = [band.color for band in value]
        if colors != list(Color):
            raise _invalid(self, attribute, _expect("colors_once"),
                           [color.value for color in colors])
        minimums = [band.minimum for band in value]
        if minimums != sorted(minimums, reverse=True):
            raise _invalid(self, attribute, _expect("minimums_falling"), [str(m) for m in minimums])

    def __attrs_post_init__(self) -> None:
        ids = [award.id for award in self.awards] + [contest.id for contest in self.contests]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise MessageValueError(Message("rubric.check.award_ids", where="Rubric", ids=", ".join(twice)))
        lookup: dict[str, ActivityKind] = {}
        for info in self.kinds:
            for name in info.names():
                key = normalize_label(name)
                if key and lookup.setdefault(key, info.kind) is not info.kind:
                    raise MessageValueError(Message("rubric.check.label_twice", label=repr(name)))
        object.__setattr__(self, "_kind_lookup", lookup)
        object.__setattr__(self, "_digest", rubric_digest(self))

    @property
    def ref(self) -> str:
        """``name@version``, carried by every result."""
        return f"{self.name}@{self.version}"

    @property
    def digest(self) -> str:
        """The first :data:`DIGEST_LENGTH` hex characters of the SHA-256 of the rubric's content.

        The content is everything but :attr:`name` and :attr:`version`, as
        structured values (:func:`rubric_content`), so comments, whitespace,
        key order and ``96`` vs ``96.0`` in the TOML do not change it, while any
        changed target, weight, band, label or award does. An edited copy that
        keeps ``tpbis-default@1`` therefore shows a different digest.
        """
        return self._digest

    @property
    def stamp(self) -> str:
        """``name@version · sha256:digest``: how outputs name the rubric a result was scored with."""
        return f"{self.ref} · sha256:{self.digest}"

    @property
    def total_weight(self) -> int:
        """Σ weight over the indicators."""
        return sum(indicator.weight for indicator in self.indicators)

    def kind_of(self, text: str) -> ActivityKind | None:
        """Recognise an activity kind from a slug or label, or None."""
        return self._kind_lookup.get(normalize_label(text))

    def kind_info(self, kind: ActivityKind) -> KindInfo:
        """The labels of ``kind``."""
        for info in self.kinds:
            if info.kind is kind:
                return info
        raise KeyError(kind)

    def color_for(self, rounded_composite: Fraction) -> Color:
        """The colour of a rounded composite (bands are checked best first)."""
        for band in self.bands:
            if rounded_composite >= band.minimum:
                return band.color
        return self.bands[-1].color

    def next_band(self, color: Color) -> ColorBand | None:
        """The band just above ``color``, or None when it is the best."""
        index = [band.color for band in self.bands].index(color)
        return self.bands[index - 1] if index > 0 else None

    def award(self, category_id: str) -> AwardCategory:
        """The award category with this id."""
        for category in self.awards:
            if category.id == category_id:
                return category
        raise KeyError(category_id)

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator with this id."""
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise KeyError(indicator_id)


def _canonical(value: object) -> object:
    """``value`` as JSON-ready plain data whose text is the same for equal content."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Fraction):
        return str(value)  # Fraction is normalised: 96, 96.0 and "96" all read as 96
    if isinstance(value, pendulum.DateTime):
        return value.in_timezone("UTC").isoformat()  # the same instant written with another offset
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, frozenset | set):
        return sorted((_canonical(v) for v in value), key=json.dumps)
    if isinstance(value, tuple | list):
        return [_canonical(v) for v in value]
    if isinstance(value, Mapping):
        return {str(_canonical(k)): _canonical(v) for k, v in value.items()}
    cls = type(value)
    if attrs.has(cls):
        return {f.name: _canonical(getattr(value, f.name)) for f in attrs.fields(cls) if f.init}
    msg = f"no canonical form for {cls.__name__}"
    raise TypeError(msg)


def rubric_content(rubric: Rubric) -> dict[str, object]:
    """The rubric's content as plain data: every field but ``name`` and ``version``."""
    content = _canonical(rubric)
    assert isinstance(content, dict)
    del content["name"], content["version"]
    if content.get("duplicates") is None:  # no rule: the content (and digest) of a rubric without one
        content.pop("duplicates", None)
    return content


def rubric_digest(rubric: Rubric) -> str:
    """:attr:`Rubric.digest`: SHA-256 over the canonical JSON of :func:`rubric_content`, shortened."""
    text = json.dumps(rubric_content(rubric), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{_DIGEST_FORMAT}\n{text}".encode()).hexdigest()[:DIGEST_LENGTH]


@attrs.frozen(kw_only=True)
class RubricSpan:
    """A rubric and the days it applies to, both ends inclusive."""

    rubric: Rubric
    valid_from: pendulum.Date
    #: the last day it applies; ``None`` = until the day before the next span begins (or for ever)
    valid_until: pendulum.Date | None = None

    def covers(self, day: pendulum.Date) -> bool:
        """Whether ``day`` lies in the span."""
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    @property
    def text(self) -> str:
        """``ref (from … until …)`` for messages."""
        until = self.valid_until.isoformat() if self.valid_until is not None else "…"
        return f"{self.rubric.ref} ({self.valid_from.isoformat()}..{until})"


def _whole_period_key(start: pendulum.Date, end: pendulum.Date) -> str:
    """The shortest period text for ``start..end``: a year, a month, or the range."""
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return f"{start.year:04d}"
    if (start.year, start.month) == (end.year, end.month) and start.day == 1 and end == end.end_of("month"):
        return f"{start.year:04d}-{start.month:02d}"
    return f"{start.isoformat()}..{end.isoformat()}"


@attrs.frozen
class RubricSchedule:
    """Rubrics by the dates they apply to (``[[rubrics]]`` in ``tpbis.toml``).

    Spans are sorted by :attr:`RubricSpan.valid_from`; an open end is closed
    the day before the next span begins. Build one with :meth:`of`.
    """

    spans: tuple[RubricSpan, ...]

    @classmethod
    def of(cls, spans: Sequence[RubricSpan]) -> RubricSchedule:
        """Sort ``spans``, close open ends, and refuse empty, backwards or overlapping ones.

        Raises:
            RubricError: no spans, a span ending before it begins, or two spans sharing a day.
        """
        if not spans:
            raise RubricError.from_catalogue("error.rubrics_empty")
        ordered = sorted(spans, key=lambda s: s.valid_from)
        closed: list[RubricSpan] = []
        for span, following in zip(ordered, [*ordered[1:], None], strict=True):
            if span.valid_until is not None and span.valid_until < span.valid_from:
                raise RubricError.from_catalogue(
                    "error.rubrics_backwards", rubric=span.rubric.ref,
                    valid_from=span.valid_from.isoformat(), valid_until=span.valid_until.isoformat(),
                )
            if following is not None:
                if following.valid_from == span.valid_from or (
                    span.valid_until is not None and span.valid_until >= following.valid_from
                ):
                    raise RubricError.from_catalogue(
                        "error.rubrics_overlap", first=span.text, second=following.text,
                        day=following.valid_from.isoformat(),
                    )
                if span.valid_until is None:
                    span = attrs.evolve(span, valid_until=following.valid_from.subtract(days=1))
            closed.append(span)
        return cls(tuple(closed))

    @property
    def latest(self) -> Rubric:
        """The rubric that begins last (what a command without a period, e.g. ``form build``, uses)."""
        return self.spans[-1].rubric

    def for_period(self, period: Period) -> Rubric:
        """The one rubric in force on every day of ``period``.

        Raises:
            RubricError: the period straddles a change of rubric (the message
                names both rubrics, the change date and the split periods to
                use instead), or some day of it has no rubric.
        """
        start, end = period.start, period.end
        touching = [s for s in self.spans if s.valid_from <= end and (s.valid_until is None or s.valid_until >= start)]
        if len(touching) > 1:
            first, second = touching[0], touching[1]
            cuts = [s.valid_from for s in touching[1:]]
            bounds = [start, *cuts]
            ends = [c.subtract(days=1) for c in cuts] + [end]
            parts = " ".join(f"--period {_whole_period_key(a, b)}" for a, b in zip(bounds, ends, strict=True))
            raise RubricError.from_catalogue(
                "error.rubric_straddle", period=period.key, first=first.rubric.ref, second=second.rubric.ref,
                until=second.valid_from.subtract(days=1).isoformat(), change=second.valid_from.isoformat(), parts=parts,
            )
        if touching and touching[0].covers(start) and touching[0].covers(end):
            return touching[0].rubric
        until = touching[0].valid_until if touching and touching[0].covers(start) else None
        day = until.add(days=1) if until is not None else start
        raise RubricError.from_catalogue(
            "error.rubric_not_in_force", period=period.key, day=day.isoformat(),
            covered=", ".join(s.text for s in self.spans),
        )


def rubric_for(period: Period, rubrics: Rubric | RubricSchedule | Sequence[RubricSpan]) -> Rubric:
    """The rubric to score ``period`` with: a single rubric (``--rubric``) for every period, else the
    one a schedule has in force on all its days.

    Raises:
        RubricError: as :meth:`RubricSchedule.for_period`.
    """
    if isinstance(rubrics, Rubric):
        return rubrics
    schedule = rubrics if isinstance(rubrics, RubricSchedule) else RubricSchedule.of(rubrics)
    return schedule.for_period(period)
