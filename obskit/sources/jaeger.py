"""TracesSource on Jaeger: api_v3 (OTLP JSON; Jaeger v2 and 1.5x) or the legacy /api JSON, auto-detected.

api_v3 is spoken as Jaeger 2.19's HTTP gateway serves it (jaeger-idl v0.9.0; tests/contracts hold every
request to its OpenAPI document): the query parameters the spec declares (`query.serviceName`,
`query.startTimeMin`, ..., `query.searchDepth`; not the deprecated snake_case aliases), answers wrapped in
`{"result": <OTLP TracesData>}`, HTTP 404 meaning "no traces found". Answers are decoded with the same
OTLP/JSON codec as the local store, so there is one span model inside.

The service graph: the 2.19 gateway does not route `/api/v3/dependencies` (the IDL lists it; the gRPC
handler does not implement it), and the legacy `/api/dependencies` answers only what a separate
dependencies job wrote to storage (nothing, in the stack obskit deploys), in day-sized buckets. So on
api_v3 the edges are the parent/child pairs of traces sampled across the window (what Jaeger's own job
counts); on the legacy API `/api/dependencies` is asked first. Values in URLs are passed as encoded
query parameters or quoted path segments, never spliced in raw.
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from typing import Any

import httpx

from obskit.config import JaegerConfig
from obskit.local.otlp_codec import PayloadError, from_json_value
from obskit.local.rows import span_rows
from obskit.quoting import url_segment
from obskit.sources.errors import SourceError
from obskit.sources.span_groups import call_points, entry_requests, span_groups, trace_edges
from obskit.sources.traces import CallPoint, Edge, EntryRequest, Span, SpanGroup, Trace
from obskit.sources.window import Window
from obskit.transport import describe_failure, http_client

SAMPLE_SLICES = 6  # span groups from traces sampled in this many equal slices of a window ...
SAMPLE_PER_SLICE = 50  # ... at most this many traces per service and slice
MAX_SERVICES = 25

KIND_TAG = {"server": "server", "client": "client", "producer": "producer", "consumer": "consumer",
            "internal": "internal"}


def _rfc3339(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class JaegerTraces:
    name = "jaeger"

    def __init__(self, config: JaegerConfig, timeout: float = 15.0) -> None:
        if not config.url:
            raise SourceError("jaeger", "no URL configured (jaeger.url or OBSKIT_JAEGER_URL)")
        self.url = config.url
        self.timeout = timeout
        self.client = http_client(config.url, tls=config.tls, timeout=timeout)
        self._api = None if config.api == "auto" else config.api
        # one sample per (period, service): span groups and entry requests of an investigation read the same
        # traces, often at the same time; a per-key lock makes the second caller wait for the first's sample
        self._samples: dict[tuple[float, float, str | None], list[Trace]] = {}
        self._sampling: dict[tuple[float, float, str | None], threading.Lock] = {}
        self._guard = threading.Lock()

    def _get(self, path: str, params: dict[str, Any] | None = None, missing_ok: bool = False) -> Any:
        try:
            response = self.client.get(path, params=params)
        except httpx.HTTPError as exc:
            raise SourceError("jaeger", f"{self.url}: {describe_failure(exc, self.timeout)}") from None
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code >= 400:
            raise SourceError("jaeger", f"{path}: HTTP {response.status_code}: {response.text[:200]}")
        try:
            return response.json()
        except ValueError:
            raise SourceError("jaeger", f"{path}: answer is not JSON") from None

    def api(self) -> str:
        """"v3" when /api/v3/services answers, else "legacy"."""
        if self._api is None:
            self._api = "v3" if self._get("/api/v3/services", missing_ok=True) is not None else "legacy"
        return self._api

    # --- decoding --------------------------------------------------------------------------------------
    @staticmethod
    def _otlp(result: Any) -> list[Trace]:
        try:
            batch = span_rows(from_json_value("traces", result or {}))
        except PayloadError as exc:
            raise SourceError("jaeger", f"api_v3 answer is not OTLP JSON: {exc}") from None
        c = batch.columns
        traces: dict[str, list[Span]] = {}
        for i in range(batch.size):
            attrs = {k: v if isinstance(v, str) else json.dumps(v) for k, v in json.loads(c["attributes"][i]).items()}
            span = Span(c["trace_id"][i], c["span_id"][i], c["parent_span_id"][i], c["service"][i], c["name"][i],
                        c["kind"][i], c["start_ns"][i] / 1e9, (c["end_ns"][i] - c["start_ns"][i]) / 1e9,
                        c["error"][i], c["status_message"][i], attrs)
            traces.setdefault(span.trace_id, []).append(span)
        return [Trace(t, sorted(spans, key=lambda s: (s.start, s.span_id))) for t, spans in traces.items()]

    @staticmethod
    def _legacy(data: list[dict[str, Any]]) -> list[Trace]:
        out = []
        for trace in data or []:
            processes = trace.get("processes", {})
            spans = []
            for s in trace.get("spans", []):
                tags = {t["key"]: t.get("value") for t in s.get("tags", [])}
                parent = next((r["spanID"] for r in s.get("references", []) if r.get("refType") == "CHILD_OF"), None)
                error = str(tags.get("error", "")).lower() == "true" or tags.get("otel.status_code") == "ERROR"
                spans.append(Span(
                    s["traceID"].rjust(32, "0"), s["spanID"].rjust(16, "0"), parent.rjust(16, "0") if parent else None,
                    processes.get(s.get("processID"), {}).get("serviceName", "unknown_service"), s["operationName"],
                    KIND_TAG.get(str(tags.get("span.kind", "")), "unspecified"), s["startTime"] / 1e6,
                    s["duration"] / 1e6, error, str(tags.get("otel.status_description", "")),
                    {k: str(v) for k, v in tags.items() if k not in ("span.kind", "error")}))
            out.append(Trace(trace["traceID"].rjust(32, "0"), sorted(spans, key=lambda x: (x.start, x.span_id))))
        return out

    # --- TracesSource ----------------------------------------------------------------------------------
    def find_traces(self, service: str, window: Window, *, errors_only: bool = False,
                    min_duration: float | None = None, limit: int = 200) -> list[Trace]:
        if self.api() == "v3":
            params: dict[str, Any] = {"query.serviceName": service, "query.startTimeMin": _rfc3339(window.start),
                                      "query.startTimeMax": _rfc3339(window.end), "query.searchDepth": limit}
            if min_duration is not None:
                params["query.durationMin"] = f"{min_duration:.6f}s"
            body = self._get("/api/v3/traces", params, missing_ok=True)  # 404: "No traces found"
            traces = self._otlp((body or {}).get("result"))
        else:
            params = {"service": service, "start": int(window.start * 1e6), "end": int(window.end * 1e6),
                      "limit": limit}
            if min_duration is not None:
                params["minDuration"] = f"{int(min_duration * 1e6)}us"
            if errors_only:
                params["tags"] = json.dumps({"error": "true"})
            traces = self._legacy((self._get("/api/traces", params) or {}).get("data") or [])
        if errors_only:  # api_v3 has no status filter: keep traces with an error span
            traces = [t for t in traces if any(s.error for s in t.spans)]
        return traces[:limit]

    def get_trace(self, trace_id: str) -> Trace | None:
        segment = url_segment(trace_id.lower(), safe="")
        if self.api() == "v3":
            body = self._get(f"/api/v3/traces/{segment}", missing_ok=True)
            traces = self._otlp(body.get("result")) if body else []
        else:
            body = self._get(f"/api/traces/{segment}", missing_ok=True)
            traces = self._legacy(body.get("data") or []) if body else []
        return traces[0] if traces else None

    def dependencies(self, window: Window) -> list[Edge]:
        """Every parent/child pair whose services differ (as Jaeger's dependencies job counts them): on api_v3
        from traces sampled across the window (see the module doc); on the legacy API from /api/dependencies,
        falling back to sampled traces when it has nothing (no dependencies job runs)."""
        edges: list[Edge] = []
        if self.api() != "v3":
            body = self._get("/api/dependencies", {"endTs": int(window.end * 1000),
                                                   "lookback": int(window.seconds * 1000)}, missing_ok=True)
            edges = [Edge(d["parent"], d["child"], int(d.get("callCount", 0)))
                     for d in (body or {}).get("data") or []]
        if not edges:
            edges = trace_edges(self._sample(window))
        return sorted(edges, key=lambda e: (e.caller, e.callee))

    def _sample(self, window: Window, around: str | None = None) -> list[Trace]:
        """Traces of `around` (every service when None), SAMPLE_PER_SLICE per service in each of
        SAMPLE_SLICES equal slices of the window; fetched once per (window, around)."""
        key = (window.start, window.end, around)
        with self._guard:
            lock = self._sampling.setdefault(key, threading.Lock())
        with lock:
            if key not in self._samples:
                self._samples[key] = self._fetch_sample(window, around)
            return self._samples[key]

    def _fetch_sample(self, window: Window, around: str | None) -> list[Trace]:
        traces: dict[str, Trace] = {}
        width = window.seconds / SAMPLE_SLICES
        for service in [around] if around else self.service_names(window)[:MAX_SERVICES]:
            for i in range(SAMPLE_SLICES):
                part = Window(window.start + i * width, window.start + (i + 1) * width, window.step)
                for trace in self.find_traces(service, part, limit=SAMPLE_PER_SLICE):
                    traces.setdefault(trace.trace_id, trace)
        return list(traces.values())

    def service_names(self, window: Window) -> list[str]:
        if self.api() == "v3":
            return sorted((self._get("/api/v3/services", missing_ok=True) or {}).get("services") or [])
        return sorted((self._get("/api/services", missing_ok=True) or {}).get("data") or [])

    def span_groups(self, window: Window, around: str | None = None) -> list[SpanGroup]:
        """From traces sampled evenly across the window, so an onset is where it began (api_v3 has no
        aggregate endpoint)."""
        return span_groups(self._sample(window, around), window)

    def entry_requests(self, service: str, window: Window, limit: int = 2500) -> list[EntryRequest]:
        """From the service's traces sampled evenly across the window (api_v3 has no span search)."""
        return entry_requests(self._sample(window, service), service, window)[:limit]

    def call_points(self, window: Window, around: str | None = None) -> list[CallPoint]:
        """From the traces sampled for span_groups (memoised): the same requests, with their calls."""
        return call_points(self._sample(window, around), window)

    def span_operations(self, span_ids: list[str], window: Window) -> dict[str, str]:
        return {}  # api_v3 finds traces, not spans by id: template rates fall back to time as their exposure

    def operation_counts(self, window: Window) -> dict[tuple[str, str], int]:
        return {}  # no aggregate endpoint: lines of the operation are the exposure instead

    def trace_url(self, trace_id: str) -> str | None:
        return f"{self.url}/trace/{url_segment(trace_id.lower(), safe='')}"
