from __future__ import annotations

from pathlib import Path

from obskit.config import Config, KubernetesConfig
from obskit.sources.factory import build_sources, production_sources


def test_unconfigured_signals_are_missing_with_a_reason() -> None:
    sources = production_sources(Config())
    assert (sources.metrics, sources.logs, sources.traces, sources.cluster) == (None, None, None, None)
    assert set(sources.missing) == {"metrics", "logs", "traces", "cluster"}
    assert "jaeger.url" in sources.missing["traces"]


def test_configured_backends_are_built_and_a_broken_kubeconfig_is_a_reason(tmp_path: Path) -> None:
    config = Config.model_validate({
        "prometheus": {"url": "http://prom:9090"}, "elasticsearch": {"urls": ["http://es:9200"]},
        "jaeger": {"url": "http://jaeger:16686"}})
    config = config.model_copy(update={"kubernetes": KubernetesConfig(kubeconfig=tmp_path / "none", context="x")})
    sources = production_sources(config)
    assert (sources.metrics.name, sources.logs.name, sources.traces.name) == ("prometheus", "elasticsearch", "jaeger")
    assert sources.cluster is None and "kubeconfig" in sources.missing["cluster"]


def test_local_store_bundle(tmp_path: Path) -> None:
    from obskit.local.store import Store

    Store(tmp_path / "s.duckdb").close()
    sources = build_sources(Config(), tmp_path / "s.duckdb")
    assert {s.name for s in (sources.metrics, sources.logs, sources.traces, sources.cluster)} == {"local"}
    assert sources.missing == {}
