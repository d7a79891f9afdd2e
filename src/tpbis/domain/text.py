"""How the programme compares free text: labels and publication links.

One function each, used by every layer: kind labels, library and province
names, partner names and column headers are compared by :func:`normalize_label`;
publication links by :func:`url_identity` (SPEC §5).
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

__all__ = ["normalize_label", "url_identity"]


def normalize_label(text: str) -> str:
    """Casefold and collapse whitespace: how labels, names and headers are compared."""
    return " ".join(text.casefold().split())


def url_identity(url: str) -> str:
    """When two publication links are the same (SPEC §5).

    Trimmed; scheme and host lower-cased; the fragment and one trailing ``/`` of
    the path removed. Path case, user info, port and query are kept as written.
    Text that is not a parseable URL is returned trimmed.
    """
    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return text
    userinfo, at, hostport = parts.netloc.rpartition("@")
    path = parts.path[:-1] if parts.path.endswith("/") else parts.path
    return urlunsplit((parts.scheme.lower(), f"{userinfo}{at}{hostport.lower()}", path, parts.query, ""))
