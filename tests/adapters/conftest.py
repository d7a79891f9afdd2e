"""Fixtures for adapter tests: a small registry, the default rubric, and an emulator checked against discovery."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from discovery_tally import assert_valid
from tpbis.domain.library import Registry
from tpbis.domain.rubric import Rubric
from tpbis.rubrics import default_rubric
from tpbis.testing import SheetsEmulator, make_library, make_registry
from tpbis.testing._discovery import DiscoveryValidator


@pytest.fixture
def emulator(discovery: DiscoveryValidator) -> Iterator[SheetsEmulator]:
    """A running emulator; afterwards every body it saw must validate against discovery."""
    with SheetsEmulator() as emu:
        yield emu
    assert_valid(discovery, emu.requests)


@pytest.fixture
def rubric() -> Rubric:
    """The default rubric."""
    return default_rubric()


@pytest.fixture
def registry() -> Registry:
    """Four libraries in two regencies, one pair sharing a name."""
    return make_registry([
        make_library("desa-a", name="Perpustakaan Desa Alang", regency="Kabupaten Bintan"),
        make_library("desa-b", name="Perpustakaan Desa Busung", regency="Kabupaten Bintan"),
        make_library("kel-c", kind="kelurahan", name="Perpustakaan Kelurahan Sei Jang", regency="Kota Tanjungpinang"),
        make_library("tbm-d", kind="tbm", name="TBM Pelita", regency="Kota Tanjungpinang"),
    ])
