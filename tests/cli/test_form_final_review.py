"""``tpbis form build`` interrupted after the form was created (hostile review of #13/#14 follow-ups)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.cli.test_form import REGISTRY, _service_account_key

from tpbis.cli.main import main
from tpbis.testing import EMULATOR_HOST_ENV, FaultRule, SheetsEmulator, trust_test_keys
from tpbis.testing._discovery import DiscoveryValidator, discovery_documents_dir, validate_log


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[SheetsEmulator]:
    """An emulator the CLI reaches through TPBIS_SHEETS_EMULATOR_HOST; its bodies must validate."""
    if discovery_documents_dir() is None:
        pytest.skip("google-api-python-client is not installed")
    with SheetsEmulator() as emu, trust_test_keys(emu):
        monkeypatch.setenv(EMULATOR_HOST_ENV, emu.host)
        yield emu
    assert [] == validate_log(DiscoveryValidator.google(), emu.requests)


def _created(emu: SheetsEmulator) -> list[str]:
    return [str(r.response["formId"]) for r in emu.requests
            if r.api_method == "forms.forms.create" and r.status == 200]


@pytest.mark.parametrize("status", [400, 403])
def test_failed_batch_update_names_the_form_and_the_rerun_fills_it(
        emulator: SheetsEmulator, tmp_path: Path, capsys: pytest.CaptureFixture[str], status: int) -> None:
    """The first batchUpdate fails (refused, or no access): the empty new form is named; the rerun
    with --form-id gives it every question and publishes it, creating no second form."""
    record = tmp_path / "r.json"
    emulator.inject(FaultRule(status=status, path_contains=":batchUpdate", times=20))
    code = main(["--lang", "en", "form", "build", "--registry", str(REGISTRY), "--record", str(record)])
    err = capsys.readouterr().err
    (form_id,) = _created(emulator)
    assert (code in (2, 3), f"--form-id {form_id}" in err, "Traceback" in err, record.exists()) == (
        True, True, False, False)
    emulator.clear_faults()
    assert 0 == main(["--lang", "en", "form", "build", "--registry", str(REGISTRY), "--record", str(record),
                      "--form-id", form_id])
    assert [form_id] == _created(emulator)
    form = emulator.forms.form_json(form_id)
    assert json.loads(record.read_text(encoding="utf-8"))["form_id"] == form_id
    assert len(form["items"]) >= 8
    assert form["publishSettings"]["publishState"]["isAcceptingResponses"]


def test_failed_batch_update_in_a_folder_keeps_the_title(
        emulator: SheetsEmulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With --folder (Drive creates an untitled form) a failed first batchUpdate is finished by the rerun, title
    included."""
    key = _service_account_key(tmp_path / "sa.json", f"{emulator.base_url}/token")
    folder = emulator.create_folder("TPBIS", shared_drive=True)
    record = tmp_path / "r.json"
    emulator.inject(FaultRule(status=400, path_contains=":batchUpdate"))
    base = ["--lang", "en", "form", "build", "--registry", str(REGISTRY), "--credentials", str(key),
            "--folder", folder, "--record", str(record)]
    assert 2 == main(base)
    err = capsys.readouterr().err
    create = [r for r in emulator.requests if r.api_method == "drive.files.create" and r.status == 200]
    form_id = str(create[0].response["id"])
    assert f"--form-id {form_id}" in err
    assert 0 == main([*base, "--form-id", form_id])
    form = emulator.forms.form_json(form_id)
    assert 1 == len([r for r in emulator.requests if r.api_method == "drive.files.create"])
    assert (form["info"]["title"], len(form["items"]) >= 8) == (form["info"]["documentTitle"], True)


def test_record_that_cannot_be_written_names_the_new_form(
        emulator: SheetsEmulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The form is built but its record cannot be saved (--record names a folder): one message naming the new
    form and --form-id, exit 2, no traceback; the rerun with --form-id and a good --record creates no second form."""
    folder = tmp_path / "a-folder"
    folder.mkdir()
    assert 2 == main(["--lang", "en", "form", "build", "--registry", str(REGISTRY), "--record", str(folder)])
    err = capsys.readouterr().err
    (form_id,) = _created(emulator)
    assert (f"--form-id {form_id}" in err, "Traceback" in err, str(folder) in err) == (True, False, True)
    record = tmp_path / "r.json"
    assert 0 == main(["--lang", "en", "form", "build", "--registry", str(REGISTRY), "--record", str(record),
                      "--form-id", form_id])
    assert ([form_id], json.loads(record.read_text(encoding="utf-8"))["form_id"]) == (_created(emulator), form_id)
