"""Rubrics by date: each period is scored with the rubric in force; a period across a change is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pendulum
import pytest

from tpbis.cli import main
from tpbis.config import Config, RubricEntry, load_config, resolve_settings
from tpbis.domain.period import Period
from tpbis.domain.rubric import Rubric, RubricSchedule, RubricSpan, rubric_for
from tpbis.errors import ConfigError, RubricError
from tpbis.rubrics import default_rubric, default_text, parse_rubric, shipped_rubric
from tpbis.service import Inputs, score_inputs
from tpbis.sources import load_inputs

ROOT = Path(__file__).resolve().parents[1]
WORKBOOK = str(ROOT / "examples" / "kepri-2024.xlsx")

#: A 2023 rubric: the default with every count target halved and its own identity.
RUBRIC_2023_TEXT = (
    default_text()
    .replace('name = "tpbis-default"', 'name = "kepri-2023"')
    .replace("level1 = 96, level2 = 72, level3 = 48", "level1 = 48, level2 = 36, level3 = 24")
    .replace("level1 = 2400, level2 = 1440, level3 = 720", "level1 = 1200, level2 = 720, level3 = 360")
)
RUBRIC_2023 = parse_rubric(RUBRIC_2023_TEXT, "rubrik-2023.toml")
DEFAULT = default_rubric()


def day(text: str) -> pendulum.Date:
    """A pendulum date from ISO text."""
    parsed = pendulum.parse(text)
    assert isinstance(parsed, pendulum.Date)
    return parsed.date() if isinstance(parsed, pendulum.DateTime) else parsed


def schedule_2023_2024() -> RubricSchedule:
    """kepri-2023@1 for 2023, tpbis-default@1 from 2024."""
    return RubricSchedule.of([
        RubricSpan(rubric=DEFAULT, valid_from=day("2024-01-01")),
        RubricSpan(rubric=RUBRIC_2023, valid_from=day("2023-01-01"), valid_until=day("2023-12-31")),
    ])


@pytest.fixture(scope="module")
def inputs() -> Inputs:
    """The example workbook (its responses reach back to December 2023)."""
    return load_inputs(WORKBOOK)


def composites(rubric: Rubric | RubricSchedule, inputs: Inputs, period: str) -> list[float]:
    """Every library's composite for one period."""
    return [float(r.composite) for r in score_inputs(inputs, rubric, [Period.parse(period)]).runs[0].results]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of one in-process run."""
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


class TestScoredWithTheRubricInForce:
    """One run, two periods, each with its year's rubric."""

    def test_2023_and_2024_in_one_run(self, inputs: Inputs) -> None:
        """2023-12 is scored with kepri-2023@1 and 2024-09 with tpbis-default@1, as each alone would."""
        report = score_inputs(inputs, schedule_2023_2024(), [Period.parse("2023-12"), Period.parse("2024-09")])
        december, september = report.runs
        assert (("kepri-2023@1", RUBRIC_2023.digest), ("tpbis-default@1", DEFAULT.digest)) == (
            (december.rubric.ref, december.rubric.digest), (september.rubric.ref, september.rubric.digest),
        )
        assert composites(RUBRIC_2023, inputs, "2023-12") == [float(r.composite) for r in december.results]
        assert composites(DEFAULT, inputs, "2024-09") == [float(r.composite) for r in september.results]

    def test_the_2023_rubric_gives_other_numbers(self, inputs: Inputs) -> None:
        """The halved 2023 targets raise December 2023's composites above the default's (the choice matters)."""
        with_2023 = composites(schedule_2023_2024(), inputs, "2023-12")
        with_default = composites(DEFAULT, inputs, "2023-12")
        assert sum(with_2023) > sum(with_default)

    def test_single_rubric_scores_every_period(self, inputs: Inputs) -> None:
        """A plain rubric (--rubric) is used for every period, across any date."""
        report = score_inputs(inputs, DEFAULT, [Period.parse("2023-12"), Period.parse("2024")])
        assert ["tpbis-default@1", "tpbis-default@1"] == [r.rubric.ref for r in report.runs]

    def test_rubric_for_takes_spans(self) -> None:
        """rubric_for picks from a plain list of spans too (what the sync can call)."""
        spans = list(schedule_2023_2024().spans)
        assert ["kepri-2023@1", "tpbis-default@1", "tpbis-default@1"] == [
            rubric_for(Period.parse(p), spans).ref for p in ("2023-Q4", "2024-01", "2031")
        ]


class TestStraddlingPeriod:
    """A period across a change of rubric is refused with one message."""

    def test_message_names_both_rubrics_the_change_and_the_parts(self) -> None:
        """Semester 2 of 2024 across a September change: both refs, both dates, the two parts to use."""
        schedule = RubricSchedule.of([
            RubricSpan(rubric=DEFAULT, valid_from=day("2024-01-01")),
            RubricSpan(rubric=shipped_rubric("tpbis-default@2"), valid_from=day("2024-09-01")),
        ])
        with pytest.raises(RubricError) as info:
            schedule.for_period(Period.parse("2024-S2"))
        assert (
            "Period 2024-S2 straddles two rubrics: tpbis-default@1 until 2024-08-31 and tpbis-default@2 from "
            "2024-09-01. A period is scored with one rubric; score the parts separately: "
            "--period 2024-07-01..2024-08-31 --period 2024-09-01..2024-12-31 "
            "(or pass --rubric to use one rubric for the whole period)."
        ) == info.value.message("en")

    def test_year_across_new_year_suggests_the_two_years(self) -> None:
        """2023-07..2024-06 across 1 January: the parts are whole ranges ending 2023-12-31."""
        with pytest.raises(RubricError) as info:
            schedule_2023_2024().for_period(Period.parse("2023-07-01..2024-06-30"))
        assert "--period 2023-07-01..2023-12-31 --period 2024-01-01..2024-06-30" in info.value.message("en")

    def test_refused_before_parsing(self, inputs: Inputs) -> None:
        """score_inputs refuses the whole run when one of its periods straddles."""
        with pytest.raises(RubricError, match="kepri-2023@1 sampai 2023-12-31 dan tpbis-default@1 mulai 2024-01-01"):
            score_inputs(inputs, schedule_2023_2024(), [Period.parse("2024-09"), Period.parse("2023-12-01..2024-01-31")])

    def test_day_without_rubric_refused(self) -> None:
        """A period before the first rubric names the first uncovered day."""
        with pytest.raises(RubricError) as info:
            schedule_2023_2024().for_period(Period.parse("2022-12-15..2022-12-31"))
        assert "No rubric in tpbis.toml applies on 2022-12-15 (period 2022-12-15..2022-12-31)" in info.value.message("en")

    def test_gap_between_rubrics_refused(self) -> None:
        """A day between an explicit end and the next start has no rubric."""
        schedule = RubricSchedule.of([
            RubricSpan(rubric=RUBRIC_2023, valid_from=day("2023-01-01"), valid_until=day("2023-06-30")),
            RubricSpan(rubric=DEFAULT, valid_from=day("2024-01-01")),
        ])
        with pytest.raises(RubricError, match="2023-07-01"):
            schedule.for_period(Period.parse("2023"))

    def test_overlap_refused(self) -> None:
        """Two spans sharing a day are refused, naming both and the first shared day."""
        with pytest.raises(RubricError) as info:
            RubricSchedule.of([
                RubricSpan(rubric=RUBRIC_2023, valid_from=day("2023-01-01"), valid_until=day("2024-03-31")),
                RubricSpan(rubric=DEFAULT, valid_from=day("2024-01-01")),
            ])
        assert "apply on 2024-01-01: kepri-2023@1 (2023-01-01..2024-03-31) and tpbis-default@1" in info.value.message("en")

    def test_open_end_closes_the_day_before_the_next(self) -> None:
        """Without valid_until a span ends the day before the next begins; the last stays open."""
        schedule = RubricSchedule.of([
            RubricSpan(rubric=DEFAULT, valid_from=day("2024-01-01")),
            RubricSpan(rubric=RUBRIC_2023, valid_from=day("2023-01-01")),
        ])
        assert [("kepri-2023@1", day("2023-12-31")), ("tpbis-default@1", None)] == [
            (s.rubric.ref, s.valid_until) for s in schedule.spans
        ]


def write_config(folder: Path, body: str) -> str:
    """A tpbis.toml in ``folder`` with ``body`` (and the 2023 rubric file next to it)."""
    (folder / "rubrik-2023.toml").write_text(RUBRIC_2023_TEXT, encoding="utf-8")
    path = folder / "tpbis.toml"
    path.write_text(body, encoding="utf-8")
    return str(path)


SCHEDULE_TOML = """\
[[rubrics]]
path = "rubrik-2023.toml"
valid_from = 2023-01-01
valid_until = 2023-12-31

[[rubrics]]
name = "tpbis-default@1"
valid_from = 2024-01-01
"""


class TestCommandLine:
    """`tpbis score` with [[rubrics]] in tpbis.toml."""

    @pytest.mark.parametrize(("period", "ref", "rubric"), [("2023-12", "kepri-2023@1", RUBRIC_2023),
                                                           ("2024-09", "tpbis-default@1", DEFAULT)])
    def test_json_names_the_rubric_in_force(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, period: str, ref: str, rubric: Rubric,
    ) -> None:
        """Each period's JSON carries the rubric in force, its version and its digest."""
        config = write_config(tmp_path, SCHEDULE_TOML)
        code, out, _ = run(capsys, "score", WORKBOOK, "--period", period, "--config", config, "--format", "json")
        document = json.loads(out)
        assert (0, ref, 1, rubric.digest) == (
            code, document["rubric"], document["rubric_version"], document["rubric_digest"],
        )

    def test_straddling_period_exit_2(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """A period across the change: exit 2 and the one message, nothing on stdout."""
        config = write_config(tmp_path, SCHEDULE_TOML)
        code, out, err = run(capsys, "--lang", "en", "score", WORKBOOK, "--period", "2023-10-01..2024-03-31",
                             "--config", config)
        assert (2, "", 1) == (code, out, err.count("\n"))
        assert "tpbis-default@1 from 2024-01-01" in err

    def test_rubric_flag_overrides_for_every_period(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """--rubric with a shipped name scores even a straddling period with that rubric."""
        config = write_config(tmp_path, SCHEDULE_TOML)
        code, out, _ = run(capsys, "score", WORKBOOK, "--period", "2023-10-01..2024-03-31", "--config", config,
                           "--rubric", "tpbis-default@2", "--format", "json")
        assert (0, "tpbis-default@2") == (code, json.loads(out)["rubric"])

    def test_table_header_shows_the_digest(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """The terminal table's first line names the rubric and its digest."""
        config = write_config(tmp_path, SCHEDULE_TOML)
        _, out, _ = run(capsys, "score", WORKBOOK, "--period", "2023-12", "--config", config, "--no-color")
        assert f"kepri-2023@1 · sha256:{RUBRIC_2023.digest} · Desember 2023" == out.splitlines()[0]


class TestConfig:
    """[[rubrics]] in tpbis.toml is read and checked."""

    def test_paths_are_relative_to_the_file(self, tmp_path: Path) -> None:
        """A path entry is resolved next to tpbis.toml; a name entry stays a name."""
        settings = resolve_settings(load_config(write_config(tmp_path, SCHEDULE_TOML)))
        assert [(str(tmp_path / "rubrik-2023.toml"), None), (None, "tpbis-default@1")] == [
            (e.path, e.name) for e in settings.rubrics
        ]

    def test_both_rubric_and_rubrics_refused(self, tmp_path: Path) -> None:
        """One file may not set both rubric and [[rubrics]]."""
        with pytest.raises(ConfigError, match="rubric"):
            load_config(write_config(tmp_path, 'rubric = "rubrik-2023.toml"\n' + SCHEDULE_TOML))

    @pytest.mark.parametrize("entry", [
        'path = "rubrik-2023.toml"\nname = "tpbis-default@1"\nvalid_from = 2024-01-01\n',
        "valid_from = 2024-01-01\n",
    ])
    def test_entry_needs_a_path_or_a_name(self, tmp_path: Path, entry: str) -> None:
        """An entry with both or neither of path and name is refused, naming its number."""
        with pytest.raises(ConfigError) as info:
            load_config(write_config(tmp_path, "[[rubrics]]\n" + entry))
        assert "[[rubrics]] entry 1 needs exactly one of path" in info.value.message("en")

    def test_missing_valid_from_refused(self, tmp_path: Path) -> None:
        """valid_from is required; the message names the key path."""
        with pytest.raises(ConfigError, match=r"rubrics\[0\]\.valid_from"):
            load_config(write_config(tmp_path, '[[rubrics]]\nname = "tpbis-default@1"\n'))

    def test_flag_layer_overrides_the_schedule(self, tmp_path: Path) -> None:
        """A rubric from a higher layer (flag or TPBIS_RUBRIC) wins over the file's [[rubrics]]."""
        file = load_config(write_config(tmp_path, SCHEDULE_TOML))
        settings = resolve_settings(Config(rubric="tpbis-default@2"), file)
        assert "tpbis-default@2" == settings.rubric_for(Period.parse("2023-12")).ref

    def test_unknown_shipped_name(self) -> None:
        """An unknown name lists the shipped ones."""
        entry = RubricEntry(name="tpbis-default@9", valid_from=day("2024-01-01"))
        with pytest.raises(RubricError, match="tpbis-default@1, tpbis-default@2"):
            entry.load()

    def test_without_a_period_the_latest_rubric(self, tmp_path: Path) -> None:
        """Commands without a period (form build) use the rubric that begins last."""
        settings = resolve_settings(load_config(write_config(tmp_path, SCHEDULE_TOML)))
        assert "tpbis-default@1" == settings.load_rubric().ref
