"""Benchmark ``library.unknown`` suggestions: rapidfuzz (now) against difflib (before).

A seeded registry of ``--libraries`` names shaped like the real ones
("Perpustakaan Desa <village>", "Perpustakaan Kabupaten <regency>", …) and
``--typos`` distinct misspellings of registered names (one or two edits:
a dropped, doubled, swapped or changed letter). Each approach suggests names
for every misspelling once (the parser caches per distinct name, so distinct
names are what cost):

* ``rapidfuzz`` — :class:`tpbis.parsing.matching.LibraryMatcher` as shipped;
* ``difflib-shortlist`` — the previous matcher: a trigram index picks 64
  candidates, :func:`difflib.get_close_matches` ranks them (copied here);
* ``difflib-pairwise`` — :func:`difflib.get_close_matches` over every name,
  timed on a sample (``--pairwise-sample``) and scaled, since it is slow.

It prints the time per misspelling, the speed-up ratios, and how often the
intended library is among the suggestions (recall) for each approach.

    PYTHONPATH=src python benchmarks/suggestions.py --libraries 10000 --typos 1000
"""

from __future__ import annotations

import argparse
import difflib
import heapq
import random
import string
import time
from collections import Counter

from tpbis.domain.library import Library, LibraryKind, Registry
from tpbis.parsing.matching import LibraryMatcher, normalize_library_name

_SYLLABLES = ("ba", "bu", "ka", "ke", "ma", "ri", "sa", "ta", "lo", "ne", "pa", "ja", "wa", "su", "ng", "ra")


def _place(rng: random.Random) -> str:
    return " ".join(
        "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
        for _ in range(rng.randint(1, 2))
    )


def make_registry(size: int, seed: int) -> Registry:
    """``size`` libraries with distinct, realistic names."""
    rng = random.Random(seed)
    names: set[str] = set()
    libraries: list[Library] = []
    while len(libraries) < size:
        roll = rng.random()
        prefix = "Perpustakaan Desa" if roll < 0.85 else "Perpustakaan Kelurahan" if roll < 0.97 else "Perpustakaan Kabupaten"
        name = f"{prefix} {_place(rng)}"
        if normalize_library_name(name) in names:
            continue
        names.add(normalize_library_name(name))
        libraries.append(Library(
            id=f"lib-{len(libraries)}", name=name, kind=LibraryKind.DESA,
            province="Kepulauan Riau", regency="Kabupaten Bintan",
        ))
    return Registry.of(libraries)


def _typo(text: str, rng: random.Random) -> str:
    at = rng.randrange(len("Perpustakaan Desa "), len(text))  # in the distinctive part, like real typos
    edit = rng.randrange(4)
    if edit == 0:
        return text[:at] + text[at + 1:]
    if edit == 1:
        return text[:at] + text[at] + text[at:]
    if edit == 2 and at + 1 < len(text):
        return text[:at] + text[at + 1] + text[at] + text[at + 2:]
    return text[:at] + rng.choice(string.ascii_lowercase) + text[at + 1:]


def make_typos(registry: Registry, count: int, seed: int) -> list[tuple[str, str]]:
    """``count`` distinct (misspelling, intended name) pairs that match no registered name."""
    rng = random.Random(seed + 1)
    libraries = list(registry)
    known = {normalize_library_name(lib.name) for lib in libraries}
    typos: dict[str, str] = {}
    while len(typos) < count:
        library = rng.choice(libraries)
        typed = library.name
        for _ in range(rng.randint(1, 2)):
            typed = _typo(typed, rng)
        if normalize_library_name(typed) not in known:
            typos.setdefault(typed, library.name)
    return list(typos.items())


class DifflibShortlist:
    """The previous suggestion code: trigram shortlist of 64 names, ranked by difflib (ratio ≥ 0.75, best 3)."""

    SHORTLIST = 64

    def __init__(self, registry: Registry) -> None:
        self.display = {normalize_library_name(lib.name): lib.name for lib in registry}
        index: dict[str, list[str]] = {}
        for name in self.display:
            for gram in self._trigrams(name):
                index.setdefault(gram, []).append(name)
        limit = max(self.SHORTLIST, int(len(self.display) * 0.2))
        self.index = {gram: names for gram, names in index.items() if len(names) <= limit}

    @staticmethod
    def _trigrams(text: str) -> set[str]:
        padded = f"  {text} "
        return {padded[i:i + 3] for i in range(len(padded) - 2)}

    def suggest(self, typed: str) -> tuple[str, ...]:
        key = normalize_library_name(typed)
        shared: Counter[str] = Counter()
        for gram in self._trigrams(key):
            shared.update(self.index.get(gram, ()))
        best = [name for name, _ in heapq.nlargest(self.SHORTLIST, shared.items(), key=lambda item: (item[1], item[0]))]
        return tuple(self.display[c] for c in difflib.get_close_matches(key, best, n=3, cutoff=0.75))


def difflib_pairwise(display: dict[str, str], typed: str) -> tuple[str, ...]:
    """difflib over every registered name."""
    key = normalize_library_name(typed)
    return tuple(display[c] for c in difflib.get_close_matches(key, list(display), n=3, cutoff=0.75))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--libraries", type=int, default=10_000)
    parser.add_argument("--typos", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pairwise-sample", type=int, default=50, help="misspellings timed with pairwise difflib")
    args = parser.parse_args()

    registry = make_registry(args.libraries, args.seed)
    typos = make_typos(registry, args.typos, args.seed)
    rows: list[tuple[str, float, float]] = []  # (approach, seconds per name, recall)

    started = time.perf_counter()
    matcher = LibraryMatcher(registry)
    found = [matcher.match(typed).suggestions for typed, _ in typos]
    seconds = time.perf_counter() - started
    rows.append(("rapidfuzz", seconds / len(typos), sum(i in s for (_, i), s in zip(typos, found, strict=True)) / len(typos)))

    started = time.perf_counter()
    old = DifflibShortlist(registry)
    found = [old.suggest(typed) for typed, _ in typos]
    seconds = time.perf_counter() - started
    rows.append(("difflib-shortlist", seconds / len(typos),
                 sum(i in s for (_, i), s in zip(typos, found, strict=True)) / len(typos)))

    sample = typos[: args.pairwise_sample]
    started = time.perf_counter()
    found = [difflib_pairwise(old.display, typed) for typed, _ in sample]
    seconds = time.perf_counter() - started
    rows.append(("difflib-pairwise", seconds / len(sample),
                 sum(i in s for (_, i), s in zip(sample, found, strict=True)) / len(sample)))

    base = rows[0][1]
    print(f"{args.libraries} libraries, {len(typos)} distinct misspellings (pairwise difflib: {len(sample)} sampled)")
    print(f"{'approach':<20} {'ms / name':>10} {'total (s)':>10} {'× rapidfuzz':>12} {'recall':>8}")
    for name, per_name, recall in rows:
        print(f"{name:<20} {per_name * 1000:>10.2f} {per_name * len(typos):>10.2f} {per_name / base:>12.1f} {recall:>8.1%}")


if __name__ == "__main__":
    main()
