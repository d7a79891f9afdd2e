"""Loading and validating rubric files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tpbis.domain.activity import ActivityKind
from tpbis.errors import RubricError
from tpbis.rubrics import default_rubric, default_text, load_rubric, parse_rubric


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
            ("min = 50", 'min = "lima puluh"', "found 'lima puluh' @ $.colors[1].min"),
            ("level3 = 48 }", "level3 = 48, level4 = 1 }", "extra fields found (level4) @ $.indicators[0].target"),
            ("weight = 25", "weight = 0", "$.indicators[0] (kegiatan_pelibatan).weight"),
            ("level3 = 48 }", "level3 = -1 }", "expected a target above 0"),
            ('[kinds.publikasi]\nlabel = "Publikasi"\nlabel_en = "Publication"\n', "", "labels missing for publikasi"),
            ("min = 80", "min = 40", "minimums must fall"),
            ("version = 1", "version = 1\nversion = 2", "not valid TOML"),
            ("levels = [3]", "levels = [4]", "$.awards[0] (plm_nasional).levels: expected levels among 1, 2, 3"),
            ("cap = 100 }]", "cap = 0 }]", "$.awards[0] (plm_nasional).ranking[0].cap: expected a number above 0"),
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
        assert expected in str(info.value)
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
