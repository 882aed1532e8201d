"""Build the Sources bundle an investigation uses, from the config (production) or a local store.

A signal whose backend is not configured (or cannot be set up) is left out with the reason in
`Sources.missing`, so the investigation can say "not checked: traces: jaeger.url is not set".
"""

from __future__ import annotations

from pathlib import Path

from obskit.config import Config
from obskit.conventions import GraphProfile, MetricProfile, graph_profiles, merged, metric_profiles
from obskit.sources import Sources
from obskit.sources.errors import SourceError


def profiles(config: Config) -> tuple[dict[str, MetricProfile], dict[str, GraphProfile]]:
    """The naming and graph profiles in the order to try them: obskit.yaml's, then the built-in ones."""
    return merged(metric_profiles(), config.metric_profiles), merged(graph_profiles(), config.graph_profiles)


def production_sources(config: Config, timeout: float = 15.0, namespace: str | None = None) -> Sources:
    """Sources from the config; ``namespace`` (``--namespace``) narrows metrics queries to that namespace."""
    from obskit.sources.elasticsearch import ElasticsearchLogs
    from obskit.sources.jaeger import JaegerTraces
    from obskit.sources.kubernetes import KubernetesCluster
    from obskit.sources.prometheus import PrometheusMetrics

    sources = Sources()
    if config.prometheus.url:
        naming, graphs = profiles(config)
        sources.metrics = PrometheusMetrics(config.prometheus, config.services, timeout, namespace=namespace,
                                            profiles=naming, graph_profiles=graphs)
    else:
        sources.missing["metrics"] = "prometheus.url is not set (or OBSKIT_PROMETHEUS_URL)"
    if config.elasticsearch.urls:
        sources.logs = ElasticsearchLogs(config.elasticsearch, timeout)
    else:
        sources.missing["logs"] = "elasticsearch.urls is not set (or OBSKIT_ELASTICSEARCH_URL)"
    if config.jaeger.url:
        sources.traces = JaegerTraces(config.jaeger, timeout)
    else:
        sources.missing["traces"] = "jaeger.url is not set (or OBSKIT_JAEGER_URL)"
    if config.kubernetes is not None:
        try:
            sources.cluster = KubernetesCluster(config.kubernetes, timeout)
        except SourceError as exc:
            sources.missing["cluster"] = exc.reason
    else:
        sources.missing["cluster"] = "kubernetes is not configured (kubernetes.context or OBSKIT_KUBE_CONTEXT)"
    return sources


def build_sources(config: Config, db: Path | None = None, timeout: float = 15.0) -> Sources:
    """The local store at `db` when given, else the production backends from the config."""
    if db is not None:
        from obskit.sources.local import local_sources

        return local_sources(db, *profiles(config))
    return production_sources(config, timeout)
