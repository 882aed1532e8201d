"""Fixtures for the deploy tests: sample build output and a rendering per profile (cached per session)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from obskit.deploy.stack import StackOptions, StackRendering, render_stack

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "deploy"


def sample_options(profile: str, **overrides: object) -> StackOptions:
    base: dict[str, object] = {
        "profile": profile,
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
