"""The Prometheus names of OTLP metrics, as the OpenTelemetry Prometheus compatibility rules give them, so that
naming profiles (written in Prometheus names) find metrics in the local store whatever way they arrived:
`http.server.request.duration` (unit `s`) is the family `http_server_request_duration_seconds`; a monotonic
sum gains `_total`; histograms and summaries have `_count`, `_sum` (and `_bucket` or quantile) series.
A metric already named the Prometheus way (from a Prometheus receiver) keeps its name.
"""

from __future__ import annotations

import re

UNIT_WORDS = {
    "d": "days", "h": "hours", "min": "minutes", "s": "seconds", "ms": "milliseconds", "us": "microseconds",
    "ns": "nanoseconds", "By": "bytes", "KiBy": "kibibytes", "MiBy": "mebibytes", "GiBy": "gibibytes",
    "KBy": "kilobytes", "MBy": "megabytes", "GBy": "gigabytes", "%": "percent", "Hz": "hertz", "V": "volts",
    "A": "amperes", "J": "joules", "W": "watts", "g": "grams", "Cel": "celsius", "m": "meters",
}
PER_UNIT = {"s": "second", "m": "minute", "h": "hour", "d": "day", "w": "week", "mo": "month", "y": "year"}
INVALID = re.compile(r"[^a-zA-Z0-9_:]")


def _clean(text: str) -> str:
    return re.sub(r"__+", "_", INVALID.sub("_", text)).strip("_")


def unit_suffix(unit: str, kind: str) -> str:
    """`seconds` for `s`, `per_second` for `/s`, `ratio` for a gauge of unit `1`; '' for annotations `{...}`."""
    unit = re.sub(r"\{[^}]*\}", "", unit).strip()
    if not unit:
        return ""
    if unit == "1":
        return "ratio" if kind == "gauge" else ""
    main, _, per = unit.partition("/")
    words = [_clean(UNIT_WORDS.get(main, main))] if main else []
    if per:
        words.append("per_" + _clean(PER_UNIT.get(per, per)))
    return "_".join(w for w in words if w)


def family(name: str, unit: str, kind: str) -> str:
    """The Prometheus family name of an OTLP metric (without _total/_count/... suffixes)."""
    base = _clean(name)
    if base and base[0].isdigit():
        base = "_" + base
    suffix = unit_suffix(unit, kind)
    if kind == "sum" and base.endswith("_total"):
        base = base[: -len("_total")]
    if suffix and not base.endswith("_" + suffix) and base != suffix:
        base = f"{base}_{suffix}"
    return base


def series_names(name: str, unit: str, kind: str) -> dict[str, str]:
    """Prometheus series name -> what it is of the stored metric: `value` (gauge/sum), `count`, `sum`,
    `buckets` (histogram `_bucket`) or `quantiles` (summary)."""
    out: dict[str, str] = {}
    for base in dict.fromkeys((name, family(name, unit, kind))):
        if kind == "gauge":
            out[base] = "value"
        elif kind == "sum":
            out[base] = "value"
            out[base if base.endswith("_total") else base + "_total"] = "value"
        elif kind in ("histogram", "summary"):
            out[base + "_count"] = "count"
            out[base + "_sum"] = "sum"
            out[base if kind == "summary" else base + "_bucket"] = "quantiles" if kind == "summary" else "buckets"
    return out


def label_name(key: str) -> str:
    """The Prometheus label an OTLP attribute key becomes (`http.response.status_code` ->
    `http_response_status_code`)."""
    cleaned = INVALID.sub("_", key)
    return "key" + cleaned if cleaned[:1].isdigit() else cleaned
