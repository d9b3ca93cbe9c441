"""Queries live in the owning domain's repository: the dashboard's pages and the predictive
model's training ask repositories, and build no SQL of their own."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import leadflow

SOURCE = Path(leadflow.__file__).parent
NO_QUERIES_OF_THEIR_OWN = sorted(
    [*(SOURCE / "dashboard").glob("*.py"), SOURCE / "scoring" / "predictive.py",
     SOURCE / "scoring" / "tasks.py", SOURCE / "scoring" / "model_view.py"]
)  # fmt: skip


def sqlalchemy_names(path: Path) -> set[str]:
    """What the module takes from SQLAlchemy, beyond the session it is handed."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names if a.name.split(".")[0] == "sqlalchemy"}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names - {"sqlalchemy.orm.Session"}


@pytest.mark.parametrize("path", NO_QUERIES_OF_THEIR_OWN, ids=lambda p: p.stem)
def test_the_module_builds_no_query(path: Path):
    assert sqlalchemy_names(path) == set()
