from __future__ import annotations

from datetime import datetime

from pydantic import ConfigDict, Field

from leadflow.exceptions import UnprocessableInput
from leadflow.kit.schemas import NO_NUL, RequestSchema, RowId, Schema

MAX_TEXT_CHARS = 2_000_000
MAX_BULK_FAQS = 1000


class KnowledgeBaseIn(RequestSchema):
    name: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    description: str | None = Field(default=None, max_length=2000, pattern=NO_NUL)


class KnowledgeBaseOut(Schema):
    id: int
    name: str
    description: str | None
    created_at: datetime
    updated_at: datetime


class DocumentOut(Schema):
    id: int
    knowledge_base_id: int
    origin: str
    source: str
    title: str | None
    kind: str | None
    parser: str | None
    status: str
    progress: int
    error: str | None
    chunk_count: int
    token_count: int
    created_at: datetime
    updated_at: datetime


class UrlIn(RequestSchema):
    url: str = Field(min_length=8, max_length=2000, pattern=r"^(?i:https?)://[^\x00\s]+$")


class TextIn(RequestSchema):
    title: str = Field(min_length=1, max_length=500, pattern=NO_NUL)
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS, pattern=NO_NUL)


class FaqIn(RequestSchema):
    question: str = Field(min_length=1, max_length=1000, pattern=NO_NUL)
    answer: str = Field(min_length=1, max_length=10_000, pattern=NO_NUL)


class DocumentEdit(RequestSchema):
    """A text's title and text, or an FAQ's question and answer; what is left out stays."""

    title: str | None = Field(default=None, min_length=1, max_length=500, pattern=NO_NUL)
    text: str | None = Field(default=None, min_length=1, max_length=MAX_TEXT_CHARS, pattern=NO_NUL)
    question: str | None = Field(default=None, min_length=1, max_length=1000, pattern=NO_NUL)
    answer: str | None = Field(default=None, min_length=1, max_length=10_000, pattern=NO_NUL)

    def parts(self, origin: str) -> tuple[str | None, str | None]:
        """The document's new name and body, from the fields its origin is edited by."""
        if origin == "faq":
            name, body, others = self.question, self.answer, ("title", "text")
        else:
            name, body, others = self.title, self.text, ("question", "answer")
        wrong = sorted(set(others) & self.model_fields_set)
        if origin in ("faq", "text") and wrong:
            expected = "question and answer" if origin == "faq" else "title and text"
            raise UnprocessableInput(
                f"a {origin} document is edited by its {expected}, not by {', '.join(wrong)}"
            )
        return name, body


class ChunkOut(Schema):
    id: int
    position: int = Field(description="0-based order within the document")
    page: int | None
    token_count: int
    text: str
    section: str | None = Field(description="the passage's headings, outermost first")


class BulkFaqsIn(RequestSchema):
    faqs: list[FaqIn] = Field(min_length=1, max_length=MAX_BULK_FAQS)


class BulkFaqsOut(Schema):
    documents: list[DocumentOut]


class SearchIn(RequestSchema):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"query": "Do you offer payment plans?", "limit": 3}]}
    )

    query: str = Field(min_length=1, max_length=2000, pattern=NO_NUL)
    knowledge_base_ids: list[RowId] | None = Field(
        default=None,
        max_length=50,
        description="search these only; all of the workspace's if left out",
    )
    limit: int = Field(default=5, ge=1, le=50)
    threshold: float | None = Field(
        default=None, ge=0, le=1, description="least similarity in meaning; 0.75 unless set"
    )


class SearchHitOut(Schema):
    chunk_id: int
    knowledge_base_id: int
    document_id: int
    source: str
    title: str | None
    origin: str
    position: int
    page: int | None
    text: str
    score: float
    similarity: float = Field(description="(1 + cosine) / 2, from 0 to 1")
    cosine: float = Field(
        description="of the query to the passage or to its closest sentence, the higher"
    )
    matched_by: list[str]
    section: str | None = Field(description="the passage's headings, outermost first")
    answer: str = Field(description="the passage's sentence closest to the query")
    answer_cosine: float = Field(description="that sentence's cosine to the query")


class SearchOut(Schema):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "query": "Do you offer payment plans?",
                    "threshold": 0.75,
                    "results": [
                        {
                            "chunk_id": 88, "knowledge_base_id": 2, "document_id": 14,
                            "source": "faq", "title": "Payment plans", "origin": "faq",
                            "position": 0, "page": None,
                            "text": "Q: Can I pay in instalments?\nA: Yes, over up to five years.",
                            "score": 0.031, "similarity": 0.91, "cosine": 0.82,
                            "matched_by": ["meaning", "words"], "section": None,
                            "answer": "Yes, over up to five years.", "answer_cosine": 0.64,
                        }
                    ],
                }
            ]
        },
    )  # fmt: skip

    query: str
    threshold: float
    results: list[SearchHitOut]


class StatsOut(Schema):
    knowledge_base_id: int
    documents: int
    documents_by_status: dict[str, int]
    faqs: int
    chunks: int
    tokens: int
