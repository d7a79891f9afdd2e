"""XLSX workbooks (a Google Sheets or Forms export): bounded reads and lossless sync writes.

Reading (:func:`read_workbook`, :class:`XlsxWorkbook`) treats the file as
untrusted: the zip is checked before anything is inflated, XML is parsed with
defusedxml, and sheets stream row by row; see :mod:`tpbis.adapters._xlsx_read`
for the limits (200 MB file and 200 MB uncompressed, 10,000 members, 100:1
per member above 10 MB, 2,000,000 rows, 1,000 columns, 50,000 characters per
cell). A file beyond them, or not an XLSX at all, is one
:class:`~tpbis.errors.SourceError`. Cells are read as their cached values, as
Excel shows them (formulas are never read as text).

Writing (:meth:`XlsxWorkbook.write`) patches the package: input tabs are kept
byte for byte, output tabs are written as inline strings (never formulas), see
:mod:`tpbis.adapters._xlsx_package`.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import importlib.util
import io
import os
import signal
import stat
import tempfile
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from tpbis.adapters._xlsx_read import (
    DEFAULT_LIMITS,
    Limits,
    Package,
    guarded,
    limit_error,
    open_package,
    unreadable,
)
from tpbis.errors import LockError, SourceError
from tpbis.i18n import os_reason
from tpbis.message import Message
from tpbis.parsing.table import Table
from tpbis.ports import LOCK_TAB, Commit, OutputTab, WorkbookInfo

__all__ = ["Limits", "XlsxWorkbook", "read_workbook"]

#: How long a sync waits for another sync of the same file before giving up (seconds).
LOCK_TIMEOUT = 5.0


def _openpyxl() -> Any:  # openpyxl has no type hints
    _require_extra()
    import openpyxl

    return openpyxl


def _require_extra() -> None:
    """The xlsx extra (defusedxml, filelock, openpyxl) is installed: checked, not imported (start-up time)."""
    if not all(importlib.util.find_spec(name) for name in ("defusedxml", "filelock", "openpyxl")):
        raise SourceError.from_catalogue("error.missing_extra", extra="xlsx")


def _read_bytes(path: Path, limits: Limits) -> tuple[bytes, os.stat_result]:
    """The whole file (at most ``limits.file_bytes``) and its stat, from one open file."""
    _require_extra()  # say so early when the extra is missing
    try:
        with path.open("rb") as handle:
            status = os.fstat(handle.fileno())
            if not stat.S_ISREG(status.st_mode):
                raise unreadable(str(path), Message("oserror.not_regular"))
            if status.st_size > limits.file_bytes:
                raise limit_error(str(path), "file", limit=limits.file_bytes // (1024 * 1024))
            data = handle.read(status.st_size + 1)  # not the limit: read(n) allocates n bytes first
    except FileNotFoundError:
        raise SourceError.from_catalogue("error.file_not_found", path=str(path)) from None
    except IsADirectoryError:
        raise unreadable(str(path), Message("oserror.is_directory")) from None
    except OSError as exc:
        raise unreadable(str(path), os_reason(exc)) from None
    if len(data) > limits.file_bytes:
        raise limit_error(str(path), "file", limit=limits.file_bytes // (1024 * 1024))
    return data, status


def _tables(package: Package, names: Sequence[str] | Callable[[list[str]], Sequence[str]] | None) -> dict[str, Table]:
    if callable(names):
        names = names([s.name for s in package.sheets if s.is_worksheet])
    sheets = [s for s in package.sheets if s.is_worksheet and (names is None or s.name in names)]
    return guarded(package.path, lambda: {s.name: package.table(s) for s in sheets})


def read_workbook(
    path: str | Path, *, limits: Limits = DEFAULT_LIMITS,
    tabs: Sequence[str] | Callable[[list[str]], Sequence[str]] | None = None,
) -> dict[str, Table]:
    """Read every tab of a workbook (or only ``tabs``) as a table (first row = header), in tab order.

    ``tabs`` may be a function of the workbook's tab names that returns the ones to read.

    Only the tabs read count against the row and column limits: a wide tab
    not asked for does not refuse the workbook.

    Raises:
        SourceError: the file is missing, is not a readable XLSX workbook, or
            passes a limit (:class:`Limits`).
    """
    path = Path(path)
    data, _ = _read_bytes(path, limits)
    package = open_package(io.BytesIO(data), str(path), limits)
    try:
        return _tables(package, tabs)
    finally:
        package.archive.close()


class XlsxWorkbook:
    """An XLSX file behind the workbook port (``tpbis sync FILE.xlsx``).

    Nothing is lost on the way:

    * the file written is locked (``.NAME.lock`` beside it, an OS lock that
      dies with the process) from the first read until :meth:`close`; a second
      sync waits :data:`LOCK_TIMEOUT` seconds, then raises
      :class:`~tpbis.errors.LockError`;
    * a write refuses to replace a file whose bytes changed since they were
      read (someone saved it meanwhile): :class:`~tpbis.errors.LockError`,
      nothing written;
    * input tabs keep their bytes (cached values, charts, images, validation);
    * the new file is a temporary file beside the target, given the target's
      mode, then renamed over it (through a symlink, onto its target); a
      temporary file is removed on any failure, and stale ones from a killed
      run are removed when the lock is taken.

    Args:
        path: the workbook to read.
        output: where to save (default: ``path`` itself); its folder must exist.
        lock_timeout: seconds to wait for another sync of the same file.
        limits: what the file may hold.
    """

    def __init__(
        self,
        path: str | Path,
        output: str | Path | None = None,
        *,
        lock_timeout: float = LOCK_TIMEOUT,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self.path = Path(path)
        self.output = Path(output) if output is not None else self.path
        self.limits = limits
        if not self.path.exists():
            raise SourceError.from_catalogue("error.file_not_found", path=str(self.path))
        self._target = Path(os.path.realpath(self.output))
        if not self._target.parent.is_dir():
            raise SourceError.from_catalogue("xlsx.no_folder", path=str(self.output), folder=str(self._target.parent))
        _check_writable(self._target, self.output)
        self._lock = _acquire(self._target, lock_timeout)
        self._finalizer = weakref.finalize(self, _release, self._lock)
        try:
            _remove_stale(self._target)
            self._source = self.path
            self._load(*_read_bytes(self.path, limits))
        except BaseException:
            self.close()
            raise

    def _load(self, data: bytes, status: os.stat_result) -> None:
        self._data = data
        self._digest = hashlib.sha256(data).digest()
        self._stamp = (status.st_size, status.st_mtime_ns)
        self._package = open_package(io.BytesIO(data), str(self.path), self.limits)

    def close(self) -> None:
        """Release the file's lock (also done when the object is collected or the process ends)."""
        self._finalizer()

    def __enter__(self) -> XlsxWorkbook:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def info(self) -> WorkbookInfo:
        """The name of the file written and the tab names (XLSX files carry no time zone)."""
        return WorkbookInfo(title=self.output.name, tabs=tuple(s.name for s in self._package.sheets))

    def read(self, tabs: Sequence[str]) -> dict[str, Table]:
        """The named tabs that exist, as cached values.

        The lock tab is never returned: this process holds the file's OS lock,
        so a lock recorded inside the workbook (by a sync that was killed, or
        in a copy of a Google spreadsheet) is stale by definition. The next
        commit removes it.
        """
        return _tables(self._package, [name for name in tabs if name != LOCK_TAB])

    def write(self, tabs: Sequence[OutputTab], remove: Sequence[str] = ()) -> int:
        """Write each tab whole (same position when it exists), delete the sheets in ``remove``,
        then replace the file atomically.

        SIGTERM during the write is turned into :class:`SystemExit` so the
        temporary file is removed before the process ends (SIGKILL cannot be
        caught: its temporary file is removed by the next sync, under the lock).

        Raises:
            LockError: the file read was changed by someone else since; nothing is written.
            SourceError: the file cannot be written.
        """
        if not self._finalizer.alive:
            raise LockError.from_catalogue("xlsx.busy", path=str(self.output))
        from tpbis.adapters._xlsx_package import patch_package

        data = guarded(str(self.path), lambda: patch_package(self._package, tabs, remove))
        self._check_unchanged()
        target = self._target
        try:
            mode = stat.S_IMODE(target.stat().st_mode)
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        try:
            handle, temp = tempfile.mkstemp(prefix=_temp_prefix(target), suffix=".tmp", dir=target.parent)
        except OSError as exc:
            raise SourceError.from_catalogue("xlsx.cannot_write", path=str(self.output), reason=os_reason(exc)) from None
        try:
            with _terminate_as_exit(), os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fchmod(out.fileno(), mode)
                os.fsync(out.fileno())
            with _terminate_as_exit():
                self._check_unchanged()
                Path(temp).replace(target)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                Path(temp).unlink()
            if isinstance(exc, OSError):
                raise SourceError.from_catalogue(
                    "xlsx.cannot_write", path=str(self.output), reason=os_reason(exc)
                ) from None
            raise
        with contextlib.suppress(OSError):
            directory = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
        self._package.archive.close()
        self._source = target
        self._load(data, target.stat())
        return 1

    def lock(self, claim: OutputTab, *, replace: bool, epoch: str = "") -> int:
        """Nothing to send: the file's OS lock, taken when it was opened, is the lock."""
        del claim, replace, epoch
        return 0

    def commit(self, commit: Commit) -> int:
        """:meth:`write` the tabs and delete ``commit.remove`` (and any stale lock tab) in one atomic rename.

        ``commit.append`` rewrites each such sheet as its rows read + the new rows (same file write).
        """
        grown = []
        for append in commit.append:
            old = self.read([append.tab.name]).get(append.tab.name)
            kept = [] if old is None else [tuple(row) for row in old.rows][: max(append.start - 1, 0)]
            grown.append(OutputTab(
                name=append.tab.name, header=old.header if old is not None and old.header else append.tab.header,
                rows=(*kept, *append.tab.rows),  # type: ignore[arg-type]  # read cells are output values
            ))
        remove = [*commit.remove, *(s.name for s in self._package.sheets if s.name == LOCK_TAB)]
        return self.write((*commit.tabs, *grown), remove)

    def unlock(self) -> None:
        """Nothing to undo: a failed write leaves the file as it was; :meth:`close` releases the lock."""

    def _check_unchanged(self) -> None:
        """The file read is still what was read (size, mtime, then sha256 of the bytes)."""
        try:
            with self._source.open("rb") as handle:
                status = os.fstat(handle.fileno())
                same = (status.st_size, status.st_mtime_ns) == self._stamp and (
                    hashlib.sha256(handle.read()).digest() == self._digest
                )
        except OSError:
            same = False
        if not same:
            raise LockError.from_catalogue("xlsx.changed", path=str(self._source))


def _check_writable(target: Path, shown: Path) -> None:
    """Refuse before locking or reading: a read-only workbook, or a folder where no file can be made.

    (Without this, a lock file that cannot be created looks like a lock held
    by someone else, and a read-only workbook would be silently replaced by
    the atomic rename.)
    """
    with contextlib.suppress(OSError):
        writable = stat.S_IMODE(target.stat().st_mode) & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
        if not writable or not os.access(target, os.W_OK):  # the mode bits too: root may write anything
            raise SourceError.from_catalogue("xlsx.read_only", path=str(shown))
    if not os.access(target.parent, os.W_OK | os.X_OK) or _virtual(target.parent):
        reason = os_reason(PermissionError(errno.EACCES, os.strerror(errno.EACCES)))
        raise SourceError.from_catalogue("xlsx.cannot_write", path=str(shown), reason=reason)


def _virtual(folder: Path) -> bool:
    """A folder of a kernel file system (``/proc``, ``/sys``), where a workbook is never saved."""
    parts = folder.resolve().parts
    return len(parts) > 1 and parts[1] in ("proc", "sys")


@contextlib.contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """SIGTERM raises SystemExit inside the block (main thread only), so cleanup code runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _: object) -> None:
        raise SystemExit(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except (ValueError, OSError):  # not the main interpreter
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _temp_prefix(target: Path) -> str:
    return f".{target.name}.tpbis-"


def _acquire(target: Path, timeout: float) -> Any:
    from filelock import FileLock, Timeout

    lock = FileLock(target.parent / f".{target.name}.lock", timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise LockError.from_catalogue("xlsx.busy", path=str(target)) from None
    except OSError as exc:
        raise SourceError.from_catalogue("xlsx.cannot_write", path=str(target), reason=os_reason(exc)) from None
    return lock


def _release(lock: Any) -> None:
    with contextlib.suppress(Exception):
        lock.release(force=True)


def _remove_stale(target: Path) -> None:
    """Temporary files a killed sync left beside ``target`` (we hold the lock: none is live)."""
    prefix = _temp_prefix(target)
    with contextlib.suppress(OSError):
        for entry in os.scandir(target.parent):
            if entry.name.startswith(prefix) and entry.name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    Path(entry.path).unlink()
