"""Fixtures for the PDF reader's tests: the PDF corpus cases, and skipping ``slow`` tests unless asked for."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``@pytest.mark.slow`` tests run only when selected (``pytest -m slow``)."""
    if "slow" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="slow: run with -m slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@dataclass(frozen=True)
class Case:
    name: str
    pdf: Path
    scan: Path | None
    truth: Any


def corpus_cases(root: Path) -> list[Case]:
    cases = []
    for truth in sorted((root / "pdf").glob("*/*.json")):
        pdf = truth.with_suffix(".pdf")
        scan = truth.with_name(truth.stem + ".scan300.pdf")
        if pdf.exists():
            cases.append(Case(truth.stem, pdf, scan if scan.exists() else None, json.loads(truth.read_text())))
    return cases


@pytest.fixture(scope="session")
def pdf_cases(corpus: Path) -> dict[str, Case]:
    cases = corpus_cases(corpus)
    if not cases:
        pytest.skip("no PDF cases in the corpus")
    return {c.name: c for c in cases}
