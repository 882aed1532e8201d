"""obskit.duration, the one duration parser: Prometheus' syntax, for rule files and flags alike."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from obskit.duration import format_duration, parse_duration, parse_milliseconds, parse_seconds
from obskit.errors import InputError
from obskit.investigate.timespec import parse_duration as window_length


@pytest.mark.parametrize(("text", "seconds"), [
    ("30s", 30), ("5m", 300), ("1h30m", 5400), ("1d", 86400), ("2w", 1_209_600), ("1y", 31_536_000),
    ("0", 0), ("0s", 0), ("1m30s500ms", 90), ("1y2w3d4h5m6s7ms", 31_536_000 + 1_209_600 + 3 * 86400 + 14706),
])
def test_prometheus_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["30m1h", "1h1h", "5m1h", "1s1m", "", "m", "1.5h", "-1m", "1H", "300", "1h 30m",
                                  "5ms1s", "banana"])
def test_what_prometheus_refuses_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a valid duration"):
        parse_duration(text)


def test_milliseconds_and_the_int64_limit() -> None:
    assert parse_milliseconds("1s500ms") == 1500 and parse_seconds("250ms") == 0.25
    with pytest.raises(ValueError, match="too long"):
        parse_milliseconds("300y")


def test_investigate_windows_read_durations_with_the_same_parser() -> None:
    assert window_length("1h30m", "--since") == 5400
    assert window_length("1H", "--since") == 3600  # flags are case-insensitive; the syntax is Prometheus'
    for text in ("30m1h", "1h1h", "1.5h"):
        with pytest.raises(InputError, match="--since: .* is not a duration"):
            window_length(text, "--since")


@given(st.integers(min_value=0, max_value=10 * 365 * 86400))
def test_format_and_parse_round_trip(seconds: int) -> None:
    assert parse_duration(format_duration(seconds)) == seconds
