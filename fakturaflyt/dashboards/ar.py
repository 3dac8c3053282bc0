"""Accounts receivable figures (kundereskontro): invoiced, paid and overdue per month, aging, DSO and CEI,
and the cash expected in the next 30 days. Definitions in ``docs/dashboards.md``.

The customer ledger already computes open items, aging, DSO/CEI and payment predictions
(:mod:`fakturaflyt.receivables.ledger` over :mod:`fakturaflyt.core.receivables_metrics` and
:mod:`fakturaflyt.core.payment_prediction`); this module calls it and adds only what it lacks:
the month's invoicing and customer payments. Amounts in NOK.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from fakturaflyt.core.receivables_metrics import BUCKETS
from fakturaflyt.dashboards.links import link
from fakturaflyt.dashboards.periods import month_end, month_start
from fakturaflyt.receivables import ledger
from fakturaflyt.receivables.models import CustomerPayment, DocumentType, InvoiceStatus, SalesInvoice

__all__ = [
    "AgingRow",
    "ArMonth",
    "CashWeek",
    "ExpectedCash",
    "Receivables",
    "receivables",
]

ZERO = Decimal("0.00")
#: The days ahead each expected-cash bar covers (from, to), counted from the day of the figures.
CASH_WEEKS = ((0, 7), (8, 14), (15, 21), (22, 30))


@dataclass(frozen=True)
class ArMonth:
    """One month: invoiced, credited, paid by customers, and what was owed and overdue at its end."""

    month: date
    invoiced: Decimal  # invoices issued in the month (total incl. VAT, NOK)
    credited: Decimal  # credit notes issued in the month
    paid: Decimal  # customer payments received in the month (allocated or not)
    receivables_end: Decimal  # open at the month's end (or on the day, for the current month)
    overdue_end: Decimal  # of which past due
    dso: Decimal | None  # days, simple method
    cei: Decimal | None  # percent
    url: str  # the customer ledger as of the month's end


@dataclass(frozen=True)
class AgingRow:
    bucket: str  # not_due, days_1_30, days_31_60, days_61_90, days_over_90
    label: str
    amount: Decimal
    url: str


@dataclass(frozen=True)
class CashWeek:
    first: date
    last: date
    amount: Decimal
    count: int


@dataclass(frozen=True)
class ExpectedCash:
    """Open invoices expected paid from ``on`` to ``on`` + 30 days by the payment prediction."""

    on: date
    amount: Decimal
    count: int
    weeks: tuple[CashWeek, ...]
    url: str


@dataclass(frozen=True)
class Receivables:
    on: date
    months: tuple[ArMonth, ...]
    aging: tuple[AgingRow, ...]
    open_total: Decimal
    overdue_total: Decimal
    expected_cash: ExpectedCash
    invoices_url: str
    paid_url: str
    overdue_url: str
    dunning_url: str


def bucket_labels() -> dict[str, str]:
    from fakturaflyt.receivables.ledger_views import bucket_labels as labels

    return labels()


def _sales(company: Any, first: date, on: date) -> tuple[dict[date, Decimal], dict[date, Decimal]]:
    invoiced: dict[date, Decimal] = {}
    credited: dict[date, Decimal] = {}
    for issued, kind, amount in (
        SalesInvoice.objects.filter(company=company, number__isnull=False, issue_date__gte=first, issue_date__lte=on)
        .exclude(status=InvoiceStatus.DRAFT)
        .values_list("issue_date", "document_type", "total_nok")
    ):
        target = credited if kind == DocumentType.CREDIT_NOTE else invoiced
        key = month_start(issued)
        target[key] = target.get(key, ZERO) + amount
    return invoiced, credited


def _payments(company: Any, first: date, on: date) -> dict[date, Decimal]:
    paid: dict[date, Decimal] = {}
    for paid_on, amount in CustomerPayment.objects.filter(
        company=company, paid_on__gte=first, paid_on__lte=on
    ).values_list("paid_on", "amount"):
        key = month_start(paid_on)
        paid[key] = paid.get(key, ZERO) + amount
    return paid


def expected_cash(items: list[ledger.Item], on: date) -> ExpectedCash:
    """Sum the open invoices whose predicted pay date falls within 30 days of ``on``."""
    weeks = []
    total, count = ZERO, 0
    for lo, hi in CASH_WEEKS:
        first, last = on + timedelta(days=lo), on + timedelta(days=hi)
        chosen = [
            i
            for i in items
            if i.prediction is not None and first <= i.prediction.expected_pay_date <= last and i.open_nok > 0
        ]
        amount = sum((i.open_nok for i in chosen), ZERO)
        weeks.append(CashWeek(first, last, amount, len(chosen)))
        total += amount
        count += len(chosen)
    return ExpectedCash(on, total, count, tuple(weeks), link("receivables_ledger:overview", on=on))


def receivables(company: Any, on: date, months: int = 12) -> Receivables:
    """All AR figures on ``on`` and for the ``months`` months up to it (about a dozen queries).

    DSO, CEI and the month ends' balances come from ``receivables.ledger.dso_cei``; the month's
    overdue amount is its receivables at the end less what was not yet due then. The aging and
    the predictions are ``receivables.ledger.overview`` (the customer ledger page's own figures).
    """
    metrics = ledger.dso_cei(company, months, on)
    first = metrics[0].month
    invoiced, credited = _sales(company, first, on)
    paid = _payments(company, first, on)
    rows = tuple(
        ArMonth(
            m.month,
            invoiced.get(m.month, ZERO),
            credited.get(m.month, ZERO),
            paid.get(m.month, ZERO),
            m.receivables_end,
            m.receivables_end - m.current_end,
            m.dso,
            m.cei,
            link("receivables_ledger:overview", on=min(month_end(m.month), on)),
        )
        for m in metrics
    )
    summaries, total = ledger.overview(company, on)
    labels = bucket_labels()
    ledger_url = link("receivables_ledger:overview", on=on)
    aging = tuple(AgingRow(name, labels[name], getattr(total, name), ledger_url) for name in BUCKETS)
    items = [i for s in summaries for i in s.items]
    return Receivables(
        on=on,
        months=rows,
        aging=aging,
        open_total=total.total,
        overdue_total=total.overdue,
        expected_cash=expected_cash(items, on),
        invoices_url=link("receivables:invoices"),
        paid_url=link("receivables:invoices", status="paid"),
        overdue_url=link("receivables:invoices", status="overdue"),
        dunning_url=link("dunning:index"),
    )


def labels() -> dict[str, str]:
    """Row labels of the AR month table."""
    return {
        "invoiced": _("Invoiced"),
        "credited": _("Credited"),
        "paid": _("Paid by customers"),
        "receivables_end": _("Open at month end"),
        "overdue_end": _("Overdue at month end"),
        "dso": _("DSO (days)"),
        "cei": _("CEI (%)"),
    }
