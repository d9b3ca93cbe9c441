"""Which company an arrival names: domain first, then the exact name key, then a close name."""

from __future__ import annotations

from leadflow.identity.companies import CompanyResolver
from leadflow.identity.drafts import CompanyDraft
from leadflow.identity.keys import company_name_key


def company(name: str, domain: str | None = None) -> CompanyDraft:
    return CompanyDraft(name=name, name_key=company_name_key(name), domain=domain)


def resolve(session, workspace, *drafts: CompanyDraft) -> list[int | None]:
    ids = CompanyResolver(session, workspace.id).ensure(list(drafts))
    session.commit()
    return ids


def test_the_same_domain_is_the_same_company_whatever_the_name(session, workspace):
    first, second = resolve(
        session, workspace, company("Acme", "acme.com"), company("ACME Corp", "acme.com")
    )
    assert first == second


def test_a_misspelt_name_finds_the_company_in_a_later_request(session, workspace):
    (original,) = resolve(session, workspace, company("Northwind Analytics"))
    (misspelt,) = resolve(session, workspace, company("Northwind Analytcs"))
    assert misspelt == original


def test_a_misspelt_name_finds_its_company_beside_a_known_name_of_the_same_block(
    session, workspace
):
    known, other = resolve(
        session, workspace, company("Northgate Holdings"), company("Northgate Trading")
    )
    # A later import meets the first by its exact name, then the second misspelt: finding the
    # first must not stop it from reading the rest of their block from the database.
    exact, misspelt = resolve(
        session, workspace, company("Northgate Holdings"), company("Northgate Tradng")
    )
    assert (exact, misspelt) == (known, other)


def test_a_misspelt_name_finds_a_company_made_earlier_in_the_same_batch(session, workspace):
    first, second = resolve(
        session, workspace, company("Brightpath Logistics"), company("Brightpath Logistcs")
    )
    assert first == second


def test_a_close_name_with_another_website_is_another_company(session, workspace):
    first, second = resolve(
        session,
        workspace,
        company("Helix Health", "helix.com"),
        company("Helix Healths", "helixhealths.com"),
    )
    assert first != second


def test_a_close_name_with_other_numbers_is_another_company(session, workspace):
    first, second = resolve(
        session, workspace, company("Summit Labs 12"), company("Summit Labs 13")
    )
    assert first != second


def test_unrelated_names_stay_apart(session, workspace):
    first, second = resolve(
        session, workspace, company("Acme Industries"), company("Acme Insurance")
    )
    assert first != second


def test_no_company_is_none(session, workspace):
    assert resolve(session, workspace, None) == [None]  # type: ignore[arg-type]


def test_stored_facts_are_a_companys_as_stored_even_one_found_by_a_close_name(session, workspace):
    filled = CompanyDraft(
        name="Northwind Analytics", name_key=company_name_key("Northwind Analytics"),
        industry="Software", employee_count=120,
    )  # fmt: skip
    (known,) = resolve(session, workspace, filled)
    resolver = CompanyResolver(session, workspace.id)
    (close,) = resolver.ensure([company("Northwind Analytcs")])
    (new,) = resolver.ensure([company("Contoso", "contoso.com")])
    assert close == known
    assert resolver.stored_facts({known, new}) == {
        known: ("Northwind Analytics", None, "Software", 120, None, None),
        new: ("Contoso", "contoso.com", None, None, None, None),
    }
