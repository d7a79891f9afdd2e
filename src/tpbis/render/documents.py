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
from tpbis.domain.kpi import IndicatorResult, KpiRun, LibraryResult, gap_advice
from tpbis.domain.numbers import round_half_up
from tpbis.domain.plan import Plan
from tpbis.domain.problems import Problem
from tpbis.domain.rubric import Color
from tpbis.history import Change, Changes, Comparison, moved
from tpbis.message import Message
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
    """The message in Indonesian and in English, each rendered once per run for equal messages.

    Thousands of libraries share the same advice ("3 more activities"); the cache
    key tells values apart by type and ``repr`` (``1``, ``1.0`` and
    ``Decimal("1.0")`` compare equal but read differently).
    """
    try:
        key = _render_key(message)
    except TypeError:  # a parameter without a usable repr: render it directly
        return message.render("id"), message.render("en")
    found = _RENDERED.get(key)
    if found is None:
        if len(_RENDERED) >= _RENDERED_MAX:
            _RENDERED.clear()
        found = _RENDERED[key] = (message.render("id"), message.render("en"))
    return found


def _render_key(message: Message) -> tuple[object, ...]:
    """``message`` as a key of value types and values (``repr``s where equal values read differently:
    ``-0.0``, ``Decimal("1.00")``); TypeError for a value of any other type."""
    key: list[object] = [message.key]
    for name, value in message.params.items():
        kind = type(value)
        if kind in _EXACT:  # equal values of one type render alike
            key += (name, kind, value)
        elif kind in _BY_REPR:
            key += (name, kind, repr(value))
        elif isinstance(value, Message):
            key += (name, _render_key(value))
        else:  # its repr might not tell two values apart
            raise TypeError(kind.__name__)
    return tuple(key)


_EXACT = frozenset({str, int, bool, type(None), Fraction})
_BY_REPR = frozenset({float, Decimal})


#: Rendered messages by :func:`_render_key` (cleared when full; catalogue texts do not change during a run).
_RENDERED: dict[tuple[object, ...], tuple[str, str]] = {}
_RENDERED_MAX = 50_000


def _indicator_dict(result: IndicatorResult) -> dict[str, Any]:
    return {
        "value": number(result.shown_value),
        "target": float(result.shown_target),
        "score": float(result.shown_score),
    }


def plan_items(plan: Plan) -> list[dict[str, Any]]:
    """A plan's options as JSON: the colour each reaches, the activities to add, the advice in both languages."""
    items = []
    for option in plan.options:
        text_id, text_en = _both(option.message)
        items.append({
            "reaches": option.reaches.value,
            "add": [
                {
                    "kind": group.kind.value,
                    "count": group.count,
                    "participants": group.participants,
                    "women": group.women,
                    "link": group.link,
                    "partner": group.partner,
                    "on_time": group.on_time,
                }
                for group in option.add
            ],
            "text_id": text_id,
            "text_en": text_en,
        })
    return items


def _result_dict(result: LibraryResult, plan: Plan | None = None) -> dict[str, Any]:
    library = result.library
    gap = result.gap
    if gap is None:
        gap_dict = None
    else:
        message_id, message_en = _both(gap_advice(gap))
        gap_dict = {
            "next_color": gap.next_color.value,
            "points": float(gap.points),
            "options": [
                {
                    "indicator": o.indicator.id,
                    "extra": None if o.extra is None else (
                        float(round_half_up(o.extra)) if o.indicator.measure.is_percentage else int(o.extra)
                    ),
                    "max_points": float(round_half_up(o.max_points)),
                }
                for o in gap.options
            ],
            "message_id": message_id,
            "message_en": message_en,
        }
    document: dict[str, Any] = {
        "library_id": library.id,
        "library_name": library.name,
        "kind": library.kind.value,
        "province": library.province,
        "regency": library.regency,
        "indicators": {r.id: _indicator_dict(r) for r in result.indicators},
        "composite": float(result.composite),
        "color": result.color.value,
        "activities": result.activity_count,
        "gap": gap_dict,
    }
    if plan is not None:
        document["plan_status"] = plan.status.value
        document["plan"] = plan_items(plan)
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


def _comparison_dict(comparison: Comparison | None) -> dict[str, Any] | None:
    if comparison is None:
        return None
    transition_id, transition_en = _both(comparison.transition.message)
    return {
        "previous": {
            "period": comparison.period,
            "composite": float(comparison.composite),
            "color": comparison.color.value,
        },
        "delta_composite": float(comparison.delta_composite),
        "transition": comparison.transition.value,
        "transition_id": transition_id,
        "transition_en": transition_en,
        "source": comparison.source,
    }


def change_dict(change: Change | None) -> dict[str, Any]:
    """A library's ``change``: against the previous period and the same period a year earlier (``null``: no data)."""
    return {
        "previous_period": _comparison_dict(change.previous if change is not None else None),
        "year_earlier": _comparison_dict(change.year_earlier if change is not None else None),
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
    document = _header(run, counts)
    document["results"] = [
        _result_dict(r, None if plans is None else plans.get(r.library.id)) for r in run.results
    ]
    document["rollups"] = [
        {
            "province": r.province,
            "regency": r.regency,
            "libraries": r.libraries,
            "colors": {c.value: n for c, n in r.colors.items()},
            "mean": number(r.mean),
        }
        for r in run.rollups()
    ]
    document["problems"] = [problem_dict(p) for p in problems]
    if changes is not None:
        for result, item in zip(run.results, document["results"], strict=True):
            item["change"] = change_dict(changes.get(result.library.id))
        tallies = moved(run, changes)
        empty = {"naik": 0, "turun": 0, "tetap": 0}
        for rollup_item, region in zip(document["rollups"], run.rollups(), strict=True):
            rollup_item["moved"] = tallies.get(
                (region.province, region.regency), {"previous": dict(empty), "year_earlier": dict(empty)}
            )
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
