"""Text for the terminal: the KPI table, award shortlists, gap advice and the what-if answer.

Text that comes from the data (library names, rubric labels) goes through
:func:`~tpbis.render.safe.terminal_text`, so nothing a form respondent typed
can move the cursor, retitle the window or clear the screen.
"""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Mapping, Sequence

from tpbis.domain.activity import ActivityKind
from tpbis.domain.awards import CategoryResult, WhatIf
from tpbis.domain.kpi import Gap, IndicatorResult, KpiRun, gap_advice
from tpbis.domain.plan import Plan, PlanStatus
from tpbis.domain.problems import Problem, Severity
from tpbis.domain.rubric import Color, Measure, Rubric
from tpbis.i18n import t
from tpbis.message import Message
from tpbis.render._labels import label
from tpbis.render.rows import joined
from tpbis.render.safe import terminal_text

__all__ = [
    "awards_table",
    "gap_text",
    "kpi_table",
    "plan_text",
    "severity_counts",
    "what_if_message",
    "what_if_text",
]


def gap_text(gap: Gap | None, lang: str = "id", options: int = 2) -> str:
    """Plain words for how a library reaches the next colour (:func:`~tpbis.domain.kpi.gap_advice`, rendered)."""
    return gap_advice(gap, options).render(lang)


_ANSI = {Color.HIJAU: "\x1b[42;30m", Color.KUNING: "\x1b[43;30m", Color.MERAH: "\x1b[41;97m"}
_RESET = "\x1b[0m"
#: Column abbreviations of the shipped indicators, per language (others: the id's first letters).
_SHORT = {
    "id": {
        "kegiatan_pelibatan": "Keg", "peserta": "Pst", "partisipasi_perempuan": "Prp%",
        "pengembangan_kapasitas": "Kap", "advokasi_kemitraan": "Adv", "publikasi": "Pub",
        "ketepatan_pelaporan": "Tpt%",
    },
    "en": {
        "kegiatan_pelibatan": "Eng", "peserta": "Part", "partisipasi_perempuan": "Fem%",
        "pengembangan_kapasitas": "Cap", "advokasi_kemitraan": "Adv", "publikasi": "Pub",
        "ketepatan_pelaporan": "Time%",
    },
}


def _fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters with "…" in the middle when longer.

    The end of a library's name is usually what tells it apart
    ("Dinas Perpustakaan dan Kearsipan Kabupaten Bintan"), so both ends stay.

    >>> _fit("Dinas Perpustakaan dan Kearsipan Kabupaten Bintan", 30)
    'Dinas Perpust…Kabupaten Bintan'
    """
    if len(text) <= width:
        return text
    if width < 2:
        return "…"[:width]
    head = (width - 1) // 2
    tail = width - 1 - head
    return text[:head].rstrip() + "…" + text[len(text) - tail:].lstrip()


def _regency(name: str | None) -> str:
    """The kabupaten/kota as the table shows it ("Kabupaten" as the usual "Kab.")."""
    if not name:
        return "-"
    return "Kab. " + name[len("Kabupaten "):] if name.startswith("Kabupaten ") else name


def _cell(result: IndicatorResult) -> str:
    value = "-" if result.shown_value is None else str(result.shown_value)
    target = result.shown_target
    whole = target == target.to_integral() and result.indicator.measure is not Measure.FEMALE_SHARE
    return value + "/" + (str(int(target)) if whole else str(target))


#: the narrowest the library name and the kabupaten/kota may be cut to
_MIN_NAME = 12
_MIN_REGENCY = 8


def plan_text(plan: Plan, lang: str = "id") -> str:
    """The plan in plain words: its first option (or why there is none) in ``lang``."""
    return terminal_text(plan.message.render(lang))


def kpi_table(
    run: KpiRun,
    lang: str = "id",
    *,
    color: bool = True,
    width: int | None = None,
    plans: Mapping[str, Plan] | None = None,
) -> str:
    """A terminal table: id, library, kabupaten/kota, each indicator's value/target, composite and colour.

    The table fits ``width`` columns (default: the terminal's,
    :func:`shutil.get_terminal_size`). The id is never cut, so no two rows
    look alike; the name and the kabupaten/kota are cut with "…" when space
    runs out, and when even then the indicators do not fit, the table shows
    composite and colour only. With ``plans`` (by library id), the plan of
    each library below the best colour follows its row, in plain words.
    """
    if width is None:
        width = shutil.get_terminal_size().columns
    indicators = run.rubric.indicators
    abbreviations = _SHORT["en" if lang == "en" else "id"]
    short = [terminal_text(abbreviations.get(i.id, i.id[:6])) for i in indicators]
    results = run.results
    ids = [terminal_text(r.library.id) for r in results]
    names = [terminal_text(r.library.name) for r in results]
    regencies = [terminal_text(_regency(r.library.regency)) for r in results]
    head_id, head_name, head_regency = t("col.library_id", lang), t("col.library_name", lang), t("col.regency", lang)
    head_score, head_color = t("col.composite", lang), t("col.color", lang)
    cells = [[_cell(i) for i in r.indicators] for r in results]
    cell_widths = [max([len(s), *(len(row[n]) for row in cells)]) for n, s in enumerate(short)]
    words = [t(f"color.{r.color.value}", lang) for r in results]
    id_w = max([len(head_id), *map(len, ids)])
    score_w = max([len(head_score), *(len(str(r.composite)) for r in results)])
    color_w = max([len(head_color), *map(len, words)])
    name_full = max([len(head_name), *map(len, names)])
    regency_full = max([len(head_regency), *map(len, regencies)])

    def room(detail: bool) -> int:
        """Characters left for name and kabupaten/kota (their separators counted)."""
        fixed = id_w + 1 + 1 + 1 + score_w + 2 + color_w + 2  # id, two separators, score, colour, two before
        if detail:
            fixed += sum(w + 1 for w in cell_widths)
        return width - fixed

    detail = room(True) >= _MIN_NAME + _MIN_REGENCY
    space = room(detail)
    regency_w = min(regency_full, max(_MIN_REGENCY, space * 2 // 5))
    name_w = min(name_full, max(_MIN_NAME, space - regency_w))
    regency_w = min(regency_full, max(regency_w, space - name_w))
    shown_short = short if detail else []
    shown_widths = cell_widths if detail else []

    def line(id_text: str, name: str, regency: str, values: Sequence[str], score: str, colour: str,
             *, head: bool = False) -> str:
        fit = (lambda text, w: text if len(text) <= w else text[: w - 1] + "…") if head else _fit
        columns = [f"{id_text:<{id_w}}", f"{fit(name, name_w):<{name_w}}", f"{fit(regency, regency_w):<{regency_w}}"]
        columns += [f"{v:>{w}}" for v, w in zip(values, shown_widths, strict=False)]
        return " ".join(columns) + f" {score:>{score_w}}  {colour}"

    title = run.period.title.render(lang)
    lines = [terminal_text(f"{run.rubric.stamp} · {title}")]
    statuses = {p.status for p in (plans or {}).values()}
    if PlanStatus.PERIOD_ENDED in statuses:
        lines.extend(textwrap.wrap(t("plan.ended_note", lang, period=title), width=max(width, 40)))
    head = line(head_id, head_name, head_regency, shown_short, head_score, head_color, head=True)
    lines += [head, "-" * min(len(head), width)]
    wrap = textwrap.TextWrapper(width=max(width, 40), initial_indent="    → ", subsequent_indent="      ",
                                break_on_hyphens=False)
    for n, result in enumerate(results):
        word = words[n]
        if color:
            word = f"{_ANSI[result.color]} {word} {_RESET}"
        lines.append(line(ids[n], names[n], regencies[n], cells[n] if detail else [], str(result.composite), word))
        plan = None if plans is None else plans.get(result.library.id)
        if plan is not None and plan.status is not PlanStatus.TOP:
            # the period-ended note is said once, above the table
            text = plan.options[0].message if plan.status is PlanStatus.PERIOD_ENDED else plan.message
            lines.extend(wrap.wrap(terminal_text(text.render(lang))))
    lines.append("")
    if detail:
        lines.extend(
            wrap_line
            for s, i in zip(short, indicators, strict=True)
            for wrap_line in textwrap.wrap(f"{s} = {terminal_text(label(i).render(lang))}", width=max(width, 40))
        )
    else:
        lines.extend(textwrap.wrap(t("cli.score.narrow", lang), width=max(width, 40)))
    return "\n".join(lines)


def severity_counts(problems: Sequence[Problem]) -> tuple[int, int]:
    """(errors, warnings)."""
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    return errors, len(problems) - errors


def awards_table(categories: Sequence[CategoryResult], lang: str = "id", *, top: int = 5) -> str:
    """Shortlists per category and level, and why the nearest others miss out."""
    lines: list[str] = []
    for result in categories:
        lines.append(f"{label(result.category).render(lang)} — {t('col.level', lang)} {result.level}")
        shortlist = result.shortlist
        if not shortlist:
            lines.append("  " + t("awards.none", lang))
        for entry in shortlist[:top]:
            lines.append(f"  {entry.rank:>2}. {entry.library.name:<45} {entry.score!s:>6}")
        if len(shortlist) > top:
            lines.append("  " + t("awards.more", lang, count=len(shortlist) - top))
        missing = sorted((e for e in result.entries if not e.eligible), key=lambda e: (len(e.unmet), -e.score))
        for entry in missing[:2]:
            lines.append(f"   -  {entry.library.name}: {joined((u.message for u in entry.unmet), lang)}")
        lines.append("")
    return terminal_text("\n".join(lines))


def what_if_message(answer: WhatIf, rubric: Rubric) -> list[Message]:
    """The what-if answer as messages, one per line: what to add for the category."""
    award = label(answer.category)
    name = answer.library.name
    if answer.eligible_now:
        return [Message("whatif.already", library=name, award=award)]
    if answer.blocked:
        reasons = [u.message for u in answer.blocked]
        chained = reasons[-1]
        for reason in reversed(reasons[:-1]):
            chained = Message("text.list", first=reason, rest=chained)
        return [Message("whatif.blocked", library=name, award=award, reasons=chained)]

    def kind_label(kind: ActivityKind) -> Message:
        info = rubric.kind_info(kind)
        return Message.literal(info.label.split(" (", 1)[0], info.label_en.split(" (", 1)[0])

    singles = sorted(
        ((n, kind_label(k)) for k, n in answer.per_kind.items() if n is not None),
        key=lambda pair: (pair[0], pair[1].render("id")),
    )
    lines = [Message("whatif.head", library=name, award=award)]
    if answer.combined:
        items = [Message("whatif.mix_item", n=n, kind=kind_label(k)) for k, n in answer.combined.items()]
        mix = items[-1]
        for item in reversed(items[:-1]):
            mix = Message("text.comma_list", first=item, rest=mix)
        lines.append(Message("whatif.combined", mix=mix))
    lines.extend(Message.plural("whatif.single", n, kind=kind) for n, kind in singles[:3])
    if not answer.combined and not singles:
        lines.append(Message("whatif.none"))
    return lines


def what_if_text(answer: WhatIf, rubric: Rubric, lang: str = "id") -> str:
    """A consultant-friendly answer: what to add for the category (:func:`what_if_message`, rendered)."""
    first, *rest = (m.render(lang) for m in what_if_message(answer, rubric))
    return terminal_text("\n".join([first, *("  " + line for line in rest)]))
