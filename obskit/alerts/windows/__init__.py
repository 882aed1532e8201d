"""Burn-rate window catalogues as data: one YAML file per SLO period (google-30d.yaml, google-28d.yaml).

The catalogues shipped here are the single source; a project may add its own in ``alerts/windows/``
(a catalogue for the same period replaces the built-in one). Factors are exact fractions:
``error_budget_percent / 100 * period / long_window``.

Two formats are read: obskit's ``kind: BurnRateWindows`` and Sloth's ``AlertWindows`` object
(``apiVersion: sloth.slok.dev/v1``, ``spec.sloPeriod``, ``errorBudgetPercent``/``shortWindow``/``longWindow``),
so a team's existing Sloth catalogues work unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from obskit.alerts.yamlsource import load_yaml
from obskit.duration import parse_duration
from obskit.errors import InputError

BUILTIN_DIR = Path(__file__).parent
SEVERITIES = ("page", "ticket")
SPEEDS = ("quick", "slow")


@dataclass(frozen=True)
class BurnWindow:
    severity: str  # page | ticket
    speed: str  # quick | slow
    short: str
    long: str
    error_budget_percent: Decimal
    period: str

    @property
    def factor(self) -> Fraction:
        """How many times faster than "exactly the budget over the period" this window alerts at."""
        share = Fraction(self.error_budget_percent) / 100
        return share * parse_duration(self.period) / parse_duration(self.long)


@dataclass(frozen=True)
class WindowCatalog:
    name: str
    period: str
    source: str
    windows: tuple[BurnWindow, ...]

    def window(self, severity: str, speed: str) -> BurnWindow:
        return next(w for w in self.windows if w.severity == severity and w.speed == speed)

    def durations(self) -> list[str]:
        """Every window length used, shortest first (the SLI recording rules needed)."""
        names = {w.short for w in self.windows} | {w.long for w in self.windows}
        return sorted(names, key=parse_duration)


SLOTH_API = "sloth.slok.dev/v1"
# (obskit field, Sloth field) in one window entry
_FIELDS = {"error_budget_percent": "errorBudgetPercent", "short": "shortWindow", "long": "longWindow"}


def load_catalog(path: Path) -> WindowCatalog:
    doc = load_yaml(path)
    data = doc.data

    def fail(key: tuple, message: str) -> InputError:
        o = doc.origin(key)
        return InputError(f"{o.file}:{o.line}:{o.column}: {message}")

    sloth = isinstance(data, dict) and data.get("kind") == "AlertWindows"
    if not isinstance(data, dict) or data.get("kind") not in ("BurnRateWindows", "AlertWindows"):
        raise fail((), f"expected `kind: BurnRateWindows` or Sloth's `kind: AlertWindows` ({SLOTH_API})")
    base: tuple = ()
    if sloth:
        unknown = set(data) - {"apiVersion", "kind", "metadata", "spec"}
        if data.get("apiVersion") != SLOTH_API:
            raise fail(("apiVersion",), f"apiVersion {data.get('apiVersion')!r}: expected {SLOTH_API}")
        base, body, period_key = ("spec",), data.get("spec"), "sloPeriod"
        if not isinstance(body, dict):
            raise fail(base, "spec must be a mapping")
        unknown |= set(body) - {period_key, *SEVERITIES}
    else:
        body, period_key = data, "period"
        unknown = set(data) - {"kind", "name", "period", *SEVERITIES}
    if unknown:
        raise fail((sorted(unknown)[0],), f"unknown field {sorted(unknown)[0]!r}")
    period = str(body.get(period_key, ""))
    try:
        parse_duration(period)
    except ValueError as exc:
        raise fail((*base, period_key), f"{period_key}: {exc}") from None
    names = {ours: (theirs if sloth else ours) for ours, theirs in _FIELDS.items()}
    windows = []
    for severity in SEVERITIES:
        for speed in SPEEDS:
            key = (*base, severity, speed)
            raw = (body.get(severity) or {}).get(speed)
            if not isinstance(raw, dict) or set(raw) != set(names.values()):
                raise fail(key, f"{severity}.{speed} needs {names['error_budget_percent']}, {names['long']} and "
                           f"{names['short']}")
            try:
                short, long = parse_duration(raw[names["short"]]), parse_duration(raw[names["long"]])
            except ValueError as exc:
                raise fail(key, str(exc)) from None
            if short >= long:
                raise fail((*key, names["short"]), "the short window must be shorter than the long window")
            percent = Decimal(str(raw[names["error_budget_percent"]]))
            if not 0 < percent <= 100:
                raise fail((*key, names["error_budget_percent"]), "the error budget percent must be in (0, 100]")
            windows.append(BurnWindow(severity, speed, str(raw[names["short"]]), str(raw[names["long"]]), percent,
                                      period))
    name = str((data.get("name") if not sloth else (data.get("metadata") or {}).get("name")) or path.stem)
    return WindowCatalog(name, period, str(path), tuple(windows))


def catalogs(extra_dirs: list[Path] | None = None) -> dict[int, WindowCatalog]:
    """Catalogues by period in seconds: built-ins, then project ones (which win)."""
    found: dict[int, WindowCatalog] = {}
    for directory in [BUILTIN_DIR, *(extra_dirs or [])]:
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob("*.yaml")):
            catalog = load_catalog(path)
            found[parse_duration(catalog.period)] = catalog
    return found


def catalog_for(period: str, extra_dirs: list[Path] | None = None) -> WindowCatalog:
    available = catalogs(extra_dirs)
    seconds = parse_duration(period)
    if seconds not in available:
        known = ", ".join(c.period for c in available.values())
        raise InputError(f"no burn-rate window catalogue for a {period} SLO period (available: {known}); "
                         "add one to alerts/windows/")
    return available[seconds]
