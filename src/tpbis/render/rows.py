"""Rows of the tabular outputs: ``Skor KPI``, ``Masalah Data`` and ``Penghargaan``.

Each function returns a header and rows of plain values (text in one
language, numbers as numbers), the same for CSV (:func:`tpbis.render.safe.write_csv`)
and for the output tabs of a sync.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tpbis.domain.awards import CategoryResult
from tpbis.domain.kpi import KpiRun, gap_advice
from tpbis.domain.problems import Problem
from tpbis.i18n import t
from tpbis.message import Message
from tpbis.render._labels import label
from tpbis.render.documents import number
from tpbis.render.safe import terminal_text

__all__ = ["awards_rows", "joined", "kpi_rows", "problem_rows"]


def joined(messages: Iterable[Message], lang: str, separator: str = "; ") -> str:
    """``messages`` rendered in ``lang`` and joined (the reasons of an ineligible entry)."""
    return separator.join(m.render(lang) for m in messages)


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
    period = run.period.title.render(lang)
    rows: list[list[object]] = []
    for result in run.results:
        library = result.library
        cells: list[object] = [library.id, library.name, library.kind.value, library.regency or "", period]
        for indicator in result.indicators:
            cells.append(number(indicator.shown_value))
            cells.append(float(indicator.shown_score))
        cells += [
            float(result.composite), t(f"color.{result.color.value}", lang), gap_advice(result.gap).render(lang),
        ]
        rows.append(cells)
    return header, rows


def problem_rows(problems: Sequence[Problem], lang: str = "id") -> tuple[list[str], list[list[object]]]:
    """A header and one row per problem: the ``Masalah Data`` layout, for the terminal.

    When a problem's row carries a submission id (an export's instance id, a
    Forms response id) a column after the row number gives it, so the submission can be found.

    Cells copied from the sheet (column, value) are passed through
    :func:`~tpbis.render.safe.terminal_text`: these rows are printed.
    """
    header = [
        t("col.row", lang), t("col.column", lang), t("col.code", lang),
        t("col.severity", lang), t("col.message", lang), t("col.value", lang),
    ]
    rows: list[list[object]] = [
        [p.row, terminal_text(p.column), p.code, t(f"severity.{p.severity.value}", lang),
         terminal_text(p.message.render(lang)), terminal_text(p.value)]
        for p in problems
    ]
    if any(p.response_id for p in problems):  # an export's or a form's rows: name the submission too
        header.insert(1, t("col.submission_id", lang))
        for cells, problem in zip(rows, problems, strict=True):
            cells.insert(1, terminal_text(problem.response_id or ""))
    if any(p.source is not None for p in problems):  # a run over several sources: name the row's source first
        header.insert(0, t("col.source", lang))
        for cells, problem in zip(rows, problems, strict=True):
            cells.insert(0, terminal_text(problem.source or ""))
    return header, rows


def awards_rows(categories: Sequence[CategoryResult], lang: str = "id") -> tuple[list[str], list[list[object]]]:
    """A header and one row per category × level × library: the ``Penghargaan`` layout."""
    header = [t(k, lang) for k in (
        "col.award", "col.level", "col.rank", "col.library_id", "col.library_name",
        "col.award_score", "col.eligible", "col.unmet",
    )]
    rows: list[list[object]] = []
    for result in categories:
        category = label(result.category).render(lang)
        for entry in result.entries:
            rows.append([
                category, result.level, entry.rank if entry.rank is not None else "", entry.library.id,
                entry.library.name, float(entry.score), t("word.yes" if entry.eligible else "word.no", lang),
                joined((u.message for u in entry.unmet), lang),
            ])
    return header, rows
