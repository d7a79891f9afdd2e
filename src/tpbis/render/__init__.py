"""Where results become text: the JSON documents, table rows, terminal text and the HTML report.

The domain, the parsers and the services hold :class:`~tpbis.message.Message`
values; this package renders them, in one language (or in both, for the JSON
document of SPEC §7). Pure functions: values in, plain data or text out; no I/O.

- :mod:`tpbis.render.documents`: the JSON documents (``kpi_document``, ``awards_document``).
- :mod:`tpbis.render.rows`: header and rows of the CSV outputs and the output tabs.
- :mod:`tpbis.render.text`: terminal tables, gap advice and the what-if answer.
- :mod:`tpbis.render.safe`: formula-safe spreadsheet cells and control-free terminal text.
- :mod:`tpbis.render.html` and :mod:`tpbis.render.report`: the self-contained HTML report.
"""

from __future__ import annotations

from tpbis.render.documents import (
    awards_document,
    awards_items,
    contest_items,
    kpi_document,
    number,
    problem_dict,
)
from tpbis.render.rows import awards_rows, kpi_rows, problem_rows
from tpbis.render.safe import csv_cell, csv_text, terminal_text, write_csv
from tpbis.render.text import (
    awards_table,
    gap_text,
    kpi_table,
    severity_counts,
    what_if_message,
    what_if_text,
)

__all__ = [
    "awards_document",
    "awards_items",
    "awards_rows",
    "awards_table",
    "contest_items",
    "csv_cell",
    "csv_text",
    "gap_text",
    "kpi_document",
    "kpi_rows",
    "kpi_table",
    "number",
    "problem_dict",
    "problem_rows",
    "severity_counts",
    "terminal_text",
    "what_if_message",
    "what_if_text",
    "write_csv",
]
