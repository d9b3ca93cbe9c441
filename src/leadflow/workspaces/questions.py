"""The business's own words for the agent: the services it sells, and the qualifying
questions the agent asks, in order, in English and Arabic (workspace settings)."""

from __future__ import annotations

from leadflow.models import Workspace

SLOTS = ("service", "timeline", "budget", "location")
LANGUAGES = ("en", "ar")
MOST_SERVICES = 30
SERVICE_LENGTH = 100
QUESTION_LENGTH = 300


def services(workspace: Workspace) -> list[str]:
    return [str(s) for s in (workspace.settings or {}).get("services") or []]


def qualifying_questions(workspace: Workspace) -> dict[str, dict[str, str]]:
    """Slot -> {"en": ..., "ar": ...}, in the order they are asked; empty: the agent's own."""
    stored = (workspace.settings or {}).get("qualifying_questions") or []
    return {
        str(q["slot"]): {lang: str(q.get(lang) or "") for lang in LANGUAGES}
        for q in stored
        if isinstance(q, dict) and q.get("slot") in SLOTS
    }


def question_list(workspace: Workspace) -> list[dict[str, str]]:
    """The questions as the API and the CLI show them: {"slot", "en", "ar"}, in asking order."""
    return [{"slot": slot, **words} for slot, words in qualifying_questions(workspace).items()]
