"""One SLO document -> SLOs: picks the parser by format (see :func:`obskit.alerts.rulefiles.classify`)."""

from __future__ import annotations

from obskit.alerts.openslo import parse_openslo
from obskit.alerts.openslo_refs import OpenSloIndex
from obskit.alerts.slospec import SLO
from obskit.alerts.sloth import parse_sloth
from obskit.alerts.yamlsource import YamlDoc


def parse_spec(doc: YamlDoc, index: OpenSloIndex | None = None) -> list[SLO]:
    """A Sloth ``prometheus/v1`` spec, a Sloth ``PrometheusServiceLevel`` or an OpenSLO v1 ``kind: SLO``.

    ``index`` holds the OpenSLO objects of the whole tree, for ``indicatorRef``/``alertPolicyRef``.
    """
    if isinstance(doc.data, dict) and str(doc.data.get("apiVersion", "")).startswith("openslo/"):
        return parse_openslo(doc, index)
    return parse_sloth(doc)
