"""Application services: load inputs through adapters, parse, score, render."""

from tpbis.service.score import (
    RESPONSES_TABS,
    AwardsReport,
    Inputs,
    ScoreReport,
    awards_for,
    load_inputs,
    score_inputs,
)

__all__ = [
    "RESPONSES_TABS",
    "AwardsReport",
    "Inputs",
    "ScoreReport",
    "awards_for",
    "load_inputs",
    "score_inputs",
]
