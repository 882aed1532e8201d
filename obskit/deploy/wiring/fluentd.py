"""The Fluentd workloads of a rendering and their configuration, parsed once per index for every check that
reads it (log fields, self-exclusion, the metrics Fluentd declares)."""

from __future__ import annotations

from obskit.deploy.wiring import fluentconf, scrape
from obskit.deploy.wiring.objects import Objects, Pod


def is_fluentd(pod: Pod) -> bool:
    return any("fluentd" in image for image in scrape.images(pod))


def pods(objects: Objects) -> list[Pod]:
    """The pod templates that run Fluentd, in index order."""
    return [pod for pod in objects.pods if is_fluentd(pod)]


def roots(objects: Objects, pod: Pod) -> list[fluentconf.Section]:
    """One parsed root per config file the pod mounts from a ConfigMap, files in name order."""
    return objects.once(_roots, pod)


def sections(objects: Objects, pod: Pod) -> list[fluentconf.Section]:
    """Every section of every file the pod mounts (fluentconf.parse_all of its configs)."""
    return [s for root in roots(objects, pod) for s in root.walk()]


def _roots(objects: Objects, pod: Pod) -> list[fluentconf.Section]:
    return [fluentconf.parse(text, where) for where, text in sorted(scrape.config_texts(objects, pod).items())]
