"""Times, numbers and money as the viewer's language writes them, and times in the workspace's
time zone: the dashboard's templates reach all of these through the Jinja filters ``install``
registers, so that no page formats a date or a number its own way."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_date, format_time, format_timedelta, get_datetime_format
from babel.numbers import format_currency, format_decimal, format_percent
from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

# Saudi Arabia's Arabic: the workspaces we serve first write their money and dates this way.
BABEL_LOCALES = {"en": "en", "ar": "ar_SA"}
DEFAULT_ZONE = "UTC"

Number = int | float | Decimal


def babel_locale(language: str) -> Locale:
    return _locale(BABEL_LOCALES.get(language, "en"))


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(code)


@cache
def zone(name: str | None) -> ZoneInfo:
    """The named zone; UTC for none, or for a name this machine does not know."""
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def aware(moment: datetime) -> datetime:
    """The database keeps UTC without a zone on SQLite: a naive moment is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def local(moment: datetime, zone_name: str | None) -> datetime:
    return aware(moment).astimezone(zone(zone_name))


def moment_text(moment: datetime, language: str, zone_name: str | None) -> str:
    """A date and a time of day to the minute: "Jan 2, 2026, 12:05 PM"."""
    here, locale = local(moment, zone_name), babel_locale(language)
    date = format_date(here, "medium", locale=locale)
    time = format_time(here, "short", tzinfo=here.tzinfo, locale=locale)
    pattern = str(get_datetime_format("medium", locale=locale))
    return pattern.replace("{1}", date).replace("{0}", time)


def day_text(moment: datetime, language: str, zone_name: str | None) -> str:
    return format_date(local(moment, zone_name), "medium", locale=babel_locale(language))


def ago_text(moment: datetime, now: datetime, language: str) -> str:
    """How long ago, in words of the language: "3 hours ago", "قبل 3 ساعات"."""
    # Babel says "in 0 seconds" for no time at all, and a moment a clock ahead of ours is now.
    gone = max(timedelta(seconds=1), aware(now) - aware(moment))
    return format_timedelta(-gone, add_direction=True, threshold=1, locale=babel_locale(language))


def length_text(seconds: Number, language: str) -> str:
    """How long something lasted, to the nearest unit: "4 minutes", "4 دقائق"."""
    return format_timedelta(
        timedelta(seconds=float(seconds)), threshold=1, locale=babel_locale(language)
    )


def number_text(value: Number, language: str, *, digits: int | None = None) -> str:
    """A number grouped as the language groups it; with ``digits``, to exactly that many."""
    if digits is None:
        return format_decimal(value, locale=babel_locale(language))
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern, locale=babel_locale(language))


def percent_text(share: Number, language: str) -> str:
    """A share of one as a percentage to a tenth: 0.875 is "87.5%"."""
    return format_percent(share, "#,##0.0%", locale=babel_locale(language))


def money_text(amount: Number, currency: str, language: str) -> str:
    """A sum in its currency, without cents for a whole sum: "SAR 2,000,000"."""
    value = Decimal(str(amount))
    whole = value == value.to_integral_value()
    text = format_currency(
        value, currency.upper(), locale=babel_locale(language),
        currency_digits=not whole, decimal_quantization=not whole,
        format="¤#,##0" if whole and language == "en" else None,
    )  # fmt: skip
    # CLDR wants a space between a currency code and its digits; Babel leaves it out.
    code = currency.upper()
    if text.startswith(code) and text[len(code) : len(code) + 1].isdigit():
        text = f"{code}\u00a0{text[len(code) :]}"
    return text


def isolated(value: object) -> Markup:
    """A left-to-right fragment (a phone, an email, "+10") kept whole inside right-to-left text."""
    return Markup('<bdi dir="ltr">{}</bdi>').format(value)


def _language(context: Context) -> str:
    return str(context.get("language") or "en")


def _zone_name(context: Context) -> str | None:
    if name := context.get("zone"):
        return str(name)
    viewer = context.get("viewer")
    return getattr(getattr(viewer, "workspace", None), "time_zone", None)


def _moment(value: datetime | str) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


@pass_context
def when(context: Context, value: datetime | str | None) -> Markup:
    """A moment in the workspace's zone, in a <time> a machine can read."""
    if not value:
        return Markup("—")
    moment = aware(_moment(value))
    text = moment_text(moment, _language(context), _zone_name(context))
    return Markup('<time datetime="{}">{}</time>').format(moment.isoformat(), text)


@pass_context
def day(context: Context, value: datetime | str | None) -> str:
    if not value:
        return "—"
    return day_text(_moment(value), _language(context), _zone_name(context))


@pass_context
def since(context: Context, value: datetime | None, now: datetime | None = None) -> str:
    if value is None:
        return "—"
    return ago_text(value, now or datetime.now(UTC), _language(context))


@pass_context
def lasted(context: Context, seconds: Number | None) -> str:
    return "—" if seconds is None else length_text(seconds, _language(context))


@pass_context
def number(context: Context, value: Number | None, digits: int | None = None) -> str:
    return "—" if value is None else number_text(value, _language(context), digits=digits)


@pass_context
def percent(context: Context, value: Number | None) -> str:
    return "—" if value is None else percent_text(value, _language(context))


@pass_context
def money(context: Context, value: Number | None, currency: str | None) -> str:
    if value is None:
        return "—"
    if not currency:
        return number_text(value, _language(context))
    return money_text(value, currency, _language(context))


def points_text(value: int) -> str:
    """Points won or lost, signed: "+10", and a true minus sign for a loss."""
    return f"+{value}" if value > 0 else (f"\u2212{-value}" if value < 0 else "0")


def points(value: int) -> Markup:
    return isolated(points_text(value))


FILTERS: dict[str, Any] = {
    "when": when, "day": day, "since": since, "number": number, "money": money,
    "percent": percent, "lasted": lasted,
    "ltr": isolated, "points": points,
}  # fmt: skip


def install(environment: Environment) -> None:
    """Every page's formatting filters, registered in this one place."""
    environment.filters.update(FILTERS)
