"""Application services over tables and workbooks; they import no adapter (the CLI wires those)."""

from tpbis.service.options import ReadOptions
from tpbis.service.score import (
    RESPONSES_TABS,
    AwardsReport,
    Inputs,
    ScoreReport,
    awards_for,
    inputs_from_tables,
    score_inputs,
)

__all__ = [
    "RESPONSES_TABS",
    "AwardsReport",
    "Inputs",
    "ReadOptions",
    "ScoreReport",
    "awards_for",
    "inputs_from_tables",
    "score_inputs",
]
