"""The public web form: a site posts its enquiries, named however it names them, to a token."""

from __future__ import annotations

import json
from typing import Any

import pytest

from leadflow.config import get_settings
from tests.builders import make_workspace

PROBLEM = "application/problem+json"


@pytest.fixture
def form_url(api) -> str:
    token = api.get("/api/v1/workspace").json()["form_token"]
    return f"/api/v1/forms/{token}"


def leads(api) -> list[dict[str, Any]]:
    return api.get("/api/v1/leads").json()["items"]


def is_problem(response: Any, status: int) -> bool:
    return response.status_code == status and response.headers["content-type"].startswith(PROBLEM)


ENQUIRY = {
    "First Name": "Hana",
    "Last Name": "Sato",
    "Email Address": "Hana.Sato@Example.com",
    "Mobile Phone": "(415) 555-2671",
    "Company Name": "Kaizen Robotics",
    "Budget": "10k-50k",
    "How did you hear about us?": "A podcast",
}


def assert_taken_as_a_lead(api) -> dict[str, Any]:
    (lead,) = leads(api)
    assert (lead["first_name"], lead["last_name"]) == ("Hana", "Sato")
    assert lead["email"] == "Hana.Sato@example.com"
    assert lead["phone"] == "+14155552671"
    assert lead["company"]["name"] == "Kaizen Robotics"
    assert lead["source"] == "web form"
    assert lead["custom_fields"] == {
        "budget": "10k-50k",
        "how_did_you_hear_about_us": "A podcast",
    }
    return lead


def test_a_url_encoded_form_becomes_a_lead(api, client, form_url):
    response = client.post(form_url, data=ENQUIRY)
    assert response.status_code == 202, response.text
    assert response.json() == {"status": "received"}
    lead = assert_taken_as_a_lead(api)
    arrival = api.get(f"/api/v1/leads/{lead['id']}/activities").json()["items"][-1]
    assert (arrival["kind"], arrival["actor"]) == ("lead.created", "web form")


def test_a_json_form_becomes_a_lead(api, client, form_url):
    response = client.post(form_url, json=ENQUIRY)
    assert response.status_code == 202, response.text
    assert_taken_as_a_lead(api)


def test_a_multipart_form_becomes_a_lead(api, client, form_url):
    response = client.post(form_url, files={name: (None, value) for name, value in ENQUIRY.items()})
    assert response.status_code == 202, response.text
    assert_taken_as_a_lead(api)


def test_the_forms_own_source_is_kept(api, client, form_url):
    client.post(form_url, data={"Email": "src@example.com", "Lead Source": "pricing page"})
    assert leads(api)[0]["source"] == "pricing page"


def test_a_second_submission_of_the_same_person_merges(api, client, form_url):
    client.post(form_url, data={"Email": "again@example.com"})
    client.post(form_url, data={"E-mail": "AGAIN@example.com", "Job Title": "Founder"})
    (lead,) = leads(api)
    assert lead["title"] == "Founder"
    merges = api.get(f"/api/v1/leads/{lead['id']}/merges").json()["items"]
    assert [m["source"] for m in merges] == ["web form"]


def test_no_api_key_is_needed_and_none_is_looked_at(api, client, form_url):
    response = client.post(
        form_url, data={"Email": "nokey@example.com"}, headers={"Authorization": "Bearer nonsense"}
    )
    assert response.status_code == 202
    assert [lead["email"] for lead in leads(api)] == ["nokey@example.com"]


def test_a_filled_honeypot_is_thanked_and_dropped(api, client, form_url):
    response = client.post(form_url, data={"Email": "bot@example.com", "leadflow_hp": "http://x"})
    assert response.status_code == 202
    assert response.json() == {"status": "received"}
    assert leads(api) == []


def test_an_empty_honeypot_is_a_person_and_not_a_custom_field(api, client, form_url):
    client.post(form_url, data={"Email": "human@example.com", "leadflow_hp": ""})
    (lead,) = leads(api)
    assert lead["custom_fields"] == {}


def test_an_unknown_token_is_not_found(client):
    response = client.post("/api/v1/forms/no-such-token", data={"Email": "x@example.com"})
    assert is_problem(response, 404)


def test_a_token_longer_than_any_given_out_is_not_found(client):
    response = client.post(f"/api/v1/forms/{'t' * 65}", data={"Email": "x@example.com"})
    assert is_problem(response, 404)


def test_an_invalid_submission_is_a_problem_with_its_reasons(api, client, form_url):
    response = client.post(form_url, data={"Email Address": "hana at example"})
    assert is_problem(response, 422)
    assert set(response.json()["errors"]) == {"email"}
    assert leads(api) == []


def test_a_submission_nobody_can_be_reached_by_is_refused(client, form_url):
    response = client.post(form_url, data={"Message": "call me"})
    assert is_problem(response, 422)
    assert set(response.json()["errors"]) == {"lead"}


def test_more_than_a_hundred_fields_is_refused(client, form_url):
    fields = {f"field {n}": "x" for n in range(101)}
    response = client.post(form_url, json={"Email": "wide@example.com", **fields})
    assert is_problem(response, 422)


def test_a_body_over_64_kib_is_too_large(api, client, form_url):
    body = json.dumps({"Email": "big@example.com", "Notes": "x" * (64 * 1024)})
    response = client.post(form_url, content=body, headers={"Content-Type": "application/json"})
    assert is_problem(response, 413)
    assert leads(api) == []


def test_a_body_just_under_the_limit_is_taken(api, client, form_url):
    head = json.dumps({"Email": "fits@example.com", "Notes": ""})
    body = head[:-2] + "x" * (64 * 1024 - len(head)) + '"}'
    assert len(body) == 64 * 1024
    response = client.post(form_url, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 202, response.text


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "42", "null"])
def test_a_json_body_that_is_not_an_object_is_refused(client, form_url, body):
    response = client.post(form_url, content=body, headers={"Content-Type": "application/json"})
    assert is_problem(response, 422)


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe{}"])
def test_a_body_that_is_not_json_is_a_bad_request(client, form_url, body):
    response = client.post(form_url, content=body, headers={"Content-Type": "application/json"})
    assert is_problem(response, 400)


@pytest.mark.parametrize("kind", ["text/plain", "application/xml", None])
def test_an_unsupported_content_type_is_refused(client, form_url, kind):
    headers = {"Content-Type": kind} if kind else {}
    response = client.post(form_url, content=b"Email=x@example.com", headers=headers)
    assert is_problem(response, 415)


def test_too_many_submissions_from_one_address_are_slowed_down(api, client, form_url):
    limit = get_settings().form_rate_limit_per_minute
    for n in range(limit):
        accepted = client.post(form_url, data={"Email": f"burst{n}@example.com"})
        assert accepted.status_code == 202, (n, accepted.text)
    refused = client.post(form_url, data={"Email": "one-too-many@example.com"})
    assert is_problem(refused, 429)
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert len(api.get("/api/v1/leads", params={"limit": 500}).json()["items"]) == limit


def test_the_limit_is_counted_per_form(client, session, form_url):
    limit = get_settings().form_rate_limit_per_minute
    for n in range(limit + 1):
        client.post(form_url, data={"Email": f"a{n}@example.com"})
    other = make_workspace(session)
    response = client.post(f"/api/v1/forms/{other.form_token}", data={"Email": "b@example.com"})
    assert response.status_code == 202
