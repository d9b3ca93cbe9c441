"""The agent's turn: plan it from what is stored (read only), decide (the LLM when the platform
has one, else the rules engine; the policy either way), then act in one write: the reply
queued for its channel, what was learned kept on the lead, the lead rescored (a lead turning
hot is announced), a hand-off announced."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy.orm import Session

from leadflow.agent import intents, policy, rules
from leadflow.agent.decision import Decision, Learned
from leadflow.agent.hours import meeting_slots, spoken, working_days
from leadflow.agent.llm import decide_with
from leadflow.agent.rules import Turn
from leadflow.compliance import consent
from leadflow.conversations import repository as conversations
from leadflow.conversations.service import is_verified, queue_outgoing
from leadflow.events.service import record
from leadflow.integrations.llm.base import LLMFailed
from leadflow.kit.language import Language, language_of
from leadflow.knowledge.search import query_vector, search
from leadflow.leads.qualification import QualificationSource, claim
from leadflow.models import (
    ConsentStatus,
    Conversation,
    HandledBy,
    Lead,
    Message,
    MessageAuthor,
    MessageDirection,
    Workspace,
)
from leadflow.models.base import utcnow
from leadflow.scoring.qualification import Qualification, qualify_by_rules
from leadflow.workspaces.questions import SLOTS, qualifying_questions, services

log = structlog.get_logger()
RETRIEVED = 5


@dataclass(frozen=True)
class Plan:
    workspace_id: int
    message_id: int
    conversation_id: int
    turn: Turn
    services: tuple[str, ...]


def plan_turn(session: Session, workspace_id: int, message_id: int) -> Plan | None:
    """What the agent needs to answer the message; None when it should not answer."""
    message = conversations.message(session, workspace_id, message_id)
    if message is None or message.direction != MessageDirection.inbound:
        return None
    if conversations.reply_to(session, message.id) is not None:
        return None  # answered already
    conversation = session.get(Conversation, message.conversation_id)
    lead = session.get(Lead, message.lead_id)
    workspace = session.get(Workspace, workspace_id)
    if conversation is None or lead is None or workspace is None:
        return None
    if conversation.handled_by != HandledBy.agent:
        return None
    return Plan(workspace_id, message.id, conversation.id,
                _turn(session, message, conversation, lead, workspace),
                tuple(services(workspace)))  # fmt: skip


def _turn(
    session: Session, message: Message, conversation: Conversation, lead: Lead, workspace: Workspace
) -> Turn:
    language: Language = language_of(message.body)
    hits = search(
        session, workspace_id=workspace.id, query=message.body, limit=RETRIEVED, threshold=0
    )
    intent = intents.read(message.body, query_vector(message.body))
    days = working_days(workspace.settings or {}, workspace.default_region)
    slots = meeting_slots(utcnow(), zone=workspace.time_zone or "UTC", days=days)
    asked = {str(d.get("asked")) for d in conversations.agent_decisions(session, conversation.id)}
    return Turn(
        text=message.body, business=workspace.name, hits=hits,
        known=_known(session, lead, conversation, services(workspace)),
        asked=frozenset(asked - {"None"}), slots=[spoken(s, language) for s in slots],
        learned=_learned(message.body, services(workspace)), language=language,
        intent=intent, questions=qualifying_questions(workspace),
        services=tuple(services(workspace)),
    )  # fmt: skip


def _known(
    session: Session, lead: Lead, conversation: Conversation, services: list[str]
) -> frozenset[str]:
    """What the lead has told already. In a conversation whose sender anyone could claim (web
    chat), only what was said in it: the agent's questions must not reveal what the lead said
    elsewhere."""
    if is_verified(conversation):
        return _known_from(lead.qualification or {}, city=lead.city)
    written = conversations.lead_messages(session, conversation.id)
    own = qualify_by_rules(written, now=utcnow(), services=services)
    return _known_from(own.model_dump(mode="json"), city=None)


def _known_from(qualification: dict[str, Any], *, city: str | None) -> frozenset[str]:
    known = set()
    if (qualification.get("budget") or {}).get("amount") is not None:
        known.add("budget")
    timeline = qualification.get("timeline") or {}
    if timeline.get("by") or timeline.get("relative"):
        known.add("timeline")
    if qualification.get("service_interest") or (qualification.get("need") or {}).get("text"):
        known.add("service")
    if city:
        known.add("location")
    return frozenset(known)


def _learned(text: str, services: list[str]) -> Learned:
    found = qualify_by_rules([text], now=utcnow(), services=services)
    return Learned(
        budget=(found.budget.evidence or "")[:200],
        timeline=(found.timeline.evidence or "")[:200],
        service=", ".join(found.service_interest)[:200],
    )


def decide(turn: Turn, *, llm: Any = None) -> tuple[Decision, str]:
    """The decision and the engine that made it, within policy whichever it was."""
    if llm is not None:
        try:
            return policy.enforce(decide_with(llm, turn), turn), "llm"
        except (LLMFailed, policy.InstructionsLeaked) as failure:
            log.warning("agent.llm_fell_back", reason=str(failure)[:200])
    return policy.enforce(rules.decide(turn), turn), "rules"


def act(session: Session, plan: Plan, decision: Decision, engine: str) -> Message | None:
    """Carries the decision out in the caller's transaction; the reply goes out by a job."""
    message = conversations.message(session, plan.workspace_id, plan.message_id)
    conversation = session.get(Conversation, plan.conversation_id)
    if message is None or conversation is None or conversations.reply_to(session, message.id):
        return None
    if conversation.handled_by != HandledBy.agent:
        return None  # taken over while the agent was thinking
    lead = session.get(Lead, message.lead_id)
    assert lead is not None
    _keep_what_was_learned(session, lead, conversation, plan.services)
    if decision.action == "opt_out":
        consent.record(
            session, lead, ConsentStatus.denied, source=f"agent, on message {message.id}",
            actor=f"agent:{engine}", channel=conversation.channel, words=message.body,
        )  # fmt: skip
    if decision.action == "handoff":
        _hand_off(session, conversation, decision)
    reply = queue_outgoing(
        session, conversation, decision.reply, author=MessageAuthor.agent, replying_to=message,
        decision={**decision.model_dump(mode="json"), "engine": engine,
                  "asked": _asked(plan.turn, decision)},
        citations=_citations(plan.turn, decision), language=decision.language,
    )  # fmt: skip
    record(session, plan.workspace_id, "agent.decided", lead_id=lead.id,
           message_id=message.id, action=decision.action, engine=engine)  # fmt: skip
    return reply


def _asked(turn: Turn, decision: Decision) -> str | None:
    for slot in turn.questions or SLOTS:
        if decision.reply.endswith(rules.question_for(turn, slot)):
            return slot
    return None


def _citations(turn: Turn, decision: Decision) -> list[dict[str, object]]:
    by_id = {hit.chunk_id: hit for hit in turn.hits}
    return [
        {"chunk_id": hit.chunk_id, "document_id": hit.document_id, "source": hit.source,
         "position": hit.position, "similarity": hit.similarity}
        for chunk_id in decision.citations if (hit := by_id.get(chunk_id)) is not None
    ]  # fmt: skip


def _keep_what_was_learned(
    session: Session, lead: Lead, conversation: Conversation, services: tuple[str, ...]
) -> None:
    """Qualifies the lead again from everything they wrote here; scoring reacts to it."""
    written = conversations.lead_messages(session, conversation.id)
    found: Qualification = qualify_by_rules(written, now=utcnow(), services=list(services))
    changed = claim(
        lead, QualificationSource.conversation, found.model_dump(mode="json"), by="agent:rules"
    )
    record(
        session, lead.workspace_id, "lead.qualified", lead_id=lead.id,
        conversation_id=conversation.id, changed=changed,
    )  # fmt: skip


def _hand_off(session: Session, conversation: Conversation, decision: Decision) -> None:
    conversation.handled_by = HandledBy.person
    record(session, conversation.workspace_id, "conversation.handoff",
           lead_id=conversation.lead_id, conversation_id=conversation.id,
           channel=conversation.channel, reason=decision.reason)  # fmt: skip
