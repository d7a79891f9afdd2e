"""The one message catalogue: every user-facing string, in Indonesian and English.

Keys are stable identifiers; values are ``(indonesian, english)`` templates
formatted with :meth:`str.format`. Indonesian is the default language.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["CATALOGUE", "LANGUAGES", "Lang", "both", "t"]

Lang = Literal["id", "en"]
LANGUAGES: tuple[Lang, ...] = ("id", "en")

CATALOGUE: dict[str, tuple[str, str]] = {
    # --- row problems (SPEC §3.1) -------------------------------------------------
    "problem.library.unknown": (
        "Perpustakaan '{value}' tidak terdaftar.{suggestion_id} Perbaiki nama di formulir atau tambahkan ke tab Perpustakaan.",
        "Library '{value}' is not registered.{suggestion_en} Fix the name in the form data or add it to the Perpustakaan tab.",
    ),
    "problem.library.ambiguous": (
        "Nama perpustakaan '{value}' cocok dengan beberapa perpustakaan ({candidates}); gunakan id perpustakaan.",
        "Library name '{value}' matches several libraries ({candidates}); use the library id.",
    ),
    "hint.suggestion": (" Mungkin maksudnya: {names}?", " Did you mean: {names}?"),
    "problem.date.invalid": (
        "Tanggal kegiatan '{value}' tidak terbaca; gunakan misalnya 21/09/2024 atau 2024-09-21.",
        "Activity date '{value}' cannot be read; use e.g. 21/09/2024 or 2024-09-21.",
    ),
    "problem.date.future": (
        "Tanggal kegiatan {date} setelah tanggal pelaporan {reported}.",
        "Activity date {date} is after the reporting date {reported}.",
    ),
    "problem.date.before_program": (
        "Tanggal kegiatan {date} sebelum program dimulai (1 Januari 2018).",
        "Activity date {date} is before the programme began (1 January 2018).",
    ),
    "problem.timestamp.invalid": (
        "Cap waktu '{value}' tidak terbaca.",
        "Timestamp '{value}' cannot be read.",
    ),
    "problem.kind.unknown": (
        "Jenis kegiatan '{value}' tidak dikenali; pilih salah satu: {choices}.",
        "Activity type '{value}' is not recognised; choose one of: {choices}.",
    ),
    "problem.title.missing": (
        "Nama kegiatan kosong.",
        "Activity name is blank.",
    ),
    "problem.participants.invalid": (
        "Jumlah peserta '{value}' harus bilangan bulat 0 sampai 100000 (tanpa teks).",
        "Participant count '{value}' must be a whole number from 0 to 100000 (no text).",
    ),
    "problem.publication.missing": (
        "Kegiatan publikasi tanpa tautan publikasi yang sah (http/https).",
        "Publication activity without a valid publication link (http/https).",
    ),
    "problem.url.invalid": (
        "Tautan '{value}' bukan alamat http(s) dan diabaikan.",
        "Link '{value}' is not an http(s) address and is ignored.",
    ),
    "problem.activity.duplicate": (
        "Duplikat dari baris {original}; hanya dihitung sekali.",
        "Duplicate of row {original}; counted once.",
    ),
    # --- gaps and explanations ----------------------------------------------------
    "gap.points": (
        "Kurang {points} poin untuk {color}.",
        "{points} points short of {color}.",
    ),
    "gap.option": (
        "tambah {amount} {unit} ({indicator})",
        "add {amount} {unit} ({indicator})",
    ),
    "gap.top": ("Sudah {color}.", "Already {color}."),
    # --- awards and contests -----------------------------------------------------
    "award.unmet.color": (
        "butuh warna {color_id} (sekarang {actual_id}{points_id})",
        "needs colour {color_en} (now {actual_en}{points_en})",
    ),
    "award.unmet.more": ("butuh {amount} {unit_id} lagi", "needs {amount} more {unit_en}"),
    "award.unmet.share": (
        "butuh tautan dokumentasi pada {missing} {unit_id} lagi (sekarang {actual} %, minimal {required} %)",
        "needs documentation links on {missing} more {unit_en} (now {actual} %, at least {required} %)",
    ),
    "contest.unregistered": ("perpustakaan '{library}' tidak terdaftar", "library '{library}' is not registered"),
    "contest.no_url": ("tanpa tautan karya", "no link to the entry"),
    "contest.late": ("dikirim setelah batas waktu {deadline}", "submitted after the deadline {deadline}"),
    "contest.no_scores": ("belum ada nilai juri", "no jury scores yet"),
    "contest.problem.unknown": (
        "Lomba '{value}' tidak dikenal; pilih salah satu: {choices}.",
        "Contest '{value}' is not known; choose one of: {choices}.",
    ),
    "contest.problem.score_invalid": (
        "Nilai juri '{value}' harus angka 0 sampai 100.",
        "Jury score '{value}' must be a number from 0 to 100.",
    ),
    "contest.problem.timestamp_invalid": (
        "Waktu kirim '{value}' tidak terbaca.",
        "Submission time '{value}' cannot be read.",
    ),
    "contest.problem.library_unknown": (
        "Perpustakaan '{value}' tidak terdaftar; karya tidak memenuhi syarat.",
        "Library '{value}' is not registered; the entry is not eligible.",
    ),
    "contest.problem.url_missing": (
        "Tautan karya '{value}' kosong atau bukan http(s); karya tidak memenuhi syarat.",
        "Entry link '{value}' is blank or not http(s); the entry is not eligible.",
    ),
    # --- errors that stop a run -------------------------------------------------
    "error.prefix": ("Galat", "Error"),
    "error.file_not_found": (
        "Berkas '{path}' tidak ditemukan. Periksa jalur berkasnya.",
        "File '{path}' not found. Check the path.",
    ),
    "error.missing_columns": (
        "Tab '{tab}': kolom wajib tidak ada: {missing}. Kolom yang ada: {found}. Ganti judul pertanyaan formulir atau petakan kolom di tpbis.toml ([columns]).",
        "Tab '{tab}': required columns missing: {missing}. Columns found: {found}. Rename the form questions or map the columns in tpbis.toml ([columns]).",
    ),
    "error.no_responses_tab": (
        "Tidak ada tab respons di '{path}' (dicari: {wanted}; ada: {found}). Gunakan --responses-tab.",
        "No responses tab in '{path}' (looked for: {wanted}; found: {found}). Use --responses-tab.",
    ),
    "error.no_registry": (
        "Daftar perpustakaan tidak ditemukan: tidak ada tab '{tab}' di '{path}'. Tambahkan tab itu atau gunakan --registry BERKAS.",
        "Library registry not found: no tab '{tab}' in '{path}'. Add that tab or use --registry FILE.",
    ),
    "registry.kind": (
        "jenis '{value}' tidak dikenal (pilih {choices})",
        "kind '{value}' not recognised (choose {choices})",
    ),
    "registry.province": (
        "provinsi '{value}' tidak dikenal",
        "province '{value}' not recognised",
    ),
    "registry.regency": (
        "kabupaten/kota wajib diisi untuk jenis '{kind}'",
        "regency (kabupaten/kota) is required for kind '{kind}'",
    ),
    "registry.support": (
        "dukungan '{value}' harus penuh, buku atau replikasi",
        "support '{value}' must be penuh, buku or replikasi",
    ),
    "registry.number": (
        "{column} '{value}' bukan bilangan bulat",
        "{column} '{value}' is not a whole number",
    ),
    "registry.duplicate_id": (
        "id '{id}' sudah dipakai di baris {row}",
        "id '{id}' already used in row {row}",
    ),
    "error.config_not_found": (
        "Berkas konfigurasi '{path}' tidak ditemukan. Periksa --config.",
        "Config file '{path}' not found. Check --config.",
    ),
    "error.config_unreadable": (
        "Konfigurasi '{path}' tidak terbaca: {reason}",
        "Config '{path}' cannot be read: {reason}",
    ),
    "error.config_invalid": (
        "Konfigurasi '{path}' tidak sah: {details}",
        "Config '{path}' is invalid: {details}",
    ),
    "error.rubric_unreadable": (
        "Rubrik '{path}' tidak bisa dibaca: {reason}",
        "Rubric '{path}' cannot be read: {reason}",
    ),
    "error.rubric_invalid": (
        "Rubrik '{source}' tidak sah:\n{listing}\nBandingkan dengan rubrik bawaan: tpbis rubric show",
        "Rubric '{source}' is invalid:\n{listing}\nCompare with the default: tpbis rubric show",
    ),
    "error.column_override": (
        "tpbis.toml [columns]: '{title}' = '{field}' bukan nama field ({fields})",
        "tpbis.toml [columns]: '{title}' = '{field}' is not a field ({fields})",
    ),
    "error.unreadable_csv": (
        "Berkas CSV '{path}' tidak bisa dibaca: {reason}",
        "CSV file '{path}' cannot be read: {reason}",
    ),
    "error.unreadable_xlsx": (
        "Berkas '{path}' bukan workbook XLSX yang terbaca: {reason}",
        "'{path}' is not a readable XLSX workbook: {reason}",
    ),
    "error.unknown_category": (
        "Kategori '{category}' tidak ada di rubrik ({known})",
        "Category '{category}' is not in the rubric ({known})",
    ),
    "error.unknown_library": (
        "Perpustakaan '{library}' tidak terdaftar",
        "Library '{library}' is not registered",
    ),
    "error.registry_row": (
        "Daftar perpustakaan '{source}', baris {row}: {reason}",
        "Library registry '{source}', row {row}: {reason}",
    ),
    "error.unsupported_input": (
        "Format berkas '{path}' tidak didukung; gunakan .xlsx atau .csv.",
        "File format of '{path}' is not supported; use .xlsx or .csv.",
    ),
    "error.missing_extra": (
        "Fitur ini butuh paket tambahan: jalankan  pip install 'tpbis[{extra}]'",
        "This feature needs an extra package: run  pip install 'tpbis[{extra}]'",
    ),
    # --- CLI ------------------------------------------------------------------------
    "cli.summary": (
        "{rows} baris dibaca: {accepted} diterima, {rejected} ditolak, {duplicates} duplikat, {blank} kosong.",
        "{rows} rows read: {accepted} accepted, {rejected} rejected, {duplicates} duplicates, {blank} blank.",
    ),
    "cli.colors": (
        "Warna: {hijau} hijau, {kuning} kuning, {merah} merah.",
        "Colours: {hijau} green, {kuning} yellow, {merah} red.",
    ),
    "cli.problems_hint": (
        "{errors} galat dan {warnings} peringatan data; lihat dengan --format json atau --problems.",
        "{errors} data errors and {warnings} warnings; see them with --format json or --problems.",
    ),
    # --- colours --------------------------------------------------------------------
    "color.hijau": ("hijau", "green"),
    "color.kuning": ("kuning", "yellow"),
    "color.merah": ("merah", "red"),
    # --- output columns -----------------------------------------------------------
    "col.library_id": ("ID", "ID"),
    "col.library_name": ("Perpustakaan", "Library"),
    "col.kind": ("Jenis", "Kind"),
    "col.regency": ("Kabupaten/Kota", "Regency/City"),
    "col.province": ("Provinsi", "Province"),
    "col.period": ("Periode", "Period"),
    "col.composite": ("Skor", "Score"),
    "col.color": ("Warna", "Colour"),
    "col.gap": ("Menuju warna berikutnya", "Towards the next colour"),
    "col.region": ("Wilayah", "Region"),
    "col.libraries": ("Jumlah perpustakaan", "Libraries"),
    "col.mean": ("Rata-rata skor", "Mean score"),
    "col.row": ("Baris", "Row"),
    "col.column": ("Kolom", "Column"),
    "col.code": ("Kode", "Code"),
    "col.severity": ("Tingkat", "Severity"),
    "col.message": ("Pesan", "Message"),
    "col.value": ("Isi sel", "Cell value"),
    "col.value_suffix": ("nilai", "value"),
    "col.score_suffix": ("skor", "score"),
    "col.award": ("Penghargaan", "Award"),
    "col.level": ("Tingkat", "Level"),
    "col.rank": ("Peringkat", "Rank"),
    "col.award_score": ("Skor penghargaan", "Award score"),
    "col.eligible": ("Memenuhi syarat", "Eligible"),
    "col.unmet": ("Syarat belum terpenuhi", "Unmet criteria"),
    "word.yes": ("ya", "yes"),
    "word.no": ("tidak", "no"),
    "awards.none": ("(belum ada yang memenuhi syarat)", "(nobody is eligible yet)"),
    "awards.more": ("… dan {count} lainnya", "… and {count} more"),
    "whatif.already": ("{library} sudah memenuhi syarat {award}.", "{library} is already eligible for {award}."),
    "whatif.blocked": (
        "{library} belum bisa memenuhi syarat {award} lewat kegiatan: {reasons}.",
        "{library} cannot become eligible for {award} through activities alone: {reasons}.",
    ),
    "whatif.head": ("Agar {library} memenuhi syarat {award}:", "For {library} to be eligible for {award}:"),
    "whatif.combined": ("tambah {mix}", "add {mix}"),
    "whatif.single": ("atau hanya {count} kegiatan {kind}", "or only {count} {kind} activities"),
    "whatif.none": (
        "tidak tercapai dengan 60 kegiatan tambahan dalam periode ini",
        "not reachable with 60 more activities in this period",
    ),
    "severity.error": ("galat", "error"),
    "severity.warning": ("peringatan", "warning"),
}


def t(key: str, lang: str = "id", /, **params: object) -> str:
    """The message ``key`` in ``lang`` (``id`` or ``en``), formatted with ``params``."""
    indonesian, english = CATALOGUE[key]
    template = english if lang == "en" else indonesian
    return template.format(**params) if params else template


def both(key: str, /, **params: object) -> tuple[str, str]:
    """The message ``key`` in Indonesian and English."""
    return t(key, "id", **params), t(key, "en", **params)
