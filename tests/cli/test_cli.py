"""The ``leadflow`` command: exit codes, what it prints, and what it leaves in the database."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import delete, func, select
from typer.testing import CliRunner

from leadflow.cli import app as cli
from leadflow.dashboard.sessions import COOKIE
from leadflow.demo import DEMO_EMAIL, DEMO_PASSWORD, DEMO_SLUG
from leadflow.kit.crypto import verify_password
from leadflow.models import ImportJob, User, Workspace, WorkspaceMember
from tests.builders import make_lead, make_workspace, unique
from tests.dashboard.support import Browser, make_person
from tests.imports.support import leads, table, write

runner = CliRunner()


def leadflow(*args: str):
    return runner.invoke(cli.app, list(args))


def assert_one_line_error(result, message: str) -> None:
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert message in lines[0]
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def workspace_count(session, slug: str) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).where(Workspace.slug == slug)) or 0


# --- init ------------------------------------------------------------------------------------


def as_environment(monkeypatch, environment):
    real = cli.get_settings()
    monkeypatch.setattr(
        cli, "get_settings", lambda: real.model_copy(update={"environment": environment})
    )


def forget_demo_user(session):
    session.execute(delete(User).where(User.email == DEMO_EMAIL))
    session.commit()


def test_init_twice_makes_one_demo_workspace_with_its_sample_leads_once(session, monkeypatch):
    forget_demo_user(session)
    as_environment(monkeypatch, "development")
    first = leadflow("init")
    assert first.exit_code == 0, first.output
    session.expire_all()
    demo = session.scalars(select(Workspace).where(Workspace.slug == DEMO_SLUG)).one()
    sample_leads = len(leads(session, demo.id))

    second = leadflow("init")

    assert second.exit_code == 0, second.output
    for result in (first, second):
        assert f"{DEMO_EMAIL} / {DEMO_PASSWORD}" in result.stdout
    assert f"demo workspace '{DEMO_SLUG}' ready" in second.stdout
    assert workspace_count(session, DEMO_SLUG) == 1
    assert sample_leads > 0
    assert len(leads(session, demo.id)) == sample_leads
    users = select(func.count()).where(User.email == DEMO_EMAIL)
    assert session.scalar(users) == 1


def test_outside_development_the_demo_gets_no_published_password_or_key(session, monkeypatch):
    forget_demo_user(session)
    as_environment(monkeypatch, "production")

    first, second = leadflow("init"), leadflow("init")

    assert DEMO_PASSWORD not in first.stdout + second.stdout
    assert "API key" not in first.stdout + second.stdout
    assert f"{DEMO_EMAIL} / " in first.stdout  # a random password, shown the once
    assert f"{DEMO_EMAIL} / " not in second.stdout


def test_init_does_not_print_the_database_password(monkeypatch):
    real = cli.get_settings()
    shown = real.model_copy(
        update={"database_url": "postgresql://leadflow:s3cret-pw@db.internal:5432/leadflow"}
    )
    monkeypatch.setattr(cli, "get_settings", lambda: shown)  # only what init prints

    result = leadflow("init")

    assert result.exit_code == 0, result.output
    assert "db.internal" in result.stdout
    assert "s3cret-pw" not in result.output


# --- workspaces, keys and users ------------------------------------------------------------------


def test_workspace_create(session):
    slug = unique("cli-")

    result = leadflow("workspace", "create", slug, "--name", "Acme Sales", "--region", "sa")

    assert result.exit_code == 0, result.output
    assert f"workspace '{slug}' created" in result.stdout
    session.expire_all()
    created = session.scalars(select(Workspace).where(Workspace.slug == slug)).one()
    assert (created.name, created.default_region) == ("Acme Sales", "SA")


def test_a_duplicate_workspace_is_a_one_line_error(session):
    slug = unique("cli-")
    assert leadflow("workspace", "create", slug).exit_code == 0

    result = leadflow("workspace", "create", slug)

    assert_one_line_error(result, f"workspace '{slug}' already exists")
    assert workspace_count(session, slug) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Not A Slug"], "a workspace slug is"),
        (["--region", "XX"], "unknown phone region"),
        (["--time-zone", "Mars/Olympus"], "unknown time zone"),
    ],
)
def test_a_bad_workspace_is_a_one_line_error(session, args, message):
    slug = unique("cli-")
    args = args if args[0] == "Not A Slug" else [slug, *args]

    result = leadflow("workspace", "create", *args)

    assert_one_line_error(result, message)
    assert workspace_count(session, slug) == 0


def test_an_api_key_from_the_cli_authenticates_against_the_api(session, client):
    workspace = make_workspace(session)

    result = leadflow("apikey", "create", "--workspace", workspace.slug, "--name", "zapier")

    assert result.exit_code == 0, result.output
    (key,) = result.stdout.splitlines()
    assert "cannot be shown again" in result.stderr
    response = client.get("/api/v1/workspace", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200, response.text
    assert response.json()["slug"] == workspace.slug
    wrong = client.get("/api/v1/workspace", headers={"Authorization": f"Bearer {key}x"})
    assert wrong.status_code == 401


def test_an_api_key_for_an_unknown_workspace_is_a_one_line_error():
    result = leadflow("apikey", "create", "--workspace", unique("missing-"))

    assert_one_line_error(result, "not found")


def test_user_create(session):
    workspace = make_workspace(session)
    email = f"{unique('owner')}@example.com"

    result = leadflow(
        "user", "create", "--email", email, "--password", "correct horse", "--workspace",
        workspace.slug,
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert f"user {email} can sign in to '{workspace.slug}'" in result.stdout
    session.expire_all()
    user = session.scalars(select(User).where(User.email == email)).one()
    assert verify_password(user.password_hash, "correct horse")
    assert "correct horse" not in user.password_hash
    member = select(WorkspaceMember).where(
        WorkspaceMember.user_id == user.id, WorkspaceMember.workspace_id == workspace.id
    )
    assert session.scalars(member).one().role == "owner"


def test_user_create_mistakes_are_one_line_errors(session):
    workspace = make_workspace(session)
    email = f"{unique('owner')}@example.com"
    base = ["user", "create", "--email", email, "--workspace", workspace.slug]

    assert_one_line_error(leadflow(*base, "--password", "short"), "at least 8 characters")
    assert leadflow(*base, "--password", "long enough").exit_code == 0
    assert_one_line_error(leadflow(*base, "--password", "long enough"), "already exists")
    missing = ["user", "create", "--email", "x@example.com", "--password", "long enough"]
    assert_one_line_error(leadflow(*missing, "--workspace", unique("missing-")), "not found")


def test_user_password_is_prompted_and_ends_every_session(client, session):
    email = make_person(make_workspace(session))
    Browser(client, email)
    copied = client.cookies[COOKIE]

    result = runner.invoke(
        cli.app, ["user", "password", "--email", email.upper()],
        input="a new passphrase\na new passphrase\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "a new passphrase" not in result.stdout
    assert f"password changed for {email.upper()}; 1 session ended" in result.stdout
    session.expire_all()
    user = session.scalars(select(User).where(User.email == email)).one()
    assert verify_password(user.password_hash, "a new passphrase")
    client.cookies.set(COOKIE, copied)
    assert client.get("/board", follow_redirects=False).status_code == 303


def test_user_password_mistakes_are_one_line_errors(session):
    email = make_person(make_workspace(session))
    short = runner.invoke(cli.app, ["user", "password", "--email", email], input="short\nshort\n")
    assert short.exit_code == 1
    assert "at least 8 characters" in short.stderr
    nobody = ["user", "password", "--email", "nobody@example.com", "--password", "long enough"]
    assert_one_line_error(leadflow(*nobody), "no user with email")


def test_user_signout_everywhere_ends_every_session(client, second_client, session):
    email = make_person(make_workspace(session))
    Browser(client, email)
    Browser(second_client, email)
    copies = [client.cookies[COOKIE], second_client.cookies[COOKIE]]

    result = leadflow("user", "signout-everywhere", "--email", email)
    assert result.exit_code == 0, result.output
    assert f"{email} is signed out everywhere; 2 sessions ended" in result.stdout
    for copied in copies:
        client.cookies.set(COOKIE, copied)
        assert client.get("/board", follow_redirects=False).status_code == 303
    assert_one_line_error(
        leadflow("user", "signout-everywhere", "--email", "nobody@example.com"), "no user"
    )


# --- import and export -----------------------------------------------------------------------

ROWS = [
    ("ann@example.com", "Ann Lee", "(415) 555-2601"),
    ("bad-email", "Bad Row", ""),
    ("ANN@example.com", "Ann Lee", "+1 415 555 2601"),
    ("bob@example.com", '=HYPERLINK("http://x")', ""),
]


def test_import_ends_with_one_json_line(session, tmp_path):
    workspace = make_workspace(session)
    path = write(tmp_path, table(("Email", "Name", "Phone"), ROWS))

    result = leadflow("import", str(path), "--workspace", workspace.slug)

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(report) == {"rows", "created", "merged", "rejected", "scored", "score_failed"}
    assert report["created"] + report["merged"] + report["rejected"] == report["rows"]
    assert report == {
        "rows": 4, "created": 2, "merged": 1, "rejected": 1, "scored": 2, "score_failed": 0,
    }  # fmt: skip
    assert "columns:" in result.stderr  # the mapping is shown, on stderr
    assert "2 new leads scored" in result.stderr
    session.expire_all()
    assert len(leads(session, workspace.id)) == 2


def test_import_names_its_rejected_rows_on_stderr(session, tmp_path):
    workspace = make_workspace(session)
    path = write(tmp_path, table(("Email", "Name", "Phone"), ROWS))

    result = leadflow("import", str(path), "--workspace", workspace.slug)

    rejected = [line for line in result.stderr.splitlines() if line.strip().startswith("line ")]
    assert len(rejected) == 1
    assert "--errors-out" in result.stderr


def test_a_dry_run_import_prints_the_counts_and_changes_nothing(session, tmp_path):
    workspace = make_workspace(session)
    path = write(tmp_path, table(("Email", "Name", "Phone"), ROWS))

    result = leadflow("import", str(path), "--workspace", workspace.slug, "--dry-run")

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {
        "rows": 4, "created": 2, "merged": 1, "rejected": 1, "scored": 0, "score_failed": 0,
    }  # fmt: skip
    session.expire_all()
    assert leads(session, workspace.id) == []


def test_import_into_an_unknown_workspace_is_a_one_line_error(session, tmp_path):
    slug = unique("missing-")
    path = write(tmp_path, table(("Email",), [("ann@example.com",)]))
    jobs = select(func.count()).select_from(ImportJob)
    before = session.scalar(jobs)

    result = leadflow("import", str(path), "--workspace", slug)

    assert_one_line_error(result, f"workspace '{slug}' not found")
    assert session.scalar(jobs) == before


def test_import_of_a_missing_file_is_a_usage_error(tmp_path):
    result = leadflow("import", str(tmp_path / "nope.csv"), "--workspace", "whatever")

    assert result.exit_code == 2
    assert "doesnotexist" in "".join(result.output.replace("│", " ").split())  # rich boxes it


def test_export_to_stdout(session):
    workspace = make_workspace(session)
    make_lead(session, workspace, email="ann@example.com", first_name="Ann", phone="415 555 2601")
    make_lead(session, workspace, email="eve@example.com", first_name="=cmd", last_name="@x")

    result = leadflow("export", "--workspace", workspace.slug)

    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert [(r["Email"], r["First Name"], r["Last Name"], r["Phone"]) for r in rows] == [
        ("ann@example.com", "Ann", "", "'+14155552601"),
        ("eve@example.com", "'=cmd", "'@x", ""),
    ]


def test_export_of_an_unknown_workspace_is_a_one_line_error():
    slug = unique("missing-")

    assert_one_line_error(leadflow("export", "--workspace", slug), f"workspace '{slug}' not found")


def test_a_user_with_a_malformed_email_is_a_one_line_error(session):
    workspace = make_workspace(session)
    result = leadflow(
        "user", "create", "--email", "not an email", "--password", "long-enough-1",
        "--workspace", workspace.slug,
    )  # fmt: skip
    assert_one_line_error(result, "not an email address")


def test_a_workspace_name_too_long_is_a_one_line_error(session):
    result = leadflow("workspace", "create", unique("ws-"), "--name", "x" * 201)
    assert_one_line_error(result, "1-200 characters")
