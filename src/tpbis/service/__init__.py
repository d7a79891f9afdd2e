"""Application services over tables and workbooks; they import no adapter (the CLI wires those)."""

from tpbis.service.options import ReadOptions
from tpbis.service.score import (
    RESPONSES_TABS,
    AwardsReport,
    Inputs,
    ScoreReport,
    SourceResponses,
    awards_for,
    inputs_from_tables,
    parse_inputs,
    score_inputs,
)

__all__ = [
    "RESPONSES_TABS",
    "AwardsReport",
    "Inputs",
    "ReadOptions",
    "ScoreReport",
    "SourceResponses",
    "awards_for",
    "inputs_from_tables",
    "parse_inputs",
    "score_inputs",
]
