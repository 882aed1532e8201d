"""`obskit local serve|import|stats`: the embedded OTLP receiver and DuckDB store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from obskit.cli import state
from obskit.cli.grammar import exit_codes, format_option
from obskit.cli.output import Format, emit_json, show
from obskit.sources.window import rfc3339

app = typer.Typer(help="The embedded OTLP receiver and DuckDB store (no backends needed).", no_args_is_help=True)

DbOption = Annotated[Path | None, typer.Option("--db", metavar="FILE", help="DuckDB file (default: config local.db).",
                                               dir_okay=False)]


def _db(db: Path | None) -> Path:
    return db or state.config().config.local.db


def _iso(ts: float | None) -> str:
    return rfc3339(ts) if ts is not None else "-"


@app.command("serve", epilog=exit_codes((0, "stopped with Ctrl-C"),
                                        (2, "usage or input error (the address cannot be listened on)")))
def serve_cmd(
    host: Annotated[str, typer.Option("--host", metavar="ADDRESS", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port (4318 is the OTLP/HTTP default).", min=0,
                                      max=65535)] = 4318,
    db: DbOption = None,
    max_body_mb: Annotated[float, typer.Option("--max-body-mb", help="Largest request body accepted (413 above).",
                                               min=0.001)] = 8.0,
) -> None:
    """Receive OTLP/HTTP (/v1/traces, /v1/logs, /v1/metrics; protobuf or JSON; gzip) into the store.

    A request is answered 200 only after it is committed to disk. Stop with Ctrl-C.
    """
    from obskit.errors import InputError
    from obskit.local.otlp_receiver import ReceiverLimits, serve

    path = _db(db)
    limits = ReceiverLimits(max_body_bytes=int(max_body_mb * 1024 * 1024))
    show(f"OTLP/HTTP receiver on http://{host}:{port} -> {path} (Ctrl-C stops)", stderr=True)
    try:
        serve(path, host, port, limits)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    except KeyboardInterrupt:
        show("stopped", stderr=True)


@app.command("import", epilog=exit_codes((0, "imported"), (2, "usage or input error: a bad line (file and line "
                                                             "named), or a file of which every record was rejected "
                                                             "(the other files are stored)")))
def import_cmd(
    files: Annotated[list[Path], typer.Argument(help="OTLP JSON Lines files (Collector file exporter), .gz too.",
                                                metavar="FILE")],
    db: DbOption = None,
    fmt: Annotated[Format, format_option("text or json.")] = Format.text,
) -> None:
    """Import OTLP JSON Lines files; each file is all-or-nothing (a bad line names file and line, exit 2).

    Records the store cannot hold (exponential histograms, spans without valid ids, ...) are rejected and
    counted by reason; the rest is stored."""
    from obskit.errors import InputError
    from obskit.local.importer import import_file
    from obskit.local.store import Store

    results = []
    with Store(_db(db)) as store:
        for path in files:
            results.append(import_file(store, path))
    if fmt is Format.json:
        emit_json({"imported": [r.to_json() for r in results]})
    else:
        table = Table(title="obskit local import")
        for col in ("file", "lines", "stored", "rejected"):
            table.add_column(col)
        for r in results:
            table.add_row(r.file, str(r.lines), str(r.stored), str(r.rejected))
        show(table)
        reasons = Table(title="rejected records")
        for col in ("file", "reason", "records"):
            reasons.add_column(col, justify="right" if col == "records" else "left")
        for r in results:
            for item in r.to_json()["rejections"]:  # type: ignore[union-attr]
                reasons.add_row(r.file, item["reason"], str(item["count"]))
        if reasons.row_count:
            show(reasons)
    empty = [r.file for r in results if r.all_rejected]
    if empty:
        raise InputError(f"every record was rejected in {', '.join(empty)}: nothing stored from "
                         f"{'it' if len(empty) == 1 else 'them'}",
                         hint="the reasons are listed above (--format json lists them too)")


@app.command("stats", epilog=exit_codes((0, "ok"), (2, "usage or input error (no such store)")))
def stats_cmd(
    db: DbOption = None,
    fmt: Annotated[Format, format_option("text or json.")] = Format.text,
) -> None:
    """Spans, log records and metric points per service, and the time range the store covers."""
    from obskit.local.stats import store_stats

    stats = store_stats(_db(db))
    if fmt is Format.json:
        emit_json(stats.to_json())
        return
    first, last = stats.time_range
    table = Table(title=f"{stats.db}  ({_iso(first)} .. {_iso(last)})"
                  + (f"  scenario: {stats.scenario}" if stats.scenario else ""))
    for col in ("service", "spans", "log records", "metric points", "first", "last"):
        table.add_column(col, justify="right" if col in ("spans", "log records", "metric points") else "left")
    for s in stats.services:
        table.add_row(s.service, str(s.spans), str(s.log_records), str(s.metric_points), _iso(s.first), _iso(s.last))
    totals = stats.totals
    table.add_row("[bold]total[/]", str(totals["spans"]), str(totals["log_records"]), str(totals["metric_points"]),
                  "", "")
    show(table)
