"""One SOURCE for every command: workbooks, CSVs, Google Sheets, KoBoToolbox and ODK Central exports."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from discovery_tally import assert_valid
from tpbis.adapters.csvfile import read_csv_table
from tpbis.adapters.xlsx import read_workbook
from tpbis.cli import main
from tpbis.forms.schema import build_schema, label_aliases
from tpbis.parsing.mapping import Field
from tpbis.parsing.registry import read_registry
from tpbis.rubrics import default_rubric
from tpbis.testing import SheetsEmulator, google_tabs, responses_table
from tpbis.testing._discovery import DiscoveryValidator

ROOT = Path(__file__).resolve().parents[2]
WORKBOOK = ROOT / "examples" / "kepri-2024.xlsx"
EXPORTS_DIR = ROOT / "tests" / "adapters" / "exports"
EXPORTS = ["kobo_xml_groups.csv", "kobo_labels.xlsx", "odk_central.csv", "odk_central.csv.zip"]
UUID_1 = "3f1c1d2e-0001-4c1b-9a55-0a1b2c3d4e01"
REGISTRY_CSV = """id,nama,jenis,provinsi,kabupaten_kota
desa-a,Perpustakaan Desa Alang,desa,Kepulauan Riau,Kabupaten Bintan
desa-b,Perpustakaan Desa Busung,desa,Kepulauan Riau,Kabupaten Bintan
kel-c,Perpustakaan Kelurahan Sei Jang,kelurahan,Kepulauan Riau,Kota Tanjungpinang
tbm-d,TBM Pelita,tbm,Kepulauan Riau,Kota Tanjungpinang
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of one in-process run."""
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def score_json(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> dict[str, Any]:
    """The JSON document of ``tpbis score … --period 2024-09 --format json`` (which must succeed)."""
    code, out, err = run(capsys, "score", *argv, "--period", "2024-09", "--format", "json")
    assert (0, "") == (code, err)
    document: dict[str, Any] = json.loads(out)
    return document


def url(key: str) -> str:
    """The address a browser shows for a spreadsheet."""
    return f"https://docs.google.com/spreadsheets/d/{key}/edit#gid=0"


@pytest.fixture
def emulator(discovery: DiscoveryValidator, monkeypatch: pytest.MonkeyPatch) -> Iterator[SheetsEmulator]:
    """A running emulator that tpbis reaches through TPBIS_SHEETS_EMULATOR_HOST (bodies checked afterwards)."""
    with SheetsEmulator() as emu:
        monkeypatch.setenv("TPBIS_SHEETS_EMULATOR_HOST", emu.host)
        monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
        yield emu
    assert_valid(discovery, emu.requests)


@pytest.fixture
def registry_csv(tmp_path: Path) -> Path:
    """The four libraries the export fixtures report for, as a registry CSV."""
    path = tmp_path / "perpustakaan.csv"
    path.write_text(REGISTRY_CSV, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No tpbis.toml or TPBIS_* setting of the developer leaks in."""
    monkeypatch.chdir(tmp_path)
    for name in ("TPBIS_CONFIG", "TPBIS_REGISTRY", "TPBIS_LANG", "TPBIS_SHEET_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)


class TestSheetsUrl:
    """`score`, `awards` and `report` read a Google spreadsheet like the workbook it was made from."""

    @pytest.fixture
    def key(self, emulator: SheetsEmulator) -> str:
        """The example workbook's tabs in a spreadsheet on the emulator."""
        tabs = google_tabs(read_workbook(WORKBOOK))
        return emulator.create_spreadsheet("TPBIS Kepri 2024", sheets=tabs, time_zone="Asia/Jakarta")

    def test_score(self, capsys: pytest.CaptureFixture[str], key: str) -> None:
        """The URL scores to the same counts and results as the .xlsx."""
        expected = score_json(capsys, WORKBOOK)
        actual = score_json(capsys, url(key))
        assert (expected["counts"], expected["results"]) == (actual["counts"], actual["results"])

    def test_bare_key(self, capsys: pytest.CaptureFixture[str], key: str) -> None:
        """A bare spreadsheet key is a source too."""
        assert score_json(capsys, WORKBOOK)["results"] == score_json(capsys, key)["results"]

    def test_awards(self, capsys: pytest.CaptureFixture[str], key: str) -> None:
        """Award shortlists and contests from the URL match the .xlsx's (the Lomba tab is read too)."""
        argv = ("--period", "2024", "--format", "json")
        code_x, expected, _ = run(capsys, "awards", WORKBOOK, *argv)
        code_u, actual, _ = run(capsys, "awards", url(key), *argv)
        assert (0, 0) == (code_x, code_u)
        assert _comparable(json.loads(expected)) == _comparable(json.loads(actual))

    def test_report(self, capsys: pytest.CaptureFixture[str], key: str, tmp_path: Path) -> None:
        """The HTML report from the URL is the one the .xlsx gives."""
        code_x, _, _ = run(capsys, "report", WORKBOOK, "--period", "2024-09", "-o", tmp_path / "x.html")
        code_u, out, _ = run(capsys, "report", url(key), "--period", "2024-09", "-o", tmp_path / "u.html")
        assert (0, 0) == (code_x, code_u)
        assert str(tmp_path / "u.html") in out
        assert _without_values((tmp_path / "x.html").read_text(encoding="utf-8")) == _without_values(
            (tmp_path / "u.html").read_text(encoding="utf-8"))

    def test_registry_from_a_spreadsheet(
        self, capsys: pytest.CaptureFixture[str], key: str, tmp_path: Path
    ) -> None:
        """--registry takes a spreadsheet URL: a responses CSV scores against the spreadsheet's registry tab."""
        responses = tmp_path / "respons.csv"
        responses.write_bytes((ROOT / "examples" / "kepri-2024-responses.csv").read_bytes())
        expected = score_json(capsys, WORKBOOK)["results"]
        assert expected == score_json(capsys, responses, "--registry", url(key))["results"]

    def test_unknown_spreadsheet(self, capsys: pytest.CaptureFixture[str], emulator: SheetsEmulator) -> None:
        """A spreadsheet that does not exist: exit 2, one message, the key intact."""
        code, _, err = run(capsys, "score", url("x" * 44), "--period", "2024-09")
        assert (2, 1) == (code, len(err.splitlines()))
        assert "x" * 44 in err


def _comparable(document: dict[str, Any]) -> dict[str, Any]:
    """A JSON document with each problem's cell value left out: Google hands an unreadable date cell
    over as its serial number where the .xlsx reader sees the cell's text."""
    problems = [{k: v for k, v in p.items() if k != "value"} for p in document["problems"]]
    return {**document, "problems": problems}


def _without_values(html: str) -> str:
    """A report with the problems' value cells emptied (see :func:`_comparable`)."""
    return re.sub(r'(<td [^>]*class="cell-wrap v">).*?(</td>)', r"\1\2", html)


def sheet_tabs(registry_csv: Path) -> dict[str, list[list[Any]]]:
    """The export fixtures' three reports as a Google Form writes them (WIB stamps, a review column),
    with the registry tab: the Sheets path to compare the exports against."""
    responses = responses_table([
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
    return google_tabs({"Respons Formulir 1": responses, "Perpustakaan": read_csv_table(registry_csv)})


class TestExports:
    """A KoBoToolbox or ODK Central export scores like the same reports read from Google Sheets."""

    @pytest.mark.parametrize("name", EXPORTS)
    def test_same_results_as_the_sheets_path(
        self, name: str, capsys: pytest.CaptureFixture[str], emulator: SheetsEmulator, registry_csv: Path
    ) -> None:
        """Counts and every library's result are equal; the reviewer-rejected report is excluded in both."""
        key = emulator.create_spreadsheet("Laporan", sheets=sheet_tabs(registry_csv), time_zone="Asia/Jakarta")
        expected = score_json(capsys, url(key))
        actual = score_json(capsys, EXPORTS_DIR / name, "--registry", registry_csv)
        assert (expected["counts"], expected["results"]) == (actual["counts"], actual["results"])
        assert (1, 2) == (actual["counts"]["excluded"], actual["counts"]["accepted"])

    @pytest.mark.parametrize(("name", "ident"), [
        ("kobo_xml_groups.csv", "3f1c1d2e-0003-4c1b-9a55-0a1b2c3d4e03"),
        ("odk_central.csv.zip", "uuid:3f1c1d2e-0003-4c1b-9a55-0a1b2c3d4e03"),
    ])
    def test_problems_name_the_submission(
        self, name: str, ident: str, capsys: pytest.CaptureFixture[str], registry_csv: Path
    ) -> None:
        """A problem of an export row carries that submission's id as its response_id."""
        problems = score_json(capsys, EXPORTS_DIR / name, "--registry", registry_csv)["problems"]
        assert [("submission.excluded", ident)] == [(p["code"], p.get("response_id")) for p in problems]

    def test_same_instance_twice_is_a_duplicate(
        self, capsys: pytest.CaptureFixture[str], registry_csv: Path, tmp_path: Path
    ) -> None:
        """An ODK submission exported twice (same instance id) counts once, the other as a duplicate."""
        lines = (EXPORTS_DIR / "odk_central.csv").read_text(encoding="utf-8").splitlines()
        path = tmp_path / "dua-kali.csv"
        path.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
        counts = score_json(capsys, path, "--registry", registry_csv)["counts"]
        assert (4, 2, 1) == (counts["rows"], counts["accepted"], counts["duplicates"])

    def test_edited_instance_is_a_duplicate(
        self, capsys: pytest.CaptureFixture[str], registry_csv: Path, tmp_path: Path
    ) -> None:
        """The same instance id again with an edited title counts once; the problem names the id."""
        lines = (EXPORTS_DIR / "odk_central.csv").read_text(encoding="utf-8").splitlines()
        edited = lines[1].replace("Pelatihan menjahit", "Pelatihan menjahit (revisi)")
        assert edited != lines[1]
        path = tmp_path / "disunting.csv"
        path.write_text("\n".join([*lines, edited]) + "\n", encoding="utf-8")
        document = score_json(capsys, path, "--registry", registry_csv)
        duplicates = [p for p in document["problems"] if p["code"] == "activity.duplicate"]
        assert ((4, 2, 1), [f"uuid:{UUID_1}"]) == (
            (document["counts"]["rows"], document["counts"]["accepted"], document["counts"]["duplicates"]),
            [p["response_id"] for p in duplicates])
        assert f"uuid:{UUID_1}" in duplicates[0]["message_en"]

    def test_excel_resaved_kobo_csv(self, capsys: pytest.CaptureFixture[str], registry_csv: Path, tmp_path: Path) -> None:
        """A KoBo CSV whose _submission_time Excel rewrote as '02/09/2024 22:30' (UTC) scores the 05:30 WIB report."""
        header = ["library", "date", "title", "kind", "participants_male", "participants_female", "publication_urls",
                  "_uuid", "_submission_time", "_validation_status"]
        row = ["desa-a", "03/09/2024", "Pelatihan menjahit", "pelatihan", "3", "12", "", "u1", "02/09/2024 22:30",
               "Approved"]
        path = tmp_path / "excel.csv"
        path.write_bytes((";".join(header) + "\r\n" + ";".join(row) + "\r\n").encode("cp1252"))
        document = score_json(capsys, path, "--registry", registry_csv)
        assert ((1, 0), []) == (
            (document["counts"]["accepted"], document["counts"]["rejected"]), document["problems"])

    def test_problems_listing_names_the_submission(
        self, capsys: pytest.CaptureFixture[str], registry_csv: Path
    ) -> None:
        """--problems shows the submission id next to the row, and the file's own column and value."""
        code, out, _ = run(capsys, "score", EXPORTS_DIR / "kobo_xml_groups.csv", "--registry", registry_csv,
                           "--period", "2024-09", "--problems", "--lang", "en")
        lines = out.splitlines()
        header = next(line for line in lines if line.startswith("Row |"))
        line = next(line for line in lines if "submission.excluded" in line)
        assert (0, ["Row", "Submission ID", "Column"]) == (code, header.split(" | ")[:3])
        assert ["4", "3f1c1d2e-0003-4c1b-9a55-0a1b2c3d4e03", "_validation_status"] == line.split(" | ")[:3]
        assert line.endswith("| Not Approved")

    def test_report_names_the_submission(
        self, capsys: pytest.CaptureFixture[str], registry_csv: Path, tmp_path: Path
    ) -> None:
        """The HTML report's problem list has the submission id."""
        out = tmp_path / "laporan.html"
        code, _, err = run(capsys, "report", EXPORTS_DIR / "kobo_xml_groups.csv", "--registry", registry_csv,
                           "--period", "2024-09", "-o", out)
        html = out.read_text(encoding="utf-8")
        assert (0, "", True, True) == (
            code, err, ">ID kiriman</th>" in html, ">3f1c1d2e-0003-4c1b-9a55-0a1b2c3d4e03</td>" in html)

    def test_export_without_registry(self, capsys: pytest.CaptureFixture[str]) -> None:
        """An export has no registry tab: exit 2 and a message that says to use --registry."""
        code, _, err = run(capsys, "score", EXPORTS_DIR / "odk_central.csv", "--period", "2024-09")
        assert (2, 1) == (code, len(err.splitlines()))
        assert "--registry" in err


class TestCsvEncodings:
    """Excel's CSV flavours score like a plain UTF-8 CSV."""

    @pytest.fixture
    def utf8(self, tmp_path: Path) -> Path:
        """The reports as a plain UTF-8, comma-separated CSV."""
        path = tmp_path / "utf8.csv"
        path.write_bytes((EXPORTS_DIR / "excel_utf8_bom.csv").read_bytes().removeprefix(b"\xef\xbb\xbf"))
        return path

    @pytest.mark.parametrize("name", ["excel_id_semicolon_cp1252.csv", "excel_unicode_text.txt", "excel_utf8_bom.csv"])
    def test_detected(self, name: str, utf8: Path, capsys: pytest.CaptureFixture[str], registry_csv: Path) -> None:
        """cp1252 with ';', UTF-16 with tabs and UTF-8 with a BOM give the UTF-8 file's counts and results."""
        expected = score_json(capsys, utf8, "--registry", registry_csv)
        actual = score_json(capsys, EXPORTS_DIR / name, "--registry", registry_csv)
        assert (expected["counts"], expected["results"]) == (actual["counts"], actual["results"])
        assert 3 == actual["counts"]["accepted"]

    def test_forced_encoding_and_delimiter(
        self, utf8: Path, capsys: pytest.CaptureFixture[str], registry_csv: Path
    ) -> None:
        """--encoding and --delimiter are used as given."""
        expected = score_json(capsys, utf8, "--registry", registry_csv)["results"]
        actual = score_json(capsys, EXPORTS_DIR / "excel_id_semicolon_cp1252.csv", "--registry", registry_csv,
                            "--encoding", "cp1252", "--delimiter", "semicolon")["results"]
        assert expected == actual

    def test_wrong_forced_encoding(self, capsys: pytest.CaptureFixture[str], registry_csv: Path) -> None:
        """A UTF-16 file forced as UTF-8 cannot be read: exit 2 with one message naming the file."""
        code, _, err = run(capsys, "score", EXPORTS_DIR / "excel_unicode_text.txt", "--registry", registry_csv,
                           "--period", "2024-09", "--encoding", "utf-8")
        assert (2, 1) == (code, len(err.splitlines()))
        assert "excel_unicode_text.txt" in err


class TestSourceKind:
    """--source-kind overrides what the content says."""

    def test_export_read_as_plain_csv(self, capsys: pytest.CaptureFixture[str], registry_csv: Path) -> None:
        """A KoBo CSV forced to 'csv' is read as a sheet: its XML-name headers are not the form's titles."""
        code, _, err = run(capsys, "score", EXPORTS_DIR / "kobo_xml_groups.csv", "--registry", registry_csv,
                           "--period", "2024-09", "--source-kind", "csv", "--lang", "en")
        assert (2, 1) == (code, len(err.splitlines()))
        assert "laporan/library" in err

    def test_sheet_csv_forced_as_an_export(self, capsys: pytest.CaptureFixture[str], registry_csv: Path) -> None:
        """A plain sheet CSV forced to 'odk_csv' is read with the export reader, which lacks a submission time."""
        code, _, err = run(capsys, "score", EXPORTS_DIR / "excel_utf8_bom.csv", "--registry", registry_csv,
                           "--period", "2024-09", "--source-kind", "odk_csv")
        assert (2, 1) == (code, len(err.splitlines()))
        assert "_submission_time/SubmissionDate" in err

    def test_forced_export_kind_reads_a_renamed_file(
        self, capsys: pytest.CaptureFixture[str], registry_csv: Path, tmp_path: Path
    ) -> None:
        """An ODK CSV saved under another name reads the same when its kind is forced."""
        path = tmp_path / "unduhan.dat"
        path.write_bytes((EXPORTS_DIR / "odk_central.csv").read_bytes())
        expected = score_json(capsys, EXPORTS_DIR / "odk_central.csv", "--registry", registry_csv)["results"]
        assert expected == score_json(capsys, path, "--registry", registry_csv, "--source-kind", "odk_csv")["results"]

    def test_forced_zip_on_a_plain_csv_is_refused(self, capsys: pytest.CaptureFixture[str], registry_csv: Path) -> None:
        """'odk_zip' forced on an ODK CSV is honoured, not re-detected: the file is no zip, exit 2 naming it."""
        code, _, err = run(capsys, "score", EXPORTS_DIR / "odk_central.csv", "--registry", registry_csv,
                           "--period", "2024-09", "--source-kind", "odk_zip")
        assert (2, 1, True) == (code, len(err.splitlines()), "odk_central.csv" in err)

    def test_forced_csv_export_kind_on_a_zip_is_refused(
        self, capsys: pytest.CaptureFixture[str], registry_csv: Path
    ) -> None:
        """'kobo_csv' forced on an ODK zip reads it as a CSV, which it is not: exit 2, not a silent zip read."""
        code, _, err = run(capsys, "score", EXPORTS_DIR / "odk_central.csv.zip", "--registry", registry_csv,
                           "--period", "2024-09", "--source-kind", "kobo_csv")
        assert (2, 1) == (code, len(err.splitlines()))

    def test_unknown_kind(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A kind that does not exist is an argument error (exit 2) listing the choices."""
        with pytest.raises(SystemExit) as stop:
            main(["score", str(WORKBOOK), "--period", "2024-09", "--source-kind", "excel"])
        assert 2 == stop.value.code
        assert "kobo_csv" in capsys.readouterr().err


class TestUnusableSource:
    """A source tpbis cannot open: exit 2 and one message, the text given kept as written."""

    def test_missing_file(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A missing file is named."""
        code, _, err = run(capsys, "score", "tidak-ada.xlsx", "--period", "2024-09", "--lang", "en")
        assert (2, ["tpbis: Error: File 'tidak-ada.xlsx' not found. Check the path."]) == (code, err.splitlines())

    @pytest.mark.parametrize("command", ["score", "awards", "report"])
    def test_unknown_url_is_not_mangled(self, command: str, capsys: pytest.CaptureFixture[str]) -> None:
        """A URL that is no Google spreadsheet is quoted whole, never turned into a path ('https:/…')."""
        code, _, err = run(capsys, command, "https://example.com/laporan.csv", "--period", "2024-09")
        assert (2, 1) == (code, len(err.splitlines()))
        assert "'https://example.com/laporan.csv'" in err

    def test_sheets_url_without_credentials(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        """A Sheets URL needs credentials like sync does: a missing key file is exit 2, its path named."""
        monkeypatch.delenv("TPBIS_SHEETS_EMULATOR_HOST", raising=False)
        code, _, err = run(capsys, "score", url("k" * 44), "--period", "2024-09",
                           "--credentials", tmp_path / "kunci.json")
        assert (2, 1) == (code, len(err.splitlines()))
        assert "kunci.json" in err
        assert "https:/docs" not in err


class TestRegistrySetting:
    """The registry comes from --registry, TPBIS_REGISTRY or tpbis.toml."""

    def test_from_tpbis_toml(self, capsys: pytest.CaptureFixture[str], registry_csv: Path, tmp_path: Path) -> None:
        """registry = "…" in tpbis.toml, relative to that file, is used without --registry."""
        folder = tmp_path / "proyek"
        folder.mkdir()
        (folder / "daftar.csv").write_text(REGISTRY_CSV, encoding="utf-8")
        (folder / "tpbis.toml").write_text('registry = "daftar.csv"\n', encoding="utf-8")
        expected = score_json(capsys, EXPORTS_DIR / "odk_central.csv", "--registry", registry_csv)["results"]
        actual = score_json(capsys, EXPORTS_DIR / "odk_central.csv", "--config", folder / "tpbis.toml")["results"]
        assert expected == actual

    def test_from_environment(
        self, capsys: pytest.CaptureFixture[str], registry_csv: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """TPBIS_REGISTRY names the registry."""
        monkeypatch.setenv("TPBIS_REGISTRY", str(registry_csv))
        assert 4 == len(score_json(capsys, EXPORTS_DIR / "odk_central.csv")["results"])


SINDANGSARI = """id,nama,jenis,provinsi,kabupaten_kota
sindangsari-bogor,Perpustakaan Desa Sindangsari,desa,Jawa Barat,Kabupaten Bogor
sindangsari-garut,Perpustakaan Desa Sindangsari,desa,Jawa Barat,Kabupaten Garut
desa-lain,Perpustakaan Desa Sukamaju,desa,Jawa Barat,Kabupaten Bogor
"""


class TestFormLabels:
    """Responses to a tpbis-built form name same-named libraries by their "Name — Kab. X" labels."""

    def test_kobo_rows_match_the_right_library(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """Two 'Perpustakaan Desa Sindangsari' in different regencies each get their own report."""
        registry = tmp_path / "jabar.csv"
        registry.write_text(SINDANGSARI, encoding="utf-8")
        labels = label_aliases(build_schema(default_rubric(), read_registry(read_csv_table(registry))))
        assert labels["sindangsari-bogor"] != labels["sindangsari-garut"]
        export = tmp_path / "kobo.csv"
        rows = ["_submission_time;_uuid;laporan/library;laporan/date;laporan/title;laporan/kind;"
                "laporan/participants_male;laporan/participants_female"]
        for n, library in enumerate(("sindangsari-garut", "sindangsari-garut", "sindangsari-bogor")):
            rows.append(f"2024-09-0{n + 2}T03:00:00;u{n};{labels[library]};2024-09-0{n + 1};Kegiatan {n};"
                        f"pelatihan;3;4")
        export.write_text("\n".join(rows) + "\n", encoding="utf-8")
        document = score_json(capsys, export, "--registry", registry)
        assert (3, []) == (document["counts"]["accepted"], [p["code"] for p in document["problems"]])
        assert {"sindangsari-bogor": 1, "sindangsari-garut": 2, "desa-lain": 0} == {
            r["library_id"]: r["activities"] for r in document["results"]}


class TestSyncSources:
    """`tpbis sync` takes the same sources: a responses source writes into --output."""

    def test_export_into_a_workbook(self, capsys: pytest.CaptureFixture[str], registry_csv: Path,
                                    tmp_path: Path) -> None:
        """A KoBo export with --registry and --output book.xlsx writes the output tabs into the book."""
        book = tmp_path / "hasil.xlsx"
        workbook = openpyxl.Workbook()
        workbook.active.title = "Catatan"  # type: ignore[union-attr]
        workbook.save(book)
        code, out, err = run(capsys, "sync", EXPORTS_DIR / "kobo_labels.xlsx", "--registry", registry_csv,
                             "--output", book, "--period", "2024-09", "--format", "json")
        assert (0, "") == (code, err)
        assert {"rows": 3, "accepted": 2, "rejected": 0, "duplicates": 0, "blank": 0} == json.loads(out)["counts"]
        assert {"Catatan", "Skor KPI"} <= set(read_workbook(book))

    def test_problems_tab_names_the_submission(self, capsys: pytest.CaptureFixture[str], registry_csv: Path,
                                               tmp_path: Path) -> None:
        """'Masalah Data' gives the submission id next to the row, and the export's own column and value."""
        book = tmp_path / "hasil.xlsx"
        openpyxl.Workbook().save(book)
        code, _, err = run(capsys, "sync", EXPORTS_DIR / "kobo_xml_groups.csv", "--registry", registry_csv,
                           "--output", book, "--period", "2024-09")
        assert (0, "") == (code, err)
        tab = read_workbook(book)["Masalah Data"]
        assert ("Baris", "ID kiriman", "Kolom") == tab.header[1:4]
        assert [(4, "3f1c1d2e-0003-4c1b-9a55-0a1b2c3d4e03", "_validation_status", "Not Approved")] == [
            (row[1], row[2], row[3], row[-1]) for row in tab.rows]

    def test_export_without_output(self, capsys: pytest.CaptureFixture[str], registry_csv: Path) -> None:
        """An export has nowhere to write: exit 2 and a message naming --output."""
        code, _, err = run(capsys, "sync", EXPORTS_DIR / "odk_central.csv", "--registry", registry_csv)
        assert (2, 1) == (code, len(err.splitlines()))
        assert "--output" in err

    def test_output_workbook_missing(self, capsys: pytest.CaptureFixture[str], registry_csv: Path,
                                     tmp_path: Path) -> None:
        """--output naming no workbook yet: exit 2, one line saying it must be an existing workbook (not
        "file not found", which reads as if the SOURCE were missing); nothing is created."""
        book = tmp_path / "baru.xlsx"
        code, _, err = run(capsys, "sync", EXPORTS_DIR / "odk_central.csv", "--registry", registry_csv,
                           "--output", book, "--lang", "en")
        assert (2, 1) == (code, len(err.splitlines()))
        assert "does not exist" in err
        assert "existing .xlsx workbook" in err
        assert not book.exists()


class TestXlsformVersion:
    """`tpbis form xlsform` derives the version from the form's content by default."""

    def test_default_version_is_derived(self, capsys: pytest.CaptureFixture[str], registry_csv: Path,
                                        tmp_path: Path) -> None:
        """Without --version the settings sheet holds the content-derived version, the same on every run."""
        first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
        assert 0 == run(capsys, "form", "xlsform", first, "--registry", registry_csv)[0]
        assert 0 == run(capsys, "form", "xlsform", second, "--registry", registry_csv)[0]
        versions = [_setting(path, "version") for path in (first, second)]
        assert versions[0] == versions[1]
        assert versions[0] not in ("", "1", None)


def _setting(path: Path, name: str) -> object:
    settings = read_workbook(path)["settings"]
    return settings.rows[0][settings.header.index(name)]
