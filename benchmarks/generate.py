"""Deterministic generator of benchmark inputs: a national registry and a year of form responses.

The registry lists a few thousand partner libraries across provinces of all three
Indonesian time zones (WIB, WITA, WIT). The responses file looks like a Google
Forms CSV export (``Cap waktu`` as ``21/09/2024 14:05:33`` in the spreadsheet's
zone Asia/Jakarta, ``Tanggal Kegiatan`` as ``21/09/2024``), in submission order,
for activities of 2024 (plus a few from December 2023 reported in January).

About 3 % of rows are messy so every validation path of SPEC §3.1 runs: bad
participant text, unknown (misspelt) libraries, unreadable / future /
pre-programme dates, unknown kinds, blank titles, publication rows without a
link, resubmitted duplicates, non-http links (warnings) and blank rows.

Files are cached in ``benchmarks/data/`` keyed by row count, seed and generator
version::

    python benchmarks/generate.py --rows 100000 --seed 7
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import string
import sys
from pathlib import Path

__all__ = ["HEADER", "REGISTRY_HEADER", "ensure_data", "generate_registry", "generate_responses"]

GENERATOR_VERSION = 2
DATA_DIR = Path(__file__).resolve().parent / "data"

HEADER = [
    "Cap waktu", "Alamat email", "Nama Perpustakaan", "Tanggal Kegiatan", "Nama Kegiatan",
    "Jenis Kegiatan", "Jumlah Peserta Laki-laki", "Jumlah Peserta Perempuan",
    "Mitra yang Terlibat", "Tautan Dokumentasi", "Tautan Publikasi",
]
REGISTRY_HEADER = [
    "id", "nama", "jenis", "provinsi", "kabupaten_kota", "desa_kelurahan", "kode_wilayah",
    "alias", "tahun_mitra", "dukungan", "komputer", "koleksi_digital", "koleksi_cetak",
]

# province, code, UTC offset (hours), how it is typed in the registry sheet
PROVINCES = [
    ("Kepulauan Riau", "21", 7, "Kepulauan Riau"),
    ("Jawa Barat", "32", 7, "JAWA BARAT"),
    ("Jawa Tengah", "33", 7, "Jawa Tengah"),
    ("Sumatera Utara", "12", 7, "sumatera utara"),
    ("Kalimantan Barat", "61", 7, "Kalimantan Barat"),
    ("Bali", "51", 8, "Bali"),
    ("Sulawesi Selatan", "73", 8, "Sulawesi  Selatan"),
    ("Nusa Tenggara Timur", "53", 8, "Nusa Tenggara Timur"),
    ("Kalimantan Timur", "64", 8, "Kalimantan Timur"),
    ("Maluku", "81", 9, "Maluku"),
    ("Papua", "91", 9, "Papua"),
    ("Papua Pegunungan", "95", 9, "PAPUA PEGUNUNGAN"),
]
REGENCIES_PER_PROVINCE = 10
VILLAGES_PER_REGENCY = 26
TBM_PER_REGENCY = 3

_PREFIX = ["Suka", "Sido", "Tanjung", "Teluk", "Batu", "Sri", "Mekar", "Karang", "Pasir", "Air",
           "Bukit", "Rawa", "Sungai", "Tegal", "Wono", "Mulya", "Harapan", "Cinta", "Jaya", "Lubuk",
           "Padang", "Koto", "Kampung", "Tirta", "Giri", "Lembah", "Pulau", "Ujung", "Labuhan", "Rejo"]
_SUFFIX = ["maju", "mulyo", "jaya", "makmur", "sari", "rejo", "asih", "indah", "baru", "tani",
           "raya", "agung", "luhur", "harjo", "kencana", "permai", "wangi", "mekar", "lestari", "damai",
           "sentosa", "utama", "abadi", "bahari", "pratama", "subur", "tengah", "timur", "barat", "hilir"]
_TBM_NAMES = ["Pelita", "Cahaya Ilmu", "Bintang", "Pelangi", "Tunas Bangsa", "Rumah Baca", "Lentera",
              "Jendela Dunia", "Kuncup", "Sahabat", "Mutiara", "Anak Negeri", "Insan Cendekia",
              "Gemilang", "Harapan Bangsa", "Literasi Kita"]

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
# Other spellings respondents use (all recognised per SPEC §3.1: slug, short label,
# case/whitespace variants, English labels of the default rubric).
KIND_VARIANTS = {
    "pelatihan": ["pelatihan keterampilan", "Skills training", "pelatihan"],
    "pelatihan_tik": ["pelatihan  tik", "ICT training", "pelatihan_tik"],
    "promosi": ["Promosi layanan", "PROMOSI LAYANAN", "promosi"],
    "fasilitasi": ["Fasilitasi kegiatan masyarakat", "fasilitasi"],
    "layanan_digital": ["Layanan digital", "layanan_digital", "Digital service"],
    "advokasi": ["advokasi", "Advocacy"],
    "kemitraan": ["KEMITRAAN", "Partnership"],
    "publikasi": ["publikasi", "Publication"],
}
KIND_WEIGHTS = {"pelatihan": 18, "pelatihan_tik": 12, "promosi": 22, "fasilitasi": 13,
                "layanan_digital": 10, "advokasi": 6, "kemitraan": 6, "publikasi": 13}
UNKNOWN_KINDS = ["Rapat koordinasi", "Lainnya", "Gotong royong", "Kegiatan"]

_SKILLS = ["menjahit", "membatik", "budidaya ikan lele", "pembuatan keripik singkong", "tata rias",
           "anyaman bambu", "hidroponik", "pengolahan sampah plastik", "barista", "sablon kaos",
           "pembuatan sabun cair", "menganyam rotan", "pembuatan kue kering", "budidaya jamur tiram",
           "pengolahan rumput laut", "perbengkelan motor", "pembuatan pupuk kompos", "merajut",
           "tenun ikat", "pembuatan abon ikan", "kerajinan manik-manik", "ecoprint"]
_TIK = ["Microsoft Excel dasar", "desain grafis dengan Canva", "pemasaran digital UMKM",
        "literasi digital", "membuat blog desa", "fotografi ponsel", "keamanan internet",
        "aplikasi kasir online", "Google Workspace", "editing video CapCut", "e-commerce marketplace",
        "mengetik sepuluh jari", "pembuatan website desa", "QRIS untuk UMKM"]
_GROUPS = ["ibu-ibu PKK", "remaja karang taruna", "petani", "nelayan", "pelaku UMKM", "warga desa",
           "pemuda", "siswa SMP", "kelompok wanita tani", "penyandang disabilitas", "lansia",
           "guru PAUD", "perangkat desa", "santri"]
_STORIES = ["Si Kancil", "Malin Kundang", "Bawang Merah Bawang Putih", "Timun Mas", "Sangkuriang",
            "Lutung Kasarung", "Danau Toba", "Keong Mas", "Roro Jonggrang", "Batu Menangis"]
_PROMO = ["Mendongeng \"{s}\" untuk anak PAUD", "Literatour ke {v}", "Bimbingan pemustaka siswa SD {v}",
          "Lomba mewarnai tingkat TK", "Kunjungan siswa SDN {n} {v}", "Pojok baca keliling {v}",
          "Mendongeng: {s}", "Bedah buku \"{b}\"", "Gerakan gemar membaca {v}",
          "Perpustakaan keliling ke dusun {v}"]
_FASIL = ["Fasilitasi rapat {o}", "Posyandu remaja di aula perpustakaan", "Pertemuan kelompok tani {v}",
          "Latihan tari anak di ruang komunal", "Musyawarah {o}", "Kelas belajar bersama {g}",
          "Senam lansia di halaman perpustakaan", "Pemutaran film edukasi untuk {g}"]
_DIGITAL = ["Podcast literasi episode {n}", "Ulasan buku \"{b}\"", "Studio pustaka: wawancara {g}",
            "E-book cerita rakyat {v}", "Podcast \"Suara Desa\" #{n}", "Video ulasan buku {b}"]
_ADVO = ["Audiensi dengan Kepala Desa tentang {t}", "Advokasi alokasi dana desa untuk perpustakaan",
         "Paparan hasil program di Musrenbangdes {v}", "Audiensi dengan DPRD Kabupaten {r}",
         "Advokasi perdes perpustakaan desa {v}"]
_KEMI = ["Penandatanganan MoU dengan {p}", "Kerja sama dengan {p}", "Kemitraan pelatihan dengan {p}",
         "Perjanjian kerja sama dengan {p}"]
_PUBL = ["Publikasi kegiatan {k} di media sosial", "Berita {k} di website desa",
         "Liputan radio tentang perpustakaan {v}", "Unggahan Instagram kegiatan {k}",
         "Artikel {k} di koran lokal"]
_BOOKS = ["Laskar Pelangi", "Bumi Manusia", "Negeri 5 Menara", "Ronggeng Dukuh Paruk", "Si Anak Singkong",
          "Cantik Itu Luka", "Pulang", "Hujan", "Ayat-Ayat Cinta", "Sang Pemimpi"]
_TOPICS = ["anggaran perpustakaan", "pojok baca di balai desa", "jam layanan", "gedung perpustakaan baru",
           "internet desa", "relawan literasi"]
_PARTNERS = ["Pemerintah Desa {v}", "PKK {v}", "Karang Taruna {v}", "Puskesmas {v}", "SD Negeri {n} {v}",
             "BUMDes {v}", "Dinas Perpustakaan {r}", "Kelompok Tani Maju", "Bank BRI Unit {v}",
             "Relawan TIK {r}", "Posyandu Melati", "Majelis Taklim Al-Ikhlas", "Komunitas Literasi {r}",
             "Balai Penyuluhan Pertanian", "Koperasi Wanita {v}"]
_PUB_HOSTS = ["www.instagram.com", "www.facebook.com", "youtu.be", "www.tiktok.com", "desa"]

_ALNUM = string.ascii_letters + string.digits


def _code(rng: random.Random, n: int) -> str:
    return "".join(rng.choices(_ALNUM, k=n))


def _place_names(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    names = []
    while len(names) < count:
        name = rng.choice(_PREFIX) + rng.choice(_SUFFIX)
        if rng.random() < 0.25:
            name = f"{rng.choice(_PREFIX)} {rng.choice(_PREFIX)}{rng.choice(_SUFFIX)}"
        if name.casefold() not in taken:
            taken.add(name.casefold())
            names.append(name)
    return names


def _norm(text: str) -> str:
    """Normalised library name (only for the generator's own uniqueness check)."""
    out = "".join(ch if ch.isalnum() or ch.isspace() else " " for ch in text.casefold())
    words = {"perpusdes": "perpustakaan desa", "perpus": "perpustakaan"}
    return " ".join(words.get(w, w) for w in out.split())


def generate_registry(seed: int) -> list[dict[str, str]]:
    """The registry rows (REGISTRY_HEADER keys); names and aliases are unique once normalised."""
    rng = random.Random(f"registry-{seed}")
    taken: set[str] = set()
    libraries: list[dict[str, str]] = []
    seen_names: set[str] = set()

    def add(**fields: str) -> None:
        keys = {_norm(fields["nama"]), *(_norm(a) for a in fields.get("alias", "").split(";") if a.strip())}
        if keys & seen_names:
            return
        seen_names.update(keys)
        row = dict.fromkeys(REGISTRY_HEADER, "")
        row.update(fields)
        libraries.append(row)

    for province, pcode, _offset, typed in PROVINCES:
        short = "".join(w[0] for w in province.split()).upper()
        add(id=f"{short}-PROV", nama=f"Dinas Perpustakaan dan Kearsipan Provinsi {province}",
            jenis="provinsi", provinsi=typed, kode_wilayah=pcode,
            alias=f"Dispusip Provinsi {province}", tahun_mitra=str(rng.choice([2018, 2019, 2020])),
            dukungan="penuh", komputer=str(rng.randint(10, 40)),
            koleksi_digital=str(rng.randint(500, 20000)), koleksi_cetak=str(rng.randint(20000, 90000)))
        for r_index, regency in enumerate(_place_names(rng, REGENCIES_PER_PROVINCE, taken), start=1):
            is_city = rng.random() < 0.2
            regency_full = f"{'Kota' if is_city else 'Kabupaten'} {regency}"
            rcode = f"{pcode}.{r_index:02d}"
            add(id=f"{short}-{r_index:02d}", nama=f"Dinas Perpustakaan {regency_full}",
                jenis="kota" if is_city else "kabupaten", provinsi=typed, kabupaten_kota=regency_full,
                kode_wilayah=rcode, alias=f"DPK {regency_full}" if rng.random() < 0.5 else "",
                tahun_mitra=str(rng.choice([2018, 2019, 2020, 2021, 2022])), dukungan="penuh",
                komputer=str(rng.randint(5, 25)), koleksi_digital=str(rng.randint(100, 8000)),
                koleksi_cetak=str(rng.randint(5000, 40000)))
            for v_index, village in enumerate(_place_names(rng, VILLAGES_PER_REGENCY, taken), start=1):
                jenis = "kelurahan" if (is_city or rng.random() < 0.1) else "desa"
                nama = f"Perpustakaan {'Kelurahan' if jenis == 'kelurahan' else 'Desa'} {village}"
                alias = ""
                roll = rng.random()
                if roll < 0.15:
                    alias = f"Rumah Pintar {village}"
                elif roll < 0.25:
                    alias = f"TBM {rng.choice(_TBM_NAMES)} {village};Pojok Literasi {village}"
                add(id=f"{short}-{r_index:02d}-{v_index:03d}", nama=nama, jenis=jenis, provinsi=typed,
                    kabupaten_kota=regency_full, desa_kelurahan=village,
                    kode_wilayah=f"{rcode}.{v_index:02d}.{rng.randint(1000, 2999)}", alias=alias,
                    tahun_mitra=str(rng.choice([2018, 2019, 2020, 2021, 2022, 2023, 2024])),
                    dukungan=rng.choice(["penuh", "penuh", "buku", "replikasi", ""]),
                    komputer=str(rng.randint(0, 8)), koleksi_digital=str(rng.randint(0, 1500)),
                    koleksi_cetak=str(rng.randint(300, 6000)))
            for t_index in range(1, TBM_PER_REGENCY + 1):
                add(id=f"{short}-{r_index:02d}-T{t_index}",
                    nama=f"TBM {rng.choice(_TBM_NAMES)} {regency} {t_index}", jenis="tbm", provinsi=typed,
                    kabupaten_kota=regency_full, tahun_mitra=str(rng.choice([2021, 2022, 2023])),
                    dukungan=rng.choice(["replikasi", "buku"]), komputer=str(rng.randint(0, 3)),
                    koleksi_digital="0", koleksi_cetak=str(rng.randint(100, 2000)))
    return libraries


def _typo(name: str) -> str:
    """A misspelling that does not normalise to any registered name (drops a letter)."""
    words = name.split()
    last = words[-1]
    last = last[:2] + last[3:] if len(last) > 4 else last + "h"
    return " ".join([*words[:-1], last]) + " Kec."


#: libraries not (yet) in the registry that still send reports
UNREGISTERED = [f"{kind} {prefix}{suffix}" for kind, prefix, suffix in zip(
    ["TBM", "Perpustakaan Desa", "Rumah Baca", "Pojok Baca"] * 6, _PREFIX[::-1][:24], _SUFFIX[5:29],
    strict=True)]


def _unknown_name(lib_index: int, lib: dict[str, str], rng: random.Random, pool: list[str]) -> str:
    """A library name that matches nothing (SPEC §3.1 library.unknown).

    Respondents repeat their mistakes: one library in ten has a sloppy reporter
    who always misspells the name the same way; other unknown rows come from a
    small pool of libraries that are not registered yet. So the number of
    distinct unknown names grows with the registry, not with the row count.
    """
    if lib_index % 10 == 0 and rng.random() < 0.5:
        return _typo(lib["nama"])
    return rng.choice(pool)


def _typed_name(lib: dict[str, str], rng: random.Random) -> str:
    """How a respondent types the library name (all of these match per SPEC §3.1)."""
    name = lib["nama"]
    roll = rng.random()
    if roll < 0.78:
        return name
    if roll < 0.84:
        return rng.choice([name.upper(), name.lower(), f"  {name} ", name.replace(" ", "  ")])
    if roll < 0.90 and name.startswith("Perpustakaan "):
        rest = name.removeprefix("Perpustakaan ")
        if rest.startswith("Desa "):
            return rng.choice(["Perpusdes ", "perpusdes ", "Perpus Desa "]) + rest.removeprefix("Desa ")
        return "Perpus " + rest
    if roll < 0.95 and lib["alias"]:
        return rng.choice(lib["alias"].split(";"))
    if roll < 0.97:
        return name + "."
    if roll < 0.98:
        return lib["id"]
    return name


def _title(kind: str, lib: dict[str, str], rng: random.Random) -> str:
    v = lib["desa_kelurahan"] or lib["kabupaten_kota"] or lib["provinsi"]
    fill = {
        "v": v, "r": lib["kabupaten_kota"] or lib["provinsi"], "n": rng.randint(1, 40),
        "s": rng.choice(_STORIES), "b": rng.choice(_BOOKS), "g": rng.choice(_GROUPS),
        "o": rng.choice(["BPD", "Karang Taruna", "kelompok PKK", "LPM", "pengurus BUMDes"]),
        "t": rng.choice(_TOPICS), "k": rng.choice(_SKILLS + _TIK),
        "p": rng.choice(_PARTNERS).format(v=v, r=lib["kabupaten_kota"], n=rng.randint(1, 9)),
    }
    if kind == "pelatihan":
        text = f"Pelatihan {rng.choice(_SKILLS)} bagi {rng.choice(_GROUPS)}"
    elif kind == "pelatihan_tik":
        text = f"Pelatihan {rng.choice(_TIK)} untuk {rng.choice(_GROUPS)}"
    else:
        pool = {"promosi": _PROMO, "fasilitasi": _FASIL, "layanan_digital": _DIGITAL,
                "advokasi": _ADVO, "kemitraan": _KEMI, "publikasi": _PUBL}[kind]
        text = rng.choice(pool).format(**fill)
    if rng.random() < 0.3:
        text += f" (angkatan {rng.randint(1, 6)})"
    return text


def _pub_url(lib: dict[str, str], rng: random.Random) -> str:
    host = rng.choice(_PUB_HOSTS)
    if host == "www.instagram.com":
        return f"https://www.instagram.com/p/{_code(rng, 11)}/"
    if host == "www.facebook.com":
        return f"https://www.facebook.com/perpus.{lib['id'].lower()}/posts/{rng.getrandbits(52)}"
    if host == "youtu.be":
        return f"https://youtu.be/{_code(rng, 11)}"
    if host == "www.tiktok.com":
        return f"https://www.tiktok.com/@perpus{lib['id'].lower().replace('-', '')}/video/{rng.getrandbits(60)}"
    slug = (lib["desa_kelurahan"] or lib["id"]).lower().replace(" ", "")
    return f"https://{slug}.desa.id/berita/{_code(rng, 8).lower()}-kegiatan-perpustakaan"


def _url_variant(url: str, rng: random.Random) -> str:
    """The same publication written differently (same identity per SPEC §5)."""
    roll = rng.random()
    scheme, rest = url.split("://", 1)
    host, _, path = rest.partition("/")
    if roll < 0.3:
        return f"{scheme}://{host.upper()}/{path}"
    if roll < 0.6:
        return url[:-1] if url.endswith("/") else url + "/"
    if roll < 0.8:
        return url + "#comments"
    return url


def _participants(n: int, rng: random.Random) -> str:
    if n >= 1000 and rng.random() < 0.7:
        return f"{n:,}".replace(",", rng.choice([".", ","]))
    return str(n)


def generate_responses(n_rows: int, seed: int, registry: list[dict[str, str]]) -> list[list[str]]:
    """``n_rows`` response rows (without header), in submission order."""
    rng = random.Random(f"responses-{n_rows}-{seed}")
    offsets = {p: off for p, _c, off, _t in PROVINCES}
    by_typed = {typed: p for p, _c, _o, typed in PROVINCES}
    # how active each library is: skewed, some report almost nothing
    activity_weights = [rng.lognormvariate(0, 0.9) for _ in registry]
    kinds = list(KIND_WEIGHTS)
    kind_w = list(KIND_WEIGHTS.values())
    jakarta = dt.timezone(dt.timedelta(hours=7))
    year_start = dt.date(2024, 1, 1)
    records: list[tuple[dt.datetime, int, list[str]]] = []
    libs = rng.choices(range(len(registry)), weights=activity_weights, k=n_rows)
    pub_memory: dict[int, list[str]] = {}
    registered = {_norm(r["nama"]) for r in registry} | {
        _norm(a) for r in registry for a in r["alias"].split(";") if a.strip()}
    unregistered = [u for u in UNREGISTERED if _norm(u) not in registered]
    serial = 0

    for lib_index in libs:
        lib = registry[lib_index]
        offset = offsets[by_typed[lib["provinsi"]]]
        kind = rng.choices(kinds, weights=kind_w)[0]
        # activity date: 2024, a few in late December 2023
        if rng.random() < 0.02:
            day = dt.date(2023, 12, rng.randint(1, 31))
        else:
            day = year_start + dt.timedelta(days=rng.randrange(366))
        # reporting delay in days (0..7 is timely)
        roll = rng.random()
        if roll < 0.30:
            delay = 0
        elif roll < 0.75:
            delay = rng.randint(1, 7)
        elif roll < 0.95:
            delay = rng.randint(8, 30)
        else:
            delay = rng.randint(31, 90)
        # local time of submission, mostly daytime, some just after midnight
        minute = rng.randint(0, 119) if rng.random() < 0.05 else rng.randint(7 * 60, 23 * 60 + 59)
        local = dt.datetime.combine(day + dt.timedelta(days=delay), dt.time()) + dt.timedelta(
            minutes=minute, seconds=rng.randint(0, 59))
        reported = (local - dt.timedelta(hours=offset)).replace(tzinfo=dt.UTC).astimezone(jakarta)

        pelibatan = kind in ("pelatihan", "pelatihan_tik", "promosi", "fasilitasi")
        male = rng.randint(0, 45) if pelibatan else rng.randint(0, 8)
        female = rng.randint(0, 60) if pelibatan else rng.randint(0, 8)
        if rng.random() < 0.002:
            male, female = rng.randint(400, 1400), rng.randint(900, 2500)  # a big event
        male_text, female_text = _participants(male, rng), _participants(female, rng)
        if not pelibatan and rng.random() < 0.5:
            male_text = female_text = ""
        n_partners = rng.choice([0, 1, 1, 2, 2, 3])
        v = lib["desa_kelurahan"] or lib["kabupaten_kota"] or "Provinsi"
        partners = rng.choice([", ", "; ", "\n"]).join(
            rng.choice(_PARTNERS).format(v=v, r=lib["kabupaten_kota"] or lib["provinsi"], n=rng.randint(1, 9))
            for _ in range(n_partners))
        doc = f"https://drive.google.com/drive/folders/1{_code(rng, 32)}" if rng.random() < 0.9 else ""
        if rng.random() < 0.003:
            doc = f"drive.google.com/drive/folders/{_code(rng, 20)}"  # url.invalid (warning)
        # publication links: mostly fresh, some re-used for a recap post
        memory = pub_memory.setdefault(lib_index, [])
        urls = []
        n_urls = 1 if kind == "publikasi" else rng.choice([0, 0, 1, 1, 1, 2])
        if kind == "publikasi" and rng.random() < 0.15:
            n_urls = 2
        for _ in range(n_urls):
            if memory and rng.random() < 0.06:
                urls.append(_url_variant(rng.choice(memory), rng))
            else:
                url = _pub_url(lib, rng)
                memory.append(url)
                if len(memory) > 20:
                    memory.pop(0)
                urls.append(url)
        if rng.random() < 0.004:
            urls.append(f"instagram.com/p/{_code(rng, 11)}")  # url.invalid (warning), dropped
        pub = rng.choice([" ", ", ", "\n", "; "]).join(urls)

        row = [
            reported.strftime("%d/%m/%Y %H:%M:%S"),
            f"perpus.{lib['id'].lower()}@gmail.com",
            _typed_name(lib, rng),
            day.strftime("%d/%m/%Y"),
            _title(kind, lib, rng),
            KIND_LABELS[kind] if rng.random() < 0.96 else rng.choice(KIND_VARIANTS[kind]),
            male_text,
            female_text,
            partners,
            doc,
            pub,
        ]

        # ~3 % messy rows, one situation each
        mess = rng.random()
        if mess < 0.006:
            row[rng.choice([6, 7])] = rng.choice(["25 orang", "-3", "2,5", "±20", "dua puluh", "12.5", "100001"])
        elif mess < 0.010:
            row[2] = _unknown_name(lib_index, lib, rng, unregistered)  # library.unknown
        elif mess < 0.014:
            row[3] = rng.choice(["31/02/2024", "2024/13/45", "kemarin", "32/01/2024", "-", "00/00/0000"])
        elif mess < 0.016:
            future = reported.date() + dt.timedelta(days=rng.randint(2, 20))
            row[3] = future.strftime("%d/%m/%Y")  # date.future
        elif mess < 0.017:
            row[3] = day.replace(year=rng.choice([2014, 2016, 2017]), day=min(day.day, 28)).strftime("%d/%m/%Y")  # before programme
        elif mess < 0.019:
            row[5] = rng.choice(UNKNOWN_KINDS)
        elif mess < 0.021:
            row[4] = rng.choice(["", "   "])  # title.missing
        elif mess < 0.023:
            row[5] = KIND_LABELS["publikasi"]
            row[10] = rng.choice(["", "belum ada", "instagram perpus"])  # publication.missing
        elif mess < 0.0235:
            row[0] = rng.choice(["", "kemarin sore", "31/02/2024 10:00:00"])  # timestamp.invalid

        serial += 1
        records.append((reported, serial, row))
        # resubmission (duplicate): same activity sent again later, title maybe re-typed
        if rng.random() < 0.008:
            again = list(row)
            later = reported + dt.timedelta(minutes=rng.randint(1, 60 * 24 * 3))
            again[0] = later.strftime("%d/%m/%Y %H:%M:%S")
            if rng.random() < 0.5:
                again[4] = rng.choice([row[4].upper(), row[4].lower(), row[4] + ".", row[4].replace(" ", "  ")])
            serial += 1
            records.append((later, serial, again))

    records.sort(key=lambda r: (r[0], r[1]))
    rows = [r[2] for r in records[:n_rows]]
    # a few blank rows in the middle (an edited-away response)
    for _ in range(max(1, n_rows // 5000)):
        rows[rng.randrange(len(rows))] = [""] * len(HEADER)
    return rows


def paths(n_rows: int, seed: int) -> tuple[Path, Path]:
    """(responses, registry) cache paths for this size and seed."""
    tag = f"s{seed}-v{GENERATOR_VERSION}"
    return DATA_DIR / f"responses-{n_rows}-{tag}.csv", DATA_DIR / f"registry-{tag}.csv"


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    tmp.replace(path)


def ensure_data(n_rows: int, seed: int = 7, *, quiet: bool = False) -> tuple[Path, Path]:
    """Generate (once) and return the responses and registry CSV paths."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    responses, registry_path = paths(n_rows, seed)
    registry = None
    if not registry_path.exists():
        registry = generate_registry(seed)
        _write(registry_path, REGISTRY_HEADER, [[r[c] for c in REGISTRY_HEADER] for r in registry])
    if not responses.exists():
        if registry is None:
            with registry_path.open(encoding="utf-8", newline="") as handle:
                registry = list(csv.DictReader(handle))
        if not quiet:
            print(f"generating {n_rows:,} rows -> {responses}", file=sys.stderr, flush=True)
        _write(responses, HEADER, generate_responses(n_rows, seed, registry))
    return responses, registry_path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    responses, registry = ensure_data(args.rows, args.seed)
    print(responses)
    print(registry)


if __name__ == "__main__":
    main()
