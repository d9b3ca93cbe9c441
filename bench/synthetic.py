"""Synthetic lead files for the benchmarks: realistic shapes, known duplicates and faults."""

from __future__ import annotations

import csv
import random
from pathlib import Path

FIRST = ["Noura", "Fahad", "Sara", "Omar", "Layla", "Maya", "James", "Priya", "Lukas", "Ana", "Tom", "Rachel", "Diego", "Emma", "Yusuf", "Aisha", "Chen", "Olivia", "Mateo", "Hana"]  # fmt: skip
LAST = ["Al-Qahtani", "Al-Otaibi", "Hassan", "Chen", "O'Neill", "Raman", "Becker", "Souza", "Kim", "Martinez", "Wilson", "Demir", "Nguyen", "Smith", "Garcia", "Rossi", "Kowalski", "Tanaka"]  # fmt: skip
WORDS = ["North", "Bright", "Helix", "Verde", "Cloud", "Anatolia", "Summit", "Blue", "Iron", "Cedar", "Falcon", "Oasis", "Pioneer", "Quantum", "Harbor", "Desert", "Silver", "Lumen"]  # fmt: skip
KINDS = ["Analytics", "Logistics", "Health", "Realty", "Foods", "Energy", "Systems", "Capital", "Labs", "Works"]  # fmt: skip
SUFFIX = ["", " Inc", " LLC", ", Inc.", " Ltd", " GmbH"]
TITLES = ["CEO", "CFO", "COO", "CTO", "VP Finance", "VP Operations", "Head of Sales", "Owner", "Manager", ""]  # fmt: skip
HEADER = ["First Name", "Last Name", "E-mail Address", "Mobile Phone", "Company Name", "Website", "Job Title", "Lead Source", "Notes"]  # fmt: skip


AREA_CODES = [
    201,
    202,
    203,
    205,
    206,
    207,
    212,
    213,
    214,
    215,
    216,
    217,
    310,
    312,
    313,
    314,
    315,
    404,
    405,
    406,
    407,
    408,
    409,
    410,
    412,
    415,
    503,
    504,
    505,
    512,
    602,
    617,
    646,
    702,
    713,
    718,
    805,
    818,
    917,
    925,
]


def _phone(rng: random.Random, n: int) -> str:
    """A valid US number, different for every n below 300 million."""
    line = n % 10_000
    exchange = 200 + (n // 10_000) % 750
    area = AREA_CODES[(n // 7_500_000) % len(AREA_CODES)]
    shape = rng.random()
    if shape < 0.4:
        return f"({area}) {exchange}-{line:04d}"
    if shape < 0.8:
        return f"+1 {area} {exchange} {line:04d}"
    return f"{area}.{exchange}.{line:04d}"


def _company(rng: random.Random, companies: int) -> tuple[str, str]:
    n = rng.randrange(companies)
    word, kind = WORDS[n % len(WORDS)], KINDS[(n // len(WORDS)) % len(KINDS)]
    base = f"{word} {kind} {n}"
    return base + rng.choice(SUFFIX), f"https://www.{word.lower()}{kind.lower()}{n}.com"


def person(rng: random.Random, n: int, companies: int) -> list[str]:
    first, last = FIRST[n % len(FIRST)], LAST[(n // len(FIRST)) % len(LAST)]
    company, website = _company(rng, companies)
    email = f"{first.lower()}.{last.lower().replace(chr(39), '')}.{n}@example{n % 97}.com"
    return [first, last, email, _phone(rng, n), company, website, rng.choice(TITLES), "list", ""]


def _duplicate(rng: random.Random, row: list[str]) -> list[str]:
    twin = list(row)
    twin[2] = twin[2].upper() if rng.random() < 0.5 else twin[2]
    digits = "".join(c for c in twin[3] if c.isdigit())[-10:]
    twin[3] = f"1-{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    twin[6] = twin[6] or "Director"
    return twin


def _invalid(rng: random.Random, row: list[str]) -> list[str]:
    broken = list(row)
    fault = rng.randrange(3)
    if fault == 0:
        broken[2] = broken[2].replace("@", " at ")
    elif fault == 1:
        broken[3] = "555-01"
    else:
        broken[2], broken[3], broken[4], broken[5] = "", "", "", ""
    return broken


def write_leads_csv(
    path: Path,
    rows: int,
    *,
    seed: int = 7,
    duplicate_share: float = 0.1,
    invalid_share: float = 0.02,
) -> None:
    """``rows`` lead rows: ~duplicate_share repeat an earlier person, ~invalid_share are broken."""
    rng = random.Random(seed)
    recent: list[list[str]] = []
    companies = max(10, rows // 20)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(rows):
            draw = rng.random()
            if draw < duplicate_share and recent:
                row = _duplicate(rng, rng.choice(recent))
            else:
                row = person(rng, n, companies)
                if len(recent) < 50_000:
                    recent.append(row)
                else:
                    recent[rng.randrange(len(recent))] = row
            if rng.random() < invalid_share:
                row = _invalid(rng, row)
            writer.writerow(row)
