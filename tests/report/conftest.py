"""The example workbook's report data, computed once for the report tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tpbis.domain.period import Period
from tpbis.report import ReportData, build_report_data
from tpbis.rubrics import default_rubric
from tpbis.sources import load_inputs

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kepri-2024.xlsx"


@pytest.fixture(scope="session")
def example_data() -> ReportData:
    """September 2024 of the bundled Kepulauan Riau workbook."""
    return build_report_data(load_inputs(EXAMPLE), default_rubric(), Period.parse("2024-09"))
