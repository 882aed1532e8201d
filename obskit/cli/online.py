"""Which Prometheus the online lint checks use, if any: `--prometheus URL`, `--prometheus ''` (none),
`--offline` (none, whatever is configured), else `prometheus.url` / `OBSKIT_PROMETHEUS_URL` (empty: none)."""

from __future__ import annotations

from dataclasses import dataclass

from obskit.cli import state as cli_state
from obskit.config import LoadedConfig


@dataclass
class OnlineChoice:
    loaded: LoadedConfig
    url: str | None  # None: online checks are skipped
    reason: str  # why they are skipped, for the summary line ("" when they run)


def choose_prometheus(flag: str | None, offline: bool) -> OnlineChoice:
    if flag is not None and flag.strip() == "":
        loaded = cli_state.config()
        return OnlineChoice(loaded, None, "--prometheus ''")
    loaded = cli_state.config({"prometheus.url": flag} if flag else None)
    if offline:
        return OnlineChoice(loaded, None, "--offline")
    url = loaded.config.prometheus.url
    if url:
        return OnlineChoice(loaded, str(url), "")
    return OnlineChoice(loaded, None, "no Prometheus URL")
