"""A real SMTP server to send to: aiosmtpd on a free port, keeping what it is given."""

from __future__ import annotations

import socket
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy

from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import Envelope, Session


class Sink:
    """Keeps every message it is given; answers RCPT and DATA as scripted."""

    def __init__(self) -> None:
        self.received: list[Envelope] = []
        self.rcpt_answers: list[str] = []
        self.data_answers: list[str] = []
        self.quit_answer = "221 Bye"

    async def handle_RCPT(
        self, server: SMTPServer, session: Session, envelope: Envelope, address: str, options
    ) -> str:
        if self.rcpt_answers:
            return self.rcpt_answers.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_QUIT(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        return self.quit_answer

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        if self.data_answers:
            return self.data_answers.pop(0)
        self.received.append(envelope)
        return "250 Message accepted for delivery"

    def only_email(self) -> EmailMessage:
        (envelope,) = self.received
        assert isinstance(envelope.content, bytes)
        # As a mailbox stores it: the wire's CRLF line ends as LF.
        email = message_from_bytes(envelope.content.replace(b"\r\n", b"\n"), policy=default_policy)
        assert isinstance(email, EmailMessage)
        return email


def text_of(email: EmailMessage) -> str:
    """The body as a reader sees it (text in MIME's canonical form has CRLF line ends)."""
    return str(email.get_content()).replace("\r\n", "\n")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
