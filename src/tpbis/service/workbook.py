"""The workbook port, re-exported for compatibility: it lives in :mod:`tpbis.ports`.

Adapters implement the port without depending on the service layer, so the
port sits below both; import it from :mod:`tpbis.ports`.
"""

from tpbis.ports import (
    LOCK_TAB,
    STAGING_PREFIX,
    Commit,
    LockContended,
    OutputTab,
    OutValue,
    Workbook,
    WorkbookInfo,
)

__all__ = [
    "LOCK_TAB",
    "STAGING_PREFIX",
    "Commit",
    "LockContended",
    "OutValue",
    "OutputTab",
    "Workbook",
    "WorkbookInfo",
]
