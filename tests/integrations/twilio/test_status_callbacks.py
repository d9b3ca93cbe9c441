"""Twilio's delivery-status callbacks read into StatusUpdates: delivered, read, failed with the
reason leadflow knows; anything else is a clear error, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadflow.integrations.messaging.base import StatusCallbackInvalid, StatusUpdate
from leadflow.integrations.twilio.messages import STATUSES, parse_status_callback

SID = "SM1f0e8ae6ade43cb3c0ce4525424e404f"


def callback(**fields: str) -> dict[str, str]:
    """The form Twilio posts to a StatusCallback URL (its standard parameters and the status)."""
    form = {
        "AccountSid": "AC0123456789abcdef0123456789abcdef",
        "ApiVersion": "2010-04-01",
        "From": "whatsapp:+14155238886",
        "To": "whatsapp:+14155552671",
        "MessageSid": SID,
        "SmsSid": SID,
        "MessageStatus": "delivered",
        "SmsStatus": "delivered",
        "ChannelPrefix": "whatsapp",
    }
    return {**form, **fields}


@pytest.mark.parametrize("status", ["queued", "sent", "delivered", "read"])
def test_progress_is_an_update_without_an_error(status):
    assert parse_status_callback(callback(MessageStatus=status)) == StatusUpdate(
        provider_message_id=SID, status=status
    )


def test_a_failure_outside_the_whatsapp_window_says_a_template_is_needed():
    update = parse_status_callback(callback(MessageStatus="failed", ErrorCode="63016"))

    assert update.status == "failed"
    assert update.error_code == "63016"
    assert update.reason == "template_required"
    assert update.error_message is not None
    assert "approved template" in update.error_message


def test_an_opt_out_learnt_late_is_an_opt_out():
    update = parse_status_callback(callback(MessageStatus="undelivered", ErrorCode="21610"))

    assert update.reason == "opted_out"


def test_an_unknown_failure_code_is_shown_without_a_reason():
    update = parse_status_callback(callback(MessageStatus="undelivered", ErrorCode="30003"))

    assert update.reason is None
    assert update.error_code == "30003"
    assert update.error_message == "Twilio could not deliver the message (error 30003)"


def test_a_failure_without_a_code_still_says_so():
    update = parse_status_callback(callback(MessageStatus="failed", ErrorCode=""))

    assert (update.error_code, update.reason) == (None, None)
    assert update.error_message == "Twilio could not deliver the message"


def test_the_legacy_sms_fields_are_read_when_the_message_fields_are_missing():
    form = callback(SmsStatus="sent")
    del form["MessageSid"], form["MessageStatus"]

    assert parse_status_callback(form) == StatusUpdate(provider_message_id=SID, status="sent")


@pytest.mark.parametrize(
    "fields",
    [
        {"MessageSid": "", "SmsSid": ""},
        {"MessageSid": "SM123", "SmsSid": ""},
        {"MessageSid": "../../etc/passwd", "SmsSid": ""},
        {"MessageStatus": "exploded", "SmsStatus": ""},
        {"MessageStatus": "", "SmsStatus": ""},
        {"MessageStatus": "failed", "ErrorCode": "abc"},
        {"MessageStatus": "failed", "ErrorCode": "1" * 20},
    ],
)
def test_a_callback_that_is_not_one_is_a_clear_error(fields):
    with pytest.raises(StatusCallbackInvalid) as invalid:
        parse_status_callback(callback(**fields))

    assert invalid.value.status == 400
    assert invalid.value.message.startswith("the status callback has")


fields = st.sampled_from([*callback(), "ErrorCode"]) | st.text(max_size=30)
values = st.sampled_from([*callback().values(), "failed", "63016", "", "0"]) | st.text(max_size=60)


def outcome(form: dict[str, str]) -> StatusUpdate | StatusCallbackInvalid:
    try:
        return parse_status_callback(form)
    except StatusCallbackInvalid as invalid:
        return invalid


@given(st.dictionaries(fields, values))
def test_any_form_gives_an_update_or_a_clear_error(form):
    read = outcome(form)

    if isinstance(read, StatusCallbackInvalid):
        assert read.message.startswith("the status callback has")
    else:
        assert read.provider_message_id in (form.get("MessageSid"), form.get("SmsSid"))
        assert read.status in STATUSES


@given(
    status=st.sampled_from(sorted(STATUSES)),
    code=st.none() | st.integers(min_value=10000, max_value=99999).map(str),
    sid=st.from_regex(r"\A(SM|MM)[0-9a-f]{32}\Z"),
)
def test_any_documented_callback_is_read(status, code, sid):
    form = callback(MessageSid=sid, MessageStatus=status)
    if code:
        form["ErrorCode"] = code

    update = parse_status_callback(form)

    assert (update.provider_message_id, update.status, update.error_code) == (sid, status, code)
