"""Synthetic lead conversions whose generating process is known, to test the predictive model.

    python -m bench.conversion_data --rows 20000 --out conversions.csv [--seed 7]

Every lead's log-odds of being won is the sum written out in ``_log_odds``: main effects of
industry, country, seniority and source; a bump at mid-sized companies (non-linear); visits
that matter only for leads from the web or paid search, and senior people at small companies
(interactions); phrases in the notes. ``lead_id``, ``email``, ``campaign`` (constant),
``noise`` and ``favourite_colour`` carry nothing. About a tenth of every feature is missing
(after the outcome was drawn from the full value), and about 15% of leads are won.
Prints one JSON object on its last line.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
from pathlib import Path

INDUSTRY = {
    "fintech": 0.8,
    "saas": 0.6,
    "healthcare": 0.2,
    "retail": -0.3,
    "manufacturing": 0.0,
    "education": -0.6,
    "logistics": -0.1,
    "media": -0.4,
}
COUNTRY = {"US": 0.3, "GB": 0.2, "DE": 0.1, "FR": 0.0, "SA": 0.4, "AE": 0.3, "IN": -0.4, "BR": -0.3}
SENIORITY = {
    "c-level": 0.5,
    "vp": 0.6,
    "director": 0.4,
    "manager": 0.1,
    "individual": -0.3,
    "intern": -1.0,
}
SOURCE = {"referral": 0.7, "event": 0.3, "web form": 0.2, "paid search": 0.0, "cold list": -0.8}
PHRASES = {
    "urgent": 0.9,
    "budget approved": 1.2,
    "demo requested": 0.6,
    "comparing vendors": 0.2,
    "just browsing": -1.2,
    "student project": -1.5,
}
FILLER = [
    "asked about pricing",
    "follow up next week",
    "met at the booth",
    "wants a call",
    "sent the deck",
    "spoke to the team",
    "needs integration details",
    "left a voicemail",
]
COLOURS = ["red", "green", "blue", "yellow", "purple"]
INTERCEPT = -2.4
MISSING = 0.1
HEADER = [
    "lead_id",
    "email",
    "employees",
    "revenue",
    "visits",
    "industry",
    "country",
    "seniority",
    "source",
    "notes",
    "noise",
    "favourite_colour",
    "campaign",
    "outcome",
]


def _lead(rng: random.Random, number: int) -> dict[str, object]:
    employees = max(1, round(math.exp(rng.gauss(math.log(150), 1.6))))
    phrases = rng.sample(list(PHRASES), k=rng.choice([0, 0, 1, 1, 2]))
    notes = rng.sample(FILLER, k=rng.randint(1, 3)) + phrases
    rng.shuffle(notes)
    return {
        "lead_id": f"L-{number:07d}",
        "email": f"lead{number}@example{number % 97}.com",
        "employees": employees,
        "revenue": round(employees * math.exp(rng.gauss(math.log(120_000), 0.5)), -3),
        "visits": min(30, int(rng.expovariate(1 / 3))),
        "industry": rng.choice(list(INDUSTRY)),
        "country": rng.choice(list(COUNTRY)),
        "seniority": rng.choices(list(SENIORITY), weights=[1, 2, 3, 4, 5, 1])[0],
        "source": rng.choice(list(SOURCE)),
        "notes": "; ".join(notes),
        "noise": round(rng.gauss(0, 1), 4),
        "favourite_colour": rng.choice(COLOURS),
        "campaign": "spring",
    }


def _log_odds(lead: dict[str, object]) -> float:
    employees = float(str(lead["employees"]))
    size = math.log10(employees)
    seniority, source, notes = str(lead["seniority"]), str(lead["source"]), str(lead["notes"])
    z = INTERCEPT + INDUSTRY[str(lead["industry"])] + COUNTRY[str(lead["country"])]
    z += SENIORITY[seniority] + SOURCE[source]
    z -= 0.6 * (size - 2.5) ** 2  # mid-sized companies buy most
    if source in ("web form", "paid search") and int(str(lead["visits"])) >= 4:
        z += 1.0
    if seniority in ("c-level", "vp") and employees < 200:
        z += 0.8
    elif seniority == "c-level" and employees > 2000:
        z -= 0.8
    return z + sum(effect for phrase, effect in PHRASES.items() if phrase in notes)


def conversions(rows: int, seed: int = 7) -> list[dict[str, object]]:
    """``rows`` leads with an ``outcome`` of "won" or "lost"; features ~10% missing."""
    rng = random.Random(seed)
    leads = []
    for number in range(1, rows + 1):
        lead = _lead(rng, number)
        won = rng.random() < 1 / (1 + math.exp(-_log_odds(lead)))
        for name in (
            "employees",
            "revenue",
            "visits",
            "industry",
            "country",
            "seniority",
            "source",
            "notes",
        ):
            if rng.random() < MISSING:
                lead[name] = ""
        lead["outcome"] = "won" if won else "lost"
        leads.append(lead)
    return leads


def write_csv(path: Path, leads: list[dict[str, object]], *, outcome: str = "won/lost") -> None:
    """Writes ``leads``; ``outcome="1/0"`` writes the outcome as 1 and 0 instead."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        for lead in leads:
            if outcome == "1/0":
                lead = {**lead, "outcome": "1" if lead["outcome"] == "won" else "0"}
            writer.writerow(lead)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    leads = conversions(args.rows, args.seed)
    write_csv(args.out, leads)
    won = sum(lead["outcome"] == "won" for lead in leads)
    print(
        json.dumps(
            {"bench": "conversion_data", "rows": args.rows, "won": won, "out": str(args.out)}
        )
    )


if __name__ == "__main__":
    main()
