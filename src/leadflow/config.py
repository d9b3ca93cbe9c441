"""The one Settings object. Every knob is an environment variable prefixed ``LEADFLOW_``."""

from __future__ import annotations

import ipaddress
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

import phonenumbers
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PLACEHOLDER_SECRET = "change-me-in-production"  # noqa: S105 - the value we refuse, not a secret
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name in the data directory (`leadflow init`)
MIN_SECRET_KEY_LENGTH = 32


class MissingSecretKey(RuntimeError):
    """No secret key is configured and none was written to the data directory."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEADFLOW_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("./var")
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; empty means a SQLite file (WAL) inside the data directory.",
    )
    secret_key: str = Field(
        default="",
        description="signs tokens and seals stored secrets; empty: the random key `leadflow "
        "init` wrote to <data dir>/secret_key",
    )
    previous_secret_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="keys used before the current one, comma-separated: what they signed still "
        "verifies and what they sealed still opens (`leadflow secrets rotate` reseals it)",
    )
    default_phone_region: str = Field(
        default="US", description="ISO 3166 region for phone numbers written without +country."
    )
    public_url: str = Field(
        default="",
        description="leadflow's address as providers reach it (https://leads.example.com) "
        "when it sits behind a proxy: webhook signatures cover the URL they called",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    import_chunk_rows: int = Field(
        default=1000,
        ge=1,
        description="rows an import parses and takes at a time; a chunk is "
        "the longest other writers of a SQLite database wait behind an import",
    )
    import_commit_seconds: float = Field(
        default=1.0,
        ge=0,
        description="an import commits once its transaction has run this long (0: every chunk); "
        "other writers of a SQLite database wait for it meanwhile",
    )
    log_level: str = "INFO"

    # Rate limits (kit/ratelimit.py): counted in Redis when redis_url is set, so that they hold
    # across processes; in this process's memory when leadflow runs embedded.
    rate_limits_enabled: bool = Field(
        default=True, description="false lifts every rate limit: for load tests, not production"
    )
    form_rate_limit_per_minute: int = Field(
        default=20, ge=1, description="web-form submissions per form and address"
    )
    chat_rate_limit_per_minute: int = Field(
        default=30, ge=1, description="web-chat starts and messages per form and address"
    )
    api_key_rate_limit_per_minute: int = Field(
        default=1200, ge=1, description="requests per valid API key"
    )
    api_key_misses_per_minute: int = Field(
        default=10,
        ge=1,
        description="unknown or revoked API keys from one address; past it, every request "
        "with a key from there waits",
    )
    signin_free_attempts: int = Field(
        default=5,
        ge=1,
        description="sign-ins to one account without success before each must wait; "
        "the waits then double",
    )
    signin_free_attempts_per_address: int = Field(
        default=30, ge=1, description="failed sign-ins from one address before each must wait"
    )
    signin_first_wait_seconds: int = Field(default=2, ge=1)
    signin_longest_wait_seconds: int = Field(default=900, ge=1)
    signin_attempts_kept_seconds: int = Field(
        default=3600, ge=60, description="failed sign-ins are counted for this long from the first"
    )

    # The job runtime (huey): SQLite queue beside the database unless Redis is given.
    redis_url: str = Field(default="", description="redis://... to scale out; empty = embedded")
    embedded_worker: bool = Field(
        default=True, description="`leadflow serve` also runs jobs (one command, whole system)"
    )
    # One worker at a time takes bulk work (an import, an ingestion); the others keep the
    # speed-to-lead path moving while it runs, so there are more than two of them.
    job_workers: int = Field(default=4, ge=1, le=64)
    job_bulk_workers: int = Field(
        default=2, ge=1, le=64,
        description="of a process's job workers, how many may take bulk work at once (always "
        "one fewer than all of them at most)",
    )  # fmt: skip
    job_lease_seconds: float = Field(
        default=30, gt=0, description="a job not heard from for this long is presumed dead"
    )
    job_recovery_seconds: float = Field(
        default=15, gt=0, description="how often overdue and orphaned jobs are looked for"
    )

    # Outbound webhooks refuse private addresses (SSRF); a developer may lift that locally.
    allow_private_webhook_targets: bool = Field(
        default=False, description="let webhooks reach localhost and private networks (development)"
    )

    # A workspace's own providers (its mail server, its LLM endpoint) are refused on private
    # networks (SSRF); an installation whose providers sit on its own network may allow that.
    allow_private_provider_hosts: bool = Field(
        default=False,
        description="let a workspace's connections name hosts on localhost or private networks",
    )

    # Calls to outside providers (Twilio, HubSpot, LLMs...): defaults an adapter may override.
    provider_timeout_seconds: float = Field(default=15, gt=0, description="read/write/pool")
    provider_connect_timeout_seconds: float = Field(default=5, gt=0)
    provider_max_attempts: int = Field(default=4, ge=1, le=10)
    provider_retry_after_cap_seconds: float = Field(
        default=30, ge=0, description="a longer Retry-After is left to the job's own retry"
    )
    provider_breaker_failures: int = Field(
        default=5, ge=1, description="consecutive failed requests that open a provider's breaker"
    )
    provider_breaker_cooldown_seconds: float = Field(default=30, gt=0)

    # The platform's LLM, for workspaces that connect none. "none": rules only, no network.
    llm_provider: Literal["none", "openai_compatible", "anthropic"] = "none"
    llm_base_url: str = Field(
        default="",
        description="https://api.openai.com/v1, http://localhost:11434/v1...; "
        "empty for Anthropic means its public API",
    )
    llm_model: str = ""
    llm_api_key: SecretStr = SecretStr("")
    llm_timeout_seconds: float = Field(default=20, gt=0)
    llm_response_format: Literal["json_schema", "json_object"] = Field(
        default="json_schema",
        description="json_object for OpenAI-compatible servers without structured outputs",
    )
    llm_prices_per_million: dict[str, tuple[float, float]] = Field(
        default_factory=dict,
        description='USD per million input and output tokens by model: {"my-model": [0.2, 0.6]}',
    )

    # The platform's channels out, for workspaces that connect none: a channel whose provider is
    # not set keeps its messages in the outbox; nothing is sent.
    twilio_account_sid: str = ""
    twilio_auth_token: SecretStr = SecretStr("")
    twilio_api_key_sid: str = Field(
        default="", description="an API key (SK...) instead of the token"
    )
    twilio_api_key_secret: SecretStr = SecretStr("")
    twilio_sms_from: str = Field(default="", description="E.164 number or alphanumeric sender ID")
    twilio_whatsapp_from: str = Field(default="", description="the WhatsApp sender's E.164 number")
    twilio_messaging_service_sid: str = Field(
        default="", description="MG...: a Messaging Service, with or instead of the senders"
    )
    smtp_host: str = ""
    smtp_port: int | None = Field(
        default=None, ge=1, le=65535, description="empty: 587, 465 for ssl, 25 for none"
    )
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_from: str = Field(default="", description="sales@acme.com or 'Acme <sales@acme.com>'")
    smtp_tls: Literal["starttls", "ssl", "none"] = "starttls"

    # Knowledge bases (knowledge/): chunking, the local embedding model, search, fetching URLs.
    knowledge_chunk_tokens: int = Field(
        default=224, ge=50, le=2000,
        description="the longest chunk, in the model's tokens; never more than the model reads",
    )  # fmt: skip
    knowledge_overlap_tokens: int = Field(default=24, ge=0, le=500)
    knowledge_similarity_threshold: float = Field(default=0.55, ge=0, le=1)
    knowledge_max_document_bytes: int = Field(default=25 * 1024 * 1024, ge=1024)
    knowledge_fetch_timeout_seconds: float = Field(default=15, gt=0)
    knowledge_vector_cache_mb: int = Field(
        default=512, ge=16, description="in-memory vectors kept for exact search, per process"
    )
    embedding_threads: int = Field(
        default=0, ge=0, le=64, description="the embedding model's threads; 0 = one per core"
    )
    embedding_model: Literal["use-m3", "minilm"] = Field(
        default="use-m3",
        description="the local embedding model; minilm is for comparison on the embedded "
        "engine (the pgvector index is built for use-m3's 512 dimensions)",
    )

    # Documents for the knowledge base (integrations/parsing/). Read locally unless LlamaParse
    # has a key; then a PDF goes to it as the mode says, the local parser as its fallback.
    knowledge_max_document_pages: int = Field(default=500, ge=1, description="for PDFs")
    llamaparse_api_key: SecretStr = SecretStr("")
    llamaparse_base_url: str = Field(
        default="https://api.cloud.llamaindex.ai",
        description="https://api.cloud.eu.llamaindex.ai for the EU region",
    )
    llamaparse_mode: Literal["scanned", "always"] = Field(
        default="scanned",
        description="scanned: only PDFs whose own text is too sparse to be read; always: every PDF",
    )
    llamaparse_tier: Literal["fast", "cost_effective", "agentic", "agentic_plus"] = Field(
        default="cost_effective", description="LlamaParse's parsing tier (fast has no OCR)"
    )
    llamaparse_timeout_seconds: float = Field(
        default=300, gt=0, description="the whole job: upload, parsing and fetching the result"
    )

    @field_validator("default_phone_region")
    @classmethod
    def _known_region(cls, value: str) -> str:
        region = value.upper()
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(f"unknown phone region {value!r}")
        return region

    @field_validator("previous_secret_keys", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [key.strip() for key in value.split(",") if key.strip()]
        return value

    @model_validator(mode="after")
    def _secret_key_from_data_dir(self) -> Settings:
        if not self.secret_key:
            self.secret_key = read_secret_key_file(self.data_dir)
        if self.environment != "development" and self.secret_key and is_weak_key(self.secret_key):
            raise ValueError(
                f"LEADFLOW_SECRET_KEY is a placeholder or shorter than {MIN_SECRET_KEY_LENGTH} "
                "characters; set a long random value "
                "(python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        return self

    @model_validator(mode="after")
    def _refuse_lifted_limits_in_production(self) -> Settings:
        if self.environment == "production" and not self.rate_limits_enabled:
            raise ValueError("LEADFLOW_RATE_LIMITS_ENABLED=false is for load tests, not production")
        return self

    @property
    def secret_keys(self) -> tuple[str, ...]:
        """The current key first, then the previous ones. In development, a key is written to
        the data directory the first time one is needed, as `leadflow init` would."""
        if not self.secret_key and self.environment == "development":
            self.secret_key = write_secret_key_file(self.data_dir)
        if not self.secret_key:
            raise MissingSecretKey(
                "no secret key: run `leadflow init` (it writes one to the data directory) "
                "or set LEADFLOW_SECRET_KEY"
            )
        return (self.secret_key, *self.previous_secret_keys)

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'leadflow.db').resolve()}"

    @property
    def job_queue_path(self) -> Path:
        return self.data_dir / "jobs.db"

    @property
    def upload_dir(self) -> Path:
        return self.data_dir / "uploads"


@lru_cache
def get_settings() -> Settings:
    return Settings()


def is_weak_key(key: str) -> bool:
    return key == PLACEHOLDER_SECRET or len(key) < MIN_SECRET_KEY_LENGTH


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def read_secret_key_file(data_dir: Path) -> str:
    try:
        return (data_dir / SECRET_KEY_FILE).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return ""


def write_secret_key_file(data_dir: Path) -> str:
    """The key in the data directory, written there first (readable by this user only) when
    there is none: random, so no two installations share one."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / SECRET_KEY_FILE
    draft = path.with_name(f".{SECRET_KEY_FILE}.{os.getpid()}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as key_file:
        key_file.write(secrets.token_urlsafe(48) + "\n")
    try:  # a link is atomic: of two processes starting together, one key wins and both use it
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return read_secret_key_file(data_dir)


def ensure_secret_key() -> Settings:
    """The settings, with a secret key: when none is configured and the data directory holds
    none, a random one is written there and used from then on (`leadflow init` calls this)."""
    settings = get_settings()
    if not settings.secret_key:
        write_secret_key_file(settings.data_dir)
        get_settings.cache_clear()
    return get_settings()
