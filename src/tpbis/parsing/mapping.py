"""Which column holds which field: default form titles plus user overrides.

Headers are matched casefolded with whitespace collapsed (DESIGN "Form
mapping"); extra columns are ignored; ``tpbis.toml`` ``[columns]`` can map any
header to any field. Missing required columns stop the run.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence

from tpbis.domain.text import normalize_label
from tpbis.errors import SourceError

__all__ = ["REQUIRED_FIELDS", "Field", "default_titles", "resolve_columns"]


class Field(enum.Enum):
    """The fields of a responses row."""

    REPORTED_AT = "reported_at"
    REPORTER_EMAIL = "reporter_email"
    LIBRARY = "library"
    DATE = "date"
    TITLE = "title"
    KIND = "kind"
    PARTICIPANTS_MALE = "participants_male"
    PARTICIPANTS_FEMALE = "participants_female"
    PARTNERS = "partners"
    DOCUMENTATION_URL = "documentation_url"
    PUBLICATION_URLS = "publication_urls"
    #: the collecting tool's review verdict (ODK Central ``ReviewState``, KoBo ``_validation_status``)
    REVIEW_STATUS = "review_status"


#: Default question titles, Indonesian then English.
_TITLES: dict[Field, tuple[str, str]] = {
    Field.REPORTED_AT: ("Cap waktu", "Timestamp"),
    Field.REPORTER_EMAIL: ("Alamat email", "Email Address"),
    Field.LIBRARY: ("Nama Perpustakaan", "Library"),
    Field.DATE: ("Tanggal Kegiatan", "Activity date"),
    Field.TITLE: ("Nama Kegiatan", "Activity name"),
    Field.KIND: ("Jenis Kegiatan", "Activity type"),
    Field.PARTICIPANTS_MALE: ("Jumlah Peserta Laki-laki", "Male participants"),
    Field.PARTICIPANTS_FEMALE: ("Jumlah Peserta Perempuan", "Female participants"),
    Field.PARTNERS: ("Mitra yang Terlibat", "Partners"),
    Field.DOCUMENTATION_URL: ("Tautan Dokumentasi", "Documentation link"),
    Field.PUBLICATION_URLS: ("Tautan Publikasi", "Publication links"),
    Field.REVIEW_STATUS: ("Status Tinjauan", "ReviewState"),
}

#: Further headers recognised for a field (the column names of other collecting tools' exports).
_MORE_TITLES: dict[Field, tuple[str, ...]] = {
    Field.REVIEW_STATUS: ("_validation_status",),
}

#: Columns without which a responses table cannot be scored.
REQUIRED_FIELDS: tuple[Field, ...] = (
    Field.REPORTED_AT,
    Field.LIBRARY,
    Field.DATE,
    Field.TITLE,
    Field.KIND,
    Field.PARTICIPANTS_MALE,
    Field.PARTICIPANTS_FEMALE,
    Field.PUBLICATION_URLS,
)


def default_titles(field: Field, lang: str = "id") -> str:
    """The default question title of ``field``."""
    indonesian, english = _TITLES[field]
    return english if lang == "en" else indonesian


def resolve_columns(
    header: Sequence[str],
    overrides: Mapping[str, str] | None = None,
    *,
    tab: str = "",
) -> dict[Field, int]:
    """Map fields to column indexes.

    Args:
        header: the header row.
        overrides: header title → field name (``tpbis.toml`` ``[columns]``);
            these win over the default titles.
        tab: the tab name, for messages.

    Raises:
        SourceError: a required column is missing (naming what was found), or
            an override names an unknown field.
    """
    wanted: dict[str, Field] = {}
    for field, titles in _TITLES.items():
        for title in (*titles, *_MORE_TITLES.get(field, ())):
            wanted[normalize_label(title)] = field
    for title, field_name in (overrides or {}).items():
        try:
            wanted[normalize_label(title)] = Field(field_name)
        except ValueError:
            fields = ", ".join(f.value for f in Field)
            raise SourceError.from_catalogue(
                "error.column_override", title=title, field=field_name, fields=fields
            ) from None
    columns: dict[Field, int] = {}
    for index, title in enumerate(header):
        found = wanted.get(normalize_label(str(title or "")))
        if found is not None and found not in columns:
            columns[found] = index
    missing = [f for f in REQUIRED_FIELDS if f not in columns]
    if missing:
        names = ", ".join(f"'{default_titles(f)}'" for f in missing)
        present = ", ".join(f"'{h}'" for h in header if str(h or "").strip()) or "-"
        raise SourceError.from_catalogue("error.missing_columns", tab=tab, missing=names, found=present)
    return columns
