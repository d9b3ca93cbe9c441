"""JSON bodies within limits: nesting thousands deep or megabytes long is a clear 4xx before
anything parses it (it was a 500: Python's parser raises RecursionError)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadflow.bodies import MAX_DEPTH, MAX_PUBLIC_BYTES, TooDeep, check_depth

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}\\"ab ,:'),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=40,
)


def depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    return 0


@given(json_values)
def test_the_depth_counted_is_the_depth_of_the_value(value):
    text = json.dumps(value).encode()
    if depth(value) > 4:
        with pytest.raises(TooDeep):
            check_depth(text, limit=4)
    else:
        check_depth(text, limit=4)


def test_brackets_inside_strings_do_not_count():
    check_depth(json.dumps({"note": "[" * 10_000 + '\\"{' * 100}).encode())


def nested(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.mark.parametrize("levels", [MAX_DEPTH + 1, 10_000])
def test_deep_json_on_the_public_form_is_a_400(api, levels):
    token = api.workspace.form_token
    answer = api.client.post(
        f"/api/v1/forms/{token}",
        content=f'{{"Email": "a@b.co", "x": {nested(levels)}}}',
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 400, answer.text[:200]
    assert answer.headers["content-type"] == "application/problem+json"
    assert f"at most {MAX_DEPTH} levels" in answer.json()["detail"]


@pytest.mark.parametrize(
    "path", ["/api/v1/leads", "/api/v1/chat/{token}/start", "/api/v1/chat/{token}/messages"]
)
def test_deep_json_anywhere_is_a_400(api, path):
    url = path.format(token=api.workspace.form_token)
    answer = api.post(url, content=nested(10_000), headers={"content-type": "application/json"})
    assert answer.status_code == 400, answer.text[:200]


def test_a_public_json_body_has_a_size_limit(api):
    url = f"/api/v1/chat/{api.workspace.form_token}/start"
    body = json.dumps({"name": "x" * MAX_PUBLIC_BYTES, "email": "a@b.co"})
    headers = {"content-type": "application/json", "origin": "https://homes.example"}
    answer = api.client.post(url, content=body, headers=headers)
    assert answer.status_code == 413
    assert answer.headers["access-control-allow-origin"] == "*"  # the widget can read why


def test_a_json_body_within_limits_reaches_its_route(api):
    answer = api.post("/api/v1/leads", json={"email": "fine@example.com", "custom_fields": {}})
    assert answer.status_code in (200, 201), answer.text
