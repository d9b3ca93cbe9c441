"""Markdown: headings, lists, tables and code as blocks; markup reduced to the words a reader
sees."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadflow.integrations.parsing import Block, UnreadableDocument
from leadflow.integrations.parsing.local import LocalParser
from leadflow.integrations.parsing.markdown import markdown_blocks, plain_inline
from tests.integrations.parsing.documents import ARABIC, ARABIC_HEADING, attempt

BROCHURE = f"""\
---
title: "Riyadh Homes: the 2026 brochure"
layout: brochure
---
# Riyadh Homes

Our agency has sold **apartments** in _Riyadh_ since 2004.
See [our listings](https://example.com/listings "Listings") and ![the office](office.png).

Prices
------

- Studios from 450,000 SAR
- Two bedrooms from
  850,000 SAR
1. Book a viewing
2) Visit with an agent

| Type | Price | Parking |
|:-----|------:|:-------:|
| Studio | 450,000 SAR | no |
| **Villa** | 2,100,000 SAR | yes |

```python
price = rooms * 425_000
```

> Quoted: the best agency in town.

## {ARABIC_HEADING} ##

{ARABIC}

[listings]: https://example.com/listings
"""


def read(markdown: str) -> list[Block]:
    parser = LocalParser(max_bytes=1024 * 1024, max_pages=10)
    return list(parser.parse(markdown.encode(), kind="markdown").blocks)


def test_a_brochure_in_markdown() -> None:
    parser = LocalParser(max_bytes=1024 * 1024, max_pages=10)
    document = parser.parse(BROCHURE.encode(), kind="markdown", filename="brochure.md")

    assert document.title == "Riyadh Homes: the 2026 brochure"
    assert (document.parser, document.kind) == ("local", "markdown")
    assert document.blocks == (
        Block("Riyadh Homes", heading=True),
        Block(
            "Our agency has sold apartments in Riyadh since 2004. See our listings and the office."
        ),
        Block("Prices", heading=True),
        Block("Studios from 450,000 SAR"),
        Block("Two bedrooms from 850,000 SAR"),
        Block("Book a viewing"),
        Block("Visit with an agent"),
        Block("Type | Price | Parking"),
        Block("Studio | 450,000 SAR | no"),
        Block("Villa | 2,100,000 SAR | yes"),
        Block("price = rooms * 425_000"),
        Block("Quoted: the best agency in town."),
        Block(ARABIC_HEADING, heading=True),
        Block(ARABIC),
    )


def test_without_front_matter_the_title_is_the_first_heading() -> None:
    parser = LocalParser(max_bytes=1024, max_pages=10)

    document = parser.parse(b"Intro line.\n\n## Viewings\n\nBook online.", kind="markdown")

    assert document.title == "Viewings"


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("**bold** and __strong__ and *em* and ~~gone~~", "bold and strong and em and gone"),
        ("snake_case_name and _emphasis_", "snake_case_name and emphasis"),
        ("2 * 3 = 6", "2 * 3 = 6"),
        (r"\*not emphasis\* and a \[bracket\]", "*not emphasis* and a [bracket]"),
        ("`a*b*c` stays code", "a*b*c stays code"),
        ("[wiki](https://en.wikipedia.org/wiki/Riyadh_(city)) link", "wiki link"),
        ("[ref link][1] and footnote[^1]", "ref link and footnote"),
        (
            "<https://example.com> and <sales@example.com>",
            "https://example.com and sales@example.com",
        ),
        ("line<br>break and <b>tags</b> &amp; entities", "line break and tags & entities"),
        ("**مرحبا** [بكم](https://example.com)", "مرحبا بكم"),
    ],
)
def test_inline_markup_is_reduced_to_its_words(markdown: str, text: str) -> None:
    assert plain_inline(markdown) == text


def test_setext_and_atx_headings() -> None:
    assert read("Title\n=====\n\nSub\n---\n\n### Third ###\n\n####### not a heading") == [
        Block("Title", heading=True),
        Block("Sub", heading=True),
        Block("Third", heading=True),
        Block("####### not a heading"),
    ]


def test_a_rule_is_not_a_heading_without_a_paragraph_above() -> None:
    assert read("First.\n\n---\n\n***\n\nSecond.") == [Block("First."), Block("Second.")]


def test_code_fences_keep_their_text_and_may_be_left_open() -> None:
    assert read("~~~\n# not a heading\n- not an item\n~~~\n\n```\nopen to the end") == [
        Block("# not a heading - not an item"),
        Block("open to the end"),
    ]


def test_a_table_without_outer_pipes() -> None:
    assert read("Type | Price\n--- | ---\nStudio | 450,000") == [
        Block("Type | Price"),
        Block("Studio | 450,000"),
    ]


def test_blocks_carry_the_page_they_are_on() -> None:
    assert markdown_blocks("# Prices\n\nFrom 450,000.", page=3) == [
        Block("Prices", heading=True, page=3),
        Block("From 450,000.", page=3),
    ]


def test_only_markup_is_no_text() -> None:
    with pytest.raises(UnreadableDocument) as caught:
        read("---\n\n***\n\n[x]: https://example.com\n")

    assert caught.value.reason == "no_text"


def test_long_runs_of_markup_characters_read_in_linear_time() -> None:
    markdown = "[" * 200_000 + "*" * 200_000 + "_" * 200_000 + "(" * 200_000

    assert markdown_blocks(markdown)  # in well under a second


_MARKDOWN_PIECES = [*"#*_-=|>`~[]()!<>\\:1. \n\tabجد", "\r\n", "```", "# ", "- ", "| ", "](x)"]
_MARKDOWNISH = st.lists(st.sampled_from(_MARKDOWN_PIECES), max_size=80).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), _MARKDOWNISH))
def test_any_text_gives_normalised_blocks(markdown: str) -> None:
    for block in markdown_blocks(markdown):
        assert block.text
        assert block.text == " ".join(block.text.split())
        assert "\x00" not in block.text


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=4096))
def test_any_bytes_read_as_markdown_give_blocks_or_a_clear_refusal(content: bytes) -> None:
    parser = LocalParser(max_bytes=1024 * 1024, max_pages=10)
    document = attempt(lambda: parser.parse(content, kind="markdown"))

    if isinstance(document, UnreadableDocument):
        assert document.reason == "no_text"
    else:
        assert document.blocks


def test_headings_carry_their_depth():
    text = "# Prices\n\n## Villas\n\ntext\n\nFlats\n-----\n\nmore\n\nAbout\n====="
    blocks = markdown_blocks(text)
    assert [(b.text, b.level) for b in blocks] == [
        ("Prices", 1), ("Villas", 2), ("text", 0), ("Flats", 2), ("more", 0), ("About", 1),
    ]  # fmt: skip
