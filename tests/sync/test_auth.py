"""Credentials: service-account keys through the real google-auth token flow, and clear messages."""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from typing import Any

import pendulum
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tpbis.adapters.google import SHEETS_SCOPE, load_credentials
from tpbis.adapters.sheets import open_spreadsheet
from tpbis.cli import main
from tpbis.domain.period import Period
from tpbis.errors import AuthError
from tpbis.rubrics import default_rubric
from tpbis.service.sync import SyncOptions, sync
from tpbis.testing import FaultRule, SheetsEmulator

ACCOUNT = "tpbis-sync@kepri-dispusip.iam.gserviceaccount.com"


@pytest.fixture(scope="module")
def private_key() -> str:
    """A fresh RSA key in PEM (generated once per module)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def key_file(tmp_path: Path, private_key: str, **changes: Any) -> Path:
    """A service-account JSON key as the Cloud Console downloads it."""
    info = {
        "type": "service_account",
        "project_id": "kepri-dispusip",
        "private_key_id": "0123456789abcdef",
        "private_key": private_key,
        "client_email": ACCOUNT,
        "client_id": "1234567890",
        "token_uri": "https://oauth2.googleapis.com/token",
        **changes,
    }
    path = tmp_path / "kunci.json"
    path.write_text(json.dumps(info), encoding="utf-8")
    return path


class TestServiceAccount:
    """A real key: google-auth signs a JWT, the emulator's /token issues an access token."""

    def test_sync_with_key_against_auth_requiring_emulator(
        self, tmp_path: Path, private_key: str, example_tabs: dict[str, Any], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Every API request carries a bearer token from /token; the scope is spreadsheets only."""
        with SheetsEmulator(require_auth=True) as emulator:
            monkeypatch.setenv("TPBIS_SHEETS_EMULATOR_HOST", emulator.host)
            key = emulator.create_spreadsheet("Kepri", sheets=example_tabs, time_zone="Asia/Jakarta")
            options = SyncOptions(periods=(Period.parse("2024-09"),), rubric=default_rubric(), owner="t",
                                  now=pendulum.datetime(2024, 10, 1, tz="UTC"))
            result = sync(open_spreadsheet(key, credentials=str(key_file(tmp_path, private_key))), options)
            token_requests = [r for r in emulator.requests if r.path == "/token"]
        assert ("written", 1) == (result.status, len(token_requests))
        claims = token_requests[0].body["assertion"].split(".")[1]
        decoded = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
        assert (ACCOUNT, SHEETS_SCOPE) == (decoded["iss"], decoded["scope"])

    def test_forbidden_names_the_service_account(
        self, tmp_path: Path, private_key: str, example_tabs: dict[str, Any], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A 403 says to share the sheet with the key's e-mail; the key itself is never printed."""
        with SheetsEmulator() as emulator:
            monkeypatch.setenv("TPBIS_SHEETS_EMULATOR_HOST", emulator.host)
            key = emulator.create_spreadsheet("Kepri", sheets=example_tabs)
            emulator.inject(FaultRule(status=403, times=1, path_contains="/v4/"))
            path = key_file(tmp_path, private_key)
            code = main(["sync", key, "--credentials", str(path)])
        assert 2 == code

    def test_forbidden_message_text(
        self, tmp_path: Path, private_key: str, example_tabs: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """The message names the account and the fix, in English with --lang en."""
        with SheetsEmulator() as emulator:
            monkeypatch.setenv("TPBIS_SHEETS_EMULATOR_HOST", emulator.host)
            key = emulator.create_spreadsheet("Kepri", sheets=example_tabs)
            emulator.inject(FaultRule(status=403, times=1, path_contains="/v4/"))
            main(["--lang", "en", "sync", key, "--credentials", str(key_file(tmp_path, private_key))])
        err = capsys.readouterr().err
        assert f"Share the spreadsheet as Editor with {ACCOUNT}" in err
        assert "PRIVATE KEY" not in err
        assert private_key[40:80] not in err


class TestBadCredentials:
    """Each mistake gives AuthError with a message saying what to do."""

    def test_not_json(self, tmp_path: Path) -> None:
        """A file that is not JSON."""
        path = tmp_path / "kunci.json"
        path.write_text("-----BEGIN PRIVATE KEY-----", encoding="utf-8")
        with pytest.raises(AuthError, match="JSON"):
            load_credentials([SHEETS_SCOPE], path)

    def test_wrong_type(self, tmp_path: Path, private_key: str) -> None:
        """A JSON file of another kind (e.g. an API key export)."""
        with pytest.raises(AuthError, match="external_account"):
            load_credentials([SHEETS_SCOPE], key_file(tmp_path, private_key, type="external_account"))

    def test_damaged_key(self, tmp_path: Path) -> None:
        """A service-account file whose private key is not a key."""
        with pytest.raises(AuthError) as info:
            load_credentials([SHEETS_SCOPE], key_file(tmp_path, "bukan kunci"))
        assert "bukan kunci" not in info.value.message("en")

    def test_oauth_client_without_extra(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """An OAuth client file asks for the oauth extra when google-auth-oauthlib is absent."""
        monkeypatch.setitem(sys.modules, "google_auth_oauthlib", None)  # import fails as if not installed
        monkeypatch.setitem(sys.modules, "google_auth_oauthlib.flow", None)
        path = tmp_path / "client.json"
        path.write_text(json.dumps({"installed": {"client_id": "x", "client_secret": "y"}}), encoding="utf-8")
        with pytest.raises(AuthError, match=r"tpbis\[oauth\]"):
            load_credentials([SHEETS_SCOPE], path)

    def test_no_credentials_at_all(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """No key, no variable, no ADC: the message lists the three ways."""
        import google.auth
        from google.auth.exceptions import DefaultCredentialsError

        def no_adc(**_: Any) -> Any:
            raise DefaultCredentialsError("none")

        monkeypatch.delenv("TPBIS_SHEETS_EMULATOR_HOST", raising=False)
        monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
        monkeypatch.setattr(google.auth, "default", no_adc)
        with pytest.raises(AuthError) as info:
            load_credentials([SHEETS_SCOPE])
        message = info.value.message("en")
        assert "--credentials" in message
        assert "GOOGLE_APPLICATION_CREDENTIALS" in message
        assert "gcloud auth application-default login" in message
