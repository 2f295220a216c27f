"""Hypothesis profiles: "ci" (the default, derandomized and bounded, so CI is repeatable and
quick) and "deep" for runs by hand: ``HYPOTHESIS_PROFILE=deep pytest tests/property``."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=120,
    deadline=5000,  # ms per example: a bound against hangs, far above the normal time
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    database=None,
)
settings.register_profile(
    "deep",
    max_examples=5000,
    deadline=5000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


class Hang(Exception):
    """An example that ran past its time bound."""


@contextmanager
def time_bound(seconds: int) -> Iterator[None]:
    """Fail an example that hangs (hypothesis's deadline only measures examples that finish)."""

    def alarm(signum: int, frame: object) -> None:
        raise Hang(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
