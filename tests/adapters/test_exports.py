"""KoBoToolbox and ODK Central exports read with their semantics, against fixtures built from their documentation."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pendulum
import pytest

from tpbis.adapters.exports import (
    REVIEW_STATE_COLUMN,
    SUBMISSION_ID_COLUMN,
    ExportSource,
    open_export,
    read_export,
    review_state,
)
from tpbis.adapters.xlsform import read_export as reexported
from tpbis.domain.library import Registry
from tpbis.domain.rubric import Rubric
from tpbis.errors import SourceError
from tpbis.parsing.mapping import Field
from tpbis.parsing.rows import ParseResult, parse_responses
from tpbis.parsing.table import Table
from tpbis.testing import responses_table

FIXTURES = Path(__file__).parent / "exports"
UUIDS = ["3f1c1d2e-0001-4c1b-9a55-0a1b2c3d4e01", "3f1c1d2e-0002-4c1b-9a55-0a1b2c3d4e02",
         "3f1c1d2e-0003-4c1b-9a55-0a1b2c3d4e03"]
UTC = ["2024-09-02T22:30:00+00:00", "2024-09-05T03:00:00+00:00", "2024-09-06T10:15:00+00:00"]
#: the device's ``end`` times (written at +07:00) as UTC instants: the reporting time exports give
DEVICE_END = ["2024-09-02T22:29:41+00:00", "2024-09-05T02:59:02+00:00", "2024-09-06T10:14:30+00:00"]


def sheet_table() -> Table:
    """The same three reports as a Google Form writes them to its responses tab (local WIB stamps)."""
    return responses_table([
        {Field.REPORTED_AT: "2024-09-03T05:30:00+07:00", Field.LIBRARY: "Perpustakaan Desa Alang",
         Field.DATE: "2024-09-03", Field.TITLE: "Pelatihan menjahit", Field.KIND: "Pelatihan keterampilan",
         Field.PARTICIPANTS_MALE: "3", Field.PARTICIPANTS_FEMALE: "12",
         Field.PARTNERS: "PKK Desa Alang; Karang Taruna", Field.DOCUMENTATION_URL: "https://example.org/foto/1"},
        {Field.REPORTED_AT: "2024-09-05T10:00:00+07:00", Field.LIBRARY: "TBM Pelita", Field.DATE: "2024-09-04",
         Field.TITLE: "Berita kegiatan literasi\n(bagian 1)", Field.KIND: "Publikasi",
         Field.PARTICIPANTS_MALE: "0", Field.PARTICIPANTS_FEMALE: "0",
         Field.PUBLICATION_URLS: "https://news.example.id/berita-1"},
        {Field.REPORTED_AT: "2024-09-06T17:15:00+07:00", Field.LIBRARY: "Perpustakaan Kelurahan Sei Jang",
         Field.DATE: "2024-09-06", Field.TITLE: "Diskusi buku \u2018Caf\u00e9 Literasi\u2019",
         Field.KIND: "Promosi layanan (literatour, bimbingan pemustaka/referensi, mendongeng)",
         Field.PARTICIPANTS_MALE: "5", Field.PARTICIPANTS_FEMALE: "7", Field.REVIEW_STATUS: "rejected"},
    ])


def canonical(result: ParseResult) -> list[tuple[Any, ...]]:
    """What scoring uses of each activity except the reporting instant (see :func:`instants`)."""
    return [
        (a.library_id, a.date, a.title, a.kind, a.participants_male, a.participants_female, a.partners,
         a.documentation_url, a.publication_urls, a.reported_on)
        for a in result.activities
    ]


def instants(result: ParseResult) -> list[str]:
    """Each activity's reporting time as a UTC instant."""
    return [a.reported_at.in_timezone("UTC").isoformat() for a in result.activities]


EXPORTS = ["kobo_xml_groups.csv", "kobo_labels.xlsx", "odk_central.csv", "odk_central.csv.zip"]


class TestFixtures:
    """Every export fixture reads to the same canonical rows as the equivalent sheet."""

    @pytest.mark.parametrize("name", EXPORTS)
    def test_same_rows_as_the_sheet(self, name: str, registry: Registry, rubric: Rubric) -> None:
        """Library, date, title, kind, participants, links and reporting day match the sheet's; the
        reporting instant is the device's 'end' (seconds before the sheet's receipt stamp)."""
        expected = parse_responses(sheet_table(), registry, rubric)
        actual = parse_responses(read_export(FIXTURES / name), registry, rubric)
        assert canonical(expected) == canonical(actual)
        assert expected.counts == actual.counts
        assert 1 == actual.counts.excluded  # the third report was rejected by a reviewer
        assert ["submission.excluded"] == [p.code for p in actual.problems]
        assert UTC[:2] == instants(expected)
        assert DEVICE_END[:2] == instants(actual)

    @pytest.mark.parametrize("name", EXPORTS)
    def test_reporting_times_are_aware_device_end(self, name: str) -> None:
        """The reporting-time cells are the device's 'end' as aware datetimes (+07:00), not wall times."""
        table = read_export(FIXTURES / name)
        stamps = [row[0] for row in table.rows]
        assert all(isinstance(s, dt.datetime) and s.utcoffset() == dt.timedelta(hours=7) for s in stamps)
        assert DEVICE_END == [s.astimezone(dt.UTC).isoformat() for s in stamps if isinstance(s, dt.datetime)]

    @pytest.mark.parametrize(("name", "ids"), [
        ("kobo_xml_groups.csv", UUIDS), ("kobo_labels.xlsx", UUIDS),
        ("odk_central.csv", [f"uuid:{u}" for u in UUIDS]), ("odk_central.csv.zip", [f"uuid:{u}" for u in UUIDS]),
    ])
    def test_submission_ids_are_a_column_and_row_ids(self, name: str, ids: list[str]) -> None:
        """The submission id is carried in the 'Submission ID' column and as the row ids."""
        export = open_export(FIXTURES / name)
        column = export.table.header.index(SUBMISSION_ID_COLUMN)
        assert (SUBMISSION_ID_COLUMN, ids, ids) == (
            export.submission_id_column, [row[column] for row in export.table.rows], list(export.table.row_ids or []))

    @pytest.mark.parametrize(("name", "states"), [
        ("kobo_xml_groups.csv", ["approved", "", "rejected"]),
        ("kobo_labels.xlsx", ["approved", "hasIssues", "rejected"]),
        ("odk_central.csv", ["approved", "", "rejected"]),
        ("odk_central.csv.zip", ["approved", "", "rejected"]),
    ])
    def test_review_state_in_odk_words(self, name: str, states: list[str]) -> None:
        """KoBo's validation status and ODK's review state land in one ReviewState column, in ODK's words
        through review_state (the column keeps the file's own words, which problems quote)."""
        export = open_export(FIXTURES / name)
        column = export.table.header.index(REVIEW_STATE_COLUMN)
        assert (REVIEW_STATE_COLUMN, states) == (
            export.review_column, [review_state(row[column]) for row in export.table.rows])

    @pytest.mark.parametrize(("name", "source", "stamp"), [
        ("kobo_xml_groups.csv", ExportSource.KOBO, "end"),
        ("kobo_labels.xlsx", ExportSource.KOBO, "end"),
        ("odk_central.csv", ExportSource.ODK_CENTRAL, "end"),
        ("odk_central.csv.zip", ExportSource.ODK_CENTRAL, "end"),
    ])
    def test_metadata(self, name: str, source: ExportSource, stamp: str) -> None:
        """The export says which service wrote it and which columns fed the fields."""
        export = open_export(FIXTURES / name)
        assert (source, stamp) == (export.source, export.timestamp_column)
        assert Field.LIBRARY in export.columns
        assert export.columns[Field.PARTICIPANTS_MALE].endswith(("participants_male", "Jumlah Peserta Laki-laki"))


class TestUtcSemantics:
    """A report sent early in the morning WIB is not dated before its own activity."""

    def test_mapping_by_hand_misreads_utc_as_local(self, registry: Registry, rubric: Rubric) -> None:
        """The raw _submission_time read as a sheet wall time makes the 05:30 WIB report date.future; read_export does not."""
        raw = responses_table([{
            Field.REPORTED_AT: "2024-09-02T22:30:00", Field.LIBRARY: "desa-a", Field.DATE: "2024-09-03",
            Field.TITLE: "Pelatihan menjahit", Field.KIND: "pelatihan", Field.PARTICIPANTS_MALE: "3",
            Field.PARTICIPANTS_FEMALE: "12"}])
        by_hand = parse_responses(raw, registry, rubric, sheet_timezone="Asia/Jakarta")
        exported = parse_responses(read_export(FIXTURES / "kobo_xml_groups.csv"), registry, rubric,
                                   sheet_timezone="Asia/Jakarta")
        assert ["date.future"] == [p.code for p in by_hand.problems]
        assert "date.future" not in [p.code for p in exported.problems]
        assert pendulum.date(2024, 9, 3) == exported.activities[0].reported_on

    def test_device_end_keeps_its_offset(self, tmp_path: Path) -> None:
        """Without a submission time, 'end' is used with the offset the device wrote."""
        path = tmp_path / "x.csv"
        _write(path, ["end", "library", "date", "title", "kind"],
               [["2024-09-03T05:29:41.000+08:00", "desa-a", "2024-09-03", "T", "pelatihan"]])
        (stamp,) = [row[0] for row in read_export(path).rows]
        assert dt.datetime(2024, 9, 3, 5, 29, 41, tzinfo=dt.timezone(dt.timedelta(hours=8))) == stamp
        assert dt.timedelta(hours=8) == stamp.utcoffset()  # type: ignore[union-attr]

    def test_device_end_preferred_over_submission_time(self, tmp_path: Path) -> None:
        """With both, 'end' (when the report was finished) wins over the later server receipt."""
        path = _write(tmp_path / "x.csv", ["_submission_time", "end", *NAMES],
                      [["2024-09-10T03:00:00", "2024-09-03T05:29:41.000+07:00", *ROW[1:]]])
        export = open_export(path)
        stamp = export.table.rows[0][0]
        assert ("end", "2024-09-02T22:29:41+00:00") == (
            export.timestamp_column, stamp.astimezone(dt.UTC).isoformat() if isinstance(stamp, dt.datetime) else stamp)

    def test_blank_end_falls_back_to_submission_time(self, tmp_path: Path) -> None:
        """A row without 'end' (a web submission that lost it) takes its UTC submission time."""
        path = _write(tmp_path / "x.csv", ["SubmissionDate", "end", *NAMES, "KEY"],
                      [["2024-09-05T03:00:00.000Z", "", *ROW[1:], "uuid:1"],
                       ["2024-09-05T03:00:00.000Z", "2024-09-05T09:59:02.000+07:00", *ROW[1:], "uuid:2"]])
        stamps = [row[0] for row in read_export(path).rows]
        assert [dt.datetime(2024, 9, 5, 3, tzinfo=dt.UTC), dt.datetime(2024, 9, 5, 2, 59, 2, tzinfo=dt.UTC)] == stamps

    def test_unreadable_stamp_is_left_for_the_parser(self, tmp_path: Path, registry: Registry, rubric: Rubric) -> None:
        """A submission time that is not ISO text stays as written, so the parser reports timestamp.invalid."""
        path = tmp_path / "x.csv"
        _write(path, ["_submission_time", "library", "date", "title", "kind", "participants_male",
                      "participants_female", "publication_urls"],
               [["kemarin", "desa-a", "2024-09-03", "T", "pelatihan", "1", "1", ""]])
        result = parse_responses(read_export(path), registry, rubric)
        assert [("timestamp.invalid", "kemarin")] == [(p.code, p.value) for p in result.problems]


def _write(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


ROW = ["2024-09-02T22:30:00", "desa-a", "2024-09-03", "Pelatihan menjahit", "pelatihan", "3", "12"]
NAMES = ["library", "date", "title", "kind", "participants_male", "participants_female"]


class TestHeaders:
    """Headers map to tpbis's titles whatever the grouping or language."""

    @pytest.mark.parametrize("prefix", ["", "laporan/", "laporan-", "laporan:", "laporan.", "a/b/"])
    def test_group_separators(self, prefix: str, tmp_path: Path) -> None:
        """XML names bare or under a group path (/, -, :, ., nested) read the same."""
        path = _write(tmp_path / "k.csv", ["_submission_time", *(prefix + n for n in NAMES), "_uuid"], [[*ROW, "u1"]])
        table = read_export(path)
        assert ["desa-a", "2024-09-03", "Pelatihan menjahit", "pelatihan", "3", "12"] == list(table.rows[0][1:7])

    def test_english_labels_with_hierarchy(self, tmp_path: Path) -> None:
        """English label headers, group label first, map to the fields (labels with '-' are not split)."""
        labels = ["Library", "Activity date", "Activity name", "Activity type", "Male participants",
                  "Female participants"]
        path = _write(tmp_path / "k.csv", ["_submission_time", *(f"Report/{x}" for x in labels)], [ROW])
        export = open_export(path)
        assert {Field.LIBRARY: "Report/Library", Field.PARTICIPANTS_FEMALE: "Report/Female participants"} == {
            f: export.columns[f] for f in (Field.LIBRARY, Field.PARTICIPANTS_FEMALE)}

    def test_indonesian_label_with_hyphen(self, tmp_path: Path) -> None:
        """'Jumlah Peserta Laki-laki' is a label, not the group 'Jumlah Peserta Laki' and a field 'laki'."""
        path = _write(tmp_path / "k.csv", ["_submission_time", "Nama Perpustakaan", "Tanggal Kegiatan",
                                           "Nama Kegiatan", "Jenis Kegiatan", "Jumlah Peserta Laki-laki"], [ROW[:6]])
        assert "Jumlah Peserta Laki-laki" == open_export(path).columns[Field.PARTICIPANTS_MALE]

    def test_output_header(self) -> None:
        """The output has the default Indonesian titles, then the id and review columns."""
        header = read_export(FIXTURES / "odk_central.csv").header
        assert ("Cap waktu", "Nama Perpustakaan") == header[:2]
        assert (SUBMISSION_ID_COLUMN, REVIEW_STATE_COLUMN) == header[-2:]

    def test_missing_columns(self, tmp_path: Path) -> None:
        """An export without the form's columns names what is missing and what was found."""
        path = _write(tmp_path / "lain.csv", ["a", "b"], [["1", "2"]])
        with pytest.raises(SourceError, match=r"_submission_time.*library.*'a', 'b'"):
            read_export(path)


class TestContainers:
    """Exports are told by content: zip downloads, XLSX sheets, any file name."""

    def test_zip_ignores_repeats_and_media(self, tmp_path: Path) -> None:
        """The main CSV is read even when a repeat CSV comes first in the zip."""
        table = read_export(FIXTURES / "odk_central.csv.zip")
        assert ("tpbis_laporan_kegiatan.csv", 3) == (table.name, len(table.rows))

    def test_zip_without_main_csv(self, tmp_path: Path) -> None:
        """A zip with only repeat CSVs and media is a SourceError naming what it holds."""
        path = tmp_path / "x.csv.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("f-foto.csv", "foto,PARENT_KEY,KEY\n")
            archive.writestr("media/a.jpg", b"x")
        with pytest.raises(SourceError, match=r"f-foto\.csv"):
            read_export(path)

    def test_file_name_does_not_matter(self, tmp_path: Path) -> None:
        """An XLSX saved as .dat and a zip saved as .bin read by their content."""
        xlsx = shutil.copy(FIXTURES / "kobo_labels.xlsx", tmp_path / "unduhan.dat")
        archive = shutil.copy(FIXTURES / "odk_central.csv.zip", tmp_path / "unduhan.bin")
        assert (3, 3) == (len(read_export(xlsx).rows), len(read_export(archive).rows))

    def test_xlsx_sheet_named_after_the_form(self) -> None:
        """The submissions sheet is found although it is not called 'Form Responses'."""
        assert "Laporan Kegiatan Perpustakaan T" == read_export(FIXTURES / "kobo_labels.xlsx").name

    def test_semicolon_kobo_csv_with_forced_delimiter(self) -> None:
        """A forced delimiter is passed to the CSV reader."""
        assert 3 == len(read_export(FIXTURES / "kobo_xml_groups.csv", delimiter=";").rows)

    def test_xlsform_reexports_read_export(self) -> None:
        """tpbis.adapters.xlsform.read_export is the same function."""
        assert read_export is reexported


class TestReviewState:
    """Review statuses in ODK Central's words."""

    @pytest.mark.parametrize(("value", "expected"), [
        ("validation_status_not_approved", "rejected"), ("Not Approved", "rejected"),
        ("validation_status_approved", "approved"), ("Approved", "approved"),
        ("validation_status_on_hold", "hasIssues"), ("On Hold", "hasIssues"),
        ("rejected", "rejected"), ("hasIssues", "hasIssues"), ("edited", "edited"), ("received", "received"),
        ("", ""), (None, ""), ("Menunggu", "Menunggu"),
    ])
    def test_words(self, value: str | None, expected: str) -> None:
        """KoBo ids and labels map; ODK words pass; blanks stay blank; unknown words are kept."""
        assert expected == review_state(value)


PARSED = ["library", "date", "title", "kind", "participants_male", "participants_female", "publication_urls"]


class TestExcelResave:
    """A KoBo CSV re-saved by Excel keeps its UTC submission time UTC (hostile test F1)."""

    def test_day_first_submission_time_is_utc(self, tmp_path: Path, registry: Registry, rubric: Rubric) -> None:
        """'02/09/2024 22:30' (Excel's rewrite of 2024-09-02T22:30:00 UTC) is 05:30 WIB on 3 Sep: not date.future."""
        path = _write(tmp_path / "k.csv", ["_submission_time", *PARSED, "_uuid"],
                      [["02/09/2024 22:30", "desa-a", "03/09/2024", "Pelatihan menjahit", "pelatihan", "3", "12", "",
                        "u1"]], delimiter=";")
        export = open_export(path)
        result = parse_responses(export.table, registry, rubric, sheet_timezone="Asia/Jakarta")
        assert dt.datetime(2024, 9, 2, 22, 30, tzinfo=dt.UTC) == export.table.rows[0][0]
        assert ([], [pendulum.date(2024, 9, 3)]) == (
            [p.code for p in result.problems], [a.reported_on for a in result.activities])

    def test_month_first_when_told(self, tmp_path: Path) -> None:
        """With day_first=False the same text reads month first, as the parser would."""
        path = _write(tmp_path / "k.csv", ["_submission_time", *NAMES], [["09/02/2024 22:30", *ROW[1:]]])
        assert dt.datetime(2024, 9, 2, 22, 30, tzinfo=dt.UTC) == open_export(path, day_first=False).table.rows[0][0]

    def test_device_wall_time_left_to_the_parser(self, tmp_path: Path) -> None:
        """An Excel-rewritten 'end' (a device's wall time, offset lost) stays text for the parser to zone."""
        path = _write(tmp_path / "k.csv", ["end", *NAMES], [["03/09/2024 05:29", *ROW[1:]]])
        assert "03/09/2024 05:29" == open_export(path).table.rows[0][0]


class TestRepeatColumns:
    """A same-named field in a repeat or another group never silently feeds the report (F12)."""

    def test_repeat_column_before_the_main_one_is_ignored(self, tmp_path: Path) -> None:
        """rpt[1]/date and rpt[1]/title placed first: the report's own date and title are read."""
        path = _write(tmp_path / "k.csv", ["rpt[1]/title", "rpt[1]/date", "_submission_time", *NAMES],
                      [["sub judul", "2020-01-01", *ROW]])
        export = open_export(path)
        assert ({Field.DATE: "date", Field.TITLE: "title"}, ["2024-09-03", "Pelatihan menjahit"]) == (
            {f: export.columns[f] for f in (Field.DATE, Field.TITLE)}, list(export.table.rows[0][2:4]))

    def test_top_level_wins_over_a_group(self, tmp_path: Path) -> None:
        """A bare 'date' is the report's; 'lain/date' (another group's field) is not taken."""
        path = _write(tmp_path / "k.csv", ["_submission_time", "lain/date", *NAMES], [[ROW[0], "2020-01-01", *ROW[1:]]])
        assert "date" == open_export(path).columns[Field.DATE]

    def test_two_groups_are_ambiguous(self, tmp_path: Path) -> None:
        """Two grouped columns for one field and no top-level one: one error naming both columns."""
        path = _write(tmp_path / "k.csv", ["_submission_time", "a/date", "b/date", "library", "title", "kind"],
                      [["2024-09-02T22:30:00", "2024-09-03", "2024-09-04", "desa-a", "T", "pelatihan"]])
        with pytest.raises(SourceError, match=r"'date'.*'a/date', 'b/date'"):
            open_export(path)

    def test_only_a_repeat_column_is_missing(self, tmp_path: Path) -> None:
        """A field found only inside a repeat is reported missing, not read from the repeat."""
        path = _write(tmp_path / "k.csv", ["_submission_time", "library", "rpt[1]/date", "title", "kind"],
                      [["2024-09-02T22:30:00", "desa-a", "2020-01-01", "T", "pelatihan"]])
        with pytest.raises(SourceError, match=r"no column date|kolom date"):
            open_export(path)


class TestStatusObject:
    """KoBo's validation status written as an object (API / XLS downloads) is understood (F14)."""

    @pytest.mark.parametrize(("value", "expected"), [
        ('{"timestamp": 1725600000, "uid": "validation_status_not_approved", "by_whom": "admin", '
         '"label": "Not approved"}', "rejected"),
        ("{'timestamp': 1725600000, 'uid': 'validation_status_approved', 'by_whom': 'admin', 'label': 'Approved'}",
         "approved"),
        ('{"uid": "validation_status_on_hold"}', "hasIssues"),
        ("{}", ""),
        ("{not a status", "{not a status"),
    ])
    def test_words(self, value: str, expected: str) -> None:
        """JSON or a Python dict's text: the label, else the uid, in ODK's words; other braces stay as written."""
        assert expected == review_state(value)

    def test_rejected_object_is_excluded(self, tmp_path: Path, registry: Registry, rubric: Rubric) -> None:
        """A row whose status object says not approved is excluded, and the problem quotes its label."""
        status = ('{"timestamp": 1725600000, "uid": "validation_status_not_approved", "by_whom": "admin", '
                  '"label": "Not approved"}')
        path = _write(tmp_path / "k.csv", ["_submission_time", *PARSED, "_uuid", "_validation_status"],
                      [["2024-09-02T22:30:00", "desa-a", "2024-09-03", "T", "pelatihan", "1", "1", "", "u1", status]])
        result = parse_responses(read_export(path), registry, rubric)
        assert (1, [("submission.excluded", "_validation_status", "Not approved")]) == (
            result.counts.excluded, [(p.code, p.column, p.value) for p in result.problems])


class TestProblemsNameTheFile:
    """Problems of an export name the file's own column and value, and the submission id (F15)."""

    def test_excluded_names_validation_status(self, registry: Registry, rubric: Rubric) -> None:
        """KoBo's rejected row: column '_validation_status', value 'Not Approved', its _uuid."""
        result = parse_responses(read_export(FIXTURES / "kobo_xml_groups.csv"), registry, rubric)
        assert [("submission.excluded", "_validation_status", "Not Approved", UUIDS[2])] == [
            (p.code, p.column, p.value, p.response_id) for p in result.problems]

    def test_field_problem_names_the_grouped_header(self, tmp_path: Path, registry: Registry, rubric: Rubric) -> None:
        """A bad date under 'laporan/date' is reported at 'laporan/date', not 'Tanggal Kegiatan'."""
        path = _write(tmp_path / "k.csv", ["_submission_time", *(f"laporan/{n}" for n in PARSED), "_uuid"],
                      [["2024-09-02T22:30:00", "desa-a", "kemarin", "T", "pelatihan", "1", "1", "", "u1"]])
        result = parse_responses(read_export(path), registry, rubric)
        assert [("date.invalid", "laporan/date", "kemarin", "u1")] == [
            (p.code, p.column, p.value, p.response_id) for p in result.problems]

    def test_timestamp_problem_names_the_stamp_column(self, tmp_path: Path, registry: Registry, rubric: Rubric) -> None:
        """An unreadable submission time is reported at '_submission_time'."""
        path = _write(tmp_path / "k.csv", ["_submission_time", *PARSED],
                      [["kemarin", "desa-a", "2024-09-03", "T", "pelatihan", "1", "1", ""]])
        result = parse_responses(read_export(path), registry, rubric)
        assert [("_submission_time", "kemarin")] == [(p.column, p.value) for p in result.problems]
