"""Time-slice SLIs -> recording rules (OpenSLO ``Timeslices``, ``RatioTimeslices`` and ``thresholdMetric``).

The SLI group is evaluated once per slice (``interval`` = the slice length) and records for every slice:

- ``slo:timeslice_sli:value``: the slice's SLI, the query with ``{{.window}}`` = the slice length: a success
  ratio ``1 - bad / total`` (ratioMetric; slices without events have no value and do not count) or the
  thresholdMetric's value;
- ``slo:timeslice_good:bool``: 1 when the slice meets the objective (``value op target``), else 0
  (not for RatioTimeslices, which compares nothing per slice).

then, in the same group (so every evaluation reads the slice it has just recorded), every SLI window the
burn-rate alerts use as the error share of the slices in it, under Sloth's name
``slo:sli_error:ratio_rate<window>``, so the metadata and alert rules are the Occurrences ones:

- Timeslices (and thresholdMetric Occurrences): ``1 - avg_over_time(slo:timeslice_good:bool[w])``,
  the share of bad slices;
- RatioTimeslices: ``1 - avg_over_time(slo:timeslice_sli:value[w])``, one minus the mean slice ratio.

A window shorter than a slice reads the latest slice (the range is widened to one slice length). The
shares change only when a slice is recorded, so evaluating them once per slice loses nothing.
"""

from __future__ import annotations

from obskit.alerts.model import Record
from obskit.alerts.slospec import SLO, exact, fill_window
from obskit.duration import parse_duration
from obskit.quoting import promql_matchers

VALUE = "slo:timeslice_sli:value"
GOOD = "slo:timeslice_good:bool"


def slice_rules(slo: SLO) -> list[Record]:
    """The per-slice recordings, first in the SLI group."""
    ts = slo.timeslices
    assert ts is not None
    base = {**slo.labels, **slo.id_labels}
    sel = promql_matchers(slo.id_labels)
    fields = {"expr": slo.query_origin} if slo.query_origin else {}
    rules = [Record(VALUE, f"{fill_window(ts.value_query, ts.window)}\n", dict(base), origin=slo.origin,
                    fields=fields)]
    if not ts.average:
        rules.append(Record(GOOD, f"{VALUE}{sel} {ts.op} bool {exact(ts.target)}", dict(base), origin=slo.origin))
    return rules


def error_expr(slo: SLO, window: str) -> str:
    """The error share of the slices in ``window``: bad slices (Timeslices) or 1 - mean ratio (RatioTimeslices)."""
    ts = slo.timeslices
    assert ts is not None
    span = window if parse_duration(window) >= parse_duration(ts.window) else ts.window
    series = VALUE if ts.average else GOOD
    return f"1 - avg_over_time({series}{promql_matchers(slo.id_labels)}[{span}])\n"
