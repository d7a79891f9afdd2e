"""Awards from the parser's columns (two cells per row read again) equal awards from rebuilt activities."""

from __future__ import annotations

import pytest
from tests.test_fuzz import HEADER, REGISTRY, RUBRIC, _corpus_rows, _text, generate_rows

from tpbis.domain.awards import award_tally, evaluate_awards
from tpbis.domain.kpi import score
from tpbis.domain.period import Period
from tpbis.parsing.rows import parse_responses
from tpbis.parsing.table import Cell, Table

PERIODS = [Period.parse(p) for p in ("2024", "2024-03", "2024-Q4", "2023")]


def _tables() -> list[Table]:
    corpus = _corpus_rows()
    fuzzed = generate_rows(3, [c for row in corpus for c in row], 1500)
    as_text: list[list[Cell]] = [[_text(c) for c in row] for row in fuzzed]
    return [Table(name="Respons Formulir 1", header=HEADER, rows=rows) for rows in (corpus, fuzzed, as_text)]


@pytest.mark.parametrize("table", _tables(), ids=["corpus", "fuzzed", "fuzzed-text"])
def test_columns_and_rebuilt_activities_give_the_same_awards(table: Table) -> None:
    columns = parse_responses(table, REGISTRY, RUBRIC).activities  # tallies from its columns
    rebuilt = tuple(parse_responses(table, REGISTRY, RUBRIC).activities)  # plain Activity values
    assert len(rebuilt) > 50
    assert award_tally(columns, None) == award_tally(rebuilt, None)
    for period in PERIODS:
        assert award_tally(columns, period) == award_tally(rebuilt, period)
        run = score(rebuilt, REGISTRY, RUBRIC, period)
        assert evaluate_awards(RUBRIC.awards, run, columns) == evaluate_awards(RUBRIC.awards, run, rebuilt)


def test_some_activities_are_documented_and_have_partners() -> None:
    tallies = award_tally(parse_responses(_tables()[1], REGISTRY, RUBRIC).activities, None)
    assert any(t.documented for kinds in tallies.values() for t in kinds.values())
    assert any(t.partners for kinds in tallies.values() for t in kinds.values())
