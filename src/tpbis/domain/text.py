"""How the programme compares free text: labels and publication links.

One function each, used by every layer: kind labels, library and province
names, partner names and column headers are compared by :func:`normalize_label`;
publication links by :func:`url_identity` (SPEC §5).
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

__all__ = ["english_singular", "normalize_label", "url_identity"]


def normalize_label(text: str) -> str:
    """Casefold and collapse whitespace: how labels, names and headers are compared."""
    return " ".join(text.casefold().split())


def english_singular(units: str) -> str:
    """An English plural noun phrase for one of it: the last word made singular ("1 more computer").

    Rubric units are written in the plural (``unit_en = "engagement activities"``); only regular
    plurals change (``activities`` → ``activity``, ``classes`` → ``class``, ``links`` → ``link``);
    words that are not one (``people``, ``status``) stay as written.
    """
    head, space, word = units.rpartition(" ")
    lower = word.lower()
    if lower.endswith("ies") and len(word) > 4:
        word = word[:-3] + ("Y" if word[-3:].isupper() else "y")
    elif lower.endswith(("sses", "shes", "ches", "xes", "zes")):
        word = word[:-2]
    elif lower.endswith("s") and not lower.endswith(("ss", "us", "is")):
        word = word[:-1]
    return f"{head}{space}{word}"


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
