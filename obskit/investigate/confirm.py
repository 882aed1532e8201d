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
    if downstream is None or not downstream.leads:
        return []
    involved = {name for names, _ in downstream.tests for name in names}
    own = {name: found for name in sorted(involved) if (found := from_findings(findings, name))}
    tests = sum(n for names, n in downstream.tests if any(name in own for name in names))
    if not tests:
        return []
    policy = symptom_policy()
    bar = max(policy.threshold, -_NORMAL.inv_cdf(policy.family_alpha / 4 / tests))
    passed = [(symptom, names) for names, symptom in downstream.leads
              if symptom.z >= bar and any(name in own for name in names)]
    if not passed:
        return []
    symptom, names = max(passed, key=lambda p: p[0].z)
    name = next(n for n in names if n in own)
    evidence = max(own[name], key=lambda s: s.z)
    return [replace(symptom, summary=f"{symptom.summary}; confirmed by {name}'s own evidence: {evidence.summary}")]
