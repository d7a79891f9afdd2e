"""``tpbis form``: dry run, build against the emulator, XLSForm, drift check."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tpbis.cli.main import main
from tpbis.testing import EMULATOR_HOST_ENV, SheetsEmulator
from tpbis.testing._discovery import DiscoveryValidator, discovery_documents_dir, validate_log

REGISTRY = Path(__file__).parents[2] / "examples" / "kepri-2024-registry.csv"


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[SheetsEmulator]:
    """An emulator the CLI reaches through TPBIS_SHEETS_EMULATOR_HOST; its bodies must validate."""
    if discovery_documents_dir() is None:
        pytest.skip("google-api-python-client is not installed")
    with SheetsEmulator() as emu:
        monkeypatch.setenv(EMULATOR_HOST_ENV, emu.host)
        yield emu
    assert [] == validate_log(DiscoveryValidator.google(), emu.requests)


class TestFormCommand:
    """The form subcommands."""

    def test_dry_run_prints_request_bodies(self, capsys: pytest.CaptureFixture[str]) -> None:
        """--dry-run --format json prints forms.create, one batchUpdate and the publish call, valid per discovery."""
        assert 0 == main(["form", "build", "--registry", str(REGISTRY), "--dry-run", "--format", "json"])
        calls = json.loads(capsys.readouterr().out)
        assert ["forms.create", "forms.batchUpdate", "forms.setPublishSettings"] == [c["method"] for c in calls]
        if discovery_documents_dir() is not None:
            validator = DiscoveryValidator.google()
            assert [] == validator.validate_request("forms.forms.create", calls[0]["body"])
            assert [] == validator.validate_request("forms.forms.batchUpdate", calls[1]["body"])
            assert [] == validator.validate_request("forms.forms.setPublishSettings", calls[2]["body"])

    def test_build_then_check(self, emulator: SheetsEmulator, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
        """build writes the record; check finds no drift, then names a library missing from the dropdown."""
        record = tmp_path / "tpbis-form.json"
        assert 0 == main(["form", "build", "--registry", str(REGISTRY), "--record", str(record)])
        form_id = json.loads(record.read_text(encoding="utf-8"))["form_id"]
        assert form_id in capsys.readouterr().out
        assert 0 == main(["form", "check", "--registry", str(REGISTRY), "--record", str(record)])
        assert "cocok" in capsys.readouterr().out
        items = emulator.forms.form_json(form_id)["items"]
        options = items[0]["questionItem"]["question"]["choiceQuestion"]["options"]
        emulator.forms._forms[form_id].items[0]["questionItem"]["question"]["choiceQuestion"]["options"] = options[1:]
        assert 0 == main(["--lang", "en", "form", "check", "--registry", str(REGISTRY), "--record", str(record)])
        out = capsys.readouterr().out
        assert "library_missing" in out
        assert f"tpbis form build --form-id {form_id}" in out
        assert 0 == main(["form", "build", "--registry", str(REGISTRY), "--record", str(record), "--form-id", form_id])
        assert "1 perubahan" in capsys.readouterr().out

    def test_xlsform(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """xlsform writes the workbook and says how many questions and libraries it holds."""
        out = tmp_path / "laporan.xlsx"
        assert 0 == main(["form", "xlsform", str(out), "--registry", str(REGISTRY), "--regency", "Bintan"])
        assert out.exists()
        assert "9 pertanyaan" in capsys.readouterr().out
