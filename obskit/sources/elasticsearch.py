"""LogsSource on Elasticsearch 8.x/9.x and OpenSearch 2.x with the official `elasticsearch` client.

- Product and version come from `GET /`; Elasticsearch servers get the client's REST compatibility
  headers for their own major (`compatible-with=8` for an 8.x server, whatever the client's major);
  OpenSearch, which neither understands those headers nor sends `X-Elastic-Product`, is spoken to
  through the client's transport with plain JSON.
- Field names come from a field map (obskit/conventions/fields/, ECS by default).
- Counts are server-side aggregations (date_histogram x terms); samples are bounded and paged with
  a point in time and search_after. Values only ever travel inside JSON term/range queries; the
  Lucene text shown to people is escaped (`lucene_phrase`).
"""

from __future__ import annotations

import base64
from typing import Any

from elastic_transport import ApiError, ConnectionTimeout, TlsError, TransportError
from elasticsearch import Elasticsearch

from obskit import redaction
from obskit.config import ElasticsearchConfig
from obskit.conventions import FieldMap, field_map
from obskit.conventions.log_lines import ids_in_text
from obskit.quoting import lucene_phrase, url_segment
from obskit.sources.errors import SourceError
from obskit.sources.logs import LogCount, LogRecord, sample_in_slices
from obskit.sources.versions import parse as parse_version
from obskit.sources.versions import require
from obskit.sources.window import Window

# level values as shippers write them -> normalised level
LEVEL_VALUES = {
    "error": ("error", "ERROR", "Error", "err", "ERR", "fatal", "FATAL", "critical", "CRITICAL", "crit", "panic"),
    "warn": ("warn", "WARN", "Warn", "warning", "WARNING", "Warning"),
    "info": ("info", "INFO", "Info", "notice", "NOTICE"),
    "debug": ("debug", "DEBUG", "Debug", "trace", "TRACE"),
}
ERROR_LINES_LIMIT = 10_000  # hits of one search (Elasticsearch's default index.max_result_window)
NORMAL = {value.lower(): level for level, values in LEVEL_VALUES.items() for value in values}
PAGE = 500
JSON = {"accept": "application/json", "content-type": "application/json"}


class ElasticsearchLogs:
    name = "elasticsearch"

    def __init__(self, config: ElasticsearchConfig, timeout: float = 15.0) -> None:
        if not config.urls:
            raise SourceError("elasticsearch", "no URL configured (elasticsearch.urls or OBSKIT_ELASTICSEARCH_URL)")
        self.index = config.index
        self.fields: FieldMap = field_map(config.field_map, config.fields)
        auth: dict[str, Any] = {}
        # the same credentials as headers, for calls that go through the bare transport (_raw)
        self._auth_headers: dict[str, str] = {}
        if config.auth.api_key is not None:
            auth["api_key"] = config.auth.api_key.reveal()
            self._auth_headers["authorization"] = f"ApiKey {auth['api_key']}"
        elif config.auth.bearer_token is not None:
            auth["bearer_auth"] = config.auth.bearer_token.reveal()
            self._auth_headers["authorization"] = f"Bearer {auth['bearer_auth']}"
        elif config.auth.username and config.auth.password is not None:
            auth["basic_auth"] = (config.auth.username, config.auth.password.reveal())
            redaction.register_basic_auth(*auth["basic_auth"])
            token = base64.b64encode(f"{auth['basic_auth'][0]}:{auth['basic_auth'][1]}".encode()).decode()
            self._auth_headers["authorization"] = f"Basic {token}"
        tls: dict[str, Any] = {}
        if config.tls.ca_file:
            tls["ca_certs"] = str(config.tls.ca_file)
        if config.tls.insecure_skip_verify:
            tls["verify_certs"] = False
        self.client = Elasticsearch(config.urls, request_timeout=timeout, max_retries=1, **auth, **tls)
        self._server: tuple[str, int] | None = None  # (product, major)
        self.page_size = PAGE

    # --- transport -------------------------------------------------------------------------------------
    def server(self) -> tuple[str, int]:
        """("elasticsearch" | "opensearch", major version), asked once with plain JSON."""
        if self._server is None:
            body = self._raw("GET", "/")
            version = body.get("version", {}) if isinstance(body, dict) else {}
            product = "opensearch" if version.get("distribution") == "opensearch" else "elasticsearch"
            found = parse_version(str(version.get("number", "0")))
            major = found[0] if found else 0
            require(product, str(version.get("number", "0")),  # obskit/sources/versions.yaml
                    lambda note: SourceError("elasticsearch", f"server version {version.get('number')} is not "
                                                              f"supported: {note}"))
            self._server = (product, major)
        return self._server

    def _raw(self, method: str, path: str, body: Any = None) -> Any:
        try:
            meta, data = self.client.transport.perform_request(method, path, headers=JSON | self._auth_headers,
                                                               body=body)
        except TransportError as exc:
            raise SourceError("elasticsearch", _transport_reason(exc)) from None
        if meta.status >= 400:
            raise SourceError("elasticsearch", f"{method} {path}: HTTP {meta.status}: {_reason(data)}")
        return data

    def _request(self, method: str, path: str, body: Any = None) -> Any:
        """One API call: Elasticsearch through the client with its own major's compatibility headers,
        OpenSearch through the client's transport with plain JSON."""
        product, major = self.server()
        if product == "opensearch":
            return self._raw(method, path, body)
        compat = f"application/vnd.elasticsearch+json; compatible-with={major}"
        headers = {"accept": compat} | ({"content-type": compat} if body is not None else {})
        try:
            return self.client.perform_request(method, path, headers=headers, body=body).body
        except ApiError as exc:
            raise SourceError("elasticsearch", f"{method} {path}: HTTP {exc.meta.status}: {_reason(exc.body)}") \
                from None
        except TransportError as exc:
            raise SourceError("elasticsearch", _transport_reason(exc)) from None

    def _search(self, body: dict[str, Any], index: str | None) -> dict[str, Any]:
        path = f"/{url_segment(index, safe='*,')}/_search" if index else "/_search"
        return dict(self._request("POST", path, body))

    # --- queries ---------------------------------------------------------------------------------------
    def _filter(self, service: str, window: Window, levels: tuple[str, ...]) -> dict[str, Any]:
        """The query DSL in the forms the Elasticsearch 9.5 specification declares (tests/contracts): a term
        query's long form ``{"value": ...}``, date bounds as date-math strings with their ``format``."""
        f = self.fields
        return {"bool": {"filter": [{"term": {f.service: {"value": service}}}, self._range(window),
                                    self._levels(levels)]}}

    def _range(self, window: Window) -> dict[str, Any]:
        return {"range": {self.fields.timestamp: {"gte": str(int(window.start * 1000)),
                                                  "lt": str(int(window.end * 1000)), "format": "epoch_millis"}}}

    def _levels(self, levels: tuple[str, ...]) -> dict[str, Any]:
        values = sorted({v for level in levels for v in LEVEL_VALUES.get(level, (level,))})
        return {"terms": {self.fields.level: values}}

    def counts(self, service: str, window: Window, levels: tuple[str, ...] = ("error", "warn")) -> list[LogCount]:
        f = self.fields
        step_ms = int(window.step * 1000)
        # "aggregations", not the "aggs" alias: the specification (and so every client) knows only the long name
        body = {"size": 0, "track_total_hits": False, "query": self._filter(service, window, levels), "aggregations": {
            "t": {"date_histogram": {"field": f.timestamp, "fixed_interval": f"{step_ms}ms",
                                     "offset": f"{int(window.start * 1000) % step_ms}ms", "min_doc_count": 1},
                  "aggregations": {"l": {"terms": {"field": f.level, "size": 50}}}}}}
        answer = self._search(body, self.index)
        totals: dict[tuple[float, str], int] = {}
        for bucket in answer.get("aggregations", {}).get("t", {}).get("buckets", []):
            ts = bucket["key"] / 1000
            for term in bucket.get("l", {}).get("buckets", []):
                level = NORMAL.get(str(term["key"]).lower(), "info")
                if level in levels:
                    totals[(ts, level)] = totals.get((ts, level), 0) + int(term["doc_count"])
        return [LogCount(ts, level, n) for (ts, level), n in sorted(totals.items())]

    def sample(self, service: str, window: Window, levels: tuple[str, ...] = ("error", "warn"),
               limit: int = 2000) -> list[LogRecord]:
        f = self.fields
        pit = self._open_pit()
        records: list[LogRecord] = []
        after: list[Any] | None = None
        try:
            while len(records) < limit:
                body: dict[str, Any] = {
                    "size": min(self.page_size, limit - len(records)), "query": self._filter(service, window, levels),
                    "sort": [{f.timestamp: {"order": "desc"}}, {"_shard_doc" if pit else "_doc": {"order": "desc"}}],
                    "_source": {"includes": [f.timestamp, f.service, f.level, f.message, f.trace_id, f.span_id, f.pod,
                                             f.namespace]},
                    "track_total_hits": False,
                }
                if pit:
                    body["pit"] = {"id": pit, "keep_alive": "1m"}
                if after is not None:
                    body["search_after"] = after
                hits = self._search(body, None if pit else self.index).get("hits", {}).get("hits", [])
                records += [self._record(h.get("_source", {}), service) for h in hits]
                if len(hits) < body["size"]:
                    break
                after = hits[-1].get("sort")
        finally:
            if pit:
                self._close_pit(pit)
        return records[:limit]

    def spread_sample(self, services: list[str], window: Window, levels: tuple[str, ...],
                      limit: int) -> dict[str, list[LogRecord]]:
        return {service: sample_in_slices(self, service, window, levels, limit) for service in services}

    def error_lines(self, trace_ids: list[str], window: Window) -> dict[str, list[tuple[str, float]]]:
        """Per trace id: (service, time) of each error line logged in it within the window, where the trace id
        is a field of the record (ids printed only in the text cannot be searched for); at most
        ERROR_LINES_LIMIT lines, one search."""
        if not trace_ids:
            return {}
        f = self.fields
        body = {"size": ERROR_LINES_LIMIT, "track_total_hits": False,
                "query": {"bool": {"filter": [self._range(window), self._levels(("error",)),
                                              {"terms": {f.trace_id: sorted(set(trace_ids))}}]}},
                "_source": {"includes": [f.timestamp, f.service, f.level, f.message, f.trace_id, f.span_id]}}
        out: dict[str, list[tuple[str, float]]] = {}
        for hit in self._search(body, self.index).get("hits", {}).get("hits", []):
            record = self._record(hit.get("_source", {}), "")
            if record.trace_id and record.service:
                out.setdefault(record.trace_id, []).append((record.service, record.ts))
        return out

    def _open_pit(self) -> str | None:
        product, _ = self.server()
        index = url_segment(self.index, safe="*,")
        if product == "opensearch":
            return self._request("POST", f"/{index}/_search/point_in_time?keep_alive=1m").get("pit_id")
        return self._request("POST", f"/{index}/_pit?keep_alive=1m").get("id")

    def _close_pit(self, pit: str) -> None:
        product, _ = self.server()
        try:
            if product == "opensearch":
                self._request("DELETE", "/_search/point_in_time", {"pit_id": [pit]})
            else:
                self._request("DELETE", "/_pit", {"id": pit})
        except SourceError:
            pass  # the point in time expires by itself after keep_alive

    def _record(self, source: dict[str, Any], service: str) -> LogRecord:
        f = self.fields
        ts = _get(source, f.timestamp)
        level = NORMAL.get(str(_get(source, f.level) or "").lower(), "info")
        message = str(_get(source, f.message) or "")
        trace, span = _opt(_get(source, f.trace_id)), _opt(_get(source, f.span_id))
        if trace is None:  # ids a logging pattern printed in the text (conventions/logs/trace_ids.yaml)
            trace, printed_span = ids_in_text(message)
            span = span or printed_span
        return LogRecord(_epoch(ts), str(_get(source, f.service) or service), level, message, trace, span,
                         {k: str(v) for k, v in (("pod", _get(source, f.pod)),
                                                 ("namespace", _get(source, f.namespace))) if v})

    def query_text(self, service: str, levels: tuple[str, ...] = ("error", "warn")) -> str | None:
        f = self.fields
        values = " OR ".join(lucene_phrase(v) for level in levels for v in LEVEL_VALUES.get(level, (level,))[:2])
        return f"{f.service}:{lucene_phrase(service)} AND {f.level}:({values})"


def _get(source: dict[str, Any], dotted: str) -> Any:
    """A field by dotted name, whether the document nests objects or uses dotted keys."""
    if dotted in source:
        return source[dotted]
    node: Any = source
    for part in dotted.split("."):
        if not isinstance(node, dict):
            return None
        if part in node:
            node = node[part]
        else:
            rest = dotted.split(part, 1)[1].lstrip(".")
            return node.get(f"{part}.{rest}") if rest else None
    return node


def _epoch(value: Any) -> float:
    from datetime import datetime

    if isinstance(value, int | float):
        return float(value) / 1000
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0


def _opt(value: Any) -> str | None:
    return str(value) if value else None


def _transport_reason(exc: TransportError) -> str:
    """Plain words for a connection-level failure (the client's own text carries object reprs)."""
    text = str(exc)
    if isinstance(exc, ConnectionTimeout) or "timed out" in text.lower():
        return "timeout"
    if "refused" in text.lower() or "Errno 111" in text:
        return "connection refused"
    if isinstance(exc, TlsError) or "SSL" in text or "CERTIFICATE" in text:
        return "TLS error (set elasticsearch.tls.ca_file, or tls.insecure_skip_verify for testing only)"
    if "Name or service not known" in text or "nodename nor servname" in text:
        return "host name not found (DNS)"
    return text.splitlines()[0][:200] if text else type(exc).__name__


def _reason(body: Any) -> str:
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            return str(error.get("reason") or error.get("type") or error)
        if error:
            return str(error)
    return " ".join(str(body).split())[:200]  # a server's raw body: one line, bounded
