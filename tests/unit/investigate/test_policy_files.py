"""Investigation policies are data: a broken file is an input error that names it, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from obskit.errors import InputError
from obskit.investigate import policy


@pytest.mark.parametrize(("loader", "name"), [(policy.symptom_policy, "symptom.yaml"),
                                              (policy.blame_policy, "blame.yaml"),
                                              (policy.log_evidence_policy, "log_evidence.yaml")])
def test_a_broken_policy_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loader, name: str) -> None:
    (tmp_path / name).write_text("threshold: [not, a, number]\n", encoding="utf-8")
    monkeypatch.setattr(policy, "HERE", tmp_path)
    loader.cache_clear()
    try:
        with pytest.raises(InputError, match=name):
            loader()
    finally:
        loader.cache_clear()


def test_the_shipped_policies_load() -> None:
    assert policy.symptom_policy().family_alpha < 0.05
    assert policy.log_evidence_policy().severity_weight["warn"] < policy.log_evidence_policy().error_like
