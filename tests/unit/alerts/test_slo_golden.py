"""Golden in/out pairs for SLO generation (Sloth prometheus/v1 and OpenSLO v1 inputs).

Regenerate after an intended change with UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from obskit.alerts.emit import BuildOptions, render
from obskit.alerts.rulefiles import load_source

GOLDEN = Path(__file__).resolve().parents[2] / "golden" / "alerts"
CASES = sorted(p.name.removesuffix(".in.yaml") for p in GOLDEN.glob("*.in.yaml"))


@pytest.mark.parametrize("case", CASES)
def test_slo_golden(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(GOLDEN)
    ruleset = load_source(Path(f"{case}.in.yaml"))
    assert ruleset is not None and ruleset.kind == "slo"
    text = render(ruleset, BuildOptions(out=Path("unused")), f"{case}.rules.yaml")
    golden = GOLDEN / f"{case}.out.yaml"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text(), f"{case}: output differs from {golden}"


def test_golden_cases_exist() -> None:
    assert {"sloth-checkout", "openslo-checkout-28d"} <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_no_float_noise_in_goldens(case: str) -> None:
    text = (GOLDEN / f"{case}.out.yaml").read_text()
    assert "0000000" not in text and "9999999" not in text
