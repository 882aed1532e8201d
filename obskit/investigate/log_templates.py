"""Log template evidence of one service: templates that are new in the window or whose rate rose.

Lines of the window and the baseline are sampled per severity group (error/warn, info/debug), evenly over
each period (the logs source's `spread_sample`), and mined together in one batch by the template miner
(`obskit.logmine`, as `obskit logs patterns`) so both periods share template ids. Per template the sampled count is
scaled to an estimated count with the server-side totals of its group and compared as a rate per unit of
exposure: as a share of the lines logged by the operation that logs it, when the lines carry span ids the
traces source can join to operations (a template that rises with its own operation's traffic is workload,
not a fault; one whose operation logged nothing in the baseline proves nothing; lines, not spans, are the
exposure, so trace sampling does not bias it), else per second. The test is the conditional one for two rates
(obskit/investigate/significance.py), the sampling scale counted as dispersion. A template that drops or stops
per span of its operation is "missing behaviour" (unless it is error-like: errors that stop are a recovery). A
template weighs by its highest level and by whether its body looks like an exception (policy:
obskit/investigate/log_evidence.yaml).

One finding per signal and service: error-like templates of requests (signal `new error template`) explain
their callers' error symptoms in the ranking; error-like templates whose lines lack the trace ids the
service's other lines carry (signal `new untraced error template`: a scheduled job, a timer) count for the
service but explain nobody else; warnings its requests began to log on a fair share of them (signal `new
warning of requests`: a reply that failed validation, a fallback taken) are a symptom of the service that
logs them, and like other templates (signal `new log template`) a weak hypothesis only in the ranking.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from obskit.investigate.model import Finding, LogTemplateFinding
from obskit.investigate.policy import log_evidence_policy
from obskit.investigate.significance import rate_z
from obskit.logmine.templates import mine
from obskit.sources.logs import LogRecord
from obskit.sources.window import Window

GROUPS = (("error", "warn"), ("info", "debug"))  # sampled apart, so info volume never crowds out errors
ERROR_SIGNAL = "new error template"
MISSING_SIGNAL = "missing log template"
OTHER_SIGNAL = "new log template"
WARNING_SIGNAL = "new warning of requests"
BACKGROUND_SIGNAL = "new untraced error template"
RANK = {"error": 3, "warn": 2, "info": 1, "debug": 0}
MIN_JOINED = 5  # sampled lines of a template joined to spans below which its operation is not trusted
COMPLETE = 0.9  # share of lines with span ids found among the spans from which traces count as unsampled


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
    scale: float = 1.0  # the largest sampling scale among its lines (counted as dispersion)
    ops: Counter[str] = field(default_factory=Counter)  # operations of the spans that logged its lines
    op_now: Counter[str] = field(default_factory=Counter)  # its estimated lines per operation, window
    op_before: Counter[str] = field(default_factory=Counter)  # ... and baseline
    before_sampled: int = 0  # sampled baseline lines
    before_level: str = "debug"
    before_example: LogRecord | None = None


@dataclass
class Exposure:
    """What one service's log lines are per: span ids joined to operations (both periods), and the spans
    (requests) of each operation per period where the traces source counts them."""

    operations: dict[str, str] = field(default_factory=dict)  # span id -> operation
    spans_now: dict[str, int] = field(default_factory=dict)  # operation -> spans in the window
    spans_before: dict[str, int] = field(default_factory=dict)  # ... and in the baseline
    now: Counter[str] = field(default_factory=Counter)  # operation -> its estimated lines, window
    before: Counter[str] = field(default_factory=Counter)  # ... and baseline
    sampled: int = 0  # sampled lines with a span id
    joined: int = 0  # ... of which found among the spans

    def of(self, tally: _Tally, window: Window, baseline: Window) -> tuple[float, float, float, float, str | None]:
        """(count now, exposure now, count before, exposure before, operation) of a template whose lines were
        joined to spans (MIN_JOINED of them at least): its lines per request of its main operation when
        nearly every line found its span (traces are complete), else its share of that operation's lines
        (sampled traces would bias span counts); otherwise its lines per second."""
        if sum(tally.ops.values()) >= MIN_JOINED:
            op = tally.ops.most_common(1)[0][0]
            if self.sampled and self.joined >= COMPLETE * self.sampled and op in self.spans_now:
                return tally.now, self.spans_now[op], tally.before, self.spans_before.get(op, 0), op
            return tally.op_now[op], self.now[op], tally.op_before[op], self.before[op], op
        return tally.now, window.seconds, tally.before, baseline.seconds, None


@dataclass
class TemplateChange:
    template: str
    status: str  # new | spiking | missing
    weight: float
    z: float
    tally: _Tally
    background: bool = False  # its lines lack the trace ids the service's request lines carry (a job, a timer)
    operation: str | None = None  # the operation whose spans are its exposure
    expected: float = 0.0  # lines expected in the window from the baseline's rate (of its operation's lines)
    observed: float = 0.0  # its lines in the window (of its operation's lines, when joined)
    share: float = 0.0  # its lines per request of its operation in the window (per line of it, traces sampled)

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


@cache
def _any_level_re() -> re.Pattern[str]:
    """Every body level in one pattern: most lines state none, and one search tells."""
    return re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in _level_res()))


def level_of(record: LogRecord) -> str:
    """The record's level, or the higher level its line states itself (records shipped without a severity)."""
    if record.level == "error":
        return "error"  # nothing ranks higher
    head = record.message[:160]
    if not _any_level_re().search(head):
        return record.level
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
            window: Window, baseline: Window, exposure: Exposure | None = None) -> list[TemplateChange]:
    """Templates of one service that are new in the window, whose rate rose, or that dropped, significantly.
    `samples` holds the sampled records per (period, index into GROUPS), period "now" or "before";
    `totals` the server-side line counts per (period, level); `exposure` the span ids joined to operations."""
    exposure = exposure or Exposure()
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
    # a joined stack trace is mined by its first line (the message); its frames vary with the call site
    assigned, ranked = mine(record.message.split("\n", 1)[0] for _, _, record in batch)
    tallies: dict[int, _Tally] = defaultdict(_Tally)
    for (period, scale, record), template in zip(batch, assigned, strict=True):
        tally = tallies[template.id]
        tally.scale = max(tally.scale, scale)
        op = exposure.operations.get(record.span_id or "")
        exposure.sampled += bool(record.span_id)
        exposure.joined += op is not None
        if op is not None:
            tally.ops[op] += 1
            (tally.op_now if period == "now" else tally.op_before)[op] += scale
            (exposure.now if period == "now" else exposure.before)[op] += scale
        if period == "before":
            tally.before += scale
            tally.before_sampled += 1
            level = level_of(record)
            if RANK.get(level, 0) >= RANK.get(tally.before_level, 0):
                tally.before_level = level
            if tally.before_example is None:
                tally.before_example = record
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
    out: list[TemplateChange] = []
    for tid, tally in tallies.items():
        k_now, e_now, k_before, e_before, op = exposure.of(tally, window, baseline)
        if e_now <= 0 or e_before <= 0:
            continue  # its operation logged in one period only: workload, not evidence
        expected = k_before * e_now / e_before
        z = rate_z(k_now, e_now, k_before, e_before, tally.scale)
        if tally.example is not None and z >= policy.spike_z and (k_now + 1) / (expected + 1) >= policy.spike_ratio:
            if tally.before == 0 and tally.sampled < policy.min_new:
                continue
            weight = weight_of(tally.level, tally.example.message)
            if weight > 0:
                out.append(TemplateChange(texts[tid], "new" if tally.before == 0 else "spiking", weight, round(z, 2),
                                          tally, operation=op, expected=expected, observed=k_now,
                                          share=k_now / e_now if op is not None else 0.0))
        elif tally.before_example is not None and z <= -policy.spike_z and expected >= 2 * policy.min_new and (
                (expected + 1) / (k_now + 1) >= policy.spike_ratio):
            weight = weight_of(tally.before_level, tally.before_example.message)
            # a code path that stopped running where it used to (missing behaviour); errors or exceptions that
            # stop are a recovery, not a fault
            if 0 < weight < policy.error_like:
                out.append(TemplateChange(texts[tid], "missing", weight, round(-z, 2), tally, operation=op,
                                          expected=expected, observed=k_now))
    lines = sum(t.sampled for t in tallies.values())
    if lines and sum(t.traced for t in tallies.values()) >= lines / 2:  # the service's lines carry trace ids
        for c in out:
            c.background = c.status != "missing" and c.tally.traced < c.tally.sampled / 2
    out.sort(key=lambda c: (-c.score, c.template))
    return out


def warns_requests(change: TemplateChange) -> bool:
    """A warning the service's requests began to log (or log far more often), on a fair share of its
    operation's requests: the service itself behaves differently (a validation that fails, a fallback taken),
    even where its status codes and latency do not show it. Warnings outside requests (no trace ids: a job,
    a timer: they join no operation, so their share is 0) and info lines are not."""
    policy = log_evidence_policy()
    return (change.status != "missing" and change.tally.level == "warn" and change.weight < policy.error_like
            and change.share >= policy.warning_share)


def findings(service: str, found: list[TemplateChange],
             query_text: Callable[[str, tuple[str, ...]], str | None] | None = None,
             window: Window | None = None, baseline: Window | None = None) -> list[Finding]:
    """At most one finding per signal for the service (request errors, untraced errors, other templates),
    each from its strongest template; `query_text` (the logs source's) gives each the query behind its links
    (the service's lines at the levels of its templates)."""
    policy = log_evidence_policy()
    out = []
    # error-like templates of requests explain callers' errors; those outside any request (their lines lack
    # the trace ids the service's other lines carry) are its own matter only
    rising = [c for c in found if c.status != "missing"]
    warnings = [c for c in rising if warns_requests(c)]
    for signal, group in ((ERROR_SIGNAL, [c for c in rising if c.weight >= policy.error_like and not c.background]),
                          (BACKGROUND_SIGNAL, [c for c in rising if c.weight >= policy.error_like and c.background]),
                          (WARNING_SIGNAL, warnings),
                          (OTHER_SIGNAL, [c for c in rising if c.weight < policy.error_like and not warns_requests(c)]),
                          (MISSING_SIGNAL, [c for c in found if c.status == "missing"])):
        if not group:
            continue
        top = group[0]
        example = top.tally.example or top.tally.before_example
        per = f" among the lines of {top.operation}" if top.operation else ""
        trace = f"; e.g. trace {example.trace_id}" if example is not None and example.trace_id else ""
        levels = tuple(sorted({c.tally.level for c in group}, key=lambda lv: -RANK.get(lv, 0)))
        if signal == MISSING_SIGNAL:
            summary = (f"{len(group)} template{'s' if len(group) > 1 else ''} dropped or stopped{per}, strongest "
                       f"({top.tally.before_level}): \"{top.template}\" ~{top.observed:.0f} lines vs "
                       f"{top.expected:.0f} expected from the baseline (what used to happen no longer does)")
        else:
            summary = (f"{len(group)} {'new or risen' if len(group) > 1 else top.status} template"
                       f"{'s' if len(group) > 1 else ''}, strongest ({top.tally.level}): \"{top.template}\" "
                       f"~{top.observed:.0f} lines vs {top.expected:.0f} expected from the baseline{per}{trace}")
        out.append(Finding(
            source="logs", service=service, kind="errors", signal=signal, score=top.score,
            onset=(_missing_onset(top, window, baseline) if signal == MISSING_SIGNAL
                   else _rising_onset(top, window, baseline)),
            summary=summary,
            query=query_text(service, levels) if query_text is not None else None,
        ))
    return out


def _step_counts(change: TemplateChange, window: Window, baseline: Window) -> tuple[list[int], float]:
    """The template's sampled lines per window step, and what the baseline had per step."""
    steps = max(1, int(window.seconds // window.step))
    counts = [0] * steps
    for ts in change.tally.stamps:
        counts[min(steps - 1, max(0, int((ts - window.start) // window.step)))] += 1
    return counts, change.tally.before_sampled * window.step / baseline.seconds


def _rising_onset(change: TemplateChange, window: Window | None, baseline: Window | None) -> float | None:
    """When a template's lines thickened (the strongest template dates the finding): the first line of the
    first two window steps in a row that hold at least 3 sampled lines, and 4 times what the baseline had
    per two steps -- lines the baseline also had, scattered before the change, do not date it. A template too
    sparse for that (a few new lines) is dated by its second line."""
    stamps = sorted(change.tally.stamps)
    if not stamps:
        return window.start if window is not None else None
    sparse = stamps[min(1, len(stamps) - 1)]
    if window is None or baseline is None or baseline.seconds <= 0:
        return sparse
    counts, per_step = _step_counts(change, window, baseline)
    steps = len(counts)
    for i in range(steps):
        pair = counts[i] + (counts[i + 1] if i + 1 < steps else counts[i])
        if counts[i] and pair >= max(3.0, 8 * per_step):
            return next(ts for ts in stamps if ts >= window.start + i * window.step)
    return sparse


def _missing_onset(change: TemplateChange, window: Window | None, baseline: Window | None) -> float | None:
    """When a template's lines thinned out: the first of two window steps in a row with under half the
    sampled lines per step the baseline had (the window's start when none is, or when not known)."""
    if window is None or baseline is None or baseline.seconds <= 0:
        return window.start if window is not None else None
    counts, per_step = _step_counts(change, window, baseline)
    steps = len(counts)
    for i in range(steps):
        if counts[i] < per_step / 2 and (i + 1 == steps or counts[i + 1] < per_step / 2):
            return window.start + i * window.step
    return window.start


def report_rows(service: str, found: list[TemplateChange], limit: int = 10) -> list[LogTemplateFinding]:
    rows = []
    for c in found[:limit]:
        ex = c.tally.example or c.tally.before_example
        rows.append(LogTemplateFinding(service, c.template, round(c.tally.now), round(c.tally.before), c.status,
                                       c.score, ex.message if ex else "", ex.trace_id if ex else None))
    return rows

