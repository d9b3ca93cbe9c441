"""Migration 0012 on a database written by the version before: what a lead's qualification
said becomes the conversation's claims, and the web chat stored as "web" is "chat"."""

from __future__ import annotations

import json
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, text

from leadflow.migrations.runner import alembic_config

NOW = "2026-12-01 10:00:00.000000"
OLD_QUALIFICATION = {
    "budget": {"amount": "2000000", "amount_min": None, "currency": "SAR", "evidence": "2M"},
    "authority": {"role": None, "decision_maker": None, "evidence": None},
    "need": {"text": None, "evidence": None},
    "timeline": {"by": None, "relative": "next month", "evidence": "next month"},
    "service_interest": ["Buy"],
    "urgency": {"level": None, "evidence": None},
    "engine": "llm",
}


def _upgrade(engine, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def _rows_of_the_version_before(connection) -> None:
    connection.execute(
        text(
            "INSERT INTO workspace (id, slug, name, default_region, time_zone, form_token, "
            "settings, created_at, updated_at) VALUES (1, 'w', 'W', 'SA', 'UTC', 't', '{}', "
            ":now, :now)"
        ),
        {"now": NOW},
    )
    for lead_id, qualification in ((1, OLD_QUALIFICATION), (2, {})):
        connection.execute(
            text(
                "INSERT INTO lead (id, workspace_id, origin, stage, consent_status, "
                "custom_fields, qualification, created_at, updated_at) VALUES (:id, 1, 'api', "
                "'harvested', 'unknown', '{}', :q, :now, :now)"
            ),
            {"id": lead_id, "q": json.dumps(qualification), "now": NOW},
        )
    connection.execute(
        text(
            "INSERT INTO conversation (id, workspace_id, lead_id, channel, address, handled_by, "
            "created_at, updated_at) VALUES (1, 1, 1, 'web', 'a@b.c', 'agent', :now, :now)"
        ),
        {"now": NOW},
    )
    connection.execute(
        text(
            "INSERT INTO message (id, workspace_id, conversation_id, lead_id, direction, author, "
            "channel, body, status, created_at, updated_at) VALUES (1, 1, 1, 1, 'in', 'lead', "
            "'web', 'hi', 'received', :now, :now)"
        ),
        {"now": NOW},
    )


def test_qualifications_become_claims_and_web_becomes_chat(tmp_path: Path):
    engine = create_engine(f"sqlite:///{tmp_path / 'before.db'}")
    _upgrade(engine, "0010")
    with engine.begin() as connection:
        _rows_of_the_version_before(connection)

    _upgrade(engine, "0012")

    with engine.connect() as connection:
        leads = connection.execute(
            text("SELECT id, qualification, qualification_claims FROM lead ORDER BY id")
        ).all()
        channels = [
            connection.scalar(text(f"SELECT channel FROM {name}"))
            for name in ("conversation", "message")
        ]
    (_, merged, claims), (_, empty, no_claims) = leads
    merged, claims = json.loads(merged), json.loads(claims)
    assert set(merged) == {"budget", "timeline", "service_interest"}  # what it stated, no engine
    assert merged["budget"]["amount"] == "2000000"
    stated = claims["conversation"]
    assert set(stated) == set(merged)
    assert stated["budget"]["by"] == "llm"
    assert stated["budget"]["at"].startswith("2026-12-01T10:00:00")
    assert (json.loads(empty), json.loads(no_claims)) == ({}, {})
    assert channels == ["chat", "chat"]
    engine.dispose()
