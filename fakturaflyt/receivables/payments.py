"""Customer payments (innbetalinger): post a payment to the bank and 1500, allocate it to open invoices.

The contract the bank reconciliation, the manual registration and the dunning run rely on.

Posting (series BANK, source ``customer_payment``), one voucher per payment:

- debit the bank's ledger account (the receiving :class:`CompanyBankAccount`'s, default 1920)
  with the whole amount;
- credit 1500 Kundefordringer with the customer as partner, one line per invoice settled;
- the rest (an overpayment, or a payment nobody placed on an invoice yet) is credited to 1500
  with the customer as well: a credit on the customer's account, ``CustomerPayment.unallocated``,
  which :func:`allocate_credit` later sets against an invoice. With no customer known at all,
  the rest goes to **2900 Forskudd fra kunder** (NS 4102 / SAF-T standard account "prepayments
  from customers"), the suspense account for unidentified incoming payments, until it is placed.

An invoice's open amount is its total less what is paid and less its issued (partial) credit
notes; an allocation never exceeds it. Invoices are locked (``SELECT ... FOR UPDATE``) while
their paid amount changes, so two payments at once never settle the same øre twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from fakturaflyt.banking.error_codes import BankCode, BankError
from fakturaflyt.companies.models import Company
from fakturaflyt.core.ledger import VoucherLine
from fakturaflyt.core.money import ore
from fakturaflyt.ledger import audit
from fakturaflyt.ledger.services import post_voucher
from fakturaflyt.receivables.models import (
    Customer,
    CustomerPayment,
    DocumentType,
    InvoiceStatus,
    PaymentAllocation,
    SalesInvoice,
    Settlement,
)

RECEIVABLES_ACCOUNT = "1500"
#: Unidentified incoming payments wait here until they are placed on a customer (NS 4102: 2900).
SUSPENSE_ACCOUNT = "2900"
ZERO = Decimal("0.00")

__all__ = [
    "RECEIVABLES_ACCOUNT",
    "SUSPENSE_ACCOUNT",
    "allocate_credit",
    "credited_amounts",
    "open_invoices",
    "record_payment",
    "remaining",
]


def _credited_sum() -> Coalesce:
    return Coalesce(
        Sum("credit_notes__total", filter=~Q(credit_notes__status=InvoiceStatus.DRAFT)),
        Value(ZERO),
        output_field=DecimalField(max_digits=18, decimal_places=2),
    )


def credited_amounts(invoice_ids: Iterable[int]) -> dict[int, Decimal]:
    """Issued credit notes per invoice id (partial credits lower what is left to pay)."""
    rows = (
        SalesInvoice.objects.filter(credits_id__in=list(invoice_ids))
        .exclude(status=InvoiceStatus.DRAFT)
        .values("credits_id")
        .annotate(total=Sum("total"))
    )
    return {r["credits_id"]: r["total"] or ZERO for r in rows}


def remaining(invoice: SalesInvoice) -> Decimal:
    """What is left to pay on ``invoice``: total less paid less issued credit notes (never below 0)."""
    credited = getattr(invoice, "credited_total", None)
    if credited is None:
        credited = credited_amounts([invoice.pk]).get(invoice.pk, ZERO)
    if invoice.settlement == Settlement.CREDITED:
        return ZERO
    return max(invoice.total - invoice.paid_amount - credited, ZERO)


def open_invoices(company: Company, customer: Customer | None = None) -> list[SalesInvoice]:
    """Issued invoices not yet paid or credited in full (oldest due first).

    Each carries ``credited_total`` (its issued credit notes), so :func:`remaining` needs no query.
    """
    qs = SalesInvoice.objects.filter(
        company=company,
        document_type=DocumentType.INVOICE,
        settlement__in=[Settlement.OPEN, Settlement.PARTLY_PAID],
    ).exclude(status=InvoiceStatus.DRAFT)
    if customer is not None:
        qs = qs.filter(customer=customer)
    qs = qs.annotate(credited_total=_credited_sum()).select_related("customer")
    return [inv for inv in qs.order_by("due_date", "number", "pk") if remaining(inv) > 0]


def _settle(invoice: SalesInvoice, amount: Decimal, paid_on: date) -> None:
    """Add ``amount`` to the (locked) invoice's paid amount and set its settlement."""
    invoice.paid_amount = invoice.paid_amount + amount
    if remaining(invoice) == 0:
        invoice.settlement = Settlement.PAID
        invoice.paid_on = paid_on
    else:
        invoice.settlement = Settlement.PARTLY_PAID
    invoice.save(update_fields=["paid_amount", "settlement", "paid_on"])


def _lock_invoices(
    company: Company, allocations: Sequence[tuple[SalesInvoice, Decimal]]
) -> list[tuple[SalesInvoice, Decimal]]:
    """The invoices, locked and re-read, with their amounts checked against what is open now."""
    ids = [inv.pk for inv, _ in allocations]
    if len(set(ids)) != len(ids):
        raise BankError(BankCode.OVERALLOCATED, "An invoice appears twice in the allocation; give it once.")
    locked = {
        inv.pk: inv
        for inv in SalesInvoice.objects.select_for_update()
        .filter(pk__in=ids)
        .select_related("customer")
        .order_by("pk")  # one lock order for everyone: no deadlocks
    }
    credited = credited_amounts(ids)
    result: list[tuple[SalesInvoice, Decimal]] = []
    for inv, amount in allocations:
        current = locked.get(inv.pk)
        if current is None or current.company_id != company.pk:
            raise BankError(BankCode.CUSTOMER, f"{inv} is not an invoice of this company.")
        current.credited_total = credited.get(current.pk, ZERO)  # type: ignore[attr-defined]
        label = f"{current}"
        if current.settlement == Settlement.CREDITED:
            raise BankError(
                BankCode.CREDITED, f"{label} is credited; a payment to it is refunded or placed elsewhere, not settled."
            )
        if current.is_draft or current.is_credit_note or current.settlement == Settlement.PAID:
            raise BankError(BankCode.NOT_OPEN, f"{label} is not open for payment ({current.get_settlement_display()}).")
        if current.currency != "NOK":
            raise BankError(
                BankCode.CURRENCY, f"{label} is in {current.currency}; settle currency invoices by a manual voucher."
            )
        amount = ore(Decimal(amount))
        if amount <= 0:
            raise BankError(BankCode.AMOUNT, f"The amount allocated to {label} must be above 0.")
        left = remaining(current)
        if amount > left:
            raise BankError(
                BankCode.OVERALLOCATED, f"{label} has {left} open; {amount} cannot be allocated to it.", label
            )
        result.append((current, amount))
    return result


def _actor_user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def record_payment(
    company: Company,
    *,
    customer: Customer | None,
    amount: Decimal,
    paid_on: date,
    allocations: Sequence[tuple[SalesInvoice, Decimal]],
    actor: Any,
    bank_ledger_account: str = "1920",
    source: str = "bank",
    source_ref: str = "",
    payer_name: str = "",
    payer_account: str = "",
    kid: str = "",
    text: str = "",
    match_method: str = "",
) -> CustomerPayment:
    """Post and allocate one payment; the rest of ``amount`` is a credit on the customer.

    One transaction: the payment, its voucher, the allocations and the invoices' settlement, and
    the audit event ``payment.recorded``. Refuses (and changes nothing) ``FF-BANK-DUPLICATE`` for
    a ``source_ref`` already recorded, ``FF-BANK-AMOUNT``, ``FF-BANK-OVERALLOCATED`` (more than
    paid, or than an invoice has open), ``FF-BANK-CREDITED``, ``FF-BANK-NOT-OPEN``,
    ``FF-BANK-CUSTOMER`` (an invoice of another customer or company) and ``FF-BANK-CURRENCY``.
    With no ``customer`` given, the invoices' customer is taken (they must share one).
    """
    amount = ore(Decimal(amount))
    if amount <= 0:
        raise BankError(BankCode.AMOUNT, "A payment must be an amount above 0.", "amount")
    if customer is not None and customer.company_id != company.pk:
        raise BankError(BankCode.CUSTOMER, f"{customer.name} is not a customer of this company.", "customer")
    source_ref = source_ref.strip()
    try:
        with transaction.atomic():
            if source_ref and CustomerPayment.objects.filter(company=company, source_ref=source_ref).exists():
                raise BankError(
                    BankCode.DUPLICATE, f"The bank entry {source_ref} is already recorded as a payment.", source_ref
                )
            locked = _lock_invoices(company, allocations)
            customers = {inv.customer_id for inv, _ in locked}
            if customer is None and len(customers) == 1:
                customer = locked[0][0].customer
            if customer is not None and customers - {customer.pk}:
                raise BankError(
                    BankCode.CUSTOMER, f"The invoices allocated are not all {customer.name}'s.", "allocations"
                )
            allocated = sum((a for _, a in locked), ZERO)
            if allocated > amount:
                raise BankError(
                    BankCode.OVERALLOCATED,
                    f"{allocated} allocated is more than the payment of {amount}.",
                    "allocations",
                )
            rest = amount - allocated
            payment = CustomerPayment.objects.create(
                company=company,
                customer=customer,
                paid_on=paid_on,
                amount=amount,
                unallocated=rest,
                source=source,
                source_ref=source_ref,
                payer_name=payer_name[:200],
                payer_account=payer_account[:34],
                kid=kid[:25],
                text=text[:500],
                match_method=match_method[:20],
                created_by=_actor_user(actor),
            )
            who = customer.name if customer else (payer_name or "ukjent innbetaler")
            lines = [VoucherLine(bank_ledger_account, debit=amount, description=source_ref[:200])]
            for inv, part in locked:
                lines.append(
                    VoucherLine(
                        RECEIVABLES_ACCOUNT,
                        credit=part,
                        customer_id=inv.customer_id,
                        description=f"Faktura {inv.number}",
                    )
                )
            if rest > 0:
                if customer is not None:
                    lines.append(
                        VoucherLine(RECEIVABLES_ACCOUNT, credit=rest, customer_id=customer.pk, description="Til gode")
                    )
                else:
                    lines.append(VoucherLine(SUSPENSE_ACCOUNT, credit=rest, description="Uidentifisert innbetaling"))
            voucher = post_voucher(
                company,
                actor,
                voucher_date=paid_on,
                description=f"Innbetaling {who}"[:300],
                lines=lines,
                series="BANK",
                source="customer_payment",
                source_ref=source_ref or f"payment:{payment.pk}",
            )
            payment.voucher = voucher
            payment.save(update_fields=["voucher"])
            PaymentAllocation.objects.bulk_create(
                [PaymentAllocation(payment=payment, invoice=inv, amount=part) for inv, part in locked]
            )
            for inv, part in locked:
                _settle(inv, part, paid_on)
            audit.record(
                company,
                actor,
                "payment.recorded",
                payment,
                amount=str(amount),
                paid_on=paid_on.isoformat(),
                customer=customer.pk if customer else None,
                source=source,
                source_ref=source_ref,
                match_method=match_method,
                allocations=[{"invoice": inv.number, "amount": str(part)} for inv, part in locked],
                unallocated=str(rest),
                voucher=voucher.label,
            )
    except IntegrityError as exc:  # two imports raced past the check: the constraint decides
        if source_ref and CustomerPayment.objects.filter(company=company, source_ref=source_ref).exists():
            raise BankError(
                BankCode.DUPLICATE, f"The bank entry {source_ref} is already recorded as a payment.", source_ref
            ) from exc
        raise
    return payment


def allocate_credit(
    payment: CustomerPayment, invoice: SalesInvoice, actor: Any, *, amount: Decimal | None = None
) -> PaymentAllocation:
    """Set (part of) a payment's unallocated rest against an open invoice of the same customer.

    With the customer known, the money already sits on 1500 with that customer: only the
    allocation changes, no voucher. A payment without customer (on 2900) is moved to 1500 with
    the invoice's customer by a voucher, and the payment gets that customer. ``amount`` defaults
    to the least of the rest and what the invoice has open. Audit event ``payment.credit_allocated``.
    """
    with transaction.atomic():
        payment = CustomerPayment.objects.select_for_update(of=("self",)).select_related("customer").get(pk=payment.pk)
        company = payment.company
        if payment.customer_id is not None and invoice.customer_id != payment.customer_id:
            raise BankError(BankCode.CUSTOMER, f"{invoice} is not {payment.customer.name}'s invoice.")
        if payment.unallocated <= 0:
            raise BankError(BankCode.NO_CREDIT, "Nothing is left of this payment to allocate.")
        probe = SalesInvoice.objects.get(pk=invoice.pk)
        want = ore(Decimal(amount)) if amount is not None else min(payment.unallocated, remaining(probe))
        if want > payment.unallocated:
            raise BankError(BankCode.OVERALLOCATED, f"Only {payment.unallocated} is left of the payment to allocate.")
        [(locked, part)] = _lock_invoices(company, [(invoice, want)])
        if payment.customer_id is None:
            post_voucher(
                company,
                actor,
                voucher_date=payment.paid_on,
                description=f"Innbetaling plassert på {locked.customer.name}"[:300],
                lines=[
                    VoucherLine(SUSPENSE_ACCOUNT, debit=part, description="Uidentifisert innbetaling"),
                    VoucherLine(
                        RECEIVABLES_ACCOUNT,
                        credit=part,
                        customer_id=locked.customer_id,
                        description=f"Faktura {locked.number}",
                    ),
                ],
                series="BANK",
                source="customer_payment",
                source_ref=payment.source_ref or f"payment:{payment.pk}",
            )
            payment.customer = locked.customer
        payment.unallocated -= part
        payment.save(update_fields=["unallocated", "customer"])
        allocation, created = PaymentAllocation.objects.get_or_create(
            payment=payment, invoice=locked, defaults={"amount": part}
        )
        if not created:
            allocation.amount += part
            allocation.save(update_fields=["amount"])
        _settle(locked, part, payment.paid_on)
        audit.record(
            company,
            actor,
            "payment.credit_allocated",
            payment,
            invoice=locked.number,
            amount=str(part),
            unallocated=str(payment.unallocated),
        )
    return allocation
