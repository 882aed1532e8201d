"""Grouping Accuracy, throughput and memory of `obskit logs patterns`' miner vs drain3 (defaults) on Loghub-2k.

    python benchmarks/logs_patterns.py [--root ../shared/eval/loghub] [--repeat 5] [--memory-lines 1000000]

Data: the Loghub-2k samples (Zhu et al., "Loghub: A Large Collection of System Log Datasets for AI-driven
Log Analytics", ISSRE 2023), read from --root, never copied into this repository. GA as in Zhu et al.,
ICSE-SEIP 2019: a line is correct when its predicted group equals its true group. Throughput is measured
in-process for both miners (best of --repeat runs) so interpreter start-up does not count.

Split: `--design A B ...` names the sets rules were decided on; the mean GA of those and of the others (the
check half) is printed. Without it the sets in name order are dealt into two halves (1st, 3rd, ... and 2nd,
4th, ...). The miner has one setting for all and must not do better on one half.

Memory: a child process mines --memory-lines lines made from the samples, every number changed per line so
that (almost) every line is distinct, in batch mode (`mine`, all lines held) and online mode
(`TemplateMiner`, lines streamed); it prints peak RSS above the process's RSS before mining.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import resource
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from obskit.logmine.templates import TemplateMiner, mine

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


def names_in(root: Path) -> list[str]:
    return sorted(d.name for d in root.iterdir() if d.is_dir())


def run_obskit(lines: list[str]) -> tuple[list[str], float]:
    t0 = time.perf_counter()
    assigned, _ = mine(lines)
    return [str(t.id) for t in assigned], time.perf_counter() - t0


def run_online(lines: list[str]) -> list[str]:
    miner = TemplateMiner()
    return [str(miner.assign(line, i).id) for i, line in enumerate(lines)]


def run_drain3(lines: list[str]) -> tuple[list[str], float]:
    from drain3 import TemplateMiner as Drain3
    from drain3.template_miner_config import TemplateMinerConfig

    cfg = TemplateMinerConfig()
    cfg.profiling_enabled = False
    miner = Drain3(config=cfg)
    t0 = time.perf_counter()
    out = [str(miner.add_log_message(x)["cluster_id"]) for x in lines]
    return out, time.perf_counter() - t0


def _rss_mib() -> float:
    """Current resident set size (Linux /proc), in MiB."""
    with open("/proc/self/statm", encoding="ascii") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _lines(root: Path, count: int) -> Iterator[str]:
    samples = [line for name in names_in(root) for line in load(root, name)[0]]
    number = re.compile(r"\d+")
    for i in range(count):
        yield number.sub(lambda m, i=i: str(int(m.group()) + i), samples[i % len(samples)])  # type: ignore[misc]


def memory_child(root: Path, count: int, mode: str) -> None:
    if mode == "batch":
        lines = list(_lines(root, count))
        before = _rss_mib()
        t0 = time.perf_counter()
        _, ranked = mine(lines)
        templates = len(ranked)
    else:
        before = _rss_mib()
        miner = TemplateMiner()
        t0 = time.perf_counter()
        for i, line in enumerate(_lines(root, count)):
            miner.assign(line, i)
        templates = len(miner.templates())
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"{mode} {count} {peak - before:.0f} {templates} {wall:.1f}")


def memory(root: Path, count: int) -> None:
    for mode in ("batch", "online"):
        proc = subprocess.run([sys.executable, __file__, "--root", str(root), "--memory-child", mode,
                               "--memory-lines", str(count)], capture_output=True, text=True, check=True)
        _, n, mib, templates, wall = proc.stdout.split()
        print(f"memory {mode:6s}: {int(n):,} lines, peak RSS +{mib} MiB over the input, {templates} templates, "
              f"{wall} s{' (mining and generating the lines)' if mode == 'online' else ''}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", type=Path, default=Path(os.environ.get("LOGHUB_ROOT", DEFAULT_ROOT)))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--memory-lines", type=int, default=1_000_000, help="0 skips the memory measurement")
    ap.add_argument("--memory-child", choices=["batch", "online"], help=argparse.SUPPRESS)
    ap.add_argument("--design", nargs="+", metavar="SET", help="the sets rules were decided on (the rest: check)")
    args = ap.parse_args()
    if args.memory_child:
        memory_child(args.root, args.memory_lines, args.memory_child)
        return
    names = names_in(args.root)
    ours: dict[str, float] = {}
    theirs, online, t_ours, t_theirs, n_lines = [], [], 0.0, 0.0, 0
    print(f"{'dataset':12s} {'obskit GA':>9s} {'drain3 GA':>9s} {'obskit l/s':>11s} {'drain3 l/s':>11s}")
    for name in names:
        lines, truth = load(args.root, name)
        pred, _ = run_obskit(lines)
        dpred, _ = run_drain3(lines)
        walls, dwalls = [], []
        for _ in range(args.repeat):  # interleaved, so a burst of load on the shared machine hits both
            walls.append(run_obskit(lines)[1])
            dwalls.append(run_drain3(lines)[1])
        wall, dwall = min(walls), min(dwalls)
        ga, dga = grouping_accuracy(truth, pred), grouping_accuracy(truth, dpred)
        ours[name] = ga
        theirs.append(dga)
        online.append(grouping_accuracy(truth, run_online(lines)))
        t_ours += wall
        t_theirs += dwall
        n_lines += len(lines)
        print(f"{name:12s} {ga:9.3f} {dga:9.3f} {len(lines) / wall:11.0f} {len(lines) / dwall:11.0f}")
    print(f"{'mean':12s} {sum(ours.values()) / len(ours):9.3f} {sum(theirs) / len(theirs):9.3f} "
          f"{n_lines / t_ours:11.0f} {n_lines / t_theirs:11.0f}")
    print(f"online miner (line by line): mean GA {sum(online) / len(online):.3f}")
    halves = (("half 1", names[0::2]), ("half 2", names[1::2]))
    if args.design:
        halves = (("design", [n for n in names if n in args.design]),
                  ("check", [n for n in names if n not in args.design]))
    for label, half in halves:
        if not half:
            continue
        print(f"{label}: mean GA {sum(ours[n] for n in half) / len(half):.3f} ({', '.join(half)})")
    print(f"throughput ratio obskit/drain3: {t_theirs / t_ours:.1f}x")
    if args.memory_lines:
        memory(args.root, args.memory_lines)


if __name__ == "__main__":
    main()
