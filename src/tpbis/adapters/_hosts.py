"""Which hosts tpbis talks to, the local emulator named by ``TPBIS_SHEETS_EMULATOR_HOST``, and the network limits.

Standard library only: :mod:`tpbis.adapters.google` reads these before any
HTTP library is imported, and :mod:`tpbis.adapters._routing` uses them to
rewrite URLs and to decide where plain HTTP is acceptable.
"""

from __future__ import annotations

import ipaddress
import os
from urllib.parse import urlsplit

__all__ = [
    "DEADLINE_ENV",
    "EMULATOR_HOST_ENV",
    "GOOGLE_HOSTS",
    "METADATA_HOSTS",
    "TIMEOUT_ENV",
    "emulator_base_url",
    "emulator_host_from_env",
    "is_loopback",
    "safe_for_credentials",
    "trusted_test_host",
]

#: Environment variable naming a running emulator, e.g. ``127.0.0.1:8765``.
EMULATOR_HOST_ENV = "TPBIS_SHEETS_EMULATOR_HOST"

#: Seconds to wait for one answer (``60``), or ``connect,read`` (``10,60``).
TIMEOUT_ENV = "TPBIS_HTTP_TIMEOUT"

#: Seconds one session may spend on Google in all, retries and waits included (``300``).
DEADLINE_ENV = "TPBIS_DEADLINE"

#: Google hosts whose traffic goes to the emulator when one is configured.
GOOGLE_HOSTS = ("sheets.googleapis.com", "www.googleapis.com", "oauth2.googleapis.com", "forms.googleapis.com")

#: The Compute Engine metadata server: Google documents it over plain HTTP, on a
#: link-local address that never leaves the machine's host
#: (https://cloud.google.com/compute/docs/metadata/querying-metadata).
METADATA_HOSTS = ("metadata.google.internal", "169.254.169.254", "metadata")


#: Loopback emulator hosts a *test* has chosen to trust with real (test) keys, through
#: :func:`tpbis.testing.trust_test_keys`. Only Python code can add to it, never the
#: environment: an exported ``TPBIS_SHEETS_EMULATOR_HOST`` alone never receives a key.
TRUSTED_TEST_HOSTS: set[str] = set()


def trusted_test_host(host: str | None) -> bool:
    """Whether ``host`` (``host:port``) is a loopback emulator a test trusts with test keys."""
    return bool(host) and host in TRUSTED_TEST_HOSTS and is_loopback(urlsplit(f"//{host}").hostname)


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


def is_loopback(host: str | None) -> bool:
    """Whether ``host`` (a name or an address, without port) is this machine."""
    if not host:
        return False
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def safe_for_credentials(url: str) -> bool:
    """Whether real credentials may travel to ``url``: https, or the metadata server's plain HTTP
    (or a loopback emulator a test trusts, :data:`TRUSTED_TEST_HOSTS`)."""
    split = urlsplit(url)
    if split.scheme == "https" or trusted_test_host(split.netloc):
        return True
    return split.scheme == "http" and (split.hostname or "") in METADATA_HOSTS
