"""The rules engine: the agent's decision without an LLM. In order: the lead's consent words;
what else the message wants (a person, a meeting: agent/intents.py); an answer from the
business's own knowledge when one passage answers it confidently (its closest sentence, in the
lead's language where a passage in it is as close); a question it cannot answer confidently is
taken to a person with a promise to come back; otherwise the business's own next qualifying
question; otherwise a polite hand-off to a person."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from leadflow.agent.decision import Decision, Learned
from leadflow.agent.intents import Intent
from leadflow.agent.templates import JOINS, listed, say
from leadflow.compliance.consent import consent_word
from leadflow.kit.language import Language, language_of
from leadflow.knowledge.search import SearchHit, answer_of
from leadflow.workspaces.questions import SLOTS

# When the best passage answers confidently: close in meaning, clearly closer than the next
# one, and among the best keyword matches too. Chosen on two of the answers set's businesses as
# the rule that answers most questions right with at most 5% of questions answered wrongly, and
# checked on the other two (docs/adr/0018).
CONFIDENT_COSINE = 0.39
CONFIDENT_MARGIN = 0.02
CONFIDENT_KEYWORD_RANK = 3
# Arabic words rarely meet their passage's by keyword (broken plurals: سعر, أسعار), so an Arabic
# question or passage stands on its meaning alone when it is this close.
CONFIDENT_ARABIC_COSINE = 0.45
# A passage this short is the answer whole; a longer one gives its closest sentences.
WHOLE_PASSAGE_CHARS = 320
# A passage in the lead's language is preferred while it is this close to the best one.
SAME_LANGUAGE_SLACK = 0.05
_QUESTION = re.compile(
    r"[?\u061f]|^\s*(?:how|what|when|where|which|who|why|do|does|did|is|are|can|could|will|"
    r"would|should|may|any|got)\b|(?:^|\s)(?:كم|هل|متى|وين|اين|أين|ليش|لماذا|كيف|وش|ايش|شو|"
    r"ماذا|فيه|في\s+عندكم|عندكم|تقدرون|ممكن)(?:\s|$)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Turn:
    """What the agent knows when it answers one message."""

    text: str
    business: str
    hits: Sequence[SearchHit] = ()
    known: frozenset[str] = frozenset()  # qualifying slots already known
    asked: frozenset[str] = frozenset()  # slots already asked about in this conversation
    slots: Sequence[str] = ()  # meeting times to offer, already written for the lead
    learned: Learned = field(default_factory=Learned)
    language: Language = "en"
    intent: Intent | None = None
    # The business's own qualifying questions, by slot and language (workspaces/questions.py).
    questions: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    services: Sequence[str] = ()  # the business's names for what it sells


def decide(turn: Turn) -> Decision:
    consent = consent_word(turn.text)
    if consent is not None:
        return _consent(turn, consent)
    if turn.intent == "person":
        return _decision(turn, "handoff", say("handoff", turn.language, business=turn.business),
                         reason="asked for a person")  # fmt: skip
    if turn.intent == "meeting" and turn.slots:
        slots = JOINS[turn.language].join(turn.slots)
        return _decision(turn, "offer_times", say("offer_times", turn.language, slots=slots),
                         reason="wants to meet")  # fmt: skip
    answer = best_answer(turn)
    slot = next_slot(turn)
    question = question_for(turn, slot) if slot else None
    if answer is not None:
        hit, text = answer
        reply = text if question is None else f"{text}\n\n{question}"
        return _decision(turn, "reply", reply, citations=[hit.chunk_id],
                         reason=f"answered from {hit.source}")  # fmt: skip
    if is_question(turn.text):
        return _decision(turn, "handoff", say("check", turn.language, business=turn.business),
                         reason="no confident answer in the knowledge base")  # fmt: skip
    if question is not None:
        return _decision(turn, "ask", question, reason=f"asked for {slot}")
    return _decision(turn, "handoff", say("handoff", turn.language, business=turn.business),
                     reason="nothing left to ask")  # fmt: skip


def is_question(text: str) -> bool:
    return _QUESTION.search(text) is not None


def best_answer(turn: Turn) -> tuple[SearchHit, str] | None:
    """The passage that answers, when one does confidently, and its answer. A passage in the
    lead's language is preferred while it is about as close as the best (a business's English
    and Arabic versions of one answer are twins), and it is judged against the next passage in
    its own language, not against its twin."""
    if not turn.hits:
        return None
    best = turn.hits[0]
    hit = next(
        (h for h in turn.hits
         if language_of(h.text) == turn.language and h.cosine >= best.cosine - SAME_LANGUAGE_SLACK),
        best,
    )  # fmt: skip
    language = language_of(hit.text)
    runner_up = next(
        (h.cosine for h in turn.hits if h is not hit and language_of(h.text) == language), -1.0
    )
    arabic = "ar" in (turn.language, language)
    return (hit, answer_in(hit)) if confident(hit, runner_up, arabic=arabic) else None


def confident(hit: SearchHit, runner_up: float, *, arabic: bool) -> bool:
    if hit.cosine < CONFIDENT_COSINE or hit.cosine - runner_up < CONFIDENT_MARGIN:
        return False
    if hit.keyword_rank is not None and hit.keyword_rank <= CONFIDENT_KEYWORD_RANK:
        return True
    return arabic and hit.cosine >= CONFIDENT_ARABIC_COSINE


def answer_in(hit: SearchHit) -> str:
    """A short passage whole (less a question it opens with); else what search found answers
    in it (an FAQ's answer, the sentences closest to the question)."""
    if hit.origin != "faq":
        text = _without_question(hit.text)
        if len(text) <= WHOLE_PASSAGE_CHARS:
            return text
    return hit.answer or hit.text


def _without_question(text: str) -> str:
    first, _, rest = text.strip().partition("\n")
    if rest.strip() and first.rstrip().endswith(("?", "\u061f")):
        return answer_of(text.strip(), origin="text", span=(0, len(first)))
    return text.strip()


def next_slot(turn: Turn) -> str | None:
    for slot in turn.questions or SLOTS:
        if (
            slot not in turn.known
            and slot not in turn.asked
            and not getattr(turn.learned, slot, "")
        ):
            return slot
    return None


def question_for(turn: Turn, slot: str) -> str:
    """The business's own question for ``slot`` in the lead's language, else ours."""
    own = (turn.questions.get(slot) or {}).get(turn.language)
    if own:
        return own
    if slot == "service" and turn.services:
        services = listed(list(turn.services[:5]), turn.language)
        return say("ask_service_from", turn.language, services=services)
    return say(f"ask_{slot}", turn.language)


def _consent(turn: Turn, word: str) -> Decision:
    if word == "opt_out":
        text = say("opt_out", turn.language, business=turn.business)
        return _decision(turn, "opt_out", text, reason="asked to stop")
    return _decision(turn, "reply", say(word, turn.language, business=turn.business),
                     reason=f"said {word.replace('_', ' ')}")  # fmt: skip


def _decision(
    turn: Turn, action: str, reply: str, *, citations: list[int] | None = None, reason: str = ""
) -> Decision:
    return Decision.model_validate(
        {"action": action, "reply": reply, "language": turn.language, "learned": turn.learned,
         "citations": citations or [], "reason": reason}
    )  # fmt: skip
