"""The supported-versions policy (obskit/sources/versions.yaml) and its verdicts."""

from __future__ import annotations

import pytest

from obskit.sources.versions import judge, parse, policy, require


@pytest.mark.parametrize(("text", "expected"), [
    ("9.5.0", (9, 5, 0)), ("v2.19.0", (2, 19, 0)), ("11.3.0-pre", (11, 3, 0)), ("8.15.3-SNAPSHOT", (8, 15, 3)),
    ("13", (13, 0, 0)), ("?", None), ("", None),
])
def test_parse(text: str, expected: tuple[int, ...] | None) -> None:
    assert parse(text) == expected


def test_the_stack_versions_are_the_checked_ones() -> None:
    checked = {name: support.checked for name, support in policy().items()}
    assert checked == {"elasticsearch": "9.5", "opensearch": "2.17", "kibana": "9.5", "prometheus": "3.14",
                       "grafana": "13.2"}
    assert all(parse(s.minimum) <= parse(s.checked) for s in policy().values())  # type: ignore[operator]


@pytest.mark.parametrize(("product", "version", "ok", "note"), [
    ("elasticsearch", "9.5.0", True, ""),
    ("elasticsearch", "8.15.3", True, ""),
    ("elasticsearch", "7.17.9", False, "older than 8.0"),
    ("elasticsearch", "10.0.0", True, "newer than 9.5"),
    ("prometheus", "2.23.0", False, "older than 2.24"),
    ("prometheus", "3.14.1", True, ""),
    ("grafana", "9.5.2", False, "older than 10.0"),
    ("grafana", "13.2.0", True, ""),
    ("kibana", "banana", True, "not readable"),
    ("jaeger", "2.19.0", True, ""),  # not in the policy: the query API reports no version
])
def test_judge(product: str, version: str, ok: bool, note: str) -> None:
    verdict = judge(product, version)
    assert verdict.ok is ok and note in verdict.note and (note or verdict.note == "")


class Refused(Exception):
    pass


def test_require_raises_the_callers_error_with_the_note() -> None:
    with pytest.raises(Refused, match=r"^prometheus 2\.23\.0 is older than 2\.24"):
        require("prometheus", "2.23.0", Refused)
    with pytest.raises(Refused, match=r"^at http://g: grafana 9\.5\.2 is older"):
        require("grafana", "9.5.2", lambda note: Refused(f"at http://g: {note}"))


def test_require_returns_the_verdict_of_a_supported_version() -> None:
    assert require("elasticsearch", "10.0.0", Refused) == judge("elasticsearch", "10.0.0")
    assert require("prometheus", "3.14.1", Refused).note == ""
