"""Every usual wording of "stop contacting me" is an opt-out, in English and Arabic; phrases
that only share its words are not. (Written from how people write, not from the answers set.)"""

from __future__ import annotations

import pytest

from leadflow.compliance.consent import consent_word
from leadflow.compliance.opt_outs import is_opt_out

OPT_OUTS = [
    "STOP", "stop!!", "Stop please", "pls stop texting me", "please stop calling",
    "quit messaging me", "no more texts pls", "dont contact me again",
    "Please don't message me again", "never text this number again", "unsubscribe me",
    "unsub", "opt me out", "take my number off your list thanks", "remove me from ur list",
    "delete my number", "lose my number", "wrong number", "you have the wrong person",
    "leave me alone", "not interested anymore, remove me", "i'm not interested",
    "we went with another vendor, take us off", "STOP sending me this stuff",
    "لا ترسلون لي", "لا عاد ترسل", "لا تتصلون علي", "وقفوا الرسائل", "الغاء الاشتراك",
    "شيلوا رقمي", "احذفوا رقمي من عندكم", "الرقم غلط", "مو مهتم", "ما ابي رسائل",
    "أرجو إيقاف الرسائل", "أرجو عدم التواصل معي مرة أخرى", "اتركوني في حالي",
]  # fmt: skip
NOT_OPT_OUTS = [
    "can you stop by tomorrow?", "don't stop the reminders please",
    "how do i stop the leak in my roof", "what time do you stop working",
    "the agent who sold me the flat said you're good", "my manager wants the price",
    "is it interesting to add a battery?", "ما ترسلون لي السعر؟", "ليش ما يرسلون التقرير",
    "لا توقفون رسايل التذكير، أحتاجها", "ابي موعد بكرة", "وش الاسعار",
]  # fmt: skip


@pytest.mark.parametrize("text", OPT_OUTS)
def test_a_wording_of_stop_is_an_opt_out(text):
    assert is_opt_out(text)
    assert consent_word(text) == "opt_out"


@pytest.mark.parametrize("text", NOT_OPT_OUTS)
def test_a_phrase_that_only_shares_its_words_is_not(text):
    assert not is_opt_out(text)
