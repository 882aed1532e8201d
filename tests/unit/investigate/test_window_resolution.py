"""Short incidents: the step adapts to the window and an explicit baseline is used exactly."""

from __future__ import annotations

import pytest

from obskit.cli.investigate_cmd import resolve_window, window_step

NOW = 1_763_719_200.0  # 2025-11-21T10:00:00Z


@pytest.mark.parametrize(("seconds", "step"), [(180, 15), (300, 25), (600, 50), (1200, 60), (3600, 60),
                                               (86400, 720)])
def test_step_adapts_to_the_window(seconds: float, step: float) -> None:
    assert window_step(seconds) == step


def test_three_minute_window_after_a_quiet_period_with_an_exact_baseline() -> None:
    window, baseline = resolve_window(None, "2025-11-21T10:10:00Z", "2025-11-21T10:13:00Z", "10m", NOW)
    assert (window.start, window.end, window.step) == (NOW + 600, NOW + 780, 15)
    assert (baseline.start, baseline.end) == (NOW, NOW + 600)


def test_auto_baseline_covers_at_least_half_an_hour() -> None:
    window, baseline = resolve_window(None, "2025-11-21T10:10:00Z", "2025-11-21T10:13:00Z", "auto", NOW)
    assert baseline.end == window.start and baseline.seconds == 1800
    window, baseline = resolve_window("2h", None, None, "auto", NOW)
    assert baseline.seconds == window.seconds == 7200
