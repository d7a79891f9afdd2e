"""National scale: above ``SUMMARY_FROM`` libraries the report is a summary per kabupaten/kota."""

from __future__ import annotations

import re

import pytest
from tests.report.test_report import section

from tpbis.render import html
from tpbis.render.report import filter_report
from tpbis.report import ReportData, render_report


@pytest.fixture
def small_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    """The example's 33 libraries count as national scale; one library's problems per list."""
    monkeypatch.setattr(html, "SUMMARY_FROM", 10)
    monkeypatch.setattr(html, "WATCH_PER_REGION", 2)
    monkeypatch.setattr(html, "PROBLEM_OWNERS", 3)


@pytest.mark.usefixtures("small_threshold")
def test_one_row_per_regency_and_the_lowest_composites(example_data: ReportData) -> None:
    document = render_report(example_data, lang="en")
    libraries = section(document, "perpustakaan")
    regions: dict[str, list] = {}
    for result in example_data.run.results:
        regions.setdefault(result.library.regency or "", []).append(result)
    summary = libraries[libraries.index('<table class="stack overview summary">') :]
    summary = summary[: summary.index("</table>")]
    assert summary.count("<tr>") == 1 + len(regions)  # header + one per kabupaten/kota
    listed = re.findall(r'data-library="([^"]+)"', libraries)
    expected = [
        r.library.id
        for results in regions.values()
        for r in sorted(results, key=lambda r: (r.composite, r.library.id))[:2]
    ]
    assert listed == expected
    assert f"{len(example_data.run.results)} libraries" in libraries


@pytest.mark.usefixtures("small_threshold")
def test_problems_of_the_libraries_with_the_most(example_data: ReportData) -> None:
    problems = section(render_report(example_data, lang="en"), "masalah")
    assert len(re.findall(r'<div class="owner">', problems)) == 3
    assert "more libraries have problems" in problems


@pytest.mark.usefixtures("small_threshold")
def test_one_regency_lists_every_library(example_data: ReportData) -> None:
    regency = next(r.library.regency for r in example_data.run.results if r.library.regency)
    limited = filter_report(example_data, regency)
    libraries = section(render_report(limited, lang="en"), "perpustakaan")
    assert "summary" not in libraries
    shown = re.findall(r'data-library="([^"]+)"', libraries)
    assert sorted(shown) == sorted(r.library.id for r in limited.run.results)


def test_below_the_threshold_every_library_is_listed(example_data: ReportData) -> None:
    libraries = section(render_report(example_data), "perpustakaan")
    assert "overview summary" not in libraries
    assert len(re.findall(r'data-library="', libraries)) == len(example_data.run.results)
