"""Suggestions for unmatched library names (SPEC §3.1 ``library.unknown``): rapidfuzz, cached, never assigned."""

from __future__ import annotations

import difflib
import random
from unittest import mock

import pytest

import tpbis.parsing.matching as matching_module
from tpbis.parsing.matching import LibraryMatcher, normalize_library_name
from tpbis.testing.builders import make_library, make_registry

SUKA = [
    "Perpustakaan Desa Sukamaju", "Perpustakaan Desa Sukamaja", "Perpustakaan Desa Sukamulya",
    "Perpustakaan Desa Sukamukti", "Perpustakaan Desa Sumberjaya", "Perpustakaan Kota Batam",
]
REGISTRY = make_registry([
    make_library("desa-teluk-bakau", name="Perpustakaan Desa Teluk Bakau", aliases=("TBM Pelita",)),
    *(make_library(f"suka-{n}", name=name) for n, name in enumerate(SUKA)),
])


def _difflib(typed: str) -> tuple[str, ...]:
    """What the previous matcher suggested: difflib over every name, ratio ≥ 0.75, best three."""
    display = {normalize_library_name(name): lib.name for lib in REGISTRY for name in (lib.name, *lib.aliases)}
    close = difflib.get_close_matches(normalize_library_name(typed), list(display), n=3, cutoff=0.75)
    return tuple(display[name] for name in close)


class TestSuggestions:
    """Close registered names are suggested, best first, at most three; nothing is assigned."""

    def test_typo_suggests_the_registered_name(self) -> None:
        """One wrong letter: the intended name first, and no library."""
        found = LibraryMatcher(REGISTRY).match("Perpustakaan Desa Teluk Bakao")
        assert (None, "Perpustakaan Desa Teluk Bakau") == (found.library, found.suggestions[0])

    def test_only_close_names(self) -> None:
        """In a registry without look-alikes the typo gets exactly the one close name."""
        registry = make_registry([
            make_library("desa-teluk-bakau", name="Perpustakaan Desa Teluk Bakau"),
            make_library("kota-batam", kind="kota", name="Perpustakaan Kota Batam", regency="Kota Batam"),
        ])
        assert ("Perpustakaan Desa Teluk Bakau",) == LibraryMatcher(registry).match("Perpus Desa Teluk Bakao").suggestions

    def test_far_name_suggests_nothing(self) -> None:
        """A name unlike any registered one gets no suggestion."""
        assert () == LibraryMatcher(REGISTRY).match("Taman Bacaan Kenanga").suggestions

    def test_best_first_at_most_three(self) -> None:
        """Several close names: the three closest, the closest first."""
        expected = ("Perpustakaan Desa Sukamulya", "Perpustakaan Desa Sukamaju", "Perpustakaan Desa Sukamukti")
        assert expected == LibraryMatcher(REGISTRY).match("perpus desa sukamuly").suggestions

    @pytest.mark.parametrize(
        "typed",
        ["Perpustakaan Desa Teluk Bakao", "Perpustakaan Desa Sukamaj", "perpus desa sukamuly",
         "Perpustakaan Desa Suka", "Perpustakaan Kota Batan", "Taman Bacaan Kenanga", "TBM Pelito"],
    )
    def test_same_as_difflib_on_these_names(self, typed: str) -> None:
        """For these typos the suggestions are the ones difflib gave before."""
        assert _difflib(typed) == LibraryMatcher(REGISTRY).match(typed).suggestions

    def test_computed_once_per_distinct_name(self) -> None:
        """Spellings that normalise alike share one search; a new name costs one more."""
        matcher = LibraryMatcher(REGISTRY)
        with mock.patch.object(matching_module.process, "extract", wraps=matching_module.process.extract) as spy:
            first = matcher.match("Perpus Desa Teluk Bakao").suggestions
            again = matcher.match("perpustakaan desa  TELUK-bakao").suggestions
            matcher.match("Perpustakaan Desa Sukamaj")
        assert (1 + 1, first) == (spy.call_count, again)

    def test_large_registry_finds_the_intended_name(self) -> None:
        """Among 10,000 similar names a one-letter typo still suggests the intended library."""
        rng = random.Random(3)
        syllables = ["ba", "ka", "ma", "ri", "sa", "ta", "lo", "ne", "pa", "ja", "wa", "su"]
        names = sorted({
            "Perpustakaan Desa " + "".join(rng.choice(syllables) for _ in range(4)).capitalize()
            for _ in range(10_500)
        })[:10_000]
        registry = make_registry([make_library(f"l{n}", name=name) for n, name in enumerate(names)])
        matcher = LibraryMatcher(registry)
        intended = names[4321]
        typed = intended[:-2] + intended[-1]
        assert intended in matcher.match(typed).suggestions
