"""An SMTP server's settings: a workspace's own mail server (connected through the API or the
dashboard), or the platform's, from ``LEADFLOW_SMTP_*``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator

from leadflow.config import Settings
from leadflow.integrations.smtp.addresses import from_address
from leadflow.integrations.vendor import Address, PlatformMisconfigured, ProviderSettings

SmtpSecurity = Literal["starttls", "ssl", "none"]
DEFAULT_PORTS: dict[SmtpSecurity, int] = {"starttls": 587, "ssl": 465, "none": 25}


class SmtpSettings(ProviderSettings):
    host: str = Field(
        min_length=1,
        max_length=253,
        pattern=r"^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$",
        description="The mail server (smtp.example.com)",
    )
    port: int | None = Field(
        default=None, ge=1, le=65535, description="Empty: 587, or 465 with ssl, 25 with none"
    )
    security: SmtpSecurity = Field(
        default="starttls", description="starttls, ssl (implicit TLS) or none"
    )
    username: str = Field(default="", max_length=320, description="Empty: no login")
    password: SecretStr = Field(default=SecretStr(""), max_length=500)
    from_address: str = Field(
        min_length=3,
        max_length=320,
        description="Who email comes from: sales@acme.com or Acme Sales <sales@acme.com>",
    )

    @field_validator("from_address")
    @classmethod
    def _a_from_address(cls, value: str) -> str:
        from_address(value)
        return value

    @model_validator(mode="after")
    def _login_whole(self) -> SmtpSettings:
        if bool(self.username) != bool(self.password.get_secret_value()):
            raise ValueError("a username and a password go together")
        return self

    @property
    def resolved_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]


def address(settings: SmtpSettings) -> Address:
    return settings.host.strip("[]"), settings.resolved_port


def from_platform(settings: Settings) -> SmtpSettings | None:
    """The platform's mail server, when ``LEADFLOW_SMTP_*`` name one; PlatformMisconfigured
    when they name one in part."""
    password = settings.smtp_password.get_secret_value()
    if not any((settings.smtp_host, settings.smtp_username, password, settings.smtp_from)):
        return None
    if not settings.smtp_host:
        raise PlatformMisconfigured("LEADFLOW_SMTP_HOST is required to send email")
    if not settings.smtp_from:
        raise PlatformMisconfigured("LEADFLOW_SMTP_FROM is required with LEADFLOW_SMTP_HOST")
    if bool(settings.smtp_username) != bool(password):
        raise PlatformMisconfigured("LEADFLOW_SMTP_USERNAME and LEADFLOW_SMTP_PASSWORD go together")
    try:
        from_address(settings.smtp_from)
    except ValueError as error:
        raise PlatformMisconfigured(f"LEADFLOW_SMTP_FROM: {error}") from error
    return SmtpSettings.model_construct(
        host=settings.smtp_host,
        port=settings.smtp_port,
        security=settings.smtp_tls,
        username=settings.smtp_username,
        password=settings.smtp_password,
        from_address=settings.smtp_from,
    )
