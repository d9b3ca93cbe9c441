"""Features for the predictive model, typed from the values themselves.

Any table of leads works without configuration: each column is typed numeric, categorical or
text by looking at its values; columns that identify a row (ids, emails, phone numbers, values
unique to each row), constant columns and empty ones are ignored, with the reason kept. Each
kept column becomes one column of the matrix the model reads, so a lead's score can be
explained column by column:

- numeric: the number, NaN when missing or unreadable;
- categorical: the category's code among the frequent ones, one shared code for the rest
  (and for categories never seen in training), NaN when missing;
- text: the log-odds a bag-of-words logistic regression gives the text (cross-fitted in
  training, so the model never learns from a text score that already saw the outcome).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from leadflow.models import Lead
from leadflow.scoring.fit import LeadFacts

FeatureKind = Literal["numeric", "categorical", "text"]
Row = Mapping[str, object]
Matrix = NDArray[np.float64]

MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "?"})
ID_NAMES = frozenset(
    {
        "id",
        "uuid",
        "guid",
        "email",
        "e_mail",
        "phone",
        "mobile",
        "name",
        "first_name",
        "last_name",
        "full_name",
        "website",
        "url",
        "linkedin",
    }
)
ID_SUFFIXES = ("_id", "_uuid", "_email", "_phone", "_url")
TYPING_SAMPLE = 5000
MAX_CATEGORIES = 40
MIN_CATEGORY_COUNT = 5
_NAME_JUNK = re.compile(r"[^0-9a-z]+")
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # the vectorizer's own token pattern


def is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return isinstance(value, str) and value.strip().casefold() in MISSING


def as_number(value: object) -> float:
    """The value as a number ("1,200" and "$300" read too); NaN when it is not one."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if not isinstance(value, str):
        return math.nan
    try:
        return float(value.strip().replace(",", "").lstrip("$€£"))
    except ValueError:
        return math.nan


def _category(value: object) -> str:
    return str(value).strip().casefold()


def _column_name_is_identifier(name: str) -> bool:
    key = _NAME_JUNK.sub("_", name.casefold()).strip("_")
    return key in ID_NAMES or key.endswith(ID_SUFFIXES)


def type_column(name: str, values: Sequence[object]) -> FeatureKind | str:
    """The column's kind, or why it is ignored (a sentence, not a kind)."""
    if _column_name_is_identifier(name):
        return "ignored: its name says it identifies the lead"
    present = [value for value in values if not is_missing(value)]
    if not present:
        return "ignored: always empty"
    distinct = {str(value).strip() for value in present}
    if len(distinct) == 1:
        return "ignored: the same value everywhere"
    numbers = [as_number(value) for value in present]
    readable = [number for number in numbers if not math.isnan(number)]
    if len(readable) >= 0.95 * len(present):
        if _looks_like_a_sequence(readable):
            return "ignored: a different whole number on every row, like an id"
        return "numeric"
    words = sum(len(str(value).split()) for value in present) / len(present)
    unique_share = len(distinct) / len(present)
    if words >= 3 or (words >= 2 and unique_share > 0.5):
        return "text"
    if unique_share > 0.5 and len(distinct) > 50:
        return "ignored: nearly every row has its own value, like an id"
    return "categorical"


def _looks_like_a_sequence(numbers: list[float]) -> bool:
    if len(numbers) < 20 or len(set(numbers)) < len(numbers):
        return False
    if not all(number.is_integer() for number in numbers):
        return False
    return max(numbers) - min(numbers) < 2 * len(numbers)


@dataclass
class TextScorer:
    """A column's words, read by a logistic regression into log-odds of winning."""

    vectorizer: CountVectorizer
    regression: LogisticRegression
    _lexicon: Lexicon | None = field(default=None, repr=False)

    @classmethod
    def build(cls) -> TextScorer:
        vectorizer = CountVectorizer(
            binary=True, ngram_range=(1, 2), min_df=3, max_features=20_000, dtype=np.float64
        )
        return cls(vectorizer, LogisticRegression(C=0.5, max_iter=2000))

    def fit_cross(self, texts: list[str], outcomes: NDArray[np.int_], folds: int) -> Matrix:
        """Fits on every text; returns each text's score from a fit that did not see it."""
        words = self.vectorizer.fit_transform(texts)
        scores = np.zeros(len(texts))
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=1)
        for fitted, held in splitter.split(words, outcomes):
            part = LogisticRegression(C=self.regression.C, max_iter=self.regression.max_iter)
            part.fit(words[fitted], outcomes[fitted])
            scores[held] = part.decision_function(words[held])
        self.regression.fit(words, outcomes)
        return scores

    def score(self, texts: Sequence[str]) -> Matrix:
        """Each text's log-odds: the sum the regression makes over the vectorizer's terms, made
        here for the whole batch at once over only the terms that carry weight (several times
        faster in bulk), each text's weights added in the terms' order."""
        texts_of, terms = self.lexicon.terms_in(texts)
        weights = self.lexicon.weights[terms]
        found = np.bincount(texts_of, weights=weights, minlength=len(texts))
        return np.asarray(float(self.regression.intercept_[0]) + found, dtype=np.float64)

    def phrases(self, texts: Sequence[str]) -> list[str | None]:
        """Each text's weightiest term in the direction the text leans, if one leans its way
        (the largest weight, or the smallest when the weights add up below zero)."""
        lexicon = self.lexicon
        texts_of, terms = lexicon.terms_in(texts)
        weights = lexicon.weights[terms]
        leans_up = np.bincount(texts_of, weights=weights, minlength=len(texts)) >= 0
        order = np.lexsort((lexicon.rank[terms], weights, texts_of))  # per text, ascending
        first = np.searchsorted(texts_of[order], np.arange(len(texts)))
        after = np.searchsorted(texts_of[order], np.arange(len(texts)), side="right")
        phrases: list[str | None] = [None] * len(texts)
        for text in np.flatnonzero(after > first).tolist():
            at = order[after[text] - 1] if leans_up[text] else order[first[text]]
            if (weights[at] > 0) == leans_up[text]:
                phrases[text] = lexicon.terms[terms[at]]
        return phrases

    @property
    def lexicon(self) -> Lexicon:
        if self._lexicon is None:
            vocabulary = self.vectorizer.get_feature_names_out()
            self._lexicon = Lexicon.of(
                {
                    str(term): float(weight)
                    for term, weight in zip(vocabulary, self.regression.coef_[0], strict=True)
                    if weight
                }
            )
        return self._lexicon

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_lexicon": None}  # rebuilt from the regression when needed


_BREAK = "\x00"  # between texts read together: not a word character, never in a token
# The token pattern without its \b: greedy \w\w+ only ever starts and ends at one anyway, and
# the regex engine is twice as fast without them.
_TOKEN_OR_BREAK = re.compile(rf"\w\w+|{_BREAK}")
_UNWEIGHTED, _BETWEEN = -1, -2  # a word in no weighted term; the break between two texts


@dataclass(frozen=True)
class Lexicon:
    """The terms that carry weight, numbered, to find them in many texts with arrays: a
    word's term is its own number, a two-word term's comes after all the words."""

    numbers: dict[str, int]  # every word of a weighted term (and the break between texts)
    words: int
    pairs: NDArray[np.int64]  # sorted: first word's number * words + second word's
    terms: list[str]
    weights: Matrix  # by term; 0 for a word that is only part of a two-word term
    rank: NDArray[np.intp]  # by term: its place in the terms' alphabetical order

    @classmethod
    def of(cls, weights: Mapping[str, float]) -> Lexicon:
        words = sorted({word for term in weights for word in term.split(" ")})
        numbers = {word: number for number, word in enumerate(words)}
        pairs = sorted(
            (numbers[first] * len(words) + numbers[second], term)
            for term in weights
            if " " in term
            for first, second in [term.split(" ")]
        )
        terms = [*words, *(term for _, term in pairs)]
        return cls(
            numbers={**numbers, _BREAK: _BETWEEN},
            words=len(words),
            pairs=np.array([pair for pair, _ in pairs], dtype=np.int64),
            terms=terms,
            weights=np.array([weights.get(term, 0.0) for term in terms]),
            rank=np.argsort(np.argsort(np.array(terms, dtype=str), kind="stable")),
        )

    def terms_in(self, texts: Sequence[str]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
        """Each weighted term found in a text, once: (texts, terms), by text then term."""
        joined = _BREAK.join(text.lower().replace(_BREAK, " ") for text in texts)
        tokens = _TOKEN_OR_BREAK.findall(joined)
        number = np.fromiter(
            map(self.numbers.get, tokens, repeat(_UNWEIGHTED)), np.int64, len(tokens)
        )
        text_of = np.cumsum(number == _BETWEEN)
        found = [text_of[number >= 0] * len(self.terms) + number[number >= 0]]
        if len(self.pairs):
            pair = number[:-1] * self.words + number[1:]
            at = np.minimum(np.searchsorted(self.pairs, pair), len(self.pairs) - 1)
            paired = (number[:-1] >= 0) & (number[1:] >= 0) & (self.pairs[at] == pair)
            found.append(text_of[:-1][paired] * len(self.terms) + self.words + at[paired])
        ordered = np.sort(np.concatenate(found))  # np.unique is far slower on this many
        once = ordered[np.diff(ordered, prepend=-1) != 0]
        text, term = np.divmod(once, len(self.terms))
        weighted = self.weights[term] != 0
        return text[weighted], term[weighted]


@dataclass
class Encoded:
    """Rows as the model reads them, plus what the reasons need to name values."""

    matrix: Matrix
    phrases: dict[str, list[str | None]] = field(default_factory=dict)


@dataclass
class FeatureEncoder:
    """Typed columns and what each learned: its categories, or its text scorer."""

    kinds: dict[str, FeatureKind]
    ignored: dict[str, str]
    categories: dict[str, dict[str, int]] = field(default_factory=dict)
    texts: dict[str, TextScorer] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return list(self.kinds)

    @property
    def categorical_mask(self) -> list[bool]:
        return [kind == "categorical" for kind in self.kinds.values()]

    @classmethod
    def fit(
        cls, rows: Sequence[Row], outcomes: NDArray[np.int_], *, folds: int
    ) -> tuple[FeatureEncoder, Matrix]:
        """Types the columns, learns each one, and returns the training matrix (text scores
        cross-fitted)."""
        kinds: dict[str, FeatureKind] = {}
        ignored: dict[str, str] = {}
        sample = rows[:: max(1, len(rows) // TYPING_SAMPLE)]
        for name in column_names(rows):
            kind = type_column(name, [row.get(name) for row in sample])
            if kind in ("numeric", "categorical", "text"):
                kinds[name] = kind  # type: ignore[assignment]
            else:
                ignored[name] = kind.removeprefix("ignored: ")
        encoder = cls(kinds, ignored)
        matrix = np.empty((len(rows), len(kinds)))
        for index, (name, kind) in enumerate(kinds.items()):
            values = [row.get(name) for row in rows]
            if kind == "categorical":
                encoder.categories[name] = _frequent_categories(values)
            elif kind == "text":
                encoder.texts[name] = TextScorer.build()
                texts = [_text(value) for value in values]
                matrix[:, index] = encoder.texts[name].fit_cross(texts, outcomes, folds)
                continue
            matrix[:, index] = encoder._column(name, values)
        return encoder, matrix

    def encode(self, rows: Sequence[Row], *, phrases: bool = False) -> Encoded:
        """The rows as the model reads them, and with ``phrases`` the weightiest term of each
        text (to name it in a reason)."""
        matrix = np.empty((len(rows), len(self.kinds)))
        encoded = Encoded(matrix)
        for index, (name, kind) in enumerate(self.kinds.items()):
            values = [row.get(name) for row in rows]
            if kind == "text":
                texts = [_text(value) for value in values]
                matrix[:, index] = self.texts[name].score(texts)
                if phrases:
                    encoded.phrases[name] = self.texts[name].phrases(texts)
            else:
                matrix[:, index] = self._column(name, values)
        return encoded

    def _column(self, name: str, values: list[object]) -> Matrix:
        if self.kinds[name] == "numeric":
            return _numbers(values)
        codes = self.categories[name]
        other = float(len(codes))
        read = {
            value: math.nan if is_missing(value) else codes.get(_category(value), other)
            for value in set(values)
        }
        return np.array([read[value] for value in values], dtype=np.float64)


def _numbers(values: list[object]) -> Matrix:
    try:  # numbers, None and plain numeric strings convert in one step
        return np.array(values, dtype=np.float64)
    except (ValueError, TypeError):
        pass
    try:  # each distinct value read once (values equal in Python read as the same number)
        read = {value: as_number(value) for value in set(values)}
    except TypeError:  # a value that cannot be a key (a list)
        return np.array([as_number(value) for value in values], dtype=np.float64)
    return np.array([read[value] for value in values], dtype=np.float64)


def _text(value: object) -> str:
    return "" if is_missing(value) else str(value)


def _frequent_categories(values: Iterable[object]) -> dict[str, int]:
    counts = Counter(_category(value) for value in values if not is_missing(value))
    frequent = [
        value for value, count in counts.most_common(MAX_CATEGORIES) if count >= MIN_CATEGORY_COUNT
    ]
    return {value: code for code, value in enumerate(frequent)}


def column_names(rows: Sequence[Row]) -> list[str]:
    names: dict[str, None] = {}
    for row in rows[:: max(1, len(rows) // TYPING_SAMPLE)]:
        names.update(dict.fromkeys(row))
    return list(names)


def lead_row(lead: Lead | LeadFacts) -> dict[str, object]:
    """What the model may know about a lead: its own and its company's fields, and its custom
    fields as ``custom:<name>``. Needs ``lead.company`` loaded."""
    row: dict[str, object] = {
        "title": lead.title,
        "city": lead.city,
        "country": lead.country,
        "source": lead.source,
        "origin": lead.origin,
        "email_domain": lead.email.rpartition("@")[2].casefold() if lead.email else None,
    }
    company = lead.company
    if company is not None:
        row |= {
            "company_industry": company.industry,
            "company_employees": company.employee_count,
            "company_revenue": company.annual_revenue,
            "company_country": company.country,
        }
    for name, value in (lead.custom_fields or {}).items():
        row[f"custom:{name}"] = value if isinstance(value, int | float | str | None) else str(value)
    return row
