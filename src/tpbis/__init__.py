"""tpbis: KPI scores, traffic-light colours and awards for TPBIS partner libraries.

The public API, re-exported from the modules that define it::

    import tpbis

    inputs = tpbis.load_inputs("examples/kepri-2024.xlsx")
    report = tpbis.score_inputs(inputs, tpbis.default_rubric(), [tpbis.Period.parse("2024-09")])
"""

import importlib as _importlib
from types import ModuleType as _ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tpbis.domain.activity import Activity, ActivityKind, SourceRef
    from tpbis.domain.kpi import (
        Gap,
        GapOption,
        IndicatorResult,
        KpiRun,
        LibraryResult,
        Rollup,
        score,
    )
    from tpbis.domain.library import Library, LibraryKind, Registry, Support
    from tpbis.domain.period import Period
    from tpbis.domain.problems import Problem, Severity
    from tpbis.domain.rubric import Color, Indicator, Measure, Rubric
    from tpbis.errors import (
        AuthError,
        ConfigError,
        PeriodError,
        RubricError,
        SourceError,
        TpbisError,
    )
    from tpbis.parsing.rows import Counts, ParseResult, parse_responses
    from tpbis.parsing.table import Table
    from tpbis.render import kpi_document
    from tpbis.rubrics import default_rubric, load_rubric, parse_rubric
    from tpbis.service import Inputs, ReadOptions, ScoreReport, score_inputs
    from tpbis.sources import load_inputs

#: Each public name and the module that defines it: imported on first use, so that
#: ``tpbis --help`` and small commands do not load the whole library (start-up time).
_EXPORTS = {
    "Activity": "tpbis.domain.activity",
    "ActivityKind": "tpbis.domain.activity",
    "AuthError": "tpbis.errors",
    "Color": "tpbis.domain.rubric",
    "ConfigError": "tpbis.errors",
    "Counts": "tpbis.parsing.rows",
    "Gap": "tpbis.domain.kpi",
    "GapOption": "tpbis.domain.kpi",
    "Indicator": "tpbis.domain.rubric",
    "IndicatorResult": "tpbis.domain.kpi",
    "Inputs": "tpbis.service",
    "KpiRun": "tpbis.domain.kpi",
    "Library": "tpbis.domain.library",
    "LibraryKind": "tpbis.domain.library",
    "LibraryResult": "tpbis.domain.kpi",
    "Measure": "tpbis.domain.rubric",
    "ParseResult": "tpbis.parsing.rows",
    "Period": "tpbis.domain.period",
    "PeriodError": "tpbis.errors",
    "Problem": "tpbis.domain.problems",
    "ReadOptions": "tpbis.service",
    "Registry": "tpbis.domain.library",
    "Rollup": "tpbis.domain.kpi",
    "Rubric": "tpbis.domain.rubric",
    "RubricError": "tpbis.errors",
    "ScoreReport": "tpbis.service",
    "Severity": "tpbis.domain.problems",
    "SourceError": "tpbis.errors",
    "SourceRef": "tpbis.domain.activity",
    "Support": "tpbis.domain.library",
    "Table": "tpbis.parsing.table",
    "TpbisError": "tpbis.errors",
    "default_rubric": "tpbis.rubrics",
    "kpi_document": "tpbis.render",
    "load_inputs": "tpbis.sources",
    "load_rubric": "tpbis.rubrics",
    "parse_responses": "tpbis.parsing.rows",
    "parse_rubric": "tpbis.rubrics",
    "score": "tpbis.domain.kpi",
    "score_inputs": "tpbis.service",
}


def __getattr__(name: str) -> Any:
    """A public name, imported from its module when first asked (then kept), and ``__version__``.

    ``__version__`` comes from :mod:`tpbis._version`: package metadata is slow to load.
    """
    if name == "__version__":
        from tpbis._version import __version__

        return __version__
    module = _EXPORTS.get(name)
    if module is None:
        msg = f"module 'tpbis' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(_importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names (imported or not), the sub-packages imported so far and the private names."""
    loaded = [n for n, v in globals().items() if n.startswith("_") or isinstance(v, _ModuleType)]
    return sorted({*__all__, *loaded})


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
