"""How often suspect #1 is the cause, at each confidence, on labelled incidents (prints figures; not a test).

    python benchmarks/confidence_reliability.py --cases DIR [DIR ...] [--fit] [--obskit .venv/bin/obskit]

DIR holds case folders in rca.py's format (telemetry.jsonl[.gz] + truth.json; `rca_synthetic.py --keep DIR`
writes them). Every case is imported into a temporary store and its symptom service investigated over
[from, to] in this process. Cases where no suspect is named are left out: this is the confidence of a named
suspect #1. Prints per case whether suspect #1 is the injected service, its confidence (calibrated) and its
separation (the uncalibrated figure it comes from), then for both the reliability table (per bin: cases, mean,
share right) and the Brier score. With --fit also, on the separation, the isotonic regression of "right"
(pool adjacent violators, each block's share Laplace-smoothed) and the maximum-likelihood log-odds shift
(slope 1): the value obskit.investigate.correlate.CALIBRATION_SHIFT would take on these cases.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.01)


def parse(ts: str) -> str:
    return dt.datetime.fromisoformat(ts.replace("Z", "+00:00")).strftime("%Y-%m-%dT%H:%M:%SZ")


def investigate_case(case: Path, obskit: str) -> tuple[bool, float, float] | None:
    """(suspect #1 is the injected service, its confidence, its separation), None without a suspect."""
    from obskit.cli.investigate_cmd import resolve_window
    from obskit.investigate.pipeline import investigate
    from obskit.sources.local import local_sources

    truth = json.loads((case / "truth.json").read_text())
    tele = next((case / f for f in ("telemetry.jsonl.gz", "telemetry.jsonl") if (case / f).exists()), None)
    if tele is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "case.duckdb"
        subprocess.run([obskit, "local", "import", str(tele), "--db", str(db)], check=True, capture_output=True)
        window, base = resolve_window(None, parse(truth["from"]), parse(truth["to"]), "auto", 0.0)
        report = investigate(local_sources(db), truth["symptom_service"], window, base)
    if not report.suspects:
        return None
    top = report.suspects[0]
    return top.service == truth["service"], top.confidence, top.separation


def reliability(label: str, rows: list[tuple[bool, float]]) -> None:
    print(f"{label}: Brier {sum((p - right) ** 2 for right, p in rows) / max(1, len(rows)):.3f} over {len(rows)}")
    for lo, hi in zip(BINS, BINS[1:], strict=False):
        inside = [(right, p) for right, p in rows if lo <= p < hi]
        if inside:
            print(f"  {lo:.1f}-{min(hi, 1.0):.1f}: {len(inside):3d} cases, mean confidence "
                  f"{sum(p for _, p in inside) / len(inside):.2f}, right {sum(r for r, _ in inside) / len(inside):.2f}")


def _share(block: list[float]) -> float:
    return (block[1] + 1) / (block[2] + 2)


def isotonic(rows: list[tuple[bool, float]]) -> list[tuple[float, float]]:
    """Pool adjacent violators over the confidences: (mean confidence, Laplace-smoothed share right) per block."""
    blocks: list[list[float]] = []  # [sum of confidences, right, n]
    for right, confidence in sorted(rows, key=lambda r: r[1]):
        blocks.append([confidence, float(right), 1.0])
        while len(blocks) > 1 and _share(blocks[-2]) >= _share(blocks[-1]):
            last = blocks.pop()
            blocks[-1] = [blocks[-1][0] + last[0], blocks[-1][1] + last[1], blocks[-1][2] + last[2]]
    knots: list[tuple[float, float]] = []
    for total, right, n in blocks:
        x, y = round(total / n, 3), round((right + 1) / (n + 2), 3)
        if not knots or x > knots[-1][0]:
            knots.append((x, y))
    return knots


def fit_shift(rows: list[tuple[bool, float]]) -> float:
    """The log-odds shift s maximising the likelihood of "right" under p = sigmoid(logit(x) + s) (Newton's
    method; the log-likelihood is concave in s)."""
    from obskit.investigate.correlate import log_odds

    logits = [log_odds(x) for _, x in rows]  # as the shipped calibration reads the separation
    shift = 0.0
    for _ in range(50):
        ps = [1 / (1 + math.exp(-(z + shift))) for z in logits]
        gradient = sum(float(right) - p for (right, _), p in zip(rows, ps, strict=True))
        curvature = sum(p * (1 - p) for p in ps)
        if curvature <= 1e-12:
            break
        shift += gradient / curvature
        if abs(gradient) < 1e-9:
            break
    return shift


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=Path, nargs="+", required=True)
    ap.add_argument("--fit", action="store_true", help="also print the isotonic calibration curve")
    ap.add_argument("--obskit", default=".venv/bin/obskit")
    args = ap.parse_args()
    rows: list[tuple[bool, float]] = []
    separations: list[tuple[bool, float]] = []
    for folder in args.cases:
        for case in sorted(p for p in folder.iterdir() if (p / "truth.json").exists()):
            found = investigate_case(case, args.obskit)
            label = "no suspect" if found is None else (
                f"right={found[0]!s:5} confidence={found[1]:.3f} separation={found[2]:.3f}")
            print(f"{case.name[:60]:60} {label}", flush=True)
            if found is not None:
                rows.append((found[0], found[1]))
                separations.append((found[0], found[2]))
    if not rows:
        print("no case named a suspect", file=sys.stderr)
        return 2
    reliability("confidence of suspect #1 (calibrated)", rows)
    reliability("separation of suspect #1 (uncalibrated)", separations)
    if args.fit:
        print("isotonic curve (separation, share right):", json.dumps([list(k) for k in isotonic(separations)]))
        print(f"maximum-likelihood log-odds shift of the separation: {fit_shift(separations):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
