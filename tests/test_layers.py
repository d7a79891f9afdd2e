"""The architecture is executable: import-linter's contracts hold and no module imports itself round a cycle."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

import grimp
import pytest
from importlinter.cli import lint_imports

import tpbis
from import_graph import import_cycles

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
CONFIG = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
CONTRACTS = {contract["id"]: contract for contract in CONFIG["contracts"]}
#: run as ``python -m tpbis``; it only calls the CLI, so no layer needs to hold it
OUTSIDE_LAYERS = {"tpbis.__main__"}


def _layer_modules(layers: list[str]) -> set[str]:
    """The module names of a layers contract ("a | b", "a : b" and "(optional)" spelled out)."""
    names = set()
    for layer in layers:
        for part in layer.replace("|", ":").split(":"):
            names.add(part.strip().strip("()"))
    return names


class _Graph(Protocol):
    def find_modules_directly_imported_by(self, module: str) -> set[str]: ...


def _cycles(graph: _Graph, modules: set[str]) -> list[list[str]]:
    """The strongly connected components of more than one module among ``modules``."""
    return import_cycles({m: graph.find_modules_directly_imported_by(m) & modules for m in modules})


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    """tpbis's import graph, as import-linter sees it."""
    return grimp.build_graph("tpbis")


class TestContracts:
    """pyproject.toml's import-linter contracts hold for the code as it is."""

    @pytest.mark.parametrize("contract", sorted(CONTRACTS))
    def test_contract_is_kept(self, contract: str, capsys: pytest.CaptureFixture[str]) -> None:
        """lint-imports passes the contract (its report is printed when it does not)."""
        status = lint_imports(config_filename=str(PYPROJECT), limit_to_contracts=(contract,),
                              no_cache=True, no_logo=True)
        report = capsys.readouterr().out
        assert (0, "Contracts: 1 kept, 0 broken.") == (status, report.strip().splitlines()[-1])

    def test_every_module_is_in_a_layer(self) -> None:
        """A new top-level module or package of tpbis must be placed in a layer, not slip past the contract."""
        package = Path(tpbis.__file__).parent
        top = {f"tpbis.{p.stem}" for p in package.glob("*.py") if p.stem != "__init__"}
        top |= {f"tpbis.{p.name}" for p in package.iterdir() if (p / "__init__.py").is_file()}
        assert set() == top - OUTSIDE_LAYERS - _layer_modules(CONTRACTS["layers"]["layers"])

    def test_domain_and_parsing_are_kept_from_io_and_the_catalogue_front(self) -> None:
        """The forbidden contract names the I/O libraries and tpbis.i18n for the domain and the parsers."""
        contract = CONTRACTS["pure-domain"]
        expected = (["tpbis.domain", "tpbis.parsing"],
                    {"tpbis.i18n", "gspread", "google", "openpyxl", "requests", "urllib3", "httpx"})
        assert expected == (contract["source_modules"], set(contract["forbidden_modules"]))

    def test_lint_session_runs_the_contracts(self) -> None:
        """nox's lint session runs lint-imports, and the lint group installs it."""
        noxfile = (PYPROJECT.parent / "noxfile.py").read_text(encoding="utf-8")
        groups: Mapping[str, list[str]] = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["dependency-groups"]
        assert (True, True) == (
            'session.run("lint-imports"' in noxfile,
            any(d.startswith("import-linter") for d in groups["lint"]),
        )


class TestCycles:
    """No tpbis module imports itself through others."""

    def test_finder_finds_a_cycle(self) -> None:
        """The cycle finder reports a planted cycle (so an empty answer means something)."""

        class Planted:
            imports: Mapping[str, set[str]] = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}

            def find_modules_directly_imported_by(self, module: str) -> set[str]:
                return self.imports[module]

        assert [["a", "b", "c"]] == _cycles(Planted(), {"a", "b", "c", "d"})

    def test_no_import_cycles(self, graph: grimp.ImportGraph) -> None:
        """Every strongly connected component of tpbis's import graph is one module."""
        modules = {m for m in graph.modules if m == "tpbis" or m.startswith("tpbis.")}
        assert [] == _cycles(graph, modules)
