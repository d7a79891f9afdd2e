"""The token bucket never lets more than its limit into any one-minute window, whatever the timing."""

from __future__ import annotations

import bisect

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tpbis.adapters.ratelimit import TokenBucket


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@settings(max_examples=150, deadline=None)
@given(limit=st.integers(2, 120), gaps=st.lists(st.floats(0, 30, allow_nan=False), min_size=1, max_size=400))
def test_no_window_of_a_minute_sees_more_than_the_limit(limit: int, gaps: list[float]) -> None:
    clock = Clock()
    bucket = TokenBucket.per_minute(limit, clock=clock, sleep=clock.sleep)
    times = []
    for gap in gaps:
        clock.now += gap
        bucket.acquire()
        times.append(clock.now)
    for i, start in enumerate(times):
        inside = bisect.bisect_right(times, start + 60) - i
        assert inside <= limit


def test_a_steady_stream_goes_at_the_rate() -> None:
    clock = Clock()
    bucket = TokenBucket.per_minute(60, clock=clock, sleep=clock.sleep)
    for _ in range(600):
        bucket.acquire()
    # 6 at once, then 54 a minute: 594 more take 11 minutes
    assert clock.now == pytest.approx(594 / 54 * 60, rel=1e-6)
    assert bucket.acquired == 600
    assert bucket.waited == pytest.approx(clock.now)


def test_bad_limits_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 2"):
        TokenBucket.per_minute(1)
    with pytest.raises(ValueError, match="rate"):
        TokenBucket(0)


def test_a_429_halves_the_rate_for_everyone_once_a_minute() -> None:
    clock = Clock()
    bucket = TokenBucket.per_minute(60, clock=clock, sleep=clock.sleep)
    first = bucket.rate
    bucket.slow_down()
    bucket.slow_down()  # the same full window: counted once
    assert bucket.rate == pytest.approx(first / 2)
    assert bucket.slowed == 1
    bucket.acquire()  # the bucket was emptied: even the first request waits
    assert clock.now == pytest.approx(1 / bucket.rate)
    for _ in range(20):
        clock.now += 61
        bucket.slow_down()
    assert bucket.rate == pytest.approx(first / 8)  # never below an eighth
