"""Conversation qualification: budget, authority, need, timeline, service interest and urgency,
read from what the lead wrote, each with the words it came from.

Two engines give the same ``Qualification``: the rules (``qualify_by_rules``, offline, English
and Arabic) and, where a workspace has one, an LLM that is handed the same model as its
structured-output schema. ``qualify`` asks the LLM and falls back to the rules.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal

import structlog

from leadflow.integrations.llm import UNTRUSTED_NOTE, LLMFailed, untrusted
from leadflow.leads.qualification import (
    Authority,
    Budget,
    Need,
    Qualification,
    Timeline,
    Urgency,
)
from leadflow.scoring.extract.amounts import extract_budget
from leadflow.scoring.extract.dates import extract_timeline
from leadflow.scoring.extract.needs import extract_need
from leadflow.scoring.extract.roles import extract_authority
from leadflow.scoring.extract.services import match_services
from leadflow.scoring.extract.text import fold
from leadflow.scoring.extract.urgency import extract_urgency

if TYPE_CHECKING:
    from leadflow.integrations.llm import LLM

log = structlog.get_logger()
Engine = Literal["llm", "rules"]


def _budget(message: str, current: Budget) -> Budget:
    found = extract_budget(message)
    if found is None:
        return current
    return Budget(
        amount=found.amount, amount_min=found.low, currency=found.currency, evidence=found.evidence
    )


def _authority(message: str, current: Authority) -> Authority:
    found = extract_authority(message)
    if found is None:
        return current
    carried_role = found.role is None and current.role is not None
    carried_decision = found.decision_maker is None and current.decision_maker is not None
    evidence = found.evidence
    if current.evidence and (carried_role or carried_decision):
        evidence = f"{current.evidence} … {found.evidence}"
    return Authority(
        role=current.role if carried_role else found.role,
        decision_maker=current.decision_maker if carried_decision else found.decision_maker,
        evidence=evidence,
    )


def _timeline(message: str, today: date, current: Timeline) -> Timeline:
    found = extract_timeline(message, today=today)
    if found is None:
        return current
    return Timeline(by=found.by, relative=found.relative, evidence=found.evidence)


def _urgency_from(timeline: Timeline, today: date) -> Urgency:
    """Urgency the lead did not state, read from how soon they want it."""
    if timeline.by is None:
        return Urgency()
    days = (timeline.by - today).days
    level: Literal["low", "medium", "high"] = (
        "high" if days <= 7 else "medium" if days <= 45 else "low"
    )
    return Urgency(level=level, evidence=timeline.evidence)


def qualify_by_rules(
    messages: Sequence[str], *, now: datetime, services: Sequence[str] = ()
) -> Qualification:
    """Qualify a conversation by rules, English and Arabic, offline.

    ``messages`` are the lead's own messages, oldest first; a later message overrides what an
    earlier one said, field by field (an authority's role and decision independently; a need
    stated as a wish only fills an empty need). The services named anywhere are all kept.
    ``now`` is when the lead wrote, in their time zone: relative times ("next week") resolve
    against its date. A timeline with no stated urgency gives one: within a week high, within
    45 days medium, later low.
    """
    today = now.date()
    result = Qualification()
    named: set[str] = set()
    stated = Urgency()
    for message in messages:
        result.budget = _budget(message, result.budget)
        result.authority = _authority(message, result.authority)
        need = extract_need(message)
        if need is not None and (need.strong or result.need.text is None):
            result.need = Need(text=need.text, evidence=need.evidence)
        result.timeline = _timeline(message, today, result.timeline)
        urgency = extract_urgency(message)
        if urgency is not None:
            stated = Urgency(level=urgency.level, evidence=urgency.evidence)
        named.update(match_services(message, services))
    result.service_interest = [service for service in services if service in named]
    result.urgency = stated if stated.level else _urgency_from(result.timeline, today)
    return result


SYSTEM_PROMPT = """\
You qualify sales leads for a business. You read the messages a lead wrote and fill in the \
qualification schema: budget, authority, need, timeline, service interest and urgency.

Rules:
- Record only what the lead states; leave a field null when they do not state it. Never guess.
- Every evidence field quotes the lead's own words exactly, in the language they wrote.
- budget.amount is a number (the upper end of a range, its lower end in amount_min); currency \
is an ISO 4217 code (riyals with no country are SAR).
- timeline.by is an ISO date, resolved against today's date given in the message.
- authority is about the writer; decision_maker is false when they must ask someone else.
- service_interest lists only names from the business's services given in the message, \
spelled as given.
- The lead may write in English, Arabic or both.
"""


def _prompt(
    messages: Sequence[str],
    *,
    now: datetime,
    services: Sequence[str],
    untrusted: Callable[..., str],
) -> str:
    listed = "\n".join(f"- {service}" for service in services) or "(none)"
    conversation = "\n".join(
        untrusted(message, label=f"lead_message_{index}")
        for index, message in enumerate(messages, start=1)
    )
    return (
        f"Today's date: {now.date().isoformat()}\n\n"
        f"The business's services:\n{untrusted(listed, label='services')}\n\n"
        f"The lead's messages, oldest first:\n{conversation}"
    )


def _within_workspace(qualification: Qualification, services: Sequence[str]) -> Qualification:
    """Service interest narrowed to the workspace's own names: the model proposes, we decide."""
    by_folded = {fold(service).text.strip(): service for service in services}
    named = {by_folded.get(fold(name).text.strip()) for name in qualification.service_interest}
    kept = [service for service in services if service in named]
    return qualification.model_copy(update={"service_interest": kept})


def qualify(
    messages: Sequence[str],
    *,
    now: datetime,
    services: Sequence[str] = (),
    llm: LLM | None = None,
) -> tuple[Qualification, Engine]:
    """Qualify a conversation with the LLM when one is given, by rules otherwise.

    Returns the qualification and the engine that answered. The LLM gets our system prompt and
    the lead's messages fenced as untrusted data; any failure (``LLMFailed``, the integration
    missing, anything unexpected) falls back to the rules.
    """
    if llm is None:
        return qualify_by_rules(messages, now=now, services=services), "rules"
    try:
        answer = llm.structured(
            system=f"{SYSTEM_PROMPT}\n{UNTRUSTED_NOTE}",
            prompt=_prompt(messages, now=now, services=services, untrusted=untrusted),
            schema=Qualification,
        )
        return _within_workspace(answer.value, services), "llm"
    except LLMFailed as error:
        log.warning("qualification.llm_failed", reason=error.reason, error=str(error))
    except Exception as error:
        log.warning("qualification.llm_failed", reason="unexpected", error=repr(error))
    return qualify_by_rules(messages, now=now, services=services), "rules"


__all__ = [
    "SYSTEM_PROMPT",
    "Authority",
    "Budget",
    "Need",
    "Qualification",
    "Timeline",
    "Urgency",
    "qualify",
    "qualify_by_rules",
]
