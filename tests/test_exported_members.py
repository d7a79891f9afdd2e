"""The front door re-exports exactly the public names (as httpx checks)."""

from __future__ import annotations

import importlib.metadata

import pytest

import tpbis


class TestExports:
    """tpbis.__all__ matches the public names."""

    def test_all_matches_public_names(self) -> None:
        """Everything public is in __all__ and vice versa; __all__ is sorted."""
        public = {name for name in dir(tpbis) if not name.startswith("_")}
        modules = {"adapters", "cli", "config", "domain", "errors", "forms", "history", "i18n", "message", "parsing", "ports", "render", "report",
                   "rubrics",
                   "serialization", "service", "sources", "testing"}
        assert sorted(tpbis.__all__) == tpbis.__all__
        assert set(tpbis.__all__) == public - modules


class TestVersion:
    """tpbis.__version__ comes from the installed package's metadata."""

    def test_version_is_the_package_metadata(self) -> None:
        """The same text importlib.metadata reports, not a second hard-coded copy."""
        assert importlib.metadata.version("tpbis") == tpbis.__version__

    def test_uninstalled_tree_has_a_placeholder_version(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without package metadata (a bare source tree), the version is 0+unknown instead of an error."""
        import importlib

        import tpbis._version

        def missing(name: str) -> str:
            raise importlib.metadata.PackageNotFoundError(name)

        monkeypatch.setattr(importlib.metadata, "version", missing)
        try:
            assert "0+unknown" == importlib.reload(tpbis._version).__version__
        finally:
            monkeypatch.undo()
            importlib.reload(tpbis._version)

    def test_other_missing_names_still_raise(self) -> None:
        """The module __getattr__ answers only __version__."""
        with pytest.raises(AttributeError, match="no_such_name"):
            _ = tpbis.no_such_name  # type: ignore[attr-defined]
