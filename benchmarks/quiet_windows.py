"""False alarms of `obskit investigate` in fault-free minutes that have a usable baseline (prints figures).

    python benchmarks/quiet_windows.py --cases ../shared/eval/nezha-tt [--obskit .venv/bin/obskit]
        [--length 120] [--gap 60] [--settle 300]

rca.py's --quiet-windows investigates the 3 minutes before each fault's window; in recordings that start a
few minutes before the fault, those minutes have almost nothing before them, so most end in exit 5 (no usable
data) and say little about false alarms. This script takes, per case (the same folder format: telemetry and
truth.json), the `--length` seconds that end `--gap` seconds before the injection, so everything recorded
before them is the baseline. A case is skipped when the previous fault of the folder was injected less than
`--settle` seconds before the quiet window (it may still be on). Nothing was injected there: exit 1 (a
symptom and a cause) is a false alarm; exit 0 (no symptom) is right; exit 5 (no usable data) is honest.
Standard library only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter


def parse(ts: str) -> dt.datetime:
    return dt.datetime.fromisoformat(ts.replace("Z", "+00:00"))


def rfc3339(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def run(obskit: str, case: str, start: dt.datetime, end: dt.datetime, service: str) -> tuple[int, str]:
    tele = next((os.path.join(case, f) for f in ("telemetry.jsonl.gz", "telemetry.jsonl")
                 if os.path.exists(os.path.join(case, f))), None)
    if tele is None:
        return -1, "no telemetry file"
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "case.duckdb")
        imp = subprocess.run([obskit, "local", "import", tele, "--db", db], capture_output=True, text=True)
        if imp.returncode != 0:
            return -1, "import failed: " + (imp.stderr.strip().splitlines() or ["?"])[-1]
        inv = subprocess.run([obskit, "investigate", service, "--local", "--db", db, "--from", rfc3339(start),
                              "--to", rfc3339(end), "--format", "json"], capture_output=True, text=True)
    try:
        verdict = json.loads(inv.stdout).get("verdict", "")
    except ValueError:
        verdict = (inv.stderr.strip().splitlines() or ["no JSON on stdout"])[0]
    return inv.returncode, verdict


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", required=True, help="folder of case folders (rca.py's format)")
    ap.add_argument("--obskit", default="obskit")
    ap.add_argument("--length", type=float, default=120.0, help="seconds of the quiet window")
    ap.add_argument("--gap", type=float, default=60.0, help="seconds between its end and the injection")
    ap.add_argument("--settle", type=float, default=300.0, help="seconds after a previous injection to skip")
    args = ap.parse_args()
    cases = sorted(os.path.join(args.cases, d) for d in os.listdir(args.cases)
                   if os.path.isfile(os.path.join(args.cases, d, "truth.json")))
    if not cases:
        print(f"no cases under {args.cases}", file=sys.stderr)
        return 2
    truths = {c: json.load(open(os.path.join(c, "truth.json"))) for c in cases}
    injected = sorted(parse(t["inject_time"]) for t in truths.values())
    exits: Counter[int] = Counter()
    for case in cases:
        truth = truths[case]
        inject = parse(truth["inject_time"])
        end = inject - dt.timedelta(seconds=args.gap)
        start = end - dt.timedelta(seconds=args.length)
        earlier = [t for t in injected if t < inject]
        if earlier and (start - earlier[-1]).total_seconds() < args.settle:
            continue
        code, verdict = run(args.obskit, case, start, end, truth["symptom_service"])
        exits[code] += 1
        print(f"{os.path.basename(case):<58} exit={code} {verdict[:150]}")
    total = sum(exits.values())
    print(f"quiet windows: {total}, flagged (exit 1) {exits[1]}, no symptom (exit 0) {exits[0]}, "
          f"no usable data (exit 5) {exits[5]}, other {total - exits[0] - exits[1] - exits[5]}")
    return 0 if -1 not in exits else 2


if __name__ == "__main__":
    sys.exit(main())
