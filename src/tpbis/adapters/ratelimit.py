"""A client-side rate limiter: a thread-safe token bucket that keeps requests under a per-minute quota.

Google's Sheets API allows 60 read requests per minute per user per project
(300 per project; the same for writes) and answers more with HTTP 429
``RESOURCE_EXHAUSTED`` (developers.google.com/sheets/api/limits). The
retrying transport (:mod:`tpbis.adapters._transport`) still retries a 429,
but a run that reads many spreadsheets should not lean on that: a
:class:`TokenBucket` shared by every client of the run makes each request
wait for a token first.

A bucket of ``burst`` tokens refilled at ``rate`` tokens per second lets
through at most ``burst + rate × T`` requests in any interval of ``T``
seconds, so :meth:`TokenBucket.per_minute` sets ``burst + 60 × rate`` to the
limit: no one-minute window, sliding or fixed, ever sees more than the limit.
Clock and sleep are injectable (tests use a manual clock and never wait).

When Google answers 429 anyway (someone else's requests share the user's or
the project's quota), :meth:`TokenBucket.slow_down` halves the rate for the
rest of the run (at most once a minute) and empties the bucket, so every worker backs off together
instead of each spending its retries against a full quota.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

__all__ = ["TokenBucket"]

_EPSILON = 1e-9


class TokenBucket:
    """At most ``burst + rate × T`` acquisitions in any ``T`` seconds; :meth:`acquire` waits for a token.

    Args:
        rate: tokens added per second (> 0).
        burst: the bucket's size, and how many tokens it starts with (≥ 1).
        clock: a monotonic clock in seconds.
        sleep: how to wait (seconds).
    """

    def __init__(self, rate: float, burst: int = 1, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if rate <= 0 or burst < 1:
            msg = f"a token bucket needs rate > 0 and burst >= 1 (got rate={rate}, burst={burst})"
            raise ValueError(msg)
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self.sleep = sleep
        self._tokens = float(burst)
        self._stamp = clock()
        self._lock = threading.Lock()
        #: how many tokens were handed out
        self.acquired = 0
        #: seconds spent waiting for tokens, over all callers
        self.waited = 0.0
        #: how many times :meth:`slow_down` halved the rate
        self.slowed = 0
        self._first_rate = rate
        self._slowed_at: float | None = None

    @classmethod
    def per_minute(cls, limit: int, *, clock: Callable[[], float] = time.monotonic,
                   sleep: Callable[[float], None] = time.sleep) -> TokenBucket:
        """A bucket that never lets more than ``limit`` requests into any 60-second window.

        A tenth of the limit (at least 1) may go at once; the rest is spread evenly over the minute.
        """
        if limit < 2:
            msg = f"a per-minute limit must be at least 2 (got {limit})"
            raise ValueError(msg)
        burst = max(1, limit // 10)
        return cls((limit - burst) / 60.0, burst, clock=clock, sleep=sleep)

    def slow_down(self) -> None:
        """Google said 429: halve the rate and empty the bucket.

        At most once a minute (the 429s of one full window count once; workers
        hit it together) and never below an eighth of the first rate.
        """
        with self._lock:
            now = self.clock()
            if self._slowed_at is not None and now - self._slowed_at < 60.0:
                return
            self._refill(now)
            self.rate = max(self.rate / 2.0, self._first_rate / 8.0)
            self._tokens = 0.0
            self._slowed_at = now
            self.slowed += 1

    def _refill(self, now: float) -> None:
        if now > self._stamp:
            self._tokens = min(float(self.burst), self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now

    def acquire(self) -> float:
        """Take one token, waiting until there is one; returns the seconds waited."""
        waited = 0.0
        while True:
            with self._lock:
                self._refill(self.clock())
                if self._tokens >= 1.0 - _EPSILON:  # float sums of refills may fall a hair short of 1
                    self._tokens = max(self._tokens - 1.0, 0.0)
                    self.acquired += 1
                    self.waited += waited
                    return waited
                delay = max((1.0 - self._tokens) / self.rate, _EPSILON)
            self.sleep(delay)
            waited += delay
