"""The customer ledger (kundereskontro): open items, statement of account, aging, DSO/CEI and payment predictions.

Read-only services over the stored documents and the books, every figure in NOK and scoped to
one company. An invoice's open amount on a date is its total less the credit notes issued
against it and the payments allocated to it up to that date (a currency invoice converts at its
own rate: ``open × total_nok / total``).

Payments are read from the books: the 1500 postings with the customer as partner of vouchers
with source ``customer_payment`` (``receivables.payments.record_payment`` and
``allocate_credit``). What those credited on 1500 and no allocation placed on an invoice is the
customer's credit (*payments not allocated*); an unidentified payment sitting on 2900 is not the
customer's until it is placed. Any other 1500 posting with the customer (a reminder fee, a
correction, a reversal) is an item of its own. Items without a due date count as not due, so a
customer's items always add up to what it owes.

The books are the judge: :func:`statement` lists invoices, credit notes, payments and other
postings with a running balance and compares the closing balance with the customer's 1500
postings; a difference is shown, never hidden.

Each public function reads a fixed number of queries whatever the number of customers
(:func:`_load` fetches documents, allocations and postings once).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from fakturaflyt.core.money import ore
from fakturaflyt.core.payment_prediction import PaymentModel, Prediction
from fakturaflyt.core.receivables_metrics import (
    Aging,
    MonthFigures,
    MonthMetrics,
    OpenItem,
    bucket_of,
    month_ends,
    monthly,
)
from fakturaflyt.core.receivables_metrics import (
    aging as aging_of,
)
from fakturaflyt.ledger.models import Posting
from fakturaflyt.receivables.models import (
    Customer,
    DocumentType,
    InvoiceStatus,
    PaymentAllocation,
    SalesInvoice,
    Settlement,
)

__all__ = [
    "RECEIVABLE_ACCOUNT",
    "CustomerSummary",
    "Item",
    "Statement",
    "StatementLine",
    "aging",
    "balance_in_books",
    "dso_cei",
    "open_items",
    "overview",
    "predictions",
    "statement",
]

RECEIVABLE_ACCOUNT = "1500"
PAYMENT_SOURCE = "customer_payment"  # the vouchers of receivables.payments
ZERO = Decimal("0.00")


@dataclass
class Item:
    """One open item of a customer on a date: an invoice with money left, or a credit without due date."""

    customer_id: int
    kind: str  # "invoice", "credit_note", "payment", "posting"
    date: date
    text: str
    amount_nok: Decimal  # the document's full amount (negative for credits)
    open_nok: Decimal
    due_date: date | None = None
    invoice: SalesInvoice | None = None
    days_past_due: int = 0
    bucket: str = "not_due"
    prediction: Prediction | None = None


@dataclass
class _Data:
    """Everything of a company (or one customer) up to a date, read once."""

    documents: list[SalesInvoice]
    allocations: list[tuple[int, int, date, Decimal]]  # invoice id, customer id, paid on, amount (invoice currency)
    postings: list[dict[str, Any]]  # 1500 postings with a customer, other than the invoices' own


def _issued(company: Any) -> Any:
    return SalesInvoice.objects.filter(company=company, number__isnull=False).exclude(status=InvoiceStatus.DRAFT)


def _load(company: Any, on: date, customer: Customer | None = None) -> _Data:
    who = {"customer": customer} if customer is not None else {}
    documents = list(
        _issued(company)
        .filter(issue_date__lte=on, **who)
        .only(
            "id",
            "number",
            "document_type",
            "customer_id",
            "issue_date",
            "due_date",
            "total",
            "total_nok",
            "credits_id",
            "settlement",
            "paid_on",
            "currency",
            "kid",
            "disputed",
        )
        .order_by("issue_date", "number")
    )
    allocations = list(
        PaymentAllocation.objects.filter(
            payment__company=company, payment__paid_on__lte=on, **({"invoice__customer": customer} if customer else {})
        ).values_list("invoice_id", "invoice__customer_id", "payment__paid_on", "amount")
    )
    postings = list(
        _postings(company, customer)
        .filter(voucher__date__lte=on)
        .order_by("voucher__date", "voucher_id", "line")
        .values(
            "customer_id",
            "voucher_id",
            "voucher__date",
            "voucher__source",
            "voucher__description",
            "voucher__customer_payment__kid",
            "description",
            "debit",
            "credit",
        )
    )
    return _Data(documents, allocations, postings)


def _postings(company: Any, customer: Customer | None) -> Any:
    """1500 postings with a customer, except those of invoices and credit notes (read from the documents)."""
    qs = Posting.objects.filter(
        voucher__company=company,
        account__number=RECEIVABLE_ACCOUNT,
        customer__isnull=False,
        voucher__sales_invoice__isnull=True,
    )
    return qs.filter(customer=customer) if customer is not None else qs


def _is_payment(posting: dict[str, Any]) -> bool:
    return bool(posting["voucher__source"] == PAYMENT_SOURCE)


def _nok(invoice: SalesInvoice, amount: Decimal) -> Decimal:
    if invoice.total == invoice.total_nok or not invoice.total:
        return amount
    return ore(amount * invoice.total_nok / invoice.total)


def _items_at(data: _Data, on: date) -> list[Item]:
    """The open items on ``on`` (``data`` may hold later documents: they are left out)."""
    paid: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for invoice_id, _customer_id, paid_on, amount in data.allocations:
        if paid_on <= on:
            paid[invoice_id] += amount
    credited: dict[int, Decimal] = defaultdict(lambda: ZERO)
    loose_notes = []
    for doc in data.documents:
        if doc.document_type == DocumentType.CREDIT_NOTE and doc.issue_date and doc.issue_date <= on:
            if doc.credits_id:
                credited[doc.credits_id] += doc.total
            else:
                loose_notes.append(doc)
    items: list[Item] = []
    for doc in data.documents:
        if doc.document_type != DocumentType.INVOICE or doc.issue_date is None or doc.issue_date > on:
            continue
        left = doc.total - credited[doc.id] - paid[doc.id]
        if left == 0:
            continue
        items.append(_item(doc, "invoice", doc.total_nok, _nok(doc, left), on))
    for doc in loose_notes:
        items.append(_item(doc, "credit_note", -doc.total_nok, -doc.total_nok, on))
    # what payments credited on 1500 less what was allocated to invoices: the customer's credit
    credit: dict[int, Decimal] = defaultdict(lambda: ZERO)
    last: dict[int, date] = {}
    for _invoice_id, customer_id, paid_on, amount in data.allocations:
        if paid_on <= on:
            credit[customer_id] -= amount
    for p in data.postings:
        if p["voucher__date"] > on:
            continue
        amount = p["debit"] - p["credit"]
        if _is_payment(p):
            credit[p["customer_id"]] -= amount
            last[p["customer_id"]] = p["voucher__date"]
        else:
            text = p["description"] or p["voucher__description"]
            items.append(Item(p["customer_id"], "posting", p["voucher__date"], text, amount, amount))
    for customer_id, rest in credit.items():
        if rest:
            day = last.get(customer_id, on)
            items.append(Item(customer_id, "payment", day, _("Payments not allocated"), -rest, -rest))
    return items


def _item(doc: SalesInvoice, kind: str, amount: Decimal, left: Decimal, on: date) -> Item:
    label = _("Credit note") if doc.is_credit_note else _("Invoice")
    assert doc.issue_date is not None
    late = (on - doc.due_date).days if doc.due_date else 0
    return Item(
        doc.customer_id,
        kind,
        doc.issue_date,
        f"{label} {doc.number}",
        amount,
        left,
        due_date=doc.due_date,
        invoice=doc,
        days_past_due=max(late, 0),
        bucket=bucket_of(doc.due_date, on),
    )


def open_items(company: Any, customer: Customer | None = None, on: date | None = None) -> list[Item]:
    """The open items of the company (or one customer) on ``on`` (default today), oldest due first."""
    on = on or date.today()
    items = _items_at(_load(company, on, customer), on)
    return sorted(items, key=lambda i: (i.customer_id, i.due_date or date.max, i.date, i.text))


def _balance(items: Iterable[Item]) -> Decimal:
    return sum((i.open_nok for i in items), ZERO)


def aging(company: Any, on: date, customer: Customer | None = None) -> tuple[dict[int, Aging], Aging]:
    """The aging on ``on``: per customer id and the company total."""
    by_customer: dict[int, list[OpenItem]] = defaultdict(list)
    for item in _items_at(_load(company, on, customer), on):
        by_customer[item.customer_id].append(OpenItem(item.open_nok, item.due_date))
    per = {cid: aging_of(items, on) for cid, items in by_customer.items()}
    return per, sum(per.values(), Aging())


def _model_until(data: _Data, on: date) -> PaymentModel:
    """The payment model learnt from the invoices paid in full on or before ``on``, in pay-date order."""
    last_payment: dict[int, date] = {}
    for invoice_id, _customer_id, paid_on, _amount in data.allocations:
        last_payment[invoice_id] = max(paid_on, last_payment.get(invoice_id, paid_on))
    paid = []
    for d in data.documents:
        if d.document_type != DocumentType.INVOICE or d.settlement != Settlement.PAID or d.due_date is None:
            continue
        paid_on = d.paid_on or last_payment.get(d.id)  # paid_on is set when paid in full; else the last payment
        if paid_on is not None and paid_on <= on:
            paid.append((paid_on, d.id, str(d.customer_id), d.due_date))
    model = PaymentModel()
    for paid_on, _id, customer, due in sorted(paid):
        model.learn(customer, due, paid_on)
    return model


def _predict(items: list[Item], model: PaymentModel, on: date) -> None:
    for item in items:
        if item.kind == "invoice" and item.open_nok > 0 and item.due_date is not None:
            item.prediction = model.predict(str(item.customer_id), item.due_date, on=on)


def predictions(company: Any, on: date | None = None, customer: Customer | None = None) -> list[Item]:
    """Open invoices with their expected pay date and P(late), learnt from the company's paid invoices.

    The whole company's history is read (the prior every customer is shrunk toward).
    """
    on = on or date.today()
    data = _load(company, on)
    model = _model_until(data, on)
    items = [i for i in _items_at(data, on) if customer is None or i.customer_id == customer.pk]
    _predict(items, model, on)
    return [i for i in items if i.prediction is not None]


@dataclass
class CustomerSummary:
    customer: Customer
    aging: Aging
    items: list[Item] = field(default_factory=list)

    @property
    def balance(self) -> Decimal:
        return self.aging.total

    @property
    def oldest_due(self) -> date | None:
        dues = [i.due_date for i in self.items if i.due_date and i.open_nok > 0]
        return min(dues) if dues else None

    @property
    def expected_paid_by(self) -> date | None:
        """When the last open invoice is expected paid."""
        dates = [i.prediction.expected_pay_date for i in self.items if i.prediction]
        return max(dates) if dates else None

    @property
    def p_late(self) -> float | None:
        """P(late) of the open invoices not yet due, weighted by their open amounts."""
        pairs = [(i.open_nok, i.prediction.p_late) for i in self.items if i.prediction and i.bucket == "not_due"]
        weight = sum((a for a, _ in pairs), ZERO)
        return float(sum(a * Decimal(str(p)) for a, p in pairs) / weight) if weight > 0 else None


def overview(company: Any, on: date) -> tuple[list[CustomerSummary], Aging]:
    """Every customer with a balance on ``on``: aging, oldest due date and predictions (5 queries)."""
    data = _load(company, on)
    items = _items_at(data, on)
    _predict(items, _model_until(data, on), on)
    by_customer: dict[int, list[Item]] = defaultdict(list)
    for item in items:
        by_customer[item.customer_id].append(item)
    customers = Customer.objects.filter(company=company, pk__in=list(by_customer)).in_bulk()
    rows = [
        CustomerSummary(customers[cid], aging_of((OpenItem(i.open_nok, i.due_date) for i in its), on), its)
        for cid, its in by_customer.items()
        if cid in customers
    ]
    rows = [r for r in rows if r.balance != 0 or any(i.open_nok for i in r.items)]
    rows.sort(key=lambda r: (-r.aging.overdue, -r.balance, r.customer.name))
    return rows, sum((r.aging for r in rows), Aging())


def dso_cei(company: Any, months: int = 12, on: date | None = None) -> list[MonthMetrics]:
    """DSO and CEI for the ``months`` months up to the month of ``on`` (the last one up to ``on``)."""
    on = on or date.today()
    firsts = month_ends(on, months)
    data = _load(company, on)
    figures = []
    for first in firsts:
        nxt = (first + timedelta(days=32)).replace(day=1)
        end = min(nxt - timedelta(days=1), on)
        items = _items_at(data, end)
        sales = ZERO
        for doc in data.documents:
            if doc.issue_date and first <= doc.issue_date <= end:
                sales += -doc.total_nok if doc.is_credit_note else doc.total_nok
        current = sum((i.open_nok for i in items if bucket_of(i.due_date, end) == "not_due"), ZERO)
        figures.append(MonthFigures(first, _balance(items), sales, current, days=(end - first).days + 1))
    opening = _balance(_items_at(data, firsts[0] - timedelta(days=1)))
    return monthly(figures, opening=opening)


def balance_in_books(company: Any, customer: Customer, on: date) -> Decimal:
    """The customer's balance on 1500 in the general ledger on ``on`` (debit − credit)."""
    sums = Posting.objects.filter(
        voucher__company=company, account__number=RECEIVABLE_ACCOUNT, customer=customer, voucher__date__lte=on
    ).aggregate(debit=Sum("debit"), credit=Sum("credit"))
    return (sums["debit"] or ZERO) - (sums["credit"] or ZERO)


@dataclass
class StatementLine:
    date: date
    kind: str  # invoice, credit_note, payment, posting
    text: str
    debit: Decimal
    credit: Decimal
    balance: Decimal = ZERO
    due_date: date | None = None
    invoice: SalesInvoice | None = None


@dataclass
class Statement:
    """Kontoutskrift: opening balance, the period's documents with running balance, closing balance."""

    customer: Customer
    date_from: date
    date_to: date
    opening: Decimal
    lines: list[StatementLine]
    closing: Decimal
    books_closing: Decimal  # the 1500 balance in the ledger on date_to
    open_items: list[Item]

    @property
    def difference(self) -> Decimal:
        return self.closing - self.books_closing

    @property
    def total_debit(self) -> Decimal:
        return sum((ln.debit for ln in self.lines), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((ln.credit for ln in self.lines), ZERO)


def _movements(data: _Data, customer_id: int) -> list[StatementLine]:
    lines = []
    for doc in data.documents:
        if doc.customer_id != customer_id or doc.issue_date is None:
            continue
        if doc.is_credit_note:
            text = _("Credit note %(number)s") % {"number": doc.number}
            if doc.credits_id:
                credited = next((d.number for d in data.documents if d.id == doc.credits_id), None)
                text += " " + _("to invoice %(number)s") % {"number": credited}
            lines.append(StatementLine(doc.issue_date, "credit_note", text, ZERO, doc.total_nok, invoice=doc))
        else:
            text = _("Invoice %(number)s") % {"number": doc.number}
            lines.append(
                StatementLine(doc.issue_date, "invoice", text, doc.total_nok, ZERO, due_date=doc.due_date, invoice=doc)
            )
    payments: dict[int, StatementLine] = {}
    for p in data.postings:
        if p["customer_id"] != customer_id:
            continue
        if not _is_payment(p):
            text = p["description"] or p["voucher__description"]
            lines.append(StatementLine(p["voucher__date"], "posting", text, p["debit"], p["credit"]))
            continue
        line = payments.get(p["voucher_id"])
        if line is None:  # one line per payment voucher, however many invoices it settled
            kid = p["voucher__customer_payment__kid"]
            text = _("Payment") + (f" (KID {kid})" if kid else "")
            line = payments[p["voucher_id"]] = StatementLine(p["voucher__date"], "payment", text, ZERO, ZERO)
            lines.append(line)
        line.credit += p["credit"] - p["debit"]
    for line in payments.values():
        if line.credit < 0:  # a refund: money back to the customer
            line.debit, line.credit = -line.credit, ZERO
    order = {"invoice": 0, "credit_note": 1, "posting": 2, "payment": 3}
    return sorted(lines, key=lambda ln: (ln.date, order[ln.kind], ln.text))


def statement(customer: Customer, date_from: date, date_to: date) -> Statement:
    """The statement of account of ``customer`` from ``date_from`` to ``date_to`` (both included)."""
    company = customer.company
    data = _load(company, date_to, customer)
    opening = ZERO
    lines = []
    for ln in _movements(data, customer.pk):
        if ln.date < date_from:
            opening += ln.debit - ln.credit
        else:
            lines.append(ln)
    running = opening
    for ln in lines:
        running += ln.debit - ln.credit
        ln.balance = running
    items = _items_at(data, date_to)
    _predict(items, _model_until(_load(company, date_to), date_to), date_to)
    items.sort(key=lambda i: (i.due_date or date.max, i.date))
    return Statement(
        customer,
        date_from,
        date_to,
        opening,
        lines,
        running,
        balance_in_books(company, customer, date_to),
        items,
    )
