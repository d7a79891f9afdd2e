"""Hostile review: a run over several SOURCEs does not depend on the order they are given in."""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import tpbis
from tpbis.parsing.table import Table
from tpbis.rubrics import shipped_rubric
from tpbis.service import Inputs, SourceResponses, parse_inputs

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = tpbis.load_inputs(ROOT / "examples" / "kepri-2024-responses.csv",
                             registry=ROOT / "examples" / "kepri-2024-registry.csv").registry
HEADER = ("Cap waktu", "Nama Perpustakaan", "Tanggal Kegiatan", "Nama Kegiatan", "Jenis Kegiatan",
          "Jumlah Peserta Laki-laki", "Jumlah Peserta Perempuan", "Tautan Dokumentasi", "Tautan Publikasi")
LIBRARIES = ("Perpustakaan Desa Teluk Bakau", "Dinas Perpustakaan dan Kearsipan Kabupaten Bintan",
             "Dinas Perpustakaan dan Kearsipan Provinsi Kepulauan Riau")
TITLES = ("Pelatihan Komputer Dasar", "pelatihan komputer dasar!", "Dasar Komputer Pelatihan", "Kelas Menganyam Rotan")
RUBRIC = shipped_rubric("tpbis-default@2")

row = st.tuples(
    st.sampled_from(["20/09/2024 08:00:00", "20/09/2024 09:00:00", "21/09/2024 08:00:00"]),  # ties across sources
    st.sampled_from(LIBRARIES),
    st.sampled_from(["09/09/2024", "10/09/2024", "12/09/2024", "16/09/2024"]),
    st.sampled_from(TITLES),
    st.sampled_from(["Pelatihan TIK", "Pelatihan keterampilan"]),
    st.sampled_from(["9", "10", "12"]),
    st.sampled_from(["10", "11"]),
    st.just("https://drive.google.com/x"),
    st.just(""),
)
sources = st.lists(st.lists(row, max_size=6), min_size=2, max_size=4)


def _inputs(tables: list[list[tuple[str, ...]]], order: list[int]) -> Inputs:
    given_ = [SourceResponses(responses=Table(name="Form Responses 1", header=HEADER, rows=[list(r) for r in tables[i]]),
                              name=f"source-{i}.csv", channel=f"c{i}") for i in order]
    first, *more = given_
    return Inputs(responses=first.responses, registry=REGISTRY, name=first.name, channel=first.channel,
                  more=tuple(more))


def _outcome(tables: list[list[tuple[str, ...]]], order: list[int]) -> tuple[object, ...]:
    parsed = parse_inputs(_inputs(tables, order), RUBRIC)
    kept = sorted((a.library_id, a.date.isoformat(), a.title, a.participants, str(a.reported_at))
                  for a in parsed.activities)
    flagged = sorted((p.source, p.row, p.code) for p in parsed.problems)
    return parsed.counts, kept, flagged


class TestOrderOfSources:
    @settings(max_examples=150, deadline=None)
    @given(sources, st.randoms(use_true_random=False))
    def test_shuffled_sources_same_outcome(self, tables: list[list[tuple[str, ...]]], rnd: random.Random) -> None:
        order = list(range(len(tables)))
        shuffled = order[:]
        rnd.shuffle(shuffled)
        assert _outcome(tables, order) == _outcome(tables, shuffled)
