"""Which Google hosts tpbis talks to, and the local emulator named by ``TPBIS_SHEETS_EMULATOR_HOST``.

Standard library only: :mod:`tpbis.adapters.google` reads these before any
HTTP library is imported, and :mod:`tpbis.adapters._routing` uses them to
rewrite URLs.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

__all__ = ["EMULATOR_HOST_ENV", "GOOGLE_HOSTS", "emulator_base_url", "emulator_host_from_env"]

#: Environment variable naming a running emulator, e.g. ``127.0.0.1:8765``.
EMULATOR_HOST_ENV = "TPBIS_SHEETS_EMULATOR_HOST"

#: Google hosts whose traffic goes to the emulator when one is configured.
GOOGLE_HOSTS = ("sheets.googleapis.com", "www.googleapis.com", "oauth2.googleapis.com", "forms.googleapis.com")


def emulator_host_from_env() -> str | None:
    """``host:port`` from ``TPBIS_SHEETS_EMULATOR_HOST``, or ``None`` when unset or empty."""
    value = os.environ.get(EMULATOR_HOST_ENV, "").strip()
    if not value:
        return None
    if "://" in value:
        value = urlsplit(value).netloc
    return value.rstrip("/")


def emulator_base_url(target: str) -> str:
    """``http://host:port`` for ``host:port`` (a URL is kept, without its trailing slash)."""
    return target.rstrip("/") if "://" in target else f"http://{target.rstrip('/')}"
