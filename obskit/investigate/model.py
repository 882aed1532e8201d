"""What an investigation produces: findings per signal, ranked suspects, a timeline, the status of sources."""

from __future__ import annotations

from dataclasses import dataclass, field

from obskit.sources.metrics import Series
from obskit.sources.window import Window

KINDS = ("latency", "errors", "saturation", "crash", "deploy")
SIGNALS = ("metrics", "logs", "traces", "cluster")


@dataclass
class Finding:
    """One anomaly or change seen in one signal for one service."""

    source: str  # metrics | logs | traces | cluster
    service: str
    kind: str  # one of KINDS
    signal: str  # e.g. latency_p99, error logs, template, self time, OOMKilled, rollout
    score: float  # robust z-score or equivalent strength; higher is stronger
    onset: float | None  # epoch seconds the anomaly started, when known
    summary: str
    link: str | None = None  # deep link (Grafana Explore, Jaeger)
    query: str | None = None  # PromQL / ES query / SQL behind it


@dataclass
class Symptom:
    """How the investigated service itself deviates from its baseline (what there is to explain)."""

    source: str  # traces | metrics | logs
    kind: str  # latency | errors
    z: float  # significance (signed z of the test; higher is stronger)
    onset: float | None
    summary: str
    # the downstream services inside which the symptom happens (its requests fail inside them): only they and
    # what they call can explain it; empty when the symptom is the service's own
    within: tuple[str, ...] = ()


@dataclass
class Suspect:
    service: str
    kind: str
    score: float
    onset: float | None
    evidence: list[str] = field(default_factory=list)
    confidence: float = 0.0  # 0..1: how likely it is the root cause (calibrated on labelled incidents)
    separation: float = 0.0  # 0..1: how well its evidence separates it from chance and the others (uncalibrated)
    path: list[str] = field(default_factory=list)  # root cause -> ... -> the investigated service
    caveat: str = ""  # what its evidence cannot rule out, said with the verdict when it is suspect #1


@dataclass
class TimelineEntry:
    ts: float
    service: str
    source: str
    text: str


@dataclass
class SourceStatus:
    signal: str  # metrics | logs | traces | cluster
    backend: str | None  # prometheus, elasticsearch, jaeger, kubernetes, local
    checked: bool
    reason: str = ""  # why it was not checked


@dataclass
class LogTemplateFinding:
    service: str
    template: str
    window_count: int
    baseline_count: int
    status: str  # new | spiking
    score: float
    example: str
    trace_id: str | None = None


@dataclass
class TracePath:
    trace_id: str
    duration: float
    error: bool
    path: list[str]  # "service operation" hops from the root to the deepest culprit span
    url: str | None = None


@dataclass
class Report:
    service: str
    window: Window
    baseline: Window
    verdict: str = ""
    suspects: list[Suspect] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    sources: list[SourceStatus] = field(default_factory=list)
    templates: list[LogTemplateFinding] = field(default_factory=list)
    paths: list[TracePath] = field(default_factory=list)
    edges: list[tuple[str, str]] = field(default_factory=list)  # (caller, callee) in the investigated graph
    edge_origins: dict[str, list[str]] = field(default_factory=dict)  # "a -> b" -> traces / servicegraph / file
    series: list[Series] = field(default_factory=list)  # RED series of the window, for charts
    unknown_service: bool = False  # the answering metrics/traces sources have not seen the service
    known_services: list[str] = field(default_factory=list)  # services the answering sources know
    notes: list[str] = field(default_factory=list)  # how the window or baseline was adjusted, and why
    red_sources: dict[str, str] = field(default_factory=dict)  # service -> "metrics" | "spans" (its RED figures)
    missing: list[str] = field(default_factory=list)  # why there is no usable data (then no verdict of health)
    symptoms: list[Symptom] = field(default_factory=list)  # how the service itself deviates (empty: healthy)
    changes: list[str] = field(default_factory=list)  # changes elsewhere that explain no symptom (notes)
    leads: list[tuple[str, str]] = field(default_factory=list)  # (service, text): leads below the bar (no symptom)
    inconclusive: bool = False  # the best suspects are too close or too weak to name one
    impacted: list[str] = field(default_factory=list)  # services between the root cause and the symptom

    @property
    def answered(self) -> bool:
        return any(s.checked for s in self.sources)
