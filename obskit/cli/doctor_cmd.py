"""`obskit doctor`: reachability and version of every configured backend and local tool."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from obskit.cli import state
from obskit.cli.grammar import exit_codes, format_option
from obskit.cli.output import Format, emit_json, show
from obskit.doctor import DEFAULT_TIMEOUT, backends_ok, run_doctor
from obskit.errors import EXIT_BACKEND, EXIT_OK

EXITS = exit_codes((0, "every configured backend answers"), (2, "usage or input error (a bad config)"),
                   (3, "a configured backend does not answer"))


def doctor(
    fmt: Annotated[Format, format_option("text or json.")] = Format.text,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for each backend.", min=0.1)] = DEFAULT_TIMEOUT,
    prometheus: Annotated[str | None, typer.Option(
        "--prometheus", metavar="URL", help="Prometheus URL (overrides config).")] = None,
    grafana: Annotated[str | None, typer.Option(
        "--grafana", metavar="URL", help="Grafana URL (overrides config).")] = None,
    jaeger: Annotated[str | None, typer.Option(
        "--jaeger", metavar="URL", help="Jaeger query URL (overrides config).")] = None,
    elasticsearch: Annotated[
        str | None, typer.Option("--elasticsearch", metavar="URL", help="Elasticsearch URL (overrides config).")
    ] = None,
) -> None:
    """Check that every configured backend answers (concurrently, TIMEOUT each) and list local tools.

    """
    flags = {
        "prometheus.url": prometheus,
        "grafana.url": grafana,
        "jaeger.url": jaeger,
        "elasticsearch.urls": [elasticsearch] if elasticsearch else None,
    }
    loaded = state.config(flags)
    probes = run_doctor(loaded.config, timeout=timeout)
    ok = backends_ok(probes)
    configured = [p for p in probes if p.kind == "backend"]
    if fmt is Format.json:
        emit_json({"ok": ok, "checks": [p.to_dict() for p in probes]})
    else:
        table = Table(title="obskit doctor")
        for col in ("", "component", "target", "version", "detail", "ms"):
            table.add_column(col)
        for p in probes:
            mark = "[green]ok[/]" if p.ok else ("[red]FAIL[/]" if p.kind == "backend" else "[yellow]missing[/]")
            table.add_row(mark, p.name, p.target, p.version, p.detail, str(p.elapsed_ms) if p.kind == "backend" else "")
        show(table)
        if not configured:
            show("No backend configured: set OBSKIT_PROMETHEUS_URL (or others) or write obskit.yaml.")
        for p in configured:
            if not p.ok:
                show(f"[red]{p.name} at {p.target}: {p.detail}[/]", stderr=True)
    raise typer.Exit(EXIT_OK if ok else EXIT_BACKEND)
