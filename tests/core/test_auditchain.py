"""core.auditchain: any edit, deletion or reordering of events is detected."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fakturaflyt.core.auditchain import GENESIS, canonical, event_hash, verify_chain

Event = tuple[int, dict[str, Any], str, str]


def chain(n: int) -> list[Event]:
    events: list[Event] = []
    prev = GENESIS
    for seq in range(1, n + 1):
        content = {"seq": seq, "action": f"voucher.posted.{seq}", "data": {"amount": str(seq * 100)}}
        h = event_hash(prev, content)
        events.append((seq, content, prev, h))
        prev = h
    return events


def codes_at(events: list[Event]) -> list[tuple[str, str]]:
    return [(p.code, p.location) for p in verify_chain(events)]


def test_an_untouched_chain_verifies() -> None:
    assert verify_chain(chain(5)) == []
    assert verify_chain([]) == []


def test_canonical_form_is_order_independent_and_keeps_amounts_exact() -> None:
    assert canonical({"b": 1, "a": "æ"}) == canonical({"a": "æ", "b": 1}) == '{"a":"æ","b":1}'.encode()
    assert canonical({"x": Decimal("10.50")}) == b'{"x":"10.50"}'


def test_editing_an_event_is_detected_at_that_event() -> None:
    events = chain(5)
    seq, content, prev, h = events[2]
    events[2] = (seq, {**content, "action": "voucher.deleted"}, prev, h)
    assert codes_at(events) == [("FF-AUDIT-HASH", "seq 3")]


def test_editing_and_rehashing_one_event_breaks_the_link_to_the_next() -> None:
    events = chain(5)
    seq, content, prev, _ = events[2]
    forged = {**content, "action": "forged"}
    events[2] = (seq, forged, prev, event_hash(prev, forged))
    assert codes_at(events) == [("FF-AUDIT-GAP", "seq 4")]


def test_deleting_an_event_in_the_middle_is_detected() -> None:
    events = chain(5)
    del events[1]
    problems = verify_chain(events)
    assert [(p.code, p.location) for p in problems] == [("FF-AUDIT-GAP", "seq 3")]
    assert "events 2 to 2 are missing" in problems[0].message


def test_deleting_the_first_event_is_detected() -> None:
    assert codes_at(chain(3)[1:]) == [("FF-AUDIT-GAP", "seq 2")]


def test_reordering_events_is_detected() -> None:
    e1, e2, e3, e4 = chain(4)
    problems = codes_at([e1, e3, e2, e4])
    assert ("FF-AUDIT-GAP", "seq 3") in problems
    assert ("FF-AUDIT-GAP", "seq 2") in problems


def test_renumbering_an_event_is_detected() -> None:
    events = chain(3)
    _, content, prev, h = events[2]
    events[2] = (7, content, prev, h)
    assert codes_at(events)[0] == ("FF-AUDIT-GAP", "seq 7")


def test_changing_the_previous_hash_is_detected() -> None:
    events = chain(3)
    seq, content, _, h = events[1]
    events[1] = (seq, content, GENESIS, h)
    assert ("FF-AUDIT-GAP", "seq 2") in codes_at(events)
