"""The business's working hours, and meeting times to offer within them, in its time zone."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from leadflow.kit.language import Language

# Where the working week runs Sunday to Thursday.
SUNDAY_WEEK = frozenset({"SA", "KW", "QA", "OM", "BH", "EG", "JO", "IQ", "YE", "DZ", "LY"})
DAY_NAMES: dict[Language, tuple[str, ...]] = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "ar": ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"),
}
AT: dict[Language, str] = {"en": "{day} at {hour}", "ar": "{day} الساعة {hour}"}
MEETING_HOURS = (time(10), time(13), time(16))


def working_days(settings: dict[str, Any], region: str) -> frozenset[int]:
    """Days of the week (Monday 0) the business works: its settings, else its region's."""
    days = (settings.get("business_hours") or {}).get("days")
    if isinstance(days, list) and days and all(isinstance(d, int) and 0 <= d <= 6 for d in days):
        return frozenset(days)
    return frozenset({6, 0, 1, 2, 3}) if region in SUNDAY_WEEK else frozenset(range(5))


def meeting_slots(
    now: datetime, *, zone: str, days: frozenset[int], count: int = 3, notice_hours: int = 2
) -> list[datetime]:
    """The next ``count`` meeting times on working days, at least ``notice_hours`` ahead."""
    local_zone = ZoneInfo(zone)
    earliest = now.astimezone(local_zone) + timedelta(hours=notice_hours)
    slots: list[datetime] = []
    day = earliest.date()
    while len(slots) < count and day <= earliest.date() + timedelta(days=14):
        if day.weekday() in days:
            for hour in MEETING_HOURS:
                slot = datetime.combine(day, hour, tzinfo=local_zone)
                if slot >= earliest and len(slots) < count:
                    slots.append(slot)
        day += timedelta(days=1)
    return slots


def spoken(slot: datetime, language: Language) -> str:
    day = DAY_NAMES[language][slot.weekday()]
    return AT[language].format(day=f"{day} {slot.day}/{slot.month}", hour=slot.strftime("%H:%M"))
