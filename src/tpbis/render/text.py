"""Text for the terminal: the KPI table, award shortlists, gap advice and the what-if answer.

Text that comes from the data (library names, rubric labels) goes through
:func:`~tpbis.render.safe.terminal_text`, so nothing a form respondent typed
can move the cursor, retitle the window or clear the screen.
"""

from __future__ import annotations

from collections.abc import Sequence

from tpbis.domain.activity import ActivityKind
from tpbis.domain.awards import CategoryResult, WhatIf
from tpbis.domain.kpi import Gap, KpiRun, gap_advice
from tpbis.domain.problems import Problem, Severity
from tpbis.domain.rubric import Color, Measure, Rubric
from tpbis.i18n import t
from tpbis.message import Message
from tpbis.render._labels import label
from tpbis.render.rows import joined
from tpbis.render.safe import terminal_text

__all__ = ["awards_table", "gap_text", "kpi_table", "severity_counts", "what_if_message", "what_if_text"]


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


def kpi_table(run: KpiRun, lang: str = "id", *, color: bool = True, width: int = 34) -> str:
    """A readable terminal table: each indicator's value/target, then composite and colour."""
    indicators = run.rubric.indicators
    abbreviations = _SHORT["en" if lang == "en" else "id"]
    short = [terminal_text(abbreviations.get(i.id, i.id[:6])) for i in indicators]
    title = run.period.title.render(lang)
    lines = [terminal_text(f"{run.rubric.stamp} · {title}")]
    head = f"{t('col.library_name', lang)[:width]:<{width}} " + " ".join(f"{s:>11}" for s in short)
    head += f" {t('col.composite', lang):>6}  {t('col.color', lang)}"
    lines += [head, "-" * len(head)]
    for result in run.results:
        cells = []
        for r in result.indicators:
            value = "-" if r.shown_value is None else str(r.shown_value)
            target = r.shown_target
            whole = target == target.to_integral() and r.indicator.measure is not Measure.FEMALE_SHARE
            target_text = str(int(target)) if whole else str(target)
            cells.append(f"{value + '/' + target_text:>11}")
        name = terminal_text(result.library.name)
        name = name if len(name) <= width else name[: width - 1] + "…"
        colour_word = t(f"color.{result.color.value}", lang)
        if color:
            colour_word = f"{_ANSI[result.color]} {colour_word} {_RESET}"
        lines.append(f"{name:<{width}} " + " ".join(cells) + f" {result.composite!s:>6}  {colour_word}")
    legend = ", ".join(
        f"{s}={terminal_text(i.label_en if lang == 'en' else i.label)}" for s, i in zip(short, indicators, strict=True)
    )
    lines.append("")
    lines.append(legend)
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
