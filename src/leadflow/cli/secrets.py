"""``leadflow secrets``: the secret key's rotation."""

from __future__ import annotations

import typer

from leadflow.cli.common import err
from leadflow.config import get_settings
from leadflow.connections.service import reseal_all
from leadflow.db import unit_of_work
from leadflow.webhooks.service import reseal_secrets

secrets_app = typer.Typer(help="The secret key and what it seals.", no_args_is_help=True)


@secrets_app.command("rotate")
def rotate() -> None:
    """Reseal every stored provider secret and webhook signing secret under the current key.

    Set the new key in LEADFLOW_SECRET_KEY and the old ones in LEADFLOW_PREVIOUS_SECRET_KEYS
    first; once this has run everywhere, the old keys can be dropped."""
    settings = get_settings()
    with unit_of_work() as session:
        connections, lost_connections = reseal_all(session)
        endpoints, lost_endpoints = reseal_secrets(session)
    typer.echo(
        f"resealed {connections} provider connection(s) and {endpoints} webhook secret(s) "
        f"under the current key ({len(settings.previous_secret_keys)} previous key(s) known)"
    )
    if lost_connections or lost_endpoints:
        err.print(
            f"[red]{lost_connections} connection(s) and {lost_endpoints} webhook secret(s) "
            "open under no known key[/red]: enter those connections again and rotate those "
            "webhook secrets (the log names each)"
        )
        raise typer.Exit(1)
