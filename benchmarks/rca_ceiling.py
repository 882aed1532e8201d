"""How many recorded faults could be found at all: investigate the labelled root-cause service itself over each
case's window (prints figures).

    python benchmarks/rca_ceiling.py --cases ../shared/eval/nezha-tt [--obskit .venv/bin/obskit]

rca.py investigates the symptom service (a gateway, a frontend) and asks whether the labelled service comes
out first. When the labelled service's own spans, logs and metrics do not deviate from the baseline in that
window, no ranking from the symptom service can name it: this script counts, per case (the same folder format:
telemetry and truth.json), whether investigating the labelled service itself finds a symptom (exit 1) and
whether it then names itself first. Exit 0 (no symptom) or 5 (no usable data) mark windows where the fault does
not show in the data. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile


def run(obskit: str, case: str) -> tuple[int, list[str]]:
    truth = json.load(open(os.path.join(case, "truth.json")))
    tele = next((os.path.join(case, f) for f in ("telemetry.jsonl.gz", "telemetry.jsonl")
                 if os.path.exists(os.path.join(case, f))), None)
    if tele is None:
        return -1, []
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "case.duckdb")
        imp = subprocess.run([obskit, "local", "import", tele, "--db", db], capture_output=True, text=True)
        if imp.returncode != 0:
            return -1, []
        inv = subprocess.run([obskit, "investigate", truth["service"], "--local", "--db", db, "--from",
                              truth["from"], "--to", truth["to"], "--format", "json"], capture_output=True, text=True)
        try:
            names = [s["service"] for s in json.loads(inv.stdout).get("suspects") or []]
        except ValueError:
            names = []
        return inv.returncode, names


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", required=True, help="folder of case folders (telemetry + truth.json)")
    ap.add_argument("--obskit", default="obskit")
    args = ap.parse_args()
    cases = sorted(os.path.join(args.cases, d) for d in os.listdir(args.cases)
                   if os.path.exists(os.path.join(args.cases, d, "truth.json")))
    shown = first = failed = 0
    for case in cases:
        service = json.load(open(os.path.join(case, "truth.json")))["service"]
        code, names = run(args.obskit, case)
        failed += code not in (0, 1, 5)
        shown += code == 1
        first += code == 1 and names[:1] == [service]
        print(f"{os.path.basename(case):55s} exit={code} named first: {names[:1] == [service]}", flush=True)
    print(f"labelled service shows a symptom in {shown}/{len(cases)} windows, names itself first in {first}; "
          f"{failed} runs failed")
    return 0 if not failed else 2


if __name__ == "__main__":
    sys.exit(main())
