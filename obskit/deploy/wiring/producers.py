"""The catalog of metric producers (producers.yaml beside this file) and which of them a rendering deploys
and scrapes. A producer is present when one scrape target (scrape.py) satisfies its whole `target`."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from obskit.deploy.wiring import fluentd, scrape
from obskit.deploy.wiring.objects import Objects
from obskit.errors import InputError

CATALOG_FILE = Path(__file__).parent / "producers.yaml"
TARGET_KEYS = ("image", "resource", "service", "port", "path", "config", "config_path")


class Producer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    what: str
    target: dict[str, str] = {}
    rendered: str | None = None
    outside: bool = False
    declared: str | None = None
    metrics: list[str] = []
    except_: list[str] = []

    def emits(self, metric: str) -> bool:
        return (any(fnmatch.fnmatchcase(metric, p) for p in self.metrics)
                and not any(fnmatch.fnmatchcase(metric, p) for p in self.except_))


@dataclass
class Presence:
    """A producer found in the rendering: where (targets described), and what it declares there."""

    producer: Producer
    where: list[str] = field(default_factory=list)
    declared: set[str] = field(default_factory=set)

    def emits(self, metric: str) -> bool:
        return self.producer.emits(metric) or metric in self.declared


@cache
def catalog(path: Path = CATALOG_FILE) -> list[Producer]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        producers = [Producer.model_validate({("except_" if k == "except" else k): v for k, v in p.items()})
                     for p in data.get("producers") or []]
    except (OSError, yaml.YAMLError, ValidationError, AttributeError) as exc:
        raise InputError(f"{path}: invalid producer catalog: {exc}") from None
    for p in producers:
        unknown = set(p.target) - set(TARGET_KEYS)
        if unknown:
            raise InputError(f"{path}: producer {p.id}: unknown target key(s) {', '.join(sorted(unknown))}; "
                             f"known: {', '.join(TARGET_KEYS)}")
    return producers + _application_profiles()


def _application_profiles() -> list[Producer]:
    """RED metric names of the conventions' naming profiles: applications, outside the rendering."""
    from obskit.conventions import metric_profiles

    names: set[str] = set()
    for profile in metric_profiles().values():
        for metric in (profile.requests_metric, profile.latency_bucket_metric):
            base = re.sub(r"_(bucket|count|sum|total)$", "", metric)
            names |= {metric, f"{base}_bucket", f"{base}_count", f"{base}_sum"}
    return [Producer(id="applications", what="your applications' RED metrics (obskit/conventions/metrics/), outside "
                     "the rendering", outside=True, metrics=sorted(names))]


def present(objects: Objects, producers: list[Producer] | None = None) -> dict[str, Presence]:
    """Producer id -> where the rendering deploys and scrapes it (absent producers are left out)."""
    found: dict[str, Presence] = {}
    targets = scrape.targets(objects)
    kinds = {m.kind for m in objects.manifests}
    for producer in producers if producers is not None else catalog():
        if producer.outside:
            found.setdefault(producer.id, Presence(producer)).where.append("outside the rendering")
            continue
        if producer.rendered:
            if producer.rendered in kinds:
                found.setdefault(producer.id, Presence(producer)).where.append(f"a {producer.rendered} is rendered")
            continue
        for target in targets:
            if unmet(objects, producer, target):
                continue
            presence = found.setdefault(producer.id, Presence(producer))
            presence.where.append(target.describe())
            if producer.declared == "fluentd-metric":
                presence.declared |= _declared_fluentd_metrics(objects, target)
    for presence in found.values():
        presence.where = sorted(set(presence.where))
    return found


def unmet(objects: Objects, producer: Producer, target: scrape.Target) -> list[str]:
    """The target keys of the producer that this scrape target does not satisfy (empty: it is the producer)."""
    t = producer.target
    missing = []
    if "port" in t and target.port != t["port"]:
        missing.append(f"port {t['port']}")
    if "path" in t and not re.search(t["path"], target.path):
        missing.append(f"path {t['path']}")
    if "service" in t and not (target.service and re.search(t["service"],
                                                              f"{target.service.namespace}/{target.service.name}")):
        missing.append(f"a Service {t['service']}")
    if "resource" in t and not any(re.fullmatch(t["resource"], p.owner.split("/", 1)[0]) and not p.spec
                                   for p in target.pods):
        missing.append(f"pods of a {t['resource']}")
    if "image" in t and not any(re.search(t["image"], image) for p in target.pods for image in scrape.images(p)):
        missing.append(f"an image {t['image']}")
    texts = {k: v for p in target.pods for k, v in scrape.config_texts(objects, p).items()} \
        if "config" in t or "config_path" in t else {}  # reading every mounted config is the costly part
    if "config" in t and not any(re.search(t["config"], text) for text in texts.values()):
        missing.append(f"config `{t['config']}`")
    if "config_path" in t and not any(_true_at(_yaml(text), t["config_path"].split(".")) for text in texts.values()):
        missing.append(f"config {t['config_path']}: true")
    return missing


def _yaml(text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


def _true_at(node: Any, path: list[str]) -> bool:
    if not path:
        return node is True
    if not isinstance(node, dict):
        return False
    keys = list(node) if path[0] == "*" else [path[0]]
    return any(_true_at(node.get(k), path[1:]) for k in keys if k in node)


def _declared_fluentd_metrics(objects: Objects, target: scrape.Target) -> set[str]:
    names = set()
    for pod in target.pods:
        for section in fluentd.sections(objects, pod):
            if section.name == "metric" and section.params.get("name"):
                names.add(section.params["name"])
    return names
