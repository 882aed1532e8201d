"""Log template evidence of one service: templates that are new in the window or whose rate rose.

Lines of the window and the baseline are sampled per severity group (error/warn, info/debug), evenly over
each period (the logs source's `spread_sample`), and mined together with the
project's online template miner so both periods share template ids. Per template the sampled count is
scaled to an estimated count with the server-side totals of its group, and compared with the baseline's
estimate scaled to the window's length (Poisson z). A template weighs by its highest level and by whether
its body looks like an exception (policy: obskit/investigate/log_evidence.yaml).

Three findings per service at most: error-like templates of requests (signal `new error template`) explain
their callers' error symptoms in the ranking; error-like templates whose lines lack the trace ids the
service's other lines carry (signal `new untraced error template`: a scheduled job, a timer) count for the
service but explain nobody else; other templates (signal `new log template`) are a weak hypothesis only.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from obskit.investigate.model import Finding, LogTemplateFinding
from obskit.investigate.policy import log_evidence_policy
from obskit.investigate.robust import poisson_z
from obskit.investigate.templates import mine
from obskit.sources.logs import LogRecord
from obskit.sources.window import Window

GROUPS = (("error", "warn"), ("info", "debug"))  # sampled apart, so info volume never crowds out errors
ERROR_SIGNAL = "new error template"
OTHER_SIGNAL = "new log template"
BACKGROUND_SIGNAL = "new untraced error template"
RANK = {"error": 3, "warn": 2, "info": 1, "debug": 0}


@dataclass
class _Tally:
    """One template's lines in the window and baseline samples (estimated counts are scaled)."""

    now: float = 0.0
    before: float = 0.0
    sampled: int = 0
    traced: int = 0  # sampled window lines that carry a trace id
    level: str = "debug"
    stamps: list[float] = field(default_factory=list)
    example: LogRecord | None = None


@dataclass
class TemplateChange:
    template: str
    status: str  # new | spiking
    weight: float
    z: float
    tally: _Tally
    background: bool = False  # its lines lack the trace ids the service's request lines carry (a job, a timer)

    @property
    def score(self) -> float:
        return round(self.weight * self.z, 2)


@cache
def _exception_res() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in log_evidence_policy().exception_patterns)


@cache
def _level_res() -> tuple[tuple[str, re.Pattern[str]], ...]:
    levels = log_evidence_policy().body_levels
    return tuple((level, re.compile(levels[level])) for level in sorted(levels, key=lambda v: -RANK.get(v, 0)))


def level_of(record: LogRecord) -> str:
    """The record's level, or the higher level its line states itself (records shipped without a severity)."""
    head = record.message[:160]
    for level, pattern in _level_res():
        if RANK.get(level, 0) <= RANK.get(record.level, 0):
            break
        if pattern.search(head):
            return level
    return record.level


def looks_like_exception(body: str) -> bool:
    return any(p.search(body) for p in _exception_res())


def weight_of(level: str, body: str) -> float:
    policy = log_evidence_policy()
    weight = policy.severity_weight.get(level, 0.0)
    if looks_like_exception(body):
        weight = max(weight, policy.exception_weight)
    return weight


def changes(samples: dict[tuple[str, int], list[LogRecord]], totals: dict[tuple[str, str], int],
            window: Window, baseline: Window) -> list[TemplateChange]:
    """Templates of one service that are new in the window or whose estimated rate rose significantly.
    `samples` holds the sampled records per (period, index into GROUPS), period "now" or "before";
    `totals` the server-side line counts per (period, level)."""
    policy = log_evidence_policy()
    batch: list[tuple[str, float, LogRecord]] = []  # (period, scale, record): the sample is bounded
    for period in ("now", "before"):
        for g, group in enumerate(GROUPS):
            records = samples.get((period, g), [])
            total = sum(totals.get((period, level), 0) for level in group)
            if records and total:
                scale = max(1.0, total / len(records))
                batch += [(period, scale, record) for record in records]
    # both periods in one batch: a line gets the same template whichever period it is in, and which
    # positions are variable is learned from every sampled line (an online miner would keep lines seen
    # before a position was learned apart, and call their template new)
    assigned, ranked = mine(record.message for _, _, record in batch)
    tallies: dict[int, _Tally] = defaultdict(_Tally)
    for (period, scale, record), template in zip(batch, assigned, strict=True):
        tally = tallies[template.id]
        if period == "before":
            tally.before += scale
            continue
        tally.now += scale
        tally.sampled += 1
        tally.traced += record.trace_id is not None
        tally.stamps.append(record.ts)
        level = level_of(record)
        if RANK.get(level, 0) >= RANK.get(tally.level, 0):
            tally.level = level
        if tally.example is None or (tally.example.trace_id is None and record.trace_id):
            tally.example = record
    texts = {t.id: t.text for t in ranked}
    ratio = window.seconds / baseline.seconds if baseline.seconds > 0 else 1.0
    out: list[TemplateChange] = []
    for tid, tally in tallies.items():
        if tally.example is None:
            continue
        expected = tally.before * ratio
        if tally.before == 0:
            if tally.sampled < policy.min_new:
                continue
            status = "new"
        elif (tally.now + 1) / (expected + 1) < policy.spike_ratio:
            continue
        else:
            status = "spiking"
        z = poisson_z(tally.now, expected)
        if z < policy.spike_z:
            continue
        weight = weight_of(tally.level, tally.example.message)
        if weight > 0:
            out.append(TemplateChange(texts[tid], status, weight, round(z, 2), tally))
    lines = sum(t.sampled for t in tallies.values())
    if lines and sum(t.traced for t in tallies.values()) >= lines / 2:  # the service's lines carry trace ids
        for c in out:
            c.background = c.tally.traced < c.tally.sampled / 2
    out.sort(key=lambda c: (-c.score, c.template))
    return out


def findings(service: str, found: list[TemplateChange],
             query_text: Callable[[str, tuple[str, ...]], str | None] | None = None) -> list[Finding]:
    """At most one finding per signal for the service (request errors, untraced errors, other templates),
    each from its strongest template; `query_text` (the logs source's) gives each the query behind its links
    (the service's lines at the levels of its templates)."""
    policy = log_evidence_policy()
    out = []
    # error-like templates of requests explain callers' errors; those outside any request (their lines lack
    # the trace ids the service's other lines carry) are its own matter only
    for signal, group in ((ERROR_SIGNAL, [c for c in found if c.weight >= policy.error_like and not c.background]),
                          (BACKGROUND_SIGNAL, [c for c in found if c.weight >= policy.error_like and c.background]),
                          (OTHER_SIGNAL, [c for c in found if c.weight < policy.error_like])):
        if not group:
            continue
        top = group[0]
        stamps = sorted(top.tally.stamps)  # the strongest template dates the finding
        example = top.tally.example
        trace = f"; e.g. trace {example.trace_id}" if example is not None and example.trace_id else ""
        levels = tuple(sorted({c.tally.level for c in group}, key=lambda lv: -RANK.get(lv, 0)))
        out.append(Finding(
            source="logs", service=service, kind="errors", signal=signal, score=top.score,
            onset=stamps[min(1, len(stamps) - 1)],
            summary=(f"{len(group)} {'new or risen' if len(group) > 1 else top.status} template"
                     f"{'s' if len(group) > 1 else ''}, strongest ({top.tally.level}): \"{top.template}\" "
                     f"~{top.tally.now:.0f} lines vs {top.tally.before:.0f} in the baseline{trace}"),
            query=query_text(service, levels) if query_text is not None else None,
        ))
    return out


def report_rows(service: str, found: list[TemplateChange], limit: int = 10) -> list[LogTemplateFinding]:
    rows = []
    for c in found[:limit]:
        ex = c.tally.example
        rows.append(LogTemplateFinding(service, c.template, round(c.tally.now), round(c.tally.before), c.status,
                                       c.score, ex.message if ex else "", ex.trace_id if ex else None))
    return rows

