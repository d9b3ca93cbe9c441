"""The outbox: every channel's sender until its provider is configured. Nothing leaves the
machine; the caller has already stored the message, so keeping it is all there is to do."""

from __future__ import annotations

import uuid

import structlog

from leadflow.integrations.messaging.base import Handed, Outgoing

log = structlog.get_logger()


class Outbox:
    name = "outbox"

    def send(self, message: Outgoing) -> Handed:
        kept = Handed(
            provider=self.name, provider_message_id=f"outbox-{uuid.uuid4()}", status="kept"
        )
        log.info(
            "message.kept",
            channel=message.channel,
            idempotency_key=message.idempotency_key,
            provider_message_id=kept.provider_message_id,
        )
        return kept
