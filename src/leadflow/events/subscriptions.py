"""Reactions by event: a domain declares what it does when something happens, and writing the
event enqueues those jobs in the same transaction. No domain calls into another to make it
react; the event log is the only thing both know.

    react("message.received", "agent.answer", args=("message_id",))

Declarations live beside the jobs they name, in modules that ``leadflow.catalogue`` loads at
every composition root. A watcher sees every event written, in the writing transaction: for
work that is cheap and must not wait for a job (the webhooks' fan-out, the metrics).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from leadflow.models import Event
from leadflow.worker import enqueue

Facts = Mapping[str, Any]  # an event's data, with its lead_id and event_id
Watcher = Callable[[Session, Sequence[Event]], None]


@dataclass(frozen=True)
class Reaction:
    event_type: str
    job: str
    args: tuple[str, ...]  # the facts the job takes after the workspace's id
    when: Callable[[Facts], bool] | None = None


REACTIONS: dict[str, list[Reaction]] = {}
WATCHERS: list[Watcher] = []


def react(
    event_type: str,
    job: str,
    *,
    args: tuple[str, ...] = ("lead_id",),
    when: Callable[[Facts], bool] | None = None,
) -> None:
    """Whenever ``event_type`` is written (and ``when`` says so), enqueue ``job`` with the
    event's workspace id and its ``args`` facts (its data, ``lead_id`` and ``event_id``)."""
    declared = REACTIONS.setdefault(event_type, [])
    reaction = Reaction(event_type, job, args, when)
    if all(known.job != job for known in declared):
        declared.append(reaction)


def watch(watcher: Watcher) -> None:
    """Calls ``watcher(session, events)`` with every batch of events written."""
    if watcher not in WATCHERS:
        WATCHERS.append(watcher)


def react_to(session: Session, events: Sequence[Event]) -> None:
    """Enqueues every reaction to ``events``, then lets the watchers see them."""
    for event in events:
        for reaction in REACTIONS.get(event.type, ()):
            facts = {**event.data, "lead_id": event.lead_id, "event_id": event.id}
            if reaction.when is None or reaction.when(facts):
                enqueue(session, reaction.job, event.workspace_id, *_args(reaction, facts))
    for watcher in WATCHERS:
        watcher(session, events)


def _args(reaction: Reaction, facts: Facts) -> list[Any]:
    missing = [name for name in reaction.args if name not in facts]
    if missing:
        raise KeyError(f"{reaction.event_type} has no {', '.join(missing)} for {reaction.job}")
    return [facts[name] for name in reaction.args]
