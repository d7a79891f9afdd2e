"""Rubric files: the shipped catalogue and loading/validating user rubrics.

A rubric file is TOML; see ``default.toml`` in this package for the format.
The package ships a small catalogue (:data:`SHIPPED`), loadable by
``name@version``: ``tpbis-default@1`` (SPEC, the default) and
``tpbis-default@2`` (the example of a following year's rubric, for 2025).
Structuring uses the project converter, so a wrong key or type fails with a
message that names the file, the key path, what was expected and what was found.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from fractions import Fraction
from importlib import resources
from pathlib import Path

import attrs
import cattrs
import pendulum

from tpbis.domain.activity import ActivityKind
from tpbis.domain.library import LibraryKind
from tpbis.domain.rubric import (
    ALL_KINDS,
    MAX_DUPLICATE_WINDOW,
    AwardCategory,
    Color,
    ColorBand,
    Contest,
    Criterion,
    DuplicateRule,
    Indicator,
    KindInfo,
    Measure,
    Metric,
    RankingTerm,
    Rubric,
)
from tpbis.errors import RubricError
from tpbis.i18n import os_reason
from tpbis.message import Message, MessageValueError
from tpbis.rubrics._problems import InvalidValue, structure_problems, toml_problem
from tpbis.serialization import converter

__all__ = [
    "DEFAULT_REF",
    "SHIPPED",
    "default_rubric",
    "default_text",
    "is_shipped_name",
    "load_rubric",
    "parse_rubric",
    "shipped_differs",
    "shipped_rubric",
    "shipped_rubrics",
    "shipped_text",
]

DEFAULT_RUBRIC_FILE = "default.toml"
#: The rubric used when none is configured; its numbers are SPEC §5.
DEFAULT_REF = "tpbis-default@1"
#: The shipped rubrics, ``name@version`` → file in this package, oldest first.
SHIPPED: Mapping[str, str] = {
    DEFAULT_REF: DEFAULT_RUBRIC_FILE,
    "tpbis-default@2": "tpbis-default-2.toml",
}


@attrs.frozen
class _KindSpec:
    label: str
    label_en: str
    aliases: list[str] = attrs.Factory(list)


@attrs.frozen
class _TargetSpec:
    level1: Fraction
    level2: Fraction
    level3: Fraction


@attrs.frozen
class _IndicatorSpec:
    id: str
    label: str
    label_en: str
    measure: Measure
    kinds: list[ActivityKind]
    weight: int
    target: _TargetSpec
    target_by_kind: dict[LibraryKind, Fraction] = attrs.Factory(dict)
    within_days: int = 7
    unit: str = "kegiatan"
    unit_en: str = "activities"


@attrs.frozen
class _BandSpec:
    color: Color
    min: Fraction


@attrs.frozen
class _CriterionSpec:
    metric: Metric
    kinds: list[ActivityKind] | None = None
    min: Fraction | None = None
    color: Color | None = None
    unit: str = ""
    unit_en: str = ""


@attrs.frozen
class _TermSpec:
    metric: Metric
    weight: Fraction
    cap: Fraction
    kinds: list[ActivityKind] | None = None


@attrs.frozen
class _AwardSpec:
    id: str
    label: str
    label_en: str
    levels: list[int]
    criteria: list[_CriterionSpec]
    ranking: list[_TermSpec]


@attrs.frozen
class _ContestSpec:
    id: str
    label: str
    label_en: str
    deadline: pendulum.DateTime | None = None
    trim_from: int = 5
    decimals: int = 2


@attrs.frozen
class _DuplicatesSpec:
    window_days: Fraction = Fraction(3)  # read as a number, so 3.5 or true is an error rather than 3 or 1
    title_similarity: Fraction = Fraction(85)
    participants_tolerance: Fraction = Fraction(15)
    across_levels: bool = True


@attrs.frozen
class _RubricSpec:
    name: str
    version: int
    title: str
    title_en: str
    kinds: dict[ActivityKind, _KindSpec]
    colors: list[_BandSpec]
    indicators: list[_IndicatorSpec]
    awards: list[_AwardSpec] = attrs.Factory(list)
    contests: list[_ContestSpec] = attrs.Factory(list)
    duplicates: _DuplicatesSpec | None = None


def _strict_bool(value: object, _: type) -> bool:
    """A TOML boolean only: cattrs' own hook takes any non-empty text, ``"false"`` too, as True."""
    if isinstance(value, bool):
        return value
    raise InvalidValue(value, Message("structure.expect.bool"))


#: The project converter, but booleans must be ``true``/``false`` (not text).
strict_converter = converter.copy()
strict_converter.register_structure_hook(bool, _strict_bool)


def _fail(source: str, problems: list[Message]) -> RubricError:
    listing = Message.literal(*(
        "\n".join(f"  - {problem.render(lang)}" for problem in problems) for lang in ("id", "en")
    ))
    return RubricError.from_catalogue("error.rubric_invalid", source=source, listing=listing)


def _expect(key: str, /, **params: object) -> Message:
    return Message(f"rubric.expect.{key}", params)


def _problem(where: str, expected: Message, found: object) -> Message:
    return Message("rubric.problem", where=where, expected=expected, found=found)


_NONE = Message("rubric.found.none")


def _check(spec: _RubricSpec) -> list[Message]:
    problems: list[Message] = []
    missing = [k.value for k in ActivityKind if k not in spec.kinds]
    if missing:
        problems.append(_problem("$.kinds", _expect("every_kind"), Message("rubric.found.missing",
                                                                           kinds=", ".join(missing))))
    colors = [band.color for band in spec.colors]
    if sorted(colors, key=list(Color).index) != colors or len(set(colors)) != len(Color):
        problems.append(_problem("$.colors", _expect("colors_once"), [c.value for c in colors]))
    minimums = [band.min for band in spec.colors]
    if minimums != sorted(minimums, reverse=True):
        problems.append(_problem("$.colors", _expect("minimums_falling"), [str(m) for m in minimums]))
    if not spec.indicators:
        problems.append(_problem("$.indicators", _expect("one_indicator"), _NONE))
    seen: set[str] = set()
    for i, ind in enumerate(spec.indicators):
        where = f"$.indicators[{i}] ({ind.id})"
        if ind.id in seen:
            problems.append(_problem(f"{where}.id", _expect("distinct_ids"), Message("rubric.found.twice", ids=ind.id)))
        seen.add(ind.id)
        if ind.weight <= 0:
            problems.append(_problem(f"{where}.weight", _expect("whole_above_zero"), ind.weight))
        if not ind.kinds:
            problems.append(_problem(f"{where}.kinds", _expect("not_empty"), _NONE))
        targets = {"level1": ind.target.level1, "level2": ind.target.level2, "level3": ind.target.level3}
        targets.update({f"target_by_kind.{k.value}": v for k, v in ind.target_by_kind.items()})
        for key, value in targets.items():
            if value <= 0:
                problems.append(_problem(f"{where}.{key}", _expect("target_above_zero"), value))
        if ind.within_days < 0:
            problems.append(_problem(f"{where}.within_days", _expect("at_least", minimum=0), ind.within_days))
    problems.extend(_check_awards(spec))
    problems.extend(_check_duplicates(spec.duplicates))
    return problems


def _check_duplicates(rule: _DuplicatesSpec | None) -> list[Message]:
    """The ``[duplicates]`` table's numbers are in range."""
    if rule is None:
        return []
    if rule.window_days.denominator != 1:
        return [_problem("$.duplicates.window_days", Message("structure.expect.whole"), f"{float(rule.window_days):g}")]
    ranges: dict[str, tuple[Fraction | int, int, int]] = {
        "window_days": (int(rule.window_days), 0, MAX_DUPLICATE_WINDOW),
        "title_similarity": (rule.title_similarity, 1, 100),
        "participants_tolerance": (rule.participants_tolerance, 0, 100),
    }
    return [
        _problem(f"$.duplicates.{key}", _expect("between", low=low, high=high), value)
        for key, (value, low, high) in ranges.items()
        if not low <= value <= high
    ]


def _check_awards(spec: _RubricSpec) -> list[Message]:
    problems: list[Message] = []
    ids = [a.id for a in spec.awards] + [c.id for c in spec.contests]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(Message("rubric.check.award_ids", where="$.awards/$.contests", ids=repr(dup)))
    for i, award in enumerate(spec.awards):
        where = f"$.awards[{i}] ({award.id})"
        if not award.levels or any(level not in (1, 2, 3) for level in award.levels):
            problems.append(_problem(f"{where}.levels", _expect("levels"), award.levels))
        for j, criterion in enumerate(award.criteria):
            if criterion.metric is Metric.COLOR:
                if criterion.color is None:
                    problems.append(Message("rubric.check.color_needed", where=f"{where}.criteria[{j}]"))
            elif criterion.min is None:
                problems.append(Message("rubric.check.min_needed", where=f"{where}.criteria[{j}]",
                                        metric=criterion.metric.value))
        if not award.ranking:
            problems.append(_problem(f"{where}.ranking", _expect("not_empty"), _NONE))
        for j, term in enumerate(award.ranking):
            if term.metric is Metric.COLOR:
                problems.append(_problem(f"{where}.ranking[{j}].metric", _expect("rankable"), term.metric.value))
            if term.cap <= 0:
                problems.append(_problem(f"{where}.ranking[{j}].cap", _expect("above_zero"), term.cap))
    for i, contest in enumerate(spec.contests):
        if contest.trim_from < 3:
            problems.append(_problem(f"$.contests[{i}].trim_from", _expect("at_least", minimum=3), contest.trim_from))
        if contest.decimals < 0:
            problems.append(_problem(f"$.contests[{i}].decimals", _expect("at_least", minimum=0), contest.decimals))
    return problems


def _kinds(kinds: list[ActivityKind] | None) -> frozenset[ActivityKind]:
    return frozenset(kinds) if kinds else ALL_KINDS


def parse_rubric(text: str, source: str = "<rubric>") -> Rubric:
    """Parse and validate rubric TOML text.

    Raises:
        RubricError: with every problem found, each naming its key path.
    """
    try:
        data = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        raise _fail(source, [toml_problem(exc)]) from None
    try:
        spec = strict_converter.structure(data, _RubricSpec)
    except cattrs.BaseValidationError as exc:
        raise _fail(source, structure_problems(exc, data, "$")) from None
    problems = _check(spec)
    if problems:
        raise _fail(source, problems)
    try:
        return _build(spec)
    except ValueError as exc:  # an invariant of the domain classes that _check does not word with a key path
        reason = exc.message if isinstance(exc, MessageValueError) else Message.literal(str(exc))
        raise _fail(source, [Message("structure.because", key="$", reason=reason)]) from None


def _build(spec: _RubricSpec) -> Rubric:
    """The domain rubric of a checked spec (its classes validate themselves again)."""
    return Rubric(
        name=spec.name,
        version=spec.version,
        title=spec.title,
        title_en=spec.title_en,
        kinds=tuple(
            KindInfo(kind=kind, label=k.label, label_en=k.label_en, aliases=tuple(k.aliases))
            for kind in ActivityKind
            for k in [spec.kinds[kind]]
        ),
        indicators=tuple(
            Indicator(
                id=ind.id,
                label=ind.label,
                label_en=ind.label_en,
                measure=ind.measure,
                kinds=frozenset(ind.kinds),
                weight=ind.weight,
                targets={1: ind.target.level1, 2: ind.target.level2, 3: ind.target.level3},
                kind_targets=dict(ind.target_by_kind),
                within_days=ind.within_days,
                unit=ind.unit,
                unit_en=ind.unit_en,
            )
            for ind in spec.indicators
        ),
        bands=tuple(ColorBand(color=b.color, minimum=b.min) for b in spec.colors),
        awards=tuple(
            AwardCategory(
                id=a.id,
                label=a.label,
                label_en=a.label_en,
                levels=tuple(a.levels),
                criteria=tuple(
                    Criterion(metric=c.metric, kinds=_kinds(c.kinds), minimum=c.min, color=c.color,
                              unit=c.unit, unit_en=c.unit_en)
                    for c in a.criteria
                ),
                ranking=tuple(
                    RankingTerm(metric=r.metric, weight=r.weight, cap=r.cap, kinds=_kinds(r.kinds))
                    for r in a.ranking
                ),
            )
            for a in spec.awards
        ),
        contests=tuple(
            Contest(id=c.id, label=c.label, label_en=c.label_en, deadline=c.deadline,
                    trim_from=c.trim_from, decimals=c.decimals)
            for c in spec.contests
        ),
        duplicates=None if spec.duplicates is None else DuplicateRule(
            window_days=int(spec.duplicates.window_days),
            title_similarity=spec.duplicates.title_similarity,
            participants_tolerance=spec.duplicates.participants_tolerance,
            across_levels=spec.duplicates.across_levels,
        ),
    )


def load_rubric(path: str | Path) -> Rubric:
    """Load and validate a rubric file.

    Raises:
        RubricError: the file is missing, not TOML, or invalid.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # Windows Notepad may begin the file with a BOM
    except (OSError, UnicodeDecodeError) as exc:
        raise RubricError.from_catalogue("error.rubric_unreadable", path=str(path), reason=os_reason(exc)) from None
    return parse_rubric(text, str(path))


def is_shipped_name(name: str) -> bool:
    """Whether ``name`` is the ``name@version`` of a shipped rubric."""
    return name.strip() in SHIPPED


def shipped_text(name: str = DEFAULT_REF) -> str:
    """The TOML text of a shipped rubric.

    Raises:
        RubricError: no shipped rubric has that name.
    """
    file = SHIPPED.get(name.strip())
    if file is None:
        raise RubricError.from_catalogue("error.rubric_unknown_name", name=name, known=", ".join(SHIPPED))
    return resources.files(__package__).joinpath(file).read_text(encoding="utf-8")


_SHIPPED: dict[str, Rubric] = {}


def shipped_rubric(name: str = DEFAULT_REF) -> Rubric:
    """A shipped rubric by ``name@version`` (each parsed once).

    Raises:
        RubricError: no shipped rubric has that name.
    """
    name = name.strip()
    if name not in _SHIPPED:
        rubric = parse_rubric(shipped_text(name), f"tpbis/rubrics/{SHIPPED[name]}")
        if rubric.ref != name:  # a packaging slip; the catalogue and the file must agree
            msg = f"shipped rubric file {SHIPPED[name]} says {rubric.ref}, the catalogue {name}"
            raise AssertionError(msg)
        _SHIPPED[name] = rubric
    return _SHIPPED[name]


def shipped_rubrics() -> tuple[Rubric, ...]:
    """Every shipped rubric, in catalogue order."""
    return tuple(shipped_rubric(name) for name in SHIPPED)


def shipped_differs(rubric: Rubric) -> Rubric | None:
    """The shipped rubric whose ``name@version`` ``rubric`` reuses with other content, else None."""
    if rubric.ref not in SHIPPED:
        return None
    shipped = shipped_rubric(rubric.ref)
    return shipped if shipped.digest != rubric.digest else None


def default_text() -> str:
    """The TOML text of the shipped default rubric."""
    return shipped_text(DEFAULT_REF)


def default_rubric() -> Rubric:
    """The shipped default rubric, ``tpbis-default@1`` (loaded once)."""
    return shipped_rubric(DEFAULT_REF)
