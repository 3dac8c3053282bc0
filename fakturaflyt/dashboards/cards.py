"""Card figures: charges waiting to be handled, per status (from :mod:`fakturaflyt.cards`).

A charge waits while it is *unmatched* (no shop order found), *ambiguous* (several order sets
fit: a person chooses) or *matched* (split and coded, to be accepted and posted); see
``cards.models.OPEN_STATUSES``. Amounts in NOK: ``amount_nok`` when the statement gave it,
else the amount of a NOK charge; a foreign-currency charge without a NOK amount is counted
but not summed (``without_nok``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from fakturaflyt.cards.models import OPEN_STATUSES, CardCharge, ChargeStatus
from fakturaflyt.dashboards.links import link

__all__ = ["CardStatus", "CardsWaiting", "charges_waiting"]

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class CardStatus:
    status: str
    label: str
    count: int
    amount: Decimal  # NOK
    without_nok: int
    url: str  # the card inbox's tab of that status


@dataclass(frozen=True)
class CardsWaiting:
    rows: tuple[CardStatus, ...]
    count: int
    amount: Decimal
    url: str  # the card inbox, "to handle"


def charges_waiting(company: Any) -> CardsWaiting:
    """Open card charges per status, in the order a person handles them (one query)."""
    nok = Q(amount_nok__isnull=True, currency="NOK")
    per = {
        row["status"]: row
        for row in CardCharge.objects.filter(company=company, status__in=OPEN_STATUSES)
        .order_by()
        .values("status")
        .annotate(
            n=Count("pk"),
            converted=Sum("amount_nok"),
            plain=Sum("amount", filter=nok),
            missing=Count("pk", filter=Q(amount_nok__isnull=True) & ~Q(currency="NOK")),
        )
    }
    labels = dict(ChargeStatus.choices)
    rows = []
    for status in (ChargeStatus.MATCHED, ChargeStatus.AMBIGUOUS, ChargeStatus.UNMATCHED):
        row = per.get(status, {})
        amount = (row.get("converted") or ZERO) + (row.get("plain") or ZERO)
        rows.append(
            CardStatus(
                status,
                str(labels[status]),
                row.get("n", 0),
                amount,
                row.get("missing", 0),
                link("cards:inbox", status=status),
            )
        )
    return CardsWaiting(
        tuple(rows), sum(r.count for r in rows), sum((r.amount for r in rows), ZERO), link("cards:inbox", status="open")
    )
