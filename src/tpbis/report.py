"""The HTML report, kept importable here: it lives in :mod:`tpbis.render.report` (and :mod:`tpbis.render.html`)."""

from __future__ import annotations

from tpbis.render.report import ReportData, build_report_data, render_report, trend_periods

__all__ = ["ReportData", "build_report_data", "render_report", "trend_periods"]
