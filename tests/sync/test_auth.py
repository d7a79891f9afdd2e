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

from tpbis.adapters._routing import emulator_session, mount_emulator
from tpbis.adapters._signin import GoogleSession, SignInRequest
from tpbis.adapters.google import SHEETS_SCOPE, google_session, load_credentials
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


def key_session(emulator: SheetsEmulator, path: Path) -> Any:
    """tpbis's own authorised session for a real key, routed to the emulator by the test kit.

    With TPBIS_SHEETS_EMULATOR_HOST tpbis refuses real keys (they would travel over plain
    HTTP); a test that wants the real JWT flow against the emulator builds the route itself.
    """
    credentials = load_credentials([SHEETS_SCOPE], path)
    signin = emulator_session(emulator.base_url)
    return mount_emulator(GoogleSession(credentials, auth_request=SignInRequest(signin)), emulator.base_url)


def sync_options() -> SyncOptions:
    """One month of the default rubric."""
    return SyncOptions(periods=(Period.parse("2024-09"),), rubric=default_rubric(), owner="t",
                       now=pendulum.datetime(2024, 10, 1, tz="UTC"))


class TestServiceAccount:
    """A real key: google-auth signs a JWT, the emulator's /token issues an access token."""

    def test_sync_with_key_against_auth_requiring_emulator(
        self, tmp_path: Path, private_key: str, example_tabs: dict[str, Any]
    ) -> None:
        """Every API request carries a bearer token from /token; the scope is spreadsheets only."""
        with SheetsEmulator(require_auth=True) as emulator:
            key = emulator.create_spreadsheet("Kepri", sheets=example_tabs, time_zone="Asia/Jakarta")
            session = key_session(emulator, key_file(tmp_path, private_key))
            result = sync(open_spreadsheet(key, session=session), sync_options())
            token_requests = [r for r in emulator.requests if r.path == "/token"]
        assert ("written", 1) == (result.status, len(token_requests))
        claims = token_requests[0].body["assertion"].split(".")[1]
        decoded = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))
        assert (ACCOUNT, SHEETS_SCOPE) == (decoded["iss"], decoded["scope"])

    def test_forbidden_names_the_service_account(
        self, tmp_path: Path, private_key: str, example_tabs: dict[str, Any]
    ) -> None:
        """A 403 is AuthError (exit 2) saying to share the sheet with the key's e-mail, in both languages."""
        with SheetsEmulator() as emulator:
            key = emulator.create_spreadsheet("Kepri", sheets=example_tabs)
            emulator.inject(FaultRule(status=403, times=1, path_contains="/v4/"))
            session = key_session(emulator, key_file(tmp_path, private_key))
            with pytest.raises(AuthError) as info:
                sync(open_spreadsheet(key, session=session), sync_options())
        assert 2 == info.value.exit_code
        assert f"Share the spreadsheet as Editor with {ACCOUNT}" in info.value.message("en")
        assert ACCOUNT in info.value.message("id")

    def test_forbidden_message_never_shows_the_key(
        self, tmp_path: Path, private_key: str, example_tabs: dict[str, Any]
    ) -> None:
        """The message names the account, never the private key."""
        with SheetsEmulator() as emulator:
            key = emulator.create_spreadsheet("Kepri", sheets=example_tabs)
            emulator.inject(FaultRule(status=403, times=1, path_contains="/v4/"))
            session = key_session(emulator, key_file(tmp_path, private_key))
            with pytest.raises(AuthError) as info:
                sync(open_spreadsheet(key, session=session), sync_options())
        text = info.value.message("en") + info.value.message("id")
        assert "PRIVATE KEY" not in text
        assert private_key[40:80] not in text


class TestEmulatorWithRealCredentials:
    """With TPBIS_SHEETS_EMULATOR_HOST set a real key is refused before anything is sent."""

    def test_cli_refuses_key_with_emulator(
        self, tmp_path: Path, private_key: str, example_tabs: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """`sync --credentials KEY` with the emulator variable set: exit 2, zero requests, the variable named."""
        with SheetsEmulator(require_auth=True) as emulator:
            monkeypatch.setenv("TPBIS_SHEETS_EMULATOR_HOST", emulator.host)
            key = emulator.create_spreadsheet("Kepri", sheets=example_tabs)
            before = len(emulator.requests)
            code = main(["--lang", "en", "sync", key, "--credentials", str(key_file(tmp_path, private_key))])
            sent = len(emulator.requests) - before
        err = capsys.readouterr().err
        assert (2, 0) == (code, sent)
        assert "unset TPBIS_SHEETS_EMULATOR_HOST" in err
        assert "PRIVATE KEY" not in err

    def test_application_credentials_variable_with_emulator(
        self, tmp_path: Path, private_key: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """GOOGLE_APPLICATION_CREDENTIALS plus the emulator variable is refused too (which one was meant?)."""
        monkeypatch.setenv("TPBIS_SHEETS_EMULATOR_HOST", "127.0.0.1:9")
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file(tmp_path, private_key)))
        with pytest.raises(AuthError) as info:
            load_credentials([SHEETS_SCOPE])
        assert "TPBIS_SHEETS_EMULATOR_HOST" in info.value.message("id")

    def test_credentials_object_with_emulator(
        self, tmp_path: Path, private_key: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Ready service-account credentials handed to google_session are refused while the emulator is set."""
        monkeypatch.delenv("TPBIS_SHEETS_EMULATOR_HOST", raising=False)
        credentials = load_credentials([SHEETS_SCOPE], key_file(tmp_path, private_key))
        monkeypatch.setenv("TPBIS_SHEETS_EMULATOR_HOST", "10.0.0.5:8080")
        with pytest.raises(AuthError) as info:
            google_session([SHEETS_SCOPE], credentials=credentials)
        assert ACCOUNT in info.value.message("en")

    def test_anonymous_with_emulator_is_allowed(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """No key named: the emulator's anonymous credentials, which carry no secret."""
        from google.auth.credentials import AnonymousCredentials

        monkeypatch.setenv("TPBIS_SHEETS_EMULATOR_HOST", "127.0.0.1:9")
        monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
        assert AnonymousCredentials is type(load_credentials([SHEETS_SCOPE]))

    def test_plain_http_token_uri_is_refused(self, tmp_path: Path, private_key: str) -> None:
        """A key whose token_uri is http:// is refused when loaded, before any request."""
        path = key_file(tmp_path, private_key, token_uri="http://oauth2.example.net/token")
        with pytest.raises(AuthError) as info:
            load_credentials([SHEETS_SCOPE], path)
        assert "http://oauth2.example.net/token" in info.value.message("en")


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
