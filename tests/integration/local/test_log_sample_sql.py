"""The local store's spread log sample: per service at most about the limit, spread over the whole window,
one scan for all services; the logs stage on it finds a new exception template in the service that logs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from obskit.investigate import logs as logs_stage
from obskit.local.store import Store
from obskit.sources.local import local_sources
from obskit.sources.logs import SampleAsk
from obskit.sources.window import Window

T0 = 1_767_225_600.0
BASELINE = Window(T0, T0 + 600, 15)
WINDOW = Window(T0 + 600, T0 + 780, 15)


def rows(service: str, level: str, body: str, every: float, start: float, end: float) -> list[tuple]:
    out = []
    ts = start
    while ts < end:
        out.append((round(ts * 1e9), service, 9 if level == "info" else 17, level, body.format(n=int(ts * 10)),
                    f"{int(ts * 1000):032x}", f"{int(ts * 1000):016x}", json.dumps({}), json.dumps({})))
        ts += every
    return out


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("logs") / "store.duckdb"
    data = rows("svc-a", "info", "served order {n}", 0.05, T0, T0 + 780)  # 15,600 lines
    data += rows("svc-b", "info", "served order {n}", 1.0, T0, T0 + 780)
    data += rows("svc-b", "error", "java.lang.IllegalStateException: order {n} has no lines", 2.0, T0 + 650,
                 T0 + 780)
    with Store(path) as store, store.transaction() as con:
        con.executemany("INSERT INTO logs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", data)
    return path


def test_the_sample_is_bounded_and_spread_over_the_window(db: Path) -> None:
    logs = local_sources(db).logs
    sample = logs.spread_sample(["svc-a", "svc-b", "nobody"], BASELINE, ("info",), 1000)
    assert sorted(sample) == ["nobody", "svc-a", "svc-b"] and sample["nobody"] == []
    assert 800 <= len(sample["svc-a"]) <= 1200  # of 12,000 in the baseline
    assert len(sample["svc-b"]) == 600  # all of them: they fit under the limit
    stamps = sorted(r.ts for r in sample["svc-a"])
    assert stamps[0] < T0 + 60 and stamps[-1] > T0 + 540  # not only the newest
    assert all(BASELINE.start <= ts < BASELINE.end for ts in stamps)


def test_one_scan_answers_every_ask_like_its_own_sample(db: Path) -> None:
    logs = local_sources(db).logs
    asks = [SampleAsk(BASELINE, ("info",), {"svc-a": 12_000, "svc-b": 600}, 1000),
            SampleAsk(WINDOW, ("error", "warn"), {"svc-b": 65}, 1000),
            SampleAsk(WINDOW, ("info",), {"svc-a": 3_600}, 100)]
    before, errors, now = logs.spread_samples(asks)
    assert 800 <= len(before["svc-a"]) <= 1200 and len(before["svc-b"]) == 600
    assert all(BASELINE.start <= r.ts < BASELINE.end and r.level == "info" for r in before["svc-a"] + before["svc-b"])
    assert len(errors["svc-b"]) == 65 and {r.level for r in errors["svc-b"]} == {"error"}
    assert list(now) == ["svc-a"] and 60 <= len(now["svc-a"]) <= 140
    assert all(WINDOW.start <= r.ts < WINDOW.end for r in now["svc-a"])
    # the same lines as the one-ask sample keeps, given the same counts
    alone = logs.spread_sample(["svc-a"], BASELINE, ("info",), 1000)["svc-a"]
    assert sorted(r.ts for r in alone) == sorted(r.ts for r in before["svc-a"])
    assert logs.spread_samples([]) == [] and logs.spread_samples([SampleAsk(WINDOW, ("info",), {}, 10)]) == [{}]


def test_the_logs_stage_names_the_service_with_the_new_exception(db: Path) -> None:
    findings, templates = logs_stage.analyze(local_sources(db).logs, ["svc-a", "svc-b"], WINDOW, BASELINE)
    assert [(f.service, f.signal) for f in findings if f.signal.startswith("new")] == [("svc-b", "new error template")]
    assert templates[0].status == "new" and "IllegalStateException" in templates[0].template
