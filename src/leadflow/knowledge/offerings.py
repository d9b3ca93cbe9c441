"""The services a business names in its own knowledge, to suggest when it first tells the agent
what it sells: the list items, table rows and sub-headings under a section called services,
what we offer, prices, packages, treatments, plans (خدماتنا، الأسعار، الباقات ...).

A chunk keeps its blocks as paragraphs, without their Markdown marks, so a section is known
by its title's words: from a paragraph that is such a title (or a chunk whose heading path
names one) to the chunk's end, or to a title of another kind (contact, about us, hours ...).
A suggestion is only a start: the person edits the list before saving it."""

from __future__ import annotations

import re
from collections.abc import Iterator

from sqlalchemy.orm import Session

from leadflow.knowledge import repository

MOST_SUGGESTED = 12
CHUNKS_READ = 2000
_PATH_SEPARATOR = " \u203a "  # the single angle quote the heading path is joined with
_TITLE_WORDS = 6
_NAME_WORDS = 6
_NAME_LENGTH = 60

_OFFERING_TITLE = re.compile(
    r"\b(?:services|our service|what we offer|what we do|offerings|prices|pricing|price list"
    r"|packages|treatments|plans|products|solutions|rates|menu"
    r"|خدماتنا|الخدمات|خدمات|الأسعار|أسعار|الباقات|باقات|العلاجات|علاجاتنا|الخطط|منتجاتنا"
    r"|المنتجات|حلولنا|الحلول|عروضنا)\b",
    re.IGNORECASE,
)
# Titles of the sections that follow a list of services and are none of them.
_OTHER_TITLE = re.compile(
    r"\b(?:contact|about|location|address|hours|opening|faq|questions|team|testimonials"
    r"|reviews|why|book|booking|appointments?|payment|insurance|policy|policies|terms"
    r"|تواصل|اتصل|من نحن|موقعنا|الموقع|العنوان|ساعات|الأسئلة|فريق|آراء|احجز|الحجز|الدفع"
    r"|التأمين|الشروط|لماذا)\b",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*(?:[-*•·▪◦\u2013\u2014]+|\d{1,3}[.)])\s*")
# Where a service's name ends and its price or description begins.
_NAME_END = re.compile(r"\s*(?::|\||\(|\s[-\u2013\u2014]\s|،|…|\.\.\.)")
_SENTENCE_END = (".", "?", "!", "؟")
# First words of a sentence or a price, never of a service's name.
_NOT_A_NAME = frozenset((
    "we", "our", "you", "your", "all", "each", "every", "this", "these", "those", "the",
    "following", "for", "if", "please", "from", "starting", "only", "per", "call", "ask",
    "contact", "includes", "including", "with", "نحن", "نقدم", "جميع", "كل", "يمكنك",
    "يبدأ", "تبدأ", "ابتداء", "ابتداءً", "يشمل", "تشمل", "مع",
))  # fmt: skip
# A column's heading in a table of prices, not a row of it.
_COLUMN_HEADINGS = frozenset((
    "service", "services", "package", "packages", "price", "prices", "plan", "plans",
    "treatment", "treatments", "product", "products", "item", "name", "duration", "cost",
    "fee", "الخدمة", "الباقة", "السعر", "الخطة", "العلاج", "المنتج", "المدة", "التكلفة",
))  # fmt: skip


def suggest_services(session: Session, workspace_id: int) -> list[str]:
    """At most twelve names of services from the workspace's documents, each once, in the
    order the documents give them."""
    found: dict[str, str] = {}
    for chunk in repository.written_chunks(session, workspace_id, limit=CHUNKS_READ):
        section = chunk.section or ""  # the heading path
        for name in _names(chunk.text, section):
            found.setdefault(name.casefold(), name)
            if len(found) == MOST_SUGGESTED:
                return list(found.values())
    return list(found.values())


def _names(text: str, section: str) -> Iterator[str]:
    headings = [part.strip() for part in section.split(_PATH_SEPARATOR) if part.strip()]
    within = False
    for heading in headings:
        if within and (name := _name(heading)):
            yield name
        within = within or _is_offering_title(heading)
    for paragraph in (part.strip() for part in text.split("\n\n")):
        if _is_offering_title(paragraph):
            within = True
        elif _is_other_title(paragraph):
            within = False
        elif within and (name := _name(paragraph)):
            yield name


def _is_title(paragraph: str) -> bool:
    return 0 < len(paragraph.split()) <= _TITLE_WORDS and not paragraph.endswith(_SENTENCE_END)


def _is_offering_title(paragraph: str) -> bool:
    title = paragraph.rstrip(":")
    return _is_title(title) and _OFFERING_TITLE.search(title) is not None


def _is_other_title(paragraph: str) -> bool:
    return _is_title(paragraph) and _OTHER_TITLE.search(paragraph) is not None


def _name(paragraph: str) -> str | None:
    """The service a list item, table row or sub-heading names, if it names one."""
    text = _BULLET.sub("", paragraph)
    head = _NAME_END.split(text, maxsplit=1)[0].strip()
    if head == text.strip() and head.endswith(_SENTENCE_END):
        return None  # a sentence describing the service, not its name
    head = head.strip(" .,;")
    words = head.split()
    if not 0 < len(words) <= _NAME_WORDS or len(head) > _NAME_LENGTH:
        return None
    if not any(c.isalpha() for c in head) or head[0].isdigit():
        return None
    if words[0].casefold() in _NOT_A_NAME or head.casefold() in _COLUMN_HEADINGS:
        return None
    return head
