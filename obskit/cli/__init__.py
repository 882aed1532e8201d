"""The `obskit` command line. Thin: parse arguments, call the library, render, exit with a code.

Exit codes: 0 ok, 1 findings or lint errors, 2 usage or input error, 3 a backend failed,
4 internal error (a bug; rerun with --debug and report it), 5 (investigate only) no usable data.
Every command's help ends with its own exit-code line (obskit.cli.grammar).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from obskit import __version__, redaction
from obskit.cli import (
    alerts_cmd,
    check_cmd,
    config_cmd,
    dashboards_cmd,
    demo_cmd,
    deploy_cmd,
    doctor_cmd,
    init_cmd,
    investigate_cmd,
    local_cmd,
    logs_cmd,
)
from obskit.cli.grammar import polish_help
from obskit.cli.output import error

# bound as _state: the name `state` must stay the submodule obskit.cli.state (commands import it lazily)
from obskit.cli.state import state as _state
from obskit.errors import EXIT_USAGE, ObskitError

EXIT_INTERNAL = 4

EPILOG = (
    "Exit codes: 0 ok · 1 findings or lint errors · 2 usage or input error · "
    "3 a backend failed · 4 internal error (rerun with --debug) · 5 investigate only: no usable data. "
    "Each command's help says which of them it returns."
)
polish_help()

app = typer.Typer(
    name="obskit",
    help="Observability as code and incident investigation for microservices on Kubernetes.",
    epilog=EPILOG,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"obskit {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    config: Annotated[
        Path | None,
        typer.Option("--config", "-c", help="Config file (default: ./obskit.yaml when present, or $OBSKIT_CONFIG).",
                     envvar=None, dir_okay=False),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    _state.config_path = config
    _state.debug = debug


# the main job first: investigate an incident, on the local store (demo) or production backends
app.command("investigate", epilog=investigate_cmd.EPILOG)(investigate_cmd.investigate_command)
app.command("demo", epilog=demo_cmd.EXITS, help=demo_cmd.HELP)(demo_cmd.demo)
app.add_typer(logs_cmd.app, name="logs")
app.add_typer(local_cmd.app, name="local")
# as code: dashboards, alerts/SLOs, and the one command CI runs over both
app.add_typer(dashboards_cmd.app, name="dashboards")
app.add_typer(alerts_cmd.app, name="alerts")
app.command("check", help=check_cmd.HELP, epilog=check_cmd.EXITS)(check_cmd.check)
app.command("init", help=init_cmd.HELP, epilog=init_cmd.EXITS)(init_cmd.init)
# the stack and its health
app.add_typer(deploy_cmd.app, name="deploy")
app.command("doctor", epilog=doctor_cmd.EXITS)(doctor_cmd.doctor)
app.add_typer(config_cmd.app, name="config")


def main() -> None:
    """Console-script entry point: maps errors to exit codes, tracebacks only with --debug.

    stdout and stderr are wrapped first so that nothing written there (tracebacks included) carries a secret.
    """
    from obskit.cli.aliases import may_need_rewriting, rewrite
    from obskit.cli.argv import normalize

    redaction.install()
    args = normalize(sys.argv[1:])
    if may_need_rewriting(args):  # building the command tree costs every run; most argv need nothing
        rewritten = rewrite(typer.main.get_command(app), args)
        for warning in rewritten.warnings:
            sys.stderr.write(warning + "\n")
        args = rewritten.args
    sys.argv[1:] = args
    try:
        app()
    except ObskitError as exc:
        if _state.debug or "--debug" in sys.argv:
            raise
        error(exc.message, exc.hint)
        sys.exit(exc.exit_code)
    except OSError as exc:
        if _state.debug or "--debug" in sys.argv:
            raise
        if exc.filename:  # a file or directory the user named cannot be read or written
            error(f"{exc.filename}: {exc.strerror or exc}")
            sys.exit(EXIT_USAGE)
        error(f"internal error: {type(exc).__name__}: {exc}", "rerun with --debug and report the traceback")
        sys.exit(EXIT_INTERNAL)
    except UnicodeDecodeError as exc:
        if _state.debug or "--debug" in sys.argv:
            raise
        error(f"an input file is not UTF-8 text ({exc.reason} at byte {exc.start})")
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        error("interrupted")
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:
        if _state.debug or "--debug" in sys.argv:
            raise
        error(f"internal error: {type(exc).__name__}: {exc}", "rerun with --debug and report the traceback")
        sys.exit(EXIT_INTERNAL)


__all__ = ["app", "main", "EXIT_USAGE"]
