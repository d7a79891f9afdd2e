"""How long the possible-duplicate scan takes on 100k and 1M accepted activities (it must not be quadratic).

    PYTHONPATH=src python benchmarks/duplicates.py --sizes 100000,1000000

Synthetic activities over ~3,600 libraries in 12 provinces (one provincial and
~10 kabupaten/kota libraries each, the rest village libraries), a year of dates,
eight kinds, titles from a small vocabulary (so similar titles meet often), and
5 % re-sent copies with an edited title, a shifted date and other participants.
Prints the seconds of :func:`exact_duplicates` and :func:`possible_duplicates`
with the ``tpbis-default@2`` rule, and how many each found.
"""

from __future__ import annotations

import argparse
import random
import time

import pendulum

from tpbis.domain.activity import Activity, ActivityKind, SourceRef
from tpbis.domain.library import Library, LibraryKind, Registry
from tpbis.parsing.duplicates import exact_duplicates, possible_duplicates
from tpbis.rubrics import shipped_rubric

PROVINCES = ["Aceh", "Riau", "Jambi", "Bali", "Papua", "Maluku", "Banten", "Lampung", "Gorontalo",
             "Jawa Barat", "Jawa Timur", "Kalimantan Barat"]
WORDS = ["pelatihan", "komputer", "dasar", "ibu", "pkk", "kelas", "menganyam", "rotan", "lomba", "mendongeng",
         "literasi", "digital", "remaja", "posyandu", "bimtek", "konten", "video", "capcut", "pertanian", "umkm"]


def registry() -> Registry:
    libraries = []
    for p, province in enumerate(PROVINCES):
        libraries.append(Library(id=f"prov-{p}", name=f"Prov {province}", kind=LibraryKind.PROVINSI,
                                 province=province))
        for r in range(10):
            regency = f"Kabupaten {p}-{r}"
            libraries.append(Library(id=f"kab-{p}-{r}", name=f"Kab {p}-{r}", kind=LibraryKind.KABUPATEN,
                                     province=province, regency=regency))
            libraries.extend(Library(id=f"desa-{p}-{r}-{v}", name=f"Desa {p}-{r}-{v}", kind=LibraryKind.DESA,
                                     province=province, regency=regency) for v in range(29))
    return Registry.of(libraries)


def activities(count: int, libraries: Registry, seed: int = 7) -> list[Activity]:
    rnd = random.Random(seed)
    ids = [library.id for library in libraries]
    kinds = list(ActivityKind)
    days = [pendulum.date(2024, 1, 1).add(days=d) for d in range(366)]
    stamps = [pendulum.datetime(2024, 1, 1, tz="Asia/Jakarta").add(days=d, hours=9) for d in range(380)]
    out: list[Activity] = []
    for row in range(2, count + 2):
        if out and rnd.random() < 0.05:  # a copy of an earlier report, sent again through another channel
            base = out[rnd.randrange(len(out))]
            words = base.title.split()
            rnd.shuffle(words)
            day = min(365, max(0, base.date.day_of_year - 1 + rnd.randint(-2, 2)))
            out.append(Activity(library_id=base.library_id, date=days[day], title=" ".join(words).upper(),
                                kind=base.kind, participants_male=base.participants_male + rnd.randint(-1, 1) * 2,
                                participants_female=base.participants_female, reported_at=stamps[day + 5],
                                reported_on=days[min(365, day + 5)], source=SourceRef(tab="b", row=row)))
            continue
        day = rnd.randrange(366)
        out.append(Activity(
            library_id=rnd.choice(ids), date=days[day], title=" ".join(rnd.sample(WORDS, 4)), kind=rnd.choice(kinds),
            participants_male=rnd.randint(5, 30), participants_female=rnd.randint(5, 30),
            reported_at=stamps[day + rnd.randint(0, 10)], reported_on=days[day], source=SourceRef(tab="a", row=row),
        ))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000")
    args = parser.parse_args()
    libraries = registry()
    rule = shipped_rubric("tpbis-default@2").duplicates
    assert rule is not None
    for size in (int(s) for s in args.sizes.split(",")):
        data = activities(size, libraries)
        start = time.perf_counter()
        exact = exact_duplicates(data)
        middle = time.perf_counter()
        possible = possible_duplicates(data, libraries, rule)
        end = time.perf_counter()
        print(f"{size:>9} activities: exact {middle - start:6.2f} s ({len(exact)} found), "
              f"possible {end - middle:6.2f} s ({len(possible)} found)")


if __name__ == "__main__":
    main()
