"""What a message wants beyond an answer, by rules and by meaning, in English and Arabic, with
the negatives that share the intents' words."""

from __future__ import annotations

import pytest

from leadflow.agent import intents

CASES = [
    ("take me off your list", "opt_out"),
    ("can I talk to a real person please", "person"),
    ("are you a bot?", "person"),
    ("get me your sales manager", "person"),
    ("ابي اكلم موظف", "person"),
    ("حولني على المسؤول لو سمحت", "person"),
    ("can i book an inspection for thursday 6pm?", "meeting"),
    ("fit me in this week?", "meeting"),
    ("can your engineer come tomorrow", "meeting"),
    ("call me tomorrow after 4", "meeting"),
    ("ابي احجز موعد", "meeting"),
    ("نبي نحجز عرض توضيحي يوم الأربعاء", "meeting"),
    ("the agent who sold me the flat recommended you", None),
    ("my manager wants the price first", None),
    ("how far in advance do I need to book?", None),
    ("what happens if I cancel my appointment", None),
    ("can a real engineer check the roof?", None),
    ("كم السعر؟", None),
]


@pytest.mark.parametrize(("text", "intent"), CASES)
def test_the_intent_of_a_message(text, intent):
    assert intents.read(text) == intent


def test_an_intent_by_meaning_needs_a_lead_over_the_negatives(monkeypatch):
    labels, matrix = intents.examples()
    person = matrix[labels.index("person")]
    assert intents._by_meaning(person) == "person"  # an example itself
    negative = matrix[labels.index("none")]
    assert intents._by_meaning(negative) is None
