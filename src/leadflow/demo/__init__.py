"""The demo workspace a newcomer lands in: a user, an API key and sample leads, and a Riyadh
real-estate agency's knowledge, services and qualifying questions."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from leadflow.accounts import repository as accounts
from leadflow.demo.history import ensure_history
from leadflow.identity.drafts import draft_from_fields
from leadflow.identity.service import intake
from leadflow.kit.crypto import hash_api_key, new_token, verify_password
from leadflow.knowledge import repository as knowledge_repository
from leadflow.knowledge import service as knowledge
from leadflow.leads.service import announce_arrivals
from leadflow.models import ApiKey, IcpRule, Workspace
from leadflow.worker import enqueue
from leadflow.workspaces import repository, service

DEMO_SLUG = "demo"
DEMO_EMAIL = "demo@leadflow.local"
DEMO_PASSWORD = "leadflow-demo"  # noqa: S105 - the local demo's published password
DEMO_API_KEY = "lf_demo_local_only_not_for_production"

_SAMPLE_LEADS = Path(__file__).with_name("demo_leads.csv")
DEMO_KNOWLEDGE = Path(__file__).with_name("demo_knowledge.json")
DEMO_SERVICES = (
    "Villas for sale",
    "Apartments for rent",
    "Off-plan investment",
    "Property management",
    "Selling your property",
)
# The agency's questions, in the order its agent asks them.
DEMO_QUESTIONS = (
    {"slot": "service", "en": "Are you looking to buy, to rent or to invest?",
     "ar": "هل تبحث عن الشراء أم الإيجار أم الاستثمار؟"},
    {"slot": "budget", "en": "What budget do you have in mind?",
     "ar": "ما هي الميزانية التي تفكر بها؟"},
    {"slot": "timeline", "en": "When would you like to move in?",
     "ar": "متى تريد الانتقال؟"},
    {"slot": "location", "en": "Which district of Riyadh do you prefer?",
     "ar": "ما هو الحي الذي تفضله في الرياض؟"},
)  # fmt: skip


def _sample_rows() -> list[dict[str, str | None]]:
    with _SAMPLE_LEADS.open(encoding="utf-8", newline="") as handle:
        return [{k: v or None for k, v in row.items()} for row in csv.DictReader(handle)]


@dataclass(frozen=True)
class DemoAccess:
    workspace_slug: str
    email: str
    password: str
    api_key: str
    created: bool


def _sample_rules(workspace_id: int) -> list[IcpRule]:
    """An ideal customer profile to start from, so the demo's scores carry reasons."""
    rules = [
        ("seniority", "in", ["executive", "vp", "director"], 25, "a senior buyer"),
        ("employee_count", "between", [20, 2000], 15, "the size we serve best"),
        ("country", "in", ["SA", "AE", "US", "GB"], 10, "in a country we sell to"),
        ("source", "in", ["referral", "web form", "whatsapp"], 10, "came to us, not cold"),
        ("email", "missing", None, -5, "no email to reach"),
    ]
    return [
        IcpRule(workspace_id=workspace_id, field=field, operator=operator, value=value,
                points=points, reason=reason)
        for field, operator, value, points, reason in rules
    ]  # fmt: skip


def ensure_demo(session: Session, *, published: bool) -> DemoAccess:
    """Creates whatever of the demo is missing; running it again changes nothing.

    ``published`` gives the demo the password and API key written in the README: for a
    laptop, never for a server others can reach. Otherwise the user gets a random password,
    shown once, and no API key.
    """
    workspace = repository.workspace_by_slug(session, DEMO_SLUG)
    created = workspace is None
    if workspace is None:
        workspace = service.create_workspace(
            session,
            slug=DEMO_SLUG,
            name="Demo workspace",
            default_region="SA",
            time_zone="Asia/Riyadh",
        )
    user = accounts.user_by_email(session, DEMO_EMAIL)
    if user is None:
        password = DEMO_PASSWORD if published else new_token(12)
        user = service.create_user(session, email=DEMO_EMAIL, password=password, name="Demo owner")
    elif published and verify_password(user.password_hash, DEMO_PASSWORD):
        password = DEMO_PASSWORD
    else:
        password = ""  # set by someone, or shown once when it was made: not ours to print
    service.add_member(session, workspace=workspace, user=user)
    if published and accounts.active_key_by_hash(session, hash_api_key(DEMO_API_KEY)) is None:
        session.add(
            ApiKey(
                workspace_id=workspace.id,
                name="demo",
                prefix=DEMO_API_KEY[:10],
                key_hash=hash_api_key(DEMO_API_KEY),
            )
        )
    if repository.lead_count(session, workspace.id) == 0:
        session.add_all(_sample_rules(workspace.id))
        region = workspace.default_region
        drafts = [draft_from_fields(row, region=region) for row in _sample_rows()]
        outcomes = intake(session, workspace.id, drafts, via="demo", actor="demo")
        announce_arrivals(session, workspace.id, outcomes, via="demo")
    _ensure_knowledge(session, workspace.id)
    _ensure_agent_settings(session, workspace)
    ensure_history(session, workspace.id)
    session.flush()
    api_key = DEMO_API_KEY if published else ""
    return DemoAccess(DEMO_SLUG, DEMO_EMAIL, password, api_key, created)


@dataclass(frozen=True)
class DemoSignIn:
    email: str
    password: str


def published_sign_in(session: Session) -> DemoSignIn | None:
    """The demo's sign-in as the README publishes it, while it still opens the demo."""
    user = accounts.user_by_email(session, DEMO_EMAIL)
    if user is None or not verify_password(user.password_hash, DEMO_PASSWORD):
        return None
    return DemoSignIn(DEMO_EMAIL, DEMO_PASSWORD)


def _ensure_agent_settings(session: Session, workspace: Workspace) -> None:
    """The agency's services and questions, unless someone has set the demo's own."""
    settings = workspace.settings or {}
    if "services" in settings or "qualifying_questions" in settings:
        return
    service.set_agent_settings(
        session, workspace=workspace, services=DEMO_SERVICES, questions=DEMO_QUESTIONS
    )


def _ensure_knowledge(session: Session, workspace_id: int) -> None:
    """The demo agency's FAQs and brochure, queued for ingestion (the worker embeds them)."""

    demo = json.loads(DEMO_KNOWLEDGE.read_text(encoding="utf-8"))
    if knowledge_repository.knowledge_base_named(session, workspace_id, demo["name"]):
        return
    kb = knowledge.create_knowledge_base(
        session, workspace_id=workspace_id, name=demo["name"], description=demo["description"]
    )
    documents = [knowledge.add_faq(session, kb, f["question"], f["answer"]) for f in demo["faqs"]]
    documents += [
        knowledge.add_document(session, kb, origin="text", source=d["title"], body=d["markdown"])
        for d in demo["documents"]
    ]
    for document in documents:
        enqueue(session, "knowledge.ingest", workspace_id, document.id)
