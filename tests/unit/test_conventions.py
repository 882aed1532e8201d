import pytest

from obskit.conventions import field_map, metric_profile, metric_profiles, saturation_profile
from obskit.errors import InputError


def test_all_profiles_load() -> None:
    names = set(metric_profiles())
    assert {"otel-semconv", "prometheus-client", "istio", "nginx-ingress", "spring"} <= names
    assert metric_profile("istio").latency_unit_seconds == 0.001
    assert saturation_profile().memory_limit_matchers == {"resource": "memory"}


def test_unknown_profile_lists_known() -> None:
    with pytest.raises(InputError, match="known: .*istio"):
        metric_profile("nope")


def test_field_map_overrides() -> None:
    fm = field_map("fluentd-kubernetes", {"level": "severity"})
    assert fm.level == "severity" and fm.message == "log"
    assert field_map().trace_id == "trace.id"
    with pytest.raises(InputError, match="unknown field"):
        field_map("ecs", {"bogus": "x"})


def test_log_line_conventions_load() -> None:
    from obskit.conventions.log_lines import masking_vocabulary, message_fields

    fields = message_fields()
    assert fields.message[:2] == ("msg", "message")
    assert "level" in fields.metadata and "msg" not in fields.metadata
    vocabulary = masking_vocabulary()
    assert {"KB", "ms", "sec"} <= vocabulary.units
    assert "Jun" in vocabulary.calendar
