"""What every ``leadflow`` subcommand shares: the workspace option, the error console, and
leadflow's errors shown as one line with exit code 1."""

from __future__ import annotations

from typing import Annotated, Literal

import typer
from rich.console import Console

from leadflow.exceptions import LeadflowError

err = Console(stderr=True, soft_wrap=True)  # messages stay one line each, wherever they go
WorkspaceOption = Annotated[str, typer.Option("--workspace", "-w", help="workspace slug")]


class errors:
    """Turns leadflow's errors into a one-line message and exit code 1, not a traceback."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, error: BaseException | None, _tb: object) -> Literal[False]:
        if isinstance(error, LeadflowError):
            err.print(f"[red]error:[/red] {error.message}")
            raise typer.Exit(1)
        return False
