"""What an arrival changes on the lead it matched: pure functions over column values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from leadflow.compliance.consent import merged as merged_consent
from leadflow.identity.drafts import LeadDraft
from leadflow.identity.keys import person_name_key

# Fields an arrival may fill in when the lead has no value yet.
FILLABLE_FIELDS = (
    "first_name", "last_name", "email", "phone", "whatsapp_id", "title", "city", "country",
    "time_zone",
)  # fmt: skip


def plan_merge(
    lead: Mapping[str, Any], draft: LeadDraft, company_id: int | None
) -> dict[str, list[Any]]:
    """``{column: [before, after]}`` for every value the arrival adds to ``lead``.

    Existing values win: an arrival fills blanks and never overwrites what a person or an
    earlier arrival set, except a refusal of consent, which always stands.
    """
    changes: dict[str, list[Any]] = {}
    for name in FILLABLE_FIELDS:
        incoming = getattr(draft, name)
        if incoming is not None and lead.get(name) in (None, ""):
            changes[name] = [lead.get(name), incoming]
    if changes.get("email"):
        changes["email_key"] = [lead.get("email_key"), draft.email_key]
    if "first_name" in changes or "last_name" in changes:
        first = changes.get("first_name", [None, lead.get("first_name")])[1]
        last = changes.get("last_name", [None, lead.get("last_name")])[1]
        changes["name_key"] = [lead.get("name_key"), person_name_key(first, last)]
    if company_id is not None and lead.get("company_id") is None:
        changes["company_id"] = [None, company_id]
    consent = merged_consent(lead.get("consent_status"), draft.consent_status)
    if consent != (lead.get("consent_status") or "unknown"):
        changes["consent_status"] = [lead.get("consent_status"), consent]
    added = {
        k: v for k, v in draft.custom_fields.items() if k not in (lead.get("custom_fields") or {})
    }
    if added:
        before = dict(lead.get("custom_fields") or {})
        changes["custom_fields"] = [before, {**before, **added}]
    return changes


def reversal(changes: Mapping[str, list[Any]], lead: Mapping[str, Any]) -> dict[str, Any]:
    """Values that undo ``changes``, for the fields nobody has edited since the merge."""
    return {name: before for name, (before, after) in changes.items() if lead.get(name) == after}
