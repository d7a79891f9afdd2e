"""Write the export fixtures of this folder, shaped as the services document them.

Run from the repository root: ``python tests/adapters/exports/make_fixtures.py``.
The files are committed; this script says how they were made.

Three submissions of tpbis's XLSForm (``tpbis_laporan_kegiatan``, questions in
a group ``laporan``). The first was sent at 05:30 WIB on 3 September about
that morning's activity: its UTC submission time is still 2 September.

* KoBoToolbox (export options as documented for the kpi export API, see
  ``tpbis/adapters/exports.py``): CSV with
  ``;`` separators, XML values and headers, groups as ``laporan/field``,
  metadata ``_id``, ``_uuid``, ``_submission_time`` (UTC, no offset),
  ``_validation_status`` (labels); XLSX with label headers and group
  hierarchy, the sheet named after the form (cut to Excel's 31 characters)
  and a repeat-group sheet after it.
* ODK Central (header as in getodk/central-backend's export tests):
  ``SubmissionDate`` in UTC with ``Z``, ``meta-instanceID``, group-prefixed
  ``laporan-field``, ``KEY``, ``SubmitterID``, ``SubmitterName``,
  ``AttachmentsPresent``, ``AttachmentsExpected``, ``Status``, ``ReviewState``,
  ``DeviceID``, ``Edits``, ``FormVersion``; and the ``.csv.zip`` download
  with a repeat CSV (``PARENT_KEY``) and a ``media/`` folder.
* Excel saves of the plain Google-Sheets-style table: ``;`` in Windows-1252
  with CRLF (Indonesian locale "CSV"), "Unicode text" (UTF-16LE with BOM, tab)
  and "CSV UTF-8" (BOM, comma).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

HERE = Path(__file__).parent

UTC_SUBMITTED = ["2024-09-02T22:30:00", "2024-09-05T03:00:00", "2024-09-06T10:15:00"]
DEVICE_END = ["2024-09-03T05:29:41.000+07:00", "2024-09-05T09:59:02.000+07:00", "2024-09-06T17:14:30.000+07:00"]
UUIDS = ["3f1c1d2e-0001-4c1b-9a55-0a1b2c3d4e01", "3f1c1d2e-0002-4c1b-9a55-0a1b2c3d4e02",
         "3f1c1d2e-0003-4c1b-9a55-0a1b2c3d4e03"]
# library id, library label, date, title, kind slug, kind label, male, female, partners, documentation, publications
ANSWERS = [
    ["desa-a", "Perpustakaan Desa Alang", "2024-09-03", "Pelatihan menjahit", "pelatihan", "Pelatihan keterampilan",
     "3", "12", "PKK Desa Alang; Karang Taruna", "https://example.org/foto/1", ""],
    ["tbm-d", "TBM Pelita", "2024-09-04", "Berita kegiatan literasi\n(bagian 1)", "publikasi", "Publikasi",
     "0", "0", "", "", "https://news.example.id/berita-1"],
    ["kel-c", "Perpustakaan Kelurahan Sei Jang", "2024-09-06", "Diskusi buku \u2018Caf\u00e9 Literasi\u2019",
     "promosi", "Promosi layanan (literatour, bimbingan pemustaka/referensi, mendongeng)",
     "5", "7", "", "", ""],
]
KOBO_STATUS_LABELS = ["Approved", "", "Not Approved"]
KOBO_STATUS_IDS = ["validation_status_approved", "validation_status_on_hold", "validation_status_not_approved"]
ODK_REVIEW = ["approved", "", "rejected"]
FIELDS = ["library", "date", "title", "kind", "participants_male", "participants_female", "partners",
          "documentation_url", "publication_urls"]
LABELS = ["Nama Perpustakaan", "Tanggal Kegiatan", "Nama Kegiatan", "Jenis Kegiatan", "Jumlah Peserta Laki-laki",
          "Jumlah Peserta Perempuan", "Mitra yang Terlibat", "Tautan Dokumentasi", "Tautan Publikasi"]
SHEET_TITLES = ["Cap waktu", "Alamat email", *LABELS]
WIB_STAMPS = ["03/09/2024 05:30:00", "05/09/2024 10:00:00", "06/09/2024 17:15:00"]


def _xml_values(answer: list[str]) -> list[str]:
    return [answer[0], answer[2], answer[3], answer[4], *answer[6:]]


def _labels(answer: list[str]) -> list[str]:
    return [answer[1], answer[2], answer[3], answer[5], *answer[6:]]


def _csv_text(rows: list[list[str]], delimiter: str = ",", lineterminator: str = "\r\n") -> str:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator=lineterminator).writerows(rows)
    return out.getvalue()


def kobo_csv() -> None:
    header = ["start", "end", *(f"laporan/{f}" for f in FIELDS), "_id", "_uuid", "_submission_time",
              "_validation_status", "_notes", "_status", "_submitted_by", "__version__", "_tags", "_index"]
    rows = [header]
    for i, answer in enumerate(ANSWERS):
        start = DEVICE_END[i].replace(":41.", ":01.").replace(":02.", ":00.").replace(":30.", ":10.")
        rows.append([start, DEVICE_END[i], *_xml_values(answer), str(101 + i), UUIDS[i], UTC_SUBMITTED[i],
                     KOBO_STATUS_LABELS[i], "", "submitted_via_web", "", "vGx7qTCmZ3uXaJ8kRbP2Lm", "", str(i + 1)])
    (HERE / "kobo_xml_groups.csv").write_bytes(_csv_text(rows, ";").encode("utf-8"))


def kobo_xlsx() -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Laporan Kegiatan Perpustakaan TPBIS"[:31]
    sheet.append(["start", "end", *(f"Laporan kegiatan/{label}" for label in LABELS), "_id", "_uuid",
                  "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by", "__version__",
                  "_tags", "_index"])
    for i, answer in enumerate(ANSWERS):
        values: list[object] = _labels(answer)
        values[4], values[5] = int(answer[6]), int(answer[7])
        sheet.append([DEVICE_END[i], DEVICE_END[i], *values, 101 + i, UUIDS[i],
                      dt.datetime.fromisoformat(UTC_SUBMITTED[i]), KOBO_STATUS_IDS[i], "", "submitted_via_web",
                      "", "vGx7qTCmZ3uXaJ8kRbP2Lm", "", i + 1])
    repeat = book.create_sheet("foto")
    repeat.append(["foto", "_index", "_parent_table_name", "_parent_index", "_submission__id", "_submission__uuid"])
    repeat.append(["foto1.jpg", 1, sheet.title, 1, 101, UUIDS[0]])
    book.save(HERE / "kobo_labels.xlsx")


def _odk_rows() -> list[list[str]]:
    header = ["SubmissionDate", "start", "end", *(f"laporan-{f}" for f in FIELDS), "meta-instanceID", "KEY",
              "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState",
              "DeviceID", "Edits", "FormVersion"]
    rows = [header]
    for i, answer in enumerate(ANSWERS):
        key = f"uuid:{UUIDS[i]}"
        rows.append([UTC_SUBMITTED[i] + ".000Z", DEVICE_END[i], DEVICE_END[i], *_xml_values(answer), key, key,
                     "5", "Petugas Bintan", "0", "0", "", ODK_REVIEW[i], "collect:abc123", "0", "1"])
    return rows


def odk_csv() -> None:
    (HERE / "odk_central.csv").write_bytes(_csv_text(_odk_rows(), lineterminator="\n").encode("utf-8"))


def odk_zip() -> None:
    with zipfile.ZipFile(HERE / "odk_central.csv.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        repeat = [["foto", "PARENT_KEY", "KEY"], ["foto1.jpg", f"uuid:{UUIDS[0]}", f"uuid:{UUIDS[0]}/foto[1]"]]
        archive.writestr("tpbis_laporan_kegiatan-foto.csv", _csv_text(repeat, lineterminator="\n"))
        archive.writestr("tpbis_laporan_kegiatan.csv", _csv_text(_odk_rows(), lineterminator="\n"))
        archive.writestr("media/foto1.jpg", b"\xff\xd8\xff\xe0 not really a JPEG")


def _sheet_rows() -> list[list[str]]:
    rows = [SHEET_TITLES]
    for i, answer in enumerate(ANSWERS):
        rows.append([WIB_STAMPS[i], "", *_labels(answer)])
    return rows


def excel_saves() -> None:
    text = _csv_text(_sheet_rows(), ";")
    (HERE / "excel_id_semicolon_cp1252.csv").write_bytes(text.encode("cp1252"))
    unicode_text = _csv_text(_sheet_rows(), "\t")
    (HERE / "excel_unicode_text.txt").write_bytes(b"\xff\xfe" + unicode_text.encode("utf-16-le"))
    (HERE / "excel_utf8_bom.csv").write_bytes(b"\xef\xbb\xbf" + _csv_text(_sheet_rows()).encode("utf-8"))


if __name__ == "__main__":
    kobo_csv()
    kobo_xlsx()
    odk_csv()
    odk_zip()
    excel_saves()
