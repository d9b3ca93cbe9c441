"""The layer rules that import-linter cannot state: a `leadflow` import inside a function is
there for a reason, and says it (style: imports at the top, unless a cycle or start-up time
forces otherwise)."""

from __future__ import annotations

import ast
from pathlib import Path

SOURCES = Path(__file__).resolve().parents[1] / "src" / "leadflow"


def _function_level_imports(path: Path) -> list[tuple[int, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    found = []
    for node in ast.walk(ast.parse("\n".join(lines))):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for inner in ast.walk(node):
            if _imports_leadflow(inner):
                found.append((inner.lineno, lines[inner.lineno - 1]))
    return found


def _imports_leadflow(node: ast.AST) -> bool:
    if isinstance(node, ast.ImportFrom):
        return (node.module or "").startswith("leadflow")
    if isinstance(node, ast.Import):
        return any(alias.name.startswith("leadflow") for alias in node.names)
    return False


def _explained(path: Path, line: int) -> bool:
    lines = path.read_text(encoding="utf-8").splitlines()
    return "#" in lines[line - 1] or lines[line - 2].strip().startswith("#")


def test_every_function_level_import_says_why() -> None:
    unexplained = [
        f"{path.relative_to(SOURCES)}:{line}: {text.strip()}"
        for path in sorted(SOURCES.rglob("*.py"))
        for line, text in _function_level_imports(path)
        if not _explained(path, line)
    ]
    assert unexplained == []


def test_the_check_sees_an_unexplained_import(tmp_path: Path) -> None:
    module = tmp_path / "probe.py"
    module.write_text("def f():\n    from leadflow.kit import crypto\n    return crypto\n")
    assert [line for line, _ in _function_level_imports(module)] == [2]
    assert not _explained(module, 2)
