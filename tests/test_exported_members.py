"""The front door re-exports exactly the public names (as httpx checks)."""

from __future__ import annotations

import tpbis


class TestExports:
    """tpbis.__all__ matches the public names."""

    def test_all_matches_public_names(self) -> None:
        """Everything public is in __all__ and vice versa; __all__ is sorted."""
        public = {name for name in dir(tpbis) if not name.startswith("_")}
        modules = {"adapters", "cli", "config", "domain", "errors", "forms", "i18n", "message", "parsing", "render", "report",
                   "rubrics",
                   "serialization", "service", "testing"}
        assert sorted(tpbis.__all__) == tpbis.__all__
        assert set(tpbis.__all__) == public - modules
