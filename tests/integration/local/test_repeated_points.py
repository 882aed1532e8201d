"""Cumulative histogram points in the local store become increases the same way on both RED paths (the
request histograms and the naming profiles, obskit/sources/intervals.Tracker): an OTLP batch stored twice
(an exporter's retry, a file imported again) adds nothing the second time."""

from __future__ import annotations

from pathlib import Path

import pytest

from obskit.local.importer import import_file
from obskit.local.store import Store
from obskit.sources.local import local_sources
from obskit.sources.local_profiles import ProfileRed
from obskit.sources.window import Window
from tests.otlp_payloads import histogram_request, otlp_json

S = 10**9
W0 = 1_790_000_000  # window start, epoch seconds
WINDOW = Window(W0, W0 + 1800, 60)
BEGAN = (W0 + 10) * S  # the series began inside the window (a process started then)
CUMULATIVE = 2  # AggregationTemporality.CUMULATIVE


def batch() -> str:
    """ledger's request histogram, cumulative: 120 more requests each minute (2 req/s), 10 of them slow."""
    points = [((W0 + 10 + 60 * k) * S, BEGAN, {"http.response.status_code": 200}, [60 * k, 50 * k, 10 * k])
              for k in range(1, 30)]
    return otlp_json(histogram_request("ledger", points, [0.1, 0.5], temporality=CUMULATIVE)) + "\n"


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("repeated")
    (folder / "batch.jsonl").write_text(batch())
    out = {}
    for times in (1, 2):
        out[times] = folder / f"stored-{times}x.duckdb"
        with Store(out[times]) as store:
            for _ in range(times):
                assert import_file(store, folder / "batch.jsonl").rejected == 0
    return out


def rates(db: Path, path: str) -> dict[str, list[tuple[float, float]]]:
    metrics = local_sources(db).metrics
    found = metrics.red("ledger", WINDOW) if path == "histograms" else \
        ProfileRed(metrics.catalog, metrics.profiles).red_many(["ledger"], WINDOW)["ledger"]
    return {s.name: s.points for s in found if s.name in ("request_rate", "latency_p50")}


@pytest.mark.parametrize("path", ["histograms", "profiles"])
def test_a_batch_stored_twice_counts_once(stores: dict[int, Path], path: str) -> None:
    once, twice = rates(stores[1], path), rates(stores[2], path)
    steady = [v for _, v in once["request_rate"][1:-1]]  # the first and last minutes are partly covered
    assert len(steady) >= 25 and all(v == pytest.approx(2.0) for v in steady)
    assert twice == once


def test_both_paths_agree_on_the_request_rate(stores: dict[int, Path]) -> None:
    histograms, profiles = rates(stores[1], "histograms"), rates(stores[1], "profiles")
    assert [(t, round(v, 9)) for t, v in histograms["request_rate"]] == profiles["request_rate"]
