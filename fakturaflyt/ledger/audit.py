"""Writing and verifying the hash-chained audit log.

Every service that changes business data calls :func:`record` inside its transaction.
Appending locks the company's :class:`AuditHead` row, so events get consecutive sequence
numbers and each stores the hash of the one before (see :mod:`fakturaflyt.core.auditchain`).
:func:`verify` recomputes the chain and also compares its end with the head, which
catches a deleted tail.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from fakturaflyt.companies.models import Company
from fakturaflyt.core.auditchain import GENESIS, event_hash, verify_chain
from fakturaflyt.core.errors import Problem
from fakturaflyt.ledger.models import AuditEvent, AuditHead

SYSTEM = "system"


def _jsonable(data: Mapping[str, Any]) -> dict[str, Any]:
    """Round-trip through JSON so the hashed content equals what the database gives back (Decimals as strings)."""
    result: dict[str, Any] = json.loads(json.dumps(dict(data), cls=DjangoJSONEncoder))
    return result


def actor_label(user: Any) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return SYSTEM
    return str(user.get_username())


def record(
    company: Company,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    **details: Any,
) -> AuditEvent:
    """Append an event to ``company``'s chain: who (``actor``), what (``action`` on ``obj``), before/after."""
    data: dict[str, Any] = dict(details)
    if before is not None:
        data["before"] = before
    if after is not None:
        data["after"] = after
    with transaction.atomic():
        head, _ = AuditHead.objects.get_or_create(company=company, defaults={"seq": 0, "hash": GENESIS})
        head = AuditHead.objects.select_for_update().get(pk=head.pk)
        at: datetime = timezone.now()
        event = AuditEvent(
            company=company,
            seq=head.seq + 1,
            at=at,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            actor_label=actor_label(actor),
            action=action,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            data=_jsonable(data),
            prev_hash=head.hash,
        )
        event.hash = event_hash(head.hash, event.content())
        event.save(force_insert=True)
        AuditHead.objects.filter(pk=head.pk).update(seq=event.seq, hash=event.hash)
    return event


def verify(company: Company) -> list[Problem]:
    """Every break in ``company``'s chain: edited, deleted or reordered events, or a cut-off tail."""
    events = list(AuditEvent.objects.filter(company=company).order_by("seq"))
    problems = verify_chain((ev.seq, ev.content(), ev.prev_hash, ev.hash) for ev in events)
    last_seq, last_hash = (events[-1].seq, events[-1].hash) if events else (0, GENESIS)
    head = AuditHead.objects.filter(company=company).first()
    if head is not None and (head.seq, head.hash) != (last_seq, last_hash):
        problems.append(
            Problem(
                "FF-AUDIT-TAIL",
                f"the log ends at event {last_seq} but {head.seq} events were written: the newest were deleted or edited",
                f"seq {last_seq}",
            )
        )
    return problems
