"""`obskit check`: run every registered part (dashboards, alerts, ...) over the as-code tree; one exit code."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from obskit.check import PARTS, CheckOptions, nothing_to_check, overall_exit_code, run_check
from obskit.cli.grammar import exit_codes, format_option
from obskit.cli.lint_output import LintFormat, github_annotation, render_problems, write
from obskit.cli.online import choose_prometheus
from obskit.cli.output import emit_json, error
from obskit.errors import EXIT_USAGE
from obskit.lint import gh_escape, sort_problems

HELP = ("Check the as-code tree (dashboards/, alerts/, ...) the way CI should: every part loads, lints and "
        "builds clean. A directory with nothing to check (no dashboards, no rules, no SLOs) is an error: a CI "
        "job run in the wrong directory must not pass.")
EXITS = exit_codes((0, "ok"), (1, "lint errors or failed promtool tests"),
                   (2, "input error (a file cannot be loaded) or nothing to check"),
                   (3, "a backend (Prometheus, promtool) failed"))


def check(
    root: Annotated[Path, typer.Argument(help="The repository root holding dashboards/ and alerts/.",
                                         metavar="ROOT")] = Path("."),
    prometheus: Annotated[str | None, typer.Option("--prometheus", metavar="URL",
                                                   help="Prometheus URL: enables online checks "
                                                   "(default: prometheus.url from config; '' for none).")] = None,
    offline: Annotated[bool, typer.Option("--offline", help="Skip the online checks (those that query "
                                          "Prometheus) even when a URL is configured; they are listed.")] = False,
    fmt: Annotated[LintFormat, format_option("text, json or github (annotations).")] =
    LintFormat.text,
    only: Annotated[list[str] | None, typer.Option("--only", metavar="PART", help="Run only this part (repeatable): "
                                                   "the names listed by --list.")] = None,
    list_parts: Annotated[bool, typer.Option("--list", help="List the parts and exit.")] = False,
) -> None:
    if list_parts:
        write("".join(f"{name}\n" for name, _ in PARTS))
        raise typer.Exit(0)
    known = [name for name, _ in PARTS]
    for name in only or []:
        if name not in known:
            from obskit.errors import InputError

            raise InputError(f"--only: unknown part {name!r}; known: {', '.join(known)}")
    if not root.is_dir():
        from obskit.errors import InputError

        raise InputError(f"{root}: not a directory; expected the repository root holding dashboards/ and alerts/")
    choice = choose_prometheus(prometheus, offline)
    options = CheckOptions(root=root, prometheus_url=choice.url, config=choice.loaded.config,
                           offline_reason=choice.reason)
    results = run_check(options, only=only)
    code = overall_exit_code(results)
    empty = nothing_to_check(results)
    if empty:
        code = EXIT_USAGE
    problems = sort_problems(p for r in results for p in r.problems)
    verdict = "ok" if code == 0 else f"failed (exit {code})"
    skipped = sorted({check for r in results for check in r.skipped_online})
    if fmt is LintFormat.json:
        data = {
            "exit_code": code,
            "parts": [{"name": r.name, "summary": r.summary, "exit_code": r.exit_code,
                       "problems": [p.to_dict() for p in sort_problems(r.problems)],
                       "input_errors": r.input_errors, "backend_errors": r.backend_errors,
                       "skipped_online": sorted(r.skipped_online)} for r in results],
            "skipped_online": {"checks": skipped, "reason": choice.reason} if skipped else None,
            "nothing_to_check": empty,
        }
        emit_json(data)
        raise typer.Exit(code)
    out = [render_problems(problems, fmt)]
    for r in results:
        for err in r.input_errors:
            out.append(github_annotation("error", err) + "\n" if fmt is LintFormat.github else f"{err}\n")
        for err in r.backend_errors:
            out.append(github_annotation("warning", err) + "\n" if fmt is LintFormat.github else f"backend: {err}\n")
    if skipped:
        note = f"skipped online checks ({choice.reason}): {', '.join(skipped)}"
        out.append(f"::notice::{gh_escape(note)}\n" if fmt is LintFormat.github else f"{note}\n")
    parts = "; ".join(f"{r.name}: {r.summary}" for r in results) or "no parts ran"
    out.append(f"obskit check: {verdict} — {parts}\n")
    write("".join(out))
    if empty:
        error(f"nothing to check in {root}: no dashboards, rules, SLOs or promtool tests",
              hint="run `obskit check` at the repository root holding dashboards/ and alerts/, or pass it: "
                   "obskit check PATH (`obskit init` scaffolds one)")
    raise typer.Exit(code)
