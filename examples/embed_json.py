"""Embed tpbis in another application: JSON in, SPEC §7 JSON out.

Run from the repository root (offline)::

    python examples/embed_json.py                 # uses the sample request below
    python examples/embed_json.py request.json    # or your own request

A web dashboard or a form backend holds its data as plain dicts. This script
takes a request with a ``period``, a ``registry`` (one dict per library, keys as
in the ``Perpustakaan`` tab) and ``activities`` (one dict per submitted report,
keys named after the response fields), runs every row through the same checks
as a spreadsheet row, scores the period and prints the public JSON document of
SPEC §7: results, roll-ups, counts, and a problem for each bad row (its
``row`` is the 1-based position in ``activities``, its ``column`` the key).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import tpbis
from tpbis.parsing.mapping import Field
from tpbis.parsing.registry import read_registry

SAMPLE_REQUEST: dict[str, Any] = {
    "period": "2024-09",
    "registry": [
        {"id": "desa-sukamaju", "name": "Perpustakaan Desa Sukamaju", "kind": "desa",
         "province": "Jawa Barat", "regency": "Kabupaten Bandung", "computers": 3},
        {"id": "tbm-cahaya", "name": "TBM Cahaya", "kind": "tbm",
         "province": "Jawa Barat", "regency": "Kabupaten Bandung", "aliases": "TBM Cahaya Ilmu"},
    ],
    "activities": [
        {"reported_at": "2024-09-06T10:00:00+07:00", "library": "desa-sukamaju",
         "date": "2024-09-04", "title": "Pelatihan membuat kue", "kind": "pelatihan",
         "participants_male": 4, "participants_female": 16,
         "publication_urls": "https://desa-sukamaju.example.com/berita/kue"},
        {"reported_at": "2024-09-20T09:30:00+07:00", "library": "Perpustakaan Desa Sukamaju",
         "date": "2024-09-18", "title": "Kelas komputer dasar", "kind": "Pelatihan TIK",
         "participants_male": 9, "participants_female": 11, "partners": "Karang Taruna"},
        {"reported_at": "2024-09-12T16:00:00+07:00", "library": "TBM Cahaya Ilmu",
         "date": "2024-09-10", "title": "Mendongeng untuk anak", "kind": "promosi",
         "participants_male": 12, "participants_female": 15},
        # a bad row: it becomes a problem in the document, never an exception
        {"reported_at": "2024-09-13T08:00:00+07:00", "library": "tbm-cahaya",
         "date": "kemarin", "title": "Bedah buku", "kind": "promosi",
         "participants_male": 5, "participants_female": "lima"},
    ],
}

#: Request keys are the response field names (``library``, ``date``, …).
FIELDS = tuple(Field)
COLUMNS = {field.value: field.value for field in FIELDS}
REGISTRY_KEYS = ("id", "name", "kind", "province", "regency", "village", "aliases",
                 "computers", "digital_collection", "print_collection")


# --8<-- [start:score_request]
def score_request(request: dict[str, Any]) -> dict[str, Any]:
    """Score one request and return the SPEC §7 document."""
    registry = read_registry(tpbis.Table(
        name="registry",
        header=REGISTRY_KEYS,
        rows=[[library.get(key) for key in REGISTRY_KEYS] for library in request["registry"]],
    ))
    responses = tpbis.Table(
        name="activities",
        header=tuple(field.value for field in FIELDS),
        header_row=0,  # so a problem's "row" is the 1-based position in "activities"
        rows=[[activity.get(field.value) for field in FIELDS] for activity in request["activities"]],
    )
    rubric = tpbis.default_rubric()
    parsed = tpbis.parse_responses(responses, registry, rubric, columns=COLUMNS)
    run = tpbis.score(parsed.activities, registry, rubric, tpbis.Period.parse(request["period"]))
    return tpbis.kpi_document(run, parsed.counts, parsed.problems)
# --8<-- [end:score_request]


def main(argv: list[str]) -> None:
    request = json.loads(Path(argv[0]).read_text(encoding="utf-8")) if argv else SAMPLE_REQUEST
    json.dump(score_request(request), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
