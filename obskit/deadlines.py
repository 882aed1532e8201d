"""Work with time limits that cannot be held up by a stuck thread.

Each :class:`Job` runs in its own daemon thread and its clock starts when that thread starts running
the work -- not when it was queued, and not while the caller was busy waiting for something else. The
caller waits for a job until the job's own budget or an overall deadline runs out, whichever is first;
a job still running then is abandoned (a daemon thread never keeps the process alive, unlike
``concurrent.futures`` workers, which are joined at interpreter exit).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any


class Job:
    """One piece of work in a daemon thread; ``result(timeout)`` behaves like ``Future.result``."""

    def __init__(self, name: str, fn: Callable[..., Any], *args: Any) -> None:
        self.name = name
        self.started = time.monotonic()
        self._done = threading.Event()
        self._value: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(fn, args), name=f"obskit-{name}", daemon=True)
        self._thread.start()

    def _run(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        self.started = time.monotonic()
        try:
            self._value = fn(*args)
        except BaseException as exc:  # handed to whoever waits for the result
            self._error = exc
        finally:
            self._done.set()

    def done(self) -> bool:
        return self._done.is_set()

    def result(self, timeout: float | None = None) -> Any:
        """The value, or the exception the work raised; TimeoutError when it is not done in time."""
        if not self._done.wait(timeout):
            raise TimeoutError(f"{self.name}: no answer within {timeout:g} s" if timeout is not None else self.name)
        if self._error is not None:
            raise self._error
        return self._value


class Deadline:
    """An overall deadline plus a per-job budget counted from each job's own start.

    Used as a context manager around the work; on the way out, jobs still running are listed in
    ``abandoned`` (their daemon threads are left behind, never waited for).
    """

    def __init__(self, overall: float, per_job: float) -> None:
        self.start = time.monotonic()
        self.overall = overall
        self.per_job = per_job
        self.jobs: list[Job] = []
        self.abandoned: list[str] = []

    def __enter__(self) -> Deadline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.abandoned = [job.name for job in self.jobs if not job.done()]

    def submit(self, name: str, fn: Callable[..., Any], *args: Any) -> Job:
        """Start ``fn(*args)`` now, in its own daemon thread; its budget starts when it starts."""
        job = Job(name, fn, *args)
        self.jobs.append(job)
        return job

    def left(self, job: Job) -> float:
        now = time.monotonic()
        return max(0.0, min(self.per_job - (now - job.started), self.overall - (now - self.start)))

    def wait(self, job: Job) -> Any:
        """job.result() within what is left of its budget and of the overall deadline."""
        return job.result(timeout=self.left(job))
