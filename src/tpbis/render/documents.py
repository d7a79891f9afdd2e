"""The public JSON documents (SPEC §7): ``tpbis score --format json`` and ``tpbis awards --format json``.

Every message appears twice, rendered in Indonesian (``message_id``) and in
English (``message_en``); that is where the document's messages become text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from tpbis.domain.awards import CategoryResult, ContestResult
from tpbis.domain.kpi import (
    IndicatorResult,
    KpiRun,
    LibraryResult,
    collector_paused,
    gap_terms,
    gap_terms_advice,
)
from tpbis.domain.numbers import round_half_up
from tpbis.domain.plan import ActivityGroup, Plan, PlanOption
from tpbis.domain.problems import Problem
from tpbis.domain.rubric import Color, Indicator
from tpbis.history import Change, Changes, Comparison, Transition, moved
from tpbis.message import BilingualTexts, Message
from tpbis.parsing.rows import Counts

__all__ = [
    "JsonNumber",
    "awards_document",
    "awards_items",
    "change_dict",
    "contest_items",
    "kpi_document",
    "number",
    "plan_items",
    "problem_dict",
]

JsonNumber = int | float | None


def number(value: int | Decimal | None) -> JsonNumber:
    """A shown value as a JSON number (Decimal one-decimal values become floats)."""
    if value is None or isinstance(value, int):
        return value
    return float(value)


def _both(message: Message) -> tuple[str, str]:
    """The message in Indonesian and in English; equal messages (and equal parts) are rendered once."""
    return _TEXTS(message)


#: The rendered messages of every document (catalogue texts do not change during a run).
_TEXTS = BilingualTexts()

#: The largest count of tenths whose float is made by dividing integers (2**53: every such integer is a float).
_EXACT_TENTHS = 2**53


def _tenths_of(numerator: int, denominator: int) -> float:
    """``float(round_half_up(Fraction(numerator, denominator)))`` in integer arithmetic (``denominator > 0``).

    Both are the float nearest the rounded decimal (int ÷ int and Decimal → float
    round correctly); only a value beyond 2**53 tenths takes the Decimal way.
    """
    units = (abs(numerator) * 20 + denominator) // (denominator * 2)
    if units > _EXACT_TENTHS:
        return float(round_half_up(Fraction(numerator, denominator)))
    return (-units if numerator < 0 else units) / 10


def _tenths(value: Fraction) -> float:
    """``float(round_half_up(value))``: a shown one-decimal value as a JSON number."""
    return _tenths_of(value.numerator, value.denominator)


class _Shared:
    """What one document renders once and reuses, by object identity.

    Libraries in the same situation share their plan's options (and their
    messages), and every library shares the rubric's indicators; the run and
    the plans keep those objects alive while the document is built, and each
    entry keeps its key object too, so an identity is never reused meanwhile.
    """

    __slots__ = ("advice", "indicators", "messages", "option_messages", "options", "targets", "transitions")

    def __init__(self) -> None:
        self.messages: dict[int, tuple[Message, tuple[str, str]]] = {}
        self.options: dict[int, tuple[object, list[tuple[str, list[tuple[Any, ...]], str, str]]]] = {}
        #: (colour reached, activities added) → the option's message in both languages
        self.option_messages: dict[tuple[Color, tuple[ActivityGroup, ...]], tuple[str, str]] = {}
        #: id(indicator) → (indicator, its id, whether a percentage)
        self.indicators: dict[int, tuple[Indicator, str, bool]] = {}
        #: (next colour, points, the options the advice names) → the advice in both languages (one rubric per run)
        self.advice: dict[tuple[object, ...], tuple[str, str]] = {}
        self.transitions: dict[Transition, tuple[str, str]] = {}
        #: id(target) → (target, shown as a float)
        self.targets: dict[int, tuple[Fraction, float]] = {}

    def texts(self, message: Message) -> tuple[str, str]:
        """``message`` in Indonesian and English."""
        found = self.messages.get(id(message))
        if found is None:
            found = self.messages[id(message)] = (message, _TEXTS(message))
        return found[1]

    def option_texts(self, option: PlanOption) -> tuple[str, str]:
        """A plan option's message in Indonesian and English.

        The plans of one run come from one planner (one rubric and period),
        whose message of an option says what the option adds: equal options
        (the colour reached and the activities added) have equal messages, so
        each is rendered once without reading its message again.
        """
        key = (option.reaches, option.add)
        found = self.option_messages.get(key)
        if found is None:
            found = self.option_messages[key] = self.texts(option.message)
        return found

    def indicator(self, indicator: Indicator) -> tuple[Indicator, str, bool]:
        """The indicator, its id and whether it is a percentage."""
        found = self.indicators.get(id(indicator))
        if found is None:
            found = self.indicators[id(indicator)] = (indicator, indicator.id, indicator.measure.is_percentage)
        return found


def _indicators(results: Sequence[IndicatorResult], shared: _Shared) -> dict[str, Any]:
    out: dict[str, Any] = {}
    known = shared.indicators
    targets = shared.targets
    for result in results:
        indicator = result.indicator
        found = known.get(id(indicator))
        if found is None:
            found = shared.indicator(indicator)
        target = result.target  # one object per indicator and kind of library: shown once
        shown = targets.get(id(target))
        if shown is None:
            shown = targets[id(target)] = (target, _tenths_of(target.numerator, target.denominator))
        value, score = result.value, result.score
        out[found[1]] = {
            "value": None if value is None else _tenths_of(value.numerator, value.denominator) if found[2] else int(value),
            "target": shown[1],
            "score": _tenths_of(score.numerator, score.denominator),
        }
    return out


def plan_items(plan: Plan) -> list[dict[str, Any]]:
    """A plan's options as JSON: the colour each reaches, the activities to add, the advice in both languages."""
    return _plan_items(plan, _Shared())


def _plan_items(plan: Plan, shared: _Shared) -> list[dict[str, Any]]:
    options = plan.options
    found = shared.options.get(id(options))
    if found is None:
        parts = []
        for option in options:
            text_id, text_en = shared.option_texts(option)
            add = [
                (group.kind.value, group.count, group.participants, group.women, group.link, group.partner,
                 group.on_time)
                for group in option.add
            ]
            parts.append((option.reaches.value, add, text_id, text_en))
        found = shared.options[id(options)] = (options, parts)
    return [
        {
            "reaches": reaches,
            "add": [
                {"kind": kind, "count": count, "participants": participants, "women": women, "link": link,
                 "partner": partner, "on_time": on_time}
                for kind, count, participants, women, link, partner, on_time in add
            ],
            "text_id": text_id,
            "text_en": text_en,
        }
        for reaches, add, text_id, text_en in found[1]
    ]


def _gap_dict(result: LibraryResult, shared: _Shared) -> dict[str, Any] | None:
    """``result.gap`` as JSON, from its terms (:func:`~tpbis.domain.kpi.gap_terms`; no objects per option)."""
    terms = gap_terms(result)
    if terms is None:
        return None
    color, points, options = terms
    # what gap_advice reads: the colour, the points, and the options among its first two that name an extra
    key = (color, str(points), *((indicator.id, extra) for indicator, extra, _, _ in options[:2] if extra is not None))
    advice = shared.advice.get(key)
    if advice is None:
        advice = shared.advice[key] = _TEXTS(gap_terms_advice(terms))
    items = []
    known = shared.indicators
    for indicator, extra, top, bottom in options:
        found = known.get(id(indicator))
        if found is None:
            found = shared.indicator(indicator)
        items.append({
            "indicator": found[1],
            "extra": None if extra is None else _tenths(extra) if found[2] else int(extra),
            "max_points": _tenths_of(top, bottom),
        })
    return {
        "next_color": color.value,
        "points": float(points),
        "options": items,
        "message_id": advice[0],
        "message_en": advice[1],
    }


def _result_dict(result: LibraryResult, plan: Plan | None = None, shared: _Shared | None = None) -> dict[str, Any]:
    shared = _Shared() if shared is None else shared
    library = result.library
    document: dict[str, Any] = {
        "library_id": library.id,
        "library_name": library.name,
        "kind": library.kind.value,
        "province": library.province,
        "regency": library.regency,
        "indicators": _indicators(result.indicators, shared),
        "composite": float(result.composite),
        "color": result.color.value,
        "activities": result.activity_count,
        "gap": _gap_dict(result, shared),
    }
    if plan is not None:
        document["plan_status"] = plan.status.value
        document["plan"] = _plan_items(plan, shared)
    return document


def problem_dict(problem: Problem) -> dict[str, Any]:
    """One problem as in SPEC §7, plus its tab and (from the Forms API) its response id."""
    message_id, message_en = _both(problem.message)
    document: dict[str, Any] = {
        "row": problem.row,
        "column": problem.column,
        "code": problem.code,
        "severity": problem.severity.value,
        "message_id": message_id,
        "message_en": message_en,
        "value": problem.value,
        "tab": problem.tab,
    }
    if problem.response_id is not None:
        document["response_id"] = problem.response_id
    if problem.source is not None:  # a run over several sources (one source adds nothing: SPEC §7)
        document["source"] = problem.source
        document["channel"] = problem.channel
    return document


def _comparison_dict(comparison: Comparison | None, shared: _Shared) -> dict[str, Any] | None:
    if comparison is None:
        return None
    transition = comparison.transition
    texts = shared.transitions.get(transition)
    if texts is None:
        texts = shared.transitions[transition] = _TEXTS(transition.message)
    return {
        "previous": {
            "period": comparison.period,
            "composite": float(comparison.composite),
            "color": comparison.color.value,
        },
        "delta_composite": float(comparison.delta_composite),
        "transition": transition.value,
        "transition_id": texts[0],
        "transition_en": texts[1],
        "source": comparison.source,
    }


def change_dict(change: Change | None) -> dict[str, Any]:
    """A library's ``change``: against the previous period and the same period a year earlier (``null``: no data)."""
    return _change_dict(change, _Shared())


def _change_dict(change: Change | None, shared: _Shared) -> dict[str, Any]:
    if change is None:
        return {"previous_period": None, "year_earlier": None}
    return {
        "previous_period": _comparison_dict(change.previous, shared),
        "year_earlier": _comparison_dict(change.year_earlier, shared),
    }


def kpi_document(
    run: KpiRun,
    counts: Counts,
    problems: tuple[Problem, ...],
    changes: Changes | None = None,
    *,
    plans: Mapping[str, Plan] | None = None,
) -> dict[str, Any]:
    """The public JSON document of a KPI run (SPEC §7); extra keys only add.

    With ``changes`` (:func:`tpbis.history.changes`) each result gains ``change`` and each
    roll-up ``moved``: per comparison, how many libraries went ``naik``, ``turun`` or stayed ``tetap``.
    With ``plans`` (by library id, :func:`~tpbis.domain.plan.plans_for`), each
    result also carries ``plan_status`` and ``plan``: the options to the next
    colours (empty for a ``hijau`` library).
    """
    with collector_paused():  # many small objects and no cycles (see collector_paused)
        return _kpi_document(run, counts, problems, changes, plans)


def _kpi_document(
    run: KpiRun,
    counts: Counts,
    problems: tuple[Problem, ...],
    changes: Changes | None,
    plans: Mapping[str, Plan] | None,
) -> dict[str, Any]:
    shared = _Shared()
    document = _header(run, counts)
    results = []
    for result in run.results:
        item = _result_dict(result, None if plans is None else plans.get(result.library.id), shared)
        if changes is not None:
            item["change"] = _change_dict(changes.get(result.library.id), shared)
        results.append(item)
    document["results"] = results
    regions = run.rollups()
    document["rollups"] = [
        {
            "province": r.province,
            "regency": r.regency,
            "libraries": r.libraries,
            "colors": {c.value: n for c, n in r.colors.items()},
            "mean": number(r.mean),
        }
        for r in regions
    ]
    document["problems"] = [problem_dict(p) for p in problems]
    if changes is not None:
        tallies = moved(run, changes)
        for rollup_item, region in zip(document["rollups"], regions, strict=True):
            found = tallies.get((region.province, region.regency))
            rollup_item["moved"] = found if found is not None else {
                "previous": {"naik": 0, "turun": 0, "tetap": 0},
                "year_earlier": {"naik": 0, "turun": 0, "tetap": 0},
            }
    return document


def _header(run: KpiRun, counts: Counts) -> dict[str, Any]:
    """The keys the KPI and awards documents open with: rubric, period and counts."""
    period = run.period
    label, label_en = _both(period.title)
    return {
        "rubric": run.rubric.ref,
        "rubric_version": run.rubric.version,
        "rubric_digest": run.rubric.digest,
        "period": {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "label": label,
            "label_en": label_en,
        },
        "counts": {
            "rows": counts.rows,
            "accepted": counts.accepted,
            "rejected": counts.rejected,
            "duplicates": counts.duplicates,
            "blank": counts.blank,
            "excluded": counts.excluded,
        },
    }


def _unmet_value(value: Fraction | Color | None) -> JsonNumber | str:
    if value is None:
        return None
    if isinstance(value, Color):
        return value.value
    return int(value) if value.denominator == 1 else float(round_half_up(value))


def awards_items(categories: Sequence[CategoryResult]) -> list[dict[str, Any]]:
    """One item per category × level × library (the ``awards`` list of the JSON)."""
    items: list[dict[str, Any]] = []
    for category_result in categories:
        category = category_result.category
        for entry in category_result.entries:
            unmet = []
            for u in entry.unmet:
                message_id, message_en = _both(u.message)
                unmet.append({
                    "criterion": u.criterion.name,
                    "actual": _unmet_value(u.actual),
                    "required": _unmet_value(u.required),
                    "message_id": message_id,
                    "message_en": message_en,
                })
            items.append({
                "category": category.id,
                "label": category.label,
                "label_en": category.label_en,
                "level": category_result.level,
                "library_id": entry.library.id,
                "library_name": entry.library.name,
                "eligible": entry.eligible,
                "rank": entry.rank,
                "score": float(entry.score),
                "composite": float(entry.composite),
                "color": entry.color.value,
                "unmet": unmet,
            })
    return items


def contest_items(contests: Sequence[ContestResult]) -> list[dict[str, Any]]:
    """One item per contest with its standings."""
    return [
        {
            "contest": result.contest.id,
            "label": result.contest.label,
            "label_en": result.contest.label_en,
            "standings": [
                {
                    "row": s.entry.row,
                    "library_id": s.entry.library_id,
                    "title": s.entry.title,
                    "url": s.entry.url,
                    "submitted_at": s.entry.submitted_at.isoformat(),
                    "judges": len(s.entry.scores),
                    "eligible": s.eligible,
                    "rank": s.rank,
                    "score": None if s.score is None else float(s.score),
                    "reasons_id": [r.render("id") for r in s.reasons],
                    "reasons_en": [r.render("en") for r in s.reasons],
                }
                for s in result.standings
            ],
        }
        for result in contests
    ]


def awards_document(
    run: KpiRun,
    categories: Sequence[CategoryResult],
    contests: Sequence[ContestResult],
    counts: Counts,
    problems: tuple[Problem, ...],
) -> dict[str, Any]:
    """The JSON of ``tpbis awards``: the KPI header, awards, contests and problems."""
    document = _header(run, counts)
    document["awards"] = awards_items(categories)
    document["contests"] = contest_items(contests)
    document["problems"] = [problem_dict(p) for p in problems]
    return document
