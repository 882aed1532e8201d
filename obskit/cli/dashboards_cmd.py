"""`obskit dashboards`: build, check, push and import Grafana dashboards kept as code."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from obskit.cli import state as cli_state
from obskit.cli.grammar import exit_codes, format_option, output_dir_option, output_option
from obskit.cli.lint_output import LintFormat, render_problems, write
from obskit.cli.output import Format, emit_json, error
from obskit.errors import EXIT_BACKEND, EXIT_FINDINGS, EXIT_USAGE, InputError

app = typer.Typer(help="Dashboards as code: build JSON or ConfigMaps, lint, push to Grafana, import JSON to "
                  "Python.", no_args_is_help=True)

Paths = Annotated[list[Path] | None, typer.Argument(help="Files or directories (default: ./dashboards).",
                                                    metavar="PATH")]


class BuildFormat(StrEnum):
    json = "json"
    configmap = "configmap"


def _paths(paths: list[Path] | None) -> list[Path]:
    chosen = paths or [Path("dashboards")]
    for path in chosen:
        if not path.exists():
            raise InputError(f"{path}: no such file or directory", hint="give dashboard files or directories")
    return chosen


@contextmanager
def _progress_bar(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A Rich progress bar on stderr when it is a terminal; nothing otherwise (CI logs stay clean)."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _report_load_errors(errors: list) -> None:
    for err in errors:
        error(str(err))


@app.command(epilog=exit_codes((0, "ok"), (2, "usage or input error (a dashboard failed to load)")))
def build(
    paths: Paths = None,
    out: Annotated[Path | None, output_dir_option("Output directory (default: dashboards/generated).")] = None,
    fmt: Annotated[BuildFormat, typer.Option("--kind", help="json (dashboard files) or configmap "
                                             "(one Grafana-sidecar ConfigMap per dashboard).")] = BuildFormat.json,
    clean: Annotated[bool, typer.Option("--clean", help="Also delete output files that no source dashboard "
                                        "makes any more (orphans). Needs the whole dashboards directory.")] = False,
) -> None:
    """Build every dashboard into deterministic files (sorted keys, indent 2, trailing newline)."""
    from obskit.dashboards.emit import orphans, outputs, prune
    from obskit.dashboards.emit import write as write_files
    from obskit.dashboards.model import BUILD_DIR, load

    chosen = _paths(paths)
    if clean and not (len(chosen) == 1 and chosen[0].is_dir()):
        raise InputError("--clean needs the whole dashboards directory (one directory, not files): otherwise the "
                         "output of dashboards not given would look orphaned")
    loaded = load(chosen)
    from_files = {Path(str(d.file)).resolve() for d in loaded.dashboards}
    failed = {Path(e.file).resolve() for e in loaded.errors}
    for path in chosen:
        if path.is_file() and path.resolve() not in from_files | failed:
            raise InputError(f"{path}: no dashboard found in this file",
                             hint="a *.dashboard.py file defines `dashboard` (or `dashboards`); a *.json file "
                                  "holds one Grafana dashboard")
    out_dir = out or (chosen[0] / BUILD_DIR if chosen[0].is_dir() else Path("dashboards") / BUILD_DIR)
    try:
        outs = outputs(loaded.dashboards, fmt.value)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    for item in outs:
        if item.warning:
            write(f"warning: {item.warning}\n", stderr=True)
    written = write_files(outs, out_dir)
    write(f"built {len(written)} {fmt.value} file(s) in {out_dir}\n")
    if clean and loaded.errors:
        write("not cleaning: some dashboards failed to load, so their output is kept\n", stderr=True)
    elif clean:
        stale = orphans(out_dir, written, fmt.value)
        prune(out_dir, stale)
        for path in stale:
            write(f"removed {path} (no source dashboard)\n")
    elif len(chosen) == 1 and chosen[0].is_dir() and not loaded.errors:
        stale = orphans(out_dir, written, fmt.value)
        if stale:
            write(f"note: {len(stale)} file(s) in {out_dir} have no source dashboard (e.g. {stale[0]}); "
                  "`obskit dashboards build --clean` deletes them\n", stderr=True)
    _report_load_errors(loaded.errors)
    if loaded.errors:
        raise typer.Exit(EXIT_USAGE)


def _seconds(text: str | None) -> int | None:
    """--scrape-interval: plain seconds or a Prometheus duration."""
    if text is None:
        return None
    from obskit.duration import parse_duration

    try:
        seconds = int(text) if text.strip().isdigit() else parse_duration(text)
    except ValueError as exc:
        raise InputError(f"--scrape-interval: {exc}") from None
    if seconds <= 0:
        raise InputError(f"--scrape-interval: must be positive, got {text!r}")
    return seconds


@app.command(epilog=exit_codes((0, "ok"), (1, "lint errors"), (2, "usage or input error (a file failed to load)"),
                              (3, "Prometheus (online checks) failed")))
def check(
    paths: Paths = None,
    prometheus: Annotated[str | None, typer.Option("--prometheus", metavar="URL", help="Prometheus URL: enables "
                                                   "the online promql/metric-exists check (default: config; '' for "
                                                   "none).")] = None,
    offline: Annotated[bool, typer.Option("--offline", help="Skip the online checks even when a Prometheus URL "
                                          "is configured.")] = False,
    fmt: Annotated[LintFormat, format_option("text, json or github (annotations).")] = LintFormat.text,
    scrape_interval: Annotated[str | None, typer.Option(
        "--scrape-interval", metavar="DURATION", help="Scrape interval (30s, 1m or seconds); rate windows must "
        "be at least twice it (default: lint.scrape_interval from obskit.yaml, 30s).")] = None,
    datasource: Annotated[list[str] | None, typer.Option(
        "--datasource", metavar="UID", help="A datasource uid that exists besides the stack's prometheus, logs, jaeger "
        "(repeatable).")] = None,
    disable: Annotated[list[str] | None, typer.Option("--disable", "-d", metavar="CHECK",
                                                      help="Turn a check off by id (repeatable), "
                                                           "e.g. dashboard/variables; adds to lint.disable.")] = None,
) -> None:
    """Lint dashboards: uids, titles, panel ids, layout, datasources, variables, PromQL, stale build output."""
    from obskit.cli.online import choose_prometheus
    from obskit.dashboards.lint import skipped_online
    from obskit.dashboards.part import lint_options, lint_paths

    chosen = _paths(paths)
    choice = choose_prometheus(prometheus, offline)
    options = lint_options(choice.loaded, choice.url, disable, _seconds(scrape_interval), datasource)
    run = lint_paths(chosen, options)
    write(render_problems(run.problems, fmt))
    _report_load_errors(run.loaded.errors)
    for err in run.backend_errors:
        error(err)
    skipped = skipped_online(options)
    if fmt is LintFormat.text:
        extra = f"; skipped online checks ({choice.reason}): {', '.join(skipped)}" if skipped else ""
        write(run.summary() + extra + "\n", stderr=True)
    from obskit.lint import has_errors

    if run.loaded.errors:
        raise typer.Exit(EXIT_USAGE)
    if has_errors(run.problems):
        raise typer.Exit(EXIT_FINDINGS)
    if run.backend_errors:
        raise typer.Exit(EXIT_BACKEND)


@app.command(epilog=exit_codes((0, "ok"), (2, "usage or input error (a dashboard failed to load, no Grafana URL)"),
                              (3, "Grafana failed")))
def push(
    paths: Paths = None,
    grafana: Annotated[str | None, typer.Option("--grafana", metavar="URL",
                                                help="Grafana URL (default: grafana.url from config; "
                                                     "the token comes from grafana.token).")] = None,
    folder: Annotated[str | None, typer.Option("--folder", metavar="NAME", help="Put every dashboard in this folder "
                                               "(default: the sub-directory name, e.g. stack/).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only list new/changed/unchanged.")] = False,
    prune: Annotated[bool, typer.Option("--prune", help="Delete dashboards in managed folders that are no "
                                        "longer in code (needs --yes).")] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Confirm --prune deletions.")] = False,
    message: Annotated[str, typer.Option("--message", help="Version message stored in Grafana.")] =
    "pushed by obskit",
    fmt: Annotated[Format, format_option("text or json.")] = Format.text,
) -> None:
    """Upsert dashboards into Grafana by uid (creating folders), optionally pruning removed ones."""
    from obskit.dashboards.grafana_api import GrafanaTarget, push_dashboards
    from obskit.dashboards.model import load

    if prune and not yes and not dry_run:
        raise InputError("--prune deletes dashboards; add --yes to confirm (or use --dry-run to preview)")
    loaded = load(_paths(paths))
    if loaded.errors:
        _report_load_errors(loaded.errors)
        raise typer.Exit(EXIT_USAGE)
    cfg = cli_state.config({"grafana.url": grafana} if grafana else None).config
    if not cfg.grafana.url:
        raise InputError("no Grafana URL: pass --grafana or set grafana.url / OBSKIT_GRAFANA_URL")
    target = GrafanaTarget(str(cfg.grafana.url), cfg.grafana.token, cfg.grafana.org, cfg.grafana.tls)
    with _progress_bar("pushing dashboards") as progress:
        plan = push_dashboards(target, loaded.dashboards, folder=folder, dry_run=dry_run, prune=prune,
                               message=message, progress=progress)
    if fmt is Format.json:
        emit_json(plan.to_dict())
    else:
        write(plan.render_text())
    if plan.errors:
        raise typer.Exit(EXIT_BACKEND)


@app.command("import", epilog=exit_codes((0, "ok"), (2, "usage or input error (not a dashboard, no such file)")))
def import_(
    file: Annotated[Path, typer.Argument(help="A Grafana dashboard JSON file (or an API export).", metavar="FILE")],
    out: Annotated[Path | None, output_option("Where to write the Python (default: <name>.dashboard.py next to "
                                              "the JSON).")] = None,
) -> None:
    """Write readable Python (grafana-foundation-sdk builders) that builds back to the same dashboard."""
    from obskit.dashboards.importer import to_python
    from obskit.dashboards.inputs import resolve_inputs
    from obskit.dashboards.model import DashboardFileError, load_file

    if not file.is_file():
        raise InputError(f"{file}: no such file")
    try:
        dash = load_file(file)[0]
    except DashboardFileError as exc:
        raise InputError(str(exc.error)) from None
    data, added = resolve_inputs(dash.data, file.name)
    target = out or file.with_name(file.stem + ".dashboard.py")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(to_python(data, source=file.name), encoding="utf-8")
    if added:
        write(f"resolved __inputs to template variables: {', '.join(added)}\n")
    write(f"wrote {target} ({json.dumps(dash.title)}, {len(data.get('panels') or [])} top-level panels)\n")
