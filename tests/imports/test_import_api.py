"""The import API: upload a file, poll the job it runs in the background, read its rejections."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import anyio
import httpx
import pytest
from sqlalchemy import select

from leadflow.app import create_app
from leadflow.db import get_sessionmaker
from leadflow.models import ImportJob, Job, JobState
from tests.builders import Api, make_api_key, make_workspace, settle_jobs
from tests.imports.support import leads, messy_crm_export, table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER = ("Full Name", "Email", "Handynummer")
ROWS = [
    ("Ann Lee", "ann@example.com", "(415) 555-2601"),  # line 2
    ("@SUM(1+1)", "bad-email", ""),  # line 3
    ("Bob Roy", "BOB@example.com", ""),  # line 4
    ("=1+2", "x@", ""),  # line 5
    ("Bob Roy", "bob@example.com", "415 555 2602"),  # line 6, merged
    ("-2+3", "", "12"),  # line 7
    ("Nobody", "", ""),  # line 8
    ("Cid Moe", "zed@", ""),  # line 9
]
REJECTED_LINES = [3, 5, 7, 8, 9]


def upload(api: Api, content: bytes, **form: str):
    files = {"file": ("my leads.csv", content, "text/csv")}
    return api.post("/api/v1/imports", files=files, data=form)


def finished(api: Api, import_id: int) -> dict:
    settle_jobs()
    response = api.get(f"/api/v1/imports/{import_id}")
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def leads_file() -> bytes:
    return table(HEADER, ROWS).encode("utf-8")


def test_an_upload_is_accepted_then_imported_in_the_background(api, leads_file):
    response = upload(api, leads_file)

    assert response.status_code == 202, response.text
    accepted = response.json()
    assert accepted["status"] == "queued"
    assert accepted["filename"] == "my leads.csv"
    assert (accepted["dry_run"], accepted["encoding"], accepted["delimiter"]) == (
        False,
        "utf-8",
        ",",
    )
    assert accepted["column_map"]["mapping"] == {
        "Full Name": "full_name",
        "Email": "email",
        "Handynummer": "custom:handynummer",
    }
    assert accepted["total_bytes"] == len(leads_file)

    job = finished(api, accepted["id"])

    assert job["status"] == "completed"
    assert job["progress_percent"] == 100.0
    assert job["processed_bytes"] == job["total_bytes"]
    assert (job["rows"], job["created"], job["merged"], job["rejected"]) == (8, 2, 1, 5)
    assert job["error"] is None
    assert job["started_at"] is not None
    assert job["finished_at"] is not None


def test_the_messy_crm_export_through_the_api(api):
    response = upload(api, messy_crm_export("cp1252"))
    assert response.status_code == 202, response.text

    job = finished(api, response.json()["id"])

    assert (job["rows"], job["created"], job["merged"], job["rejected"]) == (12, 7, 2, 3)
    assert (job["encoding"], job["delimiter"]) == ("cp1252", ";")
    refused = api.get(f"/api/v1/imports/{job['id']}/rejections").json()["items"]
    assert [r["line"] for r in refused] == [9, 12, 15]
    assert [(w["line"], w["field"]) for w in job["warnings"]] == [(10, "phone"), (19, "email")]
    assert job["warned"] == 2


def test_rejections_page_by_line(api, leads_file):
    import_id = upload(api, leads_file).json()["id"]
    finished(api, import_id)

    everything = api.get(f"/api/v1/imports/{import_id}/rejections").json()["items"]
    pages, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = api.get(f"/api/v1/imports/{import_id}/rejections", params=params).json()
        pages.append([r["line"] for r in page["items"]])
        if (cursor := page["next_cursor"]) is None:
            break

    assert [r["line"] for r in everything] == REJECTED_LINES
    assert pages == [[3, 5], [7, 8], [9]]
    first = everything[0]
    assert first == {
        "line": 3,
        "reason": "email: not an email address: 'bad-email'",
        "raw": "@SUM(1+1),bad-email,",
    }
    assert everything[1]["reason"] == "email: not an email address: 'x@'"
    assert everything[2]["reason"].startswith("lead: needs an email")  # Handynummer is custom


def test_rejections_download_as_csv_with_formulas_defused(api, leads_file):
    import_id = upload(api, leads_file).json()["id"]
    finished(api, import_id)

    response = api.get(f"/api/v1/imports/{import_id}/rejections.csv")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    written = list(csv.reader(io.StringIO(response.text, newline="")))
    assert written[0] == ["Full Name", "Email", "Handynummer", "reason"]
    assert [row[:-1] for row in written[1:]] == [
        ["'@SUM(1+1)", "bad-email", ""],
        ["'=1+2", "x@", ""],
        ["'-2+3", "", "12"],
        ["Nobody", "", ""],
        ["Cid Moe", "zed@", ""],
    ]
    assert written[1][-1] == "email: not an email address: 'bad-email'"
    for row in written:
        for value in row:
            assert not value.startswith(FORMULA_STARTS), value


def test_a_dry_run_reports_counts_and_creates_nothing(api, session, leads_file):
    response = upload(api, leads_file, dry_run="true")

    assert response.status_code == 202
    assert response.json()["dry_run"] is True
    job = finished(api, response.json()["id"])
    assert (job["status"], job["dry_run"]) == ("completed", True)
    assert (job["rows"], job["created"], job["merged"], job["rejected"]) == (8, 2, 1, 5)
    assert len(api.get(f"/api/v1/imports/{job['id']}/rejections").json()["items"]) == 5
    assert leads(session, api.workspace.id) == []


def test_columns_overrides_map_odd_headers(api, session, leads_file):
    response = upload(api, leads_file, columns=json.dumps({"Handynummer": "phone"}))

    assert response.status_code == 202, response.text
    assert response.json()["column_map"]["mapping"]["Handynummer"] == "phone"
    job = finished(api, response.json()["id"])
    assert (job["rows"], job["created"], job["merged"], job["rejected"]) == (8, 2, 1, 5)
    phones = sorted(lead.phone for lead in leads(session, api.workspace.id))
    assert phones == ["+14155552601", "+14155552602"]
    refused = api.get(f"/api/v1/imports/{job['id']}/rejections").json()["items"]
    assert refused[2]["line"] == 7
    assert refused[2]["reason"] == "phone: not a valid phone number for its country: '12'"


def test_a_named_column_can_be_kept_as_a_custom_field(api, session, leads_file):
    columns = json.dumps({"Full Name": "custom"})
    response = upload(api, leads_file, columns=columns)

    assert response.status_code == 202, response.text
    assert response.json()["column_map"]["mapping"]["Full Name"] == "custom:full_name"
    finished(api, response.json()["id"])
    ann = next(lead for lead in leads(session, api.workspace.id) if lead.email == "ann@example.com")
    assert (ann.first_name, ann.custom_fields["full_name"]) == (None, "Ann Lee")


@pytest.mark.parametrize(
    ("columns", "detail"),
    [
        ("{not json", "columns must be a JSON object"),
        ('["Handynummer", "phone"]', "columns must be a JSON object"),
        ('{"Handynummer": 5}', "columns must be a JSON object"),
        ('{"Handynummer": "mobile"}', "cannot be mapped to 'mobile'"),
    ],
)
def test_bad_columns_are_a_400_problem(api, session, leads_file, columns, detail):
    response = upload(api, leads_file, columns=columns)

    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 400
    assert detail in problem["detail"]
    settle_jobs()
    assert leads(session, api.workspace.id) == []


def test_an_empty_upload_is_a_400_problem(api):
    response = upload(api, b"")

    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"] == "the uploaded file is empty"


def test_an_upload_needs_an_api_key(client, leads_file):
    response = client.post("/api/v1/imports", files={"file": ("leads.csv", leads_file, "text/csv")})

    assert response.status_code == 401


def test_another_workspaces_import_is_not_found(api, client, session, leads_file):
    import_id = upload(api, leads_file).json()["id"]
    finished(api, import_id)
    other_workspace = make_workspace(session)
    other = Api(client, make_api_key(session, other_workspace), other_workspace)

    for path in ("", "/rejections", "/rejections.csv"):
        assert other.get(f"/api/v1/imports/{import_id}{path}").status_code == 404, path
    assert api.get(f"/api/v1/imports/{import_id}/rejections.csv").status_code == 200


async def _post_and_look(request: httpx.Request) -> dict[str, object]:
    """Sends ``request`` to the app over raw ASGI and, the moment the response body goes out,
    checks from another connection whether the job it names is in the database yet."""
    body, seen, delivered = request.read(), {}, False

    async def receive() -> dict[str, object]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        await anyio.sleep_forever()
        raise AssertionError("unreachable")

    async def send(message: dict[str, object]) -> None:
        if message["type"] == "http.response.start":
            seen["status"] = message["status"]
        if message["type"] == "http.response.body" and message.get("body"):
            job_id = json.loads(message["body"])["id"]  # type: ignore[arg-type]
            with get_sessionmaker(writes=False)() as other_connection:
                seen["committed"] = other_connection.get(ImportJob, job_id) is not None

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": request.method,
        "scheme": "http",
        "path": request.url.path,
        "raw_path": request.url.raw_path,
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in request.headers.items()],
        "client": ("testclient", 50000),
        "server": ("testserver", 80),
    }
    with anyio.fail_after(30):
        await create_app()(scope, receive, send)
    return seen


def test_the_202_goes_out_only_once_the_job_is_committed(session, leads_file):
    workspace = make_workspace(session)
    request = httpx.Request(
        "POST",
        "http://testserver/api/v1/imports",
        headers={"Authorization": f"Bearer {make_api_key(session, workspace)}"},
        files={"file": ("leads.csv", leads_file, "text/csv")},
    )

    seen = anyio.run(_post_and_look, request)
    settle_jobs()

    assert seen["status"] == 202
    assert seen["committed"] is True


def _remove(path: Path) -> None:
    path.unlink()


def _drop_the_mapped_column(path: Path) -> None:
    path.write_text(table(("Full Name", "Email"), [("Ann Lee", "ann@example.com")]))


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (_remove, "cannot import this file: [Errno 2] No such file or directory"),
        (_drop_the_mapped_column, "cannot import this file: no column named 'Handynummer'"),
    ],
    ids=["file-gone", "mapping-refused"],
)
def test_an_import_its_file_cannot_serve_is_dead_at_once_with_the_reason(
    api, session, leads_file, spoil, reason
):
    response = upload(api, leads_file, columns=json.dumps({"Handynummer": "phone"}))
    assert response.status_code == 202, response.text
    import_id = response.json()["id"]
    spoil(Path(session.get(ImportJob, import_id).stored_path))

    job = finished(api, import_id)

    ledger = session.scalars(
        select(Job).where(Job.name == "imports.run", Job.workspace_id == api.workspace.id)
    ).one()
    assert (ledger.args, ledger.state, ledger.attempts) == (
        [api.workspace.id, import_id], JobState.dead, 1,
    )  # fmt: skip
    (letter,) = api.get("/api/v1/jobs/dead").json()["items"]
    assert (letter["job_id"], letter["attempts"]) == (ledger.id, 1)
    assert reason in letter["error"]
    assert job["status"] == "failed"
    assert job["error"].startswith(reason)
    assert leads(session, api.workspace.id) == []


def test_the_import_record_groups_its_rejections_and_takes_a_phone_country(api):
    rows = [("Jim Hill", "jim@example.com", "(415) 555-2671"), *ROWS[1:]]
    content = table(("Full Name", "Email", "Phone"), rows).encode("utf-8")
    response = upload(api, content, phone_region="US")
    assert response.status_code == 202, response.text
    assert response.json()["phone_region"] == "US"

    job = finished(api, response.json()["id"])

    assert job["rejected"] == 5
    reasons = [(g["reason"], g["count"], g["lines"]) for g in job["rejection_reasons"]]
    assert reasons[0] == ("email: not an email address", 3, [3, 5, 9])
    assert [(reason.split(":")[0], count, lines) for reason, count, lines in reasons[1:]] == [
        ("lead", 1, [8]),
        ("phone", 1, [7]),
    ]
    assert job["warning_reasons"] == []


def test_a_phone_country_that_is_no_country_is_refused(api, leads_file):
    response = upload(api, leads_file, phone_region="Atlantis")

    assert response.status_code == 400
    assert "not a country" in response.text


def test_imports_are_listed_newest_first_a_page_at_a_time(api, leads_file):
    ids = [upload(api, leads_file).json()["id"] for _ in range(3)]

    first = api.get("/api/v1/imports", params={"limit": 2}).json()
    rest = api.get("/api/v1/imports", params={"cursor": first["next_cursor"]}).json()

    assert [job["id"] for job in first["items"]] == [ids[2], ids[1]]
    assert [job["id"] for job in rest["items"]] == [ids[0]]
    assert rest["next_cursor"] is None
    assert first["items"][0]["filename"] == "my leads.csv"


def test_imports_of_another_workspace_are_not_listed(api, client, session, leads_file):
    other = make_workspace(session, slug="other")
    upload(Api(client, make_api_key(session, other), other), leads_file)

    assert api.get("/api/v1/imports").json() == {"items": [], "next_cursor": None}
