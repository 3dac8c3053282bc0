"""Every input that once broke a parser, replayed: each must now keep the target's contract.

The files are ``tests/fuzz/regressions/<target>/<sha256[:16]>.bin``: the exact bytes a fuzzer
found (``python fuzz/run.py --promote`` copies them from ``fuzz/crashes/``). The expected
outcome of each is written next to it in ``expected.txt`` (``<file> <error code or OK>``) when it
matters which error the reader gives; otherwise only the contract is checked.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fuzz.targets import REGRESSIONS, TARGETS, check

#: targets that need the database and replay their regressions in their own test module
DB_TARGETS = {"purchase_orders_csv"}  # tests/fuzz/test_purchase_orders_csv.py
CASES = sorted(p for p in REGRESSIONS.glob("*/*.bin") if p.parent.name not in DB_TARGETS)


def _expected(path: Path) -> str | None:
    listing = path.parent / "expected.txt"
    if not listing.exists():
        return None
    for line in listing.read_text().splitlines():
        name, _, outcome = line.partition(" ")
        if name == path.name:
            return outcome.strip() or None
    return None


def test_every_regression_folder_names_a_target() -> None:
    folders = {p.name for p in REGRESSIONS.iterdir() if p.is_dir()}
    unknown = folders - set(TARGETS) - DB_TARGETS
    assert not unknown, f"unknown target folder(s): {sorted(unknown)}"


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_regression_input_keeps_contract(path: Path, settings: object) -> None:
    target = TARGETS[path.parent.name]
    data = path.read_bytes()
    # given an input that crashed this parser once, when it is read again, then the contract holds
    check(target, data)
    expected = _expected(path)
    if expected is None:
        return
    from fakturaflyt.core.errors import FakturaflytError

    try:
        target.run(data)
    except FakturaflytError as exc:
        assert exc.code == expected
    else:
        assert expected == "OK"
