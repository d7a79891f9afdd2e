"""Whose Google account builds the form: a person by default, a service account only where it can own files.

A form is a Drive file owned by whoever creates it. A service account owns
no Drive storage, so a form it creates in its own Drive fails (Drive's 403
``storageQuotaExceeded``) or, for older projects, lands where nobody on the
team can see it. ``tpbis form build`` therefore signs a person in with an
OAuth client file (``--credentials client_secret.json``, the ``oauth``
extra: ``google_auth_oauthlib.flow.InstalledAppFlow.run_local_server``, which
opens a browser, or with ``--headless`` prints the link and waits on a fixed
local port that can be forwarded over SSH; google-auth-oauthlib 1.x has no
console/out-of-band flow since Google retired it in 2022), and uses a
service-account key only with

- ``--folder FOLDER_ID``: a folder in a shared drive the service account can
  add files to (the organisation owns files there), or
- ``--subject user@domain``: domain-wide delegation, acting as that person.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tpbis.adapters.google import FORMS_BODY_SCOPE, google_session, load_credentials
from tpbis.errors import AuthError

if TYPE_CHECKING:
    import requests

__all__ = ["DRIVE_SCOPE", "HEADLESS_PORT", "build_session", "credentials_kind"]

#: Creating a file in a shared-drive folder the app did not create needs the full Drive scope.
DRIVE_SCOPE = "https://www.googleapis.com/auth/drive"
#: The local port ``--headless`` sign-in listens on (forward it: ``ssh -L 8085:localhost:8085 host``).
HEADLESS_PORT = 8085


def credentials_kind(path: str | Path) -> str:
    """``service_account``, ``authorized_user``, ``installed`` (an OAuth client) or what the file says."""
    try:
        info = json.loads(Path(path).expanduser().read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return ""  # load_credentials names the problem
    if not isinstance(info, dict):
        return ""
    if "installed" in info or "web" in info:
        return "installed"
    return str(info.get("type") or "")


def _sign_in(path: Path, scopes: Sequence[str], headless: bool) -> Any:
    try:
        from google_auth_oauthlib.flow import InstalledAppFlow
    except ImportError:
        raise AuthError.from_catalogue("auth.oauth_missing", path=str(path)) from None
    flow = InstalledAppFlow.from_client_secrets_file(str(path), scopes=list(scopes))
    if headless:
        return flow.run_local_server(port=HEADLESS_PORT, open_browser=False)
    return flow.run_local_server(port=0)


def build_session(credentials: str | None, *, folder: str | None = None, subject: str | None = None,
                  headless: bool = False) -> tuple[requests.Session, str]:
    """An authorised session for ``tpbis form build`` and the account it acts as.

    Raises:
        AuthError: a service-account key without ``--folder`` or ``--subject``
            (it would own the form and has no Drive storage), or ``--subject``
            with something other than a service-account key.
    """
    scopes = [FORMS_BODY_SCOPE, *([DRIVE_SCOPE] if folder else [])]
    if credentials is None:
        creds = load_credentials(scopes)
        account = str(getattr(creds, "service_account_email", "") or "")
        if account and not (folder or subject):
            raise AuthError.from_catalogue("form.service_account_owner", account=account)
        if subject and hasattr(creds, "with_subject"):
            creds = creds.with_subject(subject)
        return google_session(scopes, credentials=creds), subject or account
    kind = credentials_kind(credentials)
    if kind == "installed":
        if subject:
            raise AuthError.from_catalogue("form.subject_needs_key", path=credentials)
        return google_session(scopes, credentials=_sign_in(Path(credentials).expanduser(), scopes, headless)), ""
    creds = load_credentials(scopes, credentials)
    account = str(getattr(creds, "service_account_email", "") or "")
    if kind == "service_account":
        if subject:
            creds = creds.with_subject(subject)
            account = subject
        elif not folder:
            raise AuthError.from_catalogue("form.service_account_owner", account=account or credentials)
    elif subject:
        raise AuthError.from_catalogue("form.subject_needs_key", path=credentials)
    return google_session(scopes, credentials=creds), account
