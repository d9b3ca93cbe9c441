"""The ``leadflow`` command."""

from __future__ import annotations

import json
import sys
from itertools import islice
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.engine import make_url

from leadflow import __version__, catalogue
from leadflow.accounts import service as accounts
from leadflow.cli import operations
from leadflow.cli.agent import agent_app
from leadflow.cli.checklist import show_checklist
from leadflow.cli.common import WorkspaceOption, err, errors
from leadflow.cli.conversations import waiting
from leadflow.cli.knowledge import kb_app
from leadflow.cli.leads import leads_app
from leadflow.cli.providers import alerts_app, connections_app, quotas_app
from leadflow.cli.scoring import scoring_app
from leadflow.cli.secrets import secrets_app
from leadflow.cli.stages import stages_app
from leadflow.config import (
    Settings,
    ensure_secret_key,
    get_settings,
    is_loopback,
    is_weak_key,
)
from leadflow.db import get_engine, unit_of_work
from leadflow.demo import ensure_demo
from leadflow.exceptions import LeadflowError
from leadflow.imports import repository as import_repository
from leadflow.imports import summary
from leadflow.imports.service import ImportRun, open_import, phone_region, rejections_csv
from leadflow.logs import configure_logging
from leadflow.migrations.runner import upgrade_to_head
from leadflow.models import ImportJob
from leadflow.worker.runner import run_due
from leadflow.workspaces import service as workspaces

app = typer.Typer(help="leadflow: every inbound lead answered in seconds.", no_args_is_help=True)


def _show_version(wanted: bool) -> None:
    if wanted:
        typer.echo(f"leadflow {__version__}")
        raise typer.Exit()


@app.callback()
def leadflow_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="print the version and exit"
        ),
    ] = False,
) -> None:
    """leadflow: every inbound lead answered in seconds."""


workspace_app = typer.Typer(help="Workspaces (tenants).", no_args_is_help=True)
apikey_app = typer.Typer(help="API keys.", no_args_is_help=True)
user_app = typer.Typer(help="People who sign in.", no_args_is_help=True)
app.add_typer(workspace_app, name="workspace")
app.add_typer(apikey_app, name="apikey")
app.add_typer(user_app, name="user")
jobs_app = typer.Typer(help="Background jobs: dead letters and replays.", no_args_is_help=True)
app.add_typer(jobs_app, name="jobs")
app.add_typer(scoring_app, name="scoring")
app.add_typer(kb_app, name="kb")
app.add_typer(leads_app, name="leads")
app.add_typer(stages_app, name="stages")
app.add_typer(secrets_app, name="secrets")
app.add_typer(connections_app, name="connections")
app.add_typer(quotas_app, name="quotas")
app.add_typer(alerts_app, name="alerts")
app.add_typer(agent_app, name="agent")
app.command("checklist")(show_checklist)
app.command("migrate")(operations.migrate)
app.command("conversations")(waiting)
app.command("backup")(operations.backup)
app.command("restore")(operations.restore)


# SIGTERM: requests in flight get this long, then the server stops; unfinished jobs are
# picked up again from the ledger by the next process.
GRACEFUL_SHUTDOWN_SECONDS = 5


def migrate() -> None:
    upgrade_to_head(get_engine())


@app.command()
def init() -> None:
    """Migrate the database and create the demo workspace (safe to run again)."""
    ensure_secret_key()
    settings = get_settings()
    migrate()
    with unit_of_work() as session:
        demo = ensure_demo(session, published=settings.environment == "development")
    shown = make_url(settings.resolved_database_url).render_as_string(hide_password=True)
    typer.echo(f"database ready: {shown}")
    typer.echo(f"demo workspace '{demo.workspace_slug}' {'created' if demo.created else 'ready'}")
    if demo.password:
        typer.echo(f"  sign in:  {demo.email} / {demo.password}")
    if demo.api_key:
        typer.echo(f"  API key:  {demo.api_key}")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="address to listen on")] = None,
    port: Annotated[int | None, typer.Option(help="port to listen on")] = None,
) -> None:
    """Serve the API and, unless LEADFLOW_EMBEDDED_WORKER=false, run jobs too (migrating first).

    Jobs a stopped process left unfinished (an import half done) are picked up again."""
    import uvicorn

    settings = get_settings()
    host, port = host or settings.host, port or settings.port
    _require_a_safe_key(settings, host)
    migrate()
    typer.echo(
        f"leadflow is running at http://{host}:{port}  (API docs: http://{host}:{port}/docs)"
    )
    uvicorn.run(
        "leadflow.app:create_app", factory=True, host=host, port=port, log_level="warning",
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )  # fmt: skip


def _require_a_safe_key(settings: Settings, host: str) -> None:
    """Development writes itself a key; elsewhere one must be set. A weak key (the
    placeholder, or short) is refused beyond loopback, where strangers could forge tokens."""
    if not settings.secret_key and settings.environment == "development":
        settings = ensure_secret_key()
    if not settings.secret_key:
        err.print("[red]error:[/red] no secret key: run `leadflow init` or set LEADFLOW_SECRET_KEY")
        raise typer.Exit(1)
    if not is_loopback(host) and is_weak_key(settings.secret_key):
        err.print(
            f"[red]error:[/red] refusing to listen on {host} with a placeholder or short secret "
            "key: set LEADFLOW_SECRET_KEY to 32 or more random characters (or leave it unset and "
            "run `leadflow init`, which writes one)"
        )
        raise typer.Exit(1)


@workspace_app.command("create")
def workspace_create(
    slug: str,
    name: Annotated[str | None, typer.Option(help="display name")] = None,
    region: Annotated[str, typer.Option(help="default phone region, e.g. SA")] = "",
    time_zone: Annotated[str, typer.Option(help="IANA time zone")] = "UTC",
) -> None:
    """Create a workspace."""
    with errors(), unit_of_work() as session:
        workspace = workspaces.create_workspace(
            session, slug=slug, name=name,
            default_region=region or get_settings().default_phone_region, time_zone=time_zone,
        )  # fmt: skip
        typer.echo(f"workspace '{workspace.slug}' created (web-form token {workspace.form_token})")


@apikey_app.command("create")
def apikey_create(
    workspace: WorkspaceOption = "demo",
    name: Annotated[str, typer.Option(help="what the key is for")] = "",
) -> None:
    """Create an API key for a workspace. It is shown once."""
    with errors(), unit_of_work() as session:
        target = workspaces.get_workspace(session, workspace)
        _, plaintext = workspaces.create_api_key(session, workspace=target, name=name)
    typer.echo(plaintext)
    err.print(f"API key for workspace '{workspace}'. Keep it now: it cannot be shown again.")


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Option(help="sign-in email")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    workspace: WorkspaceOption = "demo",
    name: Annotated[str, typer.Option(help="display name")] = "",
) -> None:
    """Create a user who can sign in to a workspace."""
    with errors(), unit_of_work() as session:
        target = workspaces.get_workspace(session, workspace)
        workspaces.create_user(session, email=email, password=password, name=name, workspace=target)
    typer.echo(f"user {email} can sign in to '{workspace}'")


@user_app.command("password")
def user_password(
    email: Annotated[str, typer.Option(help="sign-in email")],
    password: Annotated[
        str, typer.Option(prompt="New password", hide_input=True, confirmation_prompt=True)
    ],
) -> None:
    """Set a user's password. Every session they have open ends."""
    with errors(), unit_of_work() as session:
        ended = accounts.set_password(session, email=email, password=password)
    typer.echo(f"password changed for {email}; {_sessions(ended)} ended")


@user_app.command("signout-everywhere")
def user_signout_everywhere(email: Annotated[str, typer.Option(help="sign-in email")]) -> None:
    """End every dashboard session of a user's (a lost laptop, a copied cookie)."""
    with errors(), unit_of_work() as session:
        user = accounts.find_user(session, email)
        ended = accounts.sign_out_everywhere(session, user_id=user.id)
    typer.echo(f"{email} is signed out everywhere; {_sessions(ended)} ended")


def _sessions(count: int) -> str:
    return f"{count} session{'' if count == 1 else 's'}"


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    workspace: WorkspaceOption = "demo",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="check everything, change nothing")
    ] = False,
    errors_out: Annotated[
        Path | None, typer.Option("--errors-out", help="write rejected rows here")
    ] = None,
    column: Annotated[
        list[str] | None, typer.Option("--map", help='"Header=field" (repeatable)')
    ] = None,
    phone_country: Annotated[
        str | None,
        typer.Option(
            "--phone-country",
            help="country of phone numbers written without a country code, like SA "
            "(default: the workspace's default region)",
        ),
    ] = None,
) -> None:
    """Import leads from a CSV file. A bad optional field is left blank with a warning; a row
    is rejected only when nothing identifies a lead. A summary goes to stderr; the last line
    printed is the result as JSON. Exits 1 when no row could be used."""
    with errors():
        overrides = dict(_mapping(item) for item in column or [])
        region = phone_region(phone_country)
        with unit_of_work() as session:
            target = workspaces.get_workspace(session, workspace)
            job = open_import(
                session, workspace=target, path=file.resolve(), dry_run=dry_run,
                overrides=overrides, region=region,
            )  # fmt: skip
        err.print(f"columns: {json.dumps(job.column_map['mapping'], ensure_ascii=False)}")
        report = _run_with_bar(job)
        report |= _score_new_leads(job.id)
        if errors_out is not None:
            _write_rejections(job.id, errors_out)
        elif report["rejected"]:
            _show_rejections(job.id, report["rejected"])
        _summarise(job.id, report)
    typer.echo(json.dumps(report))
    if report["rows"] and not (report["created"] or report["merged"]):
        raise typer.Exit(1)


def _score_new_leads(job_id: int) -> dict[str, int]:
    """Scores the import's new leads here and now (a worker would, in batches): the import is
    completed once every one is. How many were scored, and how many could not be."""
    with err.status("scoring the new leads"):
        run_due(name="scoring.score_imported")
    with unit_of_work(writes=False) as session:
        job = session.get(ImportJob, job_id)
        assert job is not None
        progress = job.column_map.get("scoring") or {}
    return {"scored": progress.get("scored", 0), "score_failed": progress.get("failed", 0)}


def _rows(count: int) -> str:
    return f"{count:,} row{'' if count == 1 else 's'}"


def _summarise(job_id: int, report: dict[str, int]) -> None:
    """The result in words, on stderr: counts, then the most frequent reasons."""
    with unit_of_work(writes=False) as session:
        job = session.get(ImportJob, job_id)
        assert job is not None
        column_map = job.column_map
    warned = column_map.get(summary.WARNED_ROWS, 0)
    err.print(
        f"{report['rows']:,} rows: {report['created']:,} created, {report['merged']:,} merged, "
        f"{report['rejected']:,} rejected, {warned:,} kept with warnings; "
        f"{report['scored']:,} new leads scored, {report['score_failed']:,} could not be",
        markup=False, highlight=False,
    )  # fmt: skip
    shown = (("rejected", summary.REJECTION_GROUPS), ("left blank", summary.WARNING_GROUPS))
    for title, key in shown:
        groups = summary.top(column_map.get(key), limit=5)
        if groups:
            err.print(f"top reasons {title}:", markup=False, highlight=False)
        for group in groups:
            more = ", ..." if group["count"] > len(group["lines"]) else ""
            lines = ", ".join(map(str, group["lines"])) + more
            err.print(
                f"  {_rows(group['count'])}: {group['reason']} (lines {lines})",
                markup=False, highlight=False,
            )  # fmt: skip
    if not (report["created"] or report["merged"]) and report["rows"]:
        err.print("no row could be used: nothing was imported", markup=False, highlight=False)


def _mapping(item: str) -> tuple[str, str]:
    header, sep, target = item.rpartition("=")
    if not sep:
        raise LeadflowError(f'--map takes "Header=field", got {item!r}', status=400)
    return header, target


def _run_with_bar(job: ImportJob) -> dict[str, int]:
    columns = (
        TextColumn("importing"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[counts]}"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err, transient=False) as bar:
        task = bar.add_task("import", total=job.total_bytes, counts="")

        def show(current: ImportJob) -> None:
            counts = (
                f"{current.rows:,} rows · {current.created:,} new · "
                f"{current.merged:,} merged · {current.rejected:,} rejected"
            )
            bar.update(task, completed=current.processed_bytes, counts=counts)

        report = ImportRun(job.id, chunk_rows=get_settings().import_chunk_rows, progress=show).run()
        bar.update(task, completed=job.total_bytes)
    return report.as_dict()


def _show_rejections(job_id: int, count: int, shown: int = 10) -> None:
    with unit_of_work() as session:
        for row in islice(import_repository.rejection_rows(session, job_id), shown):
            err.print(f"  line {row['line']}: {row['reason']}", markup=False, highlight=False)
    more = f"the first {shown} of {count:,}" if count > shown else "all"
    err.print(f"rejected rows above ({more}); --errors-out FILE writes every one with its row")


def _write_rejections(job_id: int, path: Path) -> None:
    """The rejected rows under the file's own columns, with a reason column: fixed, the file
    imports again."""
    with path.open("w", newline="", encoding="utf-8") as out:
        out.writelines(rejections_csv(job_id))


@app.command()
def export(
    workspace: WorkspaceOption = "demo",
    out: Annotated[
        Path | None, typer.Option("--out", help="file to write (default: stdout)")
    ] = None,
) -> None:
    """Export a workspace's leads as CSV, spreadsheet formulas defused."""
    # imported when the command runs: the CLI starts without loading what it will not use
    from leadflow.exports.service import write_csv

    with errors(), unit_of_work() as session:
        target = workspaces.get_workspace(session, workspace)
        if out is None:
            write_csv(session, target.id, sys.stdout)
        else:
            with out.open("w", newline="", encoding="utf-8") as handle:
                write_csv(session, target.id, handle)
            err.print(f"exported to {out}")


def main() -> None:
    configure_logging()
    catalogue.load()
    app()


@app.command()
def worker(
    workers: Annotated[int, typer.Option(min=1, max=64, help="job threads in this process")] = 2,
    metrics_port: Annotated[
        int | None,
        typer.Option(min=1, max=65535, help="serve this process's /metrics on this port"),
    ] = None,
    metrics_host: Annotated[str, typer.Option(help="address for --metrics-port")] = "127.0.0.1",
) -> None:
    """Run job consumers on their own (start as many as wanted, on any machine that reaches the
    same database and queue). SIGINT finishes running jobs first; SIGTERM stops at once."""
    # imported when the command runs: the CLI starts without loading what it will not use
    from leadflow.worker.consumer import run_standalone

    migrate()
    if metrics_port is not None:
        # Job runs are counted where they run: Prometheus scrapes each worker for them.
        from prometheus_client import start_http_server

        import leadflow.operations.metrics  # noqa: F401 - the queue's figures, read at scrape

        start_http_server(metrics_port, addr=metrics_host)
    run_standalone(workers)


@jobs_app.command("dead")
def jobs_dead(
    workspace: Annotated[str | None, typer.Option("--workspace", "-w")] = None,
) -> None:
    """List jobs that failed every retry (all workspaces unless one is given)."""
    # imported when the command runs: the CLI starts without loading what it will not use
    from leadflow.worker import dead_letters

    with unit_of_work(writes=False) as session:
        workspace_id = workspaces.get_workspace(session, workspace).id if workspace else None
        for dead in dead_letters.list_dead(session, workspace_id=workspace_id):
            typer.echo(
                f"{dead.id}\t{dead.died_at:%Y-%m-%d %H:%M:%S}\t{dead.name}\t"
                f"{dead.attempts} attempts\t{dead.error.splitlines()[-1] if dead.error else ''}"
            )


@jobs_app.command("replay")
def jobs_replay(dead_job_id: Annotated[int, typer.Argument(min=1)]) -> None:
    """Queue a dead job again, with its retries renewed."""
    # imported when the command runs: the CLI starts without loading what it will not use
    from leadflow.worker import dead_letters

    try:
        with unit_of_work() as session:
            job = dead_letters.replay(session, dead_job_id, workspace_id=None)
    except LeadflowError as error:
        err.print(f"[red]{error.message}[/red]")
        raise typer.Exit(1) from error
    typer.echo(f"dead job {dead_job_id} queued again as job {job.id}")


@jobs_app.command("run")
def jobs_run() -> None:
    """Run every due job here and now, then exit (no consumer needed)."""
    # imported when the command runs: the CLI starts without loading what it will not use
    from leadflow.worker.runner import run_due

    migrate()
    typer.echo(f"ran {run_due()} jobs")
