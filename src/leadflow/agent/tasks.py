"""The agent's turn, as a job: plan from a read-only session and find the workspace's model (its
own connection, else the platform's, else none: the rules engine), decide with no transaction
open (an LLM may take seconds; over the workspace's quota it is not asked and rules decide), act
in the job's own transaction. Answering twice is recognised: a message the agent has answered
is not answered again."""

from __future__ import annotations

from sqlalchemy.orm import Session

from leadflow.agent import intents, service
from leadflow.db import get_sessionmaker
from leadflow.events.subscriptions import react
from leadflow.models import HandledBy
from leadflow.providers.service import llm_for
from leadflow.worker.registry import Priority, job, warm_up


@job("agent.answer", max_attempts=3, priority=Priority.reply, formerly="agent.tasks.answer")
def answer(session: Session, workspace_id: int, message_id: int) -> None:
    with get_sessionmaker(writes=False)() as reader:
        plan = service.plan_turn(reader, workspace_id, message_id)
        metered = llm_for(reader, workspace_id) if plan is not None else None
    if plan is None:
        return
    decision, engine = service.decide(plan.turn, llm=metered)
    if metered is not None:
        metered.account(session, workspace_id)
    service.act(session, plan, decision, engine)


# Every message a lead writes in a conversation the agent handles is answered by it.
react(
    "message.received", "agent.answer", args=("message_id",),
    when=lambda facts: facts.get("handled_by") == HandledBy.agent,
)  # fmt: skip


@warm_up
def embed_the_intents_examples() -> None:
    intents.examples()
