"""What the dashboard tests share: a person of a workspace, and a client signed in as them."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from leadflow.db import unit_of_work
from leadflow.models import Workspace
from leadflow.workspaces.service import add_member, create_user
from tests.builders import unique

PASSWORD = "correct horse battery staple"
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("LEADFLOW_SCREENSHOTS", ROOT / "var" / "screenshots"))


def make_person(workspace: Workspace, *others: Workspace) -> str:
    """A new person of the workspace (and of the others), and their email."""
    email = f"{unique('person')}@example.com"
    with unit_of_work() as session:
        user = create_user(
            session, email=email, password=PASSWORD, name="Sam Seller", workspace=workspace
        )
        for other in others:
            add_member(session, workspace=session.merge(other), user=user)
    return email


class Browser:
    """A TestClient signed in through the sign-in form, sending its CSRF token like the pages do."""

    def __init__(self, client: TestClient, email: str, *, user_agent: str = "testclient") -> None:
        self.client = client
        self.client.cookies.clear()
        signed = client.post(
            "/signin", data={"email": email, "password": PASSWORD}, follow_redirects=False,
            headers={"User-Agent": user_agent},
        )  # fmt: skip
        assert signed.status_code == 303, signed.text
        self.refresh()

    def refresh(self) -> None:
        """Takes the CSRF token from a page again, as a browser does after its session changes."""
        token = csrf_of(self.client.get("/board").text)
        assert token, "a signed-in page holds the CSRF token"
        self.csrf = token

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.client.get(url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Any:
        headers = {"X-CSRF-Token": self.csrf, **kwargs.pop("headers", {})}
        return self.client.post(url, headers=headers, **kwargs)


def csrf_of(html: str) -> str | None:
    found = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    return found.group(1) if found else None


def screenshot(page: Any, name: str) -> Path:
    """Saves what the page shows as SCREENSHOTS/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
