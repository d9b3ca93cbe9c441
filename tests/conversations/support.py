"""Leads writing in over Twilio, signed as Twilio signs, and what came of it."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlencode

import httpx
import respx
from sqlalchemy import select

from leadflow.config import get_settings
from leadflow.db import get_sessionmaker
from leadflow.models import Conversation, Lead, Message
from tests.builders import Api
from tests.inbox.support import TWILIO_SID, TWILIO_TOKEN, connect, twilio_signature


def connect_twilio(api: Api) -> None:
    connect(api, "twilio", {"account_sid": TWILIO_SID, "auth_token": TWILIO_TOKEN})


def messages_url(account_sid: str = TWILIO_SID) -> str:
    return f"https://api.twilio.com/2010-04-01/Accounts/{account_sid}/Messages.json"


def _queued(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        201, json={"sid": "SM" + secrets.token_hex(16), "status": "queued",
                   "date_created": "Sat, 21 Nov 2026 10:00:00 +0000"},
    )  # fmt: skip


@contextmanager
def twilio_takes_messages(*account_sids: str) -> Iterator[respx.Router]:
    """Twilio's Messages API of these accounts (by default the tests' own), mocked at the
    transport: each message is taken and queued with an id of its own. Any other request
    fails: respx lets nothing through."""
    with respx.mock(assert_all_called=False) as router:
        for sid in account_sids or (TWILIO_SID,):
            router.post(messages_url(sid), name=sid).mock(side_effect=_queued)
        yield router


def twilio_message(
    api: Api,
    sender: str,
    body: str,
    *,
    whatsapp: bool = False,
    account_sid: str = TWILIO_SID,
    token: str = TWILIO_TOKEN,
    to: str = "+966110000000",
    **extra: str,
) -> str:
    """POSTs an incoming message as Twilio would, signed with the account's auth token."""
    path = f"/api/v1/inbound/{api.workspace.slug}/twilio"
    url = (get_settings().public_url.rstrip("/") or "http://testserver") + path  # as Twilio saw it
    params = {
        "MessageSid": "SM" + secrets.token_hex(16),
        "AccountSid": account_sid,
        "From": f"whatsapp:{sender}" if whatsapp else sender,
        "To": f"whatsapp:{to}" if whatsapp else to,
        "Body": body,
        "NumMedia": "0",
        **extra,
    }
    headers = {
        "x-twilio-signature": twilio_signature(url, params, token),
        "content-type": "application/x-www-form-urlencoded",
    }
    response = api.client.post(path, content=urlencode(params), headers=headers)
    assert response.status_code == 200, response.text
    return params["MessageSid"]


def lead_by_phone(workspace_id: int, phone: str, *, whatsapp: bool = False) -> Lead:
    column = Lead.whatsapp_id if whatsapp else Lead.phone
    with get_sessionmaker(writes=False)() as session:
        lead = session.scalars(
            select(Lead).where(Lead.workspace_id == workspace_id, column == phone)
        ).one()
        session.expunge(lead)
        return lead


def thread(workspace_id: int, lead_id: int) -> list[Message]:
    with get_sessionmaker(writes=False)() as session:
        rows = list(
            session.scalars(
                select(Message)
                .where(Message.workspace_id == workspace_id, Message.lead_id == lead_id)
                .order_by(Message.id)
            )
        )
        session.expunge_all()
        return rows


def conversation_of(workspace_id: int, lead_id: int) -> Conversation:
    with get_sessionmaker(writes=False)() as session:
        conversation = session.scalars(
            select(Conversation).where(
                Conversation.workspace_id == workspace_id, Conversation.lead_id == lead_id
            )
        ).one()
        session.expunge(conversation)
        return conversation
