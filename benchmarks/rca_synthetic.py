"""Generality check of root-cause ranking on generated systems unlike the demo (prints figures; not a test).

    python benchmarks/rca_synthetic.py [--seeds 1 2 3] [--kinds cpu delay exception return memory]
        [--obskit .venv/bin/obskit] [--rca ../shared/eval/rca.py] [--keep DIR]

Per seed a random topology: 25-40 services named svc-NN on 7 levels (call chains 6 hops deep), each with
1-3 operations whose calls into the next levels are fixed per operation (fan-out 0-2). Every span is linked
to its caller only by its parent span id; kinds are UNSPECIFIED and there are no peer attributes. Each span
logs a Java-style info line (trace and span ids set), with rare warn/error noise in every period. Pod gauges
(`k8s.pod.cpu.usage`, `k8s.pod.memory_limit_utilization`) every 30 s.

Odd seeds wrap each call in a client span of the caller (kind unspecified, as most agents do); even seeds
link the callee's span straight to the caller's (a slow network at a leaf then looks like its caller's own
time: no span data can tell them apart).

Per fault kind one case, on a random service at a random depth (the symptom service is the entry svc-00):
- cpu: the service's own work takes 2.5-4x longer; its CPU gauge rises.
- delay: a slow network at the service (egress delay, both directions: its answers and its own calls).
- exception: a share of its requests throw (new error log with a stack frame); callers fail too and log a
  new "call failed" error mentioning the callee. In half of the cases (a coin per case) the spans carry
  status ERROR, in the others only the logs tell (errors answered with a normal status).
- return: a share of its answers are wrong: it logs a new warn line, and its caller skips its remaining calls
  (the call pattern changes) and logs a validation warning.
- memory: its memory gauge climbs towards the limit; GC pauses add to its own time and log warnings.
Seeds divisible by 3 ship raw Spring Boot log lines without a severity field (the level is in the text).
A third of the services also log bursts of a scheduled job every 4-12 minutes (noise that no fault explains).
Each case: 10 quiet minutes, then a 3-minute window with the fault injected 15-45 s in, written in rca.py's
case-folder format (telemetry.jsonl.gz + truth.json) and scored with `rca.py --cases DIR`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import random
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

KINDS = ("cpu", "delay", "exception", "return", "memory")
LEVELS = 7  # levels 0..6: call chains six hops deep
BASELINE = 600.0
WINDOW = 180.0
RATE = 4.0  # requests per second into the entry service
GAUGE_STEP = 30.0
SEVERITY = {"info": 9, "warn": 13, "error": 17}


@dataclass
class Topology:
    level: dict[str, int]
    ops: dict[str, list[str]]
    calls: dict[tuple[str, str], list[tuple[str, str]]]  # (service, operation) -> calls in order
    self_ms: dict[tuple[str, str], float]

    @property
    def entry(self) -> str:
        return "svc-00"


def topology(rng: random.Random) -> Topology:
    n = rng.randint(25, 40)
    names = [f"svc-{i:02d}" for i in range(n)]
    level = {names[0]: 0}
    for i, name in enumerate(names[1:]):  # every level holds at least one service
        level[name] = i + 1 if i + 1 < LEVELS else rng.randint(1, LEVELS - 1)
    by_level: dict[int, list[str]] = defaultdict(list)
    for name in names:
        by_level[level[name]].append(name)
    ops = {s: [f"/{s}/{verb}" for verb in rng.sample(["query", "update", "list", "get", "create"], rng.randint(1, 3))]
           for s in names}
    incoming: dict[str, int] = defaultdict(int)
    calls: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for s in sorted(names, key=lambda x: level[x]):
        for op in ops[s]:
            lv = level[s]
            fan = 0 if lv == LEVELS - 1 else rng.choice([1, 1, 1, 2] if lv < 4 else [0, 1, 1, 2])
            if s == names[0]:
                fan = max(fan, 2)
            options = by_level[lv + 1] + (by_level.get(lv + 2, []) if rng.random() < 0.3 else [])
            picked: list[tuple[str, str]] = []
            for _ in range(fan):
                callee = min(options, key=lambda c: (incoming[c], rng.random()))  # reach every service
                incoming[callee] += 1
                picked.append((callee, rng.choice(ops[callee])))
            calls[s, op] = picked
    self_ms = {(s, op): rng.uniform(2.0, 15.0) for s in names for op in ops[s]}
    return Topology(level, ops, calls, self_ms)


def reached(topo: Topology) -> dict[str, int]:
    """Services on some request path, with their call depth."""
    depth: dict[str, int] = {}

    def walk(svc: str, op: str, d: int) -> None:
        depth[svc] = min(depth.get(svc, d), d)
        for callee, cop in topo.calls.get((svc, op), []):
            walk(callee, cop, d + 1)

    for op in topo.ops[topo.entry]:
        walk(topo.entry, op, 0)
    return depth


@dataclass
class Fault:
    kind: str
    service: str
    start: float
    share: float  # requests affected (exception, return)
    factor: float  # cpu slow-down or egress delay in seconds
    marked: bool = True  # exceptions set span status ERROR (else only the logs tell)


@dataclass
class Case:
    rng: random.Random
    topo: Topology
    fault: Fault
    seed: int
    client_spans: bool  # callers wrap each call in a span of their own (most agents); else server spans only
    raw_lines: bool = False  # logs are raw Spring Boot lines without a severity field
    spans: dict[tuple[str, int], list[dict]] = field(default_factory=lambda: defaultdict(list))
    logs: dict[tuple[str, int], list[dict]] = field(default_factory=lambda: defaultdict(list))
    ids: int = 0

    def new_id(self) -> str:
        self.ids += 1
        return f"{self.ids:016x}"

    def log(self, svc: str, ts: float, level: str, body: str, trace: str, span: str) -> None:
        record = {"timeUnixNano": str(int(ts * 1e9)), "traceId": trace, "spanId": span}
        if self.raw_lines:  # the whole line as the agent read it, without a severity field
            stamp = dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
            record["body"] = {"stringValue": f"{stamp} {level.upper():>5} 1 --- [http-nio-8080-exec-"
                                             f"{int(ts * 7) % 10}] c.e.{svc.replace('-', '')}.Handler : {body}"}
        else:
            record |= {"severityNumber": SEVERITY[level], "severityText": level.upper(),
                       "body": {"stringValue": body}}
        self.logs[svc, int(ts // 60)].append(record)

    def active(self, svc: str, ts: float) -> bool:
        return svc == self.fault.service and ts >= self.fault.start

    def visit(self, svc: str, op: str, start: float, trace: str, parent: str | None) -> tuple[float, bool, bool]:
        """One span and its subtree: (end, failed, wrong answer)."""
        rng, f = self.rng, self.fault
        span_id = self.new_id()
        own = self.topo.self_ms[svc, op] / 1000 * rng.lognormvariate(0, 0.3)
        on = self.active(svc, start)
        if on and f.kind == "cpu":  # slower work, and waits for a CPU slice on part of the requests
            own = own * f.factor + (rng.uniform(0.01, 0.08) if rng.random() < 0.5 else 0.0)
        if on and f.kind == "memory" and rng.random() < 0.15:
            pause = rng.uniform(0.05, 0.3)
            own += pause
            self.log(svc, start, "warn", f"GC pause (G1 Evacuation Pause) took {pause * 1000:.0f} ms, heap "
                     f"{rng.randint(88, 99)}% used", trace, span_id)
        throws = on and f.kind == "exception" and rng.random() < f.share
        wrong = on and f.kind == "return" and rng.random() < f.share
        egress = f.factor if on and f.kind == "delay" else 0.0
        cursor = start + own * 0.3
        failed = throws
        if not throws:
            for callee, cop in self.topo.calls.get((svc, op), []):
                back = f.factor if self.active(callee, cursor) and f.kind == "delay" else 0.0
                via = span_id
                if self.client_spans:  # the caller's own span around the call (HTTP client), kind unspecified
                    via = self.new_id()
                child_start = cursor + rng.uniform(0.0003, 0.001) + egress
                end, child_failed, child_wrong = self.visit(callee, cop, child_start, trace, via)
                if self.client_spans:
                    self.spans[svc, int(cursor // 60)].append(_span(trace, via, span_id, f"call {cop}", cursor,
                                                                    end + back + 0.0005, child_failed and f.marked))
                cursor = end + rng.uniform(0.0003, 0.001) + back
                if child_failed:
                    failed = True
                    self.log(svc, cursor, "error", f"Call to {callee} {cop} failed: 500 Internal Server Error",
                             trace, span_id)
                    break
                if child_wrong:
                    self.log(svc, cursor, "warn", f"Validation of the response from {callee} failed, skipping "
                             f"the remaining steps of {op}", trace, span_id)
                    break
        end = cursor + own * 0.7
        if throws:
            self.log(svc, end, "error", f"java.lang.IllegalStateException: unexpected state in {op} for order "
                     f"{rng.randint(1000, 99999)}\n\tat com.example.{svc.replace('-', '')}.Handler.handle"
                     f"(Handler.java:{rng.randint(40, 400)})", trace, span_id)
        elif wrong:
            self.log(svc, end, "warn", f"Price lookup returned no match, answering the default value "
                     f"{rng.randint(0, 9)}", trace, span_id)
        elif rng.random() < 0.5:
            self.log(svc, end, "info", f"Completed {op} in {(end - start) * 1000:.0f} ms", trace, span_id)
        noise = rng.random()
        if noise < 0.01:
            self.log(svc, end, "warn", f"Slow cache response after {rng.randint(50, 400)} ms", trace, span_id)
        elif noise < 0.012:
            self.log(svc, end, "error", f"Connection reset by peer, retry {rng.randint(1, 3)} of 3", trace, span_id)
        self.spans[svc, int(start // 60)].append(_span(trace, span_id, parent, op, start, end, failed and f.marked))
        return end, failed, wrong


def _span(trace: str, span_id: str, parent: str | None, name: str, start: float, end: float,
          failed: bool) -> dict:
    span = {"traceId": trace, "spanId": span_id, "name": name, "kind": 0,
            "startTimeUnixNano": str(int(start * 1e9)), "endTimeUnixNano": str(int(end * 1e9)),
            "status": {"code": 2, "message": "Internal Server Error"} if failed else {}}
    if parent is not None:
        span["parentSpanId"] = parent
    return span


def batch_jobs(case: Case, t0: float, t1: float) -> None:
    """Noise no fault explains: a third of the services run a scheduled job every 4-12 minutes that logs a
    burst of 5-15 lines without a trace (a burst may fall into the window only: a "new" template)."""
    rng = random.Random(f"jobs-{case.seed}")
    for svc in sorted(case.topo.level):
        if rng.random() >= 1 / 3:
            continue
        every, level = rng.uniform(240, 720), rng.choice(["info", "warn"])
        ts = t0 + rng.uniform(0, every)
        while ts < t1:
            for i in range(rng.randint(5, 15)):
                body = (f"Scheduled job reconcile-{svc} processed batch {i} with {rng.randint(1, 500)} records"
                        if level == "info" else
                        f"Scheduled job reconcile-{svc} skipped stale entry {rng.randint(1, 99999)}")
                case.logs[svc, int(ts // 60)].append({
                    "timeUnixNano": str(int((ts + i * 0.2) * 1e9)), "severityNumber": SEVERITY[level],
                    "severityText": level.upper(), "body": {"stringValue": body}})
            ts += every


def gauges(case: Case, t0: float, t1: float) -> list[dict]:
    rng, f = case.rng, case.fault
    out = []
    for svc in sorted(case.topo.level):
        cpu, mem = [], []
        base_cpu, base_mem = rng.uniform(0.05, 0.3), rng.uniform(0.3, 0.6)
        ts = t0
        while ts < t1:
            on = svc == f.service and ts >= f.start
            c = base_cpu * rng.uniform(0.9, 1.1) * (3.0 if on and f.kind == "cpu" else 1.0)
            m = base_mem * rng.uniform(0.98, 1.02)
            if on and f.kind == "memory":
                m = min(0.98, m + (1 - base_mem) * min(1.0, (ts - f.start) / 90))
            stamp = str(int(ts * 1e9))
            cpu.append({"timeUnixNano": stamp, "asDouble": round(c, 5)})
            mem.append({"timeUnixNano": stamp, "asDouble": round(m, 5)})
            ts += GAUGE_STEP
        out.append({"resourceMetrics": [{"resource": _resource(svc), "scopeMetrics": [{"scope": {"name": "synthetic"},
                    "metrics": [{"name": "k8s.pod.cpu.usage", "unit": "{cpu}", "gauge": {"dataPoints": cpu}},
                                {"name": "k8s.pod.memory_limit_utilization", "unit": "1",
                                 "gauge": {"dataPoints": mem}}]}]}]})
    return out


def _resource(svc: str) -> dict:
    return {"attributes": [{"key": "service.name", "value": {"stringValue": svc}},
                           {"key": "k8s.pod.name", "value": {"stringValue": f"{svc}-7d9f8b6c5-x2x4q"}}]}


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def generate(seed: int, kind: str, out: Path, rate: float = RATE) -> Path:
    """Write one case folder under `out`; returns it."""
    rng = random.Random(f"{seed}-{kind}")
    topo = topology(random.Random(seed))  # one topology per seed, one case per kind on it
    depth = reached(topo)
    candidates = sorted(s for s in depth if kind not in ("delay", "return") or depth[s] > 0)
    target = rng.choice(candidates)
    t0 = 1_767_225_600.0 + seed * 86_400.0
    start = t0 + BASELINE + rng.uniform(15, 45)
    fault = Fault(kind, target, start, rng.uniform(0.3, 0.7),
                  rng.uniform(2.5, 4.0) if kind == "cpu" else rng.uniform(0.05, 0.2), marked=rng.random() < 0.5)
    case = Case(rng, topo, fault, seed, client_spans=seed % 2 == 1, raw_lines=seed % 3 == 0)
    ts = t0
    n = 0
    while ts < t0 + BASELINE + WINDOW:
        n += 1
        case.visit(topo.entry, rng.choice(topo.ops[topo.entry]), ts, f"{seed:08x}{n:024x}", None)
        ts += rng.expovariate(rate)
    batch_jobs(case, t0, t0 + BASELINE + WINDOW)
    folder = out / f"s{seed:02d}-{kind}-{target}-depth{depth[target]}"
    folder.mkdir(parents=True, exist_ok=True)
    with gzip.open(folder / "telemetry.jsonl.gz", "wt", encoding="utf-8", compresslevel=1) as fh:
        for (svc, _), spans in sorted(case.spans.items()):
            fh.write(json.dumps({"resourceSpans": [{"resource": _resource(svc), "scopeSpans": [
                {"scope": {"name": "synthetic"}, "spans": spans}]}]}) + "\n")
        for (svc, _), records in sorted(case.logs.items()):
            fh.write(json.dumps({"resourceLogs": [{"resource": _resource(svc), "scopeLogs": [
                {"scope": {"name": "synthetic"}, "logRecords": records}]}]}) + "\n")
        for line in gauges(case, t0, t0 + BASELINE + WINDOW):
            fh.write(json.dumps(line) + "\n")
    truth = {"service": target, "type": kind, "symptom_service": topo.entry, "from": _iso(t0 + BASELINE),
             "to": _iso(t0 + BASELINE + WINDOW), "baseline_from": _iso(t0), "inject_time": _iso(start)}
    (folder / "truth.json").write_text(json.dumps(truth, indent=1) + "\n", encoding="utf-8")
    return folder


LINE = re.compile(r"^s(\d+)-(\w+)-(\S+?)-depth(\d+)\s.*rank=(\S+)\s+exit=(\S+)\s+wall=(\S+)s")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    ap.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    ap.add_argument("--obskit", default=".venv/bin/obskit")
    ap.add_argument("--rca", default="../shared/eval/rca.py", help="the scorer (rca.py)")
    ap.add_argument("--keep", type=Path, help="write the cases here and keep them")
    args = ap.parse_args()
    if not Path(args.rca).is_file():
        print(f"rca.py not found at {args.rca} (pass --rca)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp)
        for seed in args.seeds:
            for kind in args.kinds:
                generate(seed, kind, out)
        run = subprocess.run([sys.executable, args.rca, "--cases", str(out), "--obskit", args.obskit],
                             capture_output=True, text=True)
    print(run.stdout, end="")
    rows = [m.groups() for line in run.stdout.splitlines() if (m := LINE.match(line))]
    print("\nper kind (top-1 / top-3 over seeds):")
    for kind in args.kinds:
        ranks = [r[4] for r in rows if r[1] == kind]
        top1 = sum(r == "1" for r in ranks)
        top3 = sum(r.isdigit() and int(r) <= 3 for r in ranks)
        print(f"  {kind:<10} top-1 {top1}/{len(ranks)}  top-3 {top3}/{len(ranks)}")
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
