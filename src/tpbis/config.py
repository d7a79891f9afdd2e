"""``tpbis.toml``: a provincial team's settings, structured with the project converter.

Example::

    lang = "id"                     # or "en"
    sheet_timezone = "Asia/Jakarta" # zone of timestamps without an offset
    day_first = true                # 5/9/2024 is 5 September
    responses_tab = "Respons Formulir 1"
    registry_tab = "Perpustakaan"
    rubric = "rubrik-kepri.toml"    # relative to this file

    [columns]                       # header title = field
    "Nama Perpustakaan Desa" = "library"
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

import attrs
import cattrs
import pendulum

from tpbis.errors import ConfigError
from tpbis.serialization import converter

__all__ = ["CONFIG_FILE", "Config", "load_config"]

CONFIG_FILE = "tpbis.toml"


def _check_timezone(_: object, __: attrs.Attribute[str], value: str) -> None:
    try:
        pendulum.timezone(value)
    except Exception:  # pendulum raises several kinds for unknown zones
        msg = f"unknown time zone {value!r}; use e.g. Asia/Jakarta, Asia/Makassar, Asia/Jayapura"
        raise ValueError(msg) from None


@attrs.frozen(kw_only=True)
class Config:
    """Settings from ``tpbis.toml`` (every key optional)."""

    lang: Literal["id", "en"] = "id"
    sheet_timezone: str = attrs.field(default="Asia/Jakarta", validator=_check_timezone)
    day_first: bool = True
    responses_tab: str | None = None
    registry_tab: str = "Perpustakaan"
    rubric: str | None = None
    columns: dict[str, str] = attrs.Factory(dict)
    #: the folder relative paths in this file are read from
    base_dir: str = "."


def load_config(path: str | Path | None = None) -> Config:
    """Read ``path``, or ``./tpbis.toml`` when it exists, else the defaults.

    Raises:
        ConfigError: the file cannot be read or has unknown keys or wrong types.
    """
    explicit = path is not None
    path = Path(path if path is not None else CONFIG_FILE)
    if not path.exists():
        if explicit:
            raise ConfigError.from_catalogue("error.config_not_found", path=str(path))
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError.from_catalogue("error.config_unreadable", path=str(path), reason=str(exc)) from None
    data["base_dir"] = str(path.resolve().parent)
    try:
        return converter.structure(data, Config)
    except cattrs.BaseValidationError as exc:
        details = "; ".join(cattrs.transform_error(exc, path="tpbis.toml"))
        raise ConfigError.from_catalogue("error.config_invalid", path=str(path), details=details) from None
