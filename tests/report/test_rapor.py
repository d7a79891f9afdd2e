"""The provincial team's questions: regency filter, not-reported list, no codes, awards to date, rapor, file names."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tpbis.cli import main
from tpbis.domain.period import Period
from tpbis.errors import ConfigError
from tpbis.message import Message
from tpbis.render.rapor import (
    TEXT_LIMIT,
    file_names,
    index_page,
    rapor_page,
    rapor_text,
    safe_file_name,
)
from tpbis.render.report import (
    ReportData,
    display_names,
    filter_report,
    not_reported,
    previous_period,
    render_report,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kepri-2024.xlsx"

#: Every problem code tpbis knows (SPEC §3.1, review exclusions, jury contests).
CODES = (
    "library.unknown", "library.ambiguous", "date.invalid", "date.future", "date.before_program",
    "timestamp.invalid", "kind.unknown", "title.missing", "participants.invalid", "publication.missing",
    "url.invalid", "activity.duplicate", "submission.excluded", "contest.unknown", "contest.score_invalid",
    "contest.timestamp_invalid", "contest.library_unknown", "contest.url_missing",
)


class _Text(HTMLParser):
    """The text of a document (what a reader sees), and its tags' attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.extend(v or "" for k, v in attrs if k == "href")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def text_of(document: str) -> _Text:
    """The parsed text and links of ``document``."""
    parser = _Text()
    parser.feed(document)
    parser.close()
    return parser


def section(document: str, anchor: str) -> str:
    """The markup of one ``<section id=anchor>``."""
    start = document.index(f'<section id="{anchor}">')
    return document[start : document.index("</section>", start)]


class TestRegencyFilter:
    """``--regency``: one kabupaten/kota, with the province's award ranks."""

    def test_keeps_only_that_regency(self, example_data: ReportData) -> None:
        """Kota Batam's six libraries remain, matched ignoring case and spacing."""
        batam = filter_report(example_data, "  kota   BATAM ")
        assert ("Kota Batam", {"Kota Batam"}) == (batam.regency, {r.library.regency for r in batam.run.results})
        assert 6 == len(batam.run.results)

    def test_problems_and_awards_follow(self, example_data: ReportData) -> None:
        """Problems and award entries left are those of Batam's libraries only."""
        batam = filter_report(example_data, "Kota Batam")
        ids = {r.library.id for r in batam.run.results}
        assert set() == {batam.owner(p) for p in batam.problems} - ids
        assert set() == {e.library.id for c in batam.awards.categories for e in c.entries} - ids
        assert 0 < len(batam.problems) < len(example_data.problems)

    def test_unknown_regency_is_a_config_error(self, example_data: ReportData) -> None:
        """An unknown name stops with a message listing the regencies there are (exit code 2)."""
        with pytest.raises(ConfigError) as caught:
            filter_report(example_data, "Kota Atlantis")
        assert (2, True) == (caught.value.exit_code, "Kota Batam" in caught.value.message("id"))

    def test_sections_per_regency(self, example_data: ReportData) -> None:
        """The libraries section has one table per kabupaten/kota plus the provincial level, each with its roll-up."""
        document = render_report(example_data)
        libraries = section(document, "perpustakaan")
        assert 7 == libraries.count('<div class="region">')
        assert 33 == libraries.count('<tr class="lib-row"')
        assert "Kota Batam</h3><p class=\"muted\">6 perpustakaan · rata-rata 56.3" in libraries


class TestNotReported:
    """Registered libraries with no accepted activity in the period."""

    def test_example_list(self, example_data: ReportData) -> None:
        """Five libraries of the example have nothing accepted in September 2024."""
        silent = {r.library.id for r in not_reported(example_data)}
        expected = {r.library.id for r in example_data.run.results if r.activity_count == 0}
        assert (5, expected) == (len(silent), silent)

    def test_listed_on_the_page(self, example_data: ReportData) -> None:
        """Each is named under "Belum melapor", with the count line."""
        page = section(render_report(example_data), "belum-lapor")
        assert "5 dari 33 perpustakaan terdaftar belum melaporkan" in page
        names = display_names(example_data.run.results)
        assert [] == [r.library.id for r in not_reported(example_data) if names[r.library.id] not in page]


class TestNoCodes:
    """Problem codes stay in JSON; pages speak in words."""

    @pytest.mark.parametrize("lang", ["id", "en"])
    def test_report_text_has_no_code(self, example_data: ReportData, lang: str) -> None:
        """No problem code appears anywhere in the report's markup, in either language."""
        document = render_report(example_data, lang=lang, cards=True)
        assert [] == [code for code in CODES if code in document]

    def test_rapor_has_no_code(self, example_data: ReportData) -> None:
        """No problem code in any library's rapor page or text."""
        found = [
            (r.library.id, code)
            for r in example_data.run.results
            for document in (rapor_page(example_data, r.library.id), rapor_text(example_data, r.library.id))
            for code in CODES
            if code in document
        ]
        assert [] == found

    def test_the_scan_can_fail(self, example_data: ReportData) -> None:
        """The example has problems of several codes, so the scan above has something to find."""
        assert {"date.invalid", "kind.unknown", "library.unknown"} <= {p.code for p in example_data.problems}


class TestAwardsYearToDate:
    """Awards are judged over the programme year to date, even in a monthly report."""

    def test_period_is_january_to_end(self, example_data: ReportData) -> None:
        """September's report judges awards over 1 January–30 September 2024."""
        year = example_data.awards.run.period
        assert ("2024-01-01", "2024-09-30") == (year.start.isoformat(), year.end.isoformat())

    def test_statement_on_the_page(self, example_data: ReportData) -> None:
        """The page says so, in Indonesian and in English."""
        assert "Penghargaan dinilai atas tahun program 2024 s.d. 30 September." in render_report(example_data)
        assert "Awards are judged over programme year 2024 up to 30 September." in render_report(
            example_data, lang="en"
        )

    def test_digital_services_over_the_year(self, example_data: ReportData) -> None:
        """Kota Batam's library is eligible for digital services over the year (not 0 of 6 as in September)."""
        digital = next(
            c for c in example_data.awards.categories if c.category.id == "layanan_digital" and c.level == 2
        )
        assert "kota-batam" in {e.library.id for e in digital.shortlist}


class TestPreviousPeriod:
    """The period of the same length before."""

    @pytest.mark.parametrize(("key", "expected"), [
        ("2024-09", "2024-08"), ("2024-01", "2023-12"), ("2024-Q1", "2023-Q4"), ("2024-S2", "2024-S1"),
        ("2024", "2023"), ("2024-09-11..2024-09-20", "2024-09-01..2024-09-10"),
    ])
    def test_shifts(self, key: str, expected: str) -> None:
        """Months, quarters, semesters and years step back by one; ranges by their length."""
        found = previous_period(Period.parse(key))
        assert expected == (found.key if found else None)

    def test_none_before_the_programme(self) -> None:
        """Nothing before 2018."""
        assert previous_period(Period.parse("2018-01")) is None

    def test_no_earlier_data_is_said(self, example_data: ReportData) -> None:
        """A rapor for May 2021 says there is no earlier data (the example has none for April 2021)."""
        from tpbis.report import build_report_data
        from tpbis.rubrics import default_rubric
        from tpbis.sources import load_inputs

        early = build_report_data(load_inputs(EXAMPLE), default_rubric(), Period.parse("2021-05"))
        assert (None, True) == (early.previous, "tidak ada data sebelumnya" in rapor_page(early, "kepri"))
        assert "Agustus 2024" in rapor_page(example_data, "kepri")


class TestRapor:
    """One page and one text per library."""

    def test_page_content(self, example_data: ReportData) -> None:
        """Name, colour, plain indicator names, advice, rows to fix and awards are on the page."""
        text = " ".join(text_of(rapor_page(example_data, "kepri")).text)
        for wanted in ("Dinas Perpustakaan dan Kearsipan Provinsi Kepulauan Riau", "hijau", "Kegiatan pelibatan masyarakat",
                       "Langkah berikutnya", "Sudah hijau.", "Respons Formulir 1 baris 116", "Penghargaan"):
            assert wanted in text, wanted
        assert "kegiatan_pelibatan" not in text

    def test_self_contained(self, example_data: ReportData) -> None:
        """No script, no external resource, a print style sheet for A4."""
        page = rapor_page(example_data, "desa-busung")
        assert ("<script" in page, "url(" in page, "@page { size: A4" in page) == (False, False, True)

    def test_texts_are_short(self, example_data: ReportData) -> None:
        """Every library's WhatsApp text is at most 1,000 characters."""
        longest = max(len(rapor_text(example_data, r.library.id)) for r in example_data.run.results)
        assert longest <= TEXT_LIMIT

    def test_text_cut_at_a_line(self, example_data: ReportData) -> None:
        """A tight limit drops whole lines and marks the cut."""
        text = rapor_text(example_data, "kelurahan-daik", limit=200)
        assert (True, True) == (len(text) <= 200, text.endswith("\n…"))

    def test_advice_is_pluggable(self, example_data: ReportData) -> None:
        """A planner's advice replaces the default text on the page and in the text."""
        def advice(_result: object) -> Message:
            return Message.literal("Tambah 2 pelatihan.", "Add 2 trainings.")
        assert "Tambah 2 pelatihan." in rapor_page(example_data, "desa-busung", advice=advice)
        assert "Add 2 trainings." in rapor_text(example_data, "desa-busung", lang="en", advice=advice)

    def test_index_links_every_file(self, example_data: ReportData) -> None:
        """The index links each library's page by its safe file name."""
        files = file_names(r.library.id for r in example_data.run.results)
        hrefs = text_of(index_page(example_data, files)).hrefs
        assert sorted(f"{stem}.html" for stem in files.values()) == sorted(hrefs)


class TestFileNames:
    """Library ids as file names: safe and distinct."""

    @pytest.mark.parametrize(("library_id", "expected"), [
        ("desa-01", "desa-01"), ("../x", "x"), ("a/b", "a_b"), ("a\x00b", "a_b"), ("..", "perpustakaan"),
        (".hidden", "hidden"), ("CON", "_CON"), ("nul.txt", "_nul.txt"), ("Perpus Ñ", "Perpus_N"),
        ("a..b", "a.b"), ("/etc/passwd", "etc_passwd"),
    ])
    def test_safe(self, library_id: str, expected: str) -> None:
        """No separator, parent step, NUL, leading dot or device name survives."""
        assert expected == safe_file_name(library_id)

    def test_unique_ignoring_case(self) -> None:
        """Ids that map to the same name (or differ only by case, or are 'index') get numbered."""
        found = file_names(["a/b", "a_b", "A_B", "index", "x"])
        assert {"a/b": "a_b", "a_b": "a_b-2", "A_B": "A_B-3", "index": "index-2", "x": "x"} == found


class TestRaporCommand:
    """``tpbis rapor``."""

    @pytest.fixture(autouse=True)
    def _no_config(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """Run in an empty folder so no tpbis.toml is picked up."""
        monkeypatch.chdir(tmp_path)

    def test_regency(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """--regency writes the index plus one page and one text per library of the regency."""
        out = tmp_path / "rapor"
        assert 0 == main(["rapor", str(EXAMPLE), "--period", "2024-09", "-o", str(out), "--regency", "Kota Batam"])
        assert f"6 rapor ditulis ke {out}\n" == capsys.readouterr().out
        assert (13, True) == (len(list(out.iterdir())), (out / "kota-batam.txt").is_file())

    def test_one_library(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """--library writes that library's rapor only."""
        assert 0 == main(["--lang", "en", "rapor", str(EXAMPLE), "--period", "2024-09", "-o", "r", "--library", "kepri"])
        assert "1 report card written to r\n" == capsys.readouterr().out
        assert ["index.html", "kepri.html", "kepri.txt"] == sorted(p.name for p in (tmp_path / "r").iterdir())

    def test_unknown_library_exits_2(self, capsys: pytest.CaptureFixture[str]) -> None:
        """An unregistered id is one message and exit code 2."""
        assert 2 == main(["rapor", str(EXAMPLE), "--period", "2024-09", "-o", "r", "--library", "../x"])
        assert "'../x' tidak terdaftar" in capsys.readouterr().err

    def test_report_regency(self, tmp_path: Path) -> None:
        """``tpbis report --regency`` limits the report to that kabupaten/kota."""
        assert 0 == main(["report", str(EXAMPLE), "--period", "2024-09", "-o", "b.html", "--regency", "kota batam"])
        document = (tmp_path / "b.html").read_text(encoding="utf-8")
        assert re.search(r"<h1>Laporan KPI TPBIS — September 2024 · Kota Batam</h1>", document)
        assert "Kabupaten Bintan</h3>" not in document


class TestProblemsPerLibrary:
    """The report lists the top problems of each library; the full list stays in the tab, JSON and CSV."""

    def test_many_problems_are_capped_with_a_note(self) -> None:
        """A library with 500 problems shows PROBLEMS_PER_LIBRARY rows, errors first, and says how many more."""
        from tpbis.domain.kpi import score
        from tpbis.domain.period import Period
        from tpbis.domain.problems import Problem, Severity
        from tpbis.message import Message
        from tpbis.render.html import PROBLEMS_PER_LIBRARY, _problems
        from tpbis.rubrics import default_rubric
        from tpbis.testing import make_library, make_registry

        registry = make_registry([make_library("desa-a", name="Perpustakaan Desa A")])
        run = score([], registry, default_rubric(), Period.parse("2024-09"))
        problems = [
            Problem(row=n, column="Judul", code="title.missing" if n % 2 else "url.invalid",
                    severity=Severity.ERROR if n % 2 else Severity.WARNING, value="",
                    message=Message("problem.title.missing"), tab="Respons")
            for n in range(2, 502)
        ]
        html = _problems(problems, {("Respons", p.row): "desa-a" for p in problems}, run, {}, "id")
        shown = html.count('<tr class="err">') + html.count('<tr class="warn">')
        assert (PROBLEMS_PER_LIBRARY, PROBLEMS_PER_LIBRARY, True) == (
            shown, html.count('<tr class="err">'), "… dan 480 masalah lain" in html
        )
