"""Loading and validating rubric files."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from tpbis.cli import main
from tpbis.domain.activity import ActivityKind
from tpbis.errors import RubricError
from tpbis.rubrics import (
    default_rubric,
    default_text,
    load_rubric,
    parse_rubric,
    shipped_rubric,
    shipped_rubrics,
)


class TestDefaultRubric:
    """The shipped rubric is SPEC §5."""

    def test_identity_and_weights(self) -> None:
        """tpbis-default@1 with weights 25/20/10/15/10/10/10."""
        rubric = default_rubric()
        assert ("tpbis-default@1", [25, 20, 10, 15, 10, 10, 10]) == (
            rubric.ref, [i.weight for i in rubric.indicators],
        )

    def test_every_kind_has_labels(self) -> None:
        """Each activity kind has an Indonesian and an English label."""
        rubric = default_rubric()
        assert set(ActivityKind) == {info.kind for info in rubric.kinds}
        assert "Pelatihan TIK" == rubric.kind_info(ActivityKind.PELATIHAN_TIK).label


class TestInvalidRubrics:
    """Bad files fail with the key path, what was expected and what was found."""

    @pytest.mark.parametrize(
        ("old", "new", "expected"),
        [
            ("weight = 25", 'weight = "banyak"', "$.indicators[0].weight"),
            ('measure = "count"', 'measure = "hitung"', "$.indicators[0].measure"),
            ("min = 50", 'min = "lima puluh"', "$.colors[1].min = 'lima puluh': expected a number"),
            ("level3 = 48 }", "level3 = 48, level4 = 1 }", "unknown key '$.indicators[0].target.level4'"),
            ("weight = 25", "weight = 0", "$.indicators[0] (kegiatan_pelibatan).weight"),
            ("level3 = 48 }", "level3 = -1 }", "$.indicators[0] (kegiatan_pelibatan).level3: expected a target above 0, found -1"),
            ('[kinds.publikasi]\nlabel = "Publikasi"\nlabel_en = "Publication"\n', "", "$.kinds: expected the labels of every activity kind once, found missing publikasi"),
            ("min = 80", "min = 40", "$.colors: expected minimums falling from best to worst"),
            ("version = 1", "version = 1\nversion = 2", "not valid TOML"),
            ("levels = [3]", "levels = [4]", "$.awards[0] (plm_nasional).levels: expected levels among 1, 2, 3, found [4]"),
            ("cap = 100 }]", "cap = 0 }]", "$.awards[0] (plm_nasional).ranking[0].cap: expected above 0, found 0"),
            ('id = "cerita_dampak"', 'id = "cerita_dampak"\ndecimals = -1', "$.contests[0].decimals: expected 0 or more"),
            ('label = "Publikasi"\n', 'label = "Publikasi"\naliases = ["Promosi"]\n', "$: label 'Promosi' names two"),
        ],
    )
    def test_message(self, old: str, new: str, expected: str) -> None:
        """The message names the problem's place."""
        text = default_text()
        assert old in text
        with pytest.raises(RubricError) as info:
            parse_rubric(text.replace(old, new, 1), "rubrik.toml")
        assert expected in info.value.message("en")
        assert "rubrik.toml" in str(info.value)

    def test_missing_file(self, tmp_path: Path) -> None:
        """A missing file is a RubricError naming it."""
        with pytest.raises(RubricError, match=r"tidak-ada\.toml"):
            load_rubric(tmp_path / "tidak-ada.toml")

    def test_user_file_round_trip(self, tmp_path: Path) -> None:
        """A copy of the default with another name and version loads with that identity."""
        path = tmp_path / "kepri.toml"
        path.write_text(default_text().replace('name = "tpbis-default"', 'name = "kepri"').replace(
            "version = 1", "version = 2"), encoding="utf-8")
        assert "kepri@2" == load_rubric(path).ref


class TestCatalogue:
    """The shipped rubrics: tpbis-default@1 (SPEC) and tpbis-default@2 (2025)."""

    def test_names(self) -> None:
        """Both are listed, oldest first, each file saying its own name."""
        assert ["tpbis-default@1", "tpbis-default@2"] == [r.ref for r in shipped_rubrics()]

    def test_default_digest_is_pinned(self) -> None:
        """The default's content digest does not drift between releases (SPEC numbers depend on it)."""
        assert "85e0eae43372" == default_rubric().digest

    def test_version_2_changes_what_its_header_says(self) -> None:
        """@2: weights 20/20/10/15/10/15/10, level-3 participants 840, timely 85 % within 5 days, kuning from 55."""
        two = shipped_rubric("tpbis-default@2")
        timely = two.indicator("ketepatan_pelaporan")
        assert (
            [20, 20, 10, 15, 10, 15, 10], Fraction(840), (Fraction(85), 5), Fraction(55),
        ) == (
            [i.weight for i in two.indicators], two.indicator("peserta").targets[3],
            (timely.targets[1], timely.within_days), two.bands[1].minimum,
        )

    def test_labels_and_awards_as_in_version_1(self) -> None:
        """Everything else is unchanged: kinds, awards, contests."""
        one, two = shipped_rubrics()
        assert (one.kinds, one.awards, one.contests) == (two.kinds, two.awards, two.contests)

    def test_unknown_name(self) -> None:
        """An unknown name is a RubricError listing the shipped ones."""
        with pytest.raises(RubricError, match="tpbis-default@1, tpbis-default@2"):
            shipped_rubric("tpbis-default@3")


def _reformatted(text: str) -> str:
    """The default's TOML with other key order, number spellings, whitespace and comments."""
    swaps = [
        ('name = "tpbis-default"\nversion = 1', 'version = 1\nname = "tpbis-default"'),
        ("level1 = 96, level2 = 72, level3 = 48", 'level3 = 48.0, level1 = "96", level2 = 72'),
        ('kinds = ["pelatihan", "pelatihan_tik", "promosi", "fasilitasi"]',
         'kinds = ["fasilitasi", "promosi", "pelatihan_tik", "pelatihan"]'),
        ('{ metric = "color", color = "hijau" }', '{ color = "hijau", metric = "color" }'),
    ]
    for old, new in swaps:
        assert old in text, old
        text = text.replace(old, new)
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return "\n\n".join(f"  {line}    # catatan" if " = " in line and not line.startswith("[") else line
                       for line in lines)


class TestDigest:
    """The digest follows the rubric's content, not its file's bytes."""

    def test_stable_under_whitespace_comments_key_order_and_number_spelling(self) -> None:
        """Reformatting the default TOML keeps its digest."""
        text = _reformatted(default_text())
        assert text != default_text()
        assert default_rubric().digest == parse_rubric(text).digest

    def test_changes_with_a_target(self) -> None:
        """One changed target gives another digest, under the same name@version."""
        edited = parse_rubric(default_text().replace("level3 = 48 }", "level3 = 40 }"))
        assert ("tpbis-default@1", True) == (edited.ref, edited.digest != default_rubric().digest)

    def test_name_and_version_are_not_content(self) -> None:
        """A renamed copy shows the same digest, so it can be seen to be the default's numbers."""
        renamed = parse_rubric(default_text().replace('name = "tpbis-default"', 'name = "kepri"'))
        assert ("kepri@1", default_rubric().digest) == (renamed.ref, renamed.digest)

    def test_same_instant_other_offset(self) -> None:
        """A contest deadline written in another time zone but the same instant keeps the digest."""
        base = default_text().replace('id = "reels"', 'id = "reels"\ndeadline = "2024-08-31T23:59:59+07:00"')
        other = default_text().replace('id = "reels"', 'id = "reels"\ndeadline = "2024-08-31T16:59:59+00:00"')
        assert parse_rubric(base).digest == parse_rubric(other).digest


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


class TestRubricCommands:
    """`tpbis rubric list`, `show NAME` and `check`'s warning about edited shipped rubrics."""

    def test_list(self, capsys: pytest.CaptureFixture[str]) -> None:
        """One line per shipped rubric: name@version, digest, title; the default starred."""
        code, out, _ = _cli(capsys, "rubric", "list")
        two = shipped_rubric("tpbis-default@2")
        assert (0, [
            f"tpbis-default@1  sha256:{default_rubric().digest}  Rubrik bawaan TPBIS *",
            f"tpbis-default@2  sha256:{two.digest}  Rubrik bawaan TPBIS 2025",
        ]) == (code, out.splitlines())

    def test_show_by_name_round_trips(self, capsys: pytest.CaptureFixture[str]) -> None:
        """`rubric show tpbis-default@2` prints the file that loads as that rubric."""
        code, out, _ = _cli(capsys, "rubric", "show", "tpbis-default@2")
        assert (0, shipped_rubric("tpbis-default@2").digest) == (code, parse_rubric(out).digest)

    def test_edited_copy_of_the_default_is_flagged(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """Same name@version, other numbers: exit 0, OK line, one warning line naming both digests."""
        path = tmp_path / "rubrik.toml"
        path.write_text(default_text().replace("weight = 25", "weight = 30"), encoding="utf-8")
        edited = load_rubric(path)
        code, out, err = _cli(capsys, "--lang", "en", "rubric", "check", str(path))
        assert (0, True, 1) == (code, out.startswith("OK: tpbis-default@1"), len(err.splitlines()))
        assert (
            f"tpbis: Warning: '{path}' is called tpbis-default@1, like the shipped rubric, but its content "
            f"differs (digest {edited.digest}, shipped {default_rubric().digest})."
        ) in err

    def test_edited_copy_json_lists_the_warning(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """--format json carries the digest and the warning's code."""
        path = tmp_path / "rubrik.toml"
        path.write_text(default_text().replace("min = 80", "min = 75"), encoding="utf-8")
        _, out, _ = _cli(capsys, "rubric", "check", str(path), "--format", "json")
        document = json.loads(out)
        assert (load_rubric(path).digest, ["rubric.copy_differs"]) == (
            document["rubric_digest"], [w["code"] for w in document["warnings"]],
        )

    @pytest.mark.parametrize("change", [("# Copy this file", "# Kopi berkas ini"), ("version = 1", "version = 7")])
    def test_unedited_or_renamed_copy_is_not_flagged(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, change: tuple[str, str],
    ) -> None:
        """A copy differing only in comments, or with its own version, passes without a warning."""
        path = tmp_path / "rubrik.toml"
        path.write_text(default_text().replace(*change), encoding="utf-8")
        assert (0, "") == _cli(capsys, "rubric", "check", str(path))[::2]
