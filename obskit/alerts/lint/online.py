"""What online checks ask Prometheus, through obskit.transport: series (with a look-back) and metadata.

Answers are cached per run. A failing Prometheus raises BackendError once; the lint runner turns it
into a backend error for the run (exit 3 when nothing else failed) and skips the remaining online checks.
"""

from __future__ import annotations

import time
from typing import Any

import httpx

from obskit.errors import BackendError
from obskit.transport import describe_failure, get_json, prometheus_client

LOOKBACK_SECONDS = 7 * 86400


class PrometheusFacts:
    def __init__(self, url: str, client: httpx.Client | None = None, timeout: float = 10.0,
                 prometheus: Any = None) -> None:
        self.url = url
        self.client = client or prometheus_client(url, prometheus, timeout=timeout)
        self._series: dict[tuple[str, int], list[dict[str, str]]] = {}
        self._metadata: dict[str, list[dict[str, Any]]] | None = None

    def _get(self, path: str, params: dict[str, Any]) -> Any:
        try:
            body = get_json(self.client, path, params=params)
        except (httpx.HTTPError, ValueError) as exc:
            raise BackendError(f"Prometheus at {self.url} failed: {describe_failure(exc)} ({path})") from None
        if body.get("status") != "success":
            raise BackendError(f"Prometheus at {self.url} answered {path} with an error: {body.get('error')}")
        return body["data"]

    def series(self, selector: str, lookback: int = 0) -> list[dict[str, str]]:
        """Series matching the selector now (lookback 0: the last 5 minutes) or within `lookback` seconds."""
        key = (selector, lookback)
        if key not in self._series:
            end = time.time()
            start = end - (lookback or 300)
            self._series[key] = self._get("/api/v1/series", {"match[]": selector, "start": f"{start:.3f}",
                                                             "end": f"{end:.3f}"})
        return self._series[key]

    def metric_type(self, name: str) -> str | None:
        """The metadata type (counter, gauge, histogram, summary, ...) or None when Prometheus has none."""
        if self._metadata is None:
            self._metadata = self._get("/api/v1/metadata", {})
        for candidate in (name, *(name.removesuffix(s) for s in ("_bucket", "_count", "_sum", "_total")
                                  if name.endswith(s))):
            entries = self._metadata.get(candidate)
            if entries:
                return str(entries[0].get("type"))
        return None
