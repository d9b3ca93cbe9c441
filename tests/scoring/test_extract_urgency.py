from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadflow.scoring.extract.urgency import extract_urgency


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("This is urgent!", "high"),
        ("we need it ASAP", "high"),
        ("can you start right away?", "high"),
        ("عاجل لو سمحت", "high"),
        ("نحتاجه بأسرع وقت", "high"),
        ("no rush, just exploring", "low"),
        ("it's not urgent", "low"),
        ("we're just looking for now", "low"),
        ("مو مستعجلين", "low"),
        ("مجرد استفسار", "low"),
        ("we'd like to start soon", "medium"),
        ("قريباً إن شاء الله", "medium"),
        ("no rush on the demo, but the fix is urgent", "high"),
    ],
)
def test_urgency(text: str, level: str) -> None:
    urgency = extract_urgency(text)
    assert urgency is not None
    assert urgency.level == level


def test_no_urgency() -> None:
    assert extract_urgency("Hello, tell me about your pricing") is None


@given(st.text())
def test_never_raises(text: str) -> None:
    extract_urgency(text)


# How real leads said how soon.
@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("no rush", "low"),
        ("not urgent", "low"),
        ("not urgent yet", "low"),
        ("we don't need anything right away", "low"),
        ("just researching for now", "low"),
        ("مو مستعجل", "low"),
        ("مو مستعجلين", "low"),
        ("مب مستعجل", "low"),
        ("ما في عجلة", "low"),
        ("على راحتكم", "low"),
        ("it isn't critical", "low"),
        ("asap", "high"),
        ("urgent", "high"),
        ("today if possible", "high"),
        ("ضروري", "high"),
        ("بأسرع وقت", "high"),
        ("مستعجل", "high"),
        ("we're in a rush", "high"),
        ("not a big deal, but it's urgent", "high"),
    ],
)
def test_how_leads_say_how_soon(text: str, level: str) -> None:
    urgency = extract_urgency(text)
    assert urgency is not None, text
    assert urgency.level == level


URGENT = ["urgent", "right away", "asap", "immediately", "in a hurry", "critical", "مستعجل",
          "مستعجلين", "عاجل", "ضروري", "بأسرع وقت", "فوراً", "عجلة"]  # fmt: skip
NEGATORS = ["not", "no", "don't", "doesn't", "isn't", "never", "مو", "مش", "مب", "ما", "ما في",
            "غير", "ليس", "بدون"]  # fmt: skip
FILLERS = ["", "really", "need it", "need anything", "we", "احنا", "نحتاجه", "هو"]


@given(
    st.sampled_from(["", "Thanks. ", "We like the offer, ", "شكرا، "]),
    st.sampled_from(NEGATORS),
    st.sampled_from(FILLERS),
    st.sampled_from(URGENT),
    st.sampled_from(["", " yet", " for now", " now", " حاليا", "."]),
)
def test_a_negated_urgent_phrase_is_never_high(
    opener: str, negator: str, filler: str, urgent: str, closer: str
) -> None:
    text = f"{opener}{negator} {filler} {urgent}{closer}"
    urgency = extract_urgency(text)
    assert urgency is None or urgency.level != "high", text


@given(
    st.sampled_from(["", "please, ", "we need it ", "نحتاجه ", "الموضوع "]), st.sampled_from(URGENT)
)
def test_an_urgent_phrase_alone_is_high(opener: str, urgent: str) -> None:
    urgency = extract_urgency(f"{opener}{urgent}")
    assert urgency is not None
    assert urgency.level == "high"
