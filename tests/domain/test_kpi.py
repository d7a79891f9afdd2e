"""KPI engine tests written from SPEC §5, with hand-computed numbers."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from tpbis.domain.activity import ActivityKind
from tpbis.domain.kpi import gap_advice, gap_terms_advice, score
from tpbis.domain.library import LibraryKind
from tpbis.domain.period import Period
from tpbis.domain.rubric import Color
from tpbis.domain.text import url_identity
from tpbis.message import Message
from tpbis.rubrics import default_rubric, default_text, parse_rubric
from tpbis.testing.builders import make_activity, make_library, make_registry

K = ActivityKind
SEPTEMBER = Period.parse("2024-09")


def two_indicator_rubric() -> str:
    """A rubric whose composite is (s1 + s2) / 2, for exact boundary values."""
    kinds = "\n".join(
        f'[kinds.{k.value}]\nlabel = "{k.value}"\nlabel_en = "{k.value} en"\n' for k in ActivityKind
    )
    indicators = "\n".join(
        f"""[[indicators]]
id = "{name}"
label = "{name}"
label_en = "{name}"
measure = "participants"
kinds = ["{kind}"]
weight = 1
target = {{ level1 = 1000, level2 = 1000, level3 = 1000 }}
"""
        for name, kind in (("a", "pelatihan"), ("b", "promosi"))
    )
    return f"""name = "batas"
version = 3
title = "Batas"
title_en = "Bounds"
{kinds}
[[colors]]
color = "hijau"
min = 80
[[colors]]
color = "kuning"
min = 50
[[colors]]
color = "merah"
min = 0
{indicators}"""


class TestWorkedExample:
    """A village library in September 2024, computed by hand from SPEC §5."""

    def run(self):  # type: ignore[no-untyped-def]
        library = make_library("desa-a")
        activities = [
            make_activity("desa-a", f"2024-09-{d:02d}", K.PELATIHAN, male=10, female=10, row=d)
            for d in (2, 9, 16)
        ]
        return score(activities, make_registry([library]), default_rubric(), SEPTEMBER).results[0]

    def test_indicator_values_targets_scores(self) -> None:
        """Each indicator shows value, monthly target and score."""
        result = self.run()
        shown = {r.id: (r.shown_value, r.shown_target, r.shown_score) for r in result.indicators}
        assert {
            "kegiatan_pelibatan": (3, Decimal("4.0"), Decimal("75.0")),
            "peserta": (60, Decimal("60.0"), Decimal("100.0")),
            "partisipasi_perempuan": (Decimal("50.0"), Decimal("50.0"), Decimal("100.0")),
            "pengembangan_kapasitas": (3, Decimal("1.0"), Decimal("100.0")),
            "advokasi_kemitraan": (0, Decimal("0.3"), Decimal("0.0")),
            "publikasi": (0, Decimal("2.0"), Decimal("0.0")),
            "ketepatan_pelaporan": (Decimal("100.0"), Decimal("80.0"), Decimal("100.0")),
        } == shown

    def test_composite_and_colour(self) -> None:
        """(25·75 + 20·100 + 10·100 + 15·100 + 10·100) / 100 = 73.75 → 73.8 kuning."""
        result = self.run()
        assert (Fraction(7375, 100), Decimal("73.8"), Color.KUNING) == (
            result.composite_exact, result.composite, result.color,
        )

    def test_gap_lists_cheapest_indicators_first(self) -> None:
        """6.2 points to hijau: one more engagement activity, else 2 links, else 1 advocacy."""
        gap = self.run().gap
        assert gap is not None
        assert (Color.HIJAU, Decimal("6.2")) == (gap.next_color, gap.points)
        assert [
            (o.indicator.id, o.extra) for o in gap.options[:3]
        ] == [("kegiatan_pelibatan", 1), ("publikasi", 2), ("advokasi_kemitraan", 1)]

    def test_rows_counted_are_listed(self) -> None:
        """The explanation names the sheet rows each indicator counted."""
        result = self.run()
        assert result.indicator("kegiatan_pelibatan").rows == (2, 9, 16)
        assert result.indicator("publikasi").rows == ()


class TestEveryLibrary:
    """Every registered library gets a result, including silent ones."""

    def test_library_without_reports_is_scored(self) -> None:
        """No activities: undefined shares are None, composite 0.0, merah."""
        registry = make_registry([make_library("a"), make_library("b", kind=LibraryKind.TBM)])
        run = score([make_activity("a")], registry, default_rubric(), SEPTEMBER)
        silent = run.result("b")
        assert [r.library.id for r in run.results] == ["a", "b"]
        assert (None, None, Decimal("0.0"), Color.MERAH) == (
            silent.indicator("partisipasi_perempuan").shown_value,
            silent.indicator("ketepatan_pelaporan").shown_value,
            silent.composite,
            silent.color,
        )

    def test_activities_outside_the_period_are_ignored(self) -> None:
        """Only activities dated inside the period count."""
        registry = make_registry([make_library("a")])
        activities = [make_activity("a", "2024-08-31"), make_activity("a", "2024-10-01")]
        assert score(activities, registry, default_rubric(), SEPTEMBER).results[0].activity_count == 0


class TestTargets:
    """Targets per level, scaled by the period's month-equivalents."""

    @pytest.mark.parametrize(
        ("kind", "expected"),
        [("provinsi", Decimal("8.0")), ("kabupaten", Decimal("6.0")), ("kota", Decimal("6.0")), ("tbm", Decimal("4.0"))],
    )
    def test_monthly_engagement_target_by_level(self, kind: str, expected: Decimal) -> None:
        """96 / 72 / 48 a year is 8 / 6 / 4 a month."""
        registry = make_registry([make_library("x", kind=kind)])
        result = score([], registry, default_rubric(), SEPTEMBER).results[0]
        assert expected == result.indicator("kegiatan_pelibatan").shown_target

    def test_range_period_scales_targets(self) -> None:
        """1 Jan–25 Sep 2024 is 8 + 25/30 months: 48 × (53/6) / 12 = 35.33…"""
        period = Period.parse("2024-01-01..2024-09-25")
        result = score([], make_registry([make_library("x")]), default_rubric(), period).results[0]
        targets = {r.id: r.shown_target for r in result.indicators}
        assert Fraction(53, 6) == period.scale
        assert {
            "kegiatan_pelibatan": Decimal("35.3"),
            "peserta": Decimal("530.0"),
            "partisipasi_perempuan": Decimal("50.0"),
            "pengembangan_kapasitas": Decimal("8.8"),
            "advokasi_kemitraan": Decimal("2.9"),
            "publikasi": Decimal("17.7"),
            "ketepatan_pelaporan": Decimal("80.0"),
        } == targets

    def test_kind_override_from_rubric_file(self) -> None:
        """target_by_kind in the rubric replaces the level target for that kind."""
        text = default_rubric_text().replace(
            "target = { level1 = 96, level2 = 72, level3 = 48 }",
            "target = { level1 = 96, level2 = 72, level3 = 48 }\ntarget_by_kind = { tbm = 24 }",
        )
        rubric = parse_rubric(text)
        registry = make_registry([make_library("t", kind="tbm"), make_library("d")])
        run = score([], registry, rubric, Period.parse("2024"))
        assert [Decimal("24.0"), Decimal("48.0")] == [
            r.indicator("kegiatan_pelibatan").shown_target for r in run.results
        ]


def default_rubric_text() -> str:
    """The shipped default rubric's TOML."""
    return default_text()


class TestColourBoundaries:
    """Rounding half up to one decimal happens before the colour is chosen."""

    @pytest.mark.parametrize(
        ("a", "b", "composite", "color"),
        [
            (1000, 599, "80.0", Color.HIJAU),  # exact 79.95 rounds up
            (1000, 598, "79.9", Color.KUNING),
            (1000, 600, "80.0", Color.HIJAU),
            (0, 999, "50.0", Color.KUNING),  # exact 49.95 rounds up
            (0, 998, "49.9", Color.MERAH),
            (0, 1000, "50.0", Color.KUNING),
        ],
    )
    def test_boundary(self, a: int, b: int, composite: str, color: Color) -> None:
        """(s1 + s2) / 2 at and around 49.95, 50, 79.95 and 80."""
        rubric = parse_rubric(two_indicator_rubric())
        activities = [
            make_activity("x", "2024-05-01", K.PELATIHAN, male=a),
            make_activity("x", "2024-05-02", K.PROMOSI, male=b),
        ]
        result = score(activities, make_registry([make_library("x")]), rubric, Period.parse("2024")).results[0]
        assert (Decimal(composite), color) == (result.composite, result.color)
        assert rubric.ref == "batas@3"


class TestIndicators:
    """Indicator values by SPEC §5."""

    def test_publication_urls_are_distinct_by_identity(self) -> None:
        """Scheme and host case, one trailing slash and the fragment do not make a new link."""
        urls = [
            ("https://Instagram.com/p/abc/", "HTTPS://instagram.com/p/abc#x"),
            ("https://instagram.com/p/abc", "https://instagram.com/P/abc"),
        ]
        activities = [
            make_activity("x", "2024-09-03", K.PUBLIKASI, publication_urls=pair, row=i)
            for i, pair in enumerate(urls)
        ]
        result = score(activities, make_registry([make_library("x")]), default_rubric(), SEPTEMBER).results[0]
        assert result.indicator("publikasi").shown_value == 2

    def test_timely_reporting_counts_seven_days(self) -> None:
        """A delay of 7 days is timely, 8 is not: 1 of 2 → 50 %."""
        activities = [
            make_activity("x", "2024-09-03", K.ADVOKASI, delay_days=7),
            make_activity("x", "2024-09-04", K.KEMITRAAN, delay_days=8),
        ]
        result = score(activities, make_registry([make_library("x")]), default_rubric(), SEPTEMBER).results[0]
        assert Decimal("50.0") == result.indicator("ketepatan_pelaporan").shown_value

    def test_female_share_only_counts_engagement(self) -> None:
        """Advocacy participants are not part of the women's share."""
        activities = [
            make_activity("x", "2024-09-03", K.PROMOSI, male=3, female=1),
            make_activity("x", "2024-09-04", K.ADVOKASI, male=0, female=50),
        ]
        result = score(activities, make_registry([make_library("x")]), default_rubric(), SEPTEMBER).results[0]
        assert (Decimal("25.0"), 4) == (
            result.indicator("partisipasi_perempuan").shown_value,
            result.indicator("peserta").shown_value,
        )


class TestRollup:
    """Roll-ups per kabupaten/kota and province."""

    def test_mean_of_rounded_composites(self) -> None:
        """Counts per colour and the mean of rounded composites, half up."""
        registry = make_registry([
            make_library("p", kind="provinsi"),
            make_library("a", regency="Kota Batam"),
            make_library("b", regency="Kota Batam"),
        ])
        activities = [make_activity("a", "2024-09-02", K.PELATIHAN, male=10, female=10)]
        rollups = score(activities, registry, default_rubric(), SEPTEMBER).rollups()
        batam, province = rollups
        assert (
            batam.regency, batam.libraries, dict(batam.colors),
        ) == ("Kota Batam", 2, {Color.HIJAU: 0, Color.KUNING: 0, Color.MERAH: 2})
        # a: (25·25 + 20·33.3… + 10·100 + 15·100 + 10·100) / 100 = 47.91… → 47.9; mean 47.9 / 3 = 15.96… → 16.0
        assert Decimal("47.9") == score(activities, registry, default_rubric(), SEPTEMBER).result("a").composite
        assert (None, 3, Decimal("16.0")) == (province.regency, province.libraries, province.mean)


class TestUrlIdentity:
    """Publication links are one link however they are spelled (SPEC §5)."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (" HTTPS://IG.com/p/1/#top ", "https://ig.com/p/1"),
            ("https://Admin@Desa.ID/x/", "https://Admin@desa.id/x"),  # only scheme and host lower-cased
            ("https://ig.com/P/Abc?x=1", "https://ig.com/P/Abc?x=1"),
        ],
    )
    def test_identity(self, text: str, expected: str) -> None:
        """Trimmed, scheme and host lower-cased, fragment and one trailing slash dropped."""
        assert expected == url_identity(text)


class TestLazyGap:
    """The gap explanation is worked out when asked for, and only once."""

    def test_gap_cached(self) -> None:
        """A library that reported nothing is merah, aiming at kuning; reading gap twice gives one object."""
        registry = make_registry([make_library("a")])
        result = score([], registry, default_rubric(), SEPTEMBER).results[0]
        gap = result.gap
        assert gap is not None
        assert (Color.MERAH, Color.KUNING, True) == (result.color, gap.next_color, gap is result.gap)


class TestGapAdvice:
    """The gap advice is a message, rendered in either language at the edge."""

    def test_advice_in_both_languages(self) -> None:
        """Points short, then the two cheapest ways, each in the reader's language."""
        advice = gap_advice(TestWorkedExample().run().gap)
        assert (
            "Kurang 6.2 poin untuk hijau. tambah 1 kegiatan pelibatan (kegiatan_pelibatan). "
            "Atau: tambah 2 tautan publikasi (publikasi).",
            "6.2 points short of green. add 1 engagement activity (kegiatan_pelibatan). "
            "Or: add 2 publication links (publikasi).",
        ) == (advice.render("id"), advice.render("en"))

    def test_one_option(self) -> None:
        """With one option asked for, there is no "or"."""
        advice = gap_advice(TestWorkedExample().run().gap, options=1)
        assert "6.2 points short of green. add 1 engagement activity (kegiatan_pelibatan)." == advice.render("en")

    @pytest.mark.parametrize(
        ("indicator_id", "extra", "indonesian", "english"),
        [
            ("kegiatan_pelibatan", Fraction(1), "tambah 1 kegiatan pelibatan", "add 1 engagement activity"),
            ("kegiatan_pelibatan", Fraction(2), "tambah 2 kegiatan pelibatan", "add 2 engagement activities"),
            ("advokasi_kemitraan", Fraction(1), "tambah 1 kegiatan advokasi/kemitraan", "add 1 advocacy/partnership activity"),
            ("peserta", Fraction(1), "tambah 1 peserta", "add 1 participant"),
            ("partisipasi_perempuan", Fraction(1), "tambah 1.0 poin persen", "add 1.0 percentage points"),
            ("partisipasi_perempuan", Fraction(1, 2), "tambah 0.5 poin persen", "add 0.5 percentage points"),
        ],
    )
    def test_unit_agrees_with_count(self, indicator_id: str, extra: Fraction, indonesian: str, english: str) -> None:
        """The rubric's plural ``unit_en`` is made singular for a whole count of one; Indonesian is unchanged."""
        indicator = next(i for i in default_rubric().indicators if i.id == indicator_id)
        advice = gap_terms_advice((Color.HIJAU, Decimal("3.0"), [(indicator, extra, 1, 1)]))
        shown = (advice.render("id"), advice.render("en"))
        assert (f"{indonesian} ({indicator_id}).", f"{english} ({indicator_id}).") == tuple(
            text.split(". ", 1)[1] for text in shown
        )

    def test_top_colour(self) -> None:
        """No gap: already hijau."""
        assert ("Sudah hijau.", "Already green.") == (gap_advice(None).render("id"), gap_advice(None).render("en"))


class TestPlurals:
    """Counted words agree with their count in English; Indonesian has one form."""

    @pytest.mark.parametrize(
        ("key", "n", "indonesian", "english"),
        [
            ("report.activities", 1, "1 kegiatan", "1 activity"),
            ("report.activities", 2, "2 kegiatan", "2 activities"),
            ("award.points_short", 1, ", kurang 1 poin", ", 1 point short"),
            ("award.points_short", Decimal("1.0"), ", kurang 1.0 poin", ", 1.0 points short"),
            ("gap.points", Decimal("6.2"), "Kurang 6.2 poin untuk hijau.", "6.2 points short of green."),
        ],
    )
    def test_forms(self, key: str, n: object, indonesian: str, english: str) -> None:
        """The count chooses the English form; a fraction takes the plural."""
        message = Message.plural(key, n, color=Message("color.hijau"))
        assert (indonesian, english) == (message.render("id"), message.render("en"))

    def test_what_if_single_kind(self) -> None:
        """"or only 1 … activity" and "or only 3 … activities"."""
        kind = Message.literal("pelatihan", "training")
        assert ["or only 1 training activity", "or only 3 training activities", "atau hanya 1 kegiatan pelatihan"] == [
            Message.plural("whatif.single", 1, kind=kind).render("en"),
            Message.plural("whatif.single", 3, kind=kind).render("en"),
            Message.plural("whatif.single", 1, kind=kind).render("id"),
        ]


class TestPeriodTitle:
    """Period names come from the catalogue's month names, in both languages."""

    @pytest.mark.parametrize(
        ("text", "indonesian", "english"),
        [
            ("2024-08", "Agustus 2024", "August 2024"),
            ("2024-Q3", "Triwulan III 2024", "Quarter 3 2024"),
            ("2024-S2", "Semester 2 2024", "Half 2 2024"),
            ("2024", "Tahun 2024", "Year 2024"),
            ("2024-01-05..2024-03-10", "5 Januari–10 Maret 2024", "5 January–10 March 2024"),
            ("2024-05-01..2024-05-09", "1–9 Mei 2024", "1–9 May 2024"),
        ],
    )
    def test_title(self, text: str, indonesian: str, english: str) -> None:
        """The title renders to the period's label and label_en."""
        period = Period.parse(text)
        assert (indonesian, english, indonesian, english) == (
            period.title.render("id"), period.title.render("en"), period.label, period.label_en,
        )
