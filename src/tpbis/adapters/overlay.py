"""A workbook whose input tabs come from elsewhere (an export, a CSV, the Forms API); outputs go to the inner one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from tpbis.parsing.table import Table
from tpbis.ports import Commit, OutputTab, Workbook, WorkbookInfo

__all__ = ["OverlayWorkbook"]


class OverlayWorkbook:
    """A workbook whose named input tabs are replaced by tables read elsewhere; outputs go to ``inner``."""

    def __init__(self, inner: Workbook, tables: Mapping[str, Table]) -> None:
        self.inner = inner
        self.tables = dict(tables)

    def info(self) -> WorkbookInfo:
        """The inner workbook's info, with the overlaid tabs added."""
        info = self.inner.info()
        extra = tuple(name for name in self.tables if name not in info.tabs)
        return attrs.evolve(info, tabs=(*info.tabs, *extra)) if extra else info

    def read(self, tabs: Sequence[str]) -> dict[str, Table]:
        """The named tabs: overlaid ones from their tables, the rest from ``inner``."""
        tables = self.inner.read([t for t in tabs if t not in self.tables])
        tables.update({t: self.tables[t] for t in tabs if t in self.tables})
        return tables

    def write(self, tabs: Sequence[OutputTab]) -> int:
        return self.inner.write(tabs)

    def lock(self, claim: OutputTab, *, replace: bool, epoch: str = "") -> int:
        return self.inner.lock(claim, replace=replace, epoch=epoch)

    def commit(self, commit: Commit) -> int:
        return self.inner.commit(commit)

    def unlock(self) -> None:
        self.inner.unlock()

    def close(self) -> None:
        close = getattr(self.inner, "close", None)
        if close is not None:
            close()
