"""From bank entries and invoices to the core matcher's input, and from its matches to a decision.

The matching itself is :func:`fakturaflyt.core.matching.payments.match_payments` (exact KID,
then invoice number or KID in the text, then amount with payer name or account, then several
invoices of one customer). This module feeds it the company's NOK invoices: the open ones with
what is left to pay, and the credited and paid ones with nothing open (so that a payment naming
them is *flagged*, not posted), with the customers' names and the payer accounts learned from
earlier payments (a customer that paid from account X before is likely the one paying from X
again: :attr:`CustomerPayment.payer_account` is what is learned). Per entry it decides:

* **post** the best match when :func:`~fakturaflyt.core.matching.payments.auto_match` accepts
  it at the company's threshold (not ambiguous, names invoices) and every invoice it pays is
  still open by that much (earlier payments in the same file count);
* else **review**: the ranked candidates are kept for the reconciliation screen, with a note
  saying why the entry was not posted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from fakturaflyt.banking.models import BankEntry
from fakturaflyt.companies.models import Company
from fakturaflyt.core.matching.payments import IncomingPayment, Match, OpenItem, auto_match, match_payments
from fakturaflyt.receivables.models import (
    Customer,
    CustomerPayment,
    DocumentType,
    InvoiceStatus,
    SalesInvoice,
    Settlement,
)
from fakturaflyt.receivables.payments import credited_amounts, remaining

MAX_CANDIDATES = 5
ZERO = Decimal("0.00")


@dataclass
class Decision:
    """What to do with one incoming entry."""

    post: Match | None = None
    method: str = ""
    confidence: Decimal | None = None
    candidates: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""


@dataclass
class Book:
    """The company's invoices as the matcher sees them, loaded once per import."""

    invoices: dict[int, SalesInvoice]  # every issued NOK invoice, open or not
    left: dict[int, Decimal]  # invoice id -> still open, lowered as this import allocates
    payer_accounts: dict[int, set[str]]  # customer id -> accounts it paid from before
    customers: dict[int, Customer] = field(default_factory=dict)

    def is_open(self, pk: int) -> bool:
        return self.left.get(pk, ZERO) > 0


def load_book(company: Company) -> Book:
    qs = (
        SalesInvoice.objects.filter(company=company, document_type=DocumentType.INVOICE, currency="NOK")
        .exclude(status=InvoiceStatus.DRAFT)
        .select_related("customer")
    )
    invoices = {inv.pk: inv for inv in qs}
    open_ids = [pk for pk, inv in invoices.items() if inv.settlement in (Settlement.OPEN, Settlement.PARTLY_PAID)]
    credited = credited_amounts(open_ids)
    for pk in open_ids:
        invoices[pk].credited_total = credited.get(pk, ZERO)  # type: ignore[attr-defined]
    open_set = set(open_ids)
    left = {pk: remaining(invoices[pk]) if pk in open_set else ZERO for pk in invoices}
    accounts: dict[int, set[str]] = defaultdict(set)
    for account, customer_id in (
        CustomerPayment.objects.filter(company=company, customer__isnull=False)
        .exclude(payer_account="")
        .values_list("payer_account", "customer_id")
        .distinct()
    ):
        accounts[customer_id].add(account)
    customers = {inv.customer_id: inv.customer for inv in invoices.values()}
    return Book(invoices=invoices, left=left, payer_accounts=dict(accounts), customers=customers)


def payment_input(entry: BankEntry) -> IncomingPayment:
    return IncomingPayment(
        ref=entry.ref,
        amount=entry.amount,
        date=entry.date,
        kid=entry.kid,
        text=" ".join(x for x in (entry.reference, entry.text) if x),
        payer_name=entry.counterparty_name,
        payer_account=entry.counterparty_account,
    )


def open_item(book: Book, inv: SalesInvoice) -> OpenItem:
    return OpenItem(
        invoice_id=inv.pk,
        customer_id=inv.customer_id,
        customer_name=inv.customer.name,
        number=str(inv.number),
        kid=inv.kid,
        open_amount=book.left[inv.pk],
        due_date=inv.due_date,
        total=inv.total,
        credited=inv.settlement == Settlement.CREDITED,
        customer_accounts=tuple(sorted(book.payer_accounts.get(inv.customer_id, ()))),
    )


def match(book: Book, entries: Sequence[BankEntry], threshold: Decimal) -> list[list[Match]]:
    """The ranked matches of each entry (same order as ``entries``)."""
    if not entries:
        return []
    items = [open_item(book, inv) for inv in book.invoices.values()]
    return match_payments([payment_input(e) for e in entries], items, threshold=float(threshold))


def allocations_of(m: Match) -> list[tuple[int, Decimal]]:
    return [(int(pk), Decimal(amount)) for pk, amount in m.allocations]


def candidate_json(book: Book, m: Match) -> dict[str, Any]:
    """A candidate as the reconciliation screen shows it (and :func:`.services.confirm_candidate` posts it)."""
    allocations = []
    for pk, amount in allocations_of(m):
        inv = book.invoices.get(pk)
        allocations.append(
            {
                "invoice_id": pk,
                "number": inv.number if inv else None,
                "kid": inv.kid if inv else "",
                "due_date": inv.due_date.isoformat() if inv and inv.due_date else None,
                "open": str(book.left.get(pk, ZERO)),
                "amount": str(amount),
            }
        )
    customer = book.customers.get(m.customer_id) if isinstance(m.customer_id, int) else None
    return {
        "method": m.method,
        "confidence": str(round(Decimal(str(m.confidence)), 3)),
        "customer_id": m.customer_id,
        "customer": customer.name if customer else "",
        "note": m.note,
        "flagged": m.method in ("credited_invoice", "already_paid"),
        "ambiguous": m.ambiguous,
        "allocations": allocations,
        "total": str(sum((Decimal(a["amount"]) for a in allocations), ZERO)),
        "unallocated": str(m.unallocated),
    }


def decide(book: Book, entry: BankEntry, matches: Sequence[Match], threshold: Decimal) -> Decision:
    ranked = list(matches)
    decision = Decision(candidates=[candidate_json(book, m) for m in ranked[:MAX_CANDIDATES]])
    if not ranked:
        return decision
    best = ranked[0]
    decision.method = best.method
    decision.confidence = round(Decimal(str(best.confidence)), 3)
    if best.method in ("credited_invoice", "already_paid"):
        decision.note = best.note  # flagged: a person decides (refund, or place it elsewhere)
        return decision
    chosen = auto_match(ranked, float(threshold))
    if chosen is None:
        decision.note = (
            "Several matches are equally likely: choose one."
            if best.ambiguous
            else "Below the threshold for automatic posting: check and confirm."
        )
        return decision
    allocations = allocations_of(chosen)
    if sum((a for _, a in allocations), ZERO) > entry.amount:
        decision.note = "The match allocates more than was paid."
        return decision
    for pk, amount in allocations:
        if pk not in book.invoices or amount <= 0 or amount > book.left.get(pk, ZERO):
            decision.note = "An invoice of the match is no longer open by that much (paid earlier in this file?)."
            return decision
    decision.post = chosen
    return decision


def allocated(book: Book, allocations: Sequence[tuple[int, Decimal]]) -> None:
    """Lower what is left open after a payment in this import."""
    for pk, amount in allocations:
        if pk in book.left:
            book.left[pk] -= amount
