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
    """An English plural noun phrase for one of it: its head noun made singular ("1 more computer").

    Rubric units are written in the plural (``unit_en = "engagement activities"``). The head noun
    is the last word, or the last word before `` of `` (``hours of training`` → ``hour of training``).
    Regular plurals change (``activities`` → ``activity``, ``classes`` → ``class``, ``prizes`` →
    ``prize``, ``links`` → ``link``), a few common irregular ones too (``people`` → ``person``,
    ``movies`` → ``movie``); words that are not a plural (``status``, ``series``, ``news``) stay as written.
    """
    phrase, of, rest = units.partition(" of ")
    head, space, word = phrase.rpartition(" ")
    return f"{head}{space}{_singular_word(word)}{of}{rest}"


def _singular_word(word: str) -> str:
    lower = word.lower()
    known = _IRREGULAR.get(lower)
    if known is not None:
        return known.upper() if word.isupper() else known.capitalize() if word[:1].isupper() else known
    if lower.endswith("ies") and len(word) > 4:
        return word[:-1] if lower[:-1] in _IE_NOUNS else word[:-3] + ("Y" if word[-3:].isupper() else "y")
    if lower.endswith(("sses", "shes", "ches", "xes", "zzes")):
        return word[:-2]
    if lower.endswith("s") and not lower.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


#: Plurals the suffix rules would get wrong, by their singular (an unchanged word: not a plural).
_IRREGULAR = {
    "people": "person", "children": "child", "women": "woman", "men": "man", "series": "series",
    "species": "species", "news": "news", "means": "means", "indices": "index", "criteria": "criterion",
}
#: Nouns in ``-ie`` whose plural ``-ies`` is not a ``-y`` noun's.
_IE_NOUNS = frozenset({
    "movie", "cookie", "selfie", "calorie", "zombie", "rookie", "brownie", "smoothie", "hoodie", "sortie",
    "goalie", "newbie", "freebie", "techie", "foodie", "auntie", "birdie", "genie", "prairie", "lingerie",
})


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
