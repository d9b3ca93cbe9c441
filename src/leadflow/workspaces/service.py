"""Workspaces (tenants), their users and their API keys."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from sqlalchemy.orm import Session

from leadflow.accounts import repository as accounts
from leadflow.exceptions import BadRequest, Conflict, NotFound, UnprocessableInput
from leadflow.kit.crypto import (
    check_new_password,
    hash_api_key,
    hash_password,
    new_api_key,
    new_token,
)
from leadflow.kit.emails import InvalidEmail, normalize_email
from leadflow.models import ApiKey, User, Workspace, WorkspaceMember
from leadflow.models.base import utcnow
from leadflow.workspaces import repository
from leadflow.workspaces.questions import (
    LANGUAGES,
    MOST_SERVICES,
    QUESTION_LENGTH,
    SERVICE_LENGTH,
    SLOTS,
)
from leadflow.workspaces.widget import COLOUR, WIDGET, WIDGET_LANGUAGES

_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


def create_workspace(
    session: Session,
    *,
    slug: str,
    name: str | None = None,
    default_region: str = "US",
    time_zone: str = "UTC",
) -> Workspace:
    if not _SLUG.fullmatch(slug):
        raise BadRequest("a workspace slug is 1-63 lowercase letters, digits and dashes")
    if name is not None and not 0 < len(name.strip()) <= 200:
        raise BadRequest("a workspace name is 1-200 characters")
    if repository.workspace_by_slug(session, slug) is not None:
        raise Conflict(f"workspace {slug!r} already exists")
    region = default_region.upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise BadRequest(f"unknown phone region {default_region!r}")
    _check_time_zone(time_zone)
    workspace = Workspace(
        slug=slug,
        name=name or slug,
        default_region=region,
        time_zone=time_zone,
        form_token=new_token(18),
        settings={},
    )
    session.add(workspace)
    session.flush()
    return workspace


def get_workspace(session: Session, slug: str) -> Workspace:
    workspace = repository.workspace_by_slug(session, slug)
    if workspace is None:
        raise NotFound(f"workspace {slug!r} not found")
    return workspace


def create_api_key(session: Session, *, workspace: Workspace, name: str = "") -> tuple[ApiKey, str]:
    """The stored key and its plaintext, which is never kept and cannot be shown again."""
    plaintext = new_api_key()
    api_key = ApiKey(
        workspace_id=workspace.id,
        name=name,
        prefix=plaintext[:10],
        key_hash=hash_api_key(plaintext),
    )
    session.add(api_key)
    session.flush()
    return api_key, plaintext


def api_keys(session: Session, *, workspace_id: int) -> Sequence[ApiKey]:
    """The workspace's keys, newest first, revoked ones too (only their prefixes)."""
    return repository.api_keys(session, workspace_id)


def revoke_api_key(session: Session, *, workspace_id: int, key_id: int) -> ApiKey:
    """The key stops working at once; revoking it again changes nothing."""
    api_key = repository.api_key(session, workspace_id, key_id)
    if api_key is None:
        raise NotFound(f"API key {key_id} not found")
    if api_key.revoked_at is None:
        api_key.revoked_at = utcnow()
        session.flush()
    return api_key


def set_business_hours(
    session: Session, *, workspace: Workspace, days: Collection[int], time_zone: str
) -> None:
    """The days of the week (Monday 0) the business works, and the time zone it keeps; the
    agent offers meetings only then."""
    if not days or any(not 0 <= day <= 6 for day in days):
        raise BadRequest("business hours need at least one day of the week, Monday 0 to Sunday 6")
    _check_time_zone(time_zone)
    workspace.time_zone = time_zone
    workspace.settings = {
        **(workspace.settings or {}),
        "business_hours": {"days": sorted(set(days))},
    }
    session.flush()


def set_agent_settings(
    session: Session,
    *,
    workspace: Workspace,
    services: Sequence[str],
    questions: Sequence[Mapping[str, str]],
) -> None:
    """The business's names for what it sells, and the questions the agent asks a lead, in
    the order it asks them: each {"slot", "en", "ar"}, one language at least. A slot left out
    is not asked; no questions at all leaves the agent its own."""
    kept_services = _services(services)
    kept_questions = [_question(i, question) for i, question in enumerate(questions, start=1)]
    slots = [question["slot"] for question in kept_questions]
    if repeated := sorted({slot for slot in slots if slots.count(slot) > 1}):
        raise UnprocessableInput(f"a slot is asked once: {', '.join(repeated)} is repeated")
    workspace.settings = {
        **(workspace.settings or {}),
        "services": kept_services,
        "qualifying_questions": kept_questions,
    }
    session.flush()


def _services(services: Sequence[str]) -> list[str]:
    if len(services) > MOST_SERVICES:
        raise UnprocessableInput(f"at most {MOST_SERVICES} services")
    kept: list[str] = []
    for service in services:
        name = " ".join(str(service).split())
        if not 0 < len(name) <= SERVICE_LENGTH or "\x00" in name:
            raise UnprocessableInput(f"a service's name is 1-{SERVICE_LENGTH} characters")
        if name.casefold() in {k.casefold() for k in kept}:
            raise UnprocessableInput(f"the service {name!r} is listed twice")
        kept.append(name)
    return kept


def _question(number: int, question: Mapping[str, str]) -> dict[str, str]:
    slot = str(question.get("slot") or "")
    if slot not in SLOTS:
        raise UnprocessableInput(
            f"question {number}: the slot is one of {', '.join(SLOTS)}, not {slot[:40]!r}"
        )
    words = {lang: str(question.get(lang) or "").strip() for lang in LANGUAGES}
    if not any(words.values()):
        raise UnprocessableInput(f"the {slot} question needs its words in English or Arabic")
    for lang, text in words.items():
        if len(text) > QUESTION_LENGTH or "\x00" in text:
            raise UnprocessableInput(
                f"the {slot} question ({lang}) is 1-{QUESTION_LENGTH} characters"
            )
    return {"slot": slot, **words}


def _check_time_zone(time_zone: str) -> None:
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadRequest(f"unknown time zone {time_zone!r}") from None


def create_user(
    session: Session,
    *,
    email: str,
    password: str,
    name: str = "",
    workspace: Workspace | None = None,
) -> User:
    check_new_password(password)
    if len(name) > 200:
        raise BadRequest("a user's name is at most 200 characters")
    try:
        email, _ = normalize_email(email)
    except InvalidEmail as invalid:
        raise BadRequest(str(invalid)) from None
    if accounts.user_by_email(session, email) is not None:
        raise Conflict(f"a user with email {email!r} already exists")
    user = User(email=email, name=name, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    if workspace is not None:
        add_member(session, workspace=workspace, user=user)
    return user


def add_member(session: Session, *, workspace: Workspace, user: User, role: str = "owner") -> None:
    if repository.membership(session, workspace.id, user.id) is None:
        session.add(WorkspaceMember(workspace_id=workspace.id, user_id=user.id, role=role))
        session.flush()


def set_widget_look(session: Session, *, workspace: Workspace, colour: str, language: str) -> None:
    """The web chat's brand colour (#rrggbb) and the language it speaks to visitors."""
    if not COLOUR.fullmatch(colour):
        raise UnprocessableInput("the chat's colour is written #rrggbb, e.g. #0d6efd")
    if language not in WIDGET_LANGUAGES:
        raise UnprocessableInput(f"the chat speaks one of {', '.join(WIDGET_LANGUAGES)}")
    workspace.settings = {
        **(workspace.settings or {}),
        WIDGET: {"colour": colour.lower(), "language": language},
    }
    session.flush()
