"""The core stays framework-free (DESIGN.md section 1): no Django, no app, no network library."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "fakturaflyt" / "core"
FORBIDDEN = ("django", "ninja", "celery", "requests", "httpx", "socket", "urllib")
# urllib.parse only quotes and encodes text (the accounting-system adapters build URLs); it opens nothing.
ALLOWED = ("urllib.parse",)
APPS = ("companies", "ledger", "payables", "receivables", "banking", "cards", "api", "web", "cli", "settings")


def test_core_imports_no_django_and_no_app() -> None:
    offenders = []
    for path in CORE.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                parts = name.split(".")
                if name in ALLOWED:
                    continue
                if parts[0] in FORBIDDEN or (parts[0] == "fakturaflyt" and len(parts) > 1 and parts[1] in APPS):
                    offenders.append(f"{path.relative_to(CORE)}: {name}")
    assert offenders == []
