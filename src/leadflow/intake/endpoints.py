from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from leadflow.bodies import capped_body
from leadflow.db import unit_of_work
from leadflow.exceptions import (
    BadRequest,
    UnprocessableInput,
    UnsupportedMediaType,
)
from leadflow.intake import service
from leadflow.kit.client_address import client_address
from leadflow.kit.schemas import NUL_REFUSED, holds_nul
from leadflow.problems import RATE_LIMITED

router = APIRouter(tags=["web form"])
_MAX_BODY = 64 * 1024


class Received(BaseModel):
    status: str = "received"


async def _submission(request: Request) -> dict[str, str]:
    fields = await _fields(request)
    if holds_nul(fields):
        raise UnprocessableInput(NUL_REFUSED)
    return fields


async def _fields(request: Request) -> dict[str, str]:
    body = await capped_body(
        request, _MAX_BODY, f"a form submission is at most {_MAX_BODY // 1024} KiB"
    )
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            data: Any = json.loads(body or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise BadRequest("the body is not valid JSON") from None
        if not isinstance(data, dict):
            raise UnprocessableInput("send the form's fields as a JSON object")
        return {str(k): "" if v is None else str(v) for k, v in data.items()}
    if kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.form(max_files=0, max_fields=service.MAX_FORM_FIELDS + 1)
        return {k: v for k, v in form.items() if isinstance(v, str)}
    raise UnsupportedMediaType(
        "send the form as application/x-www-form-urlencoded, multipart or JSON"
    )


def _take(form_token: str, submission: dict[str, str]) -> None:
    with unit_of_work() as session:
        workspace = service.form_workspace(session, form_token)
        if not service.is_bot(submission):
            service.take_submission(session, workspace=workspace, submission=submission)


@router.post(
    "/forms/{form_token}",
    response_model=Received,
    status_code=status.HTTP_202_ACCEPTED,
    responses=RATE_LIMITED,
    openapi_extra={
        "requestBody": {
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {"type": "object", "additionalProperties": {"type": "string"}}
                },
                "application/json": {
                    "schema": {"type": "object", "additionalProperties": {"type": "string"}}
                },
            }
        }
    },
)
async def submit_form(form_token: str, request: Request) -> Received:
    """Public (no API key): a web form posts here. Its field names are mapped like CSV headers."""
    service.check_rate(form_token, client_address(request))
    submission = await _submission(request)
    await run_in_threadpool(_take, form_token, submission)
    return Received()
