"""`obskit alerts`: build, check and test Prometheus rules and SLOs; generate alertmanager.yml."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from obskit.cli import state
from obskit.cli.grammar import exit_codes, format_option, output_dir_option, output_option
from obskit.cli.output import Format, emit_json, scrub, show
from obskit.errors import EXIT_BACKEND, EXIT_FINDINGS, EXIT_OK, InputError
from obskit.lint import has_errors, render_github, render_json, render_text

app = typer.Typer(help="Alerts and SLOs as code: build rules, lint them, run promtool tests, generate "
                       "alertmanager.yml.", no_args_is_help=True)

PathsArg = Annotated[list[Path] | None, typer.Argument(
    help="Rule files, SLO specs or directories (default: alerts.paths from obskit.yaml, i.e. ./alerts).",
    show_default=False, metavar="PATH")]


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


class RuleFormat(StrEnum):
    rules = "rules"
    prometheusrule = "prometheusrule"


def _paths(paths: list[Path] | None, config: object) -> list[Path]:
    return list(paths) if paths else [Path(p) for p in config.alerts.paths]  # type: ignore[attr-defined]


def _labels(values: list[str] | None, default: dict[str, str]) -> dict[str, str]:
    if not values:
        return dict(default)
    labels = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InputError(f"--label {item!r}: expected KEY=VALUE, e.g. release=obskit")
        labels[key] = value
    return labels


@app.command("build", epilog=exit_codes(
    (0, "ok"), (2, "usage or input error (a source does not load, or an expression it writes does not parse)")))
def build(
    paths: PathsArg = None,
    out: Annotated[Path, output_dir_option("Directory for the generated rule files.")] = Path("build/alerts"),
    fmt: Annotated[RuleFormat, typer.Option("--kind", help="Plain Prometheus rule files, or "
                                            "PrometheusRule objects for the Prometheus Operator.")] = RuleFormat.rules,
    label: Annotated[list[str] | None, typer.Option(
        "--label", "-l", metavar="KEY=VALUE", help="PrometheusRule label KEY=VALUE (repeatable; "
        "replaces alerts.prometheus_rule_labels, default release=obskit).")] = None,
    namespace: Annotated[str | None, typer.Option("--namespace", "-n", metavar="NAMESPACE",
                                                  help="PrometheusRule namespace.")] = None,
) -> None:
    """Turn rule sources and SLO specs (Sloth prometheus/v1, OpenSLO v1) into rule files, one per source.

    OpenSLO: Occurrences, Timeslices, RatioTimeslices, thresholdMetric; calendar windows become rolling ones."""
    from obskit.alerts.emit import BuildOptions
    from obskit.alerts.emit import build as build_rules
    from obskit.alerts.rulefiles import load_all, windows_dirs

    config = state.config().config
    roots = _paths(paths, config)
    rulesets = load_all(roots, windows_dirs(roots), config.alerts.slo_period)
    options = BuildOptions(out=out, format=str(fmt), namespace=namespace or config.alerts.prometheus_rule_namespace,
                           labels=_labels(label, config.alerts.prometheus_rule_labels))
    written = build_rules(rulesets, options, root=Path.cwd())
    for path in written:
        show(f"wrote {path}")
    show(f"{len(written)} rule files from {len(rulesets)} sources")


@app.command("check", epilog=exit_codes((0, "ok (warnings do not fail)"), (1, "lint errors"),
                                        (2, "usage or input error (a file does not load)"),
                                        (3, "Prometheus (online checks) failed")))
def check(
    paths: PathsArg = None,
    prometheus: Annotated[str | None, typer.Option(
        "--prometheus", metavar="URL", help="Prometheus URL: enables the online checks "
        "(series exist, rate over counters). Default: prometheus.url.")] = None,
    fmt: Annotated[CheckFormat, format_option("text, json or github (annotations).")] = CheckFormat.text,
    disable: Annotated[list[str] | None, typer.Option(
        "--disable", "-d", metavar="CHECK", help="Check id to skip (repeatable); "
        "see obskit/alerts/lint/README.md.")] = None,
    offline: Annotated[bool, typer.Option("--offline", help="Skip online checks even if a URL is configured.")] =
        False,
) -> None:
    """Lint rules and SLO-generated rules; exit 1 on errors (warnings do not fail)."""
    from obskit.alerts.lint import lint
    from obskit.alerts.parts import lint_options
    from obskit.alerts.rulefiles import load_all, windows_dirs
    from obskit.cli.online import choose_prometheus

    choice = choose_prometheus(prometheus, offline)
    config = choice.loaded.config
    roots = _paths(paths, config)
    rulesets = load_all(roots, windows_dirs(roots), config.alerts.slo_period)
    url = choice.url
    report = lint(rulesets, lint_options(config, url, disable))
    if fmt is CheckFormat.json:
        sys.stdout.write(scrub(render_json(report.problems)))
    elif fmt is CheckFormat.github:
        sys.stdout.write(scrub(render_github(report.problems)))
    else:
        sys.stdout.write(scrub(render_text(report.problems)))
        rules = sum(len(rs.rules()) for rs in rulesets)
        summary = f"{len(rulesets)} files, {rules} rules, {len(report.problems)} problems"
        if report.skipped:
            summary += f"; skipped online checks ({choice.reason}): {', '.join(report.skipped)}"
        show(summary, stderr=True)
    for message in report.backend_errors:
        show(f"[red]{message}[/]", stderr=True)
    if has_errors(report.problems):
        raise typer.Exit(EXIT_FINDINGS)
    raise typer.Exit(EXIT_BACKEND if report.backend_errors else EXIT_OK)


@app.command("test", epilog=exit_codes((0, "every test passed"), (1, "a test failed"),
                                       (2, "usage or input error (a test or rule file does not load)"),
                                       (3, "promtool is missing or failed")))
def test(
    paths: PathsArg = None,
    fmt: Annotated[Format, format_option("text or json.")] = Format.text,
) -> None:
    """Run promtool unit tests (YAML files with rule_files/tests), also over PrometheusRule files, SLO specs
    and *.rules.py (rendered to plain rule files first; errors name the source file)."""
    from obskit.alerts.promtool import find_tests, run_test_file
    from obskit.alerts.rulefiles import discover, tree_context, windows_dirs

    config = state.config().config
    roots = _paths(paths, config)
    tests = find_tests(roots)
    ctx, _ = tree_context(discover(roots), windows_dirs(roots), config.alerts.slo_period)
    results = []
    for i, path in enumerate(tests, 1):
        if fmt is Format.text:
            show(f"[{i}/{len(tests)}] {path}", stderr=True)
        results.append(run_test_file(path, ctx=ctx))
    failed = [r for r in results if not r.passed]
    if fmt is Format.json:
        emit_json({"ok": not failed, "tests": [{"file": r.file, "passed": r.passed, "output": r.output,
                                                 "seconds": round(r.seconds, 3)} for r in results]})
    else:
        for r in results:
            show(f"{'[green]PASS[/]' if r.passed else '[red]FAIL[/]'} {r.file} ({r.seconds:.1f} s)")
            if not r.passed:
                sys.stdout.write(scrub(r.output))
        show(f"{len(results)} test files, {len(results) - len(failed)} passed, {len(failed)} failed")
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)


@app.command("alertmanager", epilog=exit_codes(
    (0, "ok"), (2, "usage or input error (no alerts.alertmanager section, amtool refused the result)"),
    (3, "amtool is missing")))
def alertmanager(
    out: Annotated[Path, output_option("Where to write alertmanager.yml ('-' for stdout).")] =
        Path("alertmanager.yml"),
    secrets_out: Annotated[Path | None, typer.Option("--secrets-dir", metavar="DIR", file_okay=False,
                           help="Directory for secret files read from *_env (mode 0600); mount it at "
                           "alerts.alertmanager.secrets_dir.")] = None,
    validate: Annotated[bool, typer.Option("--validate/--no-validate", help="Run amtool check-config.")] = True,
) -> None:
    """Generate alertmanager.yml from alerts.alertmanager in obskit.yaml (teams/severities -> webhook, Slack,
    PagerDuty, email receivers) and validate it with amtool. Secrets are referenced as files, never inlined."""
    from obskit.alerts.alertmanager import check_config, render, write

    config = state.config().config
    routing = config.alerts.alertmanager
    if routing is None:
        raise InputError("obskit.yaml has no alerts.alertmanager section",
                         hint="see docs/alerts.md for an example")
    files = render(routing)
    if validate:
        check_config(files.config)
    if str(out) == "-":
        if files.secrets:
            raise InputError("receivers use *_env secrets: write to a file with --output and --secrets-dir")
        sys.stdout.write(files.config)
        return
    for path in write(files, out, secrets_out):
        show(f"wrote {path}")
    if validate:
        show("amtool check-config: SUCCESS")
