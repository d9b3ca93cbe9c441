"""Email through SMTP against a real SMTP server: aiosmtpd started here on a free port, plain,
with STARTTLS and a login, and with implicit TLS; what arrived is read back and checked."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from leadflow.integrations.errors import ProviderUnavailable
from leadflow.integrations.messaging.base import DeliveryRefused, Outgoing
from leadflow.integrations.smtp.sender import Smtp
from tests.integrations.smtp.support import Sink, free_port, text_of

SENDER = "Acme Sales <sales@acme.example.com>"
USERNAME, PASSWORD = "sales@acme.example.com", "smtp-test-password"


def sign_in(server, session, envelope, mechanism, auth_data) -> AuthResult:
    accepted = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USERNAME.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=accepted, handled=False)  # not handled: the server says 535


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made here."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "leadflow test SMTP")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("smtp-tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def server_tls(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


def trusting(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certificate[0]))


@pytest.fixture
def sink() -> Sink:
    return Sink()


@pytest.fixture
def serve(sink: Sink) -> Iterator:
    """Starts an SMTP server on a free port with the given options; stopped after the test."""
    started: list[Controller] = []

    def start(**options) -> int:
        port = free_port()
        controller = Controller(sink, hostname="127.0.0.1", port=port, **options)
        controller.start()
        started.append(controller)
        return port

    yield start
    for controller in started:
        controller.stop()


def smtp(port: int, slept, policy, **options) -> Smtp:
    settings = {"security": "none", "sender": SENDER, **options}
    return Smtp(host="127.0.0.1", port=port, policy=policy, sleep=slept.append, **settings)


def outgoing(**fields) -> Outgoing:
    values = {
        "to": "dana@example.com",
        "subject": "Your question about our plans",
        "body": "Hi Dana,\n\nOur starter plan is $200 a month.\n\nAcme",
        "idempotency_key": "msg-0001",
    }
    return Outgoing(channel="email", **{**values, **fields})


def test_an_email_arrives_with_its_headers_and_body(serve, sink, slept, policy):
    port = serve()

    handed = smtp(port, slept, policy).send(outgoing())

    (envelope,) = sink.received
    assert envelope.mail_from == "sales@acme.example.com"
    assert envelope.rcpt_tos == ["dana@example.com"]
    email = sink.only_email()
    assert email["From"] == SENDER
    assert email["To"] == "dana@example.com"
    assert email["Subject"] == "Your question about our plans"
    assert email["Message-ID"] == handed.provider_message_id
    assert email["Message-ID"].endswith("@acme.example.com>")
    assert email["Date"].datetime.tzinfo is not None
    assert email.get_content_type() == "text/plain"
    assert text_of(email) == "Hi Dana,\n\nOur starter plan is $200 a month.\n\nAcme\n"
    assert (handed.provider, handed.status, handed.sent_at) == ("smtp", "sent", None)


def test_arabic_subject_body_and_sender_name_arrive_intact(serve, sink, slept, policy):
    port = serve()
    body = "مرحبا دانة،\nالباقة الأساسية تبدأ من ٢٠٠ ريال شهريا."  # noqa: RUF001

    smtp(port, slept, policy).send(
        outgoing(subject="سؤالك عن الأسعار", body=body, sender="شركة أكمي <sales@acme.example.com>")
    )

    email = sink.only_email()
    assert email["Subject"] == "سؤالك عن الأسعار"
    assert email["From"].addresses[0].display_name == "شركة أكمي"
    assert text_of(email) == body + "\n"
    assert sink.received[0].content.isascii()  # encoded for any server, no SMTPUTF8 needed


def test_the_message_id_is_the_same_for_the_same_key_only(serve, sink, slept, policy):
    sender = smtp(serve(), slept, policy)

    first = sender.send(outgoing()).provider_message_id
    again = sender.send(outgoing()).provider_message_id
    other = sender.send(outgoing(idempotency_key="msg-0002")).provider_message_id

    assert first == again != other


def test_a_line_break_in_the_subject_cannot_add_headers(serve, sink, slept, policy):
    smtp(serve(), slept, policy).send(outgoing(subject="Hello\r\nBcc: everyone@example.com\n"))

    email = sink.only_email()
    assert email["Subject"] == "Hello Bcc: everyone@example.com"
    assert email["Bcc"] is None
    assert sink.received[0].rcpt_tos == ["dana@example.com"]


def test_starttls_and_a_login(serve, sink, slept, policy, certificate):
    port = serve(
        tls_context=server_tls(certificate),
        require_starttls=True,
        auth_required=True,
        authenticator=sign_in,
    )
    sender = smtp(
        port,
        slept,
        policy,
        security="starttls",
        username=USERNAME,
        password=PASSWORD,
        ssl_context=trusting(certificate),
    )

    sender.send(outgoing())

    assert sink.only_email()["To"] == "dana@example.com"


def test_implicit_tls(serve, sink, slept, policy, certificate):
    port = serve(ssl_context=server_tls(certificate))

    smtp(port, slept, policy, security="ssl", ssl_context=trusting(certificate)).send(outgoing())

    assert len(sink.received) == 1


def test_a_wrong_password_is_a_misconfiguration_not_retried(
    serve, sink, slept, policy, certificate
):
    port = serve(tls_context=server_tls(certificate), auth_required=True, authenticator=sign_in)
    sender = smtp(
        port,
        slept,
        policy,
        security="starttls",
        username=USERNAME,
        password="wrong",
        ssl_context=trusting(certificate),
    )

    with pytest.raises(DeliveryRefused) as refused:
        sender.send(outgoing())

    assert refused.value.reason == "misconfigured"
    assert refused.value.provider_code == "535"
    assert slept == []
    assert sink.received == []


def test_an_untrusted_certificate_is_a_misconfiguration(serve, slept, policy, certificate):
    port = serve(tls_context=server_tls(certificate))

    with pytest.raises(DeliveryRefused) as refused:
        smtp(port, slept, policy, security="starttls").send(outgoing())

    assert refused.value.reason == "misconfigured"
    assert "certificate" in refused.value.message


def test_a_recipient_the_server_refuses_is_an_invalid_recipient(serve, sink, slept, policy):
    sink.rcpt_answers = ["550 5.1.1 <dana@example.com>: Recipient address rejected"]

    with pytest.raises(DeliveryRefused) as refused:
        smtp(serve(), slept, policy).send(outgoing())

    assert refused.value.reason == "invalid_recipient"
    assert refused.value.provider_status == 550
    assert "Recipient address rejected" in refused.value.message
    assert slept == []


def test_a_rejected_message_is_refused(serve, sink, slept, policy):
    sink.data_answers = ["554 5.7.1 Message rejected as spam"]

    with pytest.raises(DeliveryRefused) as refused:
        smtp(serve(), slept, policy).send(outgoing())

    assert refused.value.reason == "rejected"
    assert refused.value.provider_code == "554"


def test_a_temporary_failure_is_retried_and_delivered_once(serve, sink, slept, policy):
    sink.data_answers = ["451 4.3.0 Try again later"]

    smtp(serve(), slept, policy).send(outgoing())

    assert len(sink.received) == 1
    assert len(slept) == 1


def test_a_message_accepted_is_not_sent_again_when_the_goodbye_fails(serve, sink, slept, policy):
    sink.quit_answer = "421 4.3.2 Closing in a hurry"

    handed = smtp(serve(), slept, policy).send(outgoing())

    assert handed.status == "sent"
    assert len(sink.received) == 1
    assert slept == []


def test_a_message_naming_an_unreadable_sender_is_refused(slept, policy):
    with pytest.raises(DeliveryRefused) as refused:
        smtp(free_port(), slept, policy).send(outgoing(sender="Acme Sales"))

    assert refused.value.reason == "misconfigured"


def test_a_server_that_keeps_failing_is_an_operational_error(serve, sink, slept, policy):
    sink.data_answers = ["421 4.3.2 Service shutting down"] * 5

    with pytest.raises(ProviderUnavailable) as unavailable:
        smtp(serve(), slept, policy).send(outgoing())

    assert not isinstance(unavailable.value, DeliveryRefused)
    assert len(slept) == policy.max_attempts - 1
    assert sink.received == []


def test_no_server_listening_is_an_operational_error(slept, policy):
    with pytest.raises(ProviderUnavailable) as unavailable:
        smtp(free_port(), slept, policy).send(outgoing())

    assert unavailable.value.provider == "smtp"
    assert len(slept) == policy.max_attempts - 1


def test_the_breaker_opens_after_repeated_failures(slept, policy):
    sender = smtp(free_port(), slept, policy.but(max_attempts=1, breaker_failures=2))
    for _ in range(2):
        with pytest.raises(ProviderUnavailable):
            sender.send(outgoing())

    with pytest.raises(ProviderUnavailable) as broken:
        sender.send(outgoing())

    assert broken.value.extra["breaker"] == "open"
    assert not broken.value.retryable


@pytest.mark.parametrize("to", ["dana", "dana@", "dana@example.com\r\nBcc: x@example.com", ""])
def test_an_address_that_is_not_one_is_refused_before_connecting(slept, policy, to):
    with pytest.raises(DeliveryRefused) as refused:
        smtp(free_port(), slept, policy).send(outgoing(to=to))

    assert refused.value.reason == "invalid_recipient"
    assert slept == []


def test_smtp_does_not_send_text_messages(slept, policy):
    message = Outgoing(channel="sms", to="+14155552671", body="Hi", idempotency_key="k")
    with pytest.raises(ValueError, match="SMTP sends email"):
        smtp(free_port(), slept, policy).send(message)
