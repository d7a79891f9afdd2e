"""Reported community activities and their kinds (SPEC §3)."""

from __future__ import annotations

import enum

import attrs
import pendulum

__all__ = ["Activity", "ActivityKind", "SourceRef"]


class ActivityKind(enum.Enum):
    """The activity kinds of the programme; labels and groupings live in the rubric."""

    PELATIHAN = "pelatihan"
    PELATIHAN_TIK = "pelatihan_tik"
    PROMOSI = "promosi"
    FASILITASI = "fasilitasi"
    LAYANAN_DIGITAL = "layanan_digital"
    ADVOKASI = "advokasi"
    KEMITRAAN = "kemitraan"
    PUBLIKASI = "publikasi"


@attrs.frozen(kw_only=True)
class SourceRef:
    """Where a row came from: the tab (or file), the sheet row, and a form response id."""

    tab: str
    row: int
    response_id: str | None = None


@attrs.frozen(kw_only=True)
class Activity:
    """An accepted activity report."""

    library_id: str
    date: pendulum.Date
    title: str
    kind: ActivityKind
    participants_male: int = 0
    participants_female: int = 0
    partners: tuple[str, ...] = ()
    documentation_url: str | None = None
    publication_urls: tuple[str, ...] = ()
    reported_at: pendulum.DateTime
    #: The local calendar date of ``reported_at`` in the library's time zone.
    reported_on: pendulum.Date
    source: SourceRef

    @property
    def participants(self) -> int:
        """Male plus female participants."""
        return self.participants_male + self.participants_female
