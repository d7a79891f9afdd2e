"""The HTML report: every region and library shown, charts that match the numbers, escaping, languages."""

from __future__ import annotations

import re
from collections import Counter
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pendulum
import pytest

from tpbis.domain.period import Period
from tpbis.domain.problems import Severity
from tpbis.domain.rubric import Color
from tpbis.parsing.mapping import Field
from tpbis.render.html import problem_kind
from tpbis.report import ReportData, build_report_data, render_report, trend_periods
from tpbis.rubrics import default_rubric
from tpbis.service import Inputs
from tpbis.testing.builders import make_library, make_registry, responses_table

F = Field


class _Tags(HTMLParser):
    """Collects start tags and the text of the document."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: Counter[str] = Counter()
        self.attrs: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        self.attrs.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(document: str) -> _Tags:
    """The document's tags, attributes and text."""
    parser = _Tags()
    parser.feed(document)
    parser.close()
    return parser


def section(document: str, anchor: str) -> str:
    """The markup of one ``<section id=anchor>``."""
    start = document.index(f'<section id="{anchor}">')
    return document[start : document.index("</section>", start)]


@pytest.fixture(scope="module")
def report_id(example_data: ReportData) -> str:
    """The example report in Indonesian."""
    return render_report(example_data)


@pytest.fixture(scope="module")
def report_cards(example_data: ReportData) -> str:
    """The example report in Indonesian with a card per library (``--cards``)."""
    return render_report(example_data, cards=True)


@pytest.fixture(scope="module")
def report_en(example_data: ReportData) -> str:
    """The example report in English."""
    return render_report(example_data, lang="en")


class TestRegions:
    """Colours per kabupaten/kota."""

    def test_every_regency_appears_in_the_overview(self, example_data: ReportData, report_id: str) -> None:
        """Each kabupaten/kota of the registry has a row in the overview chart."""
        regencies = {r.library.regency for r in example_data.run.results if r.library.regency}
        overview = section(report_id, "wilayah")
        assert 6 == len(regencies)
        assert set() == {r for r in regencies if f">{escape(r)}</text>" not in overview}

    def test_one_segment_per_colour_present(self, example_data: ReportData, report_id: str) -> None:
        """Each region row has one bar segment per colour it has, and the counts add up."""
        overview = section(report_id, "wilayah")
        rollups = example_data.run.rollups()
        for color in Color:
            expected = sum(1 for r in rollups if r.colors[color])
            assert expected == overview.count(f'data-color="{color.value}"'), color

    def test_colour_tiles_show_the_counts(self, report_id: str) -> None:
        """The tiles at the top say 13 hijau, 9 kuning, 11 merah (examples/README.md)."""
        tiles = re.findall(r'class="tile tile-(\w+)"><b>(\d+)</b><span>(\w+)</span>', report_id)
        assert [("hijau", "13", "hijau"), ("kuning", "9", "kuning"), ("merah", "11", "merah")] == tiles


class TestDistribution:
    """The histogram of composites."""

    def test_every_library_is_counted_once(self, example_data: ReportData, report_id: str) -> None:
        """The histogram segments' counts add up to the number of libraries, per colour."""
        histogram = section(report_id, "sebaran")
        found: Counter[str] = Counter()
        for count, word in re.findall(r"<title>[\d.]+–[\d.]+: (\d+) (\w+)</title>", histogram):
            found[word] += int(count)
        expected = Counter(r.color.value for r in example_data.run.results)
        assert expected == found

    def test_band_lines_at_50_and_80(self, report_id: str) -> None:
        """Two dashed band lines, labelled in words."""
        histogram = section(report_id, "sebaran")
        assert 2 == histogram.count('class="band-line"')
        assert "hijau ≥ 80" in histogram
        assert "kuning ≥ 50" in histogram


class TestTrend:
    """Months from January to the period end."""

    def test_one_column_per_month(self, example_data: ReportData, report_id: str) -> None:
        """September 2024 shows January…September."""
        trend = section(report_id, "tren")
        assert 9 == len(example_data.trend)
        for month in ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep"):
            assert f">{month}</text>" in trend, month

    def test_months_count_every_library(self, example_data: ReportData) -> None:
        """Each month's run scores every registered library."""
        assert {33} == {len(run.results) for run in example_data.trend}

    def test_partial_last_month(self) -> None:
        """A range ending mid-month ends the trend with a partial month."""
        months = trend_periods(Period.parse("2024-02-10..2024-03-15"))
        assert ["2024-01", "2024-02", "2024-03-01..2024-03-15"] == [p.key for p in months]
        assert pendulum.Date(2024, 3, 15) == months[-1].end


class TestLibraries:
    """Each library's indicators against target."""

    def test_every_library_has_a_card_with_every_indicator(
        self, example_data: ReportData, report_cards: str
    ) -> None:
        """With cards: one card per library, seven indicator rows each."""
        libraries = section(report_cards, "perpustakaan")
        cards = libraries.split('<article class="card lib')[1:]
        shown = [re.search(r'id="lib-([^"]+)"', card)[1] for card in cards]  # type: ignore[index]
        assert sorted(r.library.id for r in example_data.run.results) == sorted(shown)
        assert {7} == {card.count('<li><span class="ih">') for card in cards}

    def test_value_and_target_shown(self, report_cards: str) -> None:
        """The provincial library's engagement is 12 of a target of 8 (examples, September)."""
        card = report_cards[report_cards.index('id="lib-kepri"') :]
        assert "12 / 8</span>" in card[: card.index("</article>")]


class TestAwards:
    """Shortlists per category and level."""

    def test_plm_shortlist(self, report_id: str) -> None:
        """Over January–September the PLM invitation lists 8 eligible level-3 libraries, Teluk Bakau first."""
        awards = section(report_id, "penghargaan")
        plm = awards[awards.index("Undangan PLM Nasional") :]
        assert "8 dari 26 memenuhi syarat" in plm[:400]
        first = re.search(r'<ol class="rank"><li><span class="score">([\d.]+)</span>([^<]+)</li>', plm)
        assert ("100", "Perpustakaan Desa Teluk Bakau") == (first[1], first[2])  # type: ignore[index]

    def test_every_category_and_level(self, example_data: ReportData, report_id: str) -> None:
        """One card per category × level, and one per jury contest."""
        awards = section(report_id, "penghargaan")
        expected = len(example_data.awards.categories) + len(example_data.awards.contests)
        assert expected == awards.count('<div class="card award">')


class TestProblems:
    """The data problems with the rows to fix."""

    def test_one_table_row_per_problem(self, example_data: ReportData, report_id: str) -> None:
        """Every problem (63 of the responses tab, plus any of the contest tab) is one table row."""
        problems = section(report_id, "masalah")
        every = example_data.awards.problems
        errors = sum(1 for p in every if p.severity is Severity.ERROR)
        assert 63 == sum(1 for p in every if p.tab == "Respons Formulir 1")
        assert (errors, len(every) - errors) == (problems.count('<tr class="err">'), problems.count('<tr class="warn">'))
        assert f"{errors} galat" in problems

    def test_counts_per_kind(self, example_data: ReportData, report_id: str) -> None:
        """The bar chart counts match the problems per kind, named in words."""
        problems = section(report_id, "masalah")
        chart = problems[: problems.index("</svg>")]
        shown = dict(re.findall(r">([^<>]+) \([a-z]+\)</text>.*?font-weight=\"bold\" fill=\"#1a1a1a\">(\d+)<", chart, re.S))
        expected = Counter(problem_kind(p, "id") for p in example_data.awards.problems)
        assert {kind: str(n) for kind, n in expected.items()} == shown

    def test_no_problems(self) -> None:
        """A clean sheet says so instead of an empty table."""
        document = render_report(hostile_data(rows=[]))
        assert "Tidak ada masalah data." in section(document, "masalah")
        assert "<table" not in section(document, "masalah")


def hostile_data(rows: list[dict[Field, object]] | None = None) -> ReportData:
    """Libraries, regions and rows whose text tries to inject markup or formulas."""
    registry = make_registry([
        make_library("desa-a", name='<script>alert("nama")</script> & Co', regency="Kabupaten <b>Bintan</b>",
                     village="<i>Busung</i>"),
        make_library("desa-b", name='=HYPERLINK("http://evil.example","klik")', regency="Kota Batam"),
    ])
    base = {
        F.REPORTED_AT: "21/09/2024 14:05:33", F.LIBRARY: "desa-a", F.DATE: "20/09/2024",
        F.TITLE: "<img src=x onerror=alert(1)>", F.KIND: "Pelatihan keterampilan",
        F.PARTICIPANTS_MALE: "5", F.PARTICIPANTS_FEMALE: "12",
    }
    if rows is None:
        rows = [
            base,
            base,  # a duplicate: its title lands in the problems table
            {**base, F.LIBRARY: "<script>evil()</script>"},
            {**base, F.LIBRARY: "desa-b", F.PARTICIPANTS_MALE: '=HYPERLINK("http://evil.example")'},
        ]
    inputs = Inputs(responses=responses_table(rows), registry=registry)
    return build_report_data(inputs, default_rubric(), Period.parse("2024-09"))


class TestEscaping:
    """Data text is shown as text, never as markup."""

    def test_no_injected_tags(self) -> None:
        """Library names, regions, titles and cell values make no script, img, b or i element."""
        document = render_report(hostile_data())
        tags = parse(document).tags
        assert (0, 0, 0) == (tags["script"], tags["img"], tags["i"])
        assert "<b>Bintan" not in document

    def test_text_survives_escaped(self) -> None:
        """The hostile strings appear, as text, where they belong."""
        document = render_report(hostile_data())
        text = "".join(parse(document).text)
        for hostile in ('<script>alert("nama")</script> & Co', "Kabupaten <b>Bintan</b>",
                        "<img src=x onerror=alert(1)>", "<script>evil()</script>",
                        '=HYPERLINK("http://evil.example","klik")'):
            assert hostile in text, hostile
        assert escape('<script>alert("nama")</script> & Co') in document

    def test_formula_is_not_a_link(self) -> None:
        """A library named like a spreadsheet formula yields no link to its URL."""
        links = [a for tag, a in parse(render_report(hostile_data())).attrs if tag == "a"]
        assert [] == [a for a in links if "evil" in (a.get("href") or "")]


class TestLanguage:
    """Indonesian by default, English on request."""

    def test_indonesian_default(self, report_id: str) -> None:
        """Title, html lang and section names in Indonesian."""
        assert '<html lang="id">' in report_id
        assert "<title>Laporan KPI TPBIS — September 2024</title>" in report_id
        assert "Daftar pendek penghargaan" in report_id

    def test_english(self, report_en: str) -> None:
        """Title, colours, sections and problem messages in English; no Indonesian headings left."""
        assert '<html lang="en">' in report_en
        assert "<title>TPBIS KPI report — September 2024</title>" in report_en
        for english in ("Award shortlists", "Data problems", "green ≥ 80", "yellow ≥ 50", "red &lt; 50",
                        "Rows to fix", ">Sep</text>", "Level 3 (village, urban village, TBM)"):
            assert english in report_en, english
        for indonesian in ("Daftar pendek penghargaan", "Masalah data", "hijau ≥ 80", "memenuhi syarat",
                           "Tanggal kegiatan", ">Agu</text>"):
            assert indonesian not in report_en, indonesian


class TestSelfContained:
    """Viewable offline, on a phone and on paper."""

    def test_fetches_nothing(self, report_id: str) -> None:
        """No script, stylesheet link, image, iframe or CSS url(); links are in-page anchors only."""
        found = parse(report_id)
        assert (0, 0, 0, 0) == (found.tags["script"], found.tags["link"], found.tags["img"], found.tags["iframe"])
        assert "url(" not in report_id
        assert "@import" not in report_id
        assert {"#"} == {a["href"][:1] for tag, a in found.attrs if tag == "a" and a.get("href")}  # type: ignore[index]

    def test_responsive_and_printable(self, report_id: str) -> None:
        """Viewport meta, print styles, and every chart scales through its viewBox."""
        found = parse(report_id)
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in report_id
        assert "@media print" in report_id
        charts = [a for tag, a in found.attrs if tag == "svg" and "chart" in (a.get("class") or "")]
        assert 5 == len(charts)
        assert all(a.get("viewbox", "").startswith("0 0 ") for a in charts)
        assert not any("width" in a for a in charts)


def test_problems_of_every_source_are_attributed(tmp_path: Path) -> None:
    """A run over two SOURCEs: the bad rows of the second one are listed under the library they name (the
    owners are keyed by SOURCE, tab and row; before, only the first SOURCE's rows were attributed)."""
    from tpbis.sources import open_sources

    root = Path(__file__).resolve().parents[2]
    extra = tmp_path / "tambahan.csv"
    header = (root / "examples" / "kepri-2024-responses.csv").read_text(encoding="utf-8").splitlines()[0]
    extra.write_text(header + "\n" + "\n".join(
        f"0{d}/09/2024 10:00:00,x@example.com,Perpustakaan Desa Busung,0{d}/09/2024,Kegiatan {d},"
        f"Pelatihan keterampilan,banyak,5,,," for d in range(1, 4)) + "\n", encoding="utf-8")
    opened = open_sources([root / "examples" / "kepri-2024.xlsx", extra])
    data = build_report_data(opened.inputs, default_rubric(), Period.parse("2024-09"))
    mine = [p for p in data.problems if p.source == str(extra)]
    assert (3, {"desa-busung"}) == (len(mine), {data.owner(p) for p in mine})
    assert any(data.owner(p) is not None for p in data.problems if p.source != str(extra))
