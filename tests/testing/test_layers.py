"""The test kit sits on top: adapters never import it, and its builders import without the extras."""

# The project convention is `assert expected == actual` (CONVENTIONS.md), which SIM300 calls Yoda.

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterable, Mapping

import pytest

from import_graph import import_cycles

#: Run in a fresh interpreter where the optional dependencies cannot be imported.
_WITHOUT_EXTRAS = textwrap.dedent("""
    import importlib.abc, sys

    BLOCKED = ("requests", "gspread", "openpyxl", "google")

    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"blocked for this test: {name}")
            return None

    sys.meta_path.insert(0, Block())
    import tpbis.testing.builders
    from tpbis.testing import make_library, make_registry
    registry = make_registry([make_library("desa-a")])
    loaded = sorted(n for n in sys.modules if n.split(".")[0] in BLOCKED)
    print(len(registry.libraries), loaded)
""")


def _graph() -> Mapping[str, set[str]]:
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("tpbis")
    return {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}


def _inside(modules: Iterable[str], *packages: str) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in packages))


class TestLayers:
    """The layering of adapters and the test kit holds."""

    def test_builders_import_without_extras(self) -> None:
        """tpbis.testing.builders imports (and builds) with requests, gspread, openpyxl and google unimportable."""
        result = subprocess.run([sys.executable, "-c", _WITHOUT_EXTRAS], capture_output=True, text=True,
                                env=os.environ.copy(), check=False)
        assert ("1 []", "") == (result.stdout.strip(), result.stderr.strip())

    def test_blocking_would_catch_an_eager_import(self) -> None:
        """The same isolation fails when something imports a blocked package (the test above can fail)."""
        script = _WITHOUT_EXTRAS.replace("import tpbis.testing.builders", "import tpbis.testing.emulator, tpbis.testing._client")
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                                env=os.environ.copy(), check=False)
        assert 1 == result.returncode
        assert "blocked for this test: requests" in result.stderr

    def test_adapters_import_nothing_from_the_test_kit(self) -> None:
        """No module under tpbis.adapters imports tpbis.testing (TYPE_CHECKING imports included)."""
        edges = _graph()
        wrong = [(m, sorted(_inside(edges[m], "tpbis.testing"))) for m in _inside(edges, "tpbis.adapters")]
        assert [] == [(m, targets) for m, targets in wrong if targets]

    def test_no_import_cycles_in_adapters_or_testing(self) -> None:
        """No import cycle touches tpbis.adapters or tpbis.testing."""
        cycles = import_cycles(_graph())
        assert [] == [c for c in cycles if _inside(c, "tpbis.adapters", "tpbis.testing")]
