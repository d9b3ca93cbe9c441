"""How the workspace's web chat looks on the business's site: its brand colour and the
language it speaks (Arabic puts it on the left and writes right to left)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from leadflow.models import Workspace

WIDGET = "widget"  # the workspace's setting
DEFAULT_COLOUR = "#0d6efd"
WIDGET_LANGUAGES = ("en", "ar")
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


@dataclass(frozen=True)
class WidgetLook:
    colour: str
    language: str


def widget_look(workspace: Workspace) -> WidgetLook:
    """The workspace's choice, or blue and English where it has made none."""
    chosen = (workspace.settings or {}).get(WIDGET) or {}
    return WidgetLook(
        colour=chosen.get("colour") or DEFAULT_COLOUR, language=chosen.get("language") or "en"
    )
