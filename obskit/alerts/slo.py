"""SLO -> Prometheus rules: SLI recordings per window, metadata recordings, and page/ticket burn-rate alerts.

The output follows Sloth's generated rules (names, labels, groups) so existing dashboards and
Alertmanager routes keep working: ``slo:sli_error:ratio_rate<window>``, ``slo:objective:ratio``,
``slo:error_budget:ratio``, ``slo:time_period:days``, ``slo:current_burn_rate:ratio``,
``slo:period_burn_rate:ratio``, ``slo:period_error_budget_remaining:ratio``, ``sloth_slo_info``, labels
``sloth_id``, ``sloth_service``, ``sloth_slo``, ``sloth_window`` and ``sloth_severity`` (page|ticket).

Unlike Sloth, every number is exact: the objective is a Decimal, burn-rate factors are Fractions from
the window catalogue and are printed as exact decimals, or as ``a / b`` when no finite decimal exists
(14/15 for the 28d ticket window). Alerts also get ``severity`` (page -> critical, ticket -> warning)
unless the spec sets one.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from obskit.alerts.model import Alert, Group, Origin, Record
from obskit.alerts.slo_timeslices import error_expr, slice_rules
from obskit.alerts.slospec import SLO, exact, fill_window
from obskit.alerts.windows import BurnWindow, WindowCatalog, catalog_for
from obskit.duration import parse_duration
from obskit.errors import InputError
from obskit.quoting import promql_matchers

DEFAULT_SEVERITY = {"page": "critical", "ticket": "warning"}


def _ids(slo: SLO) -> dict[str, str]:
    return slo.id_labels


def _windows(slo: SLO, catalog: WindowCatalog) -> list[str]:
    """The catalogue's windows plus the lookback windows of OpenSLO alert conditions, shortest first."""
    extra = [p.window for p in slo.policies if parse_duration(p.window) not in
             {parse_duration(w) for w in catalog.durations()}]
    return sorted(dict.fromkeys([*catalog.durations(), *extra]), key=parse_duration)


def _sli_expr(slo: SLO, window: str) -> str:
    if slo.timeslices is not None:
        return error_expr(slo, window)
    if slo.error_ratio_query is not None:  # Sloth sli.raw: the query is the error ratio
        return f"({fill_window(slo.error_ratio_query, window)})\n"
    return f"({fill_window(slo.error_query, window)})\n/\n({fill_window(slo.total_query, window)})\n"


def sli_rules(slo: SLO, catalog: WindowCatalog) -> Group:
    ids = _ids(slo)
    base = {**slo.labels, **ids}
    rules: list[Alert | Record] = [*slice_rules(slo)] if slo.timeslices is not None else []
    fields = _query_fields(slo) if slo.timeslices is None else {}  # slices: the query is on the slice record
    for window in _windows(slo, catalog):
        expr = _sli_expr(slo, window)
        rules.append(Record(f"slo:sli_error:ratio_rate{window}", expr, {**base, "sloth_window": window},
                            origin=slo.origin, fields=dict(fields)))
    sel = promql_matchers(ids)
    period, first = catalog.period, catalog.durations()[0]
    if slo.timeslices is not None:  # the share over every slice of the period, not a mean of window means
        expr = error_expr(slo, period)
    else:
        expr = (f"sum_over_time(slo:sli_error:ratio_rate{first}{sel}[{period}])\n"
                f"/ ignoring (sloth_window)\n"
                f"count_over_time(slo:sli_error:ratio_rate{first}{sel}[{period}])\n")
    rules.append(Record(f"slo:sli_error:ratio_rate{period}", expr, {**base, "sloth_window": period},
                        origin=slo.origin))
    interval = slo.timeslices.window if slo.timeslices is not None else slo.intervals.get("slierror")
    return Group(f"sloth-slo-sli-recordings-{slo.id}", rules, interval=interval, origin=slo.origin)


def _query_fields(slo: SLO) -> dict[str, Origin]:
    return {"expr": slo.query_origin} if slo.query_origin else {}


def meta_rules(slo: SLO, catalog: WindowCatalog) -> Group:
    ids = _ids(slo)
    base = {**slo.labels, **ids}
    sel = promql_matchers(ids)
    ratio = slo.objective / 100
    budget = 1 - ratio
    days = Fraction(parse_duration(catalog.period), 86400)
    on = "/ on(sloth_id, sloth_slo, sloth_service) group_left\n"
    first = catalog.durations()[0]
    rules: list[Alert | Record] = [
        Record("slo:objective:ratio", f"vector({exact(ratio)})", dict(base)),
        Record("slo:error_budget:ratio", f"vector({exact(budget)})", dict(base)),
        Record("slo:time_period:days", f"vector({exact(days)})", dict(base)),
        Record("slo:current_burn_rate:ratio",
               f"slo:sli_error:ratio_rate{first}{sel}\n{on}slo:error_budget:ratio{sel}\n", dict(base)),
        Record("slo:period_burn_rate:ratio",
               f"slo:sli_error:ratio_rate{catalog.period}{sel}\n{on}slo:error_budget:ratio{sel}\n", dict(base)),
        Record("slo:period_error_budget_remaining:ratio", f"1 - slo:period_burn_rate:ratio{sel}", dict(base)),
        Record("sloth_slo_info", "vector(1)", {
            **base, "sloth_mode": "obskit", "sloth_objective": exact(slo.objective), "sloth_spec": slo.spec,
            "sloth_period": catalog.period, "sloth_windows": catalog.name, **slo.info,
        }),
    ]
    for rule in rules:
        rule.origin = slo.origin
    return Group(f"sloth-slo-meta-recordings-{slo.id}", rules, interval=slo.intervals.get("metadata"),
                 origin=slo.origin)


def _condition(sel: str, window: BurnWindow, budget: str) -> str:
    factor = exact(window.factor)
    parts = [f"max(slo:sli_error:ratio_rate{w}{sel} > ({factor} * {budget})) without (sloth_window)"
             for w in (window.short, window.long)]
    return f"(\n    {parts[0]}\n    and\n    {parts[1]}\n)"


def _annotations(slo: SLO, severity: str, period: str) -> dict[str, str]:
    return {
        "title": f"({severity}) {{{{$labels.sloth_service}}}} {{{{$labels.sloth_slo}}}} SLO error budget burn rate "
                 "is too fast.",
        "summary": "{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is over expected.",
        "description": f"The {{{{$labels.sloth_slo}}}} SLO ({exact(slo.objective)} % over {period}) of "
                       "{{$labels.sloth_service}} is burning its error budget too fast: error ratio "
                       "{{ $value | humanizePercentage }}.",
    }


def policy_rules(slo: SLO, catalog: WindowCatalog) -> list[Alert | Record]:
    """OpenSLO alert conditions: burn rate over the lookback window compared with the threshold."""
    ids = _ids(slo)
    sel = promql_matchers(ids)
    budget = exact(1 - slo.objective / 100)
    rules: list[Alert | Record] = []
    for policy in slo.policies:
        expr = f"slo:sli_error:ratio_rate{policy.window}{sel} {policy.op} ({exact(policy.threshold)} * {budget})\n"
        severity = policy.labels.get("sloth_severity", policy.labels.get("severity", ""))
        rules.append(Alert(policy.name, expr, for_=policy.for_, labels={**slo.alert_labels, **policy.labels},
                           annotations={**_annotations(slo, severity, catalog.period), **slo.alert_annotations,
                                        **policy.annotations}, origin=slo.origin))
    return rules


def alert_rules(slo: SLO, catalog: WindowCatalog) -> Group | None:
    if slo.policies:
        return Group(f"sloth-slo-alerts-{slo.id}", policy_rules(slo, catalog), interval=slo.intervals.get("alert"),
                     origin=slo.origin)
    if not slo.alert_name:
        return None
    ids = _ids(slo)
    sel = promql_matchers(ids)
    budget = exact(1 - slo.objective / 100)
    rules: list[Alert | Record] = []
    for severity in ("page", "ticket"):
        spec = getattr(slo, f"{severity}")
        if not spec.enabled:
            continue
        quick, slow = catalog.window(severity, "quick"), catalog.window(severity, "slow")
        expr = f"{_condition(sel, quick, budget)}\nor\n{_condition(sel, slow, budget)}\n"
        labels = {"severity": DEFAULT_SEVERITY[severity], **slo.alert_labels, **spec.labels,
                  "sloth_severity": severity}
        annotations = {**_annotations(slo, severity, catalog.period), **slo.alert_annotations, **spec.annotations}
        rules.append(Alert(slo.alert_name, expr, for_=spec.for_, labels=labels, annotations=annotations,
                           origin=slo.origin))
    if not rules:
        return None
    return Group(f"sloth-slo-alerts-{slo.id}", rules, interval=slo.intervals.get("alert"), origin=slo.origin)


def generate(slos: list[SLO], windows_dirs: list[Path] | None = None, default_period: str = "30d") -> list[Group]:
    """All rule groups for the SLOs, in spec order: SLI, metadata and alert groups per SLO.

    ``default_period`` is the SLO period of specs that give none (Sloth's ``--default-slo-period``).
    """
    groups: list[Group] = []
    catalogs: dict[str, WindowCatalog] = {}
    for slo in slos:
        period = slo.period or default_period
        if period not in catalogs:
            try:
                catalogs[period] = catalog_for(period, windows_dirs)
            except InputError as exc:  # say which SLO asked for it
                o = slo.origin
                raise InputError(f"{o.file}:{o.line}:{o.column}: {exc.message}" if o else exc.message) from None
        catalog = catalogs[period]
        groups.append(sli_rules(slo, catalog))
        groups.append(meta_rules(slo, catalog))
        alerts = alert_rules(slo, catalog)
        if alerts is not None:
            groups.append(alerts)
    return groups
