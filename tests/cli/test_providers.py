"""`leadflow connections`, `leadflow quotas` and `leadflow alerts`: a workspace's own providers,
its limits and budgets, and where its alerts go, from the command line."""

from __future__ import annotations

from typer.testing import CliRunner

from leadflow.cli import app as cli
from leadflow.connections.service import settings_of
from leadflow.models import Workspace
from leadflow.notifications.service import targets
from leadflow.usage.service import list_quotas
from tests.builders import make_workspace

runner = CliRunner()


def leadflow(*args: str, input: str | None = None):
    return runner.invoke(cli.app, list(args), input=input)


def test_a_mail_server_is_connected_listed_and_removed(session):
    workspace = make_workspace(session)
    slug = workspace.slug
    connected = leadflow(
        "connections", "set", "-w", slug, "smtp", "host=smtp.acme.example.com", "port=2525",
        "from_address=Acme <sales@acme.example.com>", "username=sales", "password=-",
        input="mail-secret-1\n",
    )  # fmt: skip
    assert connected.exit_code == 0, connected.output
    assert "mail-secret-1" not in connected.output
    stored = settings_of(session, workspace.id, "smtp")
    assert (stored.port, stored.password.get_secret_value()) == (2525, "mail-secret-1")

    listed = leadflow("connections", "list", "-w", slug)
    assert any(line.split()[:2] == ["smtp", "connected"] for line in listed.output.splitlines())
    assert any(line.split()[:2] == ["anthropic", "-"] for line in listed.output.splitlines())

    assert leadflow("connections", "remove", "-w", slug, "smtp").exit_code == 0
    session.expire_all()
    assert settings_of(session, workspace.id, "smtp") is None
    refused = leadflow("connections", "set", "-w", slug, "smtp", "host=")
    assert refused.exit_code == 1
    assert "not valid" in refused.output


def test_limits_and_budgets_are_set_listed_and_lifted(session):
    workspace = make_workspace(session)
    budget = leadflow("quotas", "set", "-w", workspace.slug, "cost", "--limit", "12.50",
                      "--alert", "75")  # fmt: skip
    tokens = leadflow("quotas", "set", "-w", workspace.slug, "llm_tokens", "--limit", "200000",
                      "--period", "day", "--provider", "anthropic", "--no-alert")  # fmt: skip
    assert (budget.exit_code, tokens.exit_code) == (0, 0), budget.output + tokens.output

    quotas = [(q.metric, q.period, q.provider, q.limit, q.alert_percent)
              for q in list_quotas(session, workspace.id)]  # fmt: skip
    assert quotas == [("cost", "month", None, 12_500_000, 75),
                      ("llm_tokens", "day", "anthropic", 200_000, None)]  # fmt: skip
    listed = leadflow("quotas", "list", "-w", workspace.slug).output
    assert "cost per month on every provider: $0.00 of $12.50 (alert at 75%)" in listed
    assert "llm_tokens per day on anthropic: 0 of 200,000 (no alert)" in listed

    assert leadflow("quotas", "set", "-w", workspace.slug, "sms", "--limit", "1.5").exit_code == 1
    lifted = leadflow("quotas", "lift", "-w", workspace.slug, "llm_tokens", "--provider",
                      "anthropic")  # fmt: skip
    assert lifted.exit_code == 0
    assert [q.metric for q in list_quotas(session, workspace.id)] == ["cost"]


def test_alert_targets_are_set_and_shown(session):
    workspace = make_workspace(session)
    done = leadflow("alerts", "set", "-w", workspace.slug, "--email", "ops@homes.sa",
                    "--email", "sales@homes.sa", "--sms", "+966500000001")  # fmt: skip
    assert done.exit_code == 0, done.output
    session.expire_all()
    chosen = targets(session.get(Workspace, workspace.id))
    assert chosen.emails == ("ops@homes.sa", "sales@homes.sa")
    assert chosen.sms_number == "+966500000001"
    shown = leadflow("alerts", "show", "-w", workspace.slug).output
    assert "email: ops@homes.sa, sales@homes.sa" in shown
    refused = leadflow("alerts", "set", "-w", workspace.slug, "--email", "nobody")
    assert refused.exit_code == 1
