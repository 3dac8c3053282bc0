"""Small constructed data for the dashboard figures: supplier documents with a known history.

Rows are made directly (not through intake), so each test states exactly the times, states and
touches its figures are computed from.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal
from itertools import count
from typing import Any
from zoneinfo import ZoneInfo

from fakturaflyt.approvals.models import ApprovalStep, StepStatus
from fakturaflyt.cards.models import CardCharge, CardImport
from fakturaflyt.coding.models import CodingLine, LineSource, LineState
from fakturaflyt.core.ledger import VoucherLine
from fakturaflyt.ledger.services import post_voucher
from fakturaflyt.payables.models import DocumentState, PaymentStatus, Receipt, StoredFile, SupplierDocument

OSLO = ZoneInfo("Europe/Oslo")
_seq = count(1)


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """``day`` at ``hour``:``minute`` Oslo time."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=OSLO)


def _file() -> StoredFile:
    n = next(_seq)
    sha = hashlib.sha256(f"dashboard-test-{n}".encode()).hexdigest()
    return StoredFile.objects.create(sha256=sha, size=10, content_type="application/pdf", path=f"received/{sha}")


def document(
    company: Any,
    *,
    received: datetime,
    channel: str = "upload",
    fmt: str = "pdf",
    state: str = DocumentState.RECEIVED,
    total: str = "1000.00",
    currency: str = "NOK",
    due: date | None = None,
    approved: datetime | None = None,
    posted: bool = False,
    paid: date | None = None,
    payment_status: str | None = None,
    problems: list[dict[str, Any]] | None = None,
    credit_note: bool = False,
    **extra: Any,
) -> SupplierDocument:
    """A supplier document received at ``received``; ``posted`` gives it a voucher (state approved)."""
    stored = _file()
    receipt = Receipt.objects.create(company=company, file=stored, channel=channel, received_at=received)
    voucher = None
    if posted:
        amount = Decimal(total)
        voucher = post_voucher(
            company,
            None,
            voucher_date=(approved or received).astimezone(OSLO).date(),
            description="Test supplier invoice",
            lines=[VoucherLine("6300", debit=amount), VoucherLine("2400", credit=amount)],
            series="GL",
        )
        state = DocumentState.APPROVED
    return SupplierDocument.objects.create(
        company=company,
        receipt=receipt,
        file=stored,
        state=state,
        format=fmt,
        total=Decimal(total),
        currency=currency,
        due_date=due,
        approved_at=approved,
        voucher=voucher,
        paid_at=paid,
        payment_status=payment_status or (PaymentStatus.PAID if paid else PaymentStatus.UNPAID),
        problems=problems or [],
        is_credit_note=credit_note,
        **extra,
    )


def coding_line(doc: SupplierDocument, state: str = LineState.AUTO, by: Any = None, line_no: int = 1) -> CodingLine:
    return CodingLine.objects.create(
        company=doc.company,
        source=LineSource.SUPPLIER_INVOICE,
        document=doc,
        line_no=line_no,
        line={},
        state=state,
        coded_by=by,
        account="6300",
    )


def step(
    doc: SupplierDocument,
    approver: Any,
    *,
    status: str = StepStatus.PENDING,
    acted_by: Any = None,
    due_at: datetime | None = None,
    level: int = 1,
) -> ApprovalStep:
    return ApprovalStep.objects.create(
        company=doc.company,
        document=doc,
        round=1,
        level=level,
        approver=approver,
        status=status,
        acted_by=acted_by,
        acted_at=None,
        due_at=due_at,
    )


def charge(
    company: Any, status: str, amount: str, *, currency: str = "NOK", amount_nok: str | None = None
) -> CardCharge:
    n = next(_seq)
    imp = CardImport.objects.filter(company=company).first() or CardImport.objects.create(
        company=company, file=_file(), filename="kort.csv", kind="statement"
    )
    return CardCharge.objects.create(
        company=company,
        card_import=imp,
        external_id=f"C{n}",
        booked_at=at(date(2026, 11, 3)),
        merchant="Butikk",
        amount=Decimal(amount),
        currency=currency,
        amount_nok=Decimal(amount_nok) if amount_nok else None,
        status=status,
    )
