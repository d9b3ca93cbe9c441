"""The agent's turn, as a job: plan from a read-only session, decide with no transaction open
(an LLM may take seconds), act in the job's own transaction. Answering twice is recognised:
a message the agent has answered is not answered again."""

from __future__ import annotations

from sqlalchemy.orm import Session

from leadflow.agent import service
from leadflow.db import get_sessionmaker
from leadflow.events.subscriptions import react
from leadflow.integrations.llm.accounting import Metered
from leadflow.integrations.llm.factory import get_llm
from leadflow.models import HandledBy
from leadflow.worker.registry import Priority, job


@job("agent.answer", max_attempts=3, priority=Priority.reply, formerly="agent.tasks.answer")
def answer(session: Session, workspace_id: int, message_id: int) -> None:
    with get_sessionmaker(writes=False)() as reader:
        plan = service.plan_turn(reader, workspace_id, message_id)
    if plan is None:
        return
    llm = get_llm()
    metered = Metered(llm) if llm is not None else None
    decision, engine = service.decide(plan.turn, llm=metered)
    if metered is not None:
        metered.account(session, workspace_id)
    service.act(session, plan, decision, engine)


# Every message a lead writes in a conversation the agent handles is answered by it.
react(
    "message.received", "agent.answer", args=("message_id",),
    when=lambda facts: facts.get("handled_by") == HandledBy.agent,
)  # fmt: skip
