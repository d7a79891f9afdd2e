"""Test helpers for tpbis: a Google-faithful Sheets/Drive/OAuth emulator and in-memory builders.

The emulator and its HTTP helpers need the ``sheets`` extra (``requests``,
``gspread``, ``google-auth``) only for the client side; the server itself is
standard library only.
"""

from tpbis.testing._client import (
    EMULATOR_HOST_ENV,
    GOOGLE_HOSTS,
    EmulatorAdapter,
    emulator_host_from_env,
    emulator_session,
    gspread_client,
)
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
    "FaultRule",
    "GOOGLE_HOSTS",
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
]
