"""What the agent may do, decided by code, whatever proposed the decision (OWASP LLM: excessive
agency, prompt injection). A decision keeps its action only if the action is one of the seven
and possible here; cites only passages it was given; and says no address, number or link that
neither the knowledge it was given nor the business's own details hold. A reply that repeats
our instructions is not sent: the rules engine answers instead."""

from __future__ import annotations

import re
from collections.abc import Iterable

from leadflow.agent.decision import MAX_REPLY_CHARS, Decision
from leadflow.agent.rules import Turn

# Written into the LLM's instructions and nowhere else: a reply holding it leaked them.
CANARY = "lf-7c1e-do-not-repeat"
_CONTACTS = re.compile(
    r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.-]+|\+?\d[\d\s().-]{6,}\d", re.IGNORECASE
)
REMOVED = "[removed]"


class InstructionsLeaked(Exception):
    """The proposed reply repeats the agent's instructions."""


def enforce(decision: Decision, turn: Turn, *, can_book: bool = False) -> Decision:
    if CANARY in decision.reply.casefold():
        raise InstructionsLeaked("the reply repeats the agent's instructions")
    given = {hit.chunk_id for hit in turn.hits}
    action = decision.action
    if action == "book" and not can_book:
        action = "offer_times" if turn.slots else "handoff"
    vouched = [hit.text for hit in turn.hits] + [turn.business, turn.text]
    return decision.model_copy(
        update={
            "action": action,
            "citations": [c for c in decision.citations if c in given],
            "reply": clipped(_scrubbed(decision.reply, vouched)),
        }
    )


def _scrubbed(reply: str, vouched: Iterable[str]) -> str:
    known = " ".join(vouched)
    digits = re.sub(r"\D", "", known)

    def keep_if_vouched(found: re.Match[str]) -> str:
        text = found.group()
        if text in known:
            return text
        number = re.sub(r"\D", "", text)
        if number and len(number) >= 7 and number in digits and not re.search(r"[@/]", text):
            return text
        return REMOVED

    return _CONTACTS.sub(keep_if_vouched, reply)


def clipped(text: str, limit: int = MAX_REPLY_CHARS) -> str:
    """At most ``limit`` characters, cut after a sentence where one ends late enough."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    end = max(cut.rfind(". "), cut.rfind("؟ "), cut.rfind("? "), cut.rfind("! "))
    return cut[: end + 1] if end > limit // 2 else cut.rstrip() + "…"
