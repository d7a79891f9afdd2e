"""The fast path of parse_responses gives exactly what the general row reader gives."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tpbis.parsing.rows as rows_module
from tpbis.domain.kpi import SelfTallying, score, tally
from tpbis.domain.period import Period
from tpbis.parsing._columns import Activities
from tpbis.parsing._fast import normalize_titles
from tpbis.parsing.mapping import Field
from tpbis.parsing.rows import ParseResult, parse_responses
from tpbis.parsing.table import Cell, Table
from tpbis.parsing.values import normalize_text
from tpbis.rubrics import default_rubric
from tpbis.testing.builders import make_library, make_registry, responses_table

F = Field
REGISTRY = make_registry([
    make_library("desa-teluk-bakau", name="Perpustakaan Desa Teluk Bakau", aliases=("TBM Pelita",)),
    make_library("desa-papua", name="Perpustakaan Desa Harapan", province="Papua", regency="Kabupaten Jayapura"),
    make_library("desa-bali", name="Perpustakaan Desa Sanur", province="Bali", regency="Kota Denpasar"),
    make_library("kota-batam", kind="kota", name="Perpustakaan Kota Batam", regency="Kota Batam"),
    make_library("kembar-1", name="Perpustakaan Desa Kembar"),
    make_library("kembar-2", name="Perpustakaan Desa Kembar", province="Bali", regency="Kota Denpasar"),
])
RUBRIC = default_rubric()
ZONES = ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura", "Europe/Berlin", "America/St_Johns"]

moments = st.datetimes(min_value=dt.datetime(2017, 12, 25), max_value=dt.datetime(2025, 1, 5))


def _timestamp(moment: dt.datetime, shape: int) -> Cell:
    if shape == 0:
        return moment.strftime("%d/%m/%Y %H:%M:%S")
    if shape == 1:
        return moment.strftime(" %d/%m/%Y %H:%M ")
    if shape == 2:
        return moment.strftime("%Y-%m-%dT%H:%M:%S+09:00")
    if shape == 3:
        return moment.strftime("%d/%m/%Y %H:%M:%S.250")
    if shape == 4:
        return moment.replace(microsecond=0)
    if shape == 5:  # a workbook's typed timestamp, sometimes fractional or the second of a repeated hour
        return moment.replace(fold=moment.microsecond % 2)
    return moment.strftime("%d/%m/%Y") + " jam 9"


def _date_text(day: dt.date, shape: int) -> Cell:
    if shape == 4:  # a workbook's typed date
        return day
    if shape == 5:
        return dt.datetime(day.year, day.month, day.day, shape)
    return (day.strftime("%d/%m/%Y"), day.isoformat(), day.strftime("%d %b %Y"), day.strftime(" %d-%m-%Y"))[shape]


odd_dates = st.sampled_from(["31/02/2024", "", "kemarin", "01/01/2017", None, 45000, dt.date(2024, 9, 1)])
libraries = st.sampled_from([
    "Perpustakaan Desa Teluk Bakau", "  perpustakaan desa TELUK-bakau ", "Perpusdes Teluk Bakau", "TBM Pelita",
    "desa-teluk-bakau", "Perpustakaan Desa Harapan", "desa-papua", "Perpustakaan Desa Sanur",
    "Perpustakaan Kota Batam", "Perpustakaan Desa Harapan", "Perpustakaan Desa Sanur",
])
odd_libraries = st.sampled_from(["Perpustakaan Desa Kembar", "Perpustakaan Desa Teluk Bakua", "", None, 7])
titles = st.sampled_from([
    "Pelatihan menganyam rotan", "PELATIHAN menganyam-rotan!", "Mendongeng", " Mendongeng ", "Ulasan buku",
    "Ulasan bukú", "Kelas_Canva",
])
odd_titles = st.sampled_from(["", "   ", None, 12])
kinds = st.sampled_from([
    "Pelatihan keterampilan", "Pelatihan TIK", "promosi", "Publikasi", "Advokasi", "kemitraan",
    "Layanan digital", "Fasilitasi kegiatan masyarakat", "PUBLIKASI",
])
odd_kinds = st.sampled_from(["Senam", "", None])
counts = st.sampled_from(["5", "12", "0", "", None, "1.250", "40", 7, 0, 12.0])
odd_counts = st.sampled_from(["25 orang", "-3", 3, 4.0, 2.5, True, "100001", -3, 100_001, 1e300, float("nan")])
links = st.sampled_from([
    "https://ig.com/p/1", "https://IG.com/p/1/", "https://ig.com/p/1#x", "http://desa.id/a?b=1",
    "https://ig.com/P/Abc/", "HTTPS://www.YouTube.com/watch?v=AbC#t=1", "https://ig.com/p/2, https://ig.com/p/3",
    "https://ig.com/p/5,https://ig.com/p/6", "https://ig.com/p/7;https://IG.com/p/8/", "https://a.id/x/,",
])
odd_links = st.sampled_from([
    "https://Admin@Desa.ID/x", "https://desa.id:8080/x/", "instagram.com/p/x", "ftp://x.id/y",
    "https://localhost/x", "https://ig.com/p/4 ; bukan-link", "", None,
])

review_states = st.sampled_from([
    None, "", "approved", "hasIssues", "edited", "rejected", " REJECTED ", "Not Approved",
    "validation_status_not_approved", "validation_status_approved", "ditolak",
])

@st.composite
def row(draw: st.DrawFn) -> dict[Field, object]:
    """A response row, usually clean or with one or two odd cells, dated a few days before its timestamp."""
    moment = draw(moments)
    if draw(st.integers(0, 4)) == 0:
        # Near midnight, where the sheet's and the library's zones disagree on the day.
        moment = moment.replace(hour=draw(st.sampled_from([0, 21, 22, 23])))
    shape = draw(st.integers(0, 10))
    stamp = _timestamp(moment, shape) if shape < 7 else moment.strftime("%d/%m/%Y %H:%M:%S")
    day = moment.date() - dt.timedelta(days=draw(st.integers(-1, 9)))
    cells: dict[Field, object] = {
        F.REPORTED_AT: stamp,
        F.LIBRARY: draw(libraries),
        F.DATE: _date_text(day, draw(st.integers(0, 5))),
        F.TITLE: draw(titles),
        F.KIND: draw(kinds),
        F.PARTICIPANTS_MALE: draw(counts),
        F.PARTICIPANTS_FEMALE: draw(counts),
        F.PARTNERS: draw(st.sampled_from(["PKK Desa; Karang Taruna", "", None, "Bank BRI,\nPosyandu"])),
        F.DOCUMENTATION_URL: draw(st.one_of(st.none(), links)),
        F.PUBLICATION_URLS: draw(st.one_of(links, st.lists(links, max_size=3).map(" ".join))),
        F.REVIEW_STATUS: draw(review_states),
    }
    odd = {
        F.LIBRARY: odd_libraries, F.DATE: odd_dates, F.TITLE: odd_titles, F.KIND: odd_kinds,
        F.PARTICIPANTS_MALE: odd_counts, F.PARTICIPANTS_FEMALE: odd_counts, F.DOCUMENTATION_URL: odd_links,
        F.PUBLICATION_URLS: st.lists(st.one_of(links, odd_links), min_size=1, max_size=3).map(
            lambda found: " ".join(c for c in found if isinstance(c, str))),
    }
    for field in draw(st.lists(st.sampled_from(list(odd)), max_size=2)):
        cells[field] = draw(odd[field])
    return cells


rows = st.lists(row(), max_size=25)


def _both(data: list[dict[Field, object]], zone: str) -> tuple[ParseResult, ParseResult]:
    table = responses_table(data)  # type: ignore[arg-type]
    fast = parse_responses(table, REGISTRY, RUBRIC, sheet_timezone=zone)
    with mock.patch.object(rows_module, "_FAST_PATH", False):
        general = parse_responses(table, REGISTRY, RUBRIC, sheet_timezone=zone)
    return fast, general


class TestFastPathAgrees:
    """Whatever the rows hold, the fast path and the general reader agree on everything."""

    @settings(max_examples=200)
    @given(rows, st.sampled_from(ZONES), st.booleans())
    def test_same_result(self, data: list[dict[Field, object]], zone: str, as_text: bool) -> None:
        """Counts, problems, activities and the scoring columns are identical."""
        if as_text:  # as a CSV file gives them: the fast path only reads all-text columns
            data = [{field: "" if value is None else str(value) for field, value in row.items()} for row in data]
        fast, general = _both(data, zone)
        assert (general.counts, general.problems) == (fast.counts, fast.problems)
        assert tuple(general.activities) == tuple(fast.activities)
        assert isinstance(fast.activities, Activities)
        assert isinstance(general.activities, Activities)
        a, b = general.activities.columns, fast.activities.columns
        for name in ("library", "kind", "day", "male", "female", "delay", "row", "url", "more_urls"):
            assert getattr(a, name) == getattr(b, name), name

    @settings(max_examples=100)
    @given(rows, st.sampled_from(ZONES), st.lists(st.sampled_from(["", "k1", "k2", "k3"]), min_size=25, max_size=25))
    def test_same_result_with_submission_ids(self, data: list[dict[Field, object]], zone: str, ids: list[str]) -> None:
        """With submission ids (some repeated, some blank) both gears find the same duplicates."""
        data = [{field: "" if value is None else str(value) for field, value in row.items()} for row in data]
        plain = responses_table(data)  # type: ignore[arg-type]
        table = Table(name=plain.name, header=plain.header, rows=plain.rows, row_ids=ids[:len(data)])
        fast = parse_responses(table, REGISTRY, RUBRIC, sheet_timezone=zone)
        with mock.patch.object(rows_module, "_FAST_PATH", False):
            general = parse_responses(table, REGISTRY, RUBRIC, sheet_timezone=zone)
        assert (general.counts, general.problems) == (fast.counts, fast.problems)
        assert tuple(general.activities) == tuple(fast.activities)
        counts = fast.counts
        assert counts.rows == counts.accepted + counts.rejected + counts.duplicates + counts.blank + counts.excluded

    @given(rows, st.sampled_from(["2024", "2024-09", "2024-01-01..2024-09-25", "2018"]))
    def test_columns_tally_like_activities(self, data: list[dict[Field, object]], text: str) -> None:
        """Tallying the compact columns equals tallying the built activities, and so do the scores."""
        parsed = parse_responses(responses_table(data), REGISTRY, RUBRIC)  # type: ignore[arg-type]
        period = Period.parse(text)
        built = tuple(parsed.activities)
        assert tally(built, period) == tally(parsed.activities, period)
        assert score(built, REGISTRY, RUBRIC, period) == score(parsed.activities, REGISTRY, RUBRIC, period)


class TestZonesNearMidnight:
    """Reports sent around midnight get the same local day from both gears, in every zone pair."""

    @pytest.mark.parametrize("zone", [*ZONES, "America/New_York"])
    def test_every_library_and_hour(self, zone: str) -> None:
        """Each library's zone against the sheet's, at each hour, on DST change days too."""
        data = [
            {
                F.REPORTED_AT: f"{stamp_day} {hour:02d}:30:00", F.LIBRARY: library, F.DATE: date,
                F.TITLE: f"Kegiatan {n}", F.KIND: "promosi", F.PARTICIPANTS_MALE: "1",
                F.PARTICIPANTS_FEMALE: "2", F.PUBLICATION_URLS: "", F.DOCUMENTATION_URL: "", F.PARTNERS: "",
                F.REPORTER_EMAIL: "",
            }
            for n, (stamp_day, library, hour, date) in enumerate(
                (stamp_day, library, hour, date)
                for stamp_day in ("21/09/2024", "31/03/2024", "10/03/2024", "03/11/2024")
                for library in ("desa-teluk-bakau", "desa-papua", "desa-bali")
                for hour in range(24)
                for date in (stamp_day, "22/09/2024", "01/04/2024", "11/03/2024", "04/11/2024")
            )
        ]
        fast, general = _both(data, zone)
        assert (general.counts, general.problems) == (fast.counts, fast.problems)
        assert general.activities.columns.delay == fast.activities.columns.delay  # type: ignore[attr-defined]
        assert general.counts.accepted > 100


CLEAN_ROW: dict[Field, object] = {
    F.REPORTED_AT: "21/09/2024 14:05:33", F.REPORTER_EMAIL: "", F.LIBRARY: "Perpustakaan Desa Sanur",
    F.DATE: "20/09/2024", F.TITLE: "Mendongeng", F.KIND: "Publikasi", F.PARTICIPANTS_MALE: "3",
    F.PARTICIPANTS_FEMALE: "4", F.PARTNERS: "", F.DOCUMENTATION_URL: "https://drive.google.com/x",
    F.PUBLICATION_URLS: "https://ig.com/p/1",
}
ODD_CELLS = [
    (F.REPORTED_AT, ["", "21/09/2024", "21/09/2024 25:00:00", "2024-09-21T14:05:33+09:00", "31/02/2024 10:00:00",
                     "21/09/2024 14:05:33.5", "21/09/2024 9:05"]),
    (F.LIBRARY, ["", "Perpustakaan Desa Kembar", "Perpustakaan Desa Sanor", "desa-bali", "TBM Pelita"]),
    (F.DATE, ["", "22/09/2024", "21/09/2024", "31/12/2017", "45000", "kemarin"]),
    (F.TITLE, ["", "   ", "  Mendongeng!  ", "Mendongeng – seru"]),
    (F.KIND, ["", "Senam", "publikasi", "Pelatihan TIK"]),
    (F.PARTICIPANTS_MALE, ["", "-3", "1.250", "100001", "2,5"]),
    (F.DOCUMENTATION_URL, ["", "drive.google.com/x", "https://a.id:99999/x", "https://a.id/x y"]),
    (F.PUBLICATION_URLS, ["", "ig.com/p/1", "https://ig.com/p/1, ftp://x.id", "https://IG.com/p/1/#x",
                          "https://u@ig.com/p", "https://ig.com/p/2;https://ig.com/p/3"]),
]


class TestEachOddCell:
    """A clean row with one cell changed reads the same through both gears."""

    @pytest.mark.parametrize(("field", "values"), ODD_CELLS, ids=[f.value for f, _ in ODD_CELLS])
    def test_field(self, field: Field, values: list[str]) -> None:
        """Every odd value of the field: same counts, problems, activities and columns."""
        data = [CLEAN_ROW, *({**CLEAN_ROW, field: value, F.TITLE: f"{CLEAN_ROW[F.TITLE]} {n}"}
                             if field is not F.TITLE else {**CLEAN_ROW, field: value}
                             for n, value in enumerate(values))]
        fast, general = _both(data, "Asia/Jakarta")
        assert (general.counts, general.problems) == (fast.counts, fast.problems)
        assert tuple(general.activities) == tuple(fast.activities)


class TestLaterRowWins:
    """A duplicate reported earlier but lower in the sheet displaces the row above it."""

    def test_displaced_row_reported_with_its_title(self) -> None:
        """The displaced row is the duplicate, and its problem shows its own title cell."""
        base = {
            F.LIBRARY: "Perpustakaan Desa Teluk Bakau", F.DATE: "20/09/2024", F.KIND: "Pelatihan TIK",
            F.PARTICIPANTS_MALE: "1", F.PARTICIPANTS_FEMALE: "2", F.PUBLICATION_URLS: "",
        }
        data = [
            {**base, F.REPORTED_AT: "22/09/2024 08:00:00", F.TITLE: "Kelas CANVA"},
            {**base, F.REPORTED_AT: "21/09/2024 08:00:00", F.TITLE: "kelas canva"},
        ]
        fast, general = _both(data, "Asia/Jakarta")  # type: ignore[arg-type]
        assert [(2, "activity.duplicate", "Kelas CANVA")] == [(p.row, p.code, p.value) for p in fast.problems]
        assert general.problems == fast.problems
        assert [3] == [a.source.row for a in fast.activities]

    @pytest.mark.parametrize("zone", ["Asia/Jakarta", "Asia/Jayapura"])
    def test_same_day_earlier_time_wins(self, zone: str) -> None:
        """Within one day the earlier clock time is the original, whatever the sheet order."""
        base = {**CLEAN_ROW, F.KIND: "promosi"}
        data = [
            {**base, F.REPORTED_AT: "21/09/2024 18:00:00"},
            {**base, F.REPORTED_AT: "21/09/2024 09:00:00"},
            {**base, F.REPORTED_AT: "21/09/2024 12:00:00"},
        ]
        fast, general = _both(data, zone)
        assert ([2, 4], [3]) == ([p.row for p in fast.problems], [a.source.row for a in fast.activities])
        assert (general.problems, tuple(general.activities)) == (fast.problems, tuple(fast.activities))


class TestActivitiesSequence:
    """Parsed activities behave like a tuple."""

    def test_equal_to_tuple_and_indexable(self) -> None:
        """It compares equal to the tuple of its items, in both directions, and indexes like one."""
        row = {
            F.REPORTED_AT: "21/09/2024 14:05:33", F.LIBRARY: "TBM Pelita", F.DATE: "20/09/2024",
            F.TITLE: "Mendongeng", F.KIND: "promosi", F.PARTICIPANTS_MALE: "3", F.PARTICIPANTS_FEMALE: "4",
            F.PUBLICATION_URLS: "https://ig.com/p/1",
        }
        activities = parse_responses(responses_table([row]), REGISTRY, RUBRIC).activities  # type: ignore[list-item]
        items = tuple(activities)
        assert (1, items, items[0], items) == (len(activities), activities, activities[0], activities[:])
        assert items == activities
        assert () != activities

    def test_tallies_itself_for_the_domain(self) -> None:
        """The parser's activities are the domain's SelfTallying port; a built tuple is not, and tallies the same."""
        row = {
            F.REPORTED_AT: "21/09/2024 14:05:33", F.LIBRARY: "TBM Pelita", F.DATE: "20/09/2024",
            F.TITLE: "Mendongeng", F.KIND: "promosi", F.PARTICIPANTS_MALE: "3", F.PARTICIPANTS_FEMALE: "4",
            F.PUBLICATION_URLS: "https://ig.com/p/1",
        }
        activities = parse_responses(responses_table([row]), REGISTRY, RUBRIC).activities  # type: ignore[list-item]
        period = Period.parse("2024-09")
        assert (True, False) == (isinstance(activities, SelfTallying), isinstance(tuple(activities), SelfTallying))
        assert tally(tuple(activities), period) == activities.tally(period)  # type: ignore[attr-defined]


class TestFastTitles:
    """Titles normalised in bulk equal normalize_text one by one."""

    @given(st.lists(st.text(max_size=20) | st.sampled_from(["Kelas \u212aanva", "Mendongeng \u2013 seru", "A_b"])))
    def test_same_as_normalize_text(self, titles: list[str]) -> None:
        """Casefold, punctuation to space, whitespace collapsed, for ASCII and other text alike."""
        assert [normalize_text(t) for t in titles] == normalize_titles(titles)


TYPED_ROW: dict[Field, object] = {
    **CLEAN_ROW, F.REPORTED_AT: dt.datetime(2024, 9, 21, 14, 5, 33), F.DATE: dt.date(2024, 9, 20),
    F.PARTICIPANTS_MALE: 3, F.PARTICIPANTS_FEMALE: 4.0, F.PARTNERS: None, F.REPORTER_EMAIL: None,
}


class TestTypedCells:
    """A workbook's typed cells (datetimes, dates, numbers, empty cells) take the fast path when clean."""

    @pytest.mark.parametrize("day_first", [True, False])
    def test_clean_typed_rows_skip_the_general_reader(self, day_first: bool) -> None:
        """No row of a clean typed table is read by the general reader, and the result is the general reader's."""
        data = [{**TYPED_ROW, F.TITLE: f"Mendongeng {n}", F.DOCUMENTATION_URL: None if n % 2 else "https://a.id/x"}
                for n in range(40)]
        table = responses_table(data)  # type: ignore[arg-type]
        with mock.patch.object(rows_module, "read_row", wraps=rows_module.read_row) as reader:
            fast = parse_responses(table, REGISTRY, RUBRIC, day_first=day_first)
        assert reader.call_count == 0
        with mock.patch.object(rows_module, "_FAST_PATH", False):
            general = parse_responses(table, REGISTRY, RUBRIC, day_first=day_first)
        assert (general.counts, general.problems) == (fast.counts, fast.problems)
        assert tuple(general.activities) == tuple(fast.activities)
        assert fast.counts.accepted == 40

    @pytest.mark.parametrize(("field", "value"), [
        (F.REPORTED_AT, dt.datetime(2024, 9, 21, 14, 5, 33, 500)),  # fractional second
        (F.REPORTED_AT, dt.datetime(2024, 9, 21, 14, 5, 33, fold=1)),
        (F.REPORTED_AT, dt.datetime(2024, 9, 21, 14, 5, 33, tzinfo=dt.UTC)),
        (F.REPORTED_AT, dt.date(2024, 9, 21)),
        (F.REPORTED_AT, 45556.5),
        (F.DATE, 45555),
        (F.PARTICIPANTS_MALE, True),
        (F.PARTICIPANTS_MALE, 2.5),
        (F.PARTICIPANTS_MALE, -1),
        (F.LIBRARY, 7),
        (F.TITLE, 12),
    ])
    def test_odd_typed_cell_goes_to_the_general_reader(self, field: Field, value: object) -> None:
        """A typed cell the fast path has no text for sends only its row to the general reader, alike."""
        data = [TYPED_ROW, {**TYPED_ROW, F.TITLE: "Mendongeng 2", field: value}]
        table = responses_table(data)  # type: ignore[arg-type]
        with mock.patch.object(rows_module, "read_row", wraps=rows_module.read_row) as reader:
            fast = parse_responses(table, REGISTRY, RUBRIC, sheet_timezone="Asia/Jakarta")
        assert reader.call_count == 1
        with mock.patch.object(rows_module, "_FAST_PATH", False):
            general = parse_responses(table, REGISTRY, RUBRIC, sheet_timezone="Asia/Jakarta")
        assert (general.counts, general.problems) == (fast.counts, fast.problems)
        assert tuple(general.activities) == tuple(fast.activities)
