"""Hash chain for the audit log (tamper evidence).

Each event's hash is SHA-256 over the previous event's hash and the event's own
canonical content (sorted-key JSON, amounts as strings). Editing, deleting or
reordering any event breaks every hash after it, so :func:`verify_chain` points at the
first event that no longer fits. The chain starts from :data:`GENESIS` per company.

>>> h1 = event_hash(GENESIS, {"seq": 1, "action": "voucher.posted"})
>>> h2 = event_hash(h1, {"seq": 2, "action": "voucher.reversed"})
>>> e1 = (1, {"seq": 1, "action": "voucher.posted"}, GENESIS, h1)
>>> e2 = (2, {"seq": 2, "action": "voucher.reversed"}, h1, h2)
>>> verify_chain([e1, e2])
[]
>>> [p.code for p in verify_chain([e2])]
['FF-AUDIT-GAP']
>>> [p.code for p in verify_chain([e1, (2, {"seq": 2, "action": "voucher.deleted"}, h1, h2)])]
['FF-AUDIT-HASH']
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from fakturaflyt.core.errors import Problem

GENESIS = "0" * 64


def _default(value: object) -> str:
    if isinstance(value, (Decimal, date, datetime)):
        return str(value) if not isinstance(value, (date, datetime)) else value.isoformat()
    raise TypeError(f"cannot hash {type(value).__name__}")


def canonical(content: Mapping[str, Any]) -> bytes:
    """Canonical bytes of an event: sorted keys, no whitespace, UTF-8."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default).encode()


def event_hash(previous_hash: str, content: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the previous hash followed by the event's canonical content."""
    return hashlib.sha256(previous_hash.encode("ascii") + canonical(content)).hexdigest()


def verify_chain(events: Iterable[tuple[int, Mapping[str, Any], str, str]]) -> list[Problem]:
    """Check ``(sequence, content, previous_hash, stored_hash)`` in order, starting at sequence 1.

    Each event must hash to its stored hash (else it was edited: ``FF-AUDIT-HASH``), point to
    the stored hash of the event before it, and follow it in sequence (else events between
    were deleted or reordered: ``FF-AUDIT-GAP``). Each break is reported once.
    """
    problems: list[Problem] = []
    previous = GENESIS
    expected_seq = 1
    for seq, content, prev_hash, stored in events:
        if seq != expected_seq or prev_hash != previous:
            missing = f"events {expected_seq} to {seq - 1} are missing" if seq > expected_seq else "the chain is broken"
            problems.append(
                Problem("FF-AUDIT-GAP", f"before event {seq}: {missing} (deleted or reordered)", f"seq {seq}")
            )
        if event_hash(prev_hash, content) != stored:
            problems.append(
                Problem(
                    "FF-AUDIT-HASH",
                    f"event {seq} does not match its hash: it was edited after it was written",
                    f"seq {seq}",
                )
            )
        previous = stored
        expected_seq = seq + 1
    return problems
