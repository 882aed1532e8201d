"""PrometheusMetrics against a real Prometheus, backfilled (promtool) with one service per naming profile
plus cAdvisor/kube-state-metrics saturation series; the profile of each service is auto-detected."""

from __future__ import annotations

import re
import time

import pytest

from obskit.config import PrometheusConfig, ServiceConfig
from obskit.conventions import MetricProfile, metric_profiles, saturation_profile
from obskit.sources.errors import SourceError
from obskit.sources.prometheus import PrometheusMetrics
from obskit.sources.window import Window

STEP = 15
POINTS = 240  # one hour
END = (int(time.time()) - 3 * 3600) // 60 * 60
START = END - POINTS * STEP
OK_RATE, ERROR_RATE = 10.0, 1.0  # requests per second by status class


def family(name: str, series: list[tuple[dict[str, str], float]], kind: str = "unknown") -> list[str]:
    """An OpenMetrics family whose series grow linearly at `rate` per second (counters) or stay flat."""
    lines = [f"# TYPE {name} {kind}"]
    for labels, rate in series:
        text = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
        for i in range(POINTS + 1):
            ts = START + i * STEP
            value = rate * i * STEP if kind == "unknown" else rate
            lines.append(f"{name}{{{text}}} {value:g} {ts}")
    return lines


def status_values(profile: MetricProfile) -> tuple[str, str]:
    """(ok, error) values of the error label: HTTP codes, or spanmetrics' span status codes."""
    return ("200", "500") if re.fullmatch(profile.error_regex, "500") else ("STATUS_CODE_UNSET", profile.error_regex)


def profile_lines(profile: MetricProfile, service: str, label: str) -> list[str]:
    base = {label: service, **profile.extra_matchers}
    err = profile.error_label
    ok_value, error_value = status_values(profile)
    lines = family(profile.requests_metric, [({**base, err: ok_value}, OK_RATE), ({**base, err: error_value},
                                                                                  ERROR_RATE)])
    scale = 1 / profile.latency_unit_seconds  # bucket bounds in the profile's unit
    buckets = []
    for le, share in ((0.1, 0.0), (0.25, 1.0), ("+Inf", 1.0)):
        bound = le if le == "+Inf" else f"{le * scale:g}"
        for code, rate in ((ok_value, OK_RATE), (error_value, ERROR_RATE)):
            buckets.append(({**base, err: code, "le": bound}, rate * share))
    if profile.latency_bucket_metric != profile.requests_metric:
        lines += family(profile.latency_bucket_metric, buckets)
    return lines


def saturation_lines(service: str) -> list[str]:
    p = saturation_profile()
    pods = [{p.pod_selector_label: service, "pod": f"{service}-{i}", "namespace": "shop"} for i in range(2)]
    lines = family(p.cpu_throttled_periods, [(pod, 2.5) for pod in pods])
    lines += family(p.cpu_periods, [(pod, 10.0) for pod in pods])
    lines += family(p.memory_working_set, [(pod, 600e6) for pod in pods], kind="gauge")
    lines += family(p.memory_limit, [({**pod, **p.memory_limit_matchers}, 1e9) for pod in pods], kind="gauge")
    lines += family(p.restarts, [(pod, 0.0) for pod in pods])
    # pod 0 uses 0.3 cores of a 0.5 limit; pod 1 has no limit and uses 0.3 of a 0.2 request
    lines += family(p.cpu_usage, [(pod, 0.3) for pod in pods])
    lines += family(p.cpu_limit, [({**pods[0], **p.cpu_limit_matchers}, 0.5)], kind="gauge")
    lines += family(p.cpu_request, [({**pod, **p.cpu_request_matchers}, 0.2) for pod in pods], kind="gauge")
    return lines


SERVICES = {name: f"svc-{name}" for name in metric_profiles()}
# prometheus-client services whose names hold regex metacharacters (batched queries use a regex alternation);
# "cartXv2" is what an unescaped "cart.v2" would also match
ODD_NAMES = ["cart.v2", "cart(v2)*", "cart+v2|x", "cartXv2"]


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory):
    from tests import servers

    lines: list[str] = []
    for name, profile in metric_profiles().items():
        # the second service label for one profile: detection must try every label in order
        label = profile.service_labels[1 if name == "spring" else 0]
        lines += profile_lines(profile, SERVICES[name], label)
    for service in ODD_NAMES:
        lines += profile_lines(metric_profiles()["prometheus-client"], service, "job")
    lines += saturation_lines("svc-otel-semconv") + saturation_lines("cart.v2")
    with servers.prometheus(tmp_path_factory.mktemp("prom"), openmetrics="\n".join(lines) + "\n") as server:
        yield server.url


WINDOW = Window(START + 600, END - 300, 60)


@pytest.mark.parametrize("name", list(metric_profiles()))
def test_red_for_each_profile(prometheus: str, name: str) -> None:
    source = PrometheusMetrics(PrometheusConfig(url=prometheus))
    profile, label = source.profile_for(SERVICES[name], WINDOW)
    assert profile.name == name
    series = {s.name: s for s in source.red(SERVICES[name], WINDOW)}
    assert set(series) == {"request_rate", "error_ratio", "latency_p50", "latency_p95", "latency_p99"}
    values = {k: [v for _, v in s.points] for k, s in series.items()}
    assert len(values["request_rate"]) >= 30
    assert all(v == pytest.approx(OK_RATE + ERROR_RATE, rel=0.02) for v in values["request_rate"])
    assert all(v == pytest.approx(ERROR_RATE / (OK_RATE + ERROR_RATE), rel=0.02) for v in values["error_ratio"])
    # every request sits in the (0.1 s, 0.25 s] bucket: the median interpolates to 0.175 s, in seconds
    assert all(v == pytest.approx(0.175, rel=0.01) for v in values["latency_p50"])
    assert all(0.1 < v <= 0.25 for v in values["latency_p99"])
    assert label in series["request_rate"].query and SERVICES[name] in series["request_rate"].query


def test_saturation(prometheus: str) -> None:
    source = PrometheusMetrics(PrometheusConfig(url=prometheus), [ServiceConfig(name="svc-otel-semconv",
                                                                                namespace="shop")])
    found = source.saturation("svc-otel-semconv", WINDOW)
    by = {(s.name, s.labels["pod"]): [v for _, v in s.points] for s in found}
    assert sorted(by) == [(n, f"svc-otel-semconv-{i}") for n in ("cpu_throttling", "cpu_usage", "cpu_vs_limit",
                                                                  "memory_vs_limit", "restarts") for i in range(2)]
    assert all(v == pytest.approx(0.3, rel=0.02) for v in by[("cpu_usage", "svc-otel-semconv-1")])
    assert all(v == pytest.approx(0.6, rel=0.02) for v in by[("cpu_vs_limit", "svc-otel-semconv-0")])
    assert all(v == pytest.approx(1.5, rel=0.02) for v in by[("cpu_vs_limit", "svc-otel-semconv-1")])
    assert all(v == pytest.approx(0.25, rel=0.02) for v in by[("cpu_throttling", "svc-otel-semconv-0")])
    assert all(v == pytest.approx(0.6) for v in by[("memory_vs_limit", "svc-otel-semconv-1")])
    assert all(v == 0 for v in by[("restarts", "svc-otel-semconv-0")])


def test_unknown_service_and_configured_profile(prometheus: str) -> None:
    source = PrometheusMetrics(PrometheusConfig(url=prometheus), [ServiceConfig(name="svc-istio", profile="spring")])
    assert source.red("nobody-here", WINDOW) == []
    assert source.red("svc-istio", WINDOW) == []  # configured profile wins: no spring series for it


def test_unreachable_prometheus_is_a_source_error() -> None:
    from tests.servers import free_port

    source = PrometheusMetrics(PrometheusConfig(url=f"http://127.0.0.1:{free_port()}"), timeout=2)
    with pytest.raises(SourceError, match="connection refused"):
        source.red("cart", WINDOW)


def test_bad_query_names_the_prometheus_error(prometheus: str) -> None:
    source = PrometheusMetrics(PrometheusConfig(url=prometheus))
    with pytest.raises(SourceError, match="parse error"):
        source.range_query("sum(", WINDOW)


# --- batched path: the same series as the per-service path, in a handful of queries --------------------------
BATCH = [*SERVICES.values(), *ODD_NAMES, "nobody-here"]


def test_batched_red_is_the_per_service_red(prometheus: str) -> None:
    config = [ServiceConfig(name="svc-istio", namespace="mesh")]  # a namespace group of its own: no series
    single = PrometheusMetrics(PrometheusConfig(url=prometheus), config)
    batched = PrometheusMetrics(PrometheusConfig(url=prometheus), config)
    many = batched.red_many(BATCH, WINDOW)
    assert list(many) == BATCH
    assert batched.profiles_for(BATCH, WINDOW) == {s: single.profile_for(s, WINDOW) for s in BATCH}
    for service in BATCH:
        assert many[service] == single.red(service, WINDOW), service
    # not vacuous: every profile (second label for spring) and every odd name has its five series
    assert {s for s, series in many.items() if len(series) == 5} == set(BATCH) - {"nobody-here", "svc-istio"}
    assert many["nobody-here"] == [] and many["svc-istio"] == []
    rates = [v for s in many["cart.v2"] if s.name == "request_rate" for _, v in s.points]
    assert rates and all(v == pytest.approx(OK_RATE + ERROR_RATE, rel=0.02) for v in rates)


def test_batched_saturation_is_the_per_service_saturation(prometheus: str) -> None:
    config = [ServiceConfig(name="svc-otel-semconv", namespace="shop")]  # one namespace group, one without
    source = PrometheusMetrics(PrometheusConfig(url=prometheus), config)
    many = source.saturation_many(BATCH, WINDOW)
    assert list(many) == BATCH
    for service in BATCH:
        assert many[service] == source.saturation(service, WINDOW), service
    assert len(many["svc-otel-semconv"]) == len(many["cart.v2"]) == 10  # five series for each of two pods
    assert many["cartXv2"] == []


def test_batched_profile_detection_honours_the_configured_profile(prometheus: str) -> None:
    source = PrometheusMetrics(PrometheusConfig(url=prometheus), [ServiceConfig(name="svc-istio", profile="spring")])
    detected = source.profiles_for(["svc-istio", "svc-spring"], WINDOW)
    assert detected["svc-istio"] is None
    assert detected["svc-spring"][0].name == "spring" and detected["svc-spring"][1] == "job"
    assert source.red_many(["svc-istio"], WINDOW) == {"svc-istio": []}


def test_batched_calls_fail_as_a_source_error() -> None:
    from tests.servers import free_port

    source = PrometheusMetrics(PrometheusConfig(url=f"http://127.0.0.1:{free_port()}"), timeout=2)
    with pytest.raises(SourceError, match="connection refused"):
        source.red_many(["cart", "checkout"], WINDOW)
    with pytest.raises(SourceError, match="connection refused"):
        source.saturation_many(["cart", "checkout"], WINDOW)


def test_service_names_are_the_label_values_of_every_profile(prometheus: str) -> None:
    source = PrometheusMetrics(PrometheusConfig(url=prometheus))
    names = source.service_names(Window(START, END, 60))
    assert set(SERVICES.values()) | set(ODD_NAMES) <= set(names)
    assert names == sorted(names)


def test_prometheus_only_typo_is_an_unknown_service_listing_label_values(prometheus: str) -> None:
    from obskit.investigate.pipeline import investigate
    from obskit.sources import Sources

    sources = Sources(metrics=PrometheusMetrics(PrometheusConfig(url=prometheus)))
    window = Window(END - 600, END, 15)
    report = investigate(sources, "svc-otel-semconvv", window, Window(END - 1200, END - 600, 15))
    assert report.unknown_service and "svc-otel-semconv" in report.known_services
    known = investigate(sources, "svc-spanmetrics", window, Window(END - 1200, END - 600, 15))
    assert not known.unknown_service and not known.missing  # spanmetrics RED with a baseline: usable
    assert known.red_sources == {"svc-spanmetrics": "metrics"}


def range_queries_sent(source: PrometheusMetrics) -> list[str]:
    """The PromQL of every range query the source sends over HTTP from now on."""
    sent: list[str] = []

    def record(request) -> None:
        if request.url.path == "/api/v1/query_range":
            sent.append(request.url.params["query"])

    source.client.event_hooks["request"].append(record)
    return sent


def test_summary_shapes_are_not_asked_where_histograms_gave_the_quantiles(prometheus: str) -> None:
    from obskit.sources.metrics import RED_SERIES
    from obskit.sources.promql import red_queries
    from obskit.sources.promql_shapes import shape_queries

    service = SERVICES["otel-semconv"]
    single = PrometheusMetrics(PrometheusConfig(url=prometheus))
    profile, label = single.profile_for(service, WINDOW)
    assert profile.latency_summary_metric  # the profile has a summary shape that could give p50/p95/p99
    sent = range_queries_sent(single)
    found = single.red(service, WINDOW)
    assert {s.name for s in found} == set(RED_SERIES)
    shapes = shape_queries(profile, {label: service}, {}, label, WINDOW.step, None)
    assert shapes["latency_summary"] not in sent
    assert len(sent) == len(red_queries(profile, label, service, WINDOW.step)) + len(
        [signal for signal in shapes if signal not in ("latency_summary", "request_rate", "error_ratio")])
    # batched: one request per signal for the whole batch, and no summary quantiles for any service
    batched = PrometheusMetrics(PrometheusConfig(url=prometheus))
    sent = range_queries_sent(batched)
    many = batched.red_many(BATCH, WINDOW)
    assert many[service] == found
    assert sent and not [query for query in sent if ", quantile)" in query]
