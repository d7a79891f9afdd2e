"""Test helpers for tpbis: in-memory builders and a Google-faithful Sheets/Drive/Forms/OAuth emulator.

The test kit sits on top of the library and imports nothing the core does not
need until asked: ``import tpbis.testing.builders`` (or ``from tpbis.testing
import make_library``) works without the ``sheets`` extra. The emulator itself
is standard library only; its client helpers (sessions, gspread) need
``requests`` / ``gspread`` / ``google-auth``, and load on first use.
"""

from __future__ import annotations

import importlib as _importlib
import sys as _sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tpbis.testing._client import (
        EMULATOR_HOST_ENV,
        GOOGLE_HOSTS,
        EmulatorAdapter,
        emulator_host_from_env,
        emulator_session,
        gspread_client,
        trust_test_keys,
    )
    from tpbis.testing._inprocess import InProcessAdapter
    from tpbis.testing._wire import EmulatorRequest, EmulatorResponse
    from tpbis.testing.builders import (
        RESPONSE_FIELDS,
        google_tabs,
        make_activity,
        make_library,
        make_registry,
        repeat_responses,
        responses_table,
        sheet_value,
    )
    from tpbis.testing.emulator import FaultRule, RecordedRequest, SheetsEmulator

__all__ = [  # noqa: RUF022 - plain sorted(), as tests/test_exported_members.py checks
    "EMULATOR_HOST_ENV",
    "EmulatorAdapter",
    "EmulatorRequest",
    "EmulatorResponse",
    "FaultRule",
    "GOOGLE_HOSTS",
    "InProcessAdapter",
    "RESPONSE_FIELDS",
    "RecordedRequest",
    "SheetsEmulator",
    "emulator_host_from_env",
    "emulator_session",
    "google_tabs",
    "gspread_client",
    "make_activity",
    "make_library",
    "make_registry",
    "repeat_responses",
    "responses_table",
    "sheet_value",
    "trust_test_keys",
]

#: Where each public name lives; the module is imported on first access.
_HOME = {
    "EMULATOR_HOST_ENV": "tpbis.testing._client",
    "EmulatorAdapter": "tpbis.testing._client",
    "EmulatorRequest": "tpbis.testing._wire",
    "EmulatorResponse": "tpbis.testing._wire",
    "FaultRule": "tpbis.testing.emulator",
    "GOOGLE_HOSTS": "tpbis.testing._client",
    "InProcessAdapter": "tpbis.testing._inprocess",
    "RESPONSE_FIELDS": "tpbis.testing.builders",
    "RecordedRequest": "tpbis.testing.emulator",
    "SheetsEmulator": "tpbis.testing.emulator",
    "emulator_host_from_env": "tpbis.testing._client",
    "emulator_session": "tpbis.testing._client",
    "google_tabs": "tpbis.testing.builders",
    "gspread_client": "tpbis.testing._client",
    "make_activity": "tpbis.testing.builders",
    "make_library": "tpbis.testing.builders",
    "make_registry": "tpbis.testing.builders",
    "trust_test_keys": "tpbis.testing._client",
    "repeat_responses": "tpbis.testing.builders",
    "responses_table": "tpbis.testing.builders",
    "sheet_value": "tpbis.testing.builders",
}


def __getattr__(name: str) -> object:
    """Import a public name's module on first access (PEP 562)."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names and the submodules already loaded (not the helpers this module imports)."""
    loaded = {n for n, v in globals().items() if _sys.modules.get(f"{__name__}.{n}") is v}
    return sorted(set(__all__) | loaded | {n for n in globals() if n.startswith("_")})
