"""The keys identity resolution compares: email, website domain, company and person names."""

from __future__ import annotations

import string

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from leadflow.identity.keys import (
    InvalidWebsite,
    company_name_key,
    normalize_domain,
    person_name_key,
)
from leadflow.kit.emails import InvalidEmail, mailbox_key, normalize_email

label = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True).filter(
    lambda text: text != "www"
)
hosts = st.builds(
    lambda labels, tld: ".".join([*labels, tld]),
    st.lists(label, min_size=1, max_size=3),
    st.from_regex(r"[a-z]{2,6}", fullmatch=True),
)


@st.composite
def written_emails(draw: st.DrawFn) -> tuple[str, str]:
    """(a valid address as a form delivers it, the tidy address normalize_email should give)."""
    local, _, domain = draw(st.emails()).rpartition("@")
    written_domain = "".join(c.upper() if draw(st.booleans()) else c for c in domain)
    wrapping = draw(st.sampled_from(("{}", "<{}>", "mailto:{}", " {} ", "\t<{}>\n")))
    return wrapping.format(f"{local}@{written_domain}"), f"{local}@{domain.lower()}"


email_like_text = st.text(
    st.sampled_from(string.ascii_letters + string.digits + "@.+-_<>\"' ü") | st.characters(),
    max_size=40,
)


# --- normalize_email ------------------------------------------------------------------------


@settings(max_examples=600)
@given(raw=written_emails().map(lambda written: written[0]) | email_like_text | st.text())
def test_normalize_email_gives_a_lowercase_key_or_refuses(raw: str) -> None:
    try:
        email, key = normalize_email(raw)
    except InvalidEmail:
        return
    domain = email.rpartition("@")[2]
    assert email.count("@") == 1
    assert key.count("@") == 1
    assert key == key.lower()
    assert domain == domain.lower()
    assert email.isascii()
    assert key.rpartition("@")[2] in (domain, "gmail.com")
    assert normalize_email(email) == (email, key)


@settings(max_examples=300)
@given(written=written_emails())
def test_normalize_email_accepts_valid_addresses_and_is_idempotent(
    written: tuple[str, str],
) -> None:
    raw, tidy = written
    email, key = normalize_email(raw)
    assert email == tidy
    assert normalize_email(email) == (email, key)


def gmail_address(names: list[str], tag: str | None, domain: str) -> str:
    return ".".join(names) + (f"+{tag}" if tag is not None else "") + "@" + domain


@settings(max_examples=200)
@given(
    names=st.lists(
        st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,6}", fullmatch=True), min_size=1, max_size=3
    ),
    tag=st.none() | st.from_regex(r"[A-Za-z0-9+-]{0,8}", fullmatch=True),
    domain=st.sampled_from(("gmail.com", "GMail.com", "googlemail.com")),
)
def test_gmail_dots_and_tags_collapse_in_the_key_only(
    names: list[str], tag: str | None, domain: str
) -> None:
    raw = gmail_address(names, tag, domain)
    email, key = normalize_email(raw)
    assert email == gmail_address(names, tag, domain.lower())
    assert key == "".join(names).lower() + "@gmail.com"


@pytest.mark.parametrize(
    ("raw", "email", "key"),
    [
        ("Jane.Doe@Acme.COM", "Jane.Doe@acme.com", "jane.doe@acme.com"),
        ("  <jane@acme.io>  ", "jane@acme.io", "jane@acme.io"),
        ("mailto:Jane@Acme.io", "Jane@acme.io", "jane@acme.io"),
        ("MAILTO:jane@acme.io", "jane@acme.io", "jane@acme.io"),
        ("J.Doe+news@Gmail.com", "J.Doe+news@gmail.com", "jdoe@gmail.com"),
        ("j.doe@googlemail.com", "j.doe@googlemail.com", "jdoe@gmail.com"),
        ("j.doe+x@outlook.com", "j.doe+x@outlook.com", "j.doe+x@outlook.com"),
        ("o'brien@acme.ie", "o'brien@acme.ie", "o'brien@acme.ie"),
        ("sales@münchen.de", "sales@xn--mnchen-3ya.de", "sales@xn--mnchen-3ya.de"),
        ("info@شركة.com", "info@xn--ogbpi5d.com", "info@xn--ogbpi5d.com"),
        ("ceo@sub.acme.co.uk", "ceo@sub.acme.co.uk", "ceo@sub.acme.co.uk"),
    ],
)
def test_normalize_email_examples(raw: str, email: str, key: str) -> None:
    assert normalize_email(raw) == (email, key)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "jane",
        "jane@",
        "@acme.com",
        "jane@acme",
        "jane@@acme.com",
        "jane@acme..com",
        ".jane@acme.com",
        "jane.@acme.com",
        "ja..ne@acme.com",
        "jane doe@acme.com",
        "jane@-acme.com",
        "jane@acme.c",
        "jane@acme.123",
        '"jane doe"@acme.com',  # quoted local parts: valid RFC 5322, refused here
        "josé@acme.com",  # non-ASCII local part
        "jane@acme.com, joe@acme.com",
        "a" * 65 + "@acme.com",
        "jane@" + ("a" * 60 + ".") * 5 + "com",  # 313 characters
    ],
)
def test_normalize_email_refuses(raw: str) -> None:
    with pytest.raises(InvalidEmail, match=r"."):
        normalize_email(raw)


@pytest.mark.parametrize("raw", ["+jane@gmail.com", "+@googlemail.com"])
def test_gmail_key_keeps_a_mailbox_name(raw: str) -> None:
    try:
        _, key = normalize_email(raw)
    except InvalidEmail:
        return
    assert key.partition("@")[0]


def test_normalized_email_stays_within_254_characters() -> None:
    raw = "jane@" + "ü." * 100 + "com"  # 209 characters as written, 812 once punycoded
    try:
        email, _ = normalize_email(raw)
    except InvalidEmail:
        return
    assert len(email) <= 254


@pytest.mark.parametrize(
    ("local", "domain", "key"),
    [
        ("J.Doe+news", "gmail.com", "jdoe@gmail.com"),
        ("J.Doe+news", "googlemail.com", "jdoe@gmail.com"),
        ("J.Doe+news", "acme.com", "j.doe+news@acme.com"),
    ],
)
def test_mailbox_key(local: str, domain: str, key: str) -> None:
    assert mailbox_key(local, domain) == key


# --- normalize_domain -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "acme.com",
        "ACME.com",
        "www.acme.com",
        "acme.com.",
        "https://acme.com",
        "http://www.Acme.com/",
        "https://www.acme.com/about/team?ref=ad#top",
        "acme.com/pricing",
        "acme.com?utm_source=x",
        "acme.com#contact",
        "https://acme.com:8443/x",
        "acme.com:80",
        "https://user:secret@www.acme.com:8080/path",
        "ftp://files@acme.com",
        "  HTTPS://WWW.ACME.COM  ",
    ],
)
def test_normalize_domain_takes_the_bare_host(raw: str) -> None:
    assert normalize_domain(raw) == "acme.com"


@pytest.mark.parametrize(
    ("raw", "domain"),
    [
        ("https://shop.acme.co.uk/", "shop.acme.co.uk"),
        ("https://münchen.de", "xn--mnchen-3ya.de"),
        ("xn--mnchen-3ya.de", "xn--mnchen-3ya.de"),
        ("my-company.io", "my-company.io"),
    ],
)
def test_normalize_domain_keeps_subdomains_and_punycodes(raw: str, domain: str) -> None:
    assert normalize_domain(raw) == domain


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "n/a",
        "acme",
        "localhost",
        "http://",
        "https:///path",
        "1.2.3.4",
        "[::1]",
        "www.com",
        "acme .com",
        "-acme.com",
        "acme-.com",
        "acme..com",
        "acme.c",
        "acme.123",
        "a" * 64 + ".com",
        "we don't have one",
    ],
)
def test_normalize_domain_refuses_junk(raw: str) -> None:
    with pytest.raises(InvalidWebsite, match=r"not a website"):
        normalize_domain(raw)


@settings(max_examples=300)
@given(
    scheme=st.sampled_from(("", "http://", "https://", "HTTPS://")),
    userinfo=st.sampled_from(("", "user@", "user:pw@")),
    www=st.sampled_from(("", "www.", "WWW.")),
    host=hosts,
    port=st.sampled_from(("", ":80", ":8443")),
    rest=st.sampled_from(("", "/", "/a/b", "?q=1", "#x", "/a?b=c#d")),
)
def test_normalize_domain_finds_the_host_in_any_url(
    scheme: str, userinfo: str, www: str, host: str, port: str, rest: str
) -> None:
    url = f"{scheme}{userinfo}{www}{host.upper()}{port}{rest}"
    assert normalize_domain(url) == host


@settings(max_examples=600)
@given(raw=st.text() | st.text(st.sampled_from(string.printable + "üß.:/@"), max_size=40))
def test_normalize_domain_refuses_only_with_invalid_website(raw: str) -> None:
    try:
        domain = normalize_domain(raw)
    except InvalidWebsite:
        return
    assert domain == domain.lower()
    assert domain.isascii()
    assert "." in domain
    assert normalize_domain(f"https://www.{domain}/") == domain


# --- company_name_key -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Acme", "acme"),
        ("ACME, Inc.", "acme"),
        ("Acme Incorporated", "acme"),
        ("Acme LLC", "acme"),
        ("Acme Ltd.", "acme"),
        ("Acme Limited", "acme"),
        ("Acme GmbH", "acme"),
        ("Acme S.A.", "acme"),
        ("Acme, S.A.S.", "acme"),
        ("Acme Co.", "acme"),
        ("Acme Co., Ltd.", "acme"),
        ("Acme Corp", "acme"),
        ("The Acme Company", "acme"),
        ("the acme", "acme"),
        ("Café Nöel Ltd", "cafe noel"),
        ("Société Générale S.A.", "societe generale"),
        ("Johnson & Johnson", "johnson and johnson"),
        ("AT&T Inc.", "at and t"),
        ("  Acme   Trading  ", "acme trading"),
        ("U.K. Acme", "uk acme"),
        ("شركة المراعي", "شركة المراعي"),
        ("شَرِكَة المراعي", "شركة المراعي"),  # harakat are dropped like accents
        ("株式会社トヨタ", "株式会社トヨタ"),
        ("Inc.", "inc"),  # a name that is only a suffix keeps it
        ("The", "the"),
        ("", ""),
        ("---", ""),
    ],
)
def test_company_name_key_examples(name: str, key: str) -> None:
    assert company_name_key(name) == key


def math_bold(text: str) -> str:
    """``text`` in MATHEMATICAL BOLD letters, as "fancy font" generators write names."""
    return "".join(
        chr(0x1D400 + ord(c) - ord("A"))
        if "A" <= c <= "Z"
        else chr(0x1D41A + ord(c) - ord("a"))
        if "a" <= c <= "z"
        else c
        for c in text
    )


ascii_names = st.text(st.sampled_from(string.ascii_letters + string.digits + " .,&'-"))


@settings(max_examples=500)
@given(name=ascii_names)
def test_company_name_key_ignores_ascii_case(name: str) -> None:
    assert company_name_key(name.upper()) == company_name_key(name.lower())


@settings(max_examples=500)
@given(
    name=st.text() | ascii_names,
    suffix=st.sampled_from((" Inc.", ", LLC", " Ltd", " GmbH", " S.A.", " Co.", ", Inc")),
)
def test_company_name_key_drops_a_trailing_legal_suffix(name: str, suffix: str) -> None:
    assume(company_name_key(name))
    assert company_name_key(name + suffix) == company_name_key(name)


@settings(max_examples=500)
@given(name=st.text())
def test_company_name_key_is_single_spaced_words(name: str) -> None:
    key = company_name_key(name)
    assert key == " ".join(key.split())
    assert all(c.isalnum() or c == "_" for c in key.replace(" ", ""))


# company_name_key is not idempotent: "The The Acme" -> "the acme" -> "acme".


def test_company_name_key_folds_case_of_compatibility_letters() -> None:
    assert company_name_key(math_bold("ACME Inc.")) == "acme"


# --- person_name_key ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "key"),
    [
        ("John", "Smith", "john smith"),
        ("  JOHN ", "smith", "john smith"),
        ("José", "Núñez", "jose nunez"),
        ("Mary-Jane", "O'Neil", "mary jane o neil"),
        ("John", None, "john"),
        (None, "Smith", "smith"),
        ("محمد", "العتيبي", "محمد العتيبي"),
        (None, None, None),
        ("", "  ", None),
        ("-", ".", None),
    ],
)
def test_person_name_key_examples(first: str | None, last: str | None, key: str | None) -> None:
    assert person_name_key(first, last) == key


@settings(max_examples=500)
@given(first=ascii_names, last=ascii_names)
def test_person_name_key_ignores_ascii_case_and_spacing(first: str, last: str) -> None:
    assert person_name_key(first.upper(), f"  {last.lower()} ") == person_name_key(first, last)


def test_person_name_key_folds_case_of_compatibility_letters() -> None:
    assert person_name_key(math_bold("John"), math_bold("Smith")) == "john smith"
