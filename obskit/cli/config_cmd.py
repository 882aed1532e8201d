"""`obskit config show`: the effective configuration, secrets redacted, each value's source named."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from obskit.cli import state
from obskit.cli.grammar import exit_codes, format_option
from obskit.cli.output import Format, emit_json, show

app = typer.Typer(help="Inspect the effective configuration.", no_args_is_help=True)


@app.command("show", epilog=exit_codes((0, "ok"), (2, "usage or input error (a bad config)")))
def show_config(
    fmt: Annotated[Format, format_option("text or json.")] = Format.text,
) -> None:
    """Print the effective config (file < env < flags) with every secret redacted and its source."""
    loaded = state.config()
    from obskit.config import effective_items

    rows = effective_items(loaded)
    if fmt is Format.json:
        emit_json(
            {
                "config_file": str(loaded.path) if loaded.path else None,
                "values": [{"key": k, "value": v, "source": s} for k, v, s in rows],
            }
        )
        return
    table = Table(title=f"obskit config ({loaded.path or 'no config file'})")
    table.add_column("key")
    table.add_column("value")
    table.add_column("source")
    for key, value, source in rows:
        table.add_row(key, value, source)
    show(table)
