"""The obskit stack's log field set (charts/obskit-stack/files/log-fields.yaml): the one map Fluentd writes
by and Grafana, Kibana and the Elasticsearch source read by. It lives in the chart, which renders the Fluentd
pipeline and the datasources from it; Python reads the same file (also from an installed wheel)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from obskit.errors import InputError

NAME = "obskit-stack"
SIGNALS = ("timestamp", "message", "level", "trace_id", "span_id", "service", "namespace", "pod")


class TextPattern(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    expression: str  # Ruby (Onigmo) regexp, restricted to syntax Python's `re` reads the same


class LogFieldSet(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    fields: dict[str, str]  # signal -> document field
    spellings: dict[str, list[str]]  # signal -> keys of a JSON line, first present wins
    text: list[TextPattern]
    cri: str
    multiline_start: str


def default_file() -> Path:
    from obskit.deploy.chart import CHART_DIR

    return CHART_DIR / "files" / "log-fields.yaml"


@cache
def load(path: Path | None = None) -> LogFieldSet:
    path = path or default_file()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        fields = LogFieldSet.model_validate(data)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise InputError(f"{path}: invalid log field set: {exc}") from None
    missing = [s for s in SIGNALS if s not in fields.fields]
    if missing:
        raise InputError(f"{path}: fields: missing {', '.join(missing)} (expected all of {', '.join(SIGNALS)})")
    return fields
