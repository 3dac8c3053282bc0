"""What the dashboard shows: a few ledger figures for the active company and a welcome per role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fakturaflyt.companies.models import Company
from fakturaflyt.companies.roles import Role
from fakturaflyt.ledger.models import Posting, Voucher

ZERO = Decimal("0.00")

# Bank (1920), customer receivables (1500) and supplier payables (2400) in NS 4102.
BANK_ACCOUNT, RECEIVABLES_ACCOUNT, PAYABLES_ACCOUNT = "1920", "1500", "2400"


@dataclass(frozen=True)
class LedgerFigures:
    as_of: date
    bank: Decimal
    receivables: Decimal
    payables: Decimal
    vouchers_this_year: int


def _balance(company: Company, account: str, as_of: date) -> Decimal:
    """Debit minus credit on ``account`` up to and including ``as_of``."""
    agg = Posting.objects.filter(voucher__company=company, account__number=account, voucher__date__lte=as_of).aggregate(
        d=Sum("debit"), c=Sum("credit")
    )
    return (agg["d"] or ZERO) - (agg["c"] or ZERO)


def ledger_figures(company: Company, as_of: date) -> LedgerFigures:
    """Bank balance, receivables and payables (as positive amounts owed) on ``as_of``; vouchers this year."""
    return LedgerFigures(
        as_of=as_of,
        bank=_balance(company, BANK_ACCOUNT, as_of),
        receivables=_balance(company, RECEIVABLES_ACCOUNT, as_of),
        payables=-_balance(company, PAYABLES_ACCOUNT, as_of),
        vouchers_this_year=Voucher.objects.filter(company=company, year=as_of.year).count(),
    )


ROLE_WELCOME: dict[str, str | Promise] = {
    Role.ADMIN: _("You manage this company: its users, settings and books."),
    Role.ACCOUNTANT: _("You keep the books: documents, coding, posting, payments and customers."),
    Role.APPROVER: _(
        "Supplier invoices waiting for your approval will be listed under Approvals. "
        "You can approve them from your phone."
    ),
    Role.REQUESTER: _("You can upload supplier invoices and follow the invoices for what you have ordered."),
    Role.AUDITOR: _("You have read access to everything in this company. Nothing can be changed from this role."),
}


def welcome_for(role: str) -> str | Promise:
    return ROLE_WELCOME.get(role, "")
