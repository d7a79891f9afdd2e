"""Versioned rubrics: indicators, targets, weights, colour bands and kind labels.

The rubric is data (a TOML file, see :mod:`tpbis.rubrics`); this module holds
its validated, typed form. Nothing about the default numbers lives in code.
"""

from __future__ import annotations

import enum
from fractions import Fraction
from typing import TYPE_CHECKING

import attrs

from tpbis.domain.activity import ActivityKind
from tpbis.domain.library import Library, LibraryKind

if TYPE_CHECKING:
    from tpbis.domain.awards import AwardCategory, Contest

__all__ = [
    "Color",
    "ColorBand",
    "Indicator",
    "KindInfo",
    "Measure",
    "Rubric",
    "normalize_label",
]


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


def normalize_label(text: str) -> str:
    """Casefold and collapse whitespace: how kind labels are compared."""
    return " ".join(text.casefold().split())


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
    kinds: frozenset[ActivityKind]
    weight: int
    #: annual target (or percentage) per library level 1, 2, 3
    targets: dict[int, Fraction]
    #: per library kind overrides of the level target
    kind_targets: dict[LibraryKind, Fraction] = attrs.field(factory=dict)
    #: for TIMELY_SHARE: the largest reporting delay in days that counts as timely
    within_days: int = 7
    #: the unit of one more of this indicator's value, for explanations
    unit: str = "kegiatan"
    unit_en: str = "activities"

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


@attrs.frozen(kw_only=True)
class Rubric:
    """A named, versioned rubric."""

    name: str
    version: int
    title: str
    title_en: str
    kinds: tuple[KindInfo, ...]
    indicators: tuple[Indicator, ...]
    bands: tuple[ColorBand, ...]
    awards: tuple[AwardCategory, ...] = ()
    contests: tuple[Contest, ...] = ()
    _kind_lookup: dict[str, ActivityKind] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        lookup: dict[str, ActivityKind] = {}
        for info in self.kinds:
            for name in info.names():
                key = normalize_label(name)
                if key and lookup.setdefault(key, info.kind) is not info.kind:
                    msg = f"label {name!r} names two activity kinds"
                    raise ValueError(msg)
        object.__setattr__(self, "_kind_lookup", lookup)

    @property
    def ref(self) -> str:
        """``name@version``, carried by every result."""
        return f"{self.name}@{self.version}"

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
