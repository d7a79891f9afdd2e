"""Matching typed library names to registered libraries (SPEC §3.1).

In order: exact ``id``; then equality of the normalised name or an alias
(casefold, punctuation to space, whitespace collapsed; ``perpusdes`` →
``perpustakaan desa``, ``perpus`` → ``perpustakaan``). Never a fuzzy
auto-assignment: close names are only suggested.

Suggestions use :func:`difflib.get_close_matches` (ratio ≥ 0.75, best three),
but not over every registered name: registered names share long stretches
("perpustakaan desa …"), so difflib's cheap bounds let most of them through to
its expensive ratio. A trigram index built on the first unmatched name picks
the :data:`SHORTLIST` names sharing the most rare trigrams with it, and difflib
ranks those. Suggestions are computed once per distinct normalised name.
"""

from __future__ import annotations

import difflib
import heapq
from collections import Counter

import attrs

from tpbis.domain.library import Library, Registry
from tpbis.parsing.values import normalize_text

__all__ = ["LibraryMatcher", "Match", "normalize_library_name"]

_WORDS = {"perpusdes": "perpustakaan desa", "perpus": "perpustakaan"}

#: How many registered names (those sharing the most rare trigrams) difflib ranks per unmatched name.
SHORTLIST = 64
#: Trigrams found in more than this share of the names say little about which one was meant.
_COMMON_SHARE = 0.2


def _trigrams(text: str) -> set[str]:
    padded = f"  {text} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


def normalize_library_name(text: str) -> str:
    """The comparable form of a library name or alias."""
    return " ".join(_WORDS.get(word, word) for word in normalize_text(text).split())


@attrs.frozen
class Match:
    """The outcome of matching one typed name."""

    library: Library | None
    #: registered names close to the typed one (only when unmatched)
    suggestions: tuple[str, ...] = ()
    #: libraries sharing the typed name (only when ambiguous)
    ambiguous: tuple[Library, ...] = ()


class LibraryMatcher:
    """Matches typed names against one registry, remembering earlier answers."""

    def __init__(self, registry: Registry) -> None:
        self._registry = registry
        names: dict[str, list[Library]] = {}
        for library in registry:
            for name in {normalize_library_name(n) for n in (library.name, *library.aliases)}:
                if name:
                    names.setdefault(name, []).append(library)
        self._names = names
        self._display = {key: libs[0].name for key, libs in names.items()}
        self._cache: dict[str, Match] = {}
        self._suggested: dict[str, tuple[str, ...]] = {}
        self._index: dict[str, list[str]] | None = None

    def match(self, typed: str) -> Match:
        """Match ``typed`` (the raw cell text)."""
        found = self._cache.get(typed)
        if found is None:
            found = self._cache[typed] = self._match(typed)
        return found

    def _match(self, typed: str) -> Match:
        text = typed.strip()
        by_id = self._registry.get(text)
        if by_id is not None:
            return Match(by_id)
        key = normalize_library_name(text)
        candidates = self._names.get(key, [])
        if len(candidates) == 1:
            return Match(candidates[0])
        if candidates:
            return Match(None, ambiguous=tuple(candidates))
        suggestions = self._suggested.get(key)
        if suggestions is None:
            close = difflib.get_close_matches(key, self._shortlist(key), n=3, cutoff=0.75)
            suggestions = self._suggested[key] = tuple(dict.fromkeys(self._display[c] for c in close))
        return Match(None, suggestions=suggestions)

    def _shortlist(self, key: str) -> list[str]:
        """The registered names most likely to be close to ``key``: those sharing the most rare trigrams."""
        if len(self._names) <= SHORTLIST:
            return list(self._names)
        if self._index is None:
            index: dict[str, list[str]] = {}
            for name in self._names:
                for gram in _trigrams(name):
                    index.setdefault(gram, []).append(name)
            limit = max(SHORTLIST, int(len(self._names) * _COMMON_SHARE))
            self._index = {gram: names for gram, names in index.items() if len(names) <= limit}
        shared: Counter[str] = Counter()
        for gram in _trigrams(key):
            shared.update(self._index.get(gram, ()))
        best = heapq.nlargest(SHORTLIST, shared.items(), key=lambda item: (item[1], item[0]))
        return [name for name, _ in best]
