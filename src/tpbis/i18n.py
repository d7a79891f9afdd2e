"""The one message catalogue: every user-facing string, in Indonesian and English.

Keys are stable identifiers; values are ``(indonesian, english)`` templates
formatted with :meth:`str.format`. Indonesian is the default language.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["CATALOGUE", "LANGUAGES", "Lang", "both", "set_language", "t"]

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
    # streaming CSV reader (adapters/csvfile.py)
    "error.csv_changed": (
        "Berkas CSV '{path}' berubah selagi dibaca; jalankan ulang perintahnya.",
        "CSV file '{path}' changed while it was being read; run the command again.",
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
    # --- Google credentials and API errors (adapters/google.py, adapters/sheets.py) ---
    "auth.file_not_found": (
        "Berkas kredensial '{path}' tidak ditemukan. Unduh kunci JSON akun layanan dari Google Cloud "
        "Console (IAM > Akun layanan > Kunci) dan berikan dengan --credentials atau GOOGLE_APPLICATION_CREDENTIALS.",
        "Credentials file '{path}' not found. Download a service-account JSON key from the Google Cloud "
        "Console (IAM > Service accounts > Keys) and pass it with --credentials or GOOGLE_APPLICATION_CREDENTIALS.",
    ),
    "auth.not_json": (
        "Berkas kredensial '{path}' bukan JSON. Gunakan kunci JSON akun layanan yang diunduh dari Google Cloud Console.",
        "Credentials file '{path}' is not JSON. Use the service-account JSON key downloaded from the Google Cloud Console.",
    ),
    "auth.wrong_type": (
        "Berkas kredensial '{path}' berjenis '{kind}', bukan kunci akun layanan (\"type\": \"service_account\").",
        "Credentials file '{path}' is of type '{kind}', not a service-account key (\"type\": \"service_account\").",
    ),
    "auth.bad_key": (
        "Kunci akun layanan '{path}' rusak atau tidak lengkap. Buat kunci baru di Google Cloud Console.",
        "Service-account key '{path}' is damaged or incomplete. Create a new key in the Google Cloud Console.",
    ),
    "auth.oauth_missing": (
        "'{path}' adalah klien OAuth; login pengguna butuh paket google-auth-oauthlib "
        "(pip install \"tpbis[oauth]\").",
        "'{path}' is an OAuth client; signing a user in needs google-auth-oauthlib (pip install \"tpbis[oauth]\").",
    ),
    "auth.no_credentials": (
        "Tidak ada kredensial Google. Berikan kunci akun layanan dengan --credentials FILE atau "
        "GOOGLE_APPLICATION_CREDENTIALS, atau jalankan 'gcloud auth application-default login'.",
        "No Google credentials. Pass a service-account key with --credentials FILE or "
        "GOOGLE_APPLICATION_CREDENTIALS, or run 'gcloud auth application-default login'.",
    ),
    "auth.refresh_failed": (
        "Google menolak kredensial ({reason}). Periksa bahwa kunci akun layanan masih aktif.",
        "Google refused the credentials ({reason}). Check that the service-account key is still active.",
    ),
    "error.bad_spreadsheet": (
        "'{source}' bukan berkas .xlsx, URL Google Sheets, atau kunci spreadsheet.",
        "'{source}' is not an .xlsx file, a Google Sheets URL or a spreadsheet key.",
    ),
    "google.forbidden": (
        "Tidak punya akses ke spreadsheet '{key}' (403). Bagikan spreadsheet itu sebagai Editor "
        "kepada {account}.",
        "No access to spreadsheet '{key}' (403). Share the spreadsheet as Editor with {account}.",
    ),
    "google.not_found": (
        "Spreadsheet '{key}' tidak ditemukan (404). Periksa URL atau kunci spreadsheet.",
        "Spreadsheet '{key}' not found (404). Check the spreadsheet URL or key.",
    ),
    "google.quota": (
        "Kuota Google Sheets API habis setelah {attempts} percobaan ({step}). Tunggu beberapa menit "
        "lalu jalankan lagi; hasil terakhir yang lengkap tetap ada.",
        "Google Sheets API quota exhausted after {attempts} attempts ({step}). Wait a few minutes and "
        "run again; the last complete result is kept.",
    ),
    "google.unavailable": (
        "Google tidak menjawab setelah {attempts} percobaan ({step}): {reason}. Jalankan lagi nanti; "
        "hasil terakhir yang lengkap tetap ada.",
        "Google did not answer after {attempts} attempts ({step}): {reason}. Run again later; "
        "the last complete result is kept.",
    ),
    "google.error": (
        "Google menolak permintaan ({step}): {status} {reason}",
        "Google rejected the request ({step}): {status} {reason}",
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
    "word.all_regencies": ("(seluruh provinsi)", "(whole province)"),
    "col.tab": ("Tab", "Tab"),
    # --- sync: output tab names, progress and summary (service/sync.py, cli/sync.py) ---
    "tab.scores": ("Skor KPI", "KPI Scores"),
    "cli.sync.help": (
        "hitung skor dari spreadsheet dan tulis tab hasil ke dalamnya",
        "score a spreadsheet and write the result tabs into it",
    ),
    "cli.sync.source": (
        "berkas .xlsx, URL Google Sheets, atau kunci spreadsheet",
        "an .xlsx file, a Google Sheets URL or a spreadsheet key",
    ),
    "cli.sync.period": (
        "periode (boleh diulang); bawaan: bulan ini dan tahun berjalan",
        "period (repeatable); default: this month and the year to date",
    ),
    "cli.sync.output": (
        "untuk .xlsx: tulis ke salinan ini, bukan ke berkas asli",
        "for .xlsx: write to this copy instead of the original file",
    ),
    "cli.sync.credentials": (
        "kunci JSON akun layanan (bawaan: GOOGLE_APPLICATION_CREDENTIALS atau ADC)",
        "service-account JSON key (default: GOOGLE_APPLICATION_CREDENTIALS or ADC)",
    ),
    "cli.sync.source_forms": (
        "baca respons langsung dari Forms API (menurut id pertanyaan), bukan dari tab respons",
        "read the responses from the Forms API (by question id) instead of the responses tab",
    ),
    "error.bad_source": (
        "--source '{source}' tidak dikenal; gunakan forms:ID_FORMULIR",
        "--source '{source}' is not recognised; use forms:FORM_ID",
    ),
    "cli.sync.dry_run": ("tampilkan apa yang akan berubah tanpa menulis", "show what would change, write nothing"),
    "cli.sync.force": ("tulis ulang walau data tidak berubah", "rewrite even when the input is unchanged"),
    "cli.sync.break_lock": (
        "ambil alih kunci sinkronisasi lain yang macet",
        "take over a stuck lock of another sync",
    ),
    "cli.opt.rubric": ("berkas rubrik TOML (bawaan: tpbis-default@1)", "rubric TOML file (default: tpbis-default@1)"),
    "cli.opt.responses_tab": ("nama tab respons (bawaan: dideteksi)", "responses tab name (default: detected)"),
    "cli.opt.sheet_timezone": (
        "zona waktu cap waktu tanpa offset (bawaan: zona spreadsheet, atau Asia/Jakarta)",
        "time zone of timestamps without an offset (default: the spreadsheet's, or Asia/Jakarta)",
    ),
    "cli.opt.format": ("format keluaran", "output format"),
    # --- CLI: program, commands and shared options (cli/main.py) ---
    "cli.description": (
        "Skor KPI, warna (merah/kuning/hijau) dan penghargaan TPBIS dari laporan kegiatan perpustakaan.",
        "TPBIS KPI scores, colours (merah/kuning/hijau) and awards from library activity reports.",
    ),
    "cli.usage": ("penggunaan:", "usage:"),
    "cli.positionals": ("argumen", "arguments"),
    "cli.options": ("opsi", "options"),
    "cli.help": ("tampilkan bantuan ini lalu keluar", "show this help and exit"),
    "cli.command": ("PERINTAH", "COMMAND"),
    "cli.commands": ("perintah", "commands"),
    "cli.action": ("AKSI", "ACTION"),
    "cli.file": ("BERKAS", "FILE"),
    "cli.opt.lang": ("bahasa keluaran: id (bawaan) atau en", "output language: id (default) or en"),
    "cli.opt.config": ("berkas konfigurasi (bawaan: ./tpbis.toml)", "config file (default: ./tpbis.toml)"),
    "cli.opt.source": ("berkas .xlsx atau .csv respons formulir", "the form responses as .xlsx or .csv"),
    "cli.opt.period": (
        "periode: 2024-09, 2024-Q3, 2024-S2, 2024 atau 2024-01-01..2024-09-25",
        "period: 2024-09, 2024-Q3, 2024-S2, 2024 or 2024-01-01..2024-09-25",
    ),
    "cli.opt.registry": (
        "daftar perpustakaan (.csv, atau .xlsx dengan tab Perpustakaan)",
        "library registry (.csv, or .xlsx with a Perpustakaan tab)",
    ),
    # --- CLI: tpbis form (cli/form.py) ---
    "cli.form.help": ("buat dan periksa formulir laporan", "build and check the report form"),
    "cli.form.build": ("buat atau perbarui Google Form", "create or update the Google Form"),
    "cli.form.form_id": ("perbarui formulir ini", "update this form in place"),
    "cli.form.dry_run": ("cetak permintaan API saja, tanpa mengirim", "print the API requests only, send nothing"),
    "cli.form.credentials": ("kunci JSON akun layanan", "service-account JSON key"),
    "cli.form.xlsform": ("tulis XLSForm (KoBoToolbox, ODK Central)", "write an XLSForm (KoBoToolbox, ODK Central)"),
    "cli.form.version": ("versi formulir XLSForm", "XLSForm version"),
    "cli.form.check": ("periksa perubahan formulir", "check the form for drift"),
    "cli.form.check_regency": ("kabupaten/kota formulir ini", "the form's regency"),
    "cli.form.record": ("catatan formulir (bawaan: tpbis-form.json)", "form record (default: tpbis-form.json)"),
    "cli.form.check_form_id": ("id formulir (bawaan: dari catatan)", "form id (default: from the record)"),
    "cli.form.regency": ("hanya perpustakaan kabupaten/kota ini", "only this regency's libraries"),
    "cli.score.help": ("hitung skor KPI dan warna", "compute KPI scores and colours"),
    "cli.score.problems": ("tampilkan semua masalah data", "list every data problem"),
    "cli.score.no_color": ("tanpa warna ANSI", "no ANSI colours"),
    "cli.awards.help": ("kelayakan dan peringkat penghargaan", "award eligibility and ranking"),
    "cli.awards.what_if": (
        "apa yang kurang agar perpustakaan ID memenuhi syarat",
        "what library ID lacks to become eligible",
    ),
    "cli.awards.category": ("hanya kategori ini (mis. layanan_digital)", "only this category (e.g. layanan_digital)"),
    "cli.rubric.help": ("tampilkan atau periksa rubrik", "show or check a rubric"),
    "cli.rubric.show": ("cetak rubrik bawaan", "print the default rubric"),
    "cli.rubric.check": ("periksa berkas rubrik", "validate a rubric file"),
    "cli.rubric.ok": (
        "OK: {ref} ({indicators} indikator, {awards} kategori penghargaan, {contests} lomba)",
        "OK: {ref} ({indicators} indicators, {awards} award categories, {contests} contests)",
    ),
    "sync.done": (
        "Sinkronisasi selesai: '{title}' — tab {tabs} ditulis ({requests} permintaan tulis).",
        "Sync complete: '{title}' — tabs {tabs} written ({requests} write requests).",
    ),
    "sync.unchanged": (
        "Tidak ada perubahan sejak sinkronisasi lengkap terakhir '{title}' ({at}); tidak ada yang ditulis "
        "(pakai --force untuk menulis ulang).",
        "Nothing changed since the last complete sync of '{title}' ({at}); nothing written (use --force to rewrite).",
    ),
    "sync.dry_run": (
        "Uji coba (--dry-run) '{title}': tidak ada yang ditulis. Yang akan berubah:",
        "Dry run (--dry-run) of '{title}': nothing written. What would change:",
    ),
    "sync.change": (
        "  {tab}: {before} → {after} baris, {changed} baris berbeda",
        "  {tab}: {before} → {after} rows, {changed} rows differ",
    ),
    "sync.top_awards": ("Kandidat penghargaan teratas:", "Top award candidates:"),
    "sync.period_colors": (
        "{period}: {hijau} hijau, {kuning} kuning, {merah} merah",
        "{period}: {hijau} green, {kuning} yellow, {merah} red",
    ),
    "sync.problems": (
        "{count} masalah data, terbanyak: {hotspots}. Lihat tab '{tab}'.",
        "{count} data problems, most frequent: {hotspots}. See the '{tab}' tab.",
    ),
    "sync.output_is_input": (
        "Tab '{tab}' adalah tab masukan, padahal tpbis menulis hasil ke tab bernama sama. Ganti nama tab itu "
        "(atau gunakan --lang lain); tpbis tidak pernah menimpa tab masukan.",
        "Tab '{tab}' is an input tab, but tpbis writes a result tab of that name. Rename that tab "
        "(or use the other --lang); tpbis never overwrites input tabs.",
    ),
    "sync.step.read": ("Membaca spreadsheet", "Reading the spreadsheet"),
    "sync.step.score": ("Menghitung skor", "Scoring"),
    "sync.step.lock": ("Mengunci", "Locking"),
    "sync.step.write": ("Menulis hasil", "Writing results"),
    "sync.locked": (
        "Spreadsheet sedang disinkronkan oleh {owner} (kunci berlaku sampai {expires}). Tunggu sampai "
        "selesai, atau gunakan --break-lock bila sinkronisasi itu sudah pasti berhenti.",
        "The spreadsheet is being synced by {owner} (lock valid until {expires}). Wait until it finishes, "
        "or use --break-lock if that sync has certainly stopped.",
    ),
    "sync.lock_lost": (
        "Kunci diambil oleh {owner} pada saat yang sama; tidak ada yang ditulis. Jalankan lagi nanti.",
        "The lock was taken by {owner} at the same moment; nothing was written. Run again later.",
    ),
    "tab.regions": ("Rekap Wilayah", "Regional Summary"),
    "tab.awards": ("Penghargaan", "Awards"),
    "tab.problems": ("Masalah Data", "Data Problems"),
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
    # --- form builders and drift check (forms/, adapters/forms.py, adapters/xlsform.py, cli/form.py) ---
    "form.title": ("Laporan Kegiatan Perpustakaan TPBIS", "TPBIS Library Activity Report"),
    "form.title_regency": (
        "Laporan Kegiatan Perpustakaan TPBIS — {regency}",
        "TPBIS Library Activity Report — {regency}",
    ),
    "form.description": (
        "Isi satu formulir untuk setiap kegiatan. Jawaban dibaca otomatis oleh tpbis (rubrik {rubric}): "
        "pilih perpustakaan dan jenis kegiatan dari daftar, tulis jumlah peserta sebagai angka saja.",
        "Fill in one form per activity. Answers are read automatically by tpbis (rubric {rubric}): "
        "choose the library and activity type from the lists, and write participant counts as numbers only.",
    ),
    "form.help.library": (
        "Pilih perpustakaan Anda. Jika tidak ada di daftar, minta tim provinsi menambahkannya ke daftar Perpustakaan.",
        "Choose your library. If it is not listed, ask the provincial team to add it to the library registry.",
    ),
    "form.help.date": (
        "Tanggal kegiatan dilaksanakan (bukan tanggal melapor).",
        "The date the activity took place (not the reporting date).",
    ),
    "form.help.title": (
        "Nama singkat kegiatan, misalnya 'Pelatihan membuat kue bagi ibu-ibu PKK'.",
        "A short name for the activity, e.g. 'Cake-baking training for the PKK women's group'.",
    ),
    "form.help.kind": (
        "Pilih satu jenis kegiatan (rubrik {rubric}).",
        "Choose one activity type (rubric {rubric}).",
    ),
    "form.help.participants_male": (
        "Jumlah peserta laki-laki: bilangan bulat 0 sampai {max}, tanpa teks. Tulis 0 jika tidak ada.",
        "Number of male participants: a whole number from 0 to {max}, no text. Write 0 if none.",
    ),
    "form.help.participants_female": (
        "Jumlah peserta perempuan: bilangan bulat 0 sampai {max}, tanpa teks. Tulis 0 jika tidak ada.",
        "Number of female participants: a whole number from 0 to {max}, no text. Write 0 if none.",
    ),
    "form.help.partners": (
        "Mitra yang terlibat, dipisah koma atau titik koma. Kosongkan jika tidak ada.",
        "Partners involved, separated by commas or semicolons. Leave blank if none.",
    ),
    "form.help.documentation_url": (
        "Tautan foto atau video dokumentasi, diawali http:// atau https://.",
        "Link to photos or video of the activity, starting with http:// or https://.",
    ),
    "form.help.publication_urls": (
        "Tautan berita atau unggahan media sosial tentang kegiatan, diawali https://; pisahkan beberapa "
        "tautan dengan spasi atau baris baru. Wajib untuk jenis Publikasi.",
        "Links to news items or social-media posts about the activity, starting with https://; separate "
        "several links with spaces or new lines. Required for the Publication type.",
    ),
    "form.constraint.whole_number": (
        "Isi bilangan bulat 0 sampai {max}.",
        "Enter a whole number from 0 to {max}.",
    ),
    "form.constraint.url": (
        "Tautan harus diawali http:// atau https://.",
        "Links must start with http:// or https://.",
    ),
    "form.no_libraries": (
        "Daftar perpustakaan kosong; formulir butuh setidaknya satu perpustakaan terdaftar.",
        "The library registry is empty; the form needs at least one registered library.",
    ),
    "form.no_such_regency": (
        "Tidak ada perpustakaan terdaftar di kabupaten/kota '{regency}'. Yang ada: {known}.",
        "No registered library lies in regency/city '{regency}'. Known: {known}.",
    ),
    "form.record_missing": (
        "Catatan formulir '{path}' tidak ada. Jalankan 'tpbis form build' dulu, atau berikan --record FILE.",
        "Form record '{path}' does not exist. Run 'tpbis form build' first, or pass --record FILE.",
    ),
    "form.record_invalid": (
        "Catatan formulir '{path}' rusak: {reason}. Buat ulang dengan 'tpbis form build --form-id ID'.",
        "Form record '{path}' is damaged: {reason}. Recreate it with 'tpbis form build --form-id ID'.",
    ),
    "form.record_other": (
        "Catatan formulir '{path}' milik formulir {recorded}, bukan {form_id}. Berikan --record FILE yang sesuai.",
        "Form record '{path}' belongs to form {recorded}, not {form_id}. Pass the matching --record FILE.",
    ),
    "form.not_found": (
        "Formulir '{form_id}' tidak ditemukan (404). Periksa ID formulir (bagian URL setelah /forms/d/).",
        "Form '{form_id}' not found (404). Check the form id (the part of the URL after /forms/d/).",
    ),
    "form.forbidden": (
        "Tidak punya akses ke formulir '{form_id}' (403). Bagikan formulir sebagai Editor kepada akun layanan.",
        "No access to form '{form_id}' (403). Share the form as Editor with the service account.",
    ),
    "form.revision_conflict": (
        "Formulir '{form_id}' diubah di tempat lain selama pembaruan; tidak ada yang diubah. Jalankan lagi.",
        "Form '{form_id}' was changed elsewhere during the update; nothing was changed. Run again.",
    ),
    "form.api_error": (
        "Google Forms API menolak permintaan ({step}): {status} {reason}",
        "The Google Forms API rejected the request ({step}): {status} {reason}",
    ),
    "form.unavailable": (
        "Google Forms API tidak menjawab setelah {attempts} percobaan ({step}): {reason}. Jalankan lagi nanti.",
        "The Google Forms API did not answer after {attempts} attempts ({step}): {reason}. Run again later.",
    ),
    "form.drift_blocks": (
        "Formulir '{form_id}' berubah sehingga jawaban tidak bisa dibaca dengan aman:\n{details}",
        "Form '{form_id}' has changed so that its answers cannot be read safely:\n{details}",
    ),
    "form.export_columns": (
        "Berkas ekspor '{path}' tidak punya kolom {missing}. Ekspor dari KoBoToolbox dengan 'XML values and "
        "headers' atau gunakan CSV ODK Central apa adanya. Kolom yang ada: {found}.",
        "Export '{path}' has no column {missing}. Export from KoBoToolbox with 'XML values and headers' or use "
        "the ODK Central CSV as it is. Columns found: {found}.",
    ),
    "form.cli.created": (
        "Formulir dibuat: {form_id}\nTautan untuk pelapor: {uri}\nCatatan pertanyaan: {path}",
        "Form created: {form_id}\nLink for respondents: {uri}\nQuestion record: {path}",
    ),
    "form.cli.updated": (
        "Formulir {form_id} diperbarui ({changes} perubahan). Catatan pertanyaan: {path}",
        "Form {form_id} updated ({changes} changes). Question record: {path}",
    ),
    "form.cli.unchanged": (
        "Formulir {form_id} sudah sesuai; tidak ada perubahan. Catatan pertanyaan: {path}",
        "Form {form_id} is up to date; nothing changed. Question record: {path}",
    ),
    "form.cli.xlsform": (
        "XLSForm ditulis ke {path} ({questions} pertanyaan, {libraries} perpustakaan).",
        "XLSForm written to {path} ({questions} questions, {libraries} libraries).",
    ),
    "form.cli.no_drift": (
        "Formulir {form_id} cocok dengan catatan, rubrik {rubric} dan daftar perpustakaan.",
        "Form {form_id} matches its record, rubric {rubric} and the library registry.",
    ),
    "drift.other_form": (
        "Formulir yang dibaca ({live}) bukan formulir yang dicatat ({recorded}).",
        "The form read ({live}) is not the recorded form ({recorded}).",
    ),
    "drift.question_removed": (
        "Pertanyaan '{title}' ({field_name}) sudah dihapus dari formulir. Jalankan 'tpbis form build "
        "--form-id {form_id}' untuk membuatnya lagi (di sheet menjadi kolom baru).",
        "Question '{title}' ({field_name}) was removed from the form. Run 'tpbis form build --form-id "
        "{form_id}' to recreate it (it becomes a new column in the sheet).",
    ),
    "drift.question_renamed": (
        "Pertanyaan {field_name} diganti judul dari '{recorded}' menjadi '{live}'. Pembacaan lewat Forms API "
        "tetap benar (menurut id pertanyaan); untuk sheet, kembalikan judulnya dengan 'tpbis form build "
        "--form-id {form_id}' atau tambahkan \"{live}\" = \"{field_name}\" di [columns] tpbis.toml.",
        "Question {field_name} was renamed from '{recorded}' to '{live}'. Reading through the Forms API is "
        "unaffected (by question id); for the sheet, restore the title with 'tpbis form build --form-id "
        "{form_id}' or add \"{live}\" = \"{field_name}\" under [columns] in tpbis.toml.",
    ),
    "drift.question_type": (
        "Pertanyaan '{title}' ({field_name}) berubah jenis dari {recorded} menjadi {live}; jawabannya tidak "
        "bisa dibaca dengan benar. Kembalikan jenisnya di Google Forms.",
        "Question '{title}' ({field_name}) changed type from {recorded} to {live}; its answers cannot be read "
        "correctly. Change the type back in Google Forms.",
    ),
    "drift.question_unrecorded": (
        "Catatan formulir tidak memuat pertanyaan '{title}' ({field_name}). Jalankan 'tpbis form build "
        "--form-id {form_id}'.",
        "The form record has no question '{title}' ({field_name}). Run 'tpbis form build --form-id {form_id}'.",
    ),
    "drift.question_added": (
        "Pertanyaan '{title}' tidak dibuat oleh tpbis; jawabannya diabaikan.",
        "Question '{title}' was not built by tpbis; its answers are ignored.",
    ),
    "drift.kind_relabelled": (
        "Pilihan '{choice}' pada '{title}' berbeda dari label rubrik tetapi masih dikenali sebagai {kind}. "
        "Jalankan 'tpbis form build --form-id {form_id}' untuk menyamakan label.",
        "Choice '{choice}' of '{title}' differs from the rubric's label but is still recognised as {kind}. "
        "Run 'tpbis form build --form-id {form_id}' to restore the labels.",
    ),
    "drift.kind_unknown": (
        "Pilihan '{choice}' pada '{title}' bukan jenis kegiatan rubrik {rubric} (terdekat: '{closest}'); "
        "laporan dengan pilihan ini akan ditolak. Jalankan 'tpbis form build --form-id {form_id}'.",
        "Choice '{choice}' of '{title}' is not an activity type of rubric {rubric} (closest: '{closest}'); "
        "reports choosing it will be rejected. Run 'tpbis form build --form-id {form_id}'.",
    ),
    "drift.kind_missing": (
        "Jenis kegiatan '{label}' (rubrik {rubric}) tidak ada di pilihan '{title}'. Jalankan 'tpbis form "
        "build --form-id {form_id}'.",
        "Activity type '{label}' (rubric {rubric}) is missing from the choices of '{title}'. Run 'tpbis form "
        "build --form-id {form_id}'.",
    ),
    "drift.library_missing": (
        "Perpustakaan '{name}' ({library_id}) terdaftar tetapi tidak ada di daftar '{title}'. Jalankan "
        "'tpbis form build --form-id {form_id}' untuk menambahkannya.",
        "Library '{name}' ({library_id}) is registered but missing from the list of '{title}'. Run "
        "'tpbis form build --form-id {form_id}' to add it.",
    ),
    "drift.library_unknown": (
        "Pilihan '{choice}' pada '{title}' bukan perpustakaan terdaftar; laporan dengan pilihan ini akan "
        "ditolak. Tambahkan ke daftar Perpustakaan atau jalankan 'tpbis form build --form-id {form_id}'.",
        "Choice '{choice}' of '{title}' is not a registered library; reports choosing it will be rejected. "
        "Add it to the library registry or run 'tpbis form build --form-id {form_id}'.",
    ),
    "drift.column_missing": (
        "Kolom '{title}' ({field_name}) tidak ada di tab '{tab}'; pertanyaannya mungkin diganti judul atau "
        "dihapus. Kolom yang tidak dikenal: {unclaimed}. Tambahkan \"JUDUL BARU\" = \"{field_name}\" di "
        "[columns] tpbis.toml, atau kembalikan judulnya dengan 'tpbis form build --form-id ID'.",
        "Column '{title}' ({field_name}) is not in tab '{tab}'; its question was probably renamed or removed. "
        "Unclaimed columns: {unclaimed}. Add \"NEW TITLE\" = \"{field_name}\" under [columns] in tpbis.toml, "
        "or restore the title with 'tpbis form build --form-id ID'.",
    ),
    # --- HTML report (report/, cli/report.py) -------------------------------------
    "report.title": ("Laporan KPI TPBIS — {period}", "TPBIS KPI report — {period}"),
    "report.subtitle": (
        "{region} · {libraries} perpustakaan · rubrik {rubric}",
        "{region} · {libraries} libraries · rubric {rubric}",
    ),
    "report.contents": ("Isi laporan", "Contents"),
    "report.section.overview": ("Warna per kabupaten/kota", "Colours per regency/city"),
    "report.section.distribution": ("Sebaran skor", "Score distribution"),
    "report.section.trend": ("Tren bulanan", "Monthly trend"),
    "report.section.libraries": ("Indikator per perpustakaan", "Indicators per library"),
    "report.section.awards": ("Daftar pendek penghargaan", "Award shortlists"),
    "report.section.problems": ("Masalah data", "Data problems"),
    "report.chart.overview": (
        "Jumlah perpustakaan hijau, kuning dan merah per kabupaten/kota",
        "Number of green, yellow and red libraries per regency/city",
    ),
    "report.chart.histogram": (
        "Jumlah perpustakaan per rentang skor, dengan garis batas warna",
        "Number of libraries per score range, with the colour band lines",
    ),
    "report.chart.trend_counts": (
        "Jumlah perpustakaan per warna tiap bulan",
        "Number of libraries per colour each month",
    ),
    "report.chart.trend_median": ("Median skor tiap bulan", "Median score each month"),
    "report.chart.problems": ("Jumlah masalah per kode", "Number of problems per code"),
    "report.axis.score": ("Skor", "Score"),
    "report.axis.libraries": ("Perpustakaan", "Libraries"),
    "report.band.at_least": ("{color} ≥ {minimum}", "{color} ≥ {minimum}"),
    "report.band.below": ("{color} < {maximum}", "{color} < {maximum}"),
    "report.band.line": ("batas {color}", "{color} line"),
    "report.province_total": ("Seluruh {province}", "All of {province}"),
    "report.provincial_level": ("Tingkat provinsi", "Provincial level"),
    "report.median": ("median {value}", "median {value}"),
    "report.trend.note": (
        "Setiap bulan dinilai tersendiri terhadap target bulanan, dari Januari sampai akhir periode.",
        "Each month is scored on its own against monthly targets, from January to the end of the period.",
    ),
    "report.histogram.note": (
        "Rentang 10 poin; warna batang menurut warna perpustakaan.",
        "Ranges of 10 points; bars coloured by each library's colour.",
    ),
    "report.libraries.note": (
        "Tiap indikator: nilai / target periode ini, lalu batang skor 0–100. Bobot: {weights}.",
        "Each indicator: value / target for this period, then its score bar 0–100. Weights: {weights}.",
    ),
    "report.activities": ("{count} kegiatan", "{count} activities"),
    "report.level_one": ("Tingkat 1 (provinsi)", "Level 1 (province)"),
    "report.level_two": ("Tingkat 2 (kabupaten/kota)", "Level 2 (regency/city)"),
    "report.level_three": ("Tingkat 3 (desa, kelurahan, TBM)", "Level 3 (village, urban village, TBM)"),
    "report.awards.period": (
        "Kelayakan dan peringkat dihitung atas periode {period}.",
        "Eligibility and ranking are computed over the period {period}.",
    ),
    "report.awards.eligible": ("{eligible} dari {total} memenuhi syarat", "{eligible} of {total} eligible"),
    "report.awards.near": ("Hampir memenuhi syarat", "Close to eligible"),
    "report.awards.contests": ("Lomba (penilaian juri)", "Jury contests"),
    "report.awards.entry": ("{title} — {library}", "{title} — {library}"),
    "report.problems.none": ("Tidak ada masalah data.", "No data problems."),
    "report.problems.summary": (
        "{errors} galat (baris ditolak) dan {warnings} peringatan (baris tetap dihitung).",
        "{errors} errors (row rejected) and {warnings} warnings (row still counted).",
    ),
    "report.problems.by_code": ("Jumlah per kode", "Count per code"),
    "report.problems.rows": ("Baris yang perlu diperbaiki", "Rows to fix"),
    "report.col.tab": ("Tab", "Tab"),
    "report.col.count": ("Jumlah", "Count"),
    "report.footer": (
        "Dibuat dengan tpbis {version} · rubrik {rubric} · periode {start} s.d. {end}",
        "Made with tpbis {version} · rubric {rubric} · period {start} to {end}",
    ),
    "report.written": ("Laporan ditulis ke {path}", "Report written to {path}"),
    "report.rollup_note": (
        "{libraries} perpustakaan · rata-rata {mean}",
        "{libraries} libraries · mean {mean}",
    ),
    "report.cannot_write": (
        "Laporan tidak bisa ditulis ke '{path}': {reason}. Periksa folder dan izinnya, atau pilih --output lain.",
        "Cannot write the report to '{path}': {reason}. Check the folder and its permissions, or choose another --output.",
    ),
    "report.help": (
        "laporan HTML mandiri dengan grafik, untuk dibuka di ponsel atau dicetak",
        "self-contained HTML report with charts, for a phone or for print",
    ),
    "report.opt.output": (
        "berkas HTML keluaran (bawaan: laporan-PERIODE.html)",
        "output HTML file (default: laporan-PERIOD.html)",
    ),
    # --- added by full-exports ---------------------------------------------------
    "error.csv_ambiguous_delimiter": (
        "Pemisah kolom CSV '{path}' tidak bisa dipastikan: {choices} sama-sama cocok. Pilih salah satu "
        "dengan --delimiter (misalnya --delimiter ';' atau --delimiter tab).",
        "The column delimiter of CSV '{path}' cannot be told: {choices} all fit. Choose one with "
        "--delimiter (e.g. --delimiter ';' or --delimiter tab).",
    ),
    "error.csv_bad_delimiter": (
        "Pemisah kolom '{value}' tidak bisa dipakai; gunakan satu karakter, misalnya ',', ';' atau tab.",
        "Delimiter '{value}' cannot be used; give one character, e.g. ',', ';' or tab.",
    ),
    "error.csv_bad_encoding": (
        "Pengodean '{encoding}' untuk '{path}' tidak dikenal; gunakan misalnya utf-8, cp1252 atau utf-16.",
        "Encoding '{encoding}' for '{path}' is not known; use e.g. utf-8, cp1252 or utf-16.",
    ),
    "error.csv_decode": (
        "Berkas CSV '{path}' tidak bisa dibaca sebagai {encoding}: {reason}. Simpan ulang sebagai CSV UTF-8 "
        "atau pilih pengodean dengan --encoding (misalnya --encoding cp1252).",
        "CSV file '{path}' cannot be read as {encoding}: {reason}. Save it again as CSV UTF-8 or choose the "
        "encoding with --encoding (e.g. --encoding cp1252).",
    ),
    "error.export_no_main_csv": (
        "Unduhan ZIP '{path}' tidak berisi CSV utama ODK Central (dengan kolom SubmissionDate). Isinya: {found}.",
        "Zip download '{path}' holds no ODK Central main CSV (with a SubmissionDate column). It holds: {found}.",
    ),
    "error.unsupported_source": (
        "Sumber '{source}' tidak dikenali: berikan berkas .xlsx, .csv atau .csv.zip, URL/kunci Google "
        "Spreadsheet, atau forms:ID_FORMULIR.",
        "Source '{source}' is not recognised: give an .xlsx, .csv or .csv.zip file, a Google Sheets URL or key, "
        "or forms:FORM_ID.",
    ),
    "error.unknown_source_kind": (
        "Jenis sumber '{value}' tidak dikenal; pilih salah satu: {choices}.",
        "Source kind '{value}' is not known; choose one of: {choices}.",
    ),
    # --- added by full-xlsform ---
    "form.constraint.date": (
        "Tanggal kegiatan harus antara {start} dan hari ini.",
        "The activity date must be between {start} and today.",
    ),
    # --- added by full-domain (a straight domain) ---
    "problem.submission.excluded": (
        "Kiriman ini ditolak peninjau di alat pengumpul data (status '{value}'); tidak dihitung.",
        "A reviewer rejected this submission in the collecting tool (status '{value}'); not counted.",
    ),
    # --- added by rows ---
    "problem.row.unreadable": (
        "Baris ini tidak dapat dibaca ({reason}) dan tidak dihitung.{where_id} Periksa isi baris ini.",
        "This row cannot be read ({reason}) and is not counted.{where_en} Check the contents of this row.",
    ),
    "hint.unreadable_cell": (
        " Nilai '{value}' di kolom '{column}' tidak dapat diproses.",
        " The value '{value}' in column '{column}' could not be processed.",
    ),
}


_default: list[str] = ["id"]


def set_language(lang: str) -> None:
    """Make ``lang`` the language of :func:`t` calls that name none (the CLI sets it from ``--lang``)."""
    _default[0] = "en" if lang == "en" else "id"


def t(key: str, lang: str | None = None, /, **params: object) -> str:
    """The message ``key`` in ``lang`` (``id`` or ``en``; default: :func:`set_language`'s, else ``id``)."""
    indonesian, english = CATALOGUE[key]
    template = english if (lang or _default[0]) == "en" else indonesian
    return template.format(**params) if params else template


def both(key: str, /, **params: object) -> tuple[str, str]:
    """The message ``key`` in Indonesian and English."""
    return t(key, "id", **params), t(key, "en", **params)
