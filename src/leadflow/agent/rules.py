"""The rules engine: the agent's decision without an LLM. In order: the lead's consent words;
a wish to speak to a person; a wish to meet; an answer from the business's own knowledge (the
closest passage in the lead's language, when close enough); a qualifying question for what is
still unknown; otherwise a polite hand-off to a person."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from leadflow.agent.decision import Decision, Learned
from leadflow.agent.templates import JOINS, say
from leadflow.compliance.consent import consent_word
from leadflow.kit.language import Language, language_of
from leadflow.knowledge.search import SearchHit
from leadflow.knowledge.wording import query_words

# A passage this close in meaning answers the question (cosine; unrelated question-passage
# pairs reach 0.33 at the 95th percentile with this model: docs/adr/0008).
ANSWER_COSINE = 0.42
SLOTS = ("service", "budget", "timeline", "location")
_PERSON = re.compile(
    r"\b(human|real person|a person|someone|agent|representative|manager|call me|phone me|"
    r"speak to|talk to)\b|موظف|شخص حقيقي|اتصل بي|اتصلوا|كلمني|أكلم|اكلم",
    re.IGNORECASE,
)
_MEETING = re.compile(
    r"\b(book|schedule|arrange|set up)\s+(a|an|the|my)?\s*(viewing|visit|appointment|meeting|"
    r"call|tour|showing)\b|\b(can|could|may)\s+i\s+(come|visit|see|view)\b"
    r"|\bi\s*(want|would like|'d like)\s+to\s+(visit|see|view|meet|book)\b|\bappointment\b"
    r"|موعد|زيارة|معاينة|احجز|أحجز",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?\u061f])\s+")


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


def decide(turn: Turn) -> Decision:
    consent = consent_word(turn.text)
    if consent is not None:
        return _consent(turn, consent)
    if _PERSON.search(turn.text):
        return _decision(turn, "handoff", say("handoff", turn.language, business=turn.business),
                         reason="asked for a person")  # fmt: skip
    if _MEETING.search(turn.text) and turn.slots:
        slots = JOINS[turn.language].join(turn.slots)
        return _decision(turn, "offer_times", say("offer_times", turn.language, slots=slots),
                         reason="wants to meet")  # fmt: skip
    answer = best_answer(turn)
    question = _next_question(turn)
    if answer is not None:
        hit, text = answer
        reply = text if question is None else f"{text}\n\n{say(question, turn.language)}"
        return _decision(turn, "reply", reply, citations=[hit.chunk_id],
                         reason=f"answered from {hit.source}")  # fmt: skip
    if question is not None:
        return _decision(turn, "ask", say(question, turn.language), reason=f"asked for {question}")
    return _decision(turn, "handoff", say("handoff", turn.language, business=turn.business),
                     reason="no answer in the knowledge base")  # fmt: skip


def best_answer(turn: Turn) -> tuple[SearchHit, str] | None:
    """The closest passage that answers, preferring the lead's language, and its answer."""
    close = [hit for hit in turn.hits if hit.cosine >= ANSWER_COSINE]
    same_language = [hit for hit in close if language_of(hit.text) == turn.language]
    for hit in same_language or close:
        return hit, answer_in(hit, turn.text)
    return None


def answer_in(hit: SearchHit, question: str) -> str:
    """An FAQ's answer; or the one or two sentences of a passage that share most words with
    the question, in the passage's order."""
    if hit.origin == "faq" and "\nA: " in hit.text:
        return hit.text.split("\nA: ", 1)[1].strip()
    sentences = [s.strip() for s in _SENTENCE.split(hit.text.replace("\n", " ")) if s.strip()]
    wanted = set(query_words(question))
    ranked = sorted(
        range(len(sentences)), key=lambda i: -len(wanted & set(query_words(sentences[i])))
    )
    return " ".join(sentences[i] for i in sorted(ranked[:2]))


def _next_question(turn: Turn) -> str | None:
    for slot in SLOTS:
        if slot not in turn.known and slot not in turn.asked and not getattr(turn.learned, slot):
            return f"ask_{slot}"
    return None


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
