"""Sessions on one held connection: what a bulk job's transactions share."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from leadflow.db import get_engine, one_connection
from leadflow.models import Workspace
from tests.builders import make_workspace


def test_sessions_on_one_connection_commit_each_transaction(session):
    workspace = make_workspace(session)
    session.commit()

    with one_connection() as sessions:
        for name in ("first", "second"):
            with sessions.begin() as held:
                held.get(Workspace, workspace.id).name = name
            session.expire_all()
            assert session.scalar(select(Workspace.name).where(Workspace.id == workspace.id)) == (
                name
            )


@pytest.mark.embedded_only
def test_the_held_connection_has_its_own_page_cache_and_gives_it_back(database):
    def cache_kib(driver) -> int:
        return -driver.execute("PRAGMA cache_size").fetchone()[0]

    with get_engine().connect() as connection:
        default = cache_kib(connection.connection.driver_connection)
    with one_connection(sqlite_cache_kib=default * 2) as sessions, sessions() as held:
        driver = held.connection().connection.driver_connection
        assert cache_kib(driver) == default * 2
        held.rollback()
    assert cache_kib(driver) == default  # back in the pool as every other connection is
