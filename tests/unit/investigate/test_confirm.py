"""Leads into a downstream service count as a symptom when that service's own evidence confirms them."""

from __future__ import annotations

import random

import pytest

from obskit.investigate.confirm import below_bar, confirmed
from obskit.investigate.model import Finding
from obskit.investigate.symptom import Downstream, assess
from obskit.sources.traces import EntryRequest

T0 = 1_700_000_000.0
ROUTES = ["orders /place", "users /login", "search /find", "booking /book"]
STORES = [f"store-{i:02d}" for i in range(30)]  # thirty services the gateway's requests lead into


def gateway(n: int, start: float, *, into: list[str], failed_every: int = 0, seed: int = 1) -> list[EntryRequest]:
    """Gateway requests over four routes, each leading into one of `into` (in turn); with `failed_every`, every
    such request meets a failure inside the service it leads into; the gateway answers all of them."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        route, name = ROUTES[i % len(ROUTES)], into[i % len(into)]
        failed = frozenset({name}) if failed_every and i % failed_every == 0 else frozenset()
        out.append(EntryRequest("/*", "", start + i * 0.5, 0.1 * rng.lognormvariate(0.0, 0.3), False, route,
                                frozenset({route, f"{name} /check"}), failed))
    return out


@pytest.fixture(scope="module")
def lead() -> Downstream:
    # a quarter of the 32 requests into "guard" (all of one route) fail inside it: clear on its own, but one
    # of 105 tests of the requests into 31 services, whose shared bar it does not reach
    before = gateway(400, T0, into=STORES, seed=1) + gateway(32, T0 + 0.25, into=["guard"], seed=2)
    now = gateway(400, T0 + 600, into=STORES, seed=3) + gateway(32, T0 + 600.25, into=["guard"], failed_every=4,
                                                                 seed=4)
    symptoms, tested, downstream = assess(now, before)
    assert symptoms == [] and tested == 1
    assert [names for names, _ in downstream.leads] == [("guard",)]
    return downstream


def own(service: str, source: str = "logs", signal: str = "error logs", score: float = 6.0) -> Finding:
    return Finding(source=source, service=service, kind="errors", signal=signal, score=score, onset=T0 + 610,
                   summary="40 error log lines vs 2 expected from the baseline")


def test_a_lead_into_a_service_with_error_logs_of_its_own_is_a_symptom_within_it(lead: Downstream) -> None:
    found = confirmed(lead, [own("guard")])
    assert len(found) == 1
    assert found[0].kind == "errors" and found[0].within == ("guard",)
    assert "lead into guard meet failures there: 25% of 32 vs 0% of 32" in found[0].summary
    assert "confirmed by guard's own evidence: error logs: 40 error log lines" in found[0].summary


def test_a_lead_alone_is_no_symptom(lead: Downstream) -> None:
    assert confirmed(lead, []) == []


def test_evidence_of_another_service_confirms_nothing(lead: Downstream) -> None:
    assert confirmed(lead, [own("store-07")]) == []


def test_only_the_findings_that_are_a_service_s_own_symptoms_confirm(lead: Downstream) -> None:
    # a changed call pattern of the service is a consequence as often as a cause: no confirmation
    assert confirmed(lead, [own("guard", source="traces", signal="call pattern")]) == []
    assert confirmed(lead, [own("guard", source="metrics", signal="error_ratio")]) != []


def test_the_bar_counts_every_service_with_evidence_of_its_own(lead: Downstream) -> None:
    # with evidence of their own in many services, the tests of the requests into them are many again, and
    # the lead (z ~3.8) no longer passes their shared bar
    assert confirmed(lead, [own("guard")] + [own(name) for name in STORES]) == []


def test_a_confirmed_lead_is_not_also_below_the_bar(lead: Downstream) -> None:
    assert below_bar(lead, [own("guard")]) == []
    assert below_bar(lead, []) == [] and below_bar(None, [own("guard")]) == []  # no evidence, no tests: nothing


def test_a_lead_that_misses_the_smaller_bar_is_named_below_it_with_the_evidence(lead: Downstream) -> None:
    # with evidence of their own in many services the lead misses their shared bar: no symptom, but it is
    # where the requests changed and the service has evidence of its own, so it is said, with both
    findings = [own("guard")] + [own(name) for name in STORES]
    assert confirmed(lead, findings) == []
    [(name, text)] = below_bar(lead, findings)
    assert name == "guard"
    assert "meet failures there: 25% of 32 vs 0% of 32" in text and "under the bar of" in text
    with_evidence = sum(n for names, n in lead.tests if set(names) & {"guard", *STORES})  # not the routes' own
    assert 90 <= with_evidence < sum(n for _, n in lead.tests)
    assert f"over the {with_evidence} tests of requests into services with evidence of their own" in text
    assert "guard's own evidence: error logs: 40 error log lines" in text
