"""The dashboards' entry points: every figure of a company on a day, for the sections a role may see.

The figures themselves are computed in :mod:`.ap`, :mod:`.ar` and :mod:`.cards`; this module
puts them together. A section is computed only when the membership's role may see it
(AP and cards: ``view_payables``; AR: ``view_receivables``), so a role without the permission
neither sees nor pays for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from fakturaflyt.companies.roles import Perm
from fakturaflyt.dashboards import ap, ar, cards
from fakturaflyt.dashboards.periods import months_back

__all__ = ["MONTHS", "Dashboard", "Payables", "dashboard", "payables"]

MONTHS = 12


@dataclass(frozen=True)
class Payables:
    channels: ap.ChannelVolume
    touchless: ap.Touchless
    approval_time: ap.CycleTime
    payment_time: ap.CycleTime
    exceptions: ap.Exceptions
    approvals_waiting: tuple[ap.ApprovalWaiting, ...]
    late: ap.LatePayments


@dataclass(frozen=True)
class Dashboard:
    on: date
    months: tuple[date, ...]
    payables: Payables | None
    receivables: ar.Receivables | None
    cards: cards.CardsWaiting | None


def payables(company: Any, on: date, months: int = MONTHS) -> Payables:
    """Every AP figure on ``on`` and for the ``months`` months up to it (about 15 queries)."""
    approval_time, payment_time = ap.cycle_times(company, on, months)
    return Payables(
        channels=ap.channels(company, on, months),
        touchless=ap.touchless(company, on, months),
        approval_time=approval_time,
        payment_time=payment_time,
        exceptions=ap.exceptions(company),
        approvals_waiting=ap.approvals_waiting(company),
        late=ap.late_payments(company, on, months),
    )


def dashboard(company: Any, on: date, perms: frozenset[Perm] | set[Perm], months: int = MONTHS) -> Dashboard:
    """The sections ``perms`` allow: AP and cards with ``view_payables``, AR with ``view_receivables``."""
    see_ap = Perm.VIEW_PAYABLES in perms
    return Dashboard(
        on=on,
        months=months_back(on, months),
        payables=payables(company, on, months) if see_ap else None,
        receivables=ar.receivables(company, on, months) if Perm.VIEW_RECEIVABLES in perms else None,
        cards=cards.charges_waiting(company) if see_ap else None,
    )
