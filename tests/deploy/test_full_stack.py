"""`obskit deploy --dry-run --output-dir` on the real upstream charts, checked by an independent reading
of the files it wrote (plain YAML walking here, none of obskit's wiring code): the promises of the
stack hold in the rendered objects, for both profiles. Also: the Chart.lock digest is Helm's own."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import helm_python as helm
import pytest
import yaml

from obskit.deploy import chart, chartsource
from tests.deploy.conftest import charts_dir


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory, repo_root: Path) -> dict[str, tuple[list[dict[str, Any]], str]]:
    """Both profiles through the CLI, as a user runs them (the test's own tree: no dashboards/alerts)."""
    out = {}
    for profile in ("dev", "prod"):
        work = tmp_path_factory.mktemp(f"dry-run-{profile}")
        env = {k: v for k, v in os.environ.items() if not k.startswith("OBSKIT_")}
        env.update(PYTHONPATH=str(repo_root), COLUMNS="200", OBSKIT_CHARTS_DIR=str(charts_dir() or ""))
        result = subprocess.run([sys.executable, "-m", "obskit", "deploy", "--dry-run", "--profile", profile,
                                 "--output-dir", "out"], cwd=work, env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stdout + result.stderr
        docs = [d for d in yaml.safe_load_all((work / "out" / "manifests.yaml").read_text()) if isinstance(d, dict)]
        out[profile] = (docs, result.stdout)
    return out


def _pods(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {f"{d['kind']}/{d['metadata']['name']}": d["spec"]["template"]["spec"] for d in docs
            if d["kind"] in ("Deployment", "DaemonSet", "StatefulSet", "Job")}


def _services(docs: list[dict[str, Any]]) -> set[str]:
    names = {d["metadata"]["name"] for d in docs if d["kind"] == "Service"}
    # ECK creates <name>-es-http for every Elasticsearch resource
    return names | {f"{d['metadata']['name']}-es-http" for d in docs if d["kind"] == "Elasticsearch"}


@pytest.mark.parametrize("profile", ["dev", "prod"])
def test_the_dry_run_says_what_it_wrote(profile: str, written) -> None:  # type: ignore[no-untyped-def]
    docs, stdout = written[profile]
    kibana = "eck-kibana 1, " if profile == "prod" else ""
    assert f"wrote out/manifests.yaml: {len(docs)} objects (eck-elasticsearch 1, {kibana}fluentd " in stdout
    assert "kube-prometheus-stack/grafana" in stdout and "charts from local chart mirror" in stdout
    assert "checks: ok" in stdout


@pytest.mark.parametrize("profile", ["dev", "prod"])
def test_datasources_dashboards_rules_and_monitors_are_wired(profile: str, written) -> None:  # type: ignore[no-untyped-def]
    docs, _ = written[profile]
    services = _services(docs)
    sources = [ds for d in docs if d["kind"] == "ConfigMap"
               and (d["metadata"].get("labels") or {}).get("grafana_datasource") == "1"
               for text in d["data"].values() for ds in (yaml.safe_load(text) or {}).get("datasources") or []]
    assert [ds["uid"] for ds in sources if ds.get("isDefault")] == ["prometheus"]
    for ds in sources:
        host = ds["url"].split("://", 1)[1].split(".", 1)[0]
        assert host in services, ds
    prometheus = next(d for d in docs if d["kind"] == "Prometheus")
    for kind, selector in (("PrometheusRule", "ruleSelector"), ("ServiceMonitor", "serviceMonitorSelector")):
        wanted = prometheus["spec"][selector]["matchLabels"]
        for d in docs:
            if d["kind"] == kind:
                assert wanted.items() <= (d["metadata"].get("labels") or {}).items(), d["metadata"]["name"]
    dashboards = [d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"].startswith("obskit-kps-")
                  and "json" in "".join(d.get("data") or {})]
    assert dashboards and all(d["metadata"]["labels"].get("grafana_dashboard") == "1" for d in dashboards)


@pytest.mark.parametrize("profile", ["dev", "prod"])
def test_fluentd_mounts_an_elasticsearch_output_aimed_at_eck(profile: str, written) -> None:  # type: ignore[no-untyped-def]
    docs, _ = written[profile]
    pod = _pods(docs)["DaemonSet/obskit-fluentd"]
    configmaps = {d["metadata"]["name"]: d["data"] for d in docs if d["kind"] == "ConfigMap"}
    mounted = {v["name"]: v["configMap"]["name"] for v in pod["volumes"] if "configMap" in v}
    container = pod["containers"][0]
    paths = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    main = configmaps[mounted["etcfluentd-main"]]["fluent.conf"]
    outputs = [(name, text) for volume, cm in mounted.items() for name, text in configmaps[cm].items()
               if "@type elasticsearch" in text]
    assert len(outputs) == 1, "exactly one Elasticsearch output is active"
    volume = next(v for v, cm in mounted.items() if outputs[0][0] in configmaps[cm])
    include = paths[volume].removeprefix("/etc/fluent/")
    assert f"@include {include}/*" in main or volume == "etcfluentd-config"
    es = next(d["metadata"]["name"] for d in docs if d["kind"] == "Elasticsearch")
    assert f"host {es}-es-http." in outputs[0][1]
    env = {e["name"]: e for e in container["env"]}
    assert env["FLUENT_ELASTICSEARCH_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == f"{es}-es-elastic-user"
    assert [e["name"] for e in container["env"]].count("FLUENTD_CONF") == 1


@pytest.mark.parametrize("profile", ["dev", "prod"])
def test_jaeger_runs_with_a_mounted_elasticsearch_config_and_ecks_secrets(profile: str, written) -> None:  # type: ignore[no-untyped-def]
    docs, _ = written[profile]
    pod = _pods(docs)["Deployment/obskit-jaeger"]
    container = pod["containers"][0]
    config_path = container["args"][container["args"].index("--config") + 1]
    mount = next(m for m in container["volumeMounts"] if m["mountPath"] == config_path)
    volume = next(v for v in pod["volumes"] if v["name"] == mount["name"])
    cm = next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == volume["configMap"]["name"])
    config = yaml.safe_load(cm["data"][mount["subPath"]])
    traces = config["extensions"]["jaeger_query"]["storage"]["traces"]
    backend = config["extensions"]["jaeger_storage"]["backends"][traces]
    es = next(d["metadata"]["name"] for d in docs if d["kind"] == "Elasticsearch")
    assert backend["elasticsearch"]["server_urls"] == [f"https://{es}-es-http:9200"]
    secrets = {v["secret"]["secretName"] for v in pod["volumes"] if "secret" in v}
    secrets |= {e["valueFrom"]["secretKeyRef"]["name"] for e in container["env"] if "valueFrom" in e}
    assert secrets == {f"{es}-es-elastic-user", f"{es}-es-http-certs-public"}
    assert f"{es}-es-http" in _services(docs) and "obskit-jaeger" in _services(docs)


@pytest.mark.parametrize("profile", ["dev", "prod"])
def test_no_pod_repeats_a_volume_or_mount(profile: str, written) -> None:  # type: ignore[no-untyped-def]
    docs, _ = written[profile]
    for name, pod in _pods(docs).items():
        volumes = [v["name"] for v in pod.get("volumes") or []]
        assert len(volumes) == len(set(volumes)), name
        for c in pod["containers"] + (pod.get("initContainers") or []):
            paths = [m["mountPath"].rstrip("/") for m in c.get("volumeMounts") or []]
            assert len(paths) == len(set(paths)), (name, c["name"])


def test_prod_has_limits_everywhere_pvcs_and_pdbs(written) -> None:  # type: ignore[no-untyped-def]
    docs, _ = written["prod"]
    for name, pod in _pods(docs).items():
        for c in pod["containers"] + (pod.get("initContainers") or []):
            assert c.get("resources", {}).get("limits") and c["resources"].get("requests"), (name, c["name"])
    by_kind = {d["kind"]: d for d in docs}
    es = by_kind["Elasticsearch"]["spec"]["nodeSets"][0]
    assert es["volumeClaimTemplates"] and es["podTemplate"]["spec"]["initContainers"][0]["resources"]["limits"]
    assert by_kind["Prometheus"]["spec"]["storage"]["volumeClaimTemplate"]
    assert by_kind["Alertmanager"]["spec"]["storage"]["volumeClaimTemplate"]
    assert any(d["kind"] == "PersistentVolumeClaim" and d["metadata"]["name"] == "obskit-grafana" for d in docs)
    grafana = _pods(docs)["Deployment/obskit-grafana"]
    assert next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "obskit-grafana"
                )["spec"]["replicas"] == 1 and grafana  # one replica on its ReadWriteOnce PVC
    pdbs = {d["metadata"]["name"] for d in docs if d["kind"] == "PodDisruptionBudget"}
    assert {"obskit-kps-prometheus", "obskit-kps-alertmanager"} <= pdbs


def test_chart_lock_digest_is_the_one_helm_writes(tmp_path: Path) -> None:
    """Serve the chart mirror as a chart repository on loopback, let Helm's `dependency update` write a
    Chart.lock for a copy of the chart aimed at it, and compare digests computed by obskit for the same
    inputs; then check the committed lock matches Chart.yaml under the same rule."""
    mirror = charts_dir()
    if mirror is None:
        mirror = chart.CHART_DIR / "charts"
    repo = tmp_path / "repo"
    repo.mkdir()
    for pin in chartsource.pins(chart.CHART_DIR):
        shutil.copyfile(mirror / pin.archive, repo / pin.archive)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(repo))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        helm.repo_index_generate(repo, base_url=url)
        work = tmp_path / "obskit-stack"
        shutil.copytree(chart.CHART_DIR, work, ignore=shutil.ignore_patterns("charts", "Chart.lock"))
        meta = yaml.safe_load((work / "Chart.yaml").read_text())
        for dep in meta["dependencies"]:
            dep["repository"] = url
        (work / "Chart.yaml").write_text(yaml.safe_dump(meta, sort_keys=False))
        helm.dependency_update(work, plain_http=True)
    finally:
        server.shutdown()
        server.server_close()
    helm_lock = yaml.safe_load((work / "Chart.lock").read_text())
    assert helm_lock["digest"] == chartsource.lock_digest(meta["dependencies"], helm_lock["dependencies"])
    committed = yaml.safe_load((chart.CHART_DIR / "Chart.lock").read_text())
    declared = yaml.safe_load((chart.CHART_DIR / "Chart.yaml").read_text())["dependencies"]
    assert [(d["name"], str(d["version"])) for d in committed["dependencies"]] == \
        [(d["name"], str(d["version"])) for d in declared]
    assert committed["digest"] == chartsource.lock_digest(declared, committed["dependencies"])
