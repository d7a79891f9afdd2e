"""Generate the Kepulauan Riau 2024 example workbook for tpbis.

Run from the repository root::

    python examples/make_example_data.py

It writes, into ``examples/``:

* ``kepri-2024.xlsx`` with exactly two tabs, ``Respons Formulir 1`` (a year of
  Google-Form submissions) and ``Perpustakaan`` (the registry);
* ``kepri-2024-responses.csv`` and ``kepri-2024-registry.csv``, the same two
  tabs as Google Sheets "Download as CSV" produces them (UTF-8, no BOM,
  timestamps as ``21/09/2024 14:05:33``, date cells as ``21/09/2024``);
* ``README.md``, which describes the files and lists every planted problem with
  its sheet row number, so the file doubles as a regression checklist.

It prints a summary table: the expected KPI composite and colour of every
library for September 2024 and for the year 2024, plus the expected row counts.

Everything is deterministic: one ``random.Random(SEED)`` drives every choice,
and the script uses only the standard library and openpyxl.

How the data are built
----------------------
1. *Clean activities.*  Each of the 33 registered libraries (the provincial
   library, six kabupaten/kota libraries, four desa/kelurahan libraries in each
   of them and two TBM) has a profile: a target colour tier (hijau, kuning,
   merah, or silent), optional "star" emphasis (promotion, digital services,
   advocacy & partnership, used to make award candidates) and a September boost
   (the provincial PLM season, which shows in the already-active libraries).
   Activities are drawn month by month from the profile: realistic Indonesian titles per kind, male/female participants,
   partners, Google Drive documentation links, Instagram/Facebook/YouTube/desa
   website publication links, and a reporting delay (mostly 0-5 days, some
   8-30 days).  Two libraries report nothing; one stops reporting in June.
2. *Mess real forms have* (about 5-6 % of the rows), planted on top, spread over
   the year and partly in September 2024:

   * **presentation changes that must still be accepted** (the row means the
     same activity): library name variants that match by SPEC's normalisation
     (case, extra spaces, punctuation, ``Perpusdes``/``Perpus`` expansion,
     aliases, the bare id), dates typed as text in every supported format,
     the kind written as its slug or the short label, ``1.250`` participants,
     blank participant cells (= 0), a title typed as ``=HYPERLINK(...)`` text,
     ``ftp://`` documentation links and scheme-less publication links (both a
     ``url.invalid`` warning, the URL is dropped);
   * **broken rows that must be rejected**: an unknown library (typos, libraries
     that are not registered), unreadable dates, future dates, dates before
     2018, participants like ``25 orang``/``-3``/``2,5``, unknown kinds, blank
     titles, ``publikasi`` without a valid URL, unreadable timestamps, and rows
     with several problems at once.  Most are a respondent's failed first
     attempt followed minutes later by a correct resubmission; some are extra
     activities that never get fixed (and so never count);
   * **duplicate submissions** (same library, date, kind, title differing only in
     case/punctuation, sent again minutes later) - warnings, counted once;
   * **blank rows** in the middle of the sheet and formatted-but-empty trailing
     rows (which are not rows at all by SPEC §3.1).

   Because accepted mess only changes presentation and every rejected or
   duplicate row is extra, the set of activities a correct SPEC implementation
   accepts is exactly the clean set (with ftp/scheme-less URLs dropped).
3. *Expected KPI.*  :func:`reference_kpi` is a small, exact (``Fraction``)
   implementation of SPEC §5 over those clean activities, used only to print
   the summary table and write it into the README.  It is a check for humans,
   not library code; tpbis has its own implementation.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import string
import unicodedata
import zipfile
from collections import Counter, defaultdict
from fractions import Fraction
from pathlib import Path
from random import Random
from urllib.parse import urlsplit, urlunsplit

import openpyxl
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

SEED = 20240921
OUT = Path(__file__).resolve().parent
PROVINCE = "Kepulauan Riau"

RESPONSES_TAB = "Respons Formulir 1"
REGISTRY_TAB = "Perpustakaan"
HEADER = [
    "Cap waktu",
    "Alamat email",
    "Nama Perpustakaan",
    "Tanggal Kegiatan",
    "Nama Kegiatan",
    "Jenis Kegiatan",
    "Jumlah Peserta Laki-laki",
    "Jumlah Peserta Perempuan",
    "Mitra yang Terlibat",
    "Tautan Dokumentasi",
    "Tautan Publikasi",
]
C_TS, C_EMAIL, C_LIB, C_DATE, C_TITLE, C_KIND, C_MALE, C_FEMALE, C_PARTNERS, C_DOC, C_PUB = HEADER
REGISTRY_HEADER = [
    "id",
    "nama",
    "jenis",
    "provinsi",
    "kabupaten_kota",
    "desa_kelurahan",
    "kode_wilayah",
    "alias",
    "tahun_mitra",
    "dukungan",
    "komputer",
    "koleksi_digital",
    "koleksi_cetak",
]

KIND_LABELS = {
    "pelatihan": "Pelatihan keterampilan",
    "pelatihan_tik": "Pelatihan TIK",
    "promosi": "Promosi layanan (literatour, bimbingan pemustaka/referensi, mendongeng)",
    "fasilitasi": "Fasilitasi kegiatan masyarakat (ruang komunal, aula)",
    "layanan_digital": "Layanan digital (ulasan buku, podcast, studio pustaka, e-book)",
    "advokasi": "Advokasi",
    "kemitraan": "Kemitraan",
    "publikasi": "Publikasi",
}
KINDS = list(KIND_LABELS)
PELIBATAN = {"pelatihan", "pelatihan_tik", "promosi", "fasilitasi"}

# --------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------

# (kabupaten/kota, jenis, code, library id suffix, villages: (name, kind, kecamatan, tier, star))
AREAS = [
    (
        "Kabupaten Bintan",
        "kabupaten",
        "21.02",
        "kab-bintan",
        "kuning",
        None,
        [
            ("Teluk Bakau", "desa", "Gunung Kijang", "hijau", "promosi"),
            ("Busung", "desa", "Seri Kuala Lobam", "kuning", None),
            ("Lancang Kuning", "desa", "Bintan Utara", "hijau", None),
            ("Berakit", "desa", "Teluk Sebong", "merah", None),
        ],
    ),
    (
        "Kabupaten Karimun",
        "kabupaten",
        "21.01",
        "kab-karimun",
        "hijau",
        "advokasi",
        [
            ("Pongkar", "desa", "Tebing", "hijau", "advokasi"),
            ("Parit", "desa", "Karimun", "kuning", None),
            ("Pangke", "desa", "Meral Barat", "merah", None),
            ("Tulang", "desa", "Karimun", "kuning", None),
        ],
    ),
    (
        "Kabupaten Natuna",
        "kabupaten",
        "21.03",
        "kab-natuna",
        "merah",
        None,
        [
            ("Sepempang", "desa", "Bunguran Timur", "hijau", "advokasi"),
            ("Cemaga", "desa", "Bunguran Selatan", "silent", None),
            ("Kelarik", "desa", "Bunguran Utara", "merah", None),
            ("Sebadai Hulu", "desa", "Bunguran Tengah", "kuning", None),
        ],
    ),
    (
        "Kabupaten Lingga",
        "kabupaten",
        "21.04",
        "kab-lingga",
        "merah",
        None,
        [
            ("Resang", "desa", "Singkep Selatan", "kuning", None),
            ("Marok Tua", "desa", "Singkep Barat", "merah", None),
            ("Penuba", "desa", "Selayar", "hijau", None),
            ("Daik", "kelurahan", "Lingga", "stopped", None),
        ],
    ),
    (
        "Kota Tanjungpinang",
        "kota",
        "21.72",
        "kota-tanjungpinang",
        "hijau",
        "promosi",
        [
            ("Kampung Bugis", "kelurahan", "Tanjungpinang Kota", "hijau", None),
            ("Senggarang", "kelurahan", "Tanjungpinang Kota", "kuning", None),
            ("Penyengat", "kelurahan", "Tanjungpinang Kota", "hijau", "digital"),
            ("Dompak", "kelurahan", "Bukit Bestari", "merah", None),
        ],
    ),
    (
        "Kota Batam",
        "kota",
        "21.71",
        "kota-batam",
        "hijau",
        "digital",
        [
            ("Tanjung Riau", "kelurahan", "Sekupang", "kuning", None),
            ("Patam Lestari", "kelurahan", "Sekupang", "merah", None),
            ("Tiban Indah", "kelurahan", "Sekupang", "hijau", "digital"),
            ("Tanjung Pinggir", "kelurahan", "Sekupang", "silent", None),
        ],
    ),
]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def build_registry(rng: Random) -> list[dict]:
    """The ``Perpustakaan`` tab: 33 libraries with profiles attached (``_`` keys)."""
    libs: list[dict] = []
    libs.append(
        {
            "id": "kepri",
            "nama": "Dinas Perpustakaan dan Kearsipan Provinsi Kepulauan Riau",
            "jenis": "provinsi",
            "provinsi": PROVINCE,
            "kabupaten_kota": "",
            "desa_kelurahan": "",
            "kode_wilayah": "21",
            "alias": "DPK Kepri; Dispusip Kepri; Perpustakaan Provinsi Kepri",
            "tahun_mitra": 2018,
            "dukungan": "",
            "komputer": 25,
            "koleksi_digital": 2450,
            "koleksi_cetak": 48750,
            "_tier": "hijau",
            "_star": None,
            "_kec": "Tanjungpinang Kota",
            "_village": "Penyengat",
            "_short": "Kepri",
        }
    )
    for kab, jenis, code, kid, tier, star, villages in AREAS:
        short = kab.split(" ", 1)[1]
        word = "Kabupaten" if jenis == "kabupaten" else "Kota"
        libs.append(
            {
                "id": kid,
                "nama": f"Dinas Perpustakaan dan Kearsipan {kab}",
                "jenis": jenis,
                "provinsi": PROVINCE,
                "kabupaten_kota": kab,
                "desa_kelurahan": "",
                "kode_wilayah": code,
                "alias": f"Dispusip {short}; Perpustakaan Daerah {word} {short}",
                "tahun_mitra": {"21.02": 2018, "21.01": 2019, "21.72": 2018, "21.71": 2019}.get(
                    code, 2021
                ),
                "dukungan": "penuh",
                "komputer": rng.randint(12, 25) if tier != "merah" else rng.randint(6, 12),
                "koleksi_digital": rng.randint(1200, 2500)
                if star == "digital"
                else rng.randint(200, 1500),
                "koleksi_cetak": rng.randint(18000, 42000),
                "_tier": tier,
                "_star": star,
                "_kec": short,
                "_village": short,
                "_short": short,
            }
        )
        libs[-1]["_village"], libs[-1]["_kec"] = villages[0][0], villages[0][2]
        kec_codes: dict[str, int] = {}
        next_village: Counter = Counter()
        for name, vkind, kec, vtier, vstar in villages:
            kec_no = kec_codes.setdefault(
                kec, len(kec_codes) + 1 + rng.randint(0, 3) + 2 * len(kec_codes)
            )
            next_village[kec] += 1 + rng.randint(0, 4)
            word = "Desa" if vkind == "desa" else "Kelurahan"
            alias = [f"Perpusdes {name}"] if vkind == "desa" else [f"Perpustakaan {name}"]
            if name == "Busung":
                alias = [
                    "Pustaka Desa Busung"
                ]  # "Perpusdes Busung" must match by the rule, not by alias
            if name == "Penyengat":
                alias.append("Perpustakaan Pulau Penyengat")
            first = 2001 if vkind == "desa" else 1001
            computers = {
                "hijau": (4, 10),
                "kuning": (2, 6),
                "merah": (0, 3),
                "silent": (0, 1),
                "stopped": (1, 3),
            }[vtier]
            if vstar == "digital":
                computers = (12, 20)
            libs.append(
                {
                    "id": f"{vkind}-{slug(name)}",
                    "nama": f"Perpustakaan {word} {name}",
                    "jenis": vkind,
                    "provinsi": PROVINCE,
                    "kabupaten_kota": kab,
                    "desa_kelurahan": name,
                    "kode_wilayah": f"{code}.{kec_no:02d}.{first + next_village[kec]}",
                    "alias": "; ".join(alias),
                    "tahun_mitra": rng.choice([2018, 2019])
                    if code in ("21.02", "21.72")
                    else rng.choice([2020, 2021, 2022, 2023, 2024]),
                    "dukungan": rng.choice(["penuh", "penuh", "buku", "replikasi"]),
                    "komputer": rng.randint(*computers),
                    "koleksi_digital": rng.randint(800, 2000)
                    if vstar == "digital"
                    else rng.randint(0, 600),
                    "koleksi_cetak": rng.randint(900, 6500),
                    "_tier": vtier,
                    "_star": vstar,
                    "_kec": kec,
                    "_village": name,
                    "_short": name,
                }
            )
    libs.append(
        {
            "id": "tbm-pelita-ilmu",
            "nama": "Taman Bacaan Masyarakat Pelita Ilmu",
            "jenis": "tbm",
            "provinsi": PROVINCE,
            "kabupaten_kota": "Kota Tanjungpinang",
            "desa_kelurahan": "Tanjung Ayun Sakti",
            "kode_wilayah": "21.72.03.1004",
            "alias": "TBM Pelita; TBM Pelita Ilmu",
            "tahun_mitra": 2023,
            "dukungan": "replikasi",
            "komputer": 2,
            "koleksi_digital": 0,
            "koleksi_cetak": 1850,
            "_tier": "kuning",
            "_star": None,
            "_kec": "Bukit Bestari",
            "_village": "Tanjung Ayun Sakti",
            "_short": "Pelita Ilmu",
        }
    )
    libs.append(
        {
            "id": "tbm-hang-nadim",
            "nama": "TBM Rumah Baca Hang Nadim",
            "jenis": "tbm",
            "provinsi": PROVINCE,
            "kabupaten_kota": "Kota Batam",
            "desa_kelurahan": "Tiban Baru",
            "kode_wilayah": "21.71.05.1005",
            "alias": "Rumah Baca Hang Nadim",
            "tahun_mitra": 2024,
            "dukungan": "",
            "komputer": 1,
            "koleksi_digital": 120,
            "koleksi_cetak": 2300,
            "_tier": "kuning",
            "_star": None,
            "_kec": "Sekupang",
            "_village": "Tiban Baru",
            "_short": "Hang Nadim",
        }
    )
    for lib in libs:
        lib["_level"] = {"provinsi": 1, "kabupaten": 2, "kota": 2}.get(lib["jenis"], 3)
        local = slug(lib["_short"]).replace("-", "")
        prefix = {1: "dispusip", 2: "dispusip", 3: "perpus"}[lib["_level"]]
        lib["_email"] = f"{prefix}.{local}@example.com"
    return libs


# --------------------------------------------------------------------------
# Activity content
# --------------------------------------------------------------------------

TITLES = {
    "pelatihan": [
        ("Pelatihan Menganyam Rotan", 0.55),
        ("Pelatihan Membuat Bakso Ikan", 0.85),
        ("Pelatihan Membuat Otak-otak", 0.85),
        ("Pelatihan Menjahit bagi Ibu-ibu PKK", 0.95),
        ("Kelas Menulis Cerpen", 0.6),
        ("Pelatihan Membuat Kue Bingka", 0.9),
        ("Pelatihan Menganyam Tudung Saji Pandan", 0.9),
        ("Pelatihan Hidroponik Sayur", 0.5),
        ("Pelatihan Budidaya Ikan dalam Keramba", 0.2),
        ("Pelatihan Servis Mesin Pompong", 0.05),
        ("Pelatihan Sablon Kaos", 0.3),
        ("Pelatihan Membuat Sabun Cuci Piring", 0.8),
        ("Pelatihan Merias Pengantin Melayu", 0.95),
        ("Pelatihan Membuat Kerupuk Gonggong", 0.8),
        ("Pelatihan Pengolahan Rumput Laut", 0.7),
        ("Pelatihan Membuat Telur Asin", 0.75),
    ],
    "pelatihan_tik": [
        ("Pelatihan Canva untuk Promosi UMKM", 0.7),
        ("Pelatihan Marketing Online untuk UMKM", 0.65),
        ("Pelatihan Microsoft Excel untuk Perangkat Desa", 0.5),
        ("Pelatihan Membuat Konten Video dengan CapCut", 0.5),
        ("Pelatihan Internet Sehat dan Aman", 0.55),
        ("Kelas Dasar Komputer untuk Pelajar", 0.5),
        ("Pelatihan Berjualan di Marketplace", 0.7),
        ("Pelatihan Foto Produk dengan Ponsel", 0.65),
        ("Pelatihan Google Form untuk Kader Posyandu", 0.9),
        ("Bimtek Pengelolaan Website Desa", 0.4),
    ],
    "promosi": [
        ("Mendongeng untuk Anak PAUD", 0.5),
        ("Literatour SD Negeri {n} {kec}", 0.5),
        ("Bimbingan Pemustaka", 0.55),
        ("Bimbingan Referensi untuk Pelajar SMA", 0.6),
        ("Story Telling Cerita Rakyat Melayu", 0.5),
        ("Lomba Mewarnai dan Mendongeng", 0.55),
        ("Perpustakaan Keliling ke Pulau", 0.5),
        ("Kunjungan Literatour TK {village}", 0.5),
        ("Lomba Baca Gurindam Dua Belas", 0.6),
        ("Gebyar Literasi {village}", 0.55),
        ("Wisata Literasi Siswa MI", 0.5),
    ],
    "fasilitasi": [
        ("Pertemuan Kelompok Wanita Tani di Ruang Komunal", 0.95),
        ("Rapat Karang Taruna di Aula Perpustakaan", 0.35),
        ("Posyandu Remaja di Ruang Komunal", 0.6),
        ("Diskusi Kelompok Nelayan di Aula", 0.1),
        ("Latihan Tari Zapin di Aula", 0.75),
        ("Kelompok Belajar Paket C", 0.55),
        ("Pengajian Ibu-ibu Majelis Taklim", 1.0),
        ("Pertemuan Kader PKK", 1.0),
        ("Bedah Buku bersama Komunitas Literasi", 0.6),
        ("Latihan Kompang Remaja", 0.3),
    ],
    "layanan_digital": [
        ("Podcast Literasi: Cerita dari {village}", 0.5),
        ("Ulasan Buku di Instagram: Laskar Pelangi", 0.6),
        ("Ulasan Buku di Instagram: Gurindam Dua Belas", 0.6),
        ("Ulasan Buku: Negeri 5 Menara", 0.6),
        ("Studio Pustaka: Rekaman Cerita Rakyat", 0.5),
        ("Layanan E-book iPusnas untuk Pelajar", 0.6),
        ("Live Instagram Bincang Buku", 0.6),
        ("Podcast Kisah Sukses UMKM Binaan", 0.6),
        ("Video Reels Koleksi Baru", 0.5),
    ],
    "advokasi": [
        ("Audiensi dengan Kepala Desa {village}", 0.4),
        ("Audiensi dengan Camat {kec}", 0.4),
        ("Paparan Program TPBIS di Musrenbang", 0.4),
        ("Advokasi Anggaran Perpustakaan ke BPD", 0.4),
        ("Audiensi dengan Ketua TP PKK", 0.8),
        ("Rapat Koordinasi dengan Bappeda", 0.4),
    ],
    "kemitraan": [
        ("Penandatanganan MoU dengan PKK", 0.8),
        ("Kerja Sama dengan BUMDes {village}", 0.4),
        ("MoU dengan Puskesmas {kec}", 0.6),
        ("Kerja Sama dengan Dinas Koperasi dan UMKM", 0.5),
        ("Kerja Sama dengan SD Negeri {n} {kec}", 0.6),
        ("MoU dengan Balai Penyuluhan Pertanian", 0.4),
    ],
    "publikasi": [
        ("Berita Kegiatan di Website", None),
        ("Publikasi Kegiatan di Instagram Perpustakaan", None),
        ("Liputan Media Online Kegiatan Perpustakaan", None),
        ("Unggahan Facebook Kegiatan Bulanan", None),
        ("Video Kegiatan di YouTube", None),
    ],
}
TITLES_L12 = {  # extra titles for kabupaten/kota and provincial libraries
    "pelatihan_tik": [
        ("Bimtek TIK untuk Pengelola Perpustakaan Desa", 0.6),
        ("Bimtek Strategi Pengembangan Perpustakaan", 0.6),
    ],
    "advokasi": [("Audiensi dengan Bupati/Wali Kota", 0.4), ("Rapat dengan Komisi IV DPRD", 0.4)],
    "fasilitasi": [("Peer Learning Meeting Tingkat Kabupaten/Kota", 0.55)],
}
PARTNERS = [
    "PKK Desa {village}",
    "Karang Taruna {village}",
    "BUMDes {village}",
    "Puskesmas {kec}",
    "SD Negeri {n} {kec}",
    "Posyandu Melati",
    "Kelompok Wanita Tani",
    "Majelis Taklim Nurul Iman",
    "Komunitas Literasi {short}",
    "Babinsa",
    "Kecamatan {kec}",
    "Pramuka Gugus Depan",
]
PARTNERS_STAR = [
    "Dinas Koperasi dan UMKM",
    "Bank Riau Kepri Syariah",
    "Dinas Pendidikan",
    "Balai Penyuluhan Pertanian",
    "Forum Anak Desa",
    "Kantor Pos",
    "Lembaga Adat Melayu",
    "Dinas Perikanan",
    "Polsek {kec}",
]

MONTHS_ID = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
MONTHS_ID3 = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agt", "Sep", "Okt", "Nov", "Des"]

# Monthly rates for a hijau level-3 library; scaled by level and tier.
BASE_RATE = {
    "pelatihan": 0.85,
    "pelatihan_tik": 0.2,
    "promosi": 2.1,
    "fasilitasi": 1.0,
    "layanan_digital": 0.1,
    "advokasi": 0.25,
    "kemitraan": 0.2,
    "publikasi": 0.7,
}
LEVEL_RATE = {1: 2.1, 2: 1.6, 3: 1.0}
LEVEL_PEOPLE = {1: 2.8, 2: 1.6, 3: 1.0}
TIER = {  # rate factor, participant factor, on-time prob, mean female share, publication-link prob
    "hijau": (1.05, 1.0, 0.9, 0.58, 0.55),
    "kuning": (0.5, 0.6, 0.65, 0.55, 0.25),
    "merah": (0.22, 0.7, 0.5, 0.45, 0.25),
    "stopped": (0.75, 0.8, 0.7, 0.55, 0.3),
    "silent": (0, 0, 0, 0, 0),
}
STAR = {
    "promosi": {"promosi": 2.2, "fasilitasi": 1.6},
    "digital": {"pelatihan_tik": 2.6, "layanan_digital": 3.5},
    "advokasi": {"advokasi": 3.0, "kemitraan": 3.2},
}
SEPTEMBER_BOOST = 1.35


def rand_id(
    rng: Random, n: int, alphabet: str = string.ascii_letters + string.digits + "-_"
) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def publication_url(rng: Random, lib: dict, date: dt.date, title: str) -> str:
    handle = slug(lib["_short"]).replace("-", "")
    r = rng.random()
    if r < 0.55:
        return f"https://www.instagram.com/p/{rand_id(rng, 11)}/"
    if r < 0.8:
        return f"https://www.facebook.com/perpus.{handle}/posts/{rng.randint(10**15, 10**16 - 1)}"
    if r < 0.9:
        return f"https://www.youtube.com/watch?v={rand_id(rng, 11)}"
    if lib["_level"] == 3 and lib["jenis"] == "desa":
        return f"https://{handle}.desa.id/artikel/{date:%Y/%m/%d}/{slug(title)}"
    return f"https://www.tiktok.com/@perpus.{handle}/video/{rng.randint(10**18, 10**19 - 1)}"


def fill(template: str, lib: dict, rng: Random) -> str:
    return template.format(
        village=lib["_village"], kec=lib["_kec"], short=lib["_short"], n=f"{rng.randint(1, 25):03d}"
    )


def make_activity(rng: Random, lib: dict, kind: str, date: dt.date, late_ok: bool = True) -> dict:
    """One clean activity (its *meaning*; presentation is decided later)."""
    _rate, people, ontime, female_mean, pub_p = TIER[lib["_tier"]]
    pool = TITLES[kind] + (TITLES_L12.get(kind, []) if lib["_level"] < 3 else [])
    template, fshare = rng.choice(pool)
    title = fill(template, lib, rng)
    male = female = 0
    scale = LEVEL_PEOPLE[lib["_level"]] * people
    if kind in PELIBATAN:
        lo, hi = {
            "pelatihan": (10, 32),
            "pelatihan_tik": (10, 28),
            "promosi": (12, 45),
            "fasilitasi": (15, 60),
        }[kind]
        total = max(3, round(rng.randint(lo, hi) * scale))
        share = min(1.0, max(0.0, (fshare + female_mean) / 2 + rng.uniform(-0.12, 0.12)))
        female = round(total * share)
        male = total - female
    elif kind in ("advokasi", "kemitraan") and rng.random() < 0.6:
        total = rng.randint(2, 14)
        female = round(total * rng.uniform(0.2, 0.7))
        male = total - female
    elif kind == "layanan_digital" and rng.random() < 0.5:
        total = rng.randint(1, 25)
        female = round(total * rng.uniform(0.3, 0.7))
        male = total - female
    partners: list[str] = []
    if kind != "publikasi" and rng.random() < (0.85 if kind in ("advokasi", "kemitraan") else 0.45):
        src = PARTNERS + (PARTNERS_STAR if lib["_star"] == "advokasi" else [])
        partners = sorted({fill(p, lib, rng) for p in rng.sample(src, rng.randint(1, 3))})
    doc_p = 0.95 if lib["_star"] == "promosi" else 0.72
    doc = (
        f"https://drive.google.com/drive/folders/{rand_id(rng, 33)}"
        if rng.random() < doc_p
        else None
    )
    pubs: list[str] = []
    if kind == "publikasi":
        pubs = [publication_url(rng, lib, date, title) for _ in range(rng.choice([1, 1, 1, 2]))]
    elif rng.random() < pub_p:
        pubs = [publication_url(rng, lib, date, title)]
    if rng.random() < ontime or not late_ok:
        delay = rng.choices([0, 1, 2, 3, 4, 5], weights=[30, 25, 15, 10, 8, 6])[0]
    else:
        delay = rng.randint(8, 30)
    ts = dt.datetime.combine(
        date + dt.timedelta(days=delay),
        dt.time(rng.randint(7, 22), rng.randint(0, 59), rng.randint(0, 59)),
    )
    if ts.date() == date and ts.hour < 12:
        ts = ts.replace(hour=ts.hour + 9)  # same-day reports come after the activity
    return {
        "lib": lib,
        "kind": kind,
        "date": date,
        "title": title,
        "male": male,
        "female": female,
        "partners": partners,
        "doc": doc,
        "pubs": pubs,
        "ts": ts,
    }


def generate_clean(rng: Random, libs: list[dict]) -> list[dict]:
    acts: list[dict] = []
    seen: set[tuple] = set()
    end_ts = dt.datetime(2024, 12, 31, 23, 30)
    START_TS = dt.datetime(2024, 1, 1)
    for lib in libs:
        rate, *_ = TIER[lib["_tier"]]
        if rate == 0:
            continue
        months = [(2023, 12)] + [(2024, m) for m in range(1, 13)]
        for year, month in months:
            if lib["_tier"] == "stopped" and year == 2024 and month > 6:
                continue
            boost = (
                SEPTEMBER_BOOST if (year, month) == (2024, 9) else (0.35 if year == 2023 else 1.0)
            )
            if (year, month) == (2024, 9) and lib["_tier"] != "hijau":
                boost = 1.0  # the PLM season shows in the already-active libraries
            for kind in KINDS:
                lam = BASE_RATE[kind] * LEVEL_RATE[lib["_level"]] * rate * boost
                lam *= STAR.get(lib["_star"] or "", {}).get(kind, 1.0)
                n = int(lam) + (rng.random() < lam - int(lam))
                ndays = (
                    dt.date(year + month // 12, month % 12 + 1, 1) - dt.date(year, month, 1)
                ).days
                for _ in range(n):
                    for _attempt in range(20):
                        day = rng.randint(1, ndays)
                        if (year, month) == (2024, 9) and rng.random() < 0.4:
                            day = rng.randint(16, 28)  # PLM season fortnight
                        date = dt.date(year, month, day)
                        act = make_activity(rng, lib, kind, date)
                        if act["ts"] < START_TS:  # the sheet starts on 1 January 2024
                            act["ts"] = START_TS + dt.timedelta(
                                days=rng.randint(0, 6),
                                hours=rng.randint(8, 15),
                                minutes=rng.randint(0, 59),
                                seconds=rng.randint(0, 59),
                            )
                        if act["ts"] > end_ts:
                            act = make_activity(rng, lib, kind, date, late_ok=False)
                            if act["ts"] > end_ts:
                                act["ts"] = dt.datetime.combine(
                                    date, dt.time(21, rng.randint(0, 29))
                                )
                        key = (lib["id"], date, kind, norm_text(act["title"]))
                        if key not in seen:
                            seen.add(key)
                            acts.append(act)
                            break
    acts.sort(key=lambda a: a["ts"])
    return acts


# --------------------------------------------------------------------------
# SPEC helpers used by the reference check
# --------------------------------------------------------------------------


def norm_text(text: str) -> str:
    """Casefold, punctuation to space, whitespace collapsed (SPEC §3.1)."""
    out = "".join(
        " " if unicodedata.category(ch).startswith("P") or ch in "+=<>|^`~$" else ch
        for ch in text.casefold()
    )
    return " ".join(out.split())


def norm_name(text: str) -> str:
    words = norm_text(text).split()
    words = [{"perpusdes": "perpustakaan desa", "perpus": "perpustakaan"}.get(w, w) for w in words]
    return " ".join(" ".join(words).split())


def url_identity(url: str) -> str:
    parts = urlsplit(url.strip())
    out = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, ""))
    return out[:-1] if out.endswith("/") else out


# ==========================================================================
# REFERENCE KPI CHECK — a tiny exact reading of SPEC §5, for the summary table
# only.  NOT library code: tpbis ships its own implementation.
# ==========================================================================

ANNUAL_TARGETS = {  # level -> kegiatan_pelibatan, peserta, pengembangan_kapasitas, advokasi_kemitraan, publikasi
    3: (48, 720, 12, 4, 24),
    2: (72, 1440, 24, 6, 48),
    1: (96, 2400, 24, 8, 72),
}
WEIGHTS = {
    "kegiatan_pelibatan": 25,
    "peserta": 20,
    "partisipasi_perempuan": 10,
    "pengembangan_kapasitas": 15,
    "advokasi_kemitraan": 10,
    "publikasi": 10,
    "ketepatan_pelaporan": 10,
}


def round_half_up(x: Fraction, places: int = 1) -> Fraction:
    q = Fraction(10) ** places
    return Fraction(int(x * q + Fraction(1, 2)), 1) / q  # x >= 0 here


def reference_kpi(
    level: int, acts: list[dict], start: dt.date, end: dt.date, scale: Fraction
) -> dict:
    """Composite and colour of one library over [start, end] from its accepted activities."""
    acts = [a for a in acts if start <= a["date"] <= end]
    pel = [a for a in acts if a["kind"] in PELIBATAN]
    people = sum(a["male"] + a["female"] for a in pel)
    female = sum(a["female"] for a in pel)
    a_pel, a_ppl, a_cap, a_adv, a_pub = ANNUAL_TARGETS[level]
    values = {
        "kegiatan_pelibatan": (Fraction(len(pel)), a_pel * scale / 12),
        "peserta": (Fraction(people), a_ppl * scale / 12),
        "partisipasi_perempuan": (100 * Fraction(female, people) if people else None, Fraction(50)),
        "pengembangan_kapasitas": (
            Fraction(sum(a["kind"] in ("pelatihan", "pelatihan_tik") for a in acts)),
            a_cap * scale / 12,
        ),
        "advokasi_kemitraan": (
            Fraction(sum(a["kind"] in ("advokasi", "kemitraan") for a in acts)),
            a_adv * scale / 12,
        ),
        "publikasi": (
            Fraction(len({url_identity(u) for a in acts for u in a["pubs"]})),
            a_pub * scale / 12,
        ),
        "ketepatan_pelaporan": (
            100 * Fraction(sum((a["ts"].date() - a["date"]).days <= 7 for a in acts), len(acts))
            if acts
            else None,
            Fraction(80),
        ),
    }
    scores = {
        k: Fraction(0) if v is None else 100 * min(v / t, Fraction(1))
        for k, (v, t) in values.items()
    }
    composite = round_half_up(
        sum(WEIGHTS[k] * s for k, s in scores.items()) / sum(WEIGHTS.values())
    )
    colour = "hijau" if composite >= 80 else "kuning" if composite >= 50 else "merah"
    return {"composite": composite, "colour": colour, "n": len(acts), "values": values}


def award_facts(lib: dict, acts: list[dict]) -> dict:
    promo = [a for a in acts if a["kind"] in ("promosi", "fasilitasi")]
    digital = [a for a in acts if a["kind"] in ("pelatihan_tik", "layanan_digital")]
    adv = [a for a in acts if a["kind"] in ("advokasi", "kemitraan")]
    partners = {" ".join(p.casefold().split()) for a in acts for p in a["partners"]}
    documented = (
        Fraction(sum(a["doc"] is not None for a in promo), len(promo)) if promo else Fraction(0)
    )
    return {
        "promo": len(promo),
        "promo_doc": documented,
        "digital": len(digital),
        "adv": len(adv),
        "partners": len(partners),
        "promosi_ok": len(promo) >= 6 and documented >= Fraction(4, 5),
        "digital_ok": len(digital) >= 4 and lib["komputer"] >= 1,
        "advokasi_ok": len(adv) >= 3 and len(partners) >= 2,
    }


# ==========================================================================
# Rows: presentation of clean activities, plus planted mess
# ==========================================================================


def fmt_date_text(d: dt.date, style: str) -> str:
    return {
        "dmy": f"{d.day:02d}/{d.month:02d}/{d.year}",
        "iso": d.isoformat(),
        "dmy_dash": f"{d.day}-{d.month}-{d.year}",
        "d_mon3": f"{d.day} {MONTHS_ID3[d.month - 1]} {d.year}",
        "d_month": f"{d.day} {MONTHS_ID[d.month - 1]} {d.year}",
    }[style]


def row_from_activity(a: dict) -> dict:
    """Cells of a well-formed submission (XLSX-typed values)."""
    lib = a["lib"]
    sep = "; " if len(a["partners"]) < 3 else ", "
    return {
        C_TS: a["ts"],
        C_EMAIL: lib["_email"],
        C_LIB: lib["nama"],
        C_DATE: a["date"],
        C_TITLE: a["title"],
        C_KIND: KIND_LABELS[a["kind"]],
        C_MALE: a["male"] if (a["male"] or a["kind"] in PELIBATAN) else None,
        C_FEMALE: a["female"] if (a["female"] or a["kind"] in PELIBATAN) else None,
        C_PARTNERS: sep.join(a["partners"]) or None,
        C_DOC: a["doc"],
        C_PUB: " ".join(a["pubs"]) or None,
    }


def plant(rng: Random, libs: list[dict], clean: list[dict]) -> tuple[list[dict], list[dict]]:
    """Build the final row list.  Returns (rows, planted-case log)."""
    by_id = {lib["id"]: lib for lib in libs}
    rows: list[dict] = []
    for a in clean:
        rows.append(
            {
                "cells": row_from_activity(a),
                "act": a,
                "status": "accepted",
                "problems": [],
                "note": None,
                "sort": a["ts"],
            }
        )
    used: set[int] = set()

    def pick(pred, september: bool | None = False) -> dict:
        cands = [
            i
            for i, r in enumerate(rows[: len(clean)])
            if i not in used
            and pred(r["act"])
            and (
                september is None
                or (r["act"]["date"].month == 9 and r["act"]["date"].year == 2024) == september
            )
            and r["act"]["date"].year == 2024
            and r["act"]["ts"].month < 12
        ]
        i = rng.choice(cands)
        used.add(i)
        return rows[i]

    def spread(n: int, pred, label: str):
        """n targets: one in September 2024, the rest over the other months."""
        return [pick(pred, september=(k == 0)) for k in range(n)]

    def is_lib(*ids):
        return lambda a: a["lib"]["id"] in ids

    def any_act(a):
        return True

    # ---- accepted presentation changes ------------------------------------
    def variant(n, pred, make, note):
        for r in spread(n, pred, note):
            r["cells"][C_LIB] = make(r["act"]["lib"])
            r["note"] = note

    variant(
        2,
        is_lib("desa-teluk-bakau", "desa-lancang-kuning"),
        lambda lib: lib["nama"].upper(),
        "library name in capitals (matches, case)",
    )
    variant(
        2,
        is_lib("kelurahan-kampung-bugis", "desa-parit"),
        lambda lib: "  " + lib["nama"].replace(" ", "  ", 1) + " ",
        "library name with extra spaces (matches)",
    )
    variant(
        1,
        is_lib("desa-teluk-bakau"),
        lambda lib: "Perpustakaan Desa Teluk-Bakau",
        "punctuation in name, 'Teluk-Bakau' (matches: punctuation to space)",
    )
    variant(
        1,
        is_lib("desa-sepempang"),
        lambda lib: "Perpustakaan Desa Sepempang.",
        "trailing full stop in name (matches)",
    )
    variant(
        2,
        is_lib("desa-busung"),
        lambda lib: "Perpusdes Busung",
        "'Perpusdes Busung' - not an alias, matches by perpusdes rule",
    )
    variant(
        1,
        is_lib("kelurahan-penyengat"),
        lambda lib: "Perpus Kelurahan Penyengat",
        "'Perpus Kelurahan Penyengat' matches by perpus rule",
    )
    variant(2, is_lib("tbm-pelita-ilmu"), lambda lib: "TBM Pelita", "alias 'TBM Pelita' (matches)")
    variant(2, is_lib("kepri"), lambda lib: "DPK Kepri", "alias 'DPK Kepri' (matches)")
    variant(1, is_lib("kota-batam"), lambda lib: "dispusip batam", "alias in lower case (matches)")
    variant(
        1, is_lib("desa-pongkar"), lambda lib: "desa-pongkar", "library typed as its id (matches)"
    )

    for style, n in (("dmy", 3), ("iso", 3), ("d_mon3", 2), ("d_month", 2), ("dmy_dash", 2)):
        for r in spread(n, any_act, style):
            r["cells"][C_DATE] = fmt_date_text(r["act"]["date"], style)
            r["note"] = f"date typed as text '{r['cells'][C_DATE]}' (valid)"
    # the Indonesian August abbreviation, explicitly
    r = pick(lambda a: a["date"].month == 8 and a["date"].year == 2024)
    r["cells"][C_DATE] = fmt_date_text(r["act"]["date"], "d_mon3")
    r["note"] = f"date typed as text '{r['cells'][C_DATE]}' (Agt = August, valid)"

    for r in spread(2, lambda a: a["kind"] == "pelatihan_tik", "slug"):
        r["cells"][C_KIND] = "pelatihan_tik"
        r["note"] = "kind as slug 'pelatihan_tik' (matches)"
    for r in spread(2, lambda a: a["kind"] == "promosi", "short"):
        r["cells"][C_KIND] = "Promosi layanan"
        r["note"] = "kind as short label 'Promosi layanan' (matches)"
    r = pick(lambda a: a["kind"] == "pelatihan_tik")
    r["cells"][C_KIND] = " pelatihan  TIK"
    r["note"] = "kind ' pelatihan  TIK' (matches: casefold, whitespace collapsed)"

    # a genuinely big event: the provincial literacy festival during the PLM season
    big = pick(lambda a: a["lib"]["id"] == "kepri" and a["kind"] == "promosi", september=True)
    a = big["act"]
    a["title"], a["male"], a["female"] = (
        "Festival Literasi Kepri dan Pameran Hasil Program TPBIS",
        980,
        1250,
    )
    big["cells"].update({C_TITLE: a["title"], C_MALE: 980, C_FEMALE: "1.250"})
    big["note"] = "female participants '1.250' = 1250 (thousands separator, valid)"

    for r in spread(
        3, lambda a: a["kind"] == "pelatihan" and a["male"] > 0 and a["female"] > 0, "blank0"
    ):
        r["act"]["female"] += r["act"]["male"]
        r["act"]["male"] = 0
        r["cells"][C_FEMALE] = r["act"]["female"]
        r["cells"][C_MALE] = None
        r["note"] = "male participants blank (= 0, valid)"

    r = pick(lambda a: a["kind"] == "promosi")
    r["act"]["title"] = '=HYPERLINK("http://x","klik")'
    r["cells"][C_TITLE] = r["act"]["title"]
    r["note"] = 'title is the text \'=HYPERLINK("http://x","klik")\' (valid title; must stay text)'

    for r in spread(3, lambda a: a["doc"] is not None, "ftp"):
        r["cells"][C_DOC] = (
            f"ftp://files.{slug(r['act']['lib']['_short']).replace('-', '')}.example/dokumentasi/"
            f"{r['act']['date']:%Y%m%d}.zip"
        )
        r["act"]["doc"] = None
        r["problems"] = [(C_DOC, "url.invalid")]
        r["note"] = "ftp:// documentation link (warning, link dropped)"
    for r in spread(2, lambda a: a["kind"] not in ("publikasi",) and a["pubs"], "noscheme"):
        bad = f"instagram.com/p/{rand_id(rng, 11)}"
        r["cells"][C_PUB] = f"{r['cells'][C_PUB]}, {bad}"
        r["problems"] = [(C_PUB, "url.invalid")]
        r["note"] = f"extra publication link '{bad}' without scheme (warning, dropped)"

    # a few publication links repeated with a different spelling: counted once by URL identity
    def has_earlier_post(b: dict) -> bool:
        return any(
            o["lib"] is b["lib"]
            and o["ts"] < b["ts"]
            and (b["date"] - o["date"]).days < 30
            and o["pubs"]
            and o["pubs"][0].startswith("https://www.instagram.com/")
            for o in clean
        )

    for twin in spread(
        2,
        lambda b: (
            b["kind"] != "publikasi"
            and not b["pubs"]
            and b["lib"]["_level"] == 3
            and has_earlier_post(b)
        ),
        "sameurl",
    ):
        b = twin["act"]
        src = max(
            (
                o
                for o in clean
                if o["lib"] is b["lib"]
                and o["ts"] < b["ts"]
                and o["pubs"]
                and o["pubs"][0].startswith("https://www.instagram.com/")
            ),
            key=lambda o: o["ts"],
        )
        spelled = (
            src["pubs"][0]
            .replace("https://www.instagram.com", "HTTPS://WWW.Instagram.com")
            .rstrip("/")
        )
        spelled += "#kegiatan"
        b["pubs"] = [spelled]
        twin["cells"][C_PUB] = spelled
        twin["note"] = (
            "publication link = the one of row {ref}, spelled with upper case, no trailing '/', "
            "'#fragment' (counts once)"
        )
        twin["ref"] = src

    # ---- extra rows: duplicates ------------------------------------------
    def extra(base: dict, minutes: int, status: str, problems, note, **cells):
        row = {
            "cells": dict(base["cells"]),
            "act": None,
            "status": status,
            "problems": problems,
            "note": note,
            "sort": base["act"]["ts"] + dt.timedelta(minutes=minutes),
        }
        row["cells"][C_TS] = row["sort"]
        row["cells"].update(cells)
        if minutes:
            row["ref"] = base["act"]
            row["note"] += (
                " (duplicate of row {ref})"
                if status == "duplicate"
                else " (resubmitted correctly as row {ref})"
            )
        rows.append(row)
        return row

    dup_titles = [
        lambda t: t.upper(),
        lambda t: t.lower() + ".",
        lambda t: t.replace(" ", "  ", 2),
        lambda t: t.replace(" ", "-", 1),
        lambda t: t.lower() + "!",
    ]
    for k, r in enumerate(
        spread(
            5, lambda a: a["kind"] in PELIBATAN and "=" not in a["title"] and r_is_plain(a), "dup"
        )
    ):
        t = dup_titles[k](r["act"]["title"])
        extra(
            r,
            rng.randint(2, 15),
            "duplicate",
            [(C_TITLE, "activity.duplicate")],
            f"duplicate submission, title '{t}'",
            **{C_TITLE: t},
        )

    # ---- extra rows: broken first attempts (then resubmitted correctly) ---
    def broken(n, pred, note, problems, cells_fn):
        for r in spread(n, pred, note):
            cells = cells_fn(r)
            extra(
                r,
                -rng.randint(3, 40),
                "rejected",
                problems if not callable(problems) else problems(r),
                note if not callable(note) else note(r),
                **cells,
            )

    broken(
        2,
        is_lib("desa-teluk-bakau"),
        "library typo 'Perpustakaan Desa Teluk Bakao' (no match)",
        [(C_LIB, "library.unknown")],
        lambda r: {C_LIB: "Perpustakaan Desa Teluk Bakao"},
    )
    broken(
        1,
        is_lib("desa-sebadai-hulu"),
        "library typo 'Perpustakaan Desa Sebadai Hilir' (no match)",
        [(C_LIB, "library.unknown")],
        lambda r: {C_LIB: "Perpustakaan Desa Sebadai Hilir"},
    )
    broken(
        1,
        is_lib("kab-bintan"),
        "library 'Perpustakaan Kab Bintan' (abbreviation, no match)",
        [(C_LIB, "library.unknown")],
        lambda r: {C_LIB: "Perpustakaan Kab Bintan"},
    )
    broken(
        1,
        any_act,
        "library 'Perpustakaan Desa' (incomplete, no match)",
        [(C_LIB, "library.unknown")],
        lambda r: {C_LIB: "Perpustakaan Desa"},
    )
    broken(
        2,
        any_act,
        "date 'kemarin' (unreadable)",
        [(C_DATE, "date.invalid")],
        lambda r: {C_DATE: "kemarin"},
    )
    broken(
        2,
        lambda a: a["date"].month in (2, 3, 9),
        "date '31/02/2024' (no such day)",
        [(C_DATE, "date.invalid")],
        lambda r: {C_DATE: "31/02/2024"},
    )
    broken(3, any_act, "date blank", [(C_DATE, "date.invalid")], lambda r: {C_DATE: None})
    broken(
        3,
        lambda a: a["date"].day < 28,
        "future date, year typed 2025 (after the report date)",
        [(C_DATE, "date.future")],
        lambda r: {
            C_DATE: r["act"]["date"].replace(year=2025)
            if r["act"]["date"].month % 2
            else fmt_date_text(r["act"]["date"].replace(year=2025), "dmy")
        },
    )
    broken(
        1,
        lambda a: a["date"] == a["ts"].date() and a["date"].day < 28,
        "date is tomorrow (reported the day before; future)",
        [(C_DATE, "date.future")],
        lambda r: {C_DATE: r["act"]["date"] + dt.timedelta(days=1)},
    )
    broken(
        3,
        lambda a: a["date"].day < 28,
        "date before 2018 (year typed 2014/2017)",
        [(C_DATE, "date.before_program")],
        lambda r: {
            C_DATE: r["act"]["date"].replace(year=2014)
            if r["act"]["date"].month % 2
            else fmt_date_text(r["act"]["date"].replace(year=2017), "dmy")
        },
    )
    pel = lambda a: a["kind"] in PELIBATAN and a["female"] > 0  # noqa: E731
    broken(
        2,
        pel,
        "participants '25 orang'",
        [(C_FEMALE, "participants.invalid")],
        lambda r: {C_FEMALE: "25 orang"},
    )
    broken(
        2, pel, "participants '-3'", [(C_MALE, "participants.invalid")], lambda r: {C_MALE: "-3"}
    )
    broken(
        1,
        pel,
        "participants -3 as a number cell",
        [(C_MALE, "participants.invalid")],
        lambda r: {C_MALE: -3},
    )
    broken(
        2,
        pel,
        "participants '2,5'",
        [(C_FEMALE, "participants.invalid")],
        lambda r: {C_FEMALE: "2,5"},
    )
    broken(
        2,
        any_act,
        "kind 'Sosialisasi' (unknown)",
        [(C_KIND, "kind.unknown")],
        lambda r: {C_KIND: "Sosialisasi"},
    )
    broken(
        2,
        lambda a: a["kind"] == "pelatihan_tik",
        "kind 'Pelatihn TIK' (typo, unknown)",
        [(C_KIND, "kind.unknown")],
        lambda r: {C_KIND: "Pelatihn TIK"},
    )
    broken(3, any_act, "title blank", [(C_TITLE, "title.missing")], lambda r: {C_TITLE: None})
    broken(
        2,
        lambda a: a["kind"] == "publikasi",
        "publikasi without link",
        [(C_PUB, "publication.missing")],
        lambda r: {C_PUB: None},
    )
    broken(
        2,
        lambda a: a["kind"] == "publikasi",
        "publikasi with 'instagram.com/p/xyz' only (no scheme)",
        [(C_PUB, "url.invalid"), (C_PUB, "publication.missing")],
        lambda r: {C_PUB: "instagram.com/p/xyz"},
    )
    broken(
        1,
        any_act,
        "timestamp unreadable '32/09/2024 10:15:00'",
        [(C_TS, "timestamp.invalid")],
        lambda r: {C_TS: "32/09/2024 10:15:00"},
    )
    broken(
        1,
        any_act,
        "timestamp unreadable 'input manual'",
        [(C_TS, "timestamp.invalid")],
        lambda r: {C_TS: "input manual"},
    )
    broken(
        1,
        lambda a: a["kind"] in PELIBATAN,
        "several problems: date 'kemarin', participants '25 orang', kind 'Sosialisasi'",
        [(C_DATE, "date.invalid"), (C_KIND, "kind.unknown"), (C_MALE, "participants.invalid")],
        lambda r: {C_DATE: "kemarin", C_KIND: "Sosialisasi", C_MALE: "25 orang"},
    )
    broken(
        1,
        any_act,
        "several problems: unknown library and blank title",
        [(C_LIB, "library.unknown"), (C_TITLE, "title.missing")],
        lambda r: {C_LIB: "TBM Cahaya Bunda", C_TITLE: None},
    )

    # ---- extra rows: broken activities that are never fixed ---------------
    lone = [
        (
            "desa-kelarik",
            "library 'Perpustakaan Desa Ceruk' (not registered)",
            [(C_LIB, "library.unknown")],
            {C_LIB: "Perpustakaan Desa Ceruk"},
        ),
        (
            "desa-resang",
            "library 'TBM Cahaya Bunda' (not registered)",
            [(C_LIB, "library.unknown")],
            {C_LIB: "TBM Cahaya Bunda"},
        ),
        (
            "kab-natuna",
            "library 'Perpustakaan Kecamatan Bunguran Timur' (not registered)",
            [(C_LIB, "library.unknown")],
            {C_LIB: "Perpustakaan Kecamatan Bunguran Timur"},
        ),
        (
            "desa-marok-tua",
            "participants '25 orang' on a never-fixed row",
            [(C_FEMALE, "participants.invalid")],
            {C_FEMALE: "25 orang"},
        ),
        (
            "kelurahan-dompak",
            "kind 'Sosialisasi' on a never-fixed row",
            [(C_KIND, "kind.unknown")],
            {C_KIND: "Sosialisasi"},
        ),
        (
            "desa-berakit",
            "title blank on a never-fixed row",
            [(C_TITLE, "title.missing")],
            {C_TITLE: None},
        ),
        (
            "kelurahan-patam-lestari",
            "date '2024-09-31' (no such day)",
            [(C_DATE, "date.invalid")],
            {C_DATE: "2024-09-31"},
        ),
    ]
    for k, (lid, note, problems, cells) in enumerate(lone):
        month = 9 if k % 3 == 0 else rng.randint(2, 11)
        act = make_activity(
            rng,
            by_id[lid],
            rng.choice(["promosi", "pelatihan", "fasilitasi"]),
            dt.date(2024, month, rng.randint(1, 27)),
            late_ok=False,
        )
        base = {"cells": row_from_activity(act), "act": act}
        extra(base, 0, "rejected", problems, note, **cells)

    # ---- blank rows ---------------------------------------------------------
    rows.sort(key=lambda r: r["sort"])
    for ts in (
        dt.datetime(2024, 3, 14, 12),
        dt.datetime(2024, 9, 20, 12),
        dt.datetime(2024, 11, 2, 12),
    ):
        i = next(i for i, r in enumerate(rows) if r["sort"] > ts)
        rows.insert(
            i,
            {
                "cells": {},
                "act": None,
                "status": "blank",
                "problems": [],
                "note": "fully blank row (deleted response)",
                "sort": ts,
            },
        )
    return rows, []


def r_is_plain(a: dict) -> bool:
    return a["title"] == a["title"].strip() and "  " not in a["title"]


# --------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


TRAILING_BLANK_ROWS = 3


def _make_zip_reproducible(path: Path) -> None:
    """Pin the zip entry times and the core-properties dates so reruns give identical bytes."""
    with zipfile.ZipFile(path) as zf:
        entries = [(info.filename, zf.read(info.filename)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                    rb"\g<1>2025-01-02T01:00:00Z",
                    data,
                )
            zf.writestr(
                zipfile.ZipInfo(name, date_time=(2025, 1, 2, 8, 0, 0)), data, zipfile.ZIP_DEFLATED
            )


CONTEST_TAB = "Lomba"
CONTEST_HEADER = ["lomba", "perpustakaan", "judul", "tautan", "waktu_kirim",
                  "juri_1", "juri_2", "juri_3", "juri_4", "juri_5", "juri_6"]
# Jury-contest entries, fixed (no random draws, so the responses stay as they are).
# Planted: an unknown library, a missing link, a score above 100, a tie settled by
# the earlier submission, 4 / 5 / 6 judges (trimmed mean from 5).
CONTESTS = [
    ("cerita_dampak", "Perpustakaan Desa Teluk Bakau", "Dari Anyaman Rotan ke Pasar Daring",
     "https://perpusdesatelukbakau.example.id/cerita-dampak", (2024, 10, 10, 14, 5), (82, 88, 79, 91, 85)),
    ("cerita_dampak", "Perpustakaan Kelurahan Penyengat", "Gurindam di Tangan Anak Pulau",
     "https://penyengat.example.id/cerita", (2024, 10, 12, 9, 30), (90, 86, 88, 92, 70)),
    ("cerita_dampak", "Perpusdes Busung", "Ibu-ibu PKK Belajar Canva",
     "https://busung.example.id/cerita", (2024, 10, 11, 20, 15), (78, 80, 75, 83, 81)),
    ("cerita_dampak", "Perpustakaan Desa Sungai Ular", "Nelayan Membaca",
     "https://sungaiular.example.id/cerita", (2024, 10, 9, 8, 0), (70, 72, 74, 71, 69)),
    ("foto_instagram", "Perpustakaan Desa Berakit", "Senja di Pojok Baca Pantai",
     "https://www.instagram.com/p/berakit01/", (2024, 10, 3, 10, 0), (88, 84, 90, 86)),
    ("foto_instagram", "TBM Rumah Baca Hang Nadim", "Anak Pelantar Membaca",
     "https://www.instagram.com/p/hangnadim7/", (2024, 10, 2, 16, 45), (88, 84, 90, 86)),
    ("foto_instagram", "Perpustakaan Desa Pongkar", "Rak Buku Keliling", None,
     (2024, 10, 4, 11, 0), (91, 89, 93, 90)),
    ("reels", "Dinas Perpustakaan dan Kearsipan Kota Batam", "Sehari di Perpustakaan Batam",
     "https://www.instagram.com/reel/batam2024/", (2024, 10, 14, 19, 0), (92, 95, 90, 89, 97)),
    ("reels", "Perpustakaan Desa Cemaga", "Tari Zapin dan Buku",
     "https://www.instagram.com/reel/cemaga/", (2024, 10, 13, 7, 30), (85, 80, 88, 84, 86)),
    ("reels", "Perpustakaan Kelurahan Tiban Indah", "Podcast Pulau",
     "https://www.instagram.com/reel/tibanindah/", (2024, 10, 15, 21, 0), (105, 90, 92, 88, 91)),
    ("lifetime", "Perpustakaan Desa Resang", "Ibu Siti Aminah, pengelola Perpustakaan Desa Resang sejak 2012",
     "https://resang.example.id/profil-pengelola", (2024, 10, 1, 9, 0), (95, 93, 97, 90, 96, 94)),
    ("lifetime", "Perpustakaan Kelurahan Daik", "Bapak Raja Hamzah, penggerak literasi Daik Lingga",
     "https://daik.example.id/raja-hamzah", (2024, 10, 5, 13, 20), (92, 94, 91, 96, 90, 93)),
]


def write_contests(ws) -> None:
    """The ``Lomba`` tab: one row per entry, one column per judge."""
    ws.append(CONTEST_HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for contest, library, title, url, when, scores in CONTESTS:
        ws.append([contest, library, title, url, dt.datetime(*when), *scores])
        ws.cell(row=ws.max_row, column=5).number_format = "dd/mm/yyyy hh:mm"
    ws.freeze_panes = "A2"


def write_outputs(libs: list[dict], rows: list[dict]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = RESPONSES_TAB
    ws.append(HEADER)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r_no, row in enumerate(rows, start=2):
        for c_no, col in enumerate(HEADER, start=1):
            value = row["cells"].get(col)
            if value is None:
                continue
            cell = ws.cell(row=r_no, column=c_no, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # typed as text in the form, not a formula
            elif isinstance(value, dt.datetime):
                cell.number_format = "dd/mm/yyyy hh:mm:ss"
            elif isinstance(value, dt.date):
                cell.number_format = "dd/mm/yyyy"
    # formatted-but-empty trailing rows, as sheets that were once longer leave them
    grey = PatternFill("solid", fgColor="F3F3F3")
    for r_no in range(len(rows) + 2, len(rows) + 2 + TRAILING_BLANK_ROWS):
        for c_no in range(1, len(HEADER) + 1):
            ws.cell(row=r_no, column=c_no).fill = grey
    for c_no, width in enumerate([20, 30, 44, 14, 48, 40, 10, 10, 36, 50, 60], start=1):
        ws.column_dimensions[get_column_letter(c_no)].width = width
    ws.freeze_panes = "A2"

    reg = wb.create_sheet(REGISTRY_TAB)
    reg.append(REGISTRY_HEADER)
    for cell in reg[1]:
        cell.font = Font(bold=True)
    for lib in libs:
        reg.append([lib[k] if lib[k] != "" else None for k in REGISTRY_HEADER])
    for row in reg.iter_rows(min_row=2, min_col=7, max_col=7):
        for cell in row:
            cell.number_format = "@"  # kode_wilayah is text, never a number
    write_contests(wb.create_sheet(CONTEST_TAB))
    wb.properties.creator = "tpbis examples/make_example_data.py"
    wb.properties.created = wb.properties.modified = dt.datetime(2025, 1, 2, 8, 0)
    wb.save(OUT / "kepri-2024.xlsx")
    _make_zip_reproducible(OUT / "kepri-2024.xlsx")

    with (OUT / "kepri-2024-responses.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for row in rows:
            w.writerow([csv_cell(row["cells"].get(col)) for col in HEADER])
        for _ in range(TRAILING_BLANK_ROWS):
            w.writerow([""] * len(HEADER))
    with (OUT / "kepri-2024-registry.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(REGISTRY_HEADER)
        for lib in libs:
            w.writerow([csv_cell(lib[k]) for k in REGISTRY_HEADER])


# --------------------------------------------------------------------------
# Summary and README
# --------------------------------------------------------------------------


def summarise(libs: list[dict], rows: list[dict]) -> tuple[list[str], dict]:
    accepted = defaultdict(list)
    for r in rows:
        if r["status"] == "accepted":
            accepted[r["act"]["lib"]["id"]].append(r["act"])
    counts = Counter(r["status"] for r in rows)
    counts["rows"] = len(rows)
    lines = [
        "| id | level | tier | Sep n | Sep composite | Sep colour | 2024 n | 2024 composite | 2024 colour "
        "| awards 2024 (eligible) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    tally = {"sep": Counter(), "year": Counter()}
    edges = []
    for lib in libs:
        acts = accepted[lib["id"]]
        sep = reference_kpi(
            lib["_level"], acts, dt.date(2024, 9, 1), dt.date(2024, 9, 30), Fraction(1)
        )
        year = reference_kpi(
            lib["_level"], acts, dt.date(2024, 1, 1), dt.date(2024, 12, 31), Fraction(12)
        )
        for label, res in (("2024-09", sep), ("2024", year)):
            if any(abs(res["composite"] - edge) <= Fraction(1, 2) for edge in (50, 80)):
                edges.append(f"`{lib['id']}` {label} = {float(res['composite']):.1f}")
        tally["sep"][sep["colour"]] += 1
        tally["year"][year["colour"]] += 1
        facts = award_facts(lib, [a for a in acts if a["date"].year == 2024])
        awards = []
        if year["colour"] == "hijau":
            if lib["_level"] == 3:
                awards.append("plm_nasional")
            if lib["_level"] in (2, 3):
                awards += [f"{k}" for k in ("promosi", "digital", "advokasi") if facts[f"{k}_ok"]]
        lines.append(
            f"| {lib['id']} | {lib['_level']} | {lib['_tier']} | {sep['n']} | {float(sep['composite']):.1f} "
            f"| {sep['colour']} | {year['n']} | {float(year['composite']):.1f} | {year['colour']} "
            f"| {', '.join(awards) or '-'} |"
        )
    return lines, {"counts": counts, "tally": tally, "edges": ", ".join(edges)}


def write_readme(libs: list[dict], rows: list[dict], table: list[str], info: dict) -> None:
    c = info["counts"]
    t = info["tally"]
    checklist = ["| row | status | column: code | what |", "|---|---|---|---|"]
    row_of = {
        id(r["act"]): r_no for r_no, r in enumerate(rows, start=2) if r["status"] == "accepted"
    }
    for r_no, r in enumerate(rows, start=2):
        if r["note"] is None:
            continue
        if "ref" in r:
            r["note"] = r["note"].format(ref=row_of[id(r["ref"])])
        codes = "; ".join(f"{col}: `{code}`" for col, code in r["problems"]) or "-"
        note = r["note"].replace("|", "\\|")
        checklist.append(f"| {r_no} | {r['status']} | {codes} | {note} |")
    n_planted = len(checklist) - 2
    text = f"""# Example data: Kepulauan Riau 2024

Generated by [`make_example_data.py`](make_example_data.py) (deterministic, seed {SEED};
run `python examples/make_example_data.py` from the repository root to rebuild).
Everything here is invented for examples and tests: library names and places are
real Kepulauan Riau names, but activities, people counts, e-mail addresses
(`@example.com`) and links are made up.

## Files
| file | what |
|---|---|
| `kepri-2024.xlsx` | workbook with tabs `{RESPONSES_TAB}` (Google-Form responses), `{REGISTRY_TAB}` (registry) and `{CONTEST_TAB}` (jury-contest entries) |
| `kepri-2024-responses.csv` | the responses tab as Google Sheets "Download as CSV" gives it |
| `kepri-2024-registry.csv` | the registry tab as CSV |
| `make_example_data.py` | the generator; its docstring explains the planted mess |

- **Registry:** {len(libs)} libraries in province Kepulauan Riau (WIB, Asia/Jakarta): the
  provincial library (`kepri`, level 1), six kabupaten/kota libraries (level 2), four
  desa/kelurahan libraries in each (level 3) and two TBM (level 3). Columns:
  `{", ".join(REGISTRY_HEADER)}`. `kode_wilayah` is stored as text.
- **Responses:** {c["rows"]} data rows (rows 2-{c["rows"] + 1}) below the header, sorted by
  timestamp, 1 Jan - 31 Dec 2024 (a few activities from December 2023 are reported in
  January). Then {TRAILING_BLANK_ROWS} formatted-but-empty trailing rows (in the CSV: lines of
  commas) that are *not* rows by SPEC §3.1.
- **XLSX vs CSV:** the same rows in the same order, so row numbers agree. In the XLSX,
  timestamps are naive date-time cells (local time, Asia/Jakarta) and activity dates are date
  cells, except where the mess below typed text. In the CSV, timestamps are written
  `21/09/2024 14:05:33` and date cells `21/09/2024`, as Google exports them with the
  Indonesian locale, so a date *typed* as `21/09/2024` looks the same as a date cell there.
  Numbers are plain digits. UTF-8 without BOM, CRLF line ends.
- September 2024 is the busy provincial PLM season.
- **Contests (`{CONTEST_TAB}` tab):** {len(CONTESTS)} jury-contest entries (`{", ".join(CONTEST_HEADER[:5])}`,
  one `juri_N` column per judge). Planted: a library that is not registered
  (`Perpustakaan Desa Sungai Ular`), an entry without a link, a score of 105, a tie
  settled by the earlier submission (Instagram photo), a name typed as an alias
  (`Perpusdes Busung`), and 4, 5 and 6 judges (the mean is trimmed from 5 judges).

## Expected counts (SPEC §3.1)
| rows | accepted | rejected | duplicates | blank |
|---|---|---|---|---|
| {c["rows"]} | {c["accepted"]} | {c["rejected"]} | {c["duplicates"] if "duplicates" in c else c["duplicate"]} | {c["blank"]} |

## Expected KPI colours
Computed by the generator's reference check (`reference_kpi`, exact fractions, SPEC §5)
over the accepted activities. `tier` is the profile the generator aimed for
(`silent` reports nothing, `stopped` stops reporting after June). `awards` lists the
categories whose eligibility rules (SPEC §6) hold for the year.

Composites close to a band edge (good rounding checks): {info["edges"] or "none"}.

September 2024: {t["sep"]["hijau"]} hijau, {t["sep"]["kuning"]} kuning, {t["sep"]["merah"]} merah.
Year 2024: {t["year"]["hijau"]} hijau, {t["year"]["kuning"]} kuning, {t["year"]["merah"]} merah.

{chr(10).join(table)}

## Planted problems (regression checklist)
{n_planted} rows. Row numbers are sheet rows (header = row 1), the same in the XLSX and
the CSV. `accepted` rows only change how a valid value is written (the activity counts as
intended); `rejected` rows have at least one error and count nowhere; `duplicate` rows are
warnings and count once. Rejected rows other than the "never-fixed" ones are a failed
first attempt; the same activity is submitted correctly a few minutes later. The
duplicate with a title ending in `.`/`!` relies on trimming after punctuation becomes
space.

{chr(10).join(checklist)}
"""
    (OUT / "README.md").write_text(text, encoding="utf-8")


def main() -> None:
    rng = Random(SEED)
    libs = build_registry(rng)
    clean = generate_clean(rng, libs)
    rows, _ = plant(rng, libs, clean)
    write_outputs(libs, rows)
    table, info = summarise(libs, rows)
    write_readme(libs, rows, table, info)
    c = info["counts"]
    print(
        f"libraries: {len(libs)}  rows: {c['rows']}  accepted: {c['accepted']}  rejected: {c['rejected']}  "
        f"duplicates: {c['duplicate']}  blank: {c['blank']}  planted: "
        f"{sum(r['note'] is not None for r in rows)}"
    )
    print("\n".join(table))
    print("Sep:", dict(info["tally"]["sep"]), " Year:", dict(info["tally"]["year"]))


if __name__ == "__main__":
    main()
