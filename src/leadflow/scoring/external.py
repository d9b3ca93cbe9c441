"""An external scorer: the workspace's own stackAI flow, asked what it makes of a lead.

A workspace connects its deployed flow (``PUT /api/v1/connections/stackai``). The qualifying
stage then asks it for a probability and a few short reasons (the flow sits behind the LLM
interface: it answers within our schema, after one repair, or not at all) and keeps the answer
on the lead's timeline; the verdict blends it in like the predictive model's view, its share of
the score one reason in the flow's words. Whatever goes wrong (a timeout, an answer outside the
schema, the provider's breaker open), the failure is kept instead, and the verdict is made
without the flow and says nothing of it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Annotated, Any

import structlog
from pydantic import BaseModel, ConfigDict, Field

from leadflow.integrations.llm import LLM, UNTRUSTED_NOTE, LLMFailed, untrusted
from leadflow.scoring.verdict import ExternalView

log = structlog.get_logger()

PROVIDER = "stackai"  # the connection's slug
SCORER = "the stackAI flow"  # as a reason names it
ACTIVITY = "score.external"  # the answer (or the failure) on the lead's timeline
# What the flow is shown of a lead: what a salesperson would weigh, not how to reach them.
SHOWN_FACTS = ("title", "seniority", "company", "website", "industry", "employee_count",
               "annual_revenue", "country", "city", "source")  # fmt: skip


def _one_line(text: str) -> str:
    return " ".join(text.split())


class ExternalScore(BaseModel):
    """What the scorer is asked for."""

    model_config = ConfigDict(extra="ignore")

    probability: float = Field(
        ge=0, le=1, description="How likely the lead is to become a customer, from 0 to 1."
    )
    reasons: list[Annotated[str, Field(min_length=1, max_length=160)]] = Field(
        default_factory=list,
        max_length=3,
        description="At most three short reasons for the probability, in a salesperson's words.",
    )


SYSTEM_PROMPT = f"""\
You score sales leads for a business: how likely this lead is to become a customer.
Read the lead's details and what the lead wrote, then answer with a probability from 0 to 1 and \
at most three short reasons a salesperson can check, each from the lead's own details or words.
{UNTRUSTED_NOTE}"""


def ask(scorer: LLM, facts: Mapping[str, Any], messages: Sequence[str]) -> dict[str, Any]:
    """What the scorer says of the lead, as kept on its timeline: its answer, or why none."""
    try:
        answer = scorer.structured(
            system=SYSTEM_PROMPT, prompt=_prompt(facts, messages), schema=ExternalScore
        ).value
    except LLMFailed as error:
        log.warning("scoring.external_failed", reason=error.reason, error=str(error))
        return {"scorer": scorer.provider, "failed": error.reason}
    except Exception as error:  # a scorer's bug must not stop the lead: it goes on without it
        log.warning("scoring.external_failed", reason="unexpected", error=repr(error))
        return {"scorer": scorer.provider, "failed": "unexpected"}
    reasons = [_one_line(reason) for reason in answer.reasons]
    return {"scorer": scorer.provider, "probability": answer.probability, "reasons": reasons}


def _prompt(facts: Mapping[str, Any], messages: Sequence[str]) -> str:
    known = {name: facts[name] for name in SHOWN_FACTS if facts.get(name) not in (None, "")}
    wrote = "\n".join(
        untrusted(message, label=f"lead_message_{number}")
        for number, message in enumerate(messages, start=1)
    )
    return (
        f"The lead:\n{untrusted(json.dumps(known, default=str), label='lead')}\n\n"
        f"What the lead wrote:\n{wrote or '(nothing)'}"
    )


def view_of(said: Mapping[str, Any]) -> ExternalView | None:
    """The verdict's view of what the scorer said (kept by :func:`ask`); None after a failure."""
    probability = said.get("probability")
    if not isinstance(probability, int | float) or not 0 <= probability <= 1:
        return None
    return ExternalView(SCORER, float(probability), tuple(said.get("reasons") or ()))


def said_in_words(said: Mapping[str, Any]) -> str:
    """What the stage learned, for the lead's pipeline history."""
    view = view_of(said)
    if view is None:
        return f"{SCORER} gave no answer ({said.get('failed', 'unreadable')})"
    return f"{SCORER} rates it {view.probability:.0%}"
