"""Grouping Accuracy and throughput of `obskit logs patterns`' miner vs drain3 (defaults) on Loghub-2k.

    python benchmarks/logs_patterns.py [--root ../shared/eval/loghub] [--repeat 5]

Data: the Loghub-2k samples (Zhu et al., "Loghub: A Large Collection of System Log Datasets for AI-driven
Log Analytics", ISSRE 2023), read from --root, never copied into this repository. GA as in Zhu et al.,
ICSE-SEIP 2019: a line is correct when its predicted group equals its true group. Throughput is measured
in-process for both miners (best of --repeat runs) so interpreter start-up does not count.
"""

from __future__ import annotations

import argparse
import csv
import os
import time
from collections import defaultdict
from pathlib import Path

from obskit.investigate.templates import mine

DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "shared" / "eval" / "loghub"


def grouping_accuracy(truth: list[str], pred: list[str]) -> float:
    truth_groups: dict[str, set[int]] = defaultdict(set)
    pred_groups: dict[str, set[int]] = defaultdict(set)
    for i, (t, p) in enumerate(zip(truth, pred, strict=True)):
        truth_groups[t].add(i)
        pred_groups[p].add(i)
    correct = sum(len(ids) for ids in pred_groups.values() if truth_groups[truth[next(iter(ids))]] == ids)
    return correct / len(truth)


def load(root: Path, name: str) -> tuple[list[str], list[str]]:
    with open(root / name / f"{name}_2k.log_structured.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return [r["Content"] for r in rows], [r["EventId"] for r in rows]


def run_obskit(lines: list[str]) -> tuple[list[str], float]:
    t0 = time.perf_counter()
    assigned, _ = mine(lines)
    return [str(t.id) for t in assigned], time.perf_counter() - t0


def run_drain3(lines: list[str]) -> tuple[list[str], float]:
    from drain3 import TemplateMiner
    from drain3.template_miner_config import TemplateMinerConfig

    cfg = TemplateMinerConfig()
    cfg.profiling_enabled = False
    miner = TemplateMiner(config=cfg)
    t0 = time.perf_counter()
    out = [str(miner.add_log_message(x)["cluster_id"]) for x in lines]
    return out, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", type=Path, default=Path(os.environ.get("LOGHUB_ROOT", DEFAULT_ROOT)))
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    names = sorted(d.name for d in args.root.iterdir() if d.is_dir())
    ours, theirs, t_ours, t_theirs, n_lines = [], [], 0.0, 0.0, 0
    print(f"{'dataset':12s} {'obskit GA':>9s} {'drain3 GA':>9s} {'obskit l/s':>11s} {'drain3 l/s':>11s}")
    for name in names:
        lines, truth = load(args.root, name)
        pred, _ = run_obskit(lines)
        dpred, _ = run_drain3(lines)
        wall = min(run_obskit(lines)[1] for _ in range(args.repeat))
        dwall = min(run_drain3(lines)[1] for _ in range(args.repeat))
        ga, dga = grouping_accuracy(truth, pred), grouping_accuracy(truth, dpred)
        ours.append(ga)
        theirs.append(dga)
        t_ours += wall
        t_theirs += dwall
        n_lines += len(lines)
        print(f"{name:12s} {ga:9.3f} {dga:9.3f} {len(lines) / wall:11.0f} {len(lines) / dwall:11.0f}")
    print(f"{'mean':12s} {sum(ours) / len(ours):9.3f} {sum(theirs) / len(theirs):9.3f} "
          f"{n_lines / t_ours:11.0f} {n_lines / t_theirs:11.0f}")
    print(f"throughput ratio obskit/drain3: {t_theirs / t_ours:.1f}x")


if __name__ == "__main__":
    main()
