"""Point real ``requests`` / gspread / google-auth code at the emulator.

Two ways in: over HTTP (:func:`emulator_session` with the emulator's base URL:
the URL-rewriting adapter from :mod:`tpbis.adapters._routing`) or in process
(:meth:`tpbis.testing.SheetsEmulator.session`: no socket, no thread). Either
way, library code keeps its hard-coded Google URLs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from tpbis.adapters._hosts import TRUSTED_TEST_HOSTS
from tpbis.adapters._routing import EmulatorAdapter, emulator_session, mount_emulator
from tpbis.adapters.google import EMULATOR_HOST_ENV, GOOGLE_HOSTS, emulator_host_from_env

if TYPE_CHECKING:
    import gspread
    import requests

    from tpbis.testing.emulator import SheetsEmulator

__all__ = [
    "EMULATOR_HOST_ENV",
    "GOOGLE_HOSTS",
    "EmulatorAdapter",
    "emulator_host_from_env",
    "emulator_session",
    "gspread_client",
    "mount_emulator",
    "trust_test_keys",
]


@contextmanager
def trust_test_keys(emulator: SheetsEmulator) -> Iterator[None]:
    """Let test keys (a service-account JSON made in the test) go to this loopback emulator.

    Outside this block tpbis refuses real credentials while ``TPBIS_SHEETS_EMULATOR_HOST``
    is set, so a key is never sent over plain HTTP by a forgotten variable; the
    sign-in flow tests opt in here, in code.
    """
    TRUSTED_TEST_HOSTS.add(emulator.host)
    try:
        yield
    finally:
        TRUSTED_TEST_HOSTS.discard(emulator.host)


def _session_for(target: str | SheetsEmulator) -> requests.Session:
    """An HTTP session for a base URL, or an in-process one for an emulator object."""
    if isinstance(target, str):
        return emulator_session(target)
    return target.session()


def gspread_client(target: str | SheetsEmulator, *, credentials: Any = None, http_client: Any = None) -> gspread.Client:
    """A real ``gspread.Client`` talking to the emulator.

    Args:
        target: the emulator's base URL (over HTTP), or the emulator itself
            (in process: no socket, no thread; it need not be started).
        credentials: google-auth credentials; without them no ``Authorization``
            header is sent (fine unless the emulator runs with
            ``require_auth=True``). With them the client uses an
            ``AuthorizedSession`` whose token refreshes also go to the emulator.
        http_client: a gspread ``HTTPClient`` class (e.g. ``BackOffHTTPClient``).

    Close it with ``client.http_client.session.close()``.
    """
    import gspread
    from gspread.http_client import HTTPClient

    if credentials is None:
        session: requests.Session = _session_for(target)
    else:
        from google.auth.transport.requests import AuthorizedSession, Request

        refresh_session = _session_for(target)
        session = AuthorizedSession(credentials, auth_request=Request(session=refresh_session))  # type: ignore[no-untyped-call]
        if isinstance(target, str):
            mount_emulator(session, target)
        else:
            target.mount(session)
        original_close = session.close

        def close() -> None:
            original_close()  # type: ignore[no-untyped-call]
            refresh_session.close()

        session.close = close  # type: ignore[method-assign]
    return gspread.Client(auth=credentials, session=session, http_client=http_client or HTTPClient)
