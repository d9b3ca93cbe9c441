"""What a transaction asks for that must happen only once it commits (jobs to dispatch, events
to write): held on the session, each item with the savepoint it was asked for in.

SQLAlchemy's session events do not say which transaction they are about: ``after_commit`` also
fires when a savepoint is released, and ``after_rollback`` fires while the transaction that
rolled back is still the session's. These helpers tell the listeners which is which.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, SessionTransaction


def hold(session: Session, key: str, item: Any) -> None:
    if not session.in_transaction():
        session.begin()  # no SQL yet; but now a rollback has a transaction to report
    session.info.setdefault(key, []).append((session.get_nested_transaction(), item))


def take(session: Session, key: str) -> list[Any]:
    """Everything held under ``key``, which is forgotten: the transaction is committing."""
    return [item for _, item in session.info.pop(key, [])]


def committed_for_good(session: Session) -> bool:
    """In ``after_commit``: the whole transaction committed, not just a savepoint."""
    return not session.in_nested_transaction()


def forget(session: Session, rolled_back: SessionTransaction, key: str) -> None:
    """In ``after_soft_rollback``: drops what the rolled-back transaction or savepoint held."""
    held = session.info.get(key)
    if not held:
        return
    if rolled_back.parent is None:
        session.info.pop(key, None)
        return
    session.info[key] = [
        (asked_in, item) for asked_in, item in held if not _within(asked_in, rolled_back)
    ]


def _within(asked_in: SessionTransaction | None, rolled_back: SessionTransaction) -> bool:
    transaction = asked_in
    while transaction is not None:
        if transaction is rolled_back:
            return True
        transaction = transaction.parent
    return False
