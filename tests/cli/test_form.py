"""``tpbis form``: dry run, build against the emulator, XLSForm, drift check."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tpbis.cli.main import main
from tpbis.testing import EMULATOR_HOST_ENV, FaultRule, SheetsEmulator, trust_test_keys
from tpbis.testing._discovery import DiscoveryValidator, discovery_documents_dir, validate_log

REGISTRY = Path(__file__).parents[2] / "examples" / "kepri-2024-registry.csv"


@pytest.fixture
def emulator(monkeypatch: pytest.MonkeyPatch) -> Iterator[SheetsEmulator]:
    """An emulator the CLI reaches through TPBIS_SHEETS_EMULATOR_HOST; its bodies must validate."""
    if discovery_documents_dir() is None:
        pytest.skip("google-api-python-client is not installed")
    with SheetsEmulator() as emu, trust_test_keys(emu):
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


def _service_account_key(path: Path, token_uri: str) -> Path:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    path.write_text(json.dumps({
        "type": "service_account", "project_id": "tpbis-test", "private_key_id": "0" * 40, "private_key": pem,
        "client_email": "tpbis@tpbis-test.iam.gserviceaccount.com", "client_id": "1" * 21, "token_uri": token_uri,
    }), encoding="utf-8")
    return path


class TestFormPublishing:
    """form build publishes the form, and creates it where its owner has Drive storage."""

    def test_build_publishes_and_says_so(self, emulator: SheetsEmulator, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
        """The last call is setPublishSettings (valid per discovery); JSON says published with the responder URL."""
        record = tmp_path / "tpbis-form.json"
        assert 0 == main(["form", "build", "--registry", str(REGISTRY), "--record", str(record), "--format", "json"])
        document = json.loads(capsys.readouterr().out)
        publish = emulator.requests[-1]
        expected_body = {"publishSettings": {"publishState": {"isPublished": True, "isAcceptingResponses": True}},
                         "updateMask": "publishState"}
        assert ("forms.forms.setPublishSettings", expected_body) == (publish.api_method, publish.body)
        assert [] == DiscoveryValidator.google().validate_request("forms.forms.setPublishSettings", publish.body)
        form = emulator.forms.form_json(document["form"]["form_id"])
        assert (True, form["responderUri"]) == (document["published"], document["responder_uri"])
        assert {"publishState": {"isPublished": True, "isAcceptingResponses": True}} == form["publishSettings"]

    def test_no_publish_leaves_a_form_that_refuses_responses(self, emulator: SheetsEmulator, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
        """With --no-publish the new form is unpublished, says so, and a respondent's answer is refused."""
        record = tmp_path / "tpbis-form.json"
        assert 0 == main(["--lang", "en", "form", "build", "--registry", str(REGISTRY), "--record", str(record),
                          "--no-publish"])
        assert "NOT published" in capsys.readouterr().out
        form_id = json.loads(record.read_text(encoding="utf-8"))["form_id"]
        assert {"publishState": {"isPublished": False, "isAcceptingResponses": False}} == (
            emulator.forms.form_json(form_id)["publishSettings"])
        with pytest.raises(ValueError, match="not accepting responses"):
            emulator.submit_form_response(form_id, {})
        assert 0 == main(["--lang", "en", "form", "build", "--registry", str(REGISTRY), "--record", str(record),
                          "--form-id", form_id])
        assert ["forms.forms.get", "forms.forms.setPublishSettings"] == [
            r.api_method for r in emulator.requests[-2:]]
        assert emulator.forms.form_json(form_id)["publishSettings"]["publishState"]["isAcceptingResponses"]

    def test_failed_publish_names_the_form_and_the_rerun_finishes_it(
            self, emulator: SheetsEmulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """The publish fails after the form was created: the error names the new form and --form-id; the rerun
        with it publishes that form and creates no second one."""
        record = tmp_path / "tpbis-form.json"
        emulator.inject(FaultRule(status=400, path_contains=":setPublishSettings"))  # not retried
        assert 2 == main(["--lang", "en", "form", "build", "--registry", str(REGISTRY), "--record", str(record)])
        err = capsys.readouterr().err
        forms = [r.response["formId"] for r in emulator.requests
                 if r.api_method == "forms.forms.create" and r.status == 200]
        assert 1 == len(forms)
        assert f"--form-id {forms[0]}" in err
        assert not record.exists()
        emulator.clear_faults()
        assert 0 == main(["--lang", "en", "form", "build", "--registry", str(REGISTRY), "--record", str(record),
                          "--form-id", forms[0]])
        assert 1 == len([r for r in emulator.requests if r.api_method == "forms.forms.create"])
        assert emulator.forms.form_json(forms[0])["publishSettings"]["publishState"]["isAcceptingResponses"]

    def test_service_account_without_folder_is_refused(self, emulator: SheetsEmulator, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
        """A service-account key alone stops with exit 2 naming the three fixes, before any request."""
        key = _service_account_key(tmp_path / "sa.json", f"{emulator.base_url}/token")
        assert 2 == main(["--lang", "en", "form", "build", "--registry", str(REGISTRY), "--credentials", str(key),
                          "--record", str(tmp_path / "r.json")])
        err = capsys.readouterr().err
        assert ["--credentials client_secret.json", "--folder FOLDER_ID", "--subject user@domain"] == [
            fix for fix in ("--credentials client_secret.json", "--folder FOLDER_ID", "--subject user@domain")
            if fix in err]
        assert [] == [r for r in emulator.requests if r.api_method and r.api_method.startswith("forms.")]

    def test_service_account_builds_in_shared_drive_folder(self, emulator: SheetsEmulator, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
        """With --folder the form is created by Drive in the shared drive (supportsAllDrives), then published."""
        key = _service_account_key(tmp_path / "sa.json", f"{emulator.base_url}/token")
        folder = emulator.create_folder("TPBIS", shared_drive=True)
        record = tmp_path / "r.json"
        assert 0 == main(["form", "build", "--registry", str(REGISTRY), "--credentials", str(key),
                          "--folder", folder, "--record", str(record)])
        form_id = json.loads(record.read_text(encoding="utf-8"))["form_id"]
        create = next(r for r in emulator.requests if r.api_method == "drive.files.create")
        assert (["true"], "application/vnd.google-apps.form") == (create.query["supportsAllDrives"],
                                                                 create.body["mimeType"])
        assert [folder] == emulator.drive_file(form_id)["parents"]
        form = emulator.forms.form_json(form_id)
        assert (form["info"]["documentTitle"], True) == (
            form["info"]["title"], form["publishSettings"]["publishState"]["isPublished"])

    def test_service_account_in_my_drive_folder_names_the_fix(self, emulator: SheetsEmulator, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
        """A folder outside a shared drive gets Drive's storageQuotaExceeded, reported with the fix."""
        key = _service_account_key(tmp_path / "sa.json", f"{emulator.base_url}/token")
        folder = emulator.create_folder("Mine")
        assert 2 == main(["--lang", "en", "form", "build", "--registry", str(REGISTRY), "--credentials", str(key),
                          "--folder", folder, "--record", str(tmp_path / "r.json")])
        err = capsys.readouterr().err
        assert ("storageQuotaExceeded" in err, "shared-drive folder" in err) == (True, True)
        create = next(r for r in emulator.requests if r.api_method is None and r.path == "/drive/v3/files")
        assert (403, "storageQuotaExceeded") == (create.status, create.response["error"]["errors"][0]["reason"])


class TestRecordFolder:
    """The record's folder is checked before a form is created (found by a hostile review)."""

    def test_missing_folder_creates_nothing(self, emulator: SheetsEmulator, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
        """A --record in a missing folder: exit 2, one message, and no form created."""
        code = main(["--lang", "en", "form", "build", "--registry", str(REGISTRY),
                     "--record", str(tmp_path / "missing" / "r.json")])
        err = capsys.readouterr().err
        assert (2, True, 1) == (code, "no form was created" in err, len(err.strip().splitlines()))
        assert [] == [r for r in emulator.requests if r.api_method and r.api_method.startswith("forms.")]


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
