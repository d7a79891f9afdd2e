"""BilingualTexts gives what rendering each message gives, for values of mixed types and a memory that fills up."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from tpbis.message import BilingualTexts, Message, render

VALUES = st.sampled_from([1, 1.0, True, Decimal("1.00"), Decimal("1"), Fraction(1), Fraction(2, 4), -0.0, 0.0, 0,
                          False, None, "1", "{n}", "a\u2028b", "\ud83d", 10**30, 1e300, float("nan"),
                          Decimal("NaN"), Decimal("-0"), (1, 2)])


def messages() -> st.SearchStrategy[Message]:
    leaves = st.one_of(
        st.builds(lambda a, b: Message.literal(str(a), str(b)), VALUES, VALUES),
        st.builds(lambda a, u: Message("award.unmet.more", amount=a, unit=Message.literal(str(u), str(u))),
                  VALUES, VALUES),
    )
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.builds(lambda a, u, i: Message("gap.option", amount=a, unit=u, indicator=i), VALUES, inner, VALUES),
            st.builds(lambda s: Message("gap.step", step=s), inner),
            st.builds(lambda f, r: Message("gap.steps", first=f, rest=r), inner, inner),
        ),
        max_leaves=6,
    )


@settings(max_examples=300, deadline=None)
@given(batch=st.lists(messages(), min_size=1, max_size=12), limit=st.integers(1, 6))
def test_same_as_render(batch: list[Message], limit: int) -> None:
    texts = BilingualTexts(limit)
    for message in batch + batch:
        assert (render(message, "id"), render(message, "en")) == texts(message)
