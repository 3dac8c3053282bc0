"""The fuzz contract itself: what counts as a crash, a hang, and that no XML reader goes around xmlsafe."""

from __future__ import annotations

import time

import pytest

from fakturaflyt.core.errors import FakturaflytError, FormatError
from tests.fuzz import targets
from tests.fuzz.targets import TARGETS, ContractViolation, Target, check


def test_documented_error_keeps_contract_and_others_break_it(tmp_path, monkeypatch) -> None:
    def refuse(data: bytes) -> None:
        raise FormatError("FF-TEST", "refused")

    def crash(data: bytes) -> None:
        raise IndexError("list index out of range")

    check(Target("ok", refuse, "binary"), b"x")
    monkeypatch.setenv("FUZZ_CRASH_DIR", str(tmp_path))
    with pytest.raises(ContractViolation, match="IndexError"):
        check(Target("crashy", crash, "binary"), b"boom")
    assert [p.read_bytes() for p in (tmp_path / "crashy").iterdir()] == [b"boom"]


def test_a_slow_input_is_a_hang() -> None:
    with pytest.raises(ContractViolation, match="Hang"):
        check(Target("slow", lambda data: time.sleep(5), "binary"), b"", hang_seconds=0.2)


@pytest.mark.parametrize("name", sorted(n for n, t in TARGETS.items() if t.kind == "xml"))
@pytest.mark.parametrize("document", [targets._XXE, targets._BOMB], ids=["xxe", "entity-bomb"])
def test_xml_readers_refuse_doctype(name: str, document: bytes) -> None:
    """XXE (a local file as an entity) and "billion laughs" are refused before any entity is expanded."""
    with pytest.raises(FakturaflytError) as info:
        TARGETS[name].run(document)
    # the card reader names its own code (FF-CARD-CAMT-DTD); the bank detector may refuse it as unknown first
    assert info.value.code.endswith("-DTD") or info.value.code == "FF-BANK-UNKNOWN", info.value.code
    assert "root:" not in str(info.value)
