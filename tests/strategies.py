"""Hypothesis strategies shared by the property tests."""

from __future__ import annotations

import datetime as dt

import pendulum
from hypothesis import strategies as st

from tpbis.domain.activity import Activity, ActivityKind
from tpbis.parsing.table import Cell
from tpbis.testing.builders import make_activity

#: Anything a spreadsheet cell may hold, biased towards the shapes forms produce, plus what an
#: XLSX reader may give besides (times) and the values that once crashed whole runs (issue #16).
cells: st.SearchStrategy[Cell | dt.time] = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.integers(min_value=-(10**7), max_value=10**7),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)),
    st.datetimes(timezones=st.sampled_from([dt.timezone(dt.timedelta(hours=14)), dt.timezone(dt.timedelta(hours=-12))])),
    st.dates(),
    st.times(),
    st.sampled_from([
        "9" * 5000, "0" * 5000 + "7", 10**5000, "31/12/9999 23:30", "01/01/0001 00:00", "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-12:00", "31/12/9999", "\x00\x1b]0;pwn\x07",
    ]),
    st.sampled_from([
        "21/09/2024", "2024-09-21", "21 Agt 2024", "31/02/2024", "21/09/2024 14:05:33",
        "2024-09-21T14:05:33+09:00", "1.250", "25 orang", "-3", "2,5", "Publikasi", "Pelatihan TIK",
        "Perpusdes Teluk Bakau", "desa-teluk-bakau", "https://ig.com/p/1", "instagram.com/p/x", "  ",
    ]),
)

library_ids = st.sampled_from(["a", "b", "c"])
kinds = st.sampled_from(list(ActivityKind))
days = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2024, 12, 31)).map(
    lambda d: pendulum.date(d.year, d.month, d.day)
)


@st.composite
def activities(draw: st.DrawFn) -> Activity:
    """An accepted activity of one of three libraries in 2024."""
    return make_activity(
        draw(library_ids),
        draw(days),
        draw(kinds),
        male=draw(st.integers(0, 200)),
        female=draw(st.integers(0, 200)),
        delay_days=draw(st.integers(0, 30)),
        row=draw(st.integers(2, 10_000)),
        publication_urls=draw(st.lists(st.sampled_from([f"https://ig.com/p/{i}" for i in range(8)]), max_size=3)),
        title=draw(st.sampled_from(["Mendongeng", "Pelatihan Canva", "Audiensi"])),
    )
