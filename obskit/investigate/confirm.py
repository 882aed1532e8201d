"""Leads confirmed by the downstream service's own evidence.

The tests of the requests that lead into each downstream service (obskit/investigate/symptom.py) share one
false-alarm rate over every downstream service the operation's requests reach: with forty services, a
change must reach |z| ~3.9 to count, and a fault that touches few requests (a callee the gateway reaches
on one route in ten, a baseline that already held part of the fault) stays below it. Most services have no
evidence of their own in a given window, though; a service that does -- its own error logs rose, its RED
from metrics moved, its callers see its calls slower (the findings `symptom.from_findings` takes as a
service's own symptoms) -- is where a change of the requests into it is worth testing. So the family is
re-counted over the tests of the requests into services with their own evidence only, and a lead (a test
that passed the floor, `threshold` in symptom.yaml, but not the whole family's bar) into such a service that
passes this smaller family's bar is a symptom, naming the evidence that confirms it.

Both halves are needed: the service's own evidence alone is a change elsewhere (a note, never a symptom of
the investigated service), and the lead alone is within what forty tests produce by chance.
"""

from __future__ import annotations

from dataclasses import replace
from statistics import NormalDist

from obskit.investigate.model import Finding, Symptom
from obskit.investigate.policy import symptom_policy
from obskit.investigate.symptom import Downstream, from_findings

_NORMAL = NormalDist()


def confirmed(downstream: Downstream | None, findings: list[Finding]) -> list[Symptom]:
    """The strongest lead into a service with evidence of its own that passes the family of the tests into
    such services (Bonferroni over them, at the share of the false-alarm rate the downstream tests have)."""
    family = _family(downstream, findings)
    if family is None:
        return []
    leads, bar, _ = family
    passed = [lead for lead in leads if lead[0].z >= bar]
    if not passed:
        return []
    symptom, name, evidence = max(passed, key=lambda lead: lead[0].z)
    return [replace(symptom, summary=f"{symptom.summary}; confirmed by {name}'s own evidence: {evidence.summary}")]


def below_bar(downstream: Downstream | None, findings: list[Finding]) -> list[tuple[str, str]]:
    """The leads into services with evidence of their own that miss this family's bar, strongest first, as
    (service, what to say): no symptom, but where an engineer would look first; they are rare where nothing
    is wrong (a lead and the service's own evidence at once)."""
    family = _family(downstream, findings)
    if family is None:
        return []
    leads, bar, tests = family
    return [(name, f"{symptom.summary} (z {symptom.z:.2f}, under the bar of {bar:.2f} over the {tests} tests of "
                   f"requests into services with evidence of their own); {name}'s own evidence: {evidence.summary}")
            for symptom, name, evidence in sorted(leads, key=lambda lead: -lead[0].z) if symptom.z < bar]


def _family(downstream: Downstream | None,
            findings: list[Finding]) -> tuple[list[tuple[Symptom, str, Symptom]], float, int] | None:
    """The leads into services with evidence of their own (each with that service and its strongest own
    evidence), the bar of the tests into such services, and how many tests that is; None when there are none."""
    if downstream is None or not downstream.leads:
        return None
    involved = {name for names, _ in downstream.tests for name in names}
    own = {name: found for name in sorted(involved) if (found := from_findings(findings, name))}
    tests = sum(n for names, n in downstream.tests if any(name in own for name in names))
    if not tests:
        return None
    policy = symptom_policy()
    bar = max(policy.threshold, -_NORMAL.inv_cdf(policy.family_alpha / 4 / tests))
    leads = []
    for names, symptom in downstream.leads:
        name = next((n for n in names if n in own), None)
        if name is not None:
            leads.append((symptom, name, max(own[name], key=lambda s: s.z)))
    return leads, bar, tests
