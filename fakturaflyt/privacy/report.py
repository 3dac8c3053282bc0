"""The audit report: who saw and who changed what, in one company, over a period.

Changes come from the hash-chained audit log of the ledger (every business action), reads from
the access log (:class:`~fakturaflyt.privacy.models.AccessLog`). Both are filtered by person
and by object and merged in time order; :func:`write_csv` gives the same rows to a spreadsheet.
An erased user appears under their pseudonym (the current user name of the same row).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import IO, Any

from django.db.models import Q
from django.utils import timezone

CSV_FIELDS = ["at", "kind", "actor", "actor_id", "action", "object_type", "object_id", "channel", "request_id", "seq"]


@dataclass(frozen=True)
class Row:
    at: datetime
    kind: str  # "change" or "read"
    actor: str
    actor_id: int | None
    action: str
    object_type: str
    object_id: str
    channel: str = ""
    request_id: str = ""
    seq: int | None = None

    def as_dict(self) -> dict[str, str]:
        return {
            "at": timezone.localtime(self.at).isoformat(timespec="seconds"),
            "kind": self.kind,
            "actor": self.actor,
            "actor_id": "" if self.actor_id is None else str(self.actor_id),
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "channel": self.channel,
            "request_id": self.request_id,
            "seq": "" if self.seq is None else str(self.seq),
        }


def _bounds(date_from: date | None, date_to: date | None) -> tuple[datetime | None, datetime | None]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(date_from, time.min, tz) if date_from else None
    end = datetime.combine(date_to + timedelta(days=1), time.min, tz) if date_to else None
    return start, end


def _object_q(obj: str) -> Q:
    """``type:id`` (``receivables.salesinvoice:12``), or an id alone, or a type alone (``ledger.voucher``)."""
    if ":" in obj:
        object_type, object_id = obj.split(":", 1)
        return Q(object_type=object_type, object_id=object_id)
    if "." in obj:
        return Q(object_type=obj)
    return Q(object_id=obj)


def _narrowed(qs: Any, who: str, start: Any, end: Any, user: Any, obj: str) -> Any:
    """``qs`` (audit events or access-log rows) limited to the period, the person (``who`` is the
    field naming them) and the object asked for."""
    if start:
        qs = qs.filter(at__gte=start)
    if end:
        qs = qs.filter(at__lt=end)
    if user is not None:
        qs = qs.filter(**{who: user})
    if obj:
        qs = qs.filter(_object_q(obj))
    return qs


def audit_rows(
    company: Any,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    user: Any = None,
    obj: str = "",
    kinds: Iterable[str] = ("change", "read"),
    limit: int | None = None,
) -> list[Row]:
    """Changes and reads in ``company`` in the period (dates inclusive), newest first."""
    from fakturaflyt.ledger.models import AuditEvent
    from fakturaflyt.privacy.models import AccessLog

    start, end = _bounds(date_from, date_to)
    rows: list[Row] = []
    if "change" in kinds:
        events = _narrowed(AuditEvent.objects.filter(company=company), "actor", start, end, user, obj)
        events = events.select_related("actor").order_by("-at", "-seq")
        for ev in events[:limit] if limit else events:
            rows.append(
                Row(
                    ev.at,
                    "change",
                    ev.actor.get_username() if ev.actor_id else ev.actor_label,
                    ev.actor_id,
                    ev.action,
                    ev.object_type,
                    ev.object_id,
                    str(ev.data.get("via", "")) if isinstance(ev.data, dict) else "",
                    seq=ev.seq,
                )
            )
    if "read" in kinds:
        reads = _narrowed(AccessLog.objects.filter(company=company), "user", start, end, user, obj)
        reads = reads.select_related("user").order_by("-at", "-id")
        for r in reads[:limit] if limit else reads:
            rows.append(
                Row(
                    r.at,
                    "read",
                    r.user.get_username() if r.user_id else "",
                    r.user_id,
                    r.view,
                    r.object_type,
                    r.object_id,
                    r.channel,
                    r.request_id,
                )
            )
    rows.sort(key=lambda row: row.at, reverse=True)
    return rows[:limit] if limit else rows


def write_csv(rows: Iterable[Row], out: IO[str]) -> None:
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS)
    writer.writeheader()
    for row in rows:
        writer.writerow(row.as_dict())


def prune_access_log(*, older_than_days: int, now: datetime | None = None) -> int:
    """Delete access-log rows older than the retention period; returns how many went."""
    from fakturaflyt.privacy.models import AccessLog

    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    deleted, _ = AccessLog.objects.filter(at__lt=cutoff).delete()
    return deleted
