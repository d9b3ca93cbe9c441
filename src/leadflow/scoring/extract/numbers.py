"""Amounts written in words, as a lead writes them, rewritten as digits and a scale word.

Arabic: counts in words or digits before a scale ("ثلاث مئة ألف", "٢٠٠ ألف"), the dual of a
scale ("مليونين", "ألفين"), a fraction of one ("ربع مليون", "نص مليون"), a fraction after one
("مليون ونص") and groups joined by "و" ("مليون و٢٠٠ ألف"). English: "half a million", "a
quarter million", "two million". Each phrase becomes its value in its largest scale ("1.5
مليون"), so the amount reader sees a number and its multiplier; the rewritten text remembers
the lead's own words for the evidence.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from leadflow.scoring.extract.text import Folded, fold, folded_words


def _folded(words: Mapping[str, int | Decimal]) -> dict[str, Decimal]:
    return {fold(word).text: Decimal(value) for word, value in words.items()}


_UNIT_WORDS: dict[str, int] = {
    "واحد": 1, "واحدة": 1, "اثنين": 2, "اثنان": 2, "اتنين": 2, "ثنين": 2,
    "ثلاث": 3, "ثلاثة": 3, "تلات": 3, "تلاتة": 3, "أربع": 4, "أربعة": 4,
    "خمس": 5, "خمسة": 5, "ست": 6, "ستة": 6, "سبع": 7, "سبعة": 7,
    "ثمان": 8, "ثماني": 8, "ثمانية": 8, "تمان": 8, "تمانية": 8, "تسع": 9, "تسعة": 9,
    "عشر": 10, "عشرة": 10,
}  # fmt: skip
_TEN_WORDS: dict[str, int] = {
    "عشرين": 20, "ثلاثين": 30, "تلاتين": 30, "أربعين": 40, "خمسين": 50, "ستين": 60,
    "سبعين": 70, "ثمانين": 80, "تمانين": 80, "تسعين": 90,
}  # fmt: skip
_HUNDRED_FORMS = ("مية", "مئة", "مائة", "ميه")
_HUNDRED_WORDS: dict[str, int] = {
    **dict.fromkeys(_HUNDRED_FORMS, 100),
    **dict.fromkeys(("ميتين", "مئتين", "مائتين", "مئتان", "مائتان"), 200),
    **{
        f"{unit}{hundred}": count * 100
        for unit, count in (("ثلاث", 3), ("أربع", 4), ("خمس", 5), ("ست", 6), ("سبع", 7),
                            ("ثمان", 8), ("تسع", 9))
        for hundred in _HUNDRED_FORMS
    },
}  # fmt: skip
_SCALE_WORDS: dict[str, int] = {
    "ألف": 1_000, "آلاف": 1_000, "مليون": 1_000_000, "ملايين": 1_000_000,
    "مليار": 1_000_000_000, "مليارات": 1_000_000_000,
}  # fmt: skip
_DUAL_WORDS: dict[str, int] = {"ألفين": 2_000, "مليونين": 2_000_000, "مليارين": 2_000_000_000}
_FRACTION_WORDS: dict[str, Decimal] = {
    "نص": Decimal("0.5"), "نصف": Decimal("0.5"), "ربع": Decimal("0.25"),
}  # fmt: skip

_UNITS = _folded({**_UNIT_WORDS, **_TEN_WORDS})
_TENS = _folded(_TEN_WORDS)
_HUNDREDS = _folded(_HUNDRED_WORDS)
_SCALES = _folded(_SCALE_WORDS)
_DUALS = _folded(_DUAL_WORDS)
_FRACTIONS = _folded(_FRACTION_WORDS)
_THOUSAND = fold("ألف").text
_SCALE_NAMES = {
    Decimal(size): fold(name).text
    for size, name in ((1_000_000_000, "مليار"), (1_000_000, "مليون"), (1_000, "ألف"))
}
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")
_AND = "و"


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    word: str
    joined: bool  # written after "و" (and)


def _tokens(text: str) -> list[_Token]:
    """The words and numbers of the text; one after "و" (alone or glued to it) is joined."""
    tokens: list[_Token] = []
    pending: int | None = None  # where a lone "و" started
    last_end = 0
    for match in _TOKEN.finditer(text):
        word, start = match.group(), match.start()
        if pending is not None and text[last_end:start].strip():
            pending = None
        last_end = match.end()
        if word == _AND:
            pending = start
            continue
        joined = pending is not None
        if not joined and word.startswith(_AND) and _value_of(word) is None:
            joined = _value_of(word[1:]) is not None
            word = word[1:] if joined else word
        tokens.append(_Token(start if pending is None else pending, match.end(), word, joined))
        pending = None
    return tokens


def _value_of(word: str) -> Decimal | None:
    for table in (_UNITS, _HUNDREDS, _SCALES, _DUALS, _FRACTIONS):
        if word in table:
            return table[word]
    if word[:1].isdigit():
        try:
            return Decimal(word.replace(",", ""))
        except ArithmeticError:
            return None
    return None


def _adds_to(current: Decimal, word: str, value: Decimal) -> bool:
    """Whether a joined count adds to the count before it ("خمسة وعشرين", "مية وخمسين")."""
    if word[:1].isdigit():
        return False
    tens_after_unit = current < 10 and word in _TENS
    below_hundreds = current % 100 == 0 and value < 100
    return tens_after_unit or below_hundreds


@dataclass
class _Phrase:
    total: Decimal = Decimal(0)
    scale: Decimal = Decimal(0)  # the largest scale said
    count: Decimal | None = None
    last_scale: Decimal | None = None
    end: int = 0  # where the last complete group ended
    words: bool = False  # something in it was written in words

    def step(self, token: _Token, previous: _Token | None, text: str) -> bool:
        """Takes one more token; False where the phrase stops before it."""
        if previous is not None and text[previous.end : token.start].strip():
            return False
        word, value = token.word, _value_of(token.word)
        if value is None:
            return False
        if word in _SCALES or word in _DUALS:
            return self._scale(token, word, value)
        if word in _FRACTIONS:
            return self._fraction(token, value)
        return self._count(token, word, value)

    def _scale(self, token: _Token, word: str, value: Decimal) -> bool:
        if word in _DUALS:
            if self.count is not None:
                return False
            self.count, value, self.words = Decimal(2), value / 2, True
        if self.count is None:
            if token.joined or self.total or word == _THOUSAND:
                return False  # a bare "ألف" is as often "a thousand thanks"
            self.count, self.words = Decimal(1), True
        self.total += self.count * value
        self.scale = max(self.scale, value)
        self.count, self.last_scale, self.end = None, value, token.end
        return True

    def _fraction(self, token: _Token, value: Decimal) -> bool:
        self.words = True
        if token.joined and self.count is None and self.last_scale is not None:
            self.total += value * self.last_scale  # "مليون ونص"
            self.last_scale, self.end = None, token.end
            return True
        if not token.joined and self.count is None and not self.total:
            self.count = value  # "ربع مليون"
            return True
        return False

    def _count(self, token: _Token, word: str, value: Decimal) -> bool:
        self.words = self.words or not word[:1].isdigit()
        if self.count is None:
            if token.joined and not self.total:
                return False
            self.count = value
            return True
        if not token.joined and word in _HUNDREDS and value == 100 and self.count < 10:
            self.count *= 100  # "ثلاث مية"
            return True
        if token.joined and _adds_to(self.count, word, value):
            self.count += value
            return True
        return False


def _written(total: Decimal, scale: Decimal) -> str:
    """The value as digits in its largest scale, at most six decimals."""
    for size, name in _SCALE_NAMES.items():
        if size > scale:
            continue
        digits = format((total / size).normalize(), "f")
        if len(digits.partition(".")[2]) <= 6:
            return f"{digits} {name}"
    return format(total, "f")


def _arabic(folded: Folded) -> list[tuple[int, int, str]]:
    text = folded.text
    tokens = _tokens(text)
    found: list[tuple[int, int, str]] = []
    index = 0
    while index < len(tokens):
        phrase = _Phrase()
        taken = index
        previous: _Token | None = None
        while taken < len(tokens) and phrase.step(tokens[taken], previous, text):
            previous = tokens[taken]
            taken += 1
        if phrase.total:  # digits and a scale alone ("٣٠٠ ألف") the amount reader reads itself
            if phrase.words:
                found.append(
                    (tokens[index].start, phrase.end, _written(phrase.total, phrase.scale))
                )
            while taken > index and tokens[taken - 1].end > phrase.end:
                taken -= 1  # a count after the last scale is not part of it
            index = max(taken, index + 1)
        else:
            index += 1
    return found


_ENGLISH_COUNTS: dict[str, int | Decimal] = {
    "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "half a": Decimal("0.5"), "half of a": Decimal("0.5"),
    "a half": Decimal("0.5"), "a quarter": Decimal("0.25"), "quarter of a": Decimal("0.25"),
    "a quarter of a": Decimal("0.25"), "quarter": Decimal("0.25"),
}  # fmt: skip
_ENGLISH_COUNT_VALUES = {
    " ".join(word.split()): Decimal(value) for word, value in _ENGLISH_COUNTS.items()
}
_ENGLISH = re.compile(
    r"\b(?P<count>" + folded_words(*_ENGLISH_COUNTS) + r")\s+(?P<scale>million|billion)\b"
)


def _english(folded: Folded) -> list[tuple[int, int, str]]:
    return [
        (
            match.start(),
            match.end(),
            f"{format(_ENGLISH_COUNT_VALUES[' '.join(match['count'].split())], 'f')} "
            f"{match['scale']}",
        )
        for match in _ENGLISH.finditer(folded.text)
    ]


def numbers_in_words(folded: Folded) -> Folded:
    """The folded text with each amount written in words rewritten as digits and a scale."""
    replacements = sorted(_arabic(folded) + _english(folded))
    kept: list[tuple[int, int, str]] = []
    for replacement in replacements:
        if not kept or replacement[0] >= kept[-1][1]:
            kept.append(replacement)
    return folded.rewritten(kept) if kept else folded
