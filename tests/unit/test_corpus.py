"""The corpus of real-world inputs (tests/corpus): every entry gives the outcome expected.yaml records."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
EXPECTED = yaml.safe_load((CORPUS / "expected.yaml").read_text())


@pytest.mark.parametrize("entry", sorted(EXPECTED))
def test_corpus_entry(entry: str, tmp_path: Path) -> None:
    expected = EXPECTED[entry]
    args = [str(a).replace("$TMP", str(tmp_path)) for a in expected.get("args") or
            ["alerts", "check", entry, "--disable", "alert/runbook-url", "--offline"]]
    env = {k: v for k, v in os.environ.items() if not k.startswith("OBSKIT_")}
    env["COLUMNS"] = "200"
    result = subprocess.run([sys.executable, "-m", "obskit", *args], cwd=CORPUS, env=env, capture_output=True,
                            text=True, timeout=120)
    output = result.stdout + result.stderr
    assert result.returncode == expected["exit"], output
    assert "Traceback" not in output and "internal error" not in output, output
    for text in expected.get("stdout", []) + expected.get("stderr", []):
        assert text in output, f"{text!r} not in {output}"
    for text in expected.get("absent", []):
        assert text not in output, f"{text!r} in {output}"
    if "rules" in expected:
        match = re.search(r"(\d+) rules", output)
        assert match and int(match.group(1)) == expected["rules"], output


def test_every_corpus_file_has_an_expectation() -> None:
    covered = {CORPUS / e for e in EXPECTED}
    for path in CORPUS.rglob("*"):
        if path.suffix in (".yaml", ".yml", ".json") and path.name != "expected.yaml":
            assert path in covered or any(p in covered for p in path.parents), f"{path} has no expected outcome"
