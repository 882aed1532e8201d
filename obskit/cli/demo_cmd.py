"""`obskit demo`: simulate one hour of a small shop with an incident into the local store."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from obskit.cli import state
from obskit.cli.grammar import exit_codes, format_option
from obskit.cli.output import Format, emit_json, show
from obskit.errors import InputError
from obskit.sources.window import rfc3339

HELP = """Simulate one hour of a small shop (frontend, checkout, cart, payments, inventory, shipping and
postgres) with the real OpenTelemetry SDK, with an incident starting 40 minutes in, into the local
store. Prints the ground truth and the investigate command to run next; with --investigate, runs it
(text format; the exit code is then investigate's: 1 when it names suspects). Exit 2 for an unknown
scenario."""
EXITS = exit_codes((0, "ok"), (1, "with --investigate: suspects found (the expected outcome)"),
                   (2, "usage or input error (an unknown scenario)"),
                   (5, "with --investigate: no usable data"))


def demo(
    scenario: Annotated[str, typer.Option("--scenario", metavar="NAME", help="Incident to simulate (see --list).")]
    = "slow-database",
    db: Annotated[Path | None, typer.Option("--db", metavar="FILE", help="DuckDB file (default: config local.db).",
                                            dir_okay=False)] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; the same seed gives the same data.")] = 1,
    fmt: Annotated[Format, format_option("text or json.")] = Format.text,
    list_: Annotated[bool, typer.Option("--list", help="Print the scenario names, one per line, and exit.")]
    = False,
    then_investigate: Annotated[bool, typer.Option("--investigate", help="Then investigate the symptom service "
                                                   "over the incident window and print the report.")] = False,
) -> None:
    from obskit.local.demo import SCENARIOS, run_scenario

    if list_:
        sys.stdout.write("".join(f"{name}\n" for name in SCENARIOS))
        return
    if scenario not in SCENARIOS:
        raise InputError(f"unknown scenario {scenario!r}; scenarios: {', '.join(SCENARIOS)}",
                         hint="obskit demo --list")
    path = db or state.config().config.local.db
    if fmt is Format.text:
        with Progress(transient=True, console=None) as progress:
            task = progress.add_task(f"simulating {scenario}", total=1.0)
            truth = run_scenario(scenario, path, seed, progress=lambda done: progress.update(task, completed=done))
    else:
        truth = run_scenario(scenario, path, seed)
    command = f"obskit investigate --db {path} {truth.symptom_service} --from {rfc3339(truth.window['from'])} " \
              f"--to {rfc3339(truth.window['to'])}"
    if fmt is Format.json:
        emit_json({**truth.to_json(), "next": command})
        return
    show(f"[bold]{scenario}[/]: {SCENARIOS[scenario].description}\n"
         f"store: {path}\n"
         f"symptom: {truth.symptom_service}   root cause: "
         f"{f'{truth.root_cause.service} ({truth.root_cause.kind})' if truth.root_cause.service else 'none injected'}\n"
         f"incident window: {rfc3339(truth.window['from'])} .. {rfc3339(truth.window['to'])}\n"
         f"next: {command}")
    if then_investigate:
        from obskit.cli.investigate_cmd import investigate_command

        show("")
        investigate_command(truth.symptom_service, start=rfc3339(truth.window["from"]),
                            end=rfc3339(truth.window["to"]), db=path)
