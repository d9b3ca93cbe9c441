"""Imports forgive: a bad optional field is left blank with a warning, not a rejected row;
placeholders such as "n/a" are blanks; the phone country is chosen per import; Arabic headers
and Windows-1256 files import; rejections are grouped by reason; the rejected rows download
under the file's own columns and import again once fixed."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from leadflow.exceptions import BadRequest
from leadflow.identity.drafts import InvalidLead
from leadflow.imports import summary
from leadflow.imports.columns import ColumnMap
from leadflow.imports.parsing import PLACEHOLDERS, RowCells, forgiving_draft
from leadflow.imports.reader import sniff
from leadflow.imports.schemas import ImportJobOut
from leadflow.imports.service import (
    ImportReport,
    ImportRun,
    open_import,
    phone_region,
    rejections_csv,
)
from leadflow.models import ImportJob, Workspace
from tests.builders import make_workspace
from tests.imports.support import counts, lead_by_email, leads, rejections, table, write

CRM_HEADER = ("Email", "Full Name", "Mobile Phone", "Website", "Employees", "Created Date")
# A CRM export from a Saudi company: "n/a" phones, one US number written without +1, a site
# that is no site, a company size in words. Every row has a good email: every row is kept.
CRM_ROWS = [
    ("sara@example.sa", "Sara Ali", "0501234567", "example.sa", "11-50", "2026-01-05"),  # 2
    ("omar@example.sa", "Omar Saleh", "n/a", "", "", ""),  # 3
    ("jim@example.com", "Jim Hill", "(415) 555-2671", "", "", ""),  # 4: a US number
    ("lina@example.sa", "Lina Fahad", "N/A", "not a website", "lots", ""),  # 5
    ("huda@example.sa", "Huda Nasser", "-", "null", "none", "--"),  # 6
    ("fay@example.sa", "Fay Ahmad", "لا يوجد", "؟", "", "nil"),  # 7
]


def import_file(
    session: Session, workspace: Workspace, path: Path, *, region: str | None = None
) -> tuple[ImportJob, ImportReport]:
    job = open_import(session, workspace=workspace, path=path, region=region)
    session.commit()
    report = ImportRun(job.id, chunk_rows=2).run()
    session.expire_all()
    stored = session.get(ImportJob, job.id)
    assert stored is not None
    return stored, report


def test_a_crm_export_keeps_every_row_with_warnings_for_its_bad_optional_fields(session, tmp_path):
    workspace = make_workspace(session, region="SA")
    path = write(tmp_path, table(CRM_HEADER, CRM_ROWS))

    job, report = import_file(session, workspace, path)

    assert counts(report) == (6, 6, 0, 0)
    warnings = [(w["line"], w["field"]) for w in job.column_map["warnings"]]
    assert warnings == [(4, "phone"), (5, "website")]
    assert job.column_map["warned_rows"] == 2
    assert lead_by_email(session, workspace.id, "sara@example.sa").phone == "+966501234567"
    assert lead_by_email(session, workspace.id, "jim@example.com").phone is None
    for email in ("omar@example.sa", "lina@example.sa", "huda@example.sa", "fay@example.sa"):
        assert lead_by_email(session, workspace.id, email).phone is None  # blanks, no warning
    record = ImportJobOut.model_validate(job)
    assert record.warned == 2
    assert [(g.reason, g.count, g.lines) for g in record.warning_reasons] == [
        ("phone: not a valid phone number for its country", 1, [4]),
        ("website: not a website", 1, [5]),
    ]


def test_the_phone_country_is_chosen_per_import(session, tmp_path):
    workspace = make_workspace(session, region="SA")
    path = write(tmp_path, table(CRM_HEADER, CRM_ROWS[2:3]))

    job, report = import_file(session, workspace, path, region="US")

    assert counts(report) == (1, 1, 0, 0)
    assert job.column_map["phone_region"] == "US"
    assert ImportJobOut.model_validate(job).phone_region == "US"
    assert lead_by_email(session, workspace.id, "jim@example.com").phone == "+14155552671"


@pytest.mark.parametrize(
    ("given", "region"), [("SA", "SA"), ("sa", "SA"), ("Saudi Arabia", "SA"), ("", None)]
)
def test_a_phone_country_is_a_code_or_a_country_name(given, region):
    assert phone_region(given) == region


def test_a_phone_country_that_is_no_country_is_refused():
    with pytest.raises(BadRequest, match="not a country"):
        phone_region("Atlantis")


@pytest.mark.parametrize("placeholder", sorted(PLACEHOLDERS))
def test_placeholders_are_blanks_not_errors(placeholder):
    cells = ColumnMap.from_header(["Email", "Phone", "Website", "Employees"])

    fields, _ = RowCells(cells).read(["ann@example.com", placeholder, placeholder, placeholder])

    assert fields == {"email": "ann@example.com"}


def test_a_name_may_be_na():
    cells = ColumnMap.from_header(["Email", "Last Name"])

    fields, _ = RowCells(cells).read(["ann@example.com", "Na"])

    assert fields == {"email": "ann@example.com", "last_name": "Na"}


def test_a_bad_email_with_a_good_phone_keeps_the_row():
    draft, refused = forgiving_draft(
        {"email": "jane(at)example.com", "phone": "+1 415 555 0134", "full_name": "Jane Doe"},
        region="US",
        custom_fields={},
    )

    assert (draft.email, draft.phone, draft.first_name) == (None, "+14155550134", "Jane")
    assert list(refused) == ["email"]


def test_a_row_nothing_identifies_is_rejected_with_the_reasons_of_its_fields():
    with pytest.raises(InvalidLead) as refused:
        forgiving_draft(
            {"email": "bad-email", "full_name": "Bad Row", "website": "nope"},
            region="US",
            custom_fields={},
        )

    assert set(refused.value.reasons) == {"email", "website"}


ARABIC_HEADER = (
    "الاسم الكامل", "البريد الالكتروني", "رقم الجوال", "الشركة", "المسمى الوظيفي", "المدينة",
    "الدولة", "الموقع", "ملاحظات",
)  # fmt: skip
ARABIC_ROWS = [
    ("محمد العتيبي", "mohammed@example.sa", "0501234567", "شركة الرياض", "مدير المبيعات",
     "الرياض", "السعودية", "riyadh.example.sa", "عميل مهم"),
    ("سارة القحطاني", "sara@example.sa", "لا يوجد", "", "", "جدة", "", "", ""),
]  # fmt: skip


def test_a_windows_1256_file_with_arabic_headers_imports(session, tmp_path):
    workspace = make_workspace(session, region="SA")
    path = write(tmp_path, table(ARABIC_HEADER, ARABIC_ROWS).encode("cp1256"))

    job, report = import_file(session, workspace, path)

    assert job.encoding == "cp1256"
    assert job.column_map["mapping"] == {
        "الاسم الكامل": "full_name",
        "البريد الالكتروني": "email",
        "رقم الجوال": "phone",
        "الشركة": "company",
        "المسمى الوظيفي": "title",
        "المدينة": "city",
        "الدولة": "country",
        "الموقع": "website",
        "ملاحظات": "custom:notes",
    }
    assert counts(report) == (2, 2, 0, 0)
    mohammed = lead_by_email(session, workspace.id, "mohammed@example.sa")
    assert (mohammed.first_name, mohammed.last_name) == ("محمد", "العتيبي")
    assert (mohammed.phone, mohammed.title, mohammed.city) == (
        "+966501234567",
        "مدير المبيعات",
        "الرياض",
    )
    assert mohammed.custom_fields == {"notes": "عميل مهم"}
    assert job.column_map.get("warnings", []) == []


def test_arabic_headers_match_however_alef_and_teh_marbuta_are_written():
    mapped = ColumnMap.from_header(
        ["الإسم الأول", "اسم العائله", "الايميل", "الهاتف", "الـشركة", "الدوله"]
    ).describe()

    assert list(mapped.values()) == [
        "first_name", "last_name", "email", "phone", "company", "country",
    ]  # fmt: skip


def test_a_cp1252_latin_file_stays_cp1252(tmp_path):
    text = table(("First Name", "Email"), [("José", "j@example.com"), ("Zoë", "z@example.com")])

    assert sniff(write(tmp_path, text.encode("cp1252"))).encoding == "cp1252"


REJECTING_HEADER = ("Full Name", "Email", "Phone", "Company")
REJECTING_ROWS = [
    ("Ann Lee", "ann@example.com", "", ""),  # 2
    ("Bad One", "bad-email", "", ""),  # 3
    ("Nobody", "", "", ""),  # 4
    ("Bad Two", "x@", "", ""),  # 5
    ("=1+2", "also bad", "", ""),  # 6
]


def test_rejections_are_grouped_by_reason_with_their_first_lines(session, tmp_path):
    workspace = make_workspace(session)
    path = write(tmp_path, table(REJECTING_HEADER, REJECTING_ROWS))

    job, report = import_file(session, workspace, path)

    assert counts(report) == (5, 1, 0, 4)
    record = ImportJobOut.model_validate(job)
    assert [(g.reason, g.count, g.lines) for g in record.rejection_reasons] == [
        ("email: not an email address", 3, [3, 5, 6]),
        ("lead: needs an email, a phone or a WhatsApp number, or a name and a company", 1, [4]),
    ]


def test_groups_keep_their_first_lines_only():
    refusals = [{"line": line, "reason": f"phone: bad: '{line}'"} for line in range(2, 40)]

    groups = summary.grouped(None, refusals)

    assert groups == {"phone: bad": {"count": 38, "lines": [2, 3, 4, 5, 6]}}


def test_the_rejected_rows_import_again_once_fixed(session, tmp_path):
    workspace = make_workspace(session)
    path = write(tmp_path, table(REJECTING_HEADER, REJECTING_ROWS))
    job, _ = import_file(session, workspace, path)

    written = list(csv.reader(io.StringIO("".join(rejections_csv(job.id)), newline="")))

    assert written[0] == [*REJECTING_HEADER, "reason"]
    assert [row[0] for row in written[1:]] == ["Bad One", "Nobody", "Bad Two", "'=1+2"]
    fixes = {"Bad One": "one@example.com", "Nobody": "nobody@example.com", "Bad Two": "two@x.com"}
    fixed = [[row[0], fixes.get(row[0], "formula@example.com"), *row[2:4]] for row in written[1:]]
    again = write(tmp_path, table(REJECTING_HEADER, fixed), name="fixed.csv")

    second, report = import_file(session, workspace, again)

    assert counts(report) == (4, 4, 0, 0)
    assert rejections(session, second.id) == []
    assert len(leads(session, workspace.id)) == 5
    formula = lead_by_email(session, workspace.id, "formula@example.com")
    assert formula.first_name == "=1+2"  # defused in the download, read back as written
