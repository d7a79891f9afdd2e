"""The version of tpbis: one number, read from the installed package's metadata (as attrs does).

A leaf: it imports nothing from tpbis, so any layer may ask for the version
without importing the package's front door (:mod:`tpbis` re-exports it).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

__all__ = ["UNKNOWN", "__version__"]

#: The version of a source tree that was never installed (``PYTHONPATH=src``): a valid
#: PEP 440 version that sorts before every release and says where it came from.
UNKNOWN = "0+unknown"

try:
    __version__: str = version("tpbis")
except PackageNotFoundError:
    __version__ = UNKNOWN
