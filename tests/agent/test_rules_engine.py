"""The rules engine answers only when one passage answers confidently; otherwise it promises to
check and hands the question to a person, or asks the business's own next question."""

from __future__ import annotations

from dataclasses import replace

from leadflow.agent.rules import Turn, decide
from leadflow.knowledge.search import SearchHit

PRICES = SearchHit(
    chunk_id=1, knowledge_base_id=1, document_id=1, source="prices.md", title="Prices",
    origin="text", position=0, page=None,
    text="A flat up to 150 m2 costs SAR 1,200 to inspect. Larger flats cost SAR 1,600.",
    score=0.5, similarity=0.75, cosine=0.5, matched_by=("meaning", "keywords"),
    section="Prices \u203a Flats", answer="A flat up to 150 m2 costs SAR 1,200 to inspect.",
    answer_cosine=0.55, keyword_rank=1,
)  # fmt: skip
BOOKING = replace(PRICES, chunk_id=2, source="booking.md", text="We need two days' notice.",
                  cosine=0.2, keyword_rank=None)  # fmt: skip
QUESTIONS = {
    "service": {"en": "Is it a flat, a villa or a duplex?", "ar": "هل هي شقة أم فيلا أم دوبلكس؟"},
    "timeline": {"en": "When is the handover?", "ar": "متى موعد الاستلام؟"},
}


def turn(text: str, *hits: SearchHit, **more: object) -> Turn:
    return Turn(text=text, business="Mizan", hits=hits, language="en", **more)  # type: ignore[arg-type]


def test_a_confident_passage_is_the_answer_with_the_business_own_next_question():
    decision = decide(turn("how much to check a 140 sqm flat?", PRICES, BOOKING,
                           questions=QUESTIONS))  # fmt: skip
    assert decision.action == "reply"
    assert decision.reply == f"{PRICES.text}\n\nIs it a flat, a villa or a duplex?"
    assert decision.citations == [PRICES.chunk_id]


def test_a_question_with_no_confident_answer_is_taken_to_a_person_with_a_promise():
    for hits in [(), (BOOKING,), (replace(PRICES, keyword_rank=None), BOOKING),
                 (PRICES, replace(BOOKING, cosine=0.49))]:  # fmt: skip
        decision = decide(turn("do you check pools?", *hits, questions=QUESTIONS))
        assert decision.action == "handoff", hits
        assert "check with the team at Mizan" in decision.reply
        assert decision.reason == "no confident answer in the knowledge base"


def test_a_statement_gets_the_business_own_question_not_another_trade_s():
    decision = decide(turn("hello, we got the keys soon", BOOKING, questions=QUESTIONS))
    assert (decision.action, decision.reply) == ("ask", "Is it a flat, a villa or a duplex?")
    asked = decide(turn("hello", asked=frozenset({"service"}), questions=QUESTIONS))
    assert asked.reply == "When is the handover?"
    arabic = decide(replace(turn("مرحبا", questions=QUESTIONS), language="ar"))
    assert arabic.reply == "هل هي شقة أم فيلا أم دوبلكس؟"


def test_without_questions_of_its_own_the_agent_names_the_business_services():
    decision = decide(turn("hello", services=("Flat inspection", "Villa inspection", "Snagging")))
    assert decision.reply == (
        "Which of our services are you interested in: Flat inspection, Villa inspection or "
        "Snagging?"
    )
    assert decide(turn("hello")).reply == "What can we help you with?"


def test_the_answer_in_the_lead_s_language_is_judged_apart_from_its_twin():
    arabic_twin = replace(PRICES, chunk_id=3, text="تكلفة فحص الشقة حتى 150 متر 1,200 ريال.",
                          cosine=0.55, keyword_rank=None)  # fmt: skip
    decision = decide(turn("how much for a flat?", arabic_twin, PRICES, BOOKING))
    assert (decision.action, decision.citations) == ("reply", [PRICES.chunk_id])
