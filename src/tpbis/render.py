"""Rendering results as the public JSON document (SPEC §7), CSV rows and terminal tables.

Pure functions: values in, plain data or text out; no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from tpbis.domain.activity import ActivityKind
from tpbis.domain.awards import CategoryResult, ContestResult, WhatIf
from tpbis.domain.kpi import Gap, IndicatorResult, KpiRun, LibraryResult
from tpbis.domain.numbers import round_half_up
from tpbis.domain.problems import Problem, Severity
from tpbis.domain.rubric import Color, Measure, Rubric
from tpbis.i18n import t
from tpbis.parsing.rows import Counts

__all__ = [
    "awards_document",
    "awards_items",
    "awards_rows",
    "awards_table",
    "contest_items",
    "gap_text",
    "kpi_document",
    "kpi_rows",
    "kpi_table",
    "number",
    "problem_dict",
    "problem_rows",
    "severity_counts",
    "what_if_text",
]

JsonNumber = int | float | None


def number(value: int | Decimal | None) -> JsonNumber:
    """A shown value as a JSON number (Decimal one-decimal values become floats)."""
    if value is None or isinstance(value, int):
        return value
    return float(value)


def _indicator_dict(result: IndicatorResult) -> dict[str, Any]:
    return {
        "value": number(result.shown_value),
        "target": float(result.shown_target),
        "score": float(result.shown_score),
    }


def gap_text(gap: Gap | None, lang: str = "id", options: int = 2) -> str:
    """Plain words for how a library reaches the next colour."""
    if gap is None:
        return t("gap.top", lang, color=t("color.hijau", lang))
    parts = [t("gap.points", lang, points=gap.points, color=t(f"color.{gap.next_color.value}", lang))]
    steps = []
    for option in gap.options[:options]:
        if option.extra is None:
            continue
        indicator = option.indicator
        if indicator.measure.is_percentage:
            amount: str = str(round_half_up(option.extra))
        else:
            amount = str(int(option.extra))
        steps.append(
            t(
                "gap.option", lang,
                amount=amount,
                unit=indicator.unit_en if lang == "en" else indicator.unit,
                indicator=indicator.id,
            )
        )
    if steps:
        parts.append(("Or: " if lang == "en" else "Atau: ").join(s + ". " for s in steps).strip())
    return " ".join(parts)


def _result_dict(result: LibraryResult) -> dict[str, Any]:
    library = result.library
    return {
        "library_id": library.id,
        "library_name": library.name,
        "kind": library.kind.value,
        "province": library.province,
        "regency": library.regency,
        "indicators": {r.id: _indicator_dict(r) for r in result.indicators},
        "composite": float(result.composite),
        "color": result.color.value,
        "activities": result.activity_count,
        "gap": None if result.gap is None else {
            "next_color": result.gap.next_color.value,
            "points": float(result.gap.points),
            "options": [
                {
                    "indicator": o.indicator.id,
                    "extra": None if o.extra is None else (
                        float(round_half_up(o.extra)) if o.indicator.measure.is_percentage else int(o.extra)
                    ),
                    "max_points": float(round_half_up(o.max_points)),
                }
                for o in result.gap.options
            ],
            "message_id": gap_text(result.gap, "id"),
            "message_en": gap_text(result.gap, "en"),
        },
    }


def problem_dict(problem: Problem) -> dict[str, Any]:
    """One problem as in SPEC §7, plus its tab and (from the Forms API) its response id."""
    document: dict[str, Any] = {
        "row": problem.row,
        "column": problem.column,
        "code": problem.code,
        "severity": problem.severity.value,
        "message_id": problem.message_id,
        "message_en": problem.message_en,
        "value": problem.value,
        "tab": problem.tab,
    }
    if problem.response_id is not None:
        document["response_id"] = problem.response_id
    return document


def kpi_document(run: KpiRun, counts: Counts, problems: tuple[Problem, ...]) -> dict[str, Any]:
    """The public JSON document of a KPI run (SPEC §7); extra keys only add."""
    period = run.period
    return {
        "rubric": run.rubric.ref,
        "period": {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "label": period.label,
            "label_en": period.label_en,
        },
        "counts": {
            "rows": counts.rows,
            "accepted": counts.accepted,
            "rejected": counts.rejected,
            "duplicates": counts.duplicates,
            "blank": counts.blank,
            "excluded": counts.excluded,
        },
        "results": [_result_dict(r) for r in run.results],
        "rollups": [
            {
                "province": r.province,
                "regency": r.regency,
                "libraries": r.libraries,
                "colors": {c.value: n for c, n in r.colors.items()},
                "mean": number(r.mean),
            }
            for r in run.rollups()
        ],
        "problems": [problem_dict(p) for p in problems],
    }


def _indicator_header(run: KpiRun, lang: str) -> list[str]:
    header: list[str] = []
    for indicator in run.rubric.indicators:
        header.append(f"{indicator.id} ({t('col.value_suffix', lang)})")
        header.append(f"{indicator.id} ({t('col.score_suffix', lang)})")
    return header


def kpi_rows(run: KpiRun, lang: str = "id") -> tuple[list[str], list[list[object]]]:
    """A header and one row per library: the ``Skor KPI`` layout."""
    header = [
        t("col.library_id", lang), t("col.library_name", lang), t("col.kind", lang),
        t("col.regency", lang), t("col.period", lang), *_indicator_header(run, lang),
        t("col.composite", lang), t("col.color", lang), t("col.gap", lang),
    ]
    label = run.period.label_en if lang == "en" else run.period.label
    rows: list[list[object]] = []
    for result in run.results:
        library = result.library
        cells: list[object] = [library.id, library.name, library.kind.value, library.regency or "", label]
        for indicator in result.indicators:
            cells.append(number(indicator.shown_value))
            cells.append(float(indicator.shown_score))
        cells += [float(result.composite), t(f"color.{result.color.value}", lang), gap_text(result.gap, lang)]
        rows.append(cells)
    return header, rows


def problem_rows(problems: tuple[Problem, ...], lang: str = "id") -> tuple[list[str], list[list[object]]]:
    """A header and one row per problem: the ``Masalah Data`` layout."""
    header = [
        t("col.row", lang), t("col.column", lang), t("col.code", lang),
        t("col.severity", lang), t("col.message", lang), t("col.value", lang),
    ]
    rows: list[list[object]] = [
        [p.row, p.column, p.code, t(f"severity.{p.severity.value}", lang), p.message(lang), p.value]
        for p in problems
    ]
    return header, rows


_ANSI = {Color.HIJAU: "\x1b[42;30m", Color.KUNING: "\x1b[43;30m", Color.MERAH: "\x1b[41;97m"}
_RESET = "\x1b[0m"
_SHORT = {
    "kegiatan_pelibatan": "Keg", "peserta": "Pst", "partisipasi_perempuan": "Prp%",
    "pengembangan_kapasitas": "Kap", "advokasi_kemitraan": "Adv", "publikasi": "Pub",
    "ketepatan_pelaporan": "Tpt%",
}


def kpi_table(run: KpiRun, lang: str = "id", *, color: bool = True, width: int = 34) -> str:
    """A readable terminal table: each indicator's value/target, then composite and colour."""
    indicators = run.rubric.indicators
    short = [_SHORT.get(i.id, i.id[:6]) for i in indicators]
    title = run.period.label_en if lang == "en" else run.period.label
    lines = [f"{run.rubric.ref} · {title}"]
    head = f"{t('col.library_name', lang)[:width]:<{width}} " + " ".join(f"{s:>11}" for s in short)
    head += f" {t('col.composite', lang):>6}  {t('col.color', lang)}"
    lines += [head, "-" * len(head)]
    for result in run.results:
        cells = []
        for r in result.indicators:
            value = "-" if r.shown_value is None else str(r.shown_value)
            target = r.shown_target
            target_text = str(int(target)) if target == target.to_integral() and r.indicator.measure is not Measure.FEMALE_SHARE else str(target)
            cells.append(f"{value + '/' + target_text:>11}")
        name = result.library.name
        name = name if len(name) <= width else name[: width - 1] + "…"
        colour_word = t(f"color.{result.color.value}", lang)
        if color:
            colour_word = f"{_ANSI[result.color]} {colour_word} {_RESET}"
        lines.append(f"{name:<{width}} " + " ".join(cells) + f" {result.composite!s:>6}  {colour_word}")
    legend = ", ".join(f"{s}={i.id}" for s, i in zip(short, indicators, strict=True))
    lines.append("")
    lines.append(legend)
    return "\n".join(lines)


def severity_counts(problems: tuple[Problem, ...]) -> tuple[int, int]:
    """(errors, warnings)."""
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    return errors, len(problems) - errors


# --- awards -------------------------------------------------------------------------


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
                "unmet": [
                    {
                        "criterion": u.criterion.name,
                        "actual": _unmet_value(u.actual),
                        "required": _unmet_value(u.required),
                        "message_id": u.message_id,
                        "message_en": u.message_en,
                    }
                    for u in entry.unmet
                ],
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
                    "reasons_id": [r[0] for r in s.reasons],
                    "reasons_en": [r[1] for r in s.reasons],
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
    document = kpi_document(run, counts, problems)
    del document["results"], document["rollups"]
    problems_list = document.pop("problems")
    document["awards"] = awards_items(categories)
    document["contests"] = contest_items(contests)
    document["problems"] = problems_list
    return document


def awards_rows(categories: Sequence[CategoryResult], lang: str = "id") -> tuple[list[str], list[list[object]]]:
    """A header and one row per category × level × library: the ``Penghargaan`` layout."""
    header = [t(k, lang) for k in (
        "col.award", "col.level", "col.rank", "col.library_id", "col.library_name",
        "col.award_score", "col.eligible", "col.unmet",
    )]
    rows: list[list[object]] = []
    for result in categories:
        label = result.category.label_en if lang == "en" else result.category.label
        for entry in result.entries:
            reasons = "; ".join(u.message_en if lang == "en" else u.message_id for u in entry.unmet)
            rows.append([
                label, result.level, entry.rank if entry.rank is not None else "", entry.library.id,
                entry.library.name, float(entry.score), t("word.yes" if entry.eligible else "word.no", lang), reasons,
            ])
    return header, rows


def awards_table(categories: Sequence[CategoryResult], lang: str = "id", *, top: int = 5) -> str:
    """Shortlists per category and level, and why the nearest others miss out."""
    lines: list[str] = []
    for result in categories:
        label = result.category.label_en if lang == "en" else result.category.label
        lines.append(f"{label} — {t('col.level', lang)} {result.level}")
        shortlist = result.shortlist
        if not shortlist:
            lines.append("  " + t("awards.none", lang))
        for entry in shortlist[:top]:
            lines.append(f"  {entry.rank:>2}. {entry.library.name:<45} {entry.score!s:>6}")
        if len(shortlist) > top:
            lines.append("  " + t("awards.more", lang, count=len(shortlist) - top))
        missing = sorted((e for e in result.entries if not e.eligible), key=lambda e: (len(e.unmet), -e.score))
        for entry in missing[:2]:
            reasons = "; ".join(u.message_en if lang == "en" else u.message_id for u in entry.unmet)
            lines.append(f"   -  {entry.library.name}: {reasons}")
        lines.append("")
    return "\n".join(lines)


def what_if_text(answer: WhatIf, rubric: Rubric, lang: str = "id") -> str:
    """A consultant-friendly answer: what to add for the category."""
    label = answer.category.label_en if lang == "en" else answer.category.label
    name = answer.library.name
    if answer.eligible_now:
        return t("whatif.already", lang, library=name, award=label)
    if answer.blocked:
        reasons = "; ".join(u.message_en if lang == "en" else u.message_id for u in answer.blocked)
        return t("whatif.blocked", lang, library=name, award=label, reasons=reasons)

    def kind_label(kind: ActivityKind) -> str:
        info = rubric.kind_info(kind)
        return (info.label_en if lang == "en" else info.label).split(" (", 1)[0]

    singles = sorted((n, kind_label(k)) for k, n in answer.per_kind.items() if n is not None)
    lines = [t("whatif.head", lang, library=name, award=label)]
    if answer.combined:
        mix = ", ".join(f"{n} {kind_label(k)}" for k, n in answer.combined.items())
        lines.append("  " + t("whatif.combined", lang, mix=mix))
    for n, kind in singles[:3]:
        lines.append("  " + t("whatif.single", lang, count=n, kind=kind))
    if not answer.combined and not singles:
        lines.append("  " + t("whatif.none", lang))
    return "\n".join(lines)
