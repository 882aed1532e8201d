"""A wall-clock limit on user code that runs in this process (``*.dashboard.py`` files and generators).

The code runs in the main thread, so the limit is a real-time interval timer whose signal handler raises
:class:`Overtime` inside whatever Python line is running (a ``while True: pass`` included). ``Overtime``
is a BaseException, so the user's ``except Exception:`` cannot swallow it. Where no such timer exists
(another thread, a platform without ``setitimer``) the code runs without a limit.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Overtime(BaseException):  # noqa: N818 - not an error of ours: the user's code ran out of time
    """The user's code did not finish within its time limit."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"did not finish within {seconds:g} s")
        self.seconds = seconds


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`Overtime` in the body once ``seconds`` of wall-clock time have passed."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise Overtime(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
