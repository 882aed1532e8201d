"""Fixtures for the deploy tests: sample build output and a rendering per profile (cached per session).

The full-stack tests need the pinned upstream charts: OBSKIT_CHARTS_DIR, else Helm's charts/ (after
`helm dependency build`), else ../shared/upstream-charts beside the checkout (CI). They are never
skipped: without the charts the session stops with the reason."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from obskit.deploy import chart, chartsource
from obskit.deploy.chart import Manifest
from obskit.deploy.stack import StackOptions, StackRendering, render_stack

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "deploy"
SHARED_CHARTS = Path(__file__).resolve().parents[2].parent / "shared" / "upstream-charts"


def charts_dir() -> Path | None:
    """The chart mirror the tests use; None when Helm's charts/ already holds every pinned chart."""
    if os.environ.get(chartsource.ENV, "").strip():
        return Path(os.environ[chartsource.ENV])
    if chartsource.locate(chart.CHART_DIR, None).kind == "helm":
        return None
    if SHARED_CHARTS.is_dir():
        return SHARED_CHARTS
    pytest.fail("the full-stack deploy tests need the pinned upstream charts: run `helm dependency build "
                f"charts/obskit-stack`, or set {chartsource.ENV} to a chart mirror", pytrace=False)


def sample_options(profile: str, **overrides: object) -> StackOptions:
    base: dict[str, object] = {
        "profile": profile,
        "charts_dir": charts_dir(),
        "dashboards_dir": FIXTURES / "dashboards",
        "rules_dir": FIXTURES / "rules",
        "alertmanager_file": FIXTURES / "alertmanager.yaml",
    }
    base.update(overrides)
    return StackOptions(**base)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], StackRendering]:
    cache: dict[str, StackRendering] = {}

    def get(profile: str) -> StackRendering:
        if profile not in cache:
            cache[profile] = render_stack(sample_options(profile), tmp_path_factory.mktemp(f"chart-{profile}"))
        return cache[profile]

    return get


def edit(stack: StackRendering, kind: str, name: str, change: Callable[[dict[str, Any]], None]) -> list[Manifest]:
    """A copy of the rendering with one object changed (`change` edits a deep copy of its body)."""
    out = []
    for m in stack.rendering.manifests:
        if m.kind == kind and m.name == name:
            body = copy.deepcopy(m.body)
            change(body)
            m = replace(m, body=body)
        out.append(m)
    return out
