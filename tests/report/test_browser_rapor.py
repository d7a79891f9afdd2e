"""The report and a rapor in headless chromium: nothing overflows sideways, and they print on few A4 pages.

The page counts come from chromium's own ``--print-to-pdf`` (A4 from the
pages' ``@page`` rule), counted as the PDF's ``/Type /Page`` objects.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from tests.report.test_browser import _PROBE, ALARM, CHROMIUM, _histogram, near, screenshot

from tpbis.render.rapor import rapor_page
from tpbis.report import ReportData, render_report

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (apt-get install -y chromium); the headless-browser check needs it",
)

_PAGE = re.compile(rb"/Type\s*/Page(?![s\w])")


def pdf_pages(page: Path, work: Path) -> int:
    """How many pages chromium prints ``page`` on."""
    assert CHROMIUM is not None
    pdf = work / f"{page.stem}.pdf"
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", f"--user-data-dir={work / ('pdf-' + page.stem)}",
        "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert 0 == done.returncode, done.stderr[-2000:]
    return len(_PAGE.findall(pdf.read_bytes()))


def overflow_pixels(page: Path, width: int, work: Path) -> int:
    """Magenta pixels the overflow probe paints at ``width`` (0: nothing sticks out sideways)."""
    probe = work / f"probe-{page.stem}.html"
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", _PROBE), encoding="utf-8")
    image = screenshot(probe, width, work)
    return sum(n for c, n in _histogram(image).items() if near(c, ALARM, 4))


@pytest.fixture(scope="module")
def pages(example_data: ReportData, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example report, a long rapor and a short one, written to disk."""
    work = tmp_path_factory.mktemp("print")
    found = {}
    for name, document in (
        ("laporan", render_report(example_data)),
        ("rapor-kepri", rapor_page(example_data, "kepri")),
        ("rapor-kota-batam", rapor_page(example_data, "kota-batam")),
    ):
        path = work / f"{name}.html"
        path.write_text(document, encoding="utf-8")
        found[name] = path
    return found


class TestFits:
    """On a phone, on a desktop, on paper."""

    @pytest.mark.parametrize("name", ["laporan", "rapor-kepri", "rapor-kota-batam"])
    @pytest.mark.parametrize("width", [412, 1280])
    def test_no_horizontal_overflow(self, pages: dict[str, Path], name: str, width: int) -> None:
        """Nothing sticks out sideways at a phone's and a desktop's width."""
        page = pages[name]
        assert 0 == overflow_pixels(page, width, page.parent)

    def test_report_prints_on_at_most_six_pages(self, pages: dict[str, Path]) -> None:
        """The province's September report (33 libraries) prints on 6 A4 pages or fewer."""
        page = pages["laporan"]
        assert 1 <= pdf_pages(page, page.parent) <= 6

    @pytest.mark.parametrize("name", ["rapor-kepri", "rapor-kota-batam"])
    def test_rapor_prints_on_one_page(self, pages: dict[str, Path], name: str) -> None:
        """A rapor, even with its rows to fix, prints on one A4 page."""
        page = pages[name]
        assert 1 == pdf_pages(page, page.parent)

    def test_page_count_can_fail(self, pages: dict[str, Path]) -> None:
        """The counter sees more pages when the page is longer (so the checks above can fail)."""
        page = pages["rapor-kepri"]
        longer = page.parent / "longer.html"
        filler = "<p>" + "isi " * 4000 + "</p></body>"
        longer.write_text(page.read_text(encoding="utf-8").replace("</body>", filler), encoding="utf-8")
        assert pdf_pages(longer, page.parent) > 1
