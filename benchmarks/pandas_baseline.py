"""A straightforward pandas implementation of the default-rubric composite (SPEC §2, §3.1, §5).

This is the baseline tpbis is measured against: what a competent pandas user
would write for "score every registered library for 2024 from the Google Forms
CSV export". It is independent of tpbis (it imports nothing from it) and is
vectorised throughout: explicit date formats, ``to_numeric``-style validation
with regexes, dict maps for library names and kind labels, ``groupby`` sums.
It reads the Google export form only (``21/09/2024`` dates,
``21/09/2024 14:05:33`` timestamps in Asia/Jakarta); the other date forms
tpbis accepts are rejected here (the generator writes none of them).

Arithmetic is float; the composite is rounded half up to one decimal with a
1e-9 guard against binary representation error (exact ties like 72.45 are
decimal, the nearest non-tie composite is far more than 1e-9 away).

    python benchmarks/pandas_baseline.py RESPONSES.csv REGISTRY.csv [--year 2024]
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["BaselineResult", "composites", "run"]

SHEET_TZ = "Asia/Jakarta"
PROGRAM_START = pd.Timestamp(2018, 1, 1)
MAX_PARTICIPANTS = 100_000
WITHIN_DAYS = 7

_WIT = ["Maluku", "Maluku Utara", "Papua", "Papua Barat", "Papua Barat Daya", "Papua Selatan",
        "Papua Tengah", "Papua Pegunungan"]
_WITA = ["Bali", "Nusa Tenggara Barat", "Nusa Tenggara Timur", "Kalimantan Selatan", "Kalimantan Timur",
         "Kalimantan Utara", "Sulawesi Utara", "Sulawesi Tengah", "Sulawesi Selatan", "Sulawesi Tenggara",
         "Sulawesi Barat", "Gorontalo"]
_WIB = ["Aceh", "Sumatera Utara", "Sumatera Barat", "Riau", "Kepulauan Riau", "Jambi", "Sumatera Selatan",
        "Kepulauan Bangka Belitung", "Bengkulu", "Lampung", "DKI Jakarta", "Jawa Barat", "Banten",
        "Jawa Tengah", "DI Yogyakarta", "Jawa Timur", "Kalimantan Barat", "Kalimantan Tengah"]
PROVINCE_TZ = {
    **dict.fromkeys(_WIT, "Asia/Jayapura"),
    **dict.fromkeys(_WITA, "Asia/Makassar"),
    **dict.fromkeys(_WIB, "Asia/Jakarta"),
}
LEVEL = {"provinsi": 1, "kabupaten": 2, "kota": 2, "desa": 3, "kelurahan": 3, "tbm": 3}

# kind slug -> (Indonesian label, English label, extra aliases) — the default rubric
KINDS = {
    "pelatihan": ("Pelatihan keterampilan", "Skills training", ()),
    "pelatihan_tik": ("Pelatihan TIK", "ICT training", ("Pelatihan teknologi informasi dan komunikasi",)),
    "promosi": ("Promosi layanan (literatour, bimbingan pemustaka/referensi, mendongeng)",
                "Service promotion (literatour, user/reference guidance, storytelling)", ()),
    "fasilitasi": ("Fasilitasi kegiatan masyarakat (ruang komunal, aula)",
                   "Community activity facilitation (communal space, hall)", ()),
    "layanan_digital": ("Layanan digital (ulasan buku, podcast, studio pustaka, e-book)",
                        "Digital service (book reviews, podcast, library studio, e-book)", ()),
    "advokasi": ("Advokasi", "Advocacy", ()),
    "kemitraan": ("Kemitraan", "Partnership", ()),
    "publikasi": ("Publikasi", "Publication", ()),
}
PELIBATAN = ["pelatihan", "pelatihan_tik", "promosi", "fasilitasi"]
CAPACITY = ["pelatihan", "pelatihan_tik"]
ADVOCACY = ["advokasi", "kemitraan"]

# indicator -> (weight, annual target for levels 1, 2, 3)
WEIGHTS = {"kegiatan": 25, "peserta": 20, "perempuan": 10, "kapasitas": 15, "advokasi": 10,
           "publikasi": 10, "tepat": 10}
TARGETS = {
    "kegiatan": (96, 72, 48),
    "peserta": (2400, 1440, 720),
    "kapasitas": (24, 24, 12),
    "advokasi": (8, 6, 4),
    "publikasi": (72, 48, 24),
}
FEMALE_TARGET = 50.0
TIMELY_TARGET = 80.0

COLUMNS = {
    "Cap waktu": "ts", "Alamat email": "email", "Nama Perpustakaan": "library",
    "Tanggal Kegiatan": "date", "Nama Kegiatan": "title", "Jenis Kegiatan": "kind",
    "Jumlah Peserta Laki-laki": "male", "Jumlah Peserta Perempuan": "female",
    "Mitra yang Terlibat": "partners", "Tautan Dokumentasi": "doc", "Tautan Publikasi": "pub",
}

_PUNCT = r"[^\w\s]|_"          # punctuation (anything not a letter, digit or space) -> space
_WHOLE = r"\d+|[1-9]\d{0,2}([.,])\d{3}(?:\1\d{3})*"   # 1250, 1.250, 1,250 (one separator)
_URL = re.compile(r"(?i)^(https?)://([^/?#\s]+)([^?#]*)(\?[^#]*)?(#.*)?$")


def _normalise(s: pd.Series) -> pd.Series:
    """Casefold, punctuation to space, whitespace collapsed (SPEC §3.1)."""
    return (s.str.casefold().str.replace(_PUNCT, " ", regex=True)
            .str.replace(r"\s+", " ", regex=True).str.strip())


def _name_key(text: str) -> str:
    words = re.sub(r"\s+", " ", re.sub(_PUNCT, " ", text.casefold())).split()
    return " ".join({"perpusdes": "perpustakaan desa", "perpus": "perpustakaan"}.get(w, w) for w in words)


def _label_key(text: str) -> str:
    return " ".join(text.casefold().split())


def _kind_map() -> dict[str, str]:
    out: dict[str, str] = {}
    for slug, (label, label_en, aliases) in KINDS.items():
        for name in (slug, label, label.split(" (", 1)[0], label_en, label_en.split(" (", 1)[0], *aliases):
            out[_label_key(name)] = slug
    return out


def _registry(path: str) -> tuple[pd.DataFrame, dict[str, str], dict[str, str]]:
    reg = pd.read_csv(path, dtype=str, keep_default_na=False)
    reg["id"] = reg["id"].str.strip()
    canon = {_label_key(p): p for p in PROVINCE_TZ}
    reg["province"] = reg["provinsi"].map(lambda p: canon[_label_key(p)])
    reg["tz"] = reg["province"].map(PROVINCE_TZ)
    reg["level"] = reg["jenis"].str.strip().str.casefold().map(LEVEL)
    by_name: dict[str, str] = {}
    for lib_id, name, aliases in zip(reg["id"], reg["nama"], reg["alias"], strict=True):
        for text in (name, *aliases.split(";")):
            key = _name_key(text)
            if key:
                by_name[key] = lib_id
    return reg.set_index("id"), dict(zip(reg["id"], reg["id"], strict=True)), by_name


class BaselineResult:
    """Composites per library id and the row accounting."""

    def __init__(self, composites: dict[str, float], counts: Mapping[str, int]) -> None:
        self.composites = composites
        self.counts = dict(counts)


def run(responses_csv: str, registry_csv: str, year: int = 2024) -> BaselineResult:
    """Score every registered library for calendar ``year``."""
    reg, by_id, by_name = _registry(registry_csv)

    df = pd.read_csv(responses_csv, dtype=str, keep_default_na=False, na_filter=False)
    df = df.rename(columns=COLUMNS)
    df["row"] = np.arange(2, len(df) + 2)
    library = df["library"].str.strip()
    title = df["title"].str.strip()
    # a blank row has every cell blank: only rows without library and title can be one
    maybe = (library == "") & (title == "")
    is_blank = maybe.copy()
    is_blank[maybe] = (df.loc[maybe, list(COLUMNS.values())].apply(lambda c: c.str.strip()) == "").all(axis=1)
    n_rows, n_blank = len(df), int(is_blank.sum())
    df, library, title = df[~is_blank], library[~is_blank], title[~is_blank]

    # library: exact id, then normalised name or alias (each distinct text once, then mapped back)
    codes, uniques = pd.factorize(library)
    uniq = pd.Series(uniques)
    name_key = (_normalise(uniq).str.replace(r"\bperpusdes\b", "perpustakaan desa", regex=True)
                .str.replace(r"\bperpus\b", "perpustakaan", regex=True))
    df["lib"] = uniq.map(by_id).fillna(name_key.map(by_name)).to_numpy()[codes]

    codes, uniques = pd.factorize(df["kind"])
    kinds = pd.Series(uniques).str.casefold().str.split().str.join(" ").map(_kind_map())
    df["kind_id"] = kinds.to_numpy()[codes]

    ts = pd.to_datetime(df["ts"], format="%d/%m/%Y %H:%M:%S", errors="coerce")
    day = pd.to_datetime(df["date"], format="%d/%m/%Y", errors="coerce")

    # local date of the timestamp in the library's zone (the sheet's when the library is unknown)
    tz = df["lib"].map(reg["tz"]).fillna(SHEET_TZ)
    aware = ts.dt.tz_localize(SHEET_TZ)
    reported_on = pd.concat([
        aware[tz == zone].dt.tz_convert(zone).dt.tz_localize(None).dt.normalize()
        for zone in tz.unique()
    ]).reindex(df.index)

    def whole(col: pd.Series) -> pd.Series:
        """Whole number 0…100000, thousands separators allowed, blank = 0; NaN when invalid."""
        codes, uniques = pd.factorize(col)  # few distinct texts: validate each once
        text = pd.Series(uniques).str.strip()
        ok = text.str.fullmatch(_WHOLE)
        number = pd.to_numeric(text.where(ok).str.replace(r"[.,]", "", regex=True), errors="coerce")
        number = number.where(text != "", 0).where(lambda n: n <= MAX_PARTICIPANTS)
        return pd.Series(number.to_numpy()[codes], index=col.index)

    male, female = whole(df["male"]), whole(df["female"])

    # publication links: split, keep http(s), URL identity (SPEC §5)
    urls = df["pub"].str.split(r"[\s,;]+").explode()
    urls = urls[urls != ""]
    parts = urls.str.extract(_URL)
    valid = parts[0].notna()
    parts = parts[valid].fillna("")
    path = parts[2].str.replace(r"/$", "", regex=True)
    identity = parts[0].str.lower() + "://" + parts[1].str.lower() + path + parts[3]
    has_url = identity.groupby(level=0).size().reindex(df.index, fill_value=0) > 0

    error = (
        df["lib"].isna()
        | ts.isna()
        | day.isna()
        | (day < PROGRAM_START)
        | (day > reported_on)
        | df["kind_id"].isna()
        | (title == "")
        | male.isna()
        | female.isna()
        | ((df["kind_id"] == "publikasi") & ~has_url)
    )
    ok = df.assign(day=day, male=male, female=female, reported_on=reported_on, ts_=ts)[~error]
    ok["title_key"] = _normalise(ok["title"])
    # duplicates: same library, date, kind, normalised title; the earlier-reported row wins
    ok = ok.sort_values(["ts_", "row"], kind="stable")
    dup = ok.duplicated(["lib", "day", "kind_id", "title_key"], keep="first")
    n_dups = int(dup.sum())
    ok = ok[~dup]
    counts = {"rows": n_rows, "accepted": len(ok), "rejected": int(error.sum()),
              "duplicates": n_dups, "blank": n_blank}

    # the period
    ok = ok[(ok["day"] >= pd.Timestamp(year, 1, 1)) & (ok["day"] <= pd.Timestamp(year, 12, 31))]
    pel = ok["kind_id"].isin(PELIBATAN)
    people = ok["male"] + ok["female"]
    per = pd.DataFrame({
        "lib": ok["lib"],
        "kegiatan": pel,
        "peserta": people.where(pel, 0),
        "female": ok["female"].where(pel, 0),
        "kapasitas": ok["kind_id"].isin(CAPACITY),
        "advokasi": ok["kind_id"].isin(ADVOCACY),
        "all": 1,
        "tepat": (ok["reported_on"] - ok["day"]).dt.days <= WITHIN_DAYS,
    }).groupby("lib").sum()
    pub_ids = identity[identity.index.isin(ok.index)]
    pubs = (pd.DataFrame({"lib": ok["lib"].reindex(pub_ids.index), "url": pub_ids})
            .drop_duplicates().groupby("lib").size())
    per["publikasi"] = pubs
    per = per.reindex(reg.index).fillna(0)

    level = reg["level"].to_numpy() - 1
    total = 0.0
    for name, targets in TARGETS.items():
        target = np.asarray(targets, dtype=float)[level]
        total = total + WEIGHTS[name] * 100 * np.minimum(per[name].to_numpy() / target, 1.0)
    people_sum = per["peserta"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(people_sum > 0, 100 * per["female"].to_numpy() / people_sum, 0.0)
        timely = np.where(per["all"].to_numpy() > 0, 100 * per["tepat"].to_numpy() / per["all"].to_numpy(), 0.0)
    total = total + WEIGHTS["perempuan"] * 100 * np.minimum(share / FEMALE_TARGET, 1.0)
    total = total + WEIGHTS["tepat"] * 100 * np.minimum(timely / TIMELY_TARGET, 1.0)
    composite = total / sum(WEIGHTS.values())
    rounded = np.floor(composite * 10 + 0.5 + 1e-9) / 10
    return BaselineResult(dict(zip(reg.index, rounded.tolist(), strict=True)), counts)


def composites(responses_csv: str, registry_csv: str, year: int = 2024) -> dict[str, float]:
    """{library_id: composite} for every registered library."""
    return run(responses_csv, registry_csv, year).composites


def main() -> None:
    parser = argparse.ArgumentParser(description="pandas baseline of the default-rubric composite")
    parser.add_argument("responses")
    parser.add_argument("registry")
    parser.add_argument("--year", type=int, default=2024)
    args = parser.parse_args()
    result = run(args.responses, args.registry, args.year)
    print(result.counts)
    for lib_id, value in list(result.composites.items())[:20]:
        print(f"{lib_id:20} {value:5.1f}")


if __name__ == "__main__":
    main()
