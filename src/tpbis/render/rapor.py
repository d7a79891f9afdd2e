"""A *rapor* per library: one phone-sized page (printable on one A4 sheet) and a short text for WhatsApp.

Each rapor shows the library's colour and score, every indicator against its
target in plain words, the change since the previous period of the same
length, what to do next, the rows of its data to fix, and where it stands for
each award over the programme year to date. :func:`index_page` links them.

Pure: values in, text out. The ``tpbis rapor`` command writes the files, named
by :func:`file_names` (safe on every file system, unique, never a path).

>>> import tpbis
>>> from tpbis.report import build_report_data
>>> from tpbis.render.rapor import rapor_page, rapor_text
>>> data = build_report_data(tpbis.load_inputs("examples/kepri-2024.xlsx"),
...                          tpbis.default_rubric(), tpbis.Period.parse("2024-09"))  # doctest: +SKIP
>>> html = rapor_page(data, "kepri")  # doctest: +SKIP
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from html import escape

from tpbis.domain.awards import AwardEntry
from tpbis.domain.kpi import IndicatorResult, LibraryResult
from tpbis.domain.period import month_name
from tpbis.domain.problems import Problem
from tpbis.i18n import t
from tpbis.message import Message, language
from tpbis.render._labels import label
from tpbis.render.html import colored_css, number_text, problem_table
from tpbis.render.report import Advice, ReportData, default_advice, display_names
from tpbis.render.rows import joined

__all__ = ["TEXT_LIMIT", "file_names", "index_page", "rapor_page", "rapor_text", "safe_file_name"]

#: The most characters :func:`rapor_text` writes: a WhatsApp message read without scrolling far.
TEXT_LIMIT = 1000

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
#: Names Windows keeps for devices, whatever the extension.
_RESERVED = frozenset(
    ["con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))]
)
_MAX_NAME = 80


def safe_file_name(library_id: str) -> str:
    """``library_id`` as a file name stem: ASCII letters, digits, ``.``, ``_`` and ``-`` only,
    never starting with a dot, never a device name, never empty; no ``/``, ``..`` or NUL survives.

    >>> safe_file_name("../etc/passwd")
    'etc_passwd'
    >>> safe_file_name("desa-01")
    'desa-01'
    """
    text = unicodedata.normalize("NFKD", library_id).encode("ascii", "ignore").decode("ascii")
    text = _UNSAFE.sub("_", text)
    text = re.sub(r"\.{2,}", ".", text).strip("._-")[:_MAX_NAME].strip("._-")
    if not text:
        return "perpustakaan"
    if text.split(".", 1)[0].casefold() in _RESERVED:
        return f"_{text}"
    return text


def file_names(library_ids: Iterable[str]) -> dict[str, str]:
    """A distinct, safe file name stem per library id (:func:`safe_file_name`).

    Stems are distinct ignoring case too (Windows and macOS folders do not tell
    ``A`` from ``a``) and never ``index`` (the index page); later ids that would
    clash get ``-2``, ``-3``, …
    """
    taken = {"index"}
    names: dict[str, str] = {}
    for library_id in library_ids:
        if library_id in names:
            continue
        stem = safe_file_name(library_id)
        candidate, number = stem, 1
        while candidate.casefold() in taken:
            number += 1
            candidate = f"{stem}-{number}"
        taken.add(candidate.casefold())
        names[library_id] = candidate
    return names


_CSS = """
:root { --ink: #1a1a1a; --muted: #5a6270; --line: #d0d4da; --tint: #f4f6f8; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%%; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
.wrap { max-width: 720px; margin: 0 auto; padding: 12px 14px 24px; }
h1 { font-size: 1.05rem; margin: 0; color: var(--muted); font-weight: 600; }
h2 { font-size: 1.3rem; margin: 2px 0 2px; line-height: 1.2; overflow-wrap: anywhere; }
h3 { font-size: 1rem; margin: 14px 0 4px; padding-bottom: 2px; border-bottom: 1px solid var(--line); }
p { margin: 3px 0 6px; }
.muted { color: var(--muted); font-size: .88rem; }
.hero { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 12px; margin: 8px 0 4px; padding: 8px 10px;
  border-radius: 8px; }
.hero b { font-size: 1.6rem; line-height: 1; }
.c-hijau { background: %(hijau)s; color: %(ink_hijau)s; } .c-kuning { background: %(kuning)s; color: %(ink_kuning)s; }
.c-merah { background: %(merah)s; color: %(ink_merah)s; }
.word { text-transform: uppercase; font-weight: 700; letter-spacing: .04em; }
table { border-collapse: collapse; width: 100%%; font-size: .86rem; }
th, td { text-align: left; padding: 3px 5px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--tint); font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.cell-wrap { overflow-wrap: anywhere; }
td.name { overflow-wrap: break-word; hyphens: auto; }
ul.awards { margin: 2px 0; padding-left: 1.1em; font-size: .9rem; }
footer { margin-top: 14px; font-size: .75rem; color: var(--muted); border-top: 1px solid var(--line); padding-top: 4px; }
a { color: #1f4f86; }
ul.index { list-style: none; padding: 0; margin: 4px 0; }
ul.index li { display: flex; justify-content: space-between; gap: 8px; padding: 4px 0;
  border-bottom: 1px solid var(--tint); }
.badge { border-radius: 999px; padding: 0 8px; font-size: .8rem; font-weight: 600; white-space: nowrap; }
@media (max-width: 480px) {
  table.stack thead { display: none; }
  table.stack tr { display: block; border: 1px solid var(--line); border-radius: 6px; margin-bottom: 6px;
    padding: 3px 5px; }
  table.stack td { display: block; border: 0; padding: 1px 0; }
  table.stack td::before { content: attr(data-label) ": "; font-weight: 600; color: var(--muted); }
}
@media print {
  @page { size: A4; margin: 10mm 12mm; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { font-size: 9pt; line-height: 1.3; }
  .wrap { max-width: none; padding: 0; }
  h3 { margin-top: 8px; }
  table { font-size: 8pt; }
  a { color: inherit; text-decoration: none; }
}
"""


def _css() -> str:
    return colored_css(_CSS)


def _document(title: str, body: str, lang: str, version: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{language(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="tpbis {escape(version)}">\n'
        f"<title>{escape(title)}</title>\n<style>{_css()}</style>\n</head>\n<body>\n"
        f'<div class="wrap">{body}</div>\n</body>\n</html>\n'
    )


def _version() -> str:
    from tpbis._version import __version__  # late: package metadata is slow to load

    return __version__


def _change(result: LibraryResult, before: LibraryResult | None, data: ReportData) -> Message:
    """The composite's change since the previous period, in words."""
    if before is None or data.previous is None:
        return Message("rapor.change.none")
    delta = result.composite - before.composite
    period = data.previous.period.title
    key = "rapor.change.up" if delta > 0 else "rapor.change.down" if delta < 0 else "rapor.change.same"
    return Message(key, delta=number_text(abs(delta)), period=period, before=number_text(before.composite))


def _previous(data: ReportData, library_id: str) -> LibraryResult | None:
    if data.previous is None:
        return None
    return next((r for r in data.previous.results if r.library.id == library_id), None)


def _entries(data: ReportData, library_id: str) -> list[tuple[str, AwardEntry, int]]:
    """(category label id, entry, number eligible) of each award category open to the library."""
    found = []
    for category in data.awards.categories:
        for entry in category.entries:
            if entry.library.id == library_id:
                found.append((category.category.id, entry, len(category.shortlist)))
    return found


def _award_lines(data: ReportData, library_id: str, lang: str, *, brief: bool = False) -> list[str]:
    """One line per award category and contest entry: rank, or what is still missing (``brief``: the
    first missing criterion only)."""
    labels = {c.category.id: label(c.category).render(lang) for c in data.awards.categories}
    lines = []
    for category_id, entry, eligible in _entries(data, library_id):
        if entry.eligible and entry.rank is not None:
            standing = t("rapor.award.rank", lang, rank=entry.rank, total=eligible)
        else:
            unmet = entry.unmet[:1] if brief else entry.unmet
            standing = t("rapor.award.unmet", lang, reasons=joined((u.message for u in unmet), lang))
        lines.append(f"{labels[category_id]}: {standing}")
    for contest in data.awards.contests:
        for standing_ in contest.standings:
            if standing_.entry.library_id != library_id:
                continue
            if standing_.eligible and standing_.rank is not None:
                text = t("rapor.contest.rank", lang, title=standing_.entry.title, rank=standing_.rank)
            else:
                text = t("rapor.contest.out", lang, title=standing_.entry.title)
            lines.append(f"{label(contest.contest).render(lang)}: {text}")
    return lines


def _awards_note(data: ReportData) -> Message:
    end = data.awards.run.period.end
    return Message(
        "report.awards.ytd", year=end.year, end=Message("period.day_month", day=end.day, month=month_name(end.month))
    )


def _own_problems(data: ReportData, library_id: str) -> list[Problem]:
    return [p for p in data.problems if data.owner(p) == library_id]


def _indicator_rows(
    result: LibraryResult, before: LibraryResult | None, lang: str
) -> str:
    columns = [
        t("rapor.col.indicator", lang), t("rapor.col.value", lang), t("rapor.col.target", lang),
        t("rapor.col.score", lang), t("rapor.col.before", lang),
    ]
    head = "".join(f'<th class="{"num" if i else ""}">{escape(c)}</th>' for i, c in enumerate(columns))
    rows = []
    for item in result.indicators:
        earlier: IndicatorResult | None = None
        if before is not None:
            earlier = next((x for x in before.indicators if x.id == item.id), None)
        cells = [
            label(item.indicator).render(lang), number_text(item.shown_value), number_text(item.shown_target),
            number_text(item.shown_score), "–" if earlier is None else number_text(earlier.shown_value),
        ]
        tds = "".join(
            f'<td data-label="{escape(c)}" class="{"num" if i else "name"}">{escape(v)}</td>'
            for i, (c, v) in enumerate(zip(columns, cells, strict=True))
        )
        rows.append(f"<tr>{tds}</tr>")
    return f'<table class="ind"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _meta(result: LibraryResult) -> str:
    library = result.library
    return " · ".join(x for x in (library.kind.value, library.village, library.regency, library.id) if x)


#: Problems shown on a rapor page: more would not fit one sheet (the report lists them all).
_MAX_PROBLEMS = 8


def _problems_part(problems: Sequence[Problem], lang: str) -> str:
    if not problems:
        return f"<p>{escape(t('rapor.problems.none', lang))}</p>"
    shown = sorted(problems, key=lambda p: (p.tab, p.row, p.column))[:_MAX_PROBLEMS]
    more = len(problems) - len(shown)
    tail = f'<p class="muted">{escape(t("awards.more", lang, count=more))}</p>' if more else ""
    return problem_table(shown, lang) + tail


def rapor_page(
    data: ReportData, library_id: str, *, lang: str = "id", advice: Advice = default_advice
) -> str:
    """The rapor of one library as a self-contained HTML document (no script, prints on one A4 page).

    Raises:
        KeyError: ``library_id`` is not in ``data``.
    """
    result = data.run.result(library_id)
    library = result.library
    before = _previous(data, library_id)
    word = t(f"color.{result.color.value}", lang)
    title = t("rapor.title", lang, period=data.run.period.title)
    advised = advice(result)
    problems = _own_problems(data, library_id)
    awards = _award_lines(data, library_id, lang)
    parts = [
        f"<header><h1>{escape(title)}</h1><h2>{escape(library.name)}</h2>"
        f'<p class="muted">{escape(_meta(result))}</p></header>',
        f'<div class="hero c-{result.color.value}"><span class="word">{escape(word)}</span>'
        f"<b>{number_text(result.composite)}</b><span>{escape(t('rapor.score', lang, score=number_text(result.composite)))}</span>"
        "</div>",
        f'<p class="change">{escape(_change(result, before, data).render(lang))} '
        f"{escape(Message.plural('report.activities', result.activity_count).render(lang))}.</p>",
        f"<h3>{escape(t('rapor.section.indicators', lang))}</h3>",
        _indicator_rows(result, before, lang),
        f"<h3>{escape(t('rapor.section.advice', lang))}</h3>",
        f'<p class="advice">{escape(advised.render(lang) if advised is not None else "–")}</p>',
        f"<h3>{escape(t('rapor.section.problems', lang))}</h3>",
        _problems_part(problems, lang),
        f"<h3>{escape(t('rapor.section.awards', lang))}</h3>",
        f'<p class="muted ytd">{escape(_awards_note(data).render(lang))}</p>',
    ]
    if awards:
        parts.append(f'<ul class="awards">{"".join(f"<li>{escape(line)}</li>" for line in awards)}</ul>')
    else:
        parts.append(f"<p>{escape(t('rapor.award.none', lang))}</p>")
    footer = t(
        "report.footer", lang, version=_version(), rubric=data.run.rubric.ref,
        start=data.run.period.start.isoformat(), end=data.run.period.end.isoformat(),
    )
    parts.append(f"<footer>{escape(footer)}</footer>")
    return _document(f"{library.name} — {title}", "".join(parts), lang, _version())


def _rows_list(problems: Sequence[Problem]) -> str:
    rows = sorted({p.row for p in problems})
    shown = ", ".join(str(r) for r in rows[:12])
    return shown + (", …" if len(rows) > 12 else "")


def rapor_text(
    data: ReportData, library_id: str, *, lang: str = "id", advice: Advice = default_advice,
    limit: int = TEXT_LIMIT,
) -> str:
    """The rapor as a short plain text for a WhatsApp message (at most ``limit`` characters).

    Raises:
        KeyError: ``library_id`` is not in ``data``.
    """
    result = data.run.result(library_id)
    library = result.library
    before = _previous(data, library_id)
    word = t(f"color.{result.color.value}", lang).upper()
    lines = [
        f"*{t('rapor.title', lang, period=data.run.period.title)}*",
        f"{library.name} ({', '.join(x for x in (library.regency, library.id) if x)})",
        f"*{word}* · {t('rapor.score', lang, score=number_text(result.composite))}",
        _change(result, before, data).render(lang),
    ]
    lines.extend(
        f"- {label(i.indicator).render(lang)}: {number_text(i.shown_value)}/{number_text(i.shown_target)}"
        for i in result.indicators
    )
    advised = advice(result)
    if advised is not None:
        lines.append(t("rapor.text.advice", lang, advice=advised))
    problems = _own_problems(data, library_id)
    if problems:
        lines.append(t("rapor.text.problems", lang, rows=_rows_list(problems)))
    else:
        lines.append(t("rapor.text.no_problems", lang))
    end = data.awards.run.period.end
    awards = _award_lines(data, library_id, lang, brief=True)
    if awards:
        lines.append(t("rapor.text.awards", lang, end=Message("period.day_month", day=end.day,
                                                             month=month_name(end.month))))
        lines.extend(f"- {line}" for line in awards)
    return _fit(lines, limit)


def _fit(lines: list[str], limit: int) -> str:
    """``lines`` joined, dropping whole lines from the end (then cutting the last) to stay within ``limit``."""
    text = "\n".join(lines)
    while len(text) > limit and len(lines) > 1:
        lines = lines[:-1]
        text = "\n".join([*lines, "…"])
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def index_page(
    data: ReportData, files: Mapping[str, str], *, lang: str = "id", library_ids: Iterable[str] | None = None
) -> str:
    """A page linking each library's rapor (``files``: library id → file stem), grouped by kabupaten/kota."""
    wanted = set(library_ids) if library_ids is not None else None
    results = [r for r in data.run.results if wanted is None or r.library.id in wanted]
    names = display_names(data.run.results)
    title = t("rapor.index.title", lang, period=data.run.period.title)
    if data.regency:
        title = f"{title} · {data.regency}"
    groups: dict[str, list[LibraryResult]] = {}
    provincial = t("report.provincial_level", lang)
    for result in results:
        groups.setdefault(result.library.regency or provincial, []).append(result)
    parts = [f"<header><h2>{escape(title)}</h2><p class=\"muted\">{escape(t('rapor.index.note', lang))}</p></header>"]
    for region, members in groups.items():
        items = "".join(
            f'<li><a href="{escape(files[r.library.id])}.html">{escape(names[r.library.id])}</a>'
            f'<span><span class="badge c-{r.color.value}">{escape(t(f"color.{r.color.value}", lang))}</span> '
            f"{number_text(r.composite)}</span></li>"
            for r in members
        )
        parts.append(f'<h3>{escape(region)}</h3><ul class="index">{items}</ul>')
    return _document(title, "".join(parts), lang, _version())
