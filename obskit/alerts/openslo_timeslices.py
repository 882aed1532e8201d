"""OpenSLO v1 time: the budgeting method, the time slices of objectives, calendar-aligned time windows.

- ``Timeslices``: the time window is cut into slices of ``timeSliceWindow``; a slice is good when its SLI
  meets the objective: the slice's success ratio ``op`` ``timeSliceTarget`` (ratioMetric; ``op`` defaults
  to ``gte``) or its value ``op`` ``value`` (thresholdMetric). ``target`` is the share of good slices.
- ``RatioTimeslices``: the SLI is the average of the slices' success ratios; nothing is compared per
  slice, so ``timeSliceTarget`` is refused and ``op`` has no effect.
- ``Occurrences`` with a thresholdMetric: each evaluation of the query (one a minute, ``OCCURRENCE_STEP``)
  is an occurrence, good when ``value op value``.

A thresholdMetric query gives one value per slice (its ``{{.window}}``, if any, is the slice length, e.g.
``max_over_time(queue_depth[{{.window}}])``), so the slice is good or bad outright and a
``timeSliceTarget`` in (0, 1] changes nothing.

Calendar-aligned windows (``calendar``, ``isRolling: false``): Prometheus ranges always end now, so they
are approximated by a rolling window of the same nominal length (``1w`` -> 7d, ``1M`` -> 30d, ``1Q`` ->
90d, ``1Y`` -> 365d): the SLO's info series carries ``openslo_calendar`` and the ``slo/calendar-window``
lint check warns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from obskit.alerts.slospec import SpecReader, TimeSlices
from obskit.duration import format_duration, parse_duration

METHODS = ("Occurrences", "Timeslices", "RatioTimeslices")
OPS = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
OCCURRENCE_STEP = "1m"
WINDOW_KEYS = {"duration", "isRolling", "calendar"}
CALENDAR_DAYS = {"M": 30, "Q": 90, "Y": 365}  # nominal days of a calendar month, quarter, year
_CALENDAR = re.compile(r"^(\d+)([MQY])$")


@dataclass
class SliceObjective:
    """What one objective says about slices; ``window`` None: an Occurrences ratio objective (no slices)."""

    op: str | None = None  # PromQL comparison
    value: Decimal | None = None  # thresholdMetric: the value a slice is compared with
    target: Decimal | None = None  # timeSliceTarget
    window: str | None = None  # the slice length as a Prometheus duration


def budgeting_method(r: SpecReader, spec: dict[str, Any]) -> str:
    raw = spec.get("budgetingMethod", "Occurrences")
    method = next((m for m in METHODS if str(raw).lower() == m.lower()), None)
    if method is None:
        raise r.fail(("spec", "budgetingMethod"), f"budgetingMethod {raw!r}: expected one of {', '.join(METHODS)}")
    return method


def _number(r: SpecReader, key: tuple[Any, ...], raw: Any, what: str) -> Decimal:
    try:
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            raise InvalidOperation
        number = Decimal(str(raw))
    except InvalidOperation:
        raise r.fail(key, f"{what} must be a number, got {raw!r}") from None
    if not number.is_finite():
        raise r.fail(key, f"{what} must be a finite number, got {raw!r}")
    return number.normalize()


def _slice_window(r: SpecReader, key: tuple[Any, ...], raw: Any) -> str:
    """timeSliceWindow: a duration, or a bare number of minutes (the spec's default unit)."""
    text = f"{raw}m" if isinstance(raw, int) and not isinstance(raw, bool) else r.text(key, raw, "timeSliceWindow")
    try:
        seconds = parse_duration(text)
    except ValueError as exc:
        raise r.fail(key, f"timeSliceWindow: {exc}") from None
    if seconds < 1:
        raise r.fail(key, "timeSliceWindow must be at least 1s")
    return format_duration(seconds)


def slice_objective(r: SpecReader, key: tuple[Any, ...], obj: dict[str, Any], method: str,
                    threshold: bool) -> SliceObjective:
    """The slice fields of one objective (``op``, ``value``, ``timeSliceTarget``, ``timeSliceWindow``), checked
    against the budgeting method and the kind of indicator."""
    op = obj.get("op")
    if op is not None and op not in OPS:
        raise r.fail((*key, "op"), f"op {op!r}: expected one of {', '.join(OPS)}")
    out = SliceObjective(op=OPS[op] if op else None)
    if threshold:
        if op is None or "value" not in obj:
            raise r.fail(key, "an objective of a thresholdMetric needs op and value (good when the metric op value, "
                         "e.g. op: lte, value: 0.5)")
        out.value = _number(r, (*key, "value"), obj["value"], "value")
    if method == "Occurrences":
        for name in ("timeSliceTarget", "timeSliceWindow"):
            if name in obj:
                raise r.fail((*key, name), f"{name} is used by budgetingMethod Timeslices or RatioTimeslices; "
                             "this SLO budgets by Occurrences")
        out.window = OCCURRENCE_STEP if threshold else None
        return out
    if "timeSliceWindow" not in obj:
        raise r.fail(key, f"budgetingMethod {method} needs timeSliceWindow on each objective (the slice length, "
                     "e.g. 1m)")
    out.window = _slice_window(r, (*key, "timeSliceWindow"), obj["timeSliceWindow"])
    if method == "RatioTimeslices" and "timeSliceTarget" in obj:
        raise r.fail((*key, "timeSliceTarget"), "timeSliceTarget is used by budgetingMethod Timeslices only: "
                     "RatioTimeslices averages the slices' ratios and compares none; remove it")
    if method == "Timeslices" and not threshold and "timeSliceTarget" not in obj:
        raise r.fail(key, "budgetingMethod Timeslices needs timeSliceTarget on each objective (the ratio a slice "
                     "must reach to be good, e.g. 0.95)")
    if "timeSliceTarget" in obj:
        target = _number(r, (*key, "timeSliceTarget"), obj["timeSliceTarget"], "timeSliceTarget")
        if not Decimal(0) < target <= Decimal(1):
            raise r.fail((*key, "timeSliceTarget"), f"timeSliceTarget {target} is out of range: expected more "
                         "than 0 and at most 1")
        out.target = target
    return out


def timeslices(method: str, so: SliceObjective, threshold_query: str | None, error: str, total: str
               ) -> TimeSlices | None:
    """The SLO's slices; None for an Occurrences ratio objective (the event path)."""
    if so.window is None:
        return None
    if threshold_query is not None:
        assert so.op is not None and so.value is not None
        return TimeSlices(method, so.window, threshold_query, so.op, so.value)
    ratio = f"1 - (\n  ({error})\n  /\n  (({total}) > 0)\n)"
    if method == "RatioTimeslices":
        return TimeSlices(method, so.window, ratio, ">=", Decimal(1), average=True)
    assert so.target is not None
    return TimeSlices(method, so.window, ratio, so.op or ">=", so.target)


def time_window(r: SpecReader, spec: dict[str, Any]) -> tuple[str | None, str | None]:
    """(the SLO period as a Prometheus duration or None, a note when a calendar window was approximated)."""
    windows = spec.get("timeWindow")
    if windows is None:
        return None, None
    if not isinstance(windows, list) or len(windows) != 1:
        raise r.fail(("spec", "timeWindow"), "timeWindow must be a list with one window (e.g. 28d, rolling)")
    key = ("spec", "timeWindow", 0)
    tw = r.mapping(key, windows[0], WINDOW_KEYS, "timeWindow[0]")
    rolling = tw.get("isRolling", "calendar" not in tw)
    if not isinstance(rolling, bool):
        raise r.fail((*key, "isRolling"), "isRolling must be true or false")
    if rolling and "calendar" in tw:
        raise r.fail((*key, "calendar"), "a rolling window (isRolling: true) has no calendar; remove calendar or "
                     "set isRolling: false")
    d_key = (*key, "duration")
    text = r.text(d_key, tw.get("duration"), "timeWindow[0].duration")
    match = _CALENDAR.match(text)
    try:
        if match and not rolling:
            seconds = int(match.group(1)) * CALENDAR_DAYS[match.group(2)] * 86400
        else:
            seconds = parse_duration(text)
        if seconds <= 0:
            raise ValueError(text)
    except ValueError:
        units = "28d, 4w, 1M or 1Q" if not rolling else "28d or 4w (1M, 1Q and 1Y are calendar windows)"
        raise r.fail(d_key, f"timeWindow[0].duration: {text!r} is not a duration such as {units}") from None
    period = format_duration(seconds)
    if rolling:
        return text if not match else period, None
    c_key = (*key, "calendar")
    cal = r.mapping(c_key, tw.get("calendar"), {"startTime", "timeZone"}, "calendar")
    if "startTime" not in cal or "timeZone" not in cal:
        raise r.fail(c_key if cal else key, "a calendar-aligned timeWindow needs calendar.startTime and "
                     "calendar.timeZone")
    start = cal["startTime"]
    if not isinstance(start, datetime):
        try:
            start = datetime.fromisoformat(r.text((*c_key, "startTime"), start, "calendar.startTime"))
        except ValueError:
            raise r.fail((*c_key, "startTime"), f"calendar.startTime {cal['startTime']!r}: expected a date and "
                         "time such as 2024-01-01 00:00:00") from None
    zone = r.text((*c_key, "timeZone"), cal["timeZone"], "calendar.timeZone")
    note = f"{text} from {start:%Y-%m-%d %H:%M:%S} {zone}, approximated by a rolling {period}"
    return period, note
