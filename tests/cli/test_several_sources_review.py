"""Hostile-review regressions of several SOURCEs in one run (issue #14 item 1)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from discovery_tally import assert_valid
from tpbis.adapters.csvfile import read_csv_table
from tpbis.cli import main
from tpbis.parsing.mapping import Field
from tpbis.testing import SheetsEmulator, google_tabs, responses_table
from tpbis.testing._discovery import DiscoveryValidator


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("TPBIS_CONFIG", "TPBIS_REGISTRY", "TPBIS_RUBRIC", "TPBIS_LANG"):
        monkeypatch.delenv(name, raising=False)


class TestSourcesEntries:
    """A ``[[sources]]`` written another way is one clear message naming the entry (exit 2), not the
    converter's reading of a text character by character, nor a folder taken as the source."""

    @pytest.mark.parametrize(("toml", "index"), [
        ('sources = ["kepri.xlsx", "kobo.csv"]\n', 1),
        ('sources = "kepri.xlsx"\n', 1),
        ('[sources]\npath = "kepri.xlsx"\n', 1),
        ('[[sources]]\npath = ""\n', 1),
        ('[[sources]]\npath = "kepri.xlsx"\n\n[[sources]]\nurl = "  "\n', 2),
    ])
    def test_clear_message(self, capsys: pytest.CaptureFixture[str], tmp_path: Path, toml: str, index: int) -> None:
        (tmp_path / "tpbis.toml").write_text(toml, encoding="utf-8")
        code = main(["--lang", "en", "score", "--period", "2024"])
        err = capsys.readouterr().err
        assert 2 == code
        assert f"[[sources]] entry {index} needs exactly one of path" in err
        assert "Traceback" not in err
        assert "sources[1]" not in err


EXPORTS = Path(__file__).resolve().parents[1] / "adapters" / "exports"
REGISTRY_CSV = """id,nama,jenis,provinsi,kabupaten_kota
desa-a,Perpustakaan Desa Alang,desa,Kepulauan Riau,Kabupaten Bintan
desa-b,Perpustakaan Desa Busung,desa,Kepulauan Riau,Kabupaten Bintan
kel-c,Perpustakaan Kelurahan Sei Jang,kelurahan,Kepulauan Riau,Kota Tanjungpinang
tbm-d,TBM Pelita,tbm,Kepulauan Riau,Kota Tanjungpinang
"""


class TestSubmissionIdsAcrossSources:
    """Two exports of one ODK/KoBo form (last month's and this month's, both cumulative): a submission
    edited in between (another title, another day) is one report, as it is inside one export."""

    def test_edited_submission_in_two_exports_counts_once(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        (tmp_path / "perpustakaan.csv").write_text(REGISTRY_CSV, encoding="utf-8")
        lines = (EXPORTS / "odk_central.csv").read_text(encoding="utf-8").splitlines()
        edited = lines[1].replace("Pelatihan menjahit", "Kelas menjahit lanjutan").replace(
            ",2024-09-03,", ",2024-08-20,")
        assert edited != lines[1]
        (tmp_path / "september.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (tmp_path / "oktober.csv").write_text("\n".join([lines[0], edited]) + "\n", encoding="utf-8")
        code = main(["--lang", "en", "score", "september.csv", "oktober.csv", "--registry", "perpustakaan.csv",
                     "--period", "2024", "--format", "json"])
        captured = capsys.readouterr()
        assert 0 == code, captured.err
        document = json.loads(captured.out)
        counts = document["counts"]
        assert (4, 2, 1, 0) == (counts["rows"], counts["accepted"], counts["duplicates"], counts["rejected"])
        duplicate = [p for p in document["problems"] if p["code"] == "activity.duplicate"]
        assert ["uuid:3f1c1d2e-0001-4c1b-9a55-0a1b2c3d4e01"] == [p["response_id"] for p in duplicate]
        assert "Duplicate of row 2 of " in duplicate[0]["message_en"]  # the other export, by name


@pytest.fixture
def emulator(discovery: DiscoveryValidator, monkeypatch: pytest.MonkeyPatch) -> Iterator[SheetsEmulator]:
    with SheetsEmulator() as emu:
        monkeypatch.setenv("TPBIS_SHEETS_EMULATOR_HOST", emu.host)
        monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
        yield emu
    assert_valid(discovery, emu.requests)


def _sheet(emulator: SheetsEmulator, registry: Path) -> str:
    """The export fixtures' three reports as a Google Form writes them, in a spreadsheet kept in WIT."""
    responses = responses_table([
        {Field.REPORTED_AT: "2024-09-03T07:30:00+09:00", Field.LIBRARY: "Perpustakaan Desa Alang",
         Field.DATE: "2024-09-03", Field.TITLE: "Pelatihan menjahit", Field.KIND: "Pelatihan keterampilan",
         Field.PARTICIPANTS_MALE: "3", Field.PARTICIPANTS_FEMALE: "12",
         Field.DOCUMENTATION_URL: "https://example.org/foto/1"},
        {Field.REPORTED_AT: "2024-09-05T12:00:00+09:00", Field.LIBRARY: "TBM Pelita", Field.DATE: "2024-09-04",
         Field.TITLE: "Berita kegiatan literasi\n(bagian 1)", Field.KIND: "Publikasi",
         Field.PARTICIPANTS_MALE: "0", Field.PARTICIPANTS_FEMALE: "0",
         Field.PUBLICATION_URLS: "https://news.example.id/berita-1"},
    ])
    tabs = google_tabs({"Respons Formulir 1": responses, "Perpustakaan": read_csv_table(registry)})
    return emulator.create_spreadsheet("Laporan Kepri", sheets=tabs, time_zone="Asia/Jayapura")


class TestThreeKindsInOneRun:
    """A Google Sheet (in another time zone), a KoBo CSV and a KoBo XLSX export of the same reports."""

    def test_score_counts_each_report_once(
        self, capsys: pytest.CaptureFixture[str], emulator: SheetsEmulator, tmp_path: Path
    ) -> None:
        registry = tmp_path / "perpustakaan.csv"
        registry.write_text(REGISTRY_CSV, encoding="utf-8")
        key = _sheet(emulator, registry)
        code = main(["--lang", "en", "score", key, str(EXPORTS / "kobo_xml_groups.csv"),
                     str(EXPORTS / "kobo_labels.xlsx"), "--period", "2024-09", "--format", "json"])
        captured = capsys.readouterr()
        assert 0 == code, captured.err
        document = json.loads(captured.out)
        counts = document["counts"]
        assert (8, 2, 4, 2) == (counts["rows"], counts["accepted"], counts["duplicates"], counts["excluded"])
        channels = {p["channel"] for p in document["problems"]}
        assert {"sheets", "kobo_csv", "kobo_xlsx"} == channels

    def test_sync_writes_only_the_first(
        self, capsys: pytest.CaptureFixture[str], emulator: SheetsEmulator, tmp_path: Path
    ) -> None:
        """The spreadsheet gets the output tabs; the exports read with it are left byte for byte."""
        registry = tmp_path / "perpustakaan.csv"
        registry.write_text(REGISTRY_CSV, encoding="utf-8")
        key = _sheet(emulator, registry)
        before = emulator.values(key, "Respons Formulir 1")
        kobo = tmp_path / "kobo.xlsx"
        kobo.write_bytes((EXPORTS / "kobo_labels.xlsx").read_bytes())
        digest = hashlib.sha256(kobo.read_bytes()).hexdigest()
        code = main(["--lang", "en", "sync", key, str(kobo), "--period", "2024-09", "--format", "json"])
        captured = capsys.readouterr()
        assert 0 == code, captured.err
        document = json.loads(captured.out)
        assert ("written", 2, 2) == (document["status"], document["counts"]["accepted"],
                                     document["counts"]["duplicates"])
        assert before == emulator.values(key, "Respons Formulir 1")
        assert digest == hashlib.sha256(kobo.read_bytes()).hexdigest()
        assert len(emulator.tabs(key)) > 2
