"""The web chat's browser test drives the same browser and live server as the dashboard's."""

from tests.dashboard.conftest import chromium, live_server, page, refusals  # noqa: F401
