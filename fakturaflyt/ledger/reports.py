"""Trial balance (saldobalanse) and account ledger (hovedbok / kontoutskrift) from the postings.

Result accounts (classes 3-8) start each year at zero; balance-sheet accounts (1-2) carry
their balance. A year's result belongs to equity from the next year on: the year-end
closing voucher (8800 Årsresultat against 2050 Annen egenkapital) moves it there. Until
that voucher is posted, the reports carry the result of earlier years into the opening
balance of :data:`RETAINED_EARNINGS`, so the trial balance of a new year still balances;
once it is posted, the result accounts of earlier years sum to zero and nothing is added.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum

from fakturaflyt.companies.models import Company
from fakturaflyt.ledger.models import Account, Posting

ZERO = Decimal("0.00")
RETAINED_EARNINGS = "2050"  # Annen egenkapital (NS 4102)
_BALANCE_SHEET = Q(account__number__startswith="1") | Q(account__number__startswith="2")


def _earlier_years_result(company: Company, year: int) -> Decimal:
    """Debit minus credit on result accounts before 1 January of ``year`` (a profit is negative)."""
    agg = (
        Posting.objects.filter(voucher__company=company, voucher__date__lt=date(year, 1, 1))
        .exclude(_BALANCE_SHEET)
        .aggregate(d=Sum("debit"), c=Sum("credit"))
    )
    return (agg["d"] or ZERO) - (agg["c"] or ZERO)


@dataclass(frozen=True)
class TrialBalanceRow:
    account: str
    name: str
    opening: Decimal
    debit: Decimal
    credit: Decimal

    @property
    def closing(self) -> Decimal:
        return self.opening + self.debit - self.credit


@dataclass(frozen=True)
class LedgerRow:
    posting: Posting
    balance: Decimal


def trial_balance(company: Company, date_from: date, date_to: date) -> list[TrialBalanceRow]:
    """Per account: balance before ``date_from`` (for result accounts only from 1 January of that
    year; earlier years' result is carried to :data:`RETAINED_EARNINGS`), debits and credits in the
    period, closing balance. Only accounts with movement or a balance are listed."""
    year_start = date(date_from.year, 1, 1)
    base = Posting.objects.filter(voucher__company=company)
    opening_q = Q(voucher__date__lt=date_from) & (_BALANCE_SHEET | Q(voucher__date__gte=year_start))
    opening = {
        r["account__number"]: (r["d"] or ZERO) - (r["c"] or ZERO)
        for r in base.filter(opening_q).values("account__number").annotate(d=Sum("debit"), c=Sum("credit"))
    }
    if carried := _earlier_years_result(company, date_from.year):
        opening[RETAINED_EARNINGS] = opening.get(RETAINED_EARNINGS, ZERO) + carried
    period = {
        r["account__number"]: (r["d"] or ZERO, r["c"] or ZERO)
        for r in base.filter(voucher__date__gte=date_from, voucher__date__lte=date_to)
        .values("account__number")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    }
    numbers = sorted(set(opening) | set(period))
    names = dict(Account.objects.filter(company=company, number__in=numbers).values_list("number", "name"))
    rows = []
    for number in numbers:
        d, c = period.get(number, (ZERO, ZERO))
        row = TrialBalanceRow(number, names.get(number, ""), opening.get(number, ZERO), d, c)
        if row.opening or row.debit or row.credit:
            rows.append(row)
    return rows


def account_ledger(
    company: Company, account: Account, date_from: date, date_to: date
) -> tuple[Decimal, list[LedgerRow]]:
    """Opening balance and each posting on ``account`` in the period with the running balance."""
    base = Posting.objects.filter(voucher__company=company, account=account)
    opening_filter = Q(voucher__date__lt=date_from)
    if not account.is_balance_sheet:
        opening_filter &= Q(voucher__date__gte=date(date_from.year, 1, 1))
    agg = base.filter(opening_filter).aggregate(d=Sum("debit"), c=Sum("credit"))
    balance = (agg["d"] or ZERO) - (agg["c"] or ZERO)
    if account.number == RETAINED_EARNINGS:
        balance += _earlier_years_result(company, date_from.year)
    opening = balance
    rows = []
    postings = (
        base.filter(voucher__date__gte=date_from, voucher__date__lte=date_to)
        .select_related("voucher", "voucher__series", "vat_code", "department", "project")
        .order_by("voucher__date", "voucher__series__code", "voucher__number", "line")
    )
    for p in postings:
        balance += p.debit - p.credit
        rows.append(LedgerRow(p, balance))
    return opening, rows
