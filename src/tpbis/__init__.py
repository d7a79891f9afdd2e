"""tpbis: KPI scores, traffic-light colours and awards for TPBIS partner libraries.

The public API, re-exported from the modules that define it::

    import tpbis

    inputs = tpbis.load_inputs("examples/kepri-2024.xlsx")
    report = tpbis.score_inputs(inputs, tpbis.default_rubric(), [tpbis.Period.parse("2024-09")])
"""

from tpbis.domain.activity import Activity, ActivityKind, SourceRef
from tpbis.domain.kpi import Gap, GapOption, IndicatorResult, KpiRun, LibraryResult, Rollup, score
from tpbis.domain.library import Library, LibraryKind, Registry, Support
from tpbis.domain.period import Period
from tpbis.domain.problems import Problem, Severity
from tpbis.domain.rubric import Color, Indicator, Measure, Rubric
from tpbis.errors import AuthError, ConfigError, PeriodError, RubricError, SourceError, TpbisError
from tpbis.parsing.rows import Counts, ParseResult, parse_responses
from tpbis.parsing.table import Table
from tpbis.render import kpi_document
from tpbis.rubrics import default_rubric, load_rubric, parse_rubric
from tpbis.service import Inputs, ReadOptions, ScoreReport, score_inputs
from tpbis.sources import load_inputs


def __getattr__(name: str) -> str:
    """``__version__`` (from :mod:`tpbis._version`), read when first asked: package metadata is slow to load."""
    if name != "__version__":
        msg = f"module 'tpbis' has no attribute {name!r}"
        raise AttributeError(msg)
    from tpbis._version import __version__

    return __version__


__all__ = [
    "Activity",
    "ActivityKind",
    "AuthError",
    "Color",
    "ConfigError",
    "Counts",
    "Gap",
    "GapOption",
    "Indicator",
    "IndicatorResult",
    "Inputs",
    "KpiRun",
    "Library",
    "LibraryKind",
    "LibraryResult",
    "Measure",
    "ParseResult",
    "Period",
    "PeriodError",
    "Problem",
    "ReadOptions",
    "Registry",
    "Rollup",
    "Rubric",
    "RubricError",
    "ScoreReport",
    "Severity",
    "SourceError",
    "SourceRef",
    "Support",
    "Table",
    "TpbisError",
    "default_rubric",
    "kpi_document",
    "load_inputs",
    "load_rubric",
    "parse_responses",
    "parse_rubric",
    "score",
    "score_inputs",
]
