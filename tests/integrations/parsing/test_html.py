"""Web pages: the main text only, headings kept, every kind of boilerplate left out."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadflow.integrations.parsing import Block, ParsedDocument, UnreadableDocument
from leadflow.integrations.parsing.local import LocalParser
from tests.integrations.parsing.documents import ARABIC, ARABIC_HEADING, BODY, attempt

# Every piece of boilerplate carries a marker word that must not reach the blocks.
BOILERPLATE_PAGE = f"""<!DOCTYPE html>
<html lang="en" class="cookies-enabled js">
<head>
  <title>Riyadh Homes | Apartments for sale</title>
  <meta property="og:title" content="Apartments in Riyadh">
  <style>.MARKER_STYLE {{ color: red }}</style>
  <script>window.tracker = "MARKER_SCRIPT";</script>
</head>
<body>
  <header class="site-header"><a href="/">Riyadh Homes MARKER_HEADER</a>
    <nav><a href="/buy">Buy</a> <a href="/rent">Rent</a> MARKER_NAV</nav>
  </header>
  <div id="cookie-banner">We use cookies MARKER_COOKIE <button>Accept all</button></div>
  <div class="consent-dialog" role="dialog">Your privacy MARKER_CONSENT</div>
  <noscript>Enable JavaScript MARKER_NOSCRIPT</noscript>
  <div class="layout">
    <div class="sidebar">
      <ul>
        <li><a href="/blog/1">Ten tips for first-time buyers in the city MARKER_SIDEBAR</a></li>
        <li><a href="/blog/2">How mortgages work in Saudi Arabia MARKER_SIDEBAR</a></li>
      </ul>
    </div>
    <div class="content">
      <h1>Apartments in Riyadh</h1>
      <p>{BODY}</p>
      <h2>Prices</h2>
      <p>Two-bedroom apartments start at 850,000 SAR, with <b>flexible</b> payment plans
         spread over <em>five</em> years.</p>
      <table>
        <tr><th>Type</th><th>Price</th></tr>
        <tr><td>Studio</td><td>450,000 SAR</td></tr>
      </table>
      <h2 dir="rtl">{ARABIC_HEADING}</h2>
      <p dir="rtl">{ARABIC}</p>
      <ul><li>Parking included</li><li>Security around the clock</li></ul>
      <div style="display: none">MARKER_HIDDEN</div>
      <p hidden>MARKER_HIDDEN</p>
      <form><label>Your e-mail MARKER_FORM</label><input name="email"></form>
    </div>
    <aside>Related listings MARKER_ASIDE</aside>
  </div>
  <footer>© 2026 Riyadh Homes MARKER_FOOTER <a href="/privacy">Privacy</a></footer>
</body>
</html>"""


def read(page: str | bytes) -> ParsedDocument:
    content = page.encode() if isinstance(page, str) else page
    return LocalParser(max_bytes=1024 * 1024, max_pages=10).parse(content, kind="html")


def test_a_boilerplate_heavy_page_gives_its_main_text_only() -> None:
    document = read(BOILERPLATE_PAGE)

    assert document.title == "Apartments in Riyadh"
    assert (document.parser, document.kind) == ("local", "html")
    assert document.blocks == (
        Block("Apartments in Riyadh", heading=True),
        Block(BODY),
        Block("Prices", heading=True),
        Block(
            "Two-bedroom apartments start at 850,000 SAR, with flexible payment plans spread "
            "over five years."
        ),
        Block("Type | Price"),
        Block("Studio | 450,000 SAR"),
        Block(ARABIC_HEADING, heading=True),
        Block(ARABIC),
        Block("Parking included"),
        Block("Security around the clock"),
    )
    assert "MARKER" not in " ".join(block.text for block in document.blocks)


def test_main_is_preferred_and_an_articles_own_header_kept() -> None:
    page = f"""<html><body>
      <div><p>{BODY} An introduction that is long but outside the main content.</p></div>
      <main><article>
        <header><h1>Viewing day</h1><p>Posted on 3 May</p></header>
        <p>Come and see the new towers.</p>
        <footer>Filed under news</footer>
      </article></main>
    </body></html>"""

    assert read(page).blocks == (
        Block("Viewing day", heading=True),
        Block("Posted on 3 May"),
        Block("Come and see the new towers."),
        Block("Filed under news"),
    )


def test_a_sections_own_header_is_content_the_sites_is_not() -> None:
    page = f"""<html><body>
      <header><a href="/">Riyadh Homes</a> Call us MARKER_SITE</header>
      <section><header><h2>Prices</h2></header><p>{BODY}</p></section>
      <section><header><h2>Viewings</h2></header><p>Book a viewing online, any day.</p></section>
    </body></html>"""

    assert read(page).blocks == (
        Block("Prices", heading=True),
        Block(BODY),
        Block("Viewings", heading=True),
        Block("Book a viewing online, any day."),
    )


def test_role_main_marks_the_content_too() -> None:
    page = f'<html><body><div>Menu</div><div role="main"><p>{BODY}</p></div></body></html>'

    assert read(page).blocks == (Block(BODY),)


def test_several_articles_are_a_listing_read_by_density() -> None:
    page = f"""<html><body>
      <div class="links"><p><a href="/a">A link that goes elsewhere on this website</a></p>
        <p><a href="/b">Another link that goes elsewhere on this site</a></p></div>
      <section>
        <article><p>{BODY}</p></article>
        <article><p>Villas in Jeddah are listed from 2,100,000 SAR with sea views.</p></article>
      </section>
    </body></html>"""

    assert read(page).blocks == (
        Block(BODY),
        Block("Villas in Jeddah are listed from 2,100,000 SAR with sea views."),
    )


def test_the_title_falls_back_to_the_title_element_then_the_first_heading() -> None:
    assert (
        read("<html><head><title> Our  FAQ </title></head><body><p>x</p></body></html>").title
        == "Our FAQ"
    )
    assert read("<html><body><h2>Opening hours</h2><p>9 to 6.</p></body></html>").title == (
        "Opening hours"
    )


def test_a_layout_table_is_read_as_paragraphs_not_as_one_row() -> None:
    page = f"""<html><body><table><tr>
      <td><p>Menu</p></td>
      <td><h1>Our agency</h1><p>{BODY}</p><p>We also manage rentals.</p></td>
    </tr></table></body></html>"""

    assert read(page).blocks[-3:] == (
        Block("Our agency", heading=True),
        Block(BODY),
        Block("We also manage rentals."),
    )


def test_text_directly_in_a_div_and_line_breaks() -> None:
    page = "<html><body><div>Call us<br>on 920000000 <span>any day</span></div></body></html>"

    assert read(page).blocks == (Block("Call us on 920000000 any day"),)


def test_an_older_arabic_page_in_its_declared_encoding() -> None:
    page = f'<html><head><meta charset="windows-1256"></head><body><p>{ARABIC}</p></body></html>'

    assert read(page.encode("cp1256")).blocks == (Block(ARABIC),)


def test_utf8_wins_over_a_wrong_declaration() -> None:
    page = f'<html><head><meta charset="iso-8859-1"></head><body><p>{ARABIC}</p></body></html>'

    assert read(page.encode()).blocks == (Block(ARABIC),)


def test_a_page_with_nothing_but_boilerplate_has_no_text() -> None:
    with pytest.raises(UnreadableDocument) as caught:
        read("<html><body><nav>Home</nav><script>x()</script><footer>(c)</footer></body></html>")

    assert caught.value.reason == "no_text"


def test_deeply_nested_markup_is_read_without_recursion() -> None:
    page = "<div>" * 5000 + "<p>Deep inside.</p>" + "</div>" * 5000

    assert read(page).blocks == (Block("Deep inside."),)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["<div>", "</div>", "<p>", "</p>", "<nav>", "<main>", "<table><tr><td>", "<h2>",
             "<script>", "<br>", "text ", "نص ", "<!--", "-->", "&amp;", "<", ">", "\x00"]
        ),
        max_size=60,
    ).map("".join)
)  # fmt: skip
def test_any_markup_gives_blocks_or_a_clear_refusal(page: str) -> None:
    document = attempt(lambda: read(page))

    if isinstance(document, UnreadableDocument):
        assert document.reason == "no_text"
    else:
        assert all(block.text == " ".join(block.text.split()) for block in document.blocks)
