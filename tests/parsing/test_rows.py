"""Reading submitted rows (SPEC §3.1): problems, matching, duplicates, accounting."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pendulum
import pytest

import tpbis.parsing.rows as rows_module
from tpbis.domain.activity import ActivityKind
from tpbis.domain.problems import Severity
from tpbis.errors import ConfigError, SourceError
from tpbis.parsing import _fast, _slow
from tpbis.parsing.mapping import Field
from tpbis.parsing.rows import ParseResult, parse_responses
from tpbis.parsing.table import Table
from tpbis.rubrics import default_rubric
from tpbis.testing.builders import make_library, make_registry, responses_table

F = Field
REGISTRY = make_registry([
    make_library("desa-teluk-bakau", name="Perpustakaan Desa Teluk Bakau", aliases=("TBM Pelita",)),
    make_library("desa-busung", name="Perpustakaan Desa Busung"),
    make_library("desa-papua", name="Perpustakaan Desa Harapan", province="Papua", regency="Kabupaten Jayapura"),
    make_library("desa-bali", name="Perpustakaan Desa Sanur", province="Bali", regency="Kota Denpasar"),
])


def good(**overrides: object) -> dict[Field, object]:
    """A valid row; overrides replace fields."""
    row: dict[Field, object] = {
        F.REPORTED_AT: "21/09/2024 14:05:33",
        F.REPORTER_EMAIL: "pengelola@example.id",
        F.LIBRARY: "Perpustakaan Desa Teluk Bakau",
        F.DATE: "20/09/2024",
        F.TITLE: "Pelatihan menganyam rotan",
        F.KIND: "Pelatihan keterampilan",
        F.PARTICIPANTS_MALE: "5",
        F.PARTICIPANTS_FEMALE: "12",
        F.PARTNERS: "PKK Desa; Karang Taruna",
        F.DOCUMENTATION_URL: "https://drive.google.com/x",
        F.PUBLICATION_URLS: "",
    }
    row.update({Field(k) if isinstance(k, str) else k: v for k, v in overrides.items()})
    return row


def parse(*rows: dict[Field, object], **kwargs: object) -> ParseResult:
    """Parse these rows against the test registry and the default rubric."""
    return parse_responses(responses_table(rows), REGISTRY, default_rubric(), **kwargs)  # type: ignore[arg-type]


def codes(result: ParseResult) -> list[tuple[int, str]]:
    """(row, code) of every problem."""
    return [(p.row, p.code) for p in result.problems]


class TestAcceptedRow:
    """A clean row becomes an activity with every field read."""

    def test_fields(self) -> None:
        """All fields are read; the email is not kept."""
        result = parse(good())
        (activity,) = result.activities
        assert (
            "desa-teluk-bakau", pendulum.date(2024, 9, 20), ActivityKind.PELATIHAN, 5, 12,
            ("PKK Desa", "Karang Taruna"), "https://drive.google.com/x", 2,
        ) == (
            activity.library_id, activity.date, activity.kind, activity.participants_male,
            activity.participants_female, activity.partners, activity.documentation_url, activity.source.row,
        )
        assert pendulum.datetime(2024, 9, 21, 14, 5, 33, tz="Asia/Jakarta") == activity.reported_at

    def test_blank_participants_are_zero(self) -> None:
        """Blank participant cells count as 0."""
        (activity,) = parse(good(participants_male="", participants_female=None)).activities
        assert (activity.participants_male, activity.participants_female) == (0, 0)


class TestProblems:
    """Each situation of the SPEC table yields its code and severity."""

    @pytest.mark.parametrize(
        ("overrides", "code", "severity", "column"),
        [
            ({"library": "Perpustakaan Desa Teluk Bakao"}, "library.unknown", Severity.ERROR, "Nama Perpustakaan"),
            ({"library": ""}, "library.unknown", Severity.ERROR, "Nama Perpustakaan"),
            ({"date": "kemarin"}, "date.invalid", Severity.ERROR, "Tanggal Kegiatan"),
            ({"date": "31/02/2024"}, "date.invalid", Severity.ERROR, "Tanggal Kegiatan"),
            ({"date": "22/09/2024"}, "date.future", Severity.ERROR, "Tanggal Kegiatan"),
            ({"date": "31/12/2017"}, "date.before_program", Severity.ERROR, "Tanggal Kegiatan"),
            ({"reported_at": "besok pagi"}, "timestamp.invalid", Severity.ERROR, "Cap waktu"),
            ({"kind": "Sosialisasi"}, "kind.unknown", Severity.ERROR, "Jenis Kegiatan"),
            ({"title": "   "}, "title.missing", Severity.ERROR, "Nama Kegiatan"),
            ({"participants_male": "25 orang"}, "participants.invalid", Severity.ERROR, "Jumlah Peserta Laki-laki"),
            ({"participants_female": "-3"}, "participants.invalid", Severity.ERROR, "Jumlah Peserta Perempuan"),
            ({"participants_female": "2,5"}, "participants.invalid", Severity.ERROR, "Jumlah Peserta Perempuan"),
            ({"kind": "Publikasi", "publication_urls": ""}, "publication.missing", Severity.ERROR, "Tautan Publikasi"),
            ({"documentation_url": "ftp://files/x"}, "url.invalid", Severity.WARNING, "Tautan Dokumentasi"),
        ],
    )
    def test_code(self, overrides: dict[str, object], code: str, severity: Severity, column: str) -> None:
        """The problem names row, column, code, severity and both messages."""
        result = parse(good(**overrides))
        (problem,) = result.problems
        assert (2, column, code, severity) == (problem.row, problem.column, problem.code, problem.severity)
        assert problem.message_id != problem.message_en
        assert "" not in (problem.message_id, problem.message_en)
        expected_rejected = 1 if severity is Severity.ERROR else 0
        assert expected_rejected == result.counts.rejected

    def test_every_problem_of_a_row_is_reported(self) -> None:
        """Several errors in one row are all listed, in column order."""
        result = parse(good(date="kemarin", kind="Sosialisasi", title="", participants_male="x"))
        assert codes(result) == [
            (2, "date.invalid"), (2, "title.missing"), (2, "kind.unknown"), (2, "participants.invalid")
        ]

    def test_publication_without_scheme_warns_and_rejects(self) -> None:
        """instagram.com/p/x is dropped (warning) so a publikasi row has no valid link (error)."""
        result = parse(good(kind="Publikasi", publication_urls="instagram.com/p/xyz"))
        assert codes(result) == [(2, "url.invalid"), (2, "publication.missing")]
        assert result.counts.rejected == 1

    def test_unknown_library_suggests_but_never_assigns(self) -> None:
        """A typo is rejected; the message suggests the close registered name."""
        result = parse(good(library="Perpustakaan Desa Teluk Bakao"))
        assert result.activities == ()
        assert "Perpustakaan Desa Teluk Bakau" in result.problems[0].message_id
        assert "Did you mean" in result.problems[0].message_en

    def test_warning_keeps_the_row(self) -> None:
        """A bad extra publication link is dropped; the row is accepted with the good one."""
        result = parse(good(kind="Publikasi", publication_urls="https://ig.com/p/1 www.x.id"))
        assert (result.counts.accepted, result.activities[0].publication_urls) == (1, ("https://ig.com/p/1",))
        assert codes(result) == [(2, "url.invalid")]


class TestLibraryMatching:
    """Exact id, then normalised name or alias; nothing fuzzy."""

    @pytest.mark.parametrize(
        "typed",
        [
            "desa-teluk-bakau",
            "perpustakaan desa teluk bakau",
            "  PERPUSTAKAAN   Desa Teluk-Bakau. ",
            "Perpusdes Teluk Bakau",
            "Perpus Desa Teluk Bakau",
            "TBM Pelita",
            "tbm pelita!",
        ],
    )
    def test_matches(self, typed: str) -> None:
        """These spellings all name the same library."""
        (activity,) = parse(good(library=typed)).activities
        assert activity.library_id == "desa-teluk-bakau"

    def test_id_is_exact(self) -> None:
        """An id in other case is not an id (and not a name)."""
        assert codes(parse(good(library="DESA-TELUK-BAKAU"))) == [(2, "library.unknown")]


class TestKinds:
    """Kinds by slug, label, short label, casefolded; rubric's extra labels too."""

    @pytest.mark.parametrize(
        ("typed", "kind"),
        [
            ("pelatihan_tik", ActivityKind.PELATIHAN_TIK),
            ("Promosi layanan", ActivityKind.PROMOSI),
            ("promosi  LAYANAN (literatour, bimbingan pemustaka/referensi, mendongeng)", ActivityKind.PROMOSI),
            ("Fasilitasi kegiatan masyarakat", ActivityKind.FASILITASI),
            ("ICT training", ActivityKind.PELATIHAN_TIK),
            ("Advocacy", ActivityKind.ADVOKASI),
        ],
    )
    def test_recognised(self, typed: str, kind: ActivityKind) -> None:
        """The typed text names the kind."""
        (activity,) = parse(good(kind=typed)).activities
        assert kind == activity.kind


class TestTimeZones:
    """date.future compares with the local date of reported_at in the library's zone."""

    @pytest.mark.parametrize(
        ("library", "date", "future"),
        [
            ("desa-papua", "22/09/2024", False),  # 23:30 WIB is 01:30 on the 22nd in WIT
            ("desa-bali", "22/09/2024", False),  # 00:30 on the 22nd in WITA
            ("desa-teluk-bakau", "22/09/2024", True),  # still the 21st in WIB
            ("desa-papua", "23/09/2024", True),
        ],
    )
    def test_near_midnight(self, library: str, date: str, future: bool) -> None:
        """A report at 23:30 WIB on 21 September."""
        result = parse(good(library=library, date=date, reported_at="21/09/2024 23:30:00"))
        assert future == ((2, "date.future") in codes(result))

    def test_reported_on_is_local(self) -> None:
        """The reporting date kept for timeliness is the library's local date."""
        (activity,) = parse(good(library="desa-papua", date="22/09/2024", reported_at="21/09/2024 23:30:00")).activities
        assert pendulum.date(2024, 9, 22) == activity.reported_on

    def test_offset_timestamp_taken_as_is(self) -> None:
        """An ISO timestamp with an offset keeps its instant."""
        (activity,) = parse(good(reported_at="2024-09-21T01:00:00+09:00", date="20/09/2024")).activities
        assert pendulum.datetime(2024, 9, 20, 23, tz="Asia/Jakarta") == activity.reported_at
        assert pendulum.date(2024, 9, 20) == activity.reported_on

    def test_sheet_timezone_for_naive_cells(self) -> None:
        """Naive timestamps are in the spreadsheet's zone."""
        (activity,) = parse(good(reported_at=dt.datetime(2024, 9, 21, 8, 0)), sheet_timezone="Asia/Makassar").activities
        assert pendulum.datetime(2024, 9, 21, 8, tz="Asia/Makassar") == activity.reported_at


class TestDuplicates:
    """Same library, date, kind and normalised title: the later report is the duplicate."""

    def test_later_report_is_duplicate(self) -> None:
        """Row 3 repeats row 2 with other case and punctuation."""
        result = parse(good(), good(title="PELATIHAN menganyam-rotan!", reported_at="21/09/2024 14:09:00"))
        assert codes(result) == [(3, "activity.duplicate")]
        assert (result.problems[0].column, result.problems[0].severity) == ("Nama Kegiatan", Severity.WARNING)
        assert "2" in result.problems[0].message_en
        assert (result.counts.accepted, result.counts.duplicates) == (1, 1)

    def test_earlier_report_lower_in_sheet_wins(self) -> None:
        """Order is by reported_at first, then sheet row."""
        result = parse(good(reported_at="22/09/2024 08:00:00"), good(reported_at="21/09/2024 08:00:00"))
        assert codes(result) == [(2, "activity.duplicate")]
        assert result.activities[0].source.row == 3

    def test_same_time_lower_row_is_duplicate(self) -> None:
        """With equal timestamps the row lower in the sheet is the duplicate."""
        result = parse(good(), good(), good())
        assert codes(result) == [(3, "activity.duplicate"), (4, "activity.duplicate")]
        assert all("row 2" in p.message_en for p in result.problems)

    def test_rejected_rows_are_not_originals(self) -> None:
        """Only rows without errors take part in duplicate detection."""
        result = parse(good(participants_male="x"), good())
        assert codes(result) == [(2, "participants.invalid")]
        assert result.counts.accepted == 1

    def test_different_kind_is_not_duplicate(self) -> None:
        """Kind is part of the identity."""
        assert parse(good(), good(kind="Pelatihan TIK")).counts.accepted == 2


def with_ids(*ids: str, rows: tuple[dict[Field, object], ...]) -> Table:
    """These rows as a table whose rows carry these submission ids (an export's instance ids)."""
    table = responses_table(rows)
    return Table(name=table.name, header=table.header, rows=table.rows, row_ids=list(ids))


class TestDuplicateSubmissionIds:
    """A later row with the submission id of an earlier accepted row is its duplicate, edited or not (F3)."""

    def test_edited_resend_is_duplicate(self) -> None:
        """The same id with another title: row 3 is a duplicate of row 2, and the message names the id."""
        table = with_ids("uuid:aaaa-0001", "uuid:aaaa-0001",
                         rows=(good(), good(title="Pelatihan menganyam rotan (revisi)")))
        result = parse_responses(table, REGISTRY, default_rubric())
        assert ([(3, "activity.duplicate")], (1, 1), [2]) == (
            codes(result), (result.counts.accepted, result.counts.duplicates),
            [a.source.row for a in result.activities])
        problem = result.problems[0]
        assert ("Nama Kegiatan", "Pelatihan menganyam rotan (revisi)", "uuid:aaaa-0001") == (
            problem.column, problem.value, problem.response_id)
        assert "Duplicate of row 2 (the same submission id: uuid:aaaa-0001); counted once." == problem.message_en

    def test_first_in_sheet_is_kept_even_if_reported_later(self) -> None:
        """Unlike content duplicates, the id's first accepted row stays the original whatever the times."""
        table = with_ids("k1", "k1", rows=(good(reported_at="22/09/2024 08:00:00", title="A"),
                                           good(reported_at="21/09/2024 08:00:00", title="B")))
        result = parse_responses(table, REGISTRY, default_rubric())
        assert ([(3, "activity.duplicate")], ["A"]) == (codes(result), [a.title for a in result.activities])

    def test_rejected_first_row_is_not_an_original(self) -> None:
        """A row with errors is not accepted, so the corrected re-send with its id counts."""
        table = with_ids("k1", "k1", rows=(good(participants_male="x"), good()))
        result = parse_responses(table, REGISTRY, default_rubric())
        assert ([(2, "participants.invalid")], 1) == (codes(result), result.counts.accepted)

    def test_blank_ids_never_match(self) -> None:
        """Rows without an id are told apart by their content only."""
        table = with_ids("", "", rows=(good(title="A"), good(title="B")))
        assert 2 == parse_responses(table, REGISTRY, default_rubric()).counts.accepted

    def test_id_and_content_duplicates_count_once_each(self) -> None:
        """Row 3 repeats row 2's id, row 4 repeats row 2's content under its own id: two duplicates, one kept."""
        table = with_ids("k1", "k1", "k2", rows=(good(), good(title="lain"), good()))
        result = parse_responses(table, REGISTRY, default_rubric())
        counts = result.counts
        assert ([(3, "activity.duplicate"), (4, "activity.duplicate")], 1) == (codes(result), counts.accepted)
        assert counts.rows == counts.accepted + counts.rejected + counts.duplicates + counts.blank + counts.excluded

    def test_across_chunks(self) -> None:
        """An id met again in a later chunk of the streaming read is still a duplicate."""
        rows_ = tuple(good(title=f"Kegiatan {i}") for i in range(rows_module._CHUNK + 5))
        ids = [f"k{i}" for i in range(rows_module._CHUNK + 4)] + ["k0"]
        result = parse_responses(with_ids(*ids, rows=rows_), REGISTRY, default_rubric())
        assert [(rows_module._CHUNK + 6, "activity.duplicate")] == codes(result)


class TestAccounting:
    """rows = accepted + rejected + duplicates + blank + excluded."""

    def test_blank_rows_in_middle_and_trailing(self) -> None:
        """Blank rows in the middle count; trailing blank rows (whitespace too) are not rows."""
        result = parse(good(), {}, {F.TITLE: "  "}, good(title="Lain"), {F.TITLE: " "}, {}, {})
        assert (
            result.counts.rows, result.counts.accepted, result.counts.rejected,
            result.counts.duplicates, result.counts.blank,
        ) == (4, 2, 0, 0, 2)

    def test_short_rows_are_padded(self) -> None:
        """A row with fewer cells than the header reads the missing ones as blank."""
        table = responses_table([good()])
        short = Table(name=table.name, header=table.header, rows=[list(table.rows[0])[:9]])
        result = parse_responses(short, REGISTRY, default_rubric())
        assert result.counts.accepted == 1


class TestColumns:
    """Header mapping: default titles in both languages, overrides, missing columns."""

    def test_english_titles(self) -> None:
        """An English form's headers are recognised."""
        table = responses_table([good()], lang="en")
        assert parse_responses(table, REGISTRY, default_rubric()).counts.accepted == 1

    def test_override(self) -> None:
        """tpbis.toml [columns] maps another header to a field."""
        table = responses_table([good()])
        header = tuple("Perpustakaan Desa" if h == "Nama Perpustakaan" else h for h in table.header)
        renamed = Table(name=table.name, header=header, rows=table.rows)
        result = parse_responses(renamed, REGISTRY, default_rubric(), columns={"perpustakaan  desa": "library"})
        assert result.counts.accepted == 1

    def test_missing_required_column(self) -> None:
        """One message names what is missing and what was found."""
        table = responses_table([good()])
        header = tuple("Tanggal" if h == "Tanggal Kegiatan" else h for h in table.header)
        with pytest.raises(SourceError, match="Tanggal Kegiatan") as info:
            parse_responses(Table(name="T", header=header, rows=table.rows), REGISTRY, default_rubric())
        assert "'Tanggal'" in str(info.value)
        assert "required columns missing" in info.value.message("en")


def _with_header(table: Table, old: str, new: str) -> Table:
    """The table with one header title replaced."""
    return Table(name=table.name, header=tuple(new if h == old else h for h in table.header), rows=table.rows)


class TestExcluded:
    """Rows a reviewer rejected in the collecting tool are excluded (SPEC §3.1), with a warning."""

    def test_odk_rejected_row_is_excluded(self) -> None:
        """ODK Central's ReviewState = rejected: counted as excluded, one warning naming the column and value."""
        table = _with_header(responses_table([good(), good(title="Lain", review_status="rejected")]),
                             "Status Tinjauan", "ReviewState")
        result = parse_responses(table, REGISTRY, default_rubric())
        assert (2, 1, 0, 0, 0, 1) == (
            result.counts.rows, result.counts.accepted, result.counts.rejected,
            result.counts.duplicates, result.counts.blank, result.counts.excluded,
        )
        assert [(3, "submission.excluded", Severity.WARNING, "ReviewState", "rejected")] == [
            (p.row, p.code, p.severity, p.column, p.value) for p in result.problems
        ]
        assert "reviewer rejected" in result.problems[0].message_en
        assert "ditolak peninjau" in result.problems[0].message_id
        assert ["Pelatihan menganyam rotan"] == [a.title for a in result.activities]

    @pytest.mark.parametrize("status", ["Not Approved", "validation_status_not_approved", "  not   APPROVED "])
    def test_kobo_not_approved_row_is_excluded(self, status: str) -> None:
        """KoBo's _validation_status, as label or uid, in any case and spacing."""
        table = _with_header(responses_table([good(review_status=status)]), "Status Tinjauan", "_validation_status")
        result = parse_responses(table, REGISTRY, default_rubric())
        assert (0, 1, ["submission.excluded"]) == (
            result.counts.accepted, result.counts.excluded, [p.code for p in result.problems],
        )

    @pytest.mark.parametrize("status", ["approved", "hasIssues", "edited", "validation_status_approved", "", None])
    def test_other_verdicts_are_read_normally(self, status: str | None) -> None:
        """Only a rejection excludes; approved, has-issues, edited and blank rows are read as usual."""
        result = parse(good(review_status=status))
        assert (1, 0, []) == (result.counts.accepted, result.counts.excluded, codes(result))

    def test_excluded_row_reports_no_other_problem(self) -> None:
        """An excluded row is read no further: its bad cells are not reported."""
        result = parse(good(participants_male="banyak", date="kemarin", review_status="Ditolak"))
        assert ([(2, "submission.excluded")], 0, 1) == (codes(result), result.counts.rejected, result.counts.excluded)

    def test_excluded_row_is_not_an_original(self) -> None:
        """An excluded row takes no part in duplicate detection: the same activity reported again is accepted."""
        result = parse(good(review_status="rejected"), good(reported_at="21/09/2024 15:00:00"))
        assert ([(2, "submission.excluded")], 1, 0) == (codes(result), result.counts.accepted, result.counts.duplicates)
        assert 3 == result.activities[0].source.row

    def test_google_forms_export_has_none(self) -> None:
        """Without a review column nothing is excluded."""
        table = responses_table([good()])
        header = tuple(h for h in table.header if h != "Status Tinjauan")
        rows = [[c for h, c in zip(table.header, row, strict=True) if h != "Status Tinjauan"] for row in table.rows]
        result = parse_responses(Table(name=table.name, header=header, rows=rows), REGISTRY, default_rubric())
        assert (1, 0) == (result.counts.accepted, result.counts.excluded)

    def test_fast_path_and_general_reader_agree(self) -> None:
        """A text table (the fast path) excludes the same rows as the general reader would."""
        rows = [good(title=f"Kegiatan {i}", review_status=("rejected" if i % 3 == 0 else "approved"))
                for i in range(30)]
        table = responses_table([{f: "" if v is None else str(v) for f, v in row.items()} for row in rows])
        result = parse_responses(table, REGISTRY, default_rubric())
        assert (20, 10) == (result.counts.accepted, result.counts.excluded)
        assert [2 + i for i in range(0, 30, 3)] == [p.row for p in result.problems]


class _Unprintable:
    """A cell no adapter should give: its text cannot even be taken."""

    def __str__(self) -> str:
        raise RuntimeError("no text")


def _both_gears(*rows: dict[Field, object]) -> tuple[ParseResult, ParseResult]:
    """The rows as CSV gives them (all text), parsed with the fast path and with the general reader only."""
    table = responses_table([{f: "" if v is None else str(v) for f, v in row.items()} for row in rows])
    fast = parse_responses(table, REGISTRY, default_rubric())
    with mock.patch.object(rows_module, "_FAST_PATH", False):
        general = parse_responses(table, REGISTRY, default_rubric())
    return fast, general


class TestRowIsolation:
    """Whatever one row holds, it ends accepted, rejected, duplicate, excluded or blank, and the run goes on."""

    @pytest.mark.parametrize(
        ("stamp", "library"),
        [
            ("31/12/9999 23:30", "Perpustakaan Desa Harapan"),  # WIT: the move east leaves the calendar
            ("0001-01-01T00:00:00+14:00", "Perpustakaan Desa Teluk Bakau"),
            ("9999-12-31T23:59:59-12:00", "Perpustakaan Desa Harapan"),
            ("01/01/0001 00:00", "Perpustakaan Desa Sanur"),
            ("01/01/1899 10:00", "Perpustakaan Desa Teluk Bakau"),
            ("01/01/2201 10:00", "Perpustakaan Desa Teluk Bakau"),
            (dt.datetime(9999, 12, 31, 23, 59), "Perpustakaan Desa Harapan"),
            (dt.datetime(1, 1, 1), "Perpustakaan Desa Teluk Bakau"),
            (dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=14))), "Perpustakaan Desa Harapan"),
        ],
    )
    def test_timestamp_outside_the_years_is_invalid(self, stamp: object, library: str) -> None:
        """A timestamp outside 1900…2200 is timestamp.invalid, checked before any zone conversion."""
        result = parse(good(reported_at=stamp, library=library), good(title="Mendongeng"))
        assert ([(2, "timestamp.invalid")], 1) == (codes(result), result.counts.accepted)

    @pytest.mark.parametrize("date", ["31/12/9999", "01/01/0001", "01/01/1899", "2201-01-01", dt.date(1, 1, 1), 0])
    def test_date_outside_the_years_is_invalid(self, date: object) -> None:
        """An activity date outside 1900…2200 is date.invalid (not before_program, not future)."""
        result = parse(good(date=date), good(title="Mendongeng"))
        assert ([(2, "date.invalid")], 1) == (codes(result), result.counts.accepted)

    @pytest.mark.parametrize("count", [
        pytest.param("9" * 5000, id="5000-nines"), pytest.param("1" + "0" * 4400, id="1e4400"),
        pytest.param(10**5000, id="int-1e5000"),
    ])
    def test_count_of_thousands_of_digits_is_invalid(self, count: object) -> None:
        """A participant count too long for int() is participants.invalid."""
        result = parse(good(participants_female=count), good(title="Mendongeng"))
        assert ([(2, "participants.invalid")], 1) == (codes(result), result.counts.accepted)

    def test_huge_whole_number_cell_is_shown_by_its_first_digits(self) -> None:
        """A count cell of 5001 digits is reported with its leading digits (str() would refuse it)."""
        (problem,) = parse(good(participants_male=-(10**5000) - 7)).problems
        assert ("participants.invalid", "-10000000000000000000…") == (problem.code, problem.value)

    def test_text_rows_agree_across_gears(self) -> None:
        """The same hostile text rows give the same result through the fast path and the general reader."""
        rows = [
            good(reported_at="31/12/9999 23:30", library="Perpustakaan Desa Harapan"),
            good(reported_at="01/01/0001 00:00", title="b"), good(date="31/12/9999", title="c"),
            good(participants_male="9" * 5000, title="d"), good(participants_male="0" * 5000 + "7", title="e"),
            good(title="f"),
        ]
        fast, general = _both_gears(*rows)
        assert (general.counts, general.problems) == (fast.counts, fast.problems)
        assert (2, [2, 3, 4, 5]) == (fast.counts.accepted, [p.row for p in fast.problems])

    def test_row_that_raises_is_unreadable(self) -> None:
        """A cell whose reading raises rejects its row with row.unreadable naming the column; the next row is read."""
        result = parse(good(title=_Unprintable()), good(title="Mendongeng"))
        (problem,) = result.problems
        assert (2, "row.unreadable", Severity.ERROR, "Nama Kegiatan", "<_Unprintable>") == (
            problem.row, problem.code, problem.severity, problem.column, problem.value,
        )
        assert (1, 1) == (result.counts.accepted, result.counts.rejected)
        assert "Nama Kegiatan" in problem.message_id
        assert "Periksa isi baris ini" in problem.message_id
        assert "RuntimeError" in problem.message_en
        assert "Check the contents of this row" in problem.message_en

    def test_reader_bug_is_unreadable_with_the_value(self) -> None:
        """A reader that raises on one value rejects only that row, quoting the value and its column."""
        real = _slow.parse_whole_number

        def flaky(value: object) -> int | None:
            if value == "13":
                raise ArithmeticError("a bug")
            return real(value)

        # the general reader's bug (the fast path, which would take this clean row, is off)
        with mock.patch.object(_slow, "parse_whole_number", flaky), mock.patch.object(rows_module, "_FAST_PATH", False):
            result = parse(good(participants_male="13"), good(title="Mendongeng"))
        assert ([(2, "row.unreadable")], 1) == (codes(result), result.counts.accepted)
        assert "'13' in column 'Jumlah Peserta Laki-laki'" in result.problems[0].message_en
        assert "'13' di kolom 'Jumlah Peserta Laki-laki'" in result.problems[0].message_id

    def test_unreadable_without_a_culprit_says_so_plainly(self) -> None:
        """When no single cell raises on its own the message names no column."""
        with mock.patch.object(rows_module, "read_row", side_effect=ValueError("late")):
            result = parse(good(participants_male="x"))
        (problem,) = result.problems
        assert ("row.unreadable", "", "") == (problem.code, problem.column, problem.value)
        assert "This row cannot be read (ValueError) and is not counted. Check the contents of this row." == (
            problem.message_en
        )

    def test_fast_path_chunk_that_raises_falls_back(self) -> None:
        """A chunk on which the fast path raises is read by the general reader: no good row is lost."""
        real = _fast.parse_whole_number

        def flaky(value: object) -> int | None:
            if value == "13":
                raise ArithmeticError("a bug")
            return real(value)

        rows = [good(title=f"Kegiatan {i}", participants_male=str(10 + i)) for i in range(6)]
        with mock.patch.object(_fast, "parse_whole_number", flaky):
            fast, general = _both_gears(*rows)
        assert (6, ()) == (fast.counts.accepted, fast.problems)
        assert (general.counts, tuple(general.activities)) == (fast.counts, tuple(fast.activities))

    def test_configuration_errors_still_stop_the_run(self) -> None:
        """An unknown sheet zone is a configuration error, not an unreadable row."""
        with pytest.raises(ConfigError):
            parse(good(), sheet_timezone="Asia/Atlantis")
