"""A small, realistic knowledge base: a Riyadh real-estate agency's FAQs and its brochure, and
questions a lead might ask, each worded unlike the passage that answers it, with the passage
that answers it (an FAQ's question, or a brochure section's heading)."""

from __future__ import annotations

AGENCY_FAQS: list[tuple[str, str]] = [
    (
        "What are your office hours?",
        "Our Olaya office is open Sunday to Thursday from 9 am to 6 pm, and Saturday from 10 am to "
        "2 pm. We are closed on Fridays.",
    ),
    (
        "Where is your office located?",
        "We are on the 4th floor of Al Faisaliah Tower, King Fahd Road, Olaya district, Riyadh. "
        "Visitor parking is in basement level B2.",
    ),
    (
        "How much does a three-bedroom villa cost?",
        "Three-bedroom villas in our Al Malqa and Hittin projects start at SAR 1.85 million; "
        "corner plots and villas with a private pool cost from SAR 2.4 million.",
    ),
    (
        "Do you offer apartments for rent?",
        "Yes. We manage furnished and unfurnished apartments for annual leases in Al Nakheel, "
        "Al Yasmin and Al Sahafa, from SAR 45,000 a year for one bedroom.",
    ),
    (
        "Can I pay in installments?",
        "Off-plan units can be paid in installments: 10% on booking, 30% during construction in "
        "quarterly payments, and the rest on handover.",
    ),
    (
        "Do you help with mortgage financing?",
        "Our finance desk works with Al Rajhi Bank, SNB and Riyad Bank to arrange home financing, "
        "including the Sakani programme for first-time Saudi buyers.",
    ),
    (
        "Can foreigners buy property in Saudi Arabia?",
        "Non-Saudi residents with a valid iqama may buy one residential property for their own "
        "use, outside Makkah and Madinah, with approval from the Ministry of Interior.",
    ),
    (
        "How do I book a viewing?",
        "Book a viewing by WhatsApp, by phone or on our website; we confirm within the hour and "
        "can show most homes the same or the next day.",
    ),
    (
        "Is there a show villa I can visit?",
        "The Al Malqa show villa is open daily from 4 pm to 10 pm, including weekends, without "
        "an appointment.",
    ),
    (
        "What is the handover date for Hittin Gardens?",
        "Hittin Gardens phase two is scheduled for handover in the third quarter of 2027; phase "
        "one was delivered in March 2025.",
    ),
    (
        "What does the service charge cover?",
        "The annual service charge of SAR 12 per square metre covers security, landscaping, "
        "cleaning of shared areas, the community gym and waste collection.",
    ),
    (
        "Do the villas come with a warranty?",
        "Structural work is under a 10-year warranty, and electrical, plumbing and air "
        "conditioning systems are under a 2-year warranty from handover.",
    ),
    (
        "What is your commission for selling my property?",
        "Our commission for resale listings is 2.5% of the final sale price, paid only when the "
        "sale completes; marketing and photography are included.",
    ),
    (
        "Can you manage my property while I live abroad?",
        "Our property management service finds tenants, collects rent, handles maintenance and "
        "sends you a monthly statement, for 7% of the annual rent.",
    ),
    (
        "Are pets allowed in your compounds?",
        "Cats and small dogs are welcome in the villa compounds; apartment buildings allow cats "
        "only, and pets must be registered with the community office.",
    ),
    (
        "How large are the plots in Al Malqa?",
        "Plots in Al Malqa range from 300 to 450 square metres, with built-up areas from 280 to "
        "420 square metres over two floors and a roof annex.",
    ),
    (
        "Is there a school near the Al Yasmin project?",
        "Kingdom Schools and the Manarat international school are within a ten-minute drive of "
        "Al Yasmin, and a public primary school is inside the district.",
    ),
    (
        "What documents do I need to buy?",
        "Bring your national ID or iqama, proof of income if you are financing, and a booking "
        "deposit; we handle the title deed transfer through the Ministry of Justice.",
    ),
    (
        "Is the booking deposit refundable?",
        "The booking deposit of SAR 20,000 is refundable in full within 14 days of booking; after "
        "that it is deducted from the first payment.",
    ),
    (
        "Do you build smart homes?",
        "Every villa is wired for smart control of lighting, air conditioning and access, with "
        "solar-ready roofs and EV charging points in the garage.",
    ),
    (
        "Do you sell commercial space?",
        "We lease and sell offices and retail units on King Abdullah Road and in the Olaya "
        "business district, from 80 to 1,200 square metres.",
    ),
    (
        "Can I customise the finishes?",
        "Buyers of off-plan villas choose flooring, kitchen and bathroom finishes from three "
        "design packages, free of charge until the finishing stage starts.",
    ),
    (
        "Is there a discount for paying cash?",
        "Buyers who pay the full price in cash at contract receive a 5% discount on the list "
        "price of off-plan units.",
    ),
    (
        "How long does the buying process take?",
        "A cash purchase of a ready home usually completes in two to three weeks; with bank "
        "financing, allow six to eight weeks for approval and transfer.",
    ),
    (
        "Do you speak English?",
        "Our advisers speak Arabic and English, and several also speak Urdu, Hindi and French.",
    ),
    (
        "What amenities does the compound have?",
        "Each compound has a swimming pool, a gym, children's play areas, jogging tracks, a "
        "mosque and 24-hour security with gated entry.",
    ),
    (
        "Is maintenance included after handover?",
        "Free maintenance visits are included for the first year after handover; after that, "
        "annual maintenance plans start at SAR 3,500.",
    ),
    (
        "Can I sell my unit before handover?",
        "Off-plan units can be resold before handover once 40% of the price has been paid, "
        "subject to a transfer fee of SAR 5,000.",
    ),
    (
        "What is the price per square metre for apartments?",
        "Apartments in Al Nakheel and Al Sahafa sell for SAR 6,500 to 8,200 per square metre, "
        "depending on the floor and the view.",
    ),
    (
        "Do you arrange virtual tours?",
        "We offer live video tours over WhatsApp or Zoom, and 3D walk-throughs of every show "
        "home on our website.",
    ),
    (
        "ما هي أسعار الفلل؟",
        "تبدأ أسعار الفلل بثلاث غرف نوم في مشروعي الملقا وحطين من 1.85 مليون ريال، والفلل مع مسبح "
        "خاص من 2.4 مليون ريال.",
    ),
    (
        "ما هي مواعيد عمل المكتب؟",
        "مكتبنا في العليا مفتوح من الأحد إلى الخميس من 9 صباحاً حتى 6 مساءً، والسبت من 10 صباحاً "
        "حتى 2 ظهراً، ومغلق يوم الجمعة.",
    ),
    (
        "هل يمكن الدفع بالتقسيط؟",
        "نعم، يمكن دفع ثمن الوحدات على الخارطة بالتقسيط: 10% عند الحجز، و30% خلال البناء على دفعات "
        "ربع سنوية، والباقي عند التسليم.",
    ),
    (
        "هل تساعدون في التمويل العقاري؟",
        "يتعاون مكتب التمويل لدينا مع مصرف الراجحي والبنك الأهلي وبنك الرياض لترتيب التمويل "
        "السكني، بما في ذلك برنامج سكني للمشترين لأول مرة.",
    ),
]

BROCHURE_TITLE = "Hittin Gardens brochure"
BROCHURE = """\
# Hittin Gardens: family living in north Riyadh

Hittin Gardens is a gated community of 240 villas and townhouses on the northern edge of Riyadh,
ten minutes from King Khalid Road and twenty minutes from King Khalid International Airport.

## The homes

Villas have four or five bedrooms, a maid's room and a driver's room, a double-height majlis and
a private garden. Townhouses have three bedrooms and a roof terrace. Every home has a covered
garage for two cars.

## Green spaces

A third of the land is parks and landscaped walkways, shaded by native ghaf and sidr trees and
watered with treated grey water.

## Sustainability

Homes are insulated to the Saudi Building Code's energy standard, with double glazing and solar
water heaters, cutting electricity bills by around a quarter compared with older villas.

## Getting around

A shuttle bus runs every thirty minutes to the nearest Riyadh Metro station on the Yellow Line,
and cycling paths link the community to the Hittin district park.

## Safety

Gated entry with number-plate recognition, CCTV over all shared areas and a security team on
site around the clock.
"""

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
