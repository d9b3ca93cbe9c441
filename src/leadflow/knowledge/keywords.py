"""The keyword side of search: which of a query's words are worth matching.

A word found in more than a fifth of the passages says little about any of them (its weight in
bm25 or ts_rank is near nothing), and ranking its every match costs the most, so it is left
out. Neither FTS5 nor PostgreSQL keeps document frequencies at hand, so finding out counts the
word's matches (up to the cap); the answer is kept for as long as the knowledge bases stay at
the same revisions, as a search engine keeps its terms' statistics with the index. Queries
share most of their words, so after the first few a search asks the index only to rank.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

from sqlalchemy.orm import Session

from leadflow.knowledge import repository
from leadflow.knowledge.wording import query_words
from leadflow.models import KnowledgeBase

COMMON_SHARE = 0.2
MIN_COMMON = 200
# Word verdicts kept per set of knowledge-base revisions, and sets kept.
MAX_WORDS = 20_000
MAX_REVISIONS = 64

_Revisions = tuple[tuple[int, int], ...]


class _Verdicts:
    def __init__(self, cap: int) -> None:
        self.cap = cap  # a word in this many passages is common
        self.common: dict[str, bool] = {}  # oldest first, dropped first


class WordStatistics:
    """Which words are common in a set of knowledge bases, remembered per revision."""

    def __init__(self) -> None:
        self._by_revisions: OrderedDict[_Revisions, _Verdicts] = OrderedDict()
        self._lock = threading.Lock()

    def telling(
        self, session: Session, kbs: Sequence[KnowledgeBase], words: Sequence[str]
    ) -> list[str]:
        """The words, in order, less those in more than a fifth of the bases' passages."""
        verdicts = self._verdicts(session, kbs)
        with self._lock:
            common = {word: verdicts.common[word] for word in words if word in verdicts.common}
        counted = {
            word: repository.passages_with(session, word, limit=verdicts.cap) >= verdicts.cap
            for word in words
            if word not in common
        }
        with self._lock:
            verdicts.common.update(counted)
            while len(verdicts.common) > MAX_WORDS:
                del verdicts.common[next(iter(verdicts.common))]
        common.update(counted)
        return [word for word in words if not common[word]]

    def forget(self) -> None:
        with self._lock:
            self._by_revisions.clear()

    def _verdicts(self, session: Session, kbs: Sequence[KnowledgeBase]) -> _Verdicts:
        key = tuple((kb.id, kb.revision) for kb in kbs)
        with self._lock:
            held = self._by_revisions.get(key)
            if held is not None:
                self._by_revisions.move_to_end(key)
                return held
        passages = repository.passage_count(session, [kb.id for kb in kbs])
        verdicts = _Verdicts(max(MIN_COMMON, int(passages * COMMON_SHARE)))
        with self._lock:
            self._by_revisions[key] = verdicts
            while len(self._by_revisions) > MAX_REVISIONS:
                self._by_revisions.popitem(last=False)
        return verdicts


_statistics = WordStatistics()


def words_to_match(session: Session, kbs: Sequence[KnowledgeBase], query: str) -> list[str]:
    """The query's words the keyword side should match in these knowledge bases."""
    words = query_words(query)
    return _statistics.telling(session, kbs, words) if words else []


def forget() -> None:
    _statistics.forget()
