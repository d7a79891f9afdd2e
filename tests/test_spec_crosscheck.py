"""An independent, literal reading of SPEC §4–5, compared with the engine on random data.

Nothing here reuses tpbis' KPI code or the rubric file: constants are copied
from the SPEC text so a disagreement points at one of the two readings.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from urllib.parse import urlsplit, urlunsplit

from hypothesis import given
from hypothesis import strategies as st

from strategies import activities
from tpbis.domain.activity import Activity
from tpbis.domain.kpi import score
from tpbis.domain.library import Library
from tpbis.domain.period import Period
from tpbis.rubrics import default_rubric
from tpbis.testing.builders import make_library, make_registry

PELIBATAN = {"pelatihan", "pelatihan_tik", "promosi", "fasilitasi"}
TARGETS = {  # annual, level 3 / 2 / 1
    "kegiatan_pelibatan": {3: 48, 2: 72, 1: 96},
    "peserta": {3: 720, 2: 1440, 1: 2400},
    "pengembangan_kapasitas": {3: 12, 2: 24, 1: 24},
    "advokasi_kemitraan": {3: 4, 2: 6, 1: 8},
    "publikasi": {3: 24, 2: 48, 1: 72},
}
WEIGHTS = {
    "kegiatan_pelibatan": 25, "peserta": 20, "partisipasi_perempuan": 10, "pengembangan_kapasitas": 15,
    "advokasi_kemitraan": 10, "publikasi": 10, "ketepatan_pelaporan": 10,
}


def spec_scale(start: dt.date, end: dt.date) -> Fraction:
    """Σ over touched months of days inside ÷ days in month."""
    total = Fraction(0)
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        days = calendar.monthrange(year, month)[1]
        first = max(start, dt.date(year, month, 1))
        last = min(end, dt.date(year, month, days))
        total += Fraction((last - first).days + 1, days)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return total


def url_id(url: str) -> str:
    """Trimmed, scheme and host lower-cased, fragment and one trailing slash removed."""
    parts = urlsplit(url.strip())
    path = parts.path[:-1] if parts.path.endswith("/") else parts.path
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def spec_composite(library: Library, acts: list[Activity], start: dt.date, end: dt.date) -> Decimal:
    """The composite of SPEC §5, rounded half up to one decimal."""
    level = library.level
    mine = [a for a in acts if a.library_id == library.id and start <= a.date <= end]
    pel = [a for a in mine if a.kind.value in PELIBATAN]
    scale = spec_scale(start, end)
    everyone = sum(a.participants_male + a.participants_female for a in pel)
    values: dict[str, Fraction | None] = {
        "kegiatan_pelibatan": Fraction(len(pel)),
        "peserta": Fraction(everyone),
        "partisipasi_perempuan": Fraction(100 * sum(a.participants_female for a in pel), everyone) if everyone else None,
        "pengembangan_kapasitas": Fraction(sum(1 for a in mine if a.kind.value in {"pelatihan", "pelatihan_tik"})),
        "advokasi_kemitraan": Fraction(sum(1 for a in mine if a.kind.value in {"advokasi", "kemitraan"})),
        "publikasi": Fraction(len({url_id(u) for a in mine for u in a.publication_urls})),
        "ketepatan_pelaporan": (
            Fraction(100 * sum(1 for a in mine if (a.reported_on - a.date).days <= 7), len(mine)) if mine else None
        ),
    }
    total = Fraction(0)
    for name, value in values.items():
        target = Fraction(TARGETS[name][level]) * scale / 12 if name in TARGETS else Fraction(
            50 if name == "partisipasi_perempuan" else 80
        )
        s = Fraction(0) if value is None else 100 * min(value / target, Fraction(1))
        total += WEIGHTS[name] * s
    composite = total / 100
    # 28 significant digits leave no room for a double-rounding tie at one decimal.
    return (Decimal(composite.numerator) / Decimal(composite.denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


LIBRARIES = [
    make_library("a"),
    make_library("b", kind="kabupaten", regency="Kabupaten Bintan"),
    make_library("c", kind="provinsi"),
]
period_texts = st.sampled_from(["2024-09", "2024-Q1", "2024-S2", "2024", "2024-01-01..2024-09-25", "2024-02-10..2024-03-05"])


class TestCrossCheck:
    """The engine agrees with the literal reading to the last digit."""

    @given(st.lists(activities(), max_size=60), period_texts)
    def test_composites_agree(self, acts: list[Activity], period_text: str) -> None:
        """Same composite for every library, every period shape."""
        period = Period.parse(period_text)
        run = score(acts, make_registry(LIBRARIES), default_rubric(), period)
        start = dt.date(period.start.year, period.start.month, period.start.day)
        end = dt.date(period.end.year, period.end.month, period.end.day)
        expected = {lib.id: spec_composite(lib, acts, start, end) for lib in LIBRARIES}
        assert expected == {r.library.id: r.composite for r in run.results}

    def test_scale_matches(self) -> None:
        """The independent scale agrees with Period.scale on the SPEC example."""
        assert spec_scale(dt.date(2024, 1, 1), dt.date(2024, 9, 25)) == Period.parse("2024-01-01..2024-09-25").scale
