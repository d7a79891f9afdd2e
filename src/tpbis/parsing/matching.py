"""Matching typed library names to registered libraries (SPEC §3.1).

In order: exact ``id``; then equality of the normalised name or an alias
(casefold, punctuation to space, whitespace collapsed; ``perpusdes`` →
``perpustakaan desa``, ``perpus`` → ``perpustakaan``). Never a fuzzy
auto-assignment: close names are only suggested.

Suggestions are the registered names (normalised, like the typed one) whose
:func:`rapidfuzz.fuzz.ratio` with it is at least :data:`CUTOFF`, best
:data:`LIMIT` first, found by :func:`rapidfuzz.process.extract` over every
name in one C++ pass (with a 10,000-library registry about 1 ms a name, where
pairwise :mod:`difflib` took ~25 ms). They are computed once per distinct
normalised name.
"""

from __future__ import annotations

from typing import Final

import attrs
from rapidfuzz import fuzz, process

from tpbis.domain.library import Library, Registry
from tpbis.parsing.values import normalize_text

__all__ = ["LibraryMatcher", "Match", "normalize_library_name"]

_WORDS = {"perpusdes": "perpustakaan desa", "perpus": "perpustakaan"}

#: The lowest :func:`rapidfuzz.fuzz.ratio` (0…100, the normalised Indel similarity) a suggestion has.
CUTOFF: Final = 75
#: At most this many suggestions per unmatched name.
LIMIT: Final = 3


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
        self._choices = list(names)
        self._suggested: dict[str, tuple[str, ...]] = {}

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
            close = process.extract(key, self._choices, scorer=fuzz.ratio, score_cutoff=CUTOFF, limit=LIMIT)
            suggestions = self._suggested[key] = tuple(dict.fromkeys(self._display[name] for name, _, _ in close))
        return Match(None, suggestions=suggestions)
