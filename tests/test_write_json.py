"""``tpbis.serialization.write_json``: the CLI's JSON, encoded in C, reads back as the value written."""

from __future__ import annotations

import io
import json

from hypothesis import given
from hypothesis import strategies as st

from tpbis.serialization import write_json

_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=30,
)


def _written(value: object, depth: int) -> str:
    out = io.StringIO()
    write_json(value, out, depth=depth)
    return out.getvalue()


@given(_values, st.integers(min_value=0, max_value=4))
def test_reads_back_as_the_value(value: object, depth: int) -> None:
    text = _written(value, depth)
    assert text.endswith("\n")
    assert json.loads(text) == value


@given(_values)
def test_fully_opened_it_is_json_dump_with_indent_1(value: object) -> None:
    assert _written(value, 100) == json.dumps(value, ensure_ascii=False, indent=1) + "\n"


def test_items_below_the_depth_are_one_line_each() -> None:
    document = {"counts": {"rows": 2}, "results": [{"id": "a", "score": 1.5}, {"id": "é", "plan": []}], "none": []}
    assert _written(document, 2).splitlines() == [
        "{",
        ' "counts": {',
        '  "rows": 2',
        " },",
        ' "results": [',
        '  {"id": "a", "score": 1.5},',
        '  {"id": "é", "plan": []}',
        " ],",
        ' "none": []',
        "}",
    ]


def test_rendered_messages_are_told_apart_by_type_and_text() -> None:
    """The render cache never hands one value's text to another equal value (1, 1.0, True, -0.0, 1.00)."""
    from decimal import Decimal
    from fractions import Fraction

    from tpbis.message import Message
    from tpbis.render.documents import _both

    unit = Message.literal("kegiatan", "activities")
    values: list[object] = [1, 1.0, True, 0.0, -0.0, Decimal("1.0"), Decimal("1.00"), Fraction(1), "1"]
    shown = [_both(Message("award.unmet.more", amount=v, unit=unit)) for v in values]
    assert shown == [(Message("award.unmet.more", amount=v, unit=unit).render("id"),
                      Message("award.unmet.more", amount=v, unit=unit).render("en")) for v in values]
    assert len({text for text, _ in shown}) == len({str(v) for v in values})
