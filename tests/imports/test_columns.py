import pytest

from leadflow.identity.drafts import LEAD_FIELDS
from leadflow.imports.columns import ColumnMap

EXPORT_HEADERS = {
    "first_name": ["First Name", "Given Name", "first_name", "FirstName", "Person - First name"],
    "last_name": ["Last Name", "Surname", "Family Name", "last_name"],
    "full_name": ["Name", "Full Name", "Contact Name", "Person - Name"],
    "email": [
        "Email", "E-mail Address", "Email 1 - Value", "E-mail 1 - Value", "Work Email",
        "email_address", "EmailAddress", "EMAIL", " Email ", "Email - Work",
    ],
    "phone": [
        "Phone", "Mobile Phone", "Mobile", "Cell", "Phone Number", "Business Phone",
        "Phone 1 - Value", "Primary Phone", "Work Direct Phone", "MobilePhone",
    ],
    "whatsapp": ["WhatsApp", "WhatsApp Number", "whatsapp_phone_number"],
    "title": ["Job Title", "Title", "Position", "Role", "Designation", "Organization Title"],
    "company": [
        "Company", "Company Name", "Account Name", "Organization", "Organisation",
        "Organization Name", "Organization 1 - Name",
    ],
    "website": [
        "Website", "Company Website", "Web Site", "Domain", "Company Domain", "Website URL",
        "Web Page",
    ],
    "industry": ["Industry"],
    "employee_count": [
        "Employees", "Number of Employees", "# Employees", "Company Size", "No. of Employees",
        "NumberOfEmployees",
    ],
    "annual_revenue": ["Annual Revenue", "Revenue", "AnnualRevenue"],
    "city": ["City", "Mailing City", "Address 1 - City"],
    "country": ["Country", "Country Code", "Country/Region"],
    "source": ["Lead Source", "Source", "Original Source", "LeadSource"],
    "time_zone": ["Time Zone", "Timezone", "TIMEZONE"],
    "consent": ["Consent", "Marketing Consent", "Email Opt In", "Opt In", "Opt-in"],
    "company_country": ["Company Country"],
}  # fmt: skip


@pytest.mark.parametrize(
    ("header", "field"),
    [(header, field) for field, headers in EXPORT_HEADERS.items() for header in headers],
)
def test_export_header_maps_to_its_field(header: str, field: str) -> None:
    columns = ColumnMap.from_header([header])

    assert columns.fields == {0: field}
    assert columns.custom == {}


def test_every_lead_field_is_found_by_its_own_name() -> None:
    columns = ColumnMap.from_header(list(LEAD_FIELDS))

    assert columns.fields == dict(enumerate(LEAD_FIELDS))


@pytest.mark.parametrize(
    "header", ["Email Status", "Email Opt Out", "E-mail 1 - Type", "URL", "Company City"]
)
def test_look_alike_headers_stay_custom(header: str) -> None:
    assert ColumnMap.from_header([header]).fields == {}


def test_a_salesforce_lead_export() -> None:
    header = ["First Name", "Last Name", "Title", "Company", "Email", "Phone", "Lead Source"]

    assert list(ColumnMap.from_header(header).fields.values()) == [
        "first_name", "last_name", "title", "company", "email", "phone", "source",
    ]  # fmt: skip


def test_a_second_column_for_a_field_becomes_custom() -> None:
    columns = ColumnMap.from_header(["Phone", "Email", "Mobile Phone", "E-mail Address"])

    assert columns.fields == {0: "phone", 1: "email"}
    assert columns.custom == {2: "mobile_phone", 3: "e_mail_address"}


def test_unknown_headers_become_custom_fields() -> None:
    columns = ColumnMap.from_header(["Email", "Lead Score (%)", "Téléphone portable", ""])

    assert columns.custom == {1: "lead_score", 2: "telephone_portable", 3: "column_4"}


def test_custom_keys_are_unique() -> None:
    header = ["Notes", "notes", "Notes!", "a", "a", "a_2", "", "column_7", "東京"]

    keys = list(ColumnMap.from_header(header).custom.values())

    assert keys == [
        "notes", "notes_2", "notes_3", "a", "a_2", "a_2_2", "column_7", "column_7_2", "column_9",
    ]  # fmt: skip


def test_custom_keys_are_at_most_64_characters() -> None:
    long_header = "Very long column " * 10

    keys = list(ColumnMap.from_header([long_header, long_header + "!"]).custom.values())

    assert keys[0] == ("very_long_column_" * 4)[:64]
    assert keys[1] == keys[0][:62] + "_2"


def test_an_override_wins_over_the_header_name() -> None:
    columns = ColumnMap.from_header(
        ["Phone", "Mobile Phone", "Notes"], {"Mobile Phone": "phone", "Notes": "title"}
    )

    assert columns.fields == {1: "phone", 2: "title"}
    assert columns.custom == {0: "phone"}


@pytest.mark.parametrize("target", ["ignore", ""])
def test_an_override_can_leave_a_column_out(target: str) -> None:
    columns = ColumnMap.from_header(["Title", "Job Title", "Notes"], {"Title": target})

    assert columns.fields == {1: "title"}
    assert columns.custom == {2: "notes"}
    assert columns.describe() == {"Title": "ignore", "Job Title": "title", "Notes": "custom:notes"}


def test_an_override_can_keep_a_named_column_as_a_custom_field() -> None:
    columns = ColumnMap.from_header(["Email", "Source", "Lead Source"], {"Source": "custom"})

    assert columns.fields == {0: "email", 2: "source"}
    assert columns.custom == {1: "source"}
    assert columns.describe() == {
        "Email": "email", "Source": "custom:source", "Lead Source": "source",
    }  # fmt: skip


def test_an_override_to_an_unknown_field_is_refused() -> None:
    with pytest.raises(ValueError, match=r"'Notes' cannot be mapped to 'remarks'.*first_name"):
        ColumnMap.from_header(["Email", "Notes"], {"Notes": "remarks"})


def test_split_gives_lead_fields_and_non_empty_custom_fields() -> None:
    columns = ColumnMap.from_header(["Email", "First Name", "Notes", "Score"])

    fields, custom = columns.split(["ann@example.com", "", "called twice", ""])

    assert fields == {"email": "ann@example.com", "first_name": None}
    assert custom == {"notes": "called twice"}


def test_split_of_ragged_rows() -> None:
    columns = ColumnMap.from_header(["Email", "Notes", "First Name"])

    assert columns.width == 3
    assert columns.split(["ann@example.com"]) == (
        {"email": "ann@example.com", "first_name": None},
        {},
    )
    assert columns.split(["ann@example.com", "", "Ann", "extra"]) == (
        {"email": "ann@example.com", "first_name": "Ann"},
        {},
    )


def test_describe_shows_the_mapping() -> None:
    columns = ColumnMap.from_header(["E-mail Address", "Phone", "Mobile", "Fav Color"])

    assert columns.describe() == {
        "E-mail Address": "email",
        "Phone": "phone",
        "Mobile": "custom:mobile",
        "Fav Color": "custom:fav_color",
    }
