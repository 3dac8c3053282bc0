"""Customer invoices: make a draft, issue it (number, KID, due date, voucher), credit it.

One function per business action, each in one transaction with an audit event. These are the
contract the billing run, the distribution, the UI, the API and the CLI all call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from fakturaflyt.companies.models import Company
from fakturaflyt.receivables.models import Customer, Product, SalesInvoice, Source


@dataclass(frozen=True, slots=True)
class DraftLine:
    """One line of a draft. ``None`` for vat_code/revenue_account/unit_code takes the product's (else 3/3000/C62)."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    product: Product | None = None
    vat_code: str | None = None
    revenue_account: str | None = None
    unit_code: str | None = None
    discount_percent: Decimal = Decimal("0")
    department: str = ""
    project: str = ""
    period_start: date | None = None
    period_end: date | None = None
    note: str = ""
    source_key: str = ""


def create_draft(
    company: Company,
    customer: Customer,
    lines: Sequence[DraftLine],
    *,
    actor: Any,
    source: str = Source.MANUAL,
    source_key: str = "",
    issue_date: date | None = None,
    delivery_date: date | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
    currency: str | None = None,
    exchange_rate: Decimal | None = None,
    buyer_reference: str = "",
    order_reference: str = "",
    contract_reference: str = "",
    note: str = "",
) -> SalesInvoice:
    """Store a draft invoice with its lines (net amounts computed); nothing is numbered or posted."""
    raise NotImplementedError


def issue(invoice: SalesInvoice, actor: Any, *, issue_date: date | None = None) -> SalesInvoice:
    """Number, KID, due date, buyer snapshot, totals and the posted voucher, in one transaction."""
    raise NotImplementedError


def credit(
    invoice: SalesInvoice,
    actor: Any,
    *,
    reason: str,
    lines: Sequence[DraftLine] | None = None,
    issue_date: date | None = None,
) -> SalesInvoice:
    """An issued credit note referring to ``invoice`` (all of it when ``lines`` is None)."""
    raise NotImplementedError
