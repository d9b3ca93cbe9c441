"""The keyword side leaves out words found in most passages, and learns again when a knowledge
base changes."""

from __future__ import annotations

from leadflow.db import get_sessionmaker
from leadflow.knowledge import keywords, repository
from tests.builders import settle_jobs
from tests.knowledge.support import make_knowledge_base, search


def _add_faqs(api, kb_id: int, start: int, count: int, word: str) -> None:
    faqs = [
        {"question": f"Is plot {n} a {word} plot?", "answer": f"Plot {n} is one of ours."}
        for n in range(start, start + count)
    ]
    response = api.post(f"/api/v1/knowledge/bases/{kb_id}/faqs/bulk", json={"faqs": faqs})
    assert response.status_code == 202, response.text
    settle_jobs()


def _words(workspace_id: int, kb_id: int, query: str) -> list[str]:
    with get_sessionmaker(writes=False)() as session:
        kbs = repository.knowledge_bases(session, workspace_id, [kb_id])
        return keywords.words_to_match(session, kbs, query)


def test_a_word_in_most_passages_is_left_out_once_it_is_so(api):
    word, rare = "qorvathic", "zelmundane"
    kb = make_knowledge_base(api)
    _add_faqs(api, kb["id"], 0, keywords.MIN_COMMON - 20, word)
    assert _words(api.workspace.id, kb["id"], f"{word} {rare}") == [word, rare]

    # The knowledge base's revision moves on: the word's verdict is taken again, not recalled.
    _add_faqs(api, kb["id"], keywords.MIN_COMMON, 40, word)
    assert _words(api.workspace.id, kb["id"], f"{word} {rare}") == [rare]

    (hit, *_) = search(api, f"Is plot {keywords.MIN_COMMON + 7} a {word} plot?", threshold=0)
    assert hit["text"].startswith(f"Q: Is plot {keywords.MIN_COMMON + 7} a {word} plot?")
