"""Shared test configuration: hypothesis profiles (CI is slower and must be deterministic), discovery docs."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from tpbis.testing._discovery import DiscoveryValidator, discovery_documents_dir

settings.register_profile("default", max_examples=100, deadline=None)
settings.register_profile(
    "ci", max_examples=200, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=25, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "default"))


@pytest.fixture(scope="session")
def discovery() -> DiscoveryValidator:
    """Validators built from Google's discovery documents."""
    if discovery_documents_dir() is None:
        pytest.skip("google-api-python-client (discovery documents) is not installed")
    return DiscoveryValidator.google()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how many emulator bodies were validated against Google's discovery documents."""
    from discovery_tally import TALLY

    if TALLY:
        per_api = ", ".join(f"{api}: {n}" for api, n in sorted(TALLY.items()))
        terminalreporter.write_line(
            f"discovery validation: {sum(TALLY.values())} request/response bodies valid ({per_api})"
        )
