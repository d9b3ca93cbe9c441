"""A small, realistic knowledge base: a Riyadh real-estate agency's FAQs and its brochure (the
demo workspace's, src/leadflow/demo/demo_knowledge.json), and questions a lead might ask,
each worded unlike the passage that answers it, with the passage that answers it (an FAQ's
question, or a brochure section's heading)."""

from __future__ import annotations

import json

from leadflow.demo import DEMO_KNOWLEDGE

_DEMO = json.loads(DEMO_KNOWLEDGE.read_text(encoding="utf-8"))
AGENCY_FAQS: list[tuple[str, str]] = [(faq["question"], faq["answer"]) for faq in _DEMO["faqs"]]
BROCHURE_TITLE: str = _DEMO["documents"][0]["title"]
BROCHURE: str = _DEMO["documents"][0]["markdown"]

# (question as a lead writes it, the FAQ question or brochure heading of the passage that answers)
QUESTIONS: list[tuple[str, str]] = [
    ("when are you open", "What are your office hours?"),
    ("are you open on friday?", "What are your office hours?"),
    ("what time do you close on saturday", "What are your office hours?"),
    ("what's your address", "Where is your office located?"),
    ("how do I find your office, is there parking", "Where is your office located?"),
    ("how much is a villa with three bedrooms", "How much does a three-bedroom villa cost?"),
    ("price of a 3 bed villa in Al Malqa?", "How much does a three-bedroom villa cost?"),
    ("I'm looking for a flat to rent for a year", "Do you offer apartments for rent?"),
    (
        "how much is the yearly rent for a one-bedroom apartment",
        "Do you offer apartments for rent?",
    ),
    ("what is the payment plan for off-plan units", "Can I pay in installments?"),
    ("can I spread the payments over the construction period", "Can I pay in installments?"),
    ("which banks do you work with for a home loan", "Do you help with mortgage financing?"),
    ("I'm a first-time buyer, can I use Sakani", "Do you help with mortgage financing?"),
    (
        "I'm an expat with an iqama, am I allowed to buy a home",
        "Can foreigners buy property in Saudi Arabia?",
    ),
    ("can a non-Saudi own a house here", "Can foreigners buy property in Saudi Arabia?"),
    ("I'd like to see the property, how do I arrange it", "How do I book a viewing?"),
    ("can I come see the house tomorrow", "How do I book a viewing?"),
    ("can I walk into the model home without an appointment", "Is there a show villa I can visit?"),
    ("when will Hittin Gardens be ready", "What is the handover date for Hittin Gardens?"),
    ("when do I get the keys for phase two", "What is the handover date for Hittin Gardens?"),
    ("what am I paying for with the yearly community fee", "What does the service charge cover?"),
    ("how much are the maintenance fees per square metre", "What does the service charge cover?"),
    ("what guarantee do you give on the construction", "Do the villas come with a warranty?"),
    ("how many years is the structural guarantee", "Do the villas come with a warranty?"),
    (
        "what percentage do you charge to sell my house",
        "What is your commission for selling my property?",
    ),
    (
        "I live overseas, can you rent out and look after my villa",
        "Can you manage my property while I live abroad?",
    ),
    ("can I keep my dog in the compound", "Are pets allowed in your compounds?"),
    ("what size is the land for the Al Malqa villas", "How large are the plots in Al Malqa?"),
    (
        "are there international schools close to Al Yasmin",
        "Is there a school near the Al Yasmin project?",
    ),
    ("which papers should I bring to purchase", "What documents do I need to buy?"),
    ("do I get my deposit back if I change my mind", "Is the booking deposit refundable?"),
    ("does the house have home automation", "Do you build smart homes?"),
    ("is there a charger for my electric car", "Do you build smart homes?"),
    ("I need an office for my business", "Do you sell commercial space?"),
    ("can I choose the kitchen and flooring", "Can I customise the finishes?"),
    (
        "do I get a better price if I pay the full amount upfront",
        "Is there a discount for paying cash?",
    ),
    ("how many weeks until the purchase is complete", "How long does the buying process take?"),
    ("do your agents speak Urdu", "Do you speak English?"),
    ("is there a swimming pool and a gym", "What amenities does the compound have?"),
    ("who fixes things after I move in", "Is maintenance included after handover?"),
    ("can I flip my off-plan unit before completion", "Can I sell my unit before handover?"),
    (
        "what is the cost per sqm of a flat in Al Sahafa",
        "What is the price per square metre for apartments?",
    ),
    ("can I see the home over a video call", "Do you arrange virtual tours?"),
    ("how many bedrooms do the Hittin Gardens villas have", "The homes"),
    ("is there a room for a driver and a maid", "The homes"),
    ("are there parks and trees in the community", "Green spaces"),
    ("will my electricity bill be lower", "Sustainability"),
    ("is there public transport to the metro", "Getting around"),
    ("how far is it from the airport", "Hittin Gardens: family living in north Riyadh"),
    ("is the community secure with guards at night", "Safety"),
    ("are there cameras in the shared areas", "Safety"),
    ("كم سعر الفيلا؟", "ما هي أسعار الفلل؟"),
    ("بكم الفلل عندكم", "ما هي أسعار الفلل؟"),
    ("متى تفتحون؟", "ما هي مواعيد عمل المكتب؟"),
    ("هل المكتب مفتوح يوم السبت", "ما هي مواعيد عمل المكتب؟"),
    ("أبغى أقسط المبلغ", "هل يمكن الدفع بالتقسيط؟"),
    ("أحتاج قرض من البنك لشراء بيت", "هل تساعدون في التمويل العقاري؟"),
]
