"""The gapless invoice number series and the KID of each invoice.

Bokføringsforskriften § 5-1-1 nr. 1: an invoice has a number from one or more unbroken,
system-assigned series. Each company has one series for invoices and credit notes, kept in
:class:`~fakturaflyt.receivables.models.InvoiceNumberCounter`. :func:`next_number` must run
inside the issuing transaction: it locks the counter row (``SELECT ... FOR UPDATE`` on
PostgreSQL; SQLite serialises write transactions) until that transaction ends, so a failed
issue rolls the number back and two issuers never get the same or skip one.
"""

from __future__ import annotations

from django.db import transaction

from fakturaflyt.companies.models import Company
from fakturaflyt.core.invoicing import KidScheme, kid_for
from fakturaflyt.receivables.models import InvoiceNumberCounter, InvoiceSettings


def invoice_settings(company: Company) -> InvoiceSettings:
    """The company's invoice settings, created with the defaults the first time they are needed."""
    settings, _created = InvoiceSettings.objects.get_or_create(company=company)
    return settings


def kid_scheme(settings: InvoiceSettings) -> KidScheme:
    """The KID agreement of the settings as the core's :class:`KidScheme`."""
    return KidScheme(
        method="mod11" if settings.kid_method == "mod11" else "mod10",
        length=settings.kid_length,
        customer_digits=settings.kid_customer_digits,
        invoice_digits=settings.kid_invoice_digits,
        allow_dash=settings.kid_allow_dash,
    )


def kid(settings: InvoiceSettings, customer_number: int, invoice_number: int) -> str:
    """The KID of an invoice under the company's agreement (raises ``FF-KID-LENGTH`` when it cannot be made)."""
    return kid_for(kid_scheme(settings), customer_number, invoice_number)


def next_number(company: Company, settings: InvoiceSettings) -> int:
    """The next invoice number, taken under a row lock held until the caller's transaction ends.

    The counter starts at ``settings.first_number - 1`` when the company issues its first
    invoice (created race-safe: get-or-create, then lock, as ``ledger.services._next_number``).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the issuing transaction")
    InvoiceNumberCounter.objects.get_or_create(
        company=company, defaults={"last_number": max(settings.first_number, 1) - 1}
    )
    counter = InvoiceNumberCounter.objects.select_for_update().get(company=company)
    number = counter.last_number + 1
    InvoiceNumberCounter.objects.filter(pk=counter.pk).update(last_number=number)
    return number


__all__ = ["invoice_settings", "kid", "kid_scheme", "next_number"]
