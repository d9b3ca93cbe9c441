"""The dashboard's formats: a moment in the workspace's time zone, numbers and money as the
viewer's language writes them, and counts in the plural form their language gives them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from jinja2 import Environment
from markupsafe import Markup

from leadflow.dashboard import formats, i18n
from leadflow.models import ConsentStatus, LeadStage, MessageStatus

NOON_IN_RIYADH = datetime(2026, 3, 1, 9, 5, tzinfo=UTC)


def test_a_utc_moment_is_shown_in_the_workspaces_zone():
    assert formats.moment_text(NOON_IN_RIYADH, "en", "Asia/Riyadh") == "Mar 1, 2026, 12:05\u202fPM"
    assert formats.moment_text(NOON_IN_RIYADH, "en", "UTC") == "Mar 1, 2026, 9:05\u202fAM"
    arabic = formats.moment_text(NOON_IN_RIYADH, "ar", "Asia/Riyadh")
    assert "12:05" in arabic
    assert "\u0645" in arabic  # "م": noon and after, in Arabic


def test_a_moment_without_a_zone_is_utc_and_an_unknown_zone_falls_back_to_utc():
    naive = NOON_IN_RIYADH.replace(tzinfo=None)
    assert formats.moment_text(naive, "en", "Asia/Riyadh") == "Mar 1, 2026, 12:05\u202fPM"
    assert formats.moment_text(naive, "en", "Mars/Olympus") == "Mar 1, 2026, 9:05\u202fAM"


def test_a_day_near_midnight_is_the_workspaces_day():
    late = datetime(2026, 3, 1, 22, 30, tzinfo=UTC)
    assert formats.day_text(late, "en", "Asia/Riyadh") == "Mar 2, 2026"


def test_how_long_ago_is_said_in_the_language():
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert formats.ago_text(now - timedelta(minutes=5), now, "en") == "5 minutes ago"
    assert formats.ago_text(now - timedelta(hours=2), now, "ar") == "قبل ساعتين"
    assert formats.ago_text(now + timedelta(minutes=1), now, "en") == "1 second ago"


def test_saudi_riyals_in_english_and_arabic():
    assert formats.money_text(2_000_000, "SAR", "en") == "SAR\u00a02,000,000"
    assert formats.money_text(1_500.5, "sar", "en") == "SAR\u00a01,500.50"
    arabic = formats.money_text(2_000_000, "SAR", "ar")
    assert "2,000,000" in arabic
    assert "ر.س" in arabic
    assert "SAR" not in arabic


def test_numbers_are_grouped_as_the_language_groups_them():
    assert formats.number_text(1_200, "en") == "1,200"
    assert formats.number_text(1.44, "en", digits=1) == "1.4"
    assert formats.number_text(50, "en", digits=1) == "50.0"
    assert formats.number_text(1_999.6, "en", digits=0) == "2,000"
    assert formats.number_text(1_200, "ar") == "1,200"
    assert formats.percent_text(0.875, "en") == "87.5%"
    assert formats.percent_text(1, "en") == "100.0%"


@pytest.mark.parametrize(
    ("count", "form", "text"),
    [(1, "one", "مقطع واحد"), (2, "two", "مقطعان"), (3, "few", "3 مقاطع"),
     (11, "many", "11 مقطعًا"), (100, "other", "100 مقطع")],
)  # fmt: skip
def test_arabic_counts_take_their_plural_form(count, form, text):
    assert i18n.plural_form("ar", count) == form
    assert i18n.translate("ar", "count.passages", count=count) == text


def test_english_counts_take_one_or_other():
    assert i18n.translate("en", "count.passages", count=1) == "1 passage"
    assert i18n.translate("en", "count.passages", count=0) == "0 passages"
    assert i18n.translate("en", "count.leads", count=1200) == "1,200 leads"


def test_every_counted_text_has_its_other_form_in_both_languages():
    for language, texts in i18n.catalogue().items():
        for key, text in texts.items():
            if isinstance(text, dict):
                assert "other" in text, (language, key)
                assert set(text) <= {"zero", "one", "two", "few", "many", "other"}, key


def _render(source: str, **context: object) -> str:
    environment = Environment(autoescape=True)
    formats.install(environment)
    return environment.from_string(source).render(**context)


def test_the_filters_read_the_language_and_zone_of_the_page():
    shown = _render("{{ moment|when }}", moment=NOON_IN_RIYADH, language="en", zone="Asia/Riyadh")
    assert shown == '<time datetime="2026-03-01T09:05:00+00:00">Mar 1, 2026, 12:05\u202fPM</time>'
    assert _render("{{ none|when }}", language="en") == "—"
    assert _render("{{ 2000000|money('SAR') }}", language="en") == "SAR\u00a02,000,000"


def test_left_to_right_fragments_are_isolated_and_escaped():
    assert formats.isolated("+966551234567") == Markup('<bdi dir="ltr">+966551234567</bdi>')
    assert _render("{{ '<b>'|ltr }}") == '<bdi dir="ltr">&lt;b&gt;</bdi>'
    assert _render("{{ 10|points }}") == '<bdi dir="ltr">+10</bdi>'
    assert _render("{{ -5|points }}") == '<bdi dir="ltr">\u22125</bdi>'


def test_every_stage_consent_message_status_and_tier_has_words_in_both_languages():
    keys = [f"stage.{stage}" for stage in LeadStage]
    keys += [f"lead.consent.{status}" for status in ConsentStatus]
    keys += [f"lead.status.{status}" for status in MessageStatus]
    keys += [f"board.tier.{tier}" for tier in ("hot", "warm", "cold")]
    for language in ("en", "ar"):
        words = i18n.catalogue()[language]
        assert [key for key in keys if key not in words] == [], language
