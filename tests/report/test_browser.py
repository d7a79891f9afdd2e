"""The example report in a real headless browser: the charts render, on a phone and on a desktop.

Runs Debian's ``chromium`` (CI installs it; see the ``tests`` session of
noxfile.py) and reads the screenshots back with Pillow.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from tpbis.domain.rubric import Color
from tpbis.render._svg import COLORS
from tpbis.report import ReportData, render_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (apt-get install -y chromium); the headless-browser check needs it",
)

PHONE = 412
DESKTOP = 1280
HEIGHT = 2400
#: Magenta: what the overflow probe paints when something sticks out of the viewport.
ALARM = (255, 0, 255)

_PROBE = """<script>
var width = document.documentElement.clientWidth, wide = [];
document.querySelectorAll("body *").forEach(function (e) {
  if (e.getBoundingClientRect().right > width + 1) { wide.push(e); }
});
if (wide.length) {
  var alarm = document.createElement("div");
  alarm.style.cssText = "position:fixed;top:0;left:0;width:100%;height:60px;background:#ff00ff;z-index:9";
  document.body.appendChild(alarm);
}
</script></body>"""


def screenshot(page: Path, width: int, work: Path) -> Image.Image:
    """Render ``page`` in headless chromium at ``width`` × HEIGHT and return the screenshot."""
    assert CHROMIUM is not None
    shot = work / f"shot-{page.stem}-{width}.png"
    profile = work / f"profile-{page.stem}-{width}"
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--hide-scrollbars", f"--user-data-dir={profile}", f"--window-size={width},{HEIGHT}",
        f"--screenshot={shot}", page.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert 0 == done.returncode, done.stderr[-2000:]
    with Image.open(shot) as image:
        return image.convert("RGB")


def near(pixel: tuple[int, int, int], target: tuple[int, int, int], tolerance: int = 12) -> bool:
    """Whether two colours are within ``tolerance`` on every channel."""
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, target, strict=True))


def rgb(hex_colour: str) -> tuple[int, int, int]:
    """``#rrggbb`` as a tuple."""
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def colour_counts(image: Image.Image) -> dict[Color, int]:
    """How many pixels of each traffic-light fill the image has."""
    counts = dict.fromkeys(Color, 0)
    targets = {c: rgb(COLORS[c]) for c in Color}
    for (r, g, b), n in _histogram(image).items():
        for color, target in targets.items():
            if near((r, g, b), target):
                counts[color] += n
    return counts


def header_rule(image: Image.Image) -> int:
    """The y of the header's bottom rule: the first row mostly of the ink colour #1a1a1a."""
    ink = (26, 26, 26)
    for y in range(image.height):
        row = [image.getpixel((x, y)) for x in range(0, image.width, 4)]
        if sum(1 for p in row if near(p, ink, 6)) > 0.6 * len(row):  # type: ignore[arg-type]
            return y
    raise AssertionError("no header rule found")


def _histogram(image: Image.Image) -> dict[tuple[int, int, int], int]:
    colours = image.getcolors(maxcolors=image.width * image.height) or []
    return {c: n for n, c in colours}  # type: ignore[misc]


@pytest.fixture(scope="module")
def rendered(example_data: ReportData, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The example report written to disk, and a work folder for screenshots."""
    work = tmp_path_factory.mktemp("browser")
    page = work / "laporan.html"
    page.write_text(render_report(example_data), encoding="utf-8")
    return page, work


@pytest.fixture(scope="module")
def phone(rendered: tuple[Path, Path]) -> Image.Image:
    """The top of the report at a phone's width."""
    return screenshot(rendered[0], PHONE, rendered[1])


@pytest.fixture(scope="module")
def desktop(rendered: tuple[Path, Path]) -> Image.Image:
    """The top of the report at a desktop's width."""
    return screenshot(rendered[0], DESKTOP, rendered[1])


class TestScreenshots:
    """What chromium actually paints."""

    def test_sizes(self, phone: Image.Image, desktop: Image.Image) -> None:
        """The screenshots have the requested sizes."""
        assert ((PHONE, HEIGHT), (DESKTOP, HEIGHT)) == (phone.size, desktop.size)

    @pytest.mark.parametrize("which", ["phone", "desktop"])
    def test_page_is_not_blank(self, which: str, request: pytest.FixtureRequest) -> None:
        """A good share of the page is ink, not background."""
        image: Image.Image = request.getfixturevalue(which)
        white = _histogram(image).get((255, 255, 255), 0)
        assert white / (image.width * image.height) < 0.93

    @pytest.mark.parametrize("which", ["phone", "desktop"])
    def test_header_rule_found(self, which: str, request: pytest.FixtureRequest) -> None:
        """The header's full-width rule is where the charts start (below the colour tiles)."""
        image: Image.Image = request.getfixturevalue(which)
        assert 150 < header_rule(image) < 600

    @pytest.mark.parametrize("which", ["phone", "desktop"])
    def test_chart_colours_are_painted(self, which: str, request: pytest.FixtureRequest) -> None:
        """Below the header tiles, hijau, kuning and merah fills each cover a real area: the SVG charts drew."""
        image: Image.Image = request.getfixturevalue(which)
        charts = image.crop((0, header_rule(image) + 4, image.width, image.height))
        counts = colour_counts(charts)
        area = charts.width * charts.height
        # The overview bars, the histogram and the monthly columns: every colour covers about
        # 2-3.5 % of the area; with the charts hidden (measured) no colour passes 0.3 %.
        assert dict.fromkeys(Color, True) == {c: n > area * 0.01 for c, n in counts.items()}, counts

    def test_no_horizontal_overflow_on_a_small_phone(self, rendered: tuple[Path, Path]) -> None:
        """At 360 px nothing sticks out sideways (a probe paints magenta if something does)."""
        page, work = rendered
        probe = work / "probe.html"
        probe.write_text(page.read_text(encoding="utf-8").replace("</body>", _PROBE), encoding="utf-8")
        image = screenshot(probe, 360, work)
        assert 0 == sum(n for c, n in _histogram(image).items() if near(c, ALARM, 4))

    def test_probe_can_fire(self, rendered: tuple[Path, Path]) -> None:
        """The overflow probe does paint magenta when an element is too wide (so the test above can fail)."""
        page, work = rendered
        probe = work / "wide.html"
        wide = '<div style="width:2000px;height:5px"></div>' + _PROBE
        probe.write_text(page.read_text(encoding="utf-8").replace("</body>", wide), encoding="utf-8")
        image = screenshot(probe, 360, work)
        assert sum(n for c, n in _histogram(image).items() if near(c, ALARM, 4)) > 1000
