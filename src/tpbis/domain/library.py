"""Partner libraries and the registry that lists them (SPEC §2)."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator

import attrs

from tpbis.domain.text import normalize_label

__all__ = [
    "PROVINCE_TIMEZONES",
    "Library",
    "LibraryKind",
    "Registry",
    "Support",
    "canonical_province",
    "province_timezone",
]

WIB = "Asia/Jakarta"
WITA = "Asia/Makassar"
WIT = "Asia/Jayapura"

#: The 38 provinces, canonical spelling → time zone name.
PROVINCE_TIMEZONES: dict[str, str] = {
    **dict.fromkeys(
        (
            "Maluku",
            "Maluku Utara",
            "Papua",
            "Papua Barat",
            "Papua Barat Daya",
            "Papua Selatan",
            "Papua Tengah",
            "Papua Pegunungan",
        ),
        WIT,
    ),
    **dict.fromkeys(
        (
            "Bali",
            "Nusa Tenggara Barat",
            "Nusa Tenggara Timur",
            "Kalimantan Selatan",
            "Kalimantan Timur",
            "Kalimantan Utara",
            "Sulawesi Utara",
            "Sulawesi Tengah",
            "Sulawesi Selatan",
            "Sulawesi Tenggara",
            "Sulawesi Barat",
            "Gorontalo",
        ),
        WITA,
    ),
    **dict.fromkeys(
        (
            "Aceh",
            "Sumatera Utara",
            "Sumatera Barat",
            "Riau",
            "Kepulauan Riau",
            "Jambi",
            "Sumatera Selatan",
            "Kepulauan Bangka Belitung",
            "Bengkulu",
            "Lampung",
            "DKI Jakarta",
            "Jawa Barat",
            "Banten",
            "Jawa Tengah",
            "DI Yogyakarta",
            "Jawa Timur",
            "Kalimantan Barat",
            "Kalimantan Tengah",
        ),
        WIB,
    ),
}
_PROVINCE_BY_KEY = {normalize_label(name): name for name in PROVINCE_TIMEZONES}
_ID_RE = re.compile(r"[A-Za-z0-9._-]+")


def canonical_province(name: str) -> str | None:
    """Return the canonical spelling of a province (case-insensitive), or None."""
    return _PROVINCE_BY_KEY.get(normalize_label(name))


def province_timezone(name: str) -> str:
    """Return the time zone name of a canonical province."""
    return PROVINCE_TIMEZONES[name]


class LibraryKind(enum.Enum):
    """What kind of library a partner is; decides its level."""

    PROVINSI = "provinsi"
    KABUPATEN = "kabupaten"
    KOTA = "kota"
    DESA = "desa"
    KELURAHAN = "kelurahan"
    TBM = "tbm"

    @property
    def level(self) -> int:
        """1 for provincial, 2 for kabupaten/kota, 3 for desa, kelurahan and TBM."""
        return _LEVELS[self]


_LEVELS = {
    LibraryKind.PROVINSI: 1,
    LibraryKind.KABUPATEN: 2,
    LibraryKind.KOTA: 2,
    LibraryKind.DESA: 3,
    LibraryKind.KELURAHAN: 3,
    LibraryKind.TBM: 3,
}


class Support(enum.Enum):
    """The programme support a library receives."""

    PENUH = "penuh"
    BUKU = "buku"
    REPLIKASI = "replikasi"


def _check_id(_: object, __: attrs.Attribute[str], value: str) -> None:
    if not _ID_RE.fullmatch(value):
        msg = f"library id {value!r} must match [A-Za-z0-9._-]+"
        raise ValueError(msg)


def _check_non_empty(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not value.strip():
        msg = f"{attribute.name} must not be empty"
        raise ValueError(msg)


def _check_province(_: object, __: attrs.Attribute[str], value: str) -> None:
    if value not in PROVINCE_TIMEZONES:
        msg = f"province {value!r} is not one of the 38 provinces (use canonical_province())"
        raise ValueError(msg)


def _check_non_negative(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 0:
        msg = f"{attribute.name} must be 0 or more, not {value}"
        raise ValueError(msg)


@attrs.frozen(kw_only=True)
class Library:
    """A registered partner library."""

    id: str = attrs.field(validator=_check_id)
    name: str = attrs.field(validator=_check_non_empty)
    kind: LibraryKind
    province: str = attrs.field(validator=_check_province)
    regency: str | None = None
    village: str | None = None
    aliases: tuple[str, ...] = ()
    cohort: int | None = None
    region_code: str | None = None
    support: Support | None = None
    computers: int = attrs.field(default=0, validator=_check_non_negative)
    digital_collection: int = attrs.field(default=0, validator=_check_non_negative)
    print_collection: int = attrs.field(default=0, validator=_check_non_negative)

    def __attrs_post_init__(self) -> None:
        if self.kind is not LibraryKind.PROVINSI and not (self.regency or "").strip():
            msg = f"library {self.id!r}: regency (kabupaten/kota) is required for kind {self.kind.value!r}"
            raise ValueError(msg)
        if self.cohort is not None and self.cohort < 2018:
            msg = f"library {self.id!r}: cohort {self.cohort} is before the programme began (2018)"
            raise ValueError(msg)

    @property
    def level(self) -> int:
        """The programme level: 1, 2 or 3."""
        return self.kind.level

    @property
    def timezone(self) -> str:
        """The library's time zone name, from its province."""
        return PROVINCE_TIMEZONES[self.province]


def _as_tuple(libraries: Iterable[Library]) -> tuple[Library, ...]:
    return tuple(libraries)


@attrs.frozen
class Registry:
    """The registered libraries, in registry order, with unique ids."""

    libraries: tuple[Library, ...] = attrs.field(converter=_as_tuple)
    _by_id: dict[str, Library] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        by_id: dict[str, Library] = {}
        for library in self.libraries:
            if library.id in by_id:
                msg = f"library id {library.id!r} is registered twice"
                raise ValueError(msg)
            by_id[library.id] = library
        object.__setattr__(self, "_by_id", by_id)

    @classmethod
    def of(cls, libraries: Iterable[Library]) -> Registry:
        """Build a registry from any iterable of libraries."""
        return cls(_as_tuple(libraries))

    def __iter__(self) -> Iterator[Library]:
        return iter(self.libraries)

    def __len__(self) -> int:
        return len(self.libraries)

    def __contains__(self, library_id: object) -> bool:
        return library_id in self._by_id

    def __getitem__(self, library_id: str) -> Library:
        return self._by_id[library_id]

    def get(self, library_id: str) -> Library | None:
        """Return the library with this id, or None."""
        return self._by_id.get(library_id)
