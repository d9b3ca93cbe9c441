"""Enrichment that needs nothing outside: what the lead's own phone number tells."""

from __future__ import annotations

import phonenumbers
from phonenumbers import timezone
from sqlalchemy.orm import Session

from leadflow.models import Lead, LeadStage
from leadflow.pipeline.stages import step


@step(LeadStage.enriching, "reading the phone number's country and time zone")
def place_from_phone(session: Session, lead: Lead) -> str | None:
    number = lead.phone or (f"+{lead.whatsapp_id}" if lead.whatsapp_id else None)
    if number is None or (lead.country and lead.time_zone):
        return None
    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return None
    learned = []
    region = phonenumbers.region_code_for_number(parsed)
    if not lead.country and region and region != "001":
        lead.country = region
        learned.append(f"country {region}")
    zones = [zone for zone in timezone.time_zones_for_number(parsed) if zone != "Etc/Unknown"]
    # Only a number with one zone says where its owner is (a US +1 area code does; a mobile
    # prefix spanning zones does not).
    if not lead.time_zone and len(zones) == 1:
        lead.time_zone = zones[0]
        learned.append(f"time zone {zones[0]}")
    return ", ".join(learned) or None
