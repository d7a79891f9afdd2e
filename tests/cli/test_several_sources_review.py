"""Hostile-review regressions of several SOURCEs in one run (issue #14 item 1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tpbis.cli import main


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
