"""A year of ordinary business for the demo company, so the SAF-T export and the reports have a full year.

``load_demo_year(company, actor, year)`` posts, through :func:`fakturaflyt.ledger.services.post_voucher`,
what a small Norwegian AS books in a year (about 125 vouchers), month by month:

* rent to Vestland Eiendom AS (no VAT: letting of premises is outside the VAT act, mval § 3-11)
  and its payment;
* goods for resale, software licences and telecom with 25 % input VAT, paid on the 20th of the
  next month (December's on the 28th);
* a customer invoice a month with 25 % output VAT, paid 14 days later;
* salaries on the 25th: gross pay, tax deducted (forskuddstrekk, moved at once to the tax
  deduction account 1950, skattebetalingsloven § 5-12), holiday pay accrued at 10.2 %
  (ferieloven § 10) and employer's national insurance (arbeidsgiveravgift, zone 1: 14.1 %) on
  both; no holiday pay is paid out in June, because the company started on 1 January (it
  earns its first holiday pay this year);
* bank fees at the end of each month;
* per two-month VAT term (merverdiavgiftsloven § 15-1, alminnelig tomånedlig termin): the VAT
  settlement to 2740 on the last day of the term and its payment on the due date (10 April,
  10 June, 31 August, 10 October, 10 December), and the withheld tax and employer's national
  insurance paid on the 15th of the month after the term.

Entries dated after ``today`` are left out, so in the current year the books run to date and
a later load adds the months that have passed since. A customer invoice or a supplier bill is
posted only together with its payment (once that is due too), so the demo year leaves no open
items in the customer and supplier ledgers: those are the other demos' documents, and their
statements reconcile to 1500 and 2400 as before. Each voucher has a ``source_ref``
(``demo-year:2026-03:salary``) and is posted once: loading again posts only what is missing.
VAT settlements read the VAT accounts' balances when they are posted, so they settle whatever
else the demo posted in the term before them.
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from fakturaflyt.companies.models import Company
from fakturaflyt.core.ledger import VoucherLine
from fakturaflyt.ledger.models import Account, Posting, Voucher
from fakturaflyt.ledger.services import post_voucher
from fakturaflyt.payables.models import Supplier
from fakturaflyt.receivables.models import Customer

SOURCE = "demo-year"
CENT = Decimal("0.01")
HOLIDAY_PAY = Decimal("0.102")
EMPLOYER_NI = Decimal("0.141")
TAX_DEDUCTION = Decimal("0.33")
SALARIES = (
    ("Lønn daglig leder", Decimal("52000"), "100"),
    ("Lønn selger", Decimal("48000"), "200"),
    ("Lønn lagermedarbeider", Decimal("45000"), "300"),
)
VAT_DUE = {2: (4, 10), 4: (6, 10), 6: (8, 31), 8: (10, 10), 10: (12, 10)}  # term's last month -> (month, day)
L = VoucherLine
Lines = list[VoucherLine]


@dataclass(frozen=True)
class _Entry:
    day: date
    order: int  # within a day: business first, settlements last
    key: str
    series: str
    text: str
    lines: Callable[[], Lines]  # computed when posted (settlements read the balances then)
    settled: date | None = None  # an invoice or bill is posted only once its payment is due too


def _q(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _balance(company: Company, accounts: Q, until: date) -> dict[str, Decimal]:
    rows = (
        Posting.objects.filter(accounts, voucher__company=company, voucher__date__lte=until)
        .values("account__number")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )
    return {r["account__number"]: (r["d"] or Decimal(0)) - (r["c"] or Decimal(0)) for r in rows}


def _vat_settlement(company: Company, until: date) -> Lines:
    """Close every VAT account (2700-2739 except the settlement account 2740) against 2740."""
    vat = Q(account__number__gte="2700", account__number__lte="2739") & ~Q(account__number="2740")
    lines: Lines = []
    net = Decimal(0)
    for account, balance in sorted(_balance(company, vat, until).items()):
        if balance:
            lines.append(L(account, debit=-balance if balance < 0 else Decimal(0), credit=max(balance, Decimal(0))))
            net += balance
    if net > 0:
        lines.append(L("2740", debit=net, description="Til gode merverdiavgift"))
    elif net < 0:
        lines.append(L("2740", credit=-net, description="Skyldig merverdiavgift"))
    return lines


def _pay_balance(company: Company, account: str, until: date, bank: str = "1920") -> Lines:
    """Pay (or receive) the balance of ``account`` from the bank."""
    balance = _balance(company, Q(account__number=account), until).get(account, Decimal(0))
    if balance < 0:
        return [L(account, debit=-balance), L(bank, credit=-balance)]
    if balance > 0:
        return [L(bank, debit=balance), L(account, credit=balance)]
    return []


def _purchase(account: str, net: Decimal, supplier: Supplier, text: str, **dims: Any) -> Lines:
    vat = _q(net * Decimal("0.25"))
    return [
        L(account, debit=net, vat_code="1", vat_base=net, description=text, **dims),
        L("2710", debit=vat, vat_code="1", description=text),
        L("2400", credit=net + vat, supplier_id=supplier.pk, description=text),
    ]


def _sale(net: Decimal, customer: Customer, text: str, project: str | None) -> Lines:
    vat = _q(net * Decimal("0.25"))
    return [
        L("1500", debit=net + vat, customer_id=customer.pk, description=text),
        L("3000", credit=net, vat_code="3", vat_base=net, department="200", project=project, description=text),
        L("2700", credit=vat, vat_code="3", description=text),
    ]


def _salary_lines(month_name: str, holiday_account: str) -> Lines:
    gross = sum((s for _, s, _ in SALARIES), Decimal(0))
    tax = _q(gross * TAX_DEDUCTION)
    holiday = _q(gross * HOLIDAY_PAY)
    ni = _q((gross + holiday) * EMPLOYER_NI)
    lines = [
        L("5000", debit=amount, department=dept, description=f"{text} {month_name}") for text, amount, dept in SALARIES
    ]
    return [
        *lines,
        L("2600", credit=tax, description="Forskuddstrekk"),
        L("1920", credit=gross - tax, description="Utbetalt netto lønn"),
        L("1950", debit=tax, description="Forskuddstrekk overført til skattetrekkskonto"),
        L("1920", credit=tax, description="Forskuddstrekk overført til skattetrekkskonto"),
        L(holiday_account, debit=holiday, department="100", description="Påløpte feriepenger 10,2 %"),
        L("2940", credit=holiday, description="Skyldige feriepenger"),
        L("5400", debit=ni, department="100", description="Arbeidsgiveravgift 14,1 %"),
        L("2770", credit=ni, description="Skyldig arbeidsgiveravgift"),
    ]


MONTHS = (
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
)


def _entries(company: Company, year: int, suppliers: dict[int, Supplier], customers: list[Customer]) -> list[_Entry]:
    rng = random.Random(year)  # noqa: S311 - demo amounts, the same every load
    out: list[_Entry] = []
    # Holiday pay: 5180 in the compact chart, 5092 in the SAF-T standard accounts.
    holiday_account = "5180" if Account.objects.filter(company=company, number="5180").exists() else "5092"
    for m in range(1, 13):
        name = MONTHS[m - 1]
        last = calendar.monthrange(year, m)[1]
        ym = f"{year}-{m:02d}"

        def add(
            day: int,
            key: str,
            series: str,
            text: str,
            lines: Callable[[], Lines],
            order: int = 0,
            settled: date | None = None,
            m: int = m,
            ym: str = ym,
        ) -> None:
            out.append(_Entry(date(year, m, day), order, f"{SOURCE}:{ym}:{key}", series, text, lines, settled))

        # This month's bills are paid on the 20th of the next month (December's before the year ends).
        pay_day = date(year, m + 1, 20) if m < 12 else date(year, 12, 28)
        bills: list[tuple[Supplier, Decimal]] = []
        if m > 1:  # the demo itself posts January's rent
            rent = Decimal("18500.00")
            add(
                5,
                "rent",
                "AP",
                f"Husleie {name} – Vestland Eiendom AS",
                lambda r=rent: [
                    L("6300", debit=r, vat_code="0", department="100"),
                    L("2400", credit=r, supplier_id=suppliers[3].pk),
                ],
                settled=pay_day,
            )
            bills.append((suppliers[3], rent))
        goods = Decimal(rng.randrange(200, 450) * 100)
        add(
            10,
            "goods",
            "AP",
            f"Varekjøp {name} – Bergen Kontorutstyr AS",
            lambda g=goods, t=name: _purchase(
                "4300", g, suppliers[1], f"Kontormøbler for videresalg {t}", department="300"
            ),
            settled=pay_day,
        )
        bills.append((suppliers[1], goods * Decimal("1.25")))
        if m > 1:  # the demo posts January's licences
            add(
                20,
                "licences",
                "AP",
                f"Lisenser {name} – Skyhavn Programvare AS",
                lambda: _purchase(
                    "6553", Decimal("4800.00"), suppliers[4], "Programvarelisenser", department="400", project="P1002"
                ),
                settled=pay_day,
            )
            bills.append((suppliers[4], Decimal("6000.00")))
        if m != 2:  # the demo posts February's telecom bill
            add(
                last,
                "telecom",
                "AP",
                f"Mobil og bredbånd {name} – Fjordnett Telekom AS",
                lambda: _purchase("6900", Decimal("2396.00"), suppliers[2], "Mobil og bredbånd", department="100"),
                settled=pay_day,
            )
            bills.append((suppliers[2], Decimal("2995.00")))
        out.append(
            _Entry(
                pay_day,
                0,
                f"{SOURCE}:{ym}:pay-suppliers",
                "BANK",
                f"Betaling leverandører ({name})",
                lambda b=tuple(bills): (
                    [L("2400", debit=_q(a), supplier_id=s.pk) for s, a in b]
                    + [L("1920", credit=_q(sum((a for _, a in b), Decimal(0))))]
                ),
            )
        )
        customer = customers[m % len(customers)]
        net = Decimal(rng.randrange(1200, 2200) * 100)
        project = ("P1001", None, "P1003")[m % 3]
        text = f"Faktura {year % 100}{m:02d}1 – {customer.name}"
        add(
            8,
            "invoice",
            "AR",
            text,
            lambda n=net, c=customer, t=text, p=project: _sale(n, c, t, p),
            settled=date(year, m, 22),
        )
        add(
            22,
            "receipt",
            "BANK",
            f"Innbetaling {text}",
            lambda n=net, c=customer: [
                L("1920", debit=_q(n * Decimal("1.25"))),
                L("1500", credit=_q(n * Decimal("1.25")), customer_id=c.pk),
            ],
        )
        add(25, "salary", "GL", f"Lønn {name}", lambda t=name: _salary_lines(t, holiday_account))
        fee = Decimal(rng.randrange(150, 450))
        add(
            last,
            "bank-fees",
            "BANK",
            f"Bankgebyrer {name}",
            lambda f=fee: [L("7770", debit=f, department="100"), L("1920", credit=f)],
        )
        if m % 2 == 0:
            end = date(year, m, last)
            add(
                last,
                "vat-settlement",
                "GL",
                f"Mva-oppgjør {m // 2}. termin {year}",
                lambda e=end: _vat_settlement(company, e),
                order=9,
            )
            if m in VAT_DUE:
                due = date(year, *VAT_DUE[m])
                out.append(
                    _Entry(
                        due,
                        0,
                        f"{SOURCE}:{ym}:vat-payment",
                        "BANK",
                        f"Betalt mva {m // 2}. termin {year}",
                        lambda e=end: _pay_balance(company, "2740", e),
                    )
                )
            if m < 12:
                due = date(year, m + 1, 15)
                out.append(
                    _Entry(
                        due,
                        0,
                        f"{SOURCE}:{ym}:tax-payment",
                        "BANK",
                        f"Forskuddstrekk {m // 2}. termin {year}",
                        lambda e=end: _pay_balance(company, "2600", e, bank="1950"),
                    )
                )
                out.append(
                    _Entry(
                        due,
                        0,
                        f"{SOURCE}:{ym}:ni-payment",
                        "BANK",
                        f"Arbeidsgiveravgift {m // 2}. termin {year}",
                        lambda e=end: _pay_balance(company, "2770", e),
                    )
                )
    out.sort(key=lambda e: (e.day, e.order, e.key))
    return out


@transaction.atomic
def load_demo_year(company: Company, actor: Any, year: int, *, today: date | None = None) -> int:
    """Post the demo year's vouchers dated up to ``today`` that are not posted yet; return how many were posted."""
    today = today or timezone.localdate()
    suppliers = {s.number: s for s in Supplier.objects.filter(company=company, number__in=(1, 2, 3, 4))}
    customers = list(Customer.objects.filter(company=company).order_by("number")[:4])
    if len(suppliers) < 4 or not customers:
        return 0  # not the demo company
    done = set(Voucher.objects.filter(company=company, source=SOURCE).values_list("source_ref", flat=True))
    posted = 0
    for e in _entries(company, year, suppliers, customers):
        if e.day > today or (e.settled and e.settled > today) or e.key in done:
            continue
        lines = [ln for ln in e.lines() if ln.debit or ln.credit]
        if len(lines) < 2:
            continue
        post_voucher(
            company,
            actor,
            voucher_date=e.day,
            description=e.text,
            lines=lines,
            series=e.series,
            source=SOURCE,
            source_ref=e.key,
        )
        posted += 1
    return posted
