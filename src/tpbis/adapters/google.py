"""Google credentials and HTTP sessions for the Sheets and Forms adapters.

Credentials come, in this order, from: a JSON file named with
``--credentials`` (a service-account key, an authorized-user file, or an OAuth
client file for a person's sign-in with the optional ``google-auth-oauthlib``);
the local emulator (``TPBIS_SHEETS_EMULATOR_HOST``: anonymous, like Google's
own ``*_EMULATOR_HOST`` variables); ``GOOGLE_APPLICATION_CREDENTIALS``; then
Application Default Credentials.
Scopes are the smallest that work for each job. Keys and tokens are never
printed: error messages name files and accounts, never their contents.
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
)
from tpbis.adapters._transport import RetryPolicy, retry_after
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
    if path is None and emulator_host_from_env():
        # Like Google's own *_EMULATOR_HOST variables: anonymous unless a key is named
        # explicitly (then its token requests go to the emulator's /token too).
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


def google_session(
    scopes: Sequence[str], path: str | Path | None = None, *, credentials: Any = None
) -> requests.Session:
    """An authorised ``requests.Session`` for Google APIs (or the emulator, when configured)."""
    _google()
    from google.auth.transport.requests import AuthorizedSession, Request

    from tpbis.adapters._routing import emulator_session, mount_emulator

    if credentials is None:
        credentials = load_credentials(scopes, path)
    host = emulator_host_from_env()
    if host is None:
        return AuthorizedSession(credentials)  # type: ignore[no-untyped-call]
    base = emulator_base_url(host)
    session = AuthorizedSession(credentials, auth_request=Request(session=emulator_session(base)))  # type: ignore[no-untyped-call]
    return mount_emulator(session, base)
