"""A hostile network: silence, HTML pages, refused and unresolvable hosts, broken TLS, a failing sign-in.

Each case runs tpbis's real Google path (gspread or the Forms client over
:func:`tpbis.adapters.google.google_session`) against a small server on
127.0.0.1 that stops by itself, and checks the one error it ends with: its
class, its exit code, and its message in both languages.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth.credentials import AnonymousCredentials

from tpbis.adapters._routing import GuardedAdapter, emulator_session
from tpbis.adapters._signin import GoogleSession, SignInRequest
from tpbis.adapters._transport import Deadline, Limits, RetryPolicy
from tpbis.adapters.forms import FormsClient
from tpbis.adapters.google import SHEETS_SCOPE, google_session, load_credentials
from tpbis.adapters.sheets import open_spreadsheet
from tpbis.cli import main
from tpbis.errors import AuthError, ConfigError, RemoteError

KEY = "1" + "a" * 40
ACCOUNT = "tpbis-sync@kepri-dispusip.iam.gserviceaccount.com"
HTML = b"<!doctype html><html><body><h1>Selamat datang di Wi-Fi Perpustakaan</h1>Login dulu.</body></html>"


def http_reply(status: str, body: bytes, ctype: str) -> bytes:
    """A whole HTTP/1.1 response that closes the connection."""
    head = f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    return head.encode("ascii") + body


class LocalServer:
    """A TCP server on 127.0.0.1 in a thread: answers every connection with ``reply``, or never (``None``).

    It counts the connections that sent something, and stops by itself after ``lifetime`` seconds.
    """

    def __init__(self, reply: bytes | None, lifetime: float = 30.0) -> None:
        self.reply = reply
        self.lifetime = lifetime
        self.requests = 0
        self._stop = threading.Event()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.1)
        self.port = int(self._sock.getsockname()[1])
        self.host = f"127.0.0.1:{self.port}"
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()

    def _serve(self) -> None:
        end = time.monotonic() + self.lifetime
        workers: list[threading.Thread] = []
        while not self._stop.is_set() and time.monotonic() < end:
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            worker = threading.Thread(target=self._handle, args=(conn, end), daemon=True)
            worker.start()
            workers.append(worker)
        self._stop.set()
        for worker in workers:
            worker.join(timeout=2)

    def _handle(self, conn: socket.socket, end: float) -> None:
        with conn:
            conn.settimeout(0.2)
            data = b""
            while b"\r\n\r\n" not in data and not self._stop.is_set() and time.monotonic() < end:
                try:
                    chunk = conn.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    return
                if not chunk:
                    break
                data += chunk
                if self.reply is not None and data and not data[:1].isalpha():
                    break  # a TLS ClientHello: answer in plain text at once
            if data:
                with self._lock:
                    self.requests += 1
            if self.reply is None:
                while not self._stop.is_set() and time.monotonic() < end:
                    time.sleep(0.05)
                return
            try:
                conn.sendall(self.reply)
            except OSError:
                return


@pytest.fixture
def no_credentials_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No emulator, no key in the environment, default limits."""
    for name in ("TPBIS_SHEETS_EMULATOR_HOST", "GOOGLE_APPLICATION_CREDENTIALS", "TPBIS_HTTP_TIMEOUT",
                 "TPBIS_DEADLINE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def private_key() -> str:
    """A fresh RSA key in PEM (generated once per module)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def key_file(tmp_path: Path, private_key: str, token_uri: str = "https://oauth2.googleapis.com/token") -> Path:
    """A service-account key as the Cloud Console downloads it, signing in at ``token_uri``."""
    info = {
        "type": "service_account", "project_id": "kepri-dispusip", "private_key_id": "0123456789abcdef",
        "private_key": private_key, "client_email": ACCOUNT, "client_id": "1234567890", "token_uri": token_uri,
    }
    path = tmp_path / "kunci.json"
    path.write_text(json.dumps(info), encoding="utf-8")
    return path


def closed_port() -> int:
    """A port on 127.0.0.1 nobody listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def quick(attempts: int = 2) -> RetryPolicy:
    """A retry policy that does not wait."""
    return RetryPolicy(attempts=attempts, sleep=lambda _: None)


def read_info(policy: RetryPolicy | None = None) -> None:
    """One spreadsheet GET through open_spreadsheet (anonymous, the emulator variable routes it)."""
    open_spreadsheet(KEY, policy=policy or quick()).info()


def message_key(error: BaseException) -> str:
    """The catalogue key of a tpbis error's message."""
    data = getattr(error, "message_data", None)
    assert data is not None
    return str(data.key)


def problem_key(error: BaseException) -> str:
    """The key of the message nested as ``problem`` (sign-in errors wrap the network one)."""
    data = getattr(error, "message_data", None)
    assert data is not None
    return str(data.params["problem"].key)


class TestLimits:
    """TPBIS_HTTP_TIMEOUT and TPBIS_DEADLINE, read once, checked."""

    def test_defaults(self) -> None:
        """Connect 10 s, read 60 s, deadline 300 s."""
        assert Limits(connect=10.0, read=60.0, deadline=300.0) == Limits.from_env({})

    def test_read_only(self) -> None:
        """One number is the read timeout; connect stays at most 10 s."""
        assert Limits(connect=5.0, read=5.0, deadline=300.0) == Limits.from_env({"TPBIS_HTTP_TIMEOUT": "5"})

    def test_connect_and_read(self) -> None:
        """``connect,read`` sets both, and the deadline is its own variable."""
        env = {"TPBIS_HTTP_TIMEOUT": "3,90", "TPBIS_DEADLINE": "600"}
        assert Limits(connect=3.0, read=90.0, deadline=600.0) == Limits.from_env(env)

    @pytest.mark.parametrize(("name", "value"), [("TPBIS_HTTP_TIMEOUT", "lama"), ("TPBIS_DEADLINE", "0"),
                                                  ("TPBIS_HTTP_TIMEOUT", "1,2,3"), ("TPBIS_DEADLINE", "-5")])
    def test_bad_value_is_a_config_error(self, name: str, value: str) -> None:
        """A value that is not a positive number of seconds stops the run with exit 2, naming the variable."""
        with pytest.raises(ConfigError) as info:
            Limits.from_env({name: value})
        assert (2, True, True) == (info.value.exit_code, name in info.value.message("en"),
                                   name in info.value.message("id"))

    def test_deadline_counts_from_first_use(self) -> None:
        """The deadline starts with the first request, not when the session is made."""
        now = [100.0]
        deadline = Deadline(30.0, clock=lambda: now[0])
        now[0] = 500.0
        first = deadline.remaining()
        now[0] = 520.0
        assert (30.0, 10.0, False) == (first, deadline.remaining(), deadline.expired)


class TestSilence:
    """A server that accepts and never answers: bounded by the read timeout and the deadline."""

    def test_cli_sync_ends_at_the_deadline(
        self, no_credentials_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """`tpbis sync` with a 3 s deadline ends within it plus slack: one message, exit 3."""
        with LocalServer(None) as server:
            monkeypatch.setenv("TPBIS_SHEETS_EMULATOR_HOST", server.host)
            monkeypatch.setenv("TPBIS_HTTP_TIMEOUT", "1")
            monkeypatch.setenv("TPBIS_DEADLINE", "3")
            started = time.monotonic()
            code = main(["--lang", "en", "sync", KEY])
            elapsed = time.monotonic() - started
        err = capsys.readouterr().err
        assert 3 == code
        assert elapsed < 3 + 2.5
        assert 1 == err.count("\n")
        assert "deadline of 3 s" in err
        assert "TPBIS_DEADLINE" in err

    def test_read_timeout_applies_to_gspread(self, no_credentials_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
        """gspread's own 120 s does not stretch the 0.5 s read timeout: two attempts, then a timeout message."""
        with LocalServer(None) as server:
            monkeypatch.setenv("TPBIS_SHEETS_EMULATOR_HOST", server.host)
            monkeypatch.setenv("TPBIS_HTTP_TIMEOUT", "0.5")
            started = time.monotonic()
            with pytest.raises(RemoteError) as info:
                read_info(quick(attempts=2))
            elapsed = time.monotonic() - started
            seen = server.requests
        assert ("error.network.timeout", 3, 2) == (message_key(info.value), info.value.exit_code, seen)
        assert elapsed < 2 * 0.5 + 2.0
        assert "0.5 s" in info.value.message("en")
        assert "0.5 detik" in info.value.message("id")

    def test_forms_client_ends_at_the_deadline(
        self, no_credentials_env: None, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The Forms client shares the session limits: a 2 s deadline ends a never-answered forms.get."""
        with LocalServer(None) as server:
            monkeypatch.setenv("TPBIS_SHEETS_EMULATOR_HOST", server.host)
            session = google_session([SHEETS_SCOPE], limits=Limits(connect=1.0, read=1.0, deadline=2.0))
            started = time.monotonic()
            with pytest.raises(RemoteError) as info:
                FormsClient(session, policy=RetryPolicy(attempts=10)).get("formulir")
            elapsed = time.monotonic() - started
            session.close()
        assert ("error.network.deadline", 3) == (message_key(info.value), info.value.exit_code)
        assert elapsed < 2 + 2.0

    def test_sign_in_is_bounded_too(
        self, no_credentials_env: None, tmp_path: Path, private_key: str
    ) -> None:
        """A token endpoint that never answers (TLS never completes) ends at the deadline: exit 3, "sign in"."""
        with LocalServer(None) as server:
            path = key_file(tmp_path, private_key, token_uri=f"https://{server.host}/token")
            session = google_session([SHEETS_SCOPE], path, limits=Limits(connect=1.0, read=1.0, deadline=2.0))
            started = time.monotonic()
            with pytest.raises(RemoteError) as info:
                session.get(f"https://sheets.googleapis.com/v4/spreadsheets/{KEY}")
            elapsed = time.monotonic() - started
            session.close()
        assert ("auth.unreachable", 3) == (message_key(info.value), info.value.exit_code)
        assert elapsed < 2 + 2.0
        assert info.value.message("en").startswith("Could not reach Google to sign in")
        assert info.value.message("id").startswith("Tidak dapat menghubungi Google untuk login")


class TestHtmlReplies:
    """A captive portal's or a proxy's HTML page instead of Google's JSON."""

    def test_cli_html_200_is_one_message(
        self, no_credentials_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A 200 text/html page: exit 3, one line naming a captive portal, no traceback."""
        with LocalServer(http_reply("200 OK", HTML, "text/html; charset=utf-8")) as server:
            monkeypatch.setenv("TPBIS_SHEETS_EMULATOR_HOST", server.host)
            code = main(["--lang", "en", "sync", KEY])
        err = capsys.readouterr().err
        assert (3, 1) == (code, err.count("\n"))
        assert "captive portal" in err
        assert "Traceback" not in err

    def test_html_502_is_retried_then_reported(
        self, no_credentials_env: None, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A proxy's 502 HTML page is retried like any 502, then reported as a page in the way (exit 3)."""
        with LocalServer(http_reply("502 Bad Gateway", HTML, "text/html")) as server:
            monkeypatch.setenv("TPBIS_SHEETS_EMULATOR_HOST", server.host)
            with pytest.raises(RemoteError) as info:
                read_info(quick(attempts=3))
            seen = server.requests
        assert ("error.network.not_json", 3, 3) == (message_key(info.value), info.value.exit_code, seen)
        assert "HTTP 502" in info.value.message("en")
        assert "HTTP 502" in info.value.message("id")

    def test_forms_html_200(self, no_credentials_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
        """The Forms client gets the same error for the same page."""
        with LocalServer(http_reply("200 OK", HTML, "text/html")) as server:
            monkeypatch.setenv("TPBIS_SHEETS_EMULATOR_HOST", server.host)
            session = google_session([SHEETS_SCOPE])
            with pytest.raises(RemoteError) as info:
                FormsClient(session, policy=quick()).get("formulir")
            session.close()
        assert "error.network.not_json" == message_key(info.value)

    def test_token_endpoint_html(self, no_credentials_env: None, tmp_path: Path, private_key: str) -> None:
        """An HTML page from the token endpoint is "could not reach Google to sign in", not a refusal."""
        with LocalServer(http_reply("200 OK", HTML, "text/html")) as server:
            credentials = load_credentials([SHEETS_SCOPE], key_file(tmp_path, private_key))
            signin = emulator_session(server.host)
            session = GoogleSession(credentials, auth_request=SignInRequest(signin, policy=quick()))
            with pytest.raises(RemoteError) as info:
                session.get(f"https://sheets.googleapis.com/v4/spreadsheets/{KEY}")
            session.close()
            signin.close()
        assert ("auth.unreachable", "error.network.not_json", 3) == (
            message_key(info.value), problem_key(info.value), info.value.exit_code)


class TestUnreachable:
    """Refused connections, unknown names and broken TLS: one message each, exit 3."""

    def test_connection_refused(self, no_credentials_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
        """A closed port: retried, then "refused the connection" with the attempts counted."""
        monkeypatch.setenv("TPBIS_SHEETS_EMULATOR_HOST", f"127.0.0.1:{closed_port()}")
        with pytest.raises(RemoteError) as info:
            read_info(quick(attempts=3))
        assert ("error.network.refused", 3) == (message_key(info.value), info.value.exit_code)
        assert "3 attempt(s)" in info.value.message("en")
        assert "3 kali percobaan" in info.value.message("id")

    def test_dns_failure(self, no_credentials_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
        """A name that does not resolve (getaddrinfo fails, as offline): "could not be found"."""

        def no_dns(*_: Any, **__: Any) -> Any:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

        monkeypatch.setenv("TPBIS_SHEETS_EMULATOR_HOST", "nonexistent.invalid:8080")
        monkeypatch.setattr(socket, "getaddrinfo", no_dns)
        with pytest.raises(RemoteError) as info:
            read_info()
        assert ("error.network.dns", 3) == (message_key(info.value), info.value.exit_code)
        assert "nonexistent.invalid" in info.value.message("en")

    def test_tls_failure(self, no_credentials_env: None) -> None:
        """https:// to a server speaking plain HTTP: the TLS handshake fails, named as such."""
        with LocalServer(http_reply("200 OK", HTML, "text/html")) as server:
            session = google_session([SHEETS_SCOPE], credentials=AnonymousCredentials())  # type: ignore[no-untyped-call]
            client = FormsClient(session, base_url=f"https://{server.host}/v1/forms", policy=quick())
            with pytest.raises(RemoteError) as info:
                client.get("formulir")
            session.close()
        assert ("error.network.tls", 3) == (message_key(info.value), info.value.exit_code)
        assert "TLS" in info.value.message("id")


class TestSignIn:
    """The token endpoint: unreachable (exit 3, retried) versus refusing (exit 2, not retried)."""

    def test_unreachable_token_endpoint_is_retried(
        self, no_credentials_env: None, tmp_path: Path, private_key: str
    ) -> None:
        """A refused sign-in connection is retried with the policy, then "could not reach Google to sign in"."""
        waits: list[float] = []
        path = key_file(tmp_path, private_key, token_uri=f"https://127.0.0.1:{closed_port()}/token")
        session = google_session([SHEETS_SCOPE], path, policy=RetryPolicy(attempts=4, sleep=waits.append))
        with pytest.raises(RemoteError) as info:
            session.get(f"https://sheets.googleapis.com/v4/spreadsheets/{KEY}")
        session.close()
        assert ("auth.unreachable", "error.network.refused", 3, 3) == (
            message_key(info.value), problem_key(info.value), info.value.exit_code, len(waits))
        assert "Could not reach Google to sign in" in info.value.message("en")

    def test_cli_unreachable_sign_in_exits_3(
        self, no_credentials_env: None, tmp_path: Path, private_key: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """`tpbis sync --credentials KEY` with no way to the token endpoint: exit 3, never "refused"."""
        path = key_file(tmp_path, private_key, token_uri=f"https://127.0.0.1:{closed_port()}/token")
        monkeypatch.setenv("TPBIS_DEADLINE", "2")
        code = main(["--lang", "en", "sync", KEY, "--credentials", str(path)])
        err = capsys.readouterr().err
        assert (3, 1) == (code, err.count("\n"))
        assert "Could not reach Google to sign in" in err
        assert "refused the credentials" not in err

    def test_refused_sign_in_is_an_auth_error(
        self, no_credentials_env: None, tmp_path: Path, private_key: str
    ) -> None:
        """invalid_grant from the token endpoint: AuthError (exit 2) "Google refused the credentials", sent once."""
        body = json.dumps({"error": "invalid_grant", "error_description": "Invalid JWT Signature."}).encode()
        with LocalServer(http_reply("400 Bad Request", body, "application/json")) as server:
            credentials = load_credentials([SHEETS_SCOPE], key_file(tmp_path, private_key))
            signin = emulator_session(server.host)
            session = GoogleSession(credentials, auth_request=SignInRequest(signin, policy=quick(attempts=4)))
            with pytest.raises(AuthError) as info:
                session.get(f"https://sheets.googleapis.com/v4/spreadsheets/{KEY}")
            session.close()
            signin.close()
            seen = server.requests
        assert ("auth.refresh_failed", 2, 1) == (message_key(info.value), info.value.exit_code, seen)
        assert "Google refused the credentials" in info.value.message("en")
        assert "invalid_grant" in info.value.message("en")


class TestNoCredentialsOverPlainHttp:
    """Real credentials never leave over http:// (the metadata server excepted)."""

    def test_session_with_key_refuses_http_url(
        self, no_credentials_env: None, tmp_path: Path, private_key: str
    ) -> None:
        """A request to an http:// URL with a real key is refused before anything reaches the server."""
        with LocalServer(http_reply("200 OK", b"{}", "application/json")) as server:
            session = google_session([SHEETS_SCOPE], key_file(tmp_path, private_key))
            credentials: Any = session.credentials  # type: ignore[attr-defined]
            credentials.token = "ya29.token"
            credentials.expiry = None  # a token that never expires: no sign-in needed
            with pytest.raises(AuthError) as info:
                session.get(f"http://{server.host}/v4/spreadsheets/{KEY}")
            session.close()
            seen = server.requests
        assert ("auth.plain_http", 2, 0) == (message_key(info.value), info.value.exit_code, seen)
        assert "ya29" not in info.value.message("en")

    def test_cli_key_with_emulator_sends_nothing(
        self, no_credentials_env: None, tmp_path: Path, private_key: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        """The emulator variable plus a real key: exit 2 naming the variable; the server saw zero requests."""
        with LocalServer(http_reply("200 OK", b"{}", "application/json")) as server:
            monkeypatch.setenv("TPBIS_SHEETS_EMULATOR_HOST", server.host)
            code = main(["sync", KEY, "--credentials", str(key_file(tmp_path, private_key))])
            time.sleep(0.2)
            seen = server.requests
        err = capsys.readouterr().err
        assert (2, 0) == (code, seen)
        assert "TPBIS_SHEETS_EMULATOR_HOST" in err

    def test_metadata_server_may_use_http(self) -> None:
        """Compute Engine's metadata server is documented over plain HTTP: allowed; anything else is not."""
        from tpbis.adapters._hosts import safe_for_credentials

        checks = [safe_for_credentials(u) for u in (
            "http://metadata.google.internal/computeMetadata/v1/token", "https://oauth2.googleapis.com/token",
            "http://oauth2.googleapis.com/token", "http://127.0.0.1:8765/token")]
        assert [True, True, False, False] == checks

    def test_guarded_adapter_applies_its_limits(self) -> None:
        """The adapter replaces a caller's timeout with its own, capped by the deadline left."""
        adapter = GuardedAdapter(limits=Limits(connect=2.0, read=7.0, deadline=5.0))
        seen: dict[str, Any] = {}

        def fake_send(self: Any, request: Any, *args: Any, **kwargs: Any) -> requests.Response:
            seen.update(kwargs)
            response = requests.Response()
            response.status_code = 200
            return response

        original = requests.adapters.HTTPAdapter.send
        requests.adapters.HTTPAdapter.send = fake_send  # type: ignore[method-assign]
        try:
            request = requests.Request("GET", "https://sheets.googleapis.com/v4/x").prepare()
            adapter.send(request, timeout=120)
        finally:
            requests.adapters.HTTPAdapter.send = original  # type: ignore[method-assign]
        connect, read = seen["timeout"]
        assert (2.0, True) == (connect, 4.0 < read <= 5.0)


@pytest.fixture(autouse=True)
def _bounded() -> Iterator[None]:
    """No test here may run long: a hang is a failure, not a stuck suite."""
    started = time.monotonic()
    yield
    assert time.monotonic() - started < 20
