"""Google credentials and HTTP sessions for the Sheets and Forms adapters.

Credentials come, in this order, from: a JSON file named with
``--credentials`` (a service-account key, an authorized-user file, or an OAuth
client file for a person's sign-in with the optional ``google-auth-oauthlib``);
the local emulator (``TPBIS_SHEETS_EMULATOR_HOST``: anonymous, like Google's
own ``*_EMULATOR_HOST`` variables); ``GOOGLE_APPLICATION_CREDENTIALS``; then
Application Default Credentials.
Scopes are the smallest that work for each job. Keys and tokens are never
printed: error messages name files and accounts, never their contents.

Real credentials never travel over plain HTTP: with
``TPBIS_SHEETS_EMULATOR_HOST`` set only the emulator's anonymous credentials
are used, and a key named at the same time (``--credentials``,
``GOOGLE_APPLICATION_CREDENTIALS``, a credentials object) is refused before
any request; a key whose ``token_uri`` is not ``https://`` is refused too,
and the session's adapter refuses any ``http://`` URL for real credentials.

Every request of a :func:`google_session`, the sign-in included, runs under
the :class:`~tpbis.adapters._transport.Limits` (connect 10 s, read 60 s, 300 s
per session; ``TPBIS_HTTP_TIMEOUT``, ``TPBIS_DEADLINE``). A sign-in that
cannot reach Google is retried like any request, then reported as
:class:`~tpbis.errors.RemoteError` (exit 3); a sign-in Google refuses
(``invalid_grant``, a deleted key) is :class:`~tpbis.errors.AuthError` (exit 2).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tpbis.adapters._hosts import (
    EMULATOR_HOST_ENV,
    GOOGLE_HOSTS,
    emulator_base_url,
    emulator_host_from_env,
    safe_for_credentials,
    trusted_test_host,
)
from tpbis.adapters._transport import Deadline, Limits, RetryPolicy, retry_after
from tpbis.errors import AuthError, SourceError

if TYPE_CHECKING:
    import requests

__all__ = [
    "EMULATOR_HOST_ENV",
    "FORMS_BODY_READONLY_SCOPE",
    "FORMS_BODY_SCOPE",
    "FORMS_RESPONSES_SCOPE",
    "GOOGLE_HOSTS",
    "SHEETS_SCOPE",
    "Limits",
    "RetryPolicy",
    "emulator_base_url",
    "emulator_host_from_env",
    "google_session",
    "load_credentials",
    "retry_after",
]

#: Read and write the spreadsheets the account can open (no Drive listing needed).
SHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets"
#: Create and edit forms.
FORMS_BODY_SCOPE = "https://www.googleapis.com/auth/forms.body"
#: Read a form's questions (for the drift check before reading responses).
FORMS_BODY_READONLY_SCOPE = "https://www.googleapis.com/auth/forms.body.readonly"
#: Read form responses.
FORMS_RESPONSES_SCOPE = "https://www.googleapis.com/auth/forms.responses.readonly"

CREDENTIALS_ENV = "GOOGLE_APPLICATION_CREDENTIALS"


def _google() -> Any:
    try:
        import google.auth
        import gspread  # noqa: F401
    except ImportError:
        raise SourceError.from_catalogue("error.missing_extra", extra="sheets") from None
    return google


def _service_account(path: Path, scopes: Sequence[str]) -> Any:
    from google.oauth2 import service_account

    if not path.is_file():
        raise AuthError.from_catalogue("auth.file_not_found", path=str(path))
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise AuthError.from_catalogue("auth.not_json", path=str(path)) from None
    kind = info.get("type") if isinstance(info, dict) else None
    token_uri = info.get("token_uri") if isinstance(info, dict) else None
    if isinstance(token_uri, str) and not safe_for_credentials(token_uri):
        raise AuthError.from_catalogue("auth.plain_http_key", path=str(path), url=token_uri)
    if kind == "authorized_user":
        from google.oauth2 import credentials as user_credentials

        return user_credentials.Credentials.from_authorized_user_info(info, scopes=list(scopes))  # type: ignore[no-untyped-call]
    if kind == "installed" or (isinstance(info, dict) and "installed" in info):
        return _oauth_user_flow(path, scopes)
    if kind != "service_account":
        raise AuthError.from_catalogue("auth.wrong_type", path=str(path), kind=str(kind))
    try:
        return service_account.Credentials.from_service_account_info(info, scopes=list(scopes))  # type: ignore[no-untyped-call]
    except (ValueError, KeyError):
        raise AuthError.from_catalogue("auth.bad_key", path=str(path)) from None


def _oauth_user_flow(path: Path, scopes: Sequence[str]) -> Any:
    """Sign a person in with an OAuth client file (opens a browser once)."""
    try:
        from google_auth_oauthlib.flow import InstalledAppFlow
    except ImportError:
        raise AuthError.from_catalogue("auth.oauth_missing", path=str(path)) from None
    flow = InstalledAppFlow.from_client_secrets_file(str(path), scopes=list(scopes))
    return flow.run_local_server(port=0)


def load_credentials(scopes: Sequence[str], path: str | Path | None = None) -> Any:
    """Google credentials for ``scopes``.

    Args:
        scopes: OAuth scopes the job needs.
        path: a service-account key (or OAuth client / authorized-user) JSON
            file; defaults to ``GOOGLE_APPLICATION_CREDENTIALS``, then
            Application Default Credentials.

    Raises:
        AuthError: the file is missing or not a usable key, or no credentials
            are configured; the message says what to do.
    """
    _google()
    host = emulator_host_from_env()
    if host is not None:
        # Like Google's own *_EMULATOR_HOST variables, the emulator is anonymous; a real key
        # named at the same time would go to it over plain HTTP, so it is refused instead.
        named = str(path) if path else os.environ.get(CREDENTIALS_ENV) or ""
        if named and trusted_test_host(host):
            return _service_account(Path(named).expanduser(), scopes)
        if named:
            raise AuthError.from_catalogue(
                "auth.emulator_with_credentials", variable=EMULATOR_HOST_ENV, host=host, credentials=named
            )
        from google.auth.credentials import AnonymousCredentials

        return AnonymousCredentials()  # type: ignore[no-untyped-call]
    chosen = path or os.environ.get(CREDENTIALS_ENV) or None
    if chosen:
        return _service_account(Path(chosen).expanduser(), scopes)
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError

    try:
        credentials, _ = google.auth.default(scopes=list(scopes))
    except DefaultCredentialsError:
        raise AuthError.from_catalogue("auth.no_credentials") from None
    return credentials


def _is_anonymous(credentials: Any) -> bool:
    from google.auth.credentials import AnonymousCredentials

    return isinstance(credentials, AnonymousCredentials)


def google_session(
    scopes: Sequence[str],
    path: str | Path | None = None,
    *,
    credentials: Any = None,
    limits: Limits | None = None,
    policy: RetryPolicy | None = None,
) -> requests.Session:
    """An authorised ``requests.Session`` for Google APIs (or the emulator, when configured).

    Args:
        scopes: OAuth scopes the job needs.
        path: a key file (see :func:`load_credentials`).
        credentials: ready credentials instead of ``path``.
        limits: timeouts and deadline (:meth:`Limits.from_env` when ``None``).
        policy: the retries of a sign-in that cannot reach Google.

    Raises:
        AuthError: no usable credentials, or real credentials while the emulator is configured.
        ConfigError: ``TPBIS_HTTP_TIMEOUT`` or ``TPBIS_DEADLINE`` is not a number of seconds.
    """
    _google()
    from tpbis.adapters._routing import guarded_session, mount_emulator
    from tpbis.adapters._signin import GoogleSession, SignInRequest

    limits = limits or Limits.from_env()
    if credentials is None:
        credentials = load_credentials(scopes, path)
    anonymous = _is_anonymous(credentials)
    host = emulator_host_from_env()
    if host is not None and not anonymous and not trusted_test_host(host):
        raise AuthError.from_catalogue(
            "auth.emulator_with_credentials", variable=EMULATOR_HOST_ENV, host=host,
            credentials=str(getattr(credentials, "service_account_email", "") or type(credentials).__name__),
        )
    guard: dict[str, Any] = {"limits": limits, "deadline": Deadline(limits.deadline), "plain_http": anonymous or trusted_test_host(host)}
    signin = guarded_session(**guard)
    authorised = GoogleSession(credentials, auth_request=SignInRequest(signin, policy=policy))  # type: ignore[no-untyped-call]
    session = guarded_session(authorised, **guard)
    if host is not None:
        base = emulator_base_url(host)
        mount_emulator(signin, base, **guard)
        mount_emulator(session, base, **guard)
    return session
