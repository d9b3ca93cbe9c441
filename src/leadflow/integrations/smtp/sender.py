"""Email through an SMTP server (the standard library's smtplib): one connection per message,
STARTTLS, implicit TLS or none, and a login when a username is set. Plain text, UTF-8.

The Message-ID is made from the caller's idempotency key: a message sent again after a lost
answer carries the same Message-ID, which mail systems use to drop duplicates. It is the
``provider_message_id``, and what a lead's reply names in ``In-Reply-To``.

Failures are judged as the HTTP adapters' are: 4xx replies, lost connections and timeouts are
operational (retried under the provider policy, counted, behind the ``smtp`` breaker); 5xx
replies are refusals.
"""

from __future__ import annotations

import hashlib
import smtplib
import ssl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr, formatdate

import structlog
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from leadflow.integrations.breaker import breaker_for
from leadflow.integrations.errors import ProviderUnavailable
from leadflow.integrations.http import PROVIDER_REQUESTS
from leadflow.integrations.messaging.base import (
    DeliveryRefused,
    Handed,
    Outgoing,
    RefusalReason,
)
from leadflow.integrations.policy import ProviderPolicy
from leadflow.integrations.smtp.addresses import from_address, mailbox
from leadflow.integrations.smtp.settings import DEFAULT_PORTS, SmtpSecurity, SmtpSettings

log = structlog.get_logger()

PROVIDER = "smtp"
_SMTP_DETAIL_CHARS = 300
Sleep = Callable[[float], None]
# Quoted-printable or base64 bodies: any server takes them, with or without 8BITMIME.
EMAIL_POLICY = SMTP.clone(cte_type="7bit")


class Smtp:
    """Sends email through one SMTP server as ``sender`` (``sales@acme.com`` or
    ``Acme Sales <sales@acme.com>``) unless a message names its own."""

    name = PROVIDER

    def __init__(
        self,
        *,
        host: str,
        sender: str,
        port: int | None = None,
        security: SmtpSecurity = "starttls",
        username: str = "",
        password: str = "",
        ssl_context: ssl.SSLContext | None = None,
        policy: ProviderPolicy | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        self.host = host
        self.port = port or DEFAULT_PORTS[security]
        self.security = security
        self.sender = from_address(sender)
        self._login = (username, password) if username else None
        self._ssl_context = ssl_context or ssl.create_default_context()
        self.policy = policy or ProviderPolicy.from_settings()
        # A breaker per mail server: one business's failing server must not stop another's mail.
        self.breaker = breaker_for(
            f"{PROVIDER}:{self.host}:{self.port}",
            failures_to_open=self.policy.breaker_failures,
            cooldown=self.policy.breaker_cooldown,
        )
        self._sleep = sleep or time.sleep

    @classmethod
    def from_settings(cls, settings: SmtpSettings) -> Smtp:
        return cls(
            host=settings.host.strip("[]"),
            port=settings.port,
            security=settings.security,
            sender=settings.from_address,
            username=settings.username,
            password=settings.password.get_secret_value(),
        )

    def send(self, message: Outgoing) -> Handed:
        email = self.compose(message)
        retrying = Retrying(
            stop=stop_after_attempt(self.policy.max_attempts),
            wait=wait_exponential_jitter(
                multiplier=self.policy.backoff_base,
                max=self.policy.backoff_cap,
                jitter=self.policy.backoff_base,
            ),
            retry=retry_if_exception(_worth_retrying),
            sleep=self._sleep,
            reraise=True,
        )
        retrying(self._deliver, email)
        message_id = str(email["Message-ID"])
        log.info(
            "message.handed",
            provider=PROVIDER,
            channel=message.channel,
            idempotency_key=message.idempotency_key,
            provider_message_id=message_id,
        )
        return Handed(provider=PROVIDER, provider_message_id=message_id, status="sent")

    def compose(self, message: Outgoing) -> EmailMessage:
        """The email for ``message``: From, To, Subject, Date, Message-ID, a plain-text body."""
        if message.channel != "email":
            raise ValueError("SMTP sends email, not SMS or WhatsApp messages")
        name, address = _sender(message.sender) if message.sender else self.sender
        email = EmailMessage(policy=EMAIL_POLICY)
        email["From"] = formataddr((name, address))
        email["To"] = _recipient(message.to)
        email["Subject"] = " ".join((message.subject or "").split())
        email["Date"] = formatdate(usegmt=True)
        email["Message-ID"] = message_id(message.idempotency_key, address)
        email.set_content(message.body)
        return email

    def _deliver(self, email: EmailMessage) -> None:
        self._allow()
        try:
            with self._connection() as server:
                server.send_message(email)
        except (smtplib.SMTPException, OSError) as error:
            judged = judge(error)
            if isinstance(judged, ProviderUnavailable):
                self.breaker.failed()
                PROVIDER_REQUESTS.labels(PROVIDER, "unavailable").inc()
            else:
                self.breaker.succeeded()  # it answered: the server is up, it just said no
                PROVIDER_REQUESTS.labels(PROVIDER, "refused").inc()
            raise judged from error
        self.breaker.succeeded()
        PROVIDER_REQUESTS.labels(PROVIDER, "ok").inc()

    def _allow(self) -> None:
        try:
            self.breaker.allow()
        except ProviderUnavailable:
            PROVIDER_REQUESTS.labels(PROVIDER, "broken").inc()
            raise

    @contextmanager
    def _connection(self) -> Iterator[smtplib.SMTP]:
        timeout = self.policy.timeout.read or 15.0
        server: smtplib.SMTP
        if self.security == "ssl":
            server = smtplib.SMTP_SSL(
                self.host, self.port, timeout=timeout, context=self._ssl_context
            )
        else:
            server = smtplib.SMTP(self.host, self.port, timeout=timeout)
        try:
            if self.security == "starttls":
                server.starttls(context=self._ssl_context)
            if self._login:
                server.login(*self._login)
            yield server
        finally:
            _hang_up(server)


def _hang_up(server: smtplib.SMTP) -> None:
    """QUIT, whatever the server answers: by then the message was accepted or refused, and a
    failed goodbye must not send it again."""
    try:
        server.quit()
    except (smtplib.SMTPException, OSError):
        server.close()


def message_id(idempotency_key: str, sender_address: str) -> str:
    """``<digest@sender's domain>``: unique per message, the same for the same key."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
    return f"<{digest}@{sender_address.rpartition('@')[2]}>"


def _sender(sender: str) -> tuple[str, str]:
    try:
        return from_address(sender)
    except ValueError as error:
        raise DeliveryRefused(str(error), provider=PROVIDER, reason="misconfigured") from error


def _recipient(address: str) -> str:
    try:
        return mailbox(address)
    except ValueError as error:
        raise DeliveryRefused(
            f"the recipient {address[:80]!r} is not an email address",
            provider=PROVIDER,
            reason="invalid_recipient",
        ) from error


# --- Judging what the server said ----------------------------------------------------------


def judge(error: smtplib.SMTPException | OSError) -> ProviderUnavailable | DeliveryRefused:
    """An SMTP failure as one of our two kinds of error."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, said = next(iter(error.recipients.values()), (550, b""))
        return _by_reply(code, said, "invalid_recipient", "the mail server refused the recipient")
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return _by_reply(
            error.smtp_code,
            error.smtp_error,
            "misconfigured",
            "the SMTP server did not accept the username and password",
        )
    if isinstance(error, smtplib.SMTPSenderRefused):
        return _by_reply(
            error.smtp_code, error.smtp_error, "misconfigured", "the SMTP server refused the sender"
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return _by_reply(
            error.smtp_code, error.smtp_error, "rejected", "the SMTP server refused the message"
        )
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return DeliveryRefused(
            "the SMTP server does not offer what its settings ask for (STARTTLS or a login)",
            provider=PROVIDER,
            reason="misconfigured",
        )
    if isinstance(error, ssl.SSLCertVerificationError):
        return DeliveryRefused(
            f"the SMTP server's certificate could not be verified ({error.verify_message})",
            provider=PROVIDER,
            reason="misconfigured",
        )
    return ProviderUnavailable(
        f"{PROVIDER} could not be reached ({type(error).__name__})", provider=PROVIDER
    )


def _by_reply(
    code: int, said: bytes | str, reason: RefusalReason, explanation: str
) -> ProviderUnavailable | DeliveryRefused:
    text = said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)
    text = " ".join(text.split())[:_SMTP_DETAIL_CHARS]
    if not 500 <= code <= 599:  # 4xx: try again later (RFC 5321 §4.2.1); -1: no reply at all
        return ProviderUnavailable(
            f"{PROVIDER} answered {code}: {text}", provider=PROVIDER, provider_status=code
        )
    return DeliveryRefused(
        f"{explanation} ({code} {text})",
        provider=PROVIDER,
        reason=reason,
        provider_code=str(code),
        provider_status=code,
        provider_detail=text,
    )


def _worth_retrying(error: BaseException) -> bool:
    return isinstance(error, ProviderUnavailable) and error.retryable
