"""Ledger operations: post a voucher, reverse a voucher. One transaction each, one audit event each.

Posting assigns the next number of the series for the voucher's year while holding a
row lock on that counter (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite runs write
transactions IMMEDIATE, which serialises them), so numbers are gapless and unique even
with many posters at once (bokføringsforskriften § 5-1-1 nr. 1 and § 5-5: vouchers are
numbered in an unbroken sequence).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from fakturaflyt.companies.models import Company
from fakturaflyt.core.errors import Problem, RuleViolation
from fakturaflyt.core.ledger import VoucherLine, check_voucher, reversal_lines
from fakturaflyt.ledger import audit
from fakturaflyt.ledger.error_codes import LedgerError, LedgerErrorCode
from fakturaflyt.ledger.models import (
    Account,
    Department,
    NumberCounter,
    NumberSeries,
    Posting,
    Project,
    VatCode,
    Voucher,
)
from fakturaflyt.payables.models import Supplier
from fakturaflyt.receivables.models import Customer


def _resolve(company: Company, lines: Sequence[VoucherLine]) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Look up accounts, VAT codes and dimensions by code; collect every problem."""
    accounts = {a.number: a for a in Account.objects.filter(company=company, number__in={ln.account for ln in lines})}
    vat_codes = {
        v.code: v
        for v in VatCode.objects.filter(company=company, code__in={ln.vat_code for ln in lines if ln.vat_code})
    }
    departments = {
        d.code: d
        for d in Department.objects.filter(company=company, code__in={ln.department for ln in lines if ln.department})
    }
    projects = {
        p.code: p for p in Project.objects.filter(company=company, code__in={ln.project for ln in lines if ln.project})
    }
    # Sub-ledger parties are checked like the dimensions: a line may only name this company's own.
    supplier_ids = set(
        Supplier.objects.filter(
            company=company, pk__in={ln.supplier_id for ln in lines if ln.supplier_id is not None}
        ).values_list("pk", flat=True)
    )
    customer_ids = set(
        Customer.objects.filter(
            company=company, pk__in={ln.customer_id for ln in lines if ln.customer_id is not None}
        ).values_list("pk", flat=True)
    )
    problems: list[Problem] = []
    rows: list[dict[str, Any]] = []
    for i, ln in enumerate(lines, start=1):
        where = f"line {i}"
        account = accounts.get(ln.account)
        if account is None:
            problems.append(
                Problem(
                    LedgerErrorCode.UNKNOWN_ACCOUNT, f"Account {ln.account} is not in the chart of accounts.", where
                )
            )
        elif not account.is_active:
            problems.append(Problem(LedgerErrorCode.INACTIVE_ACCOUNT, f"Account {ln.account} is inactive.", where))
        vat = vat_codes.get(ln.vat_code) if ln.vat_code else None
        if ln.vat_code and vat is None:
            problems.append(Problem(LedgerErrorCode.UNKNOWN_VAT_CODE, f"VAT code {ln.vat_code} does not exist.", where))
        dept = departments.get(ln.department) if ln.department else None
        if ln.department and dept is None:
            problems.append(
                Problem(LedgerErrorCode.UNKNOWN_DIMENSION, f"Department {ln.department} does not exist.", where)
            )
        proj = projects.get(ln.project) if ln.project else None
        if ln.project and proj is None:
            problems.append(Problem(LedgerErrorCode.UNKNOWN_DIMENSION, f"Project {ln.project} does not exist.", where))
        if ln.supplier_id is not None and ln.supplier_id not in supplier_ids:
            problems.append(
                Problem(
                    LedgerErrorCode.UNKNOWN_DIMENSION,
                    f"Supplier {ln.supplier_id} is not a supplier of this company.",
                    where,
                )
            )
        if ln.customer_id is not None and ln.customer_id not in customer_ids:
            problems.append(
                Problem(
                    LedgerErrorCode.UNKNOWN_DIMENSION,
                    f"Customer {ln.customer_id} is not a customer of this company.",
                    where,
                )
            )
        rows.append(
            {
                "line": i,
                "account": account,
                "description": ln.description,
                "debit": ln.debit,
                "credit": ln.credit,
                "vat_code": vat,
                "vat_base": ln.vat_base,
                "department": dept,
                "project": proj,
                "supplier_id": ln.supplier_id,
                "customer_id": ln.customer_id,
                "currency": ln.currency.upper(),
                "currency_amount": ln.currency_amount,
                "exchange_rate": ln.exchange_rate,
            }
        )
    return rows, problems


def _next_number(series: NumberSeries, year: int) -> int:
    NumberCounter.objects.get_or_create(series=series, year=year)
    counter = NumberCounter.objects.select_for_update().get(series=series, year=year)
    counter.last_number += 1
    NumberCounter.objects.filter(pk=counter.pk).update(last_number=counter.last_number)
    return counter.last_number


def post_voucher(
    company: Company,
    actor: Any,
    *,
    voucher_date: date,
    description: str,
    lines: Sequence[VoucherLine],
    series: str = "GL",
    source: str = "manual",
    source_ref: str = "",
    reverses: Voucher | None = None,
) -> Voucher:
    """Check, number and store a voucher; raise :class:`RuleViolation` listing every problem."""
    problems = check_voucher(lines)
    rows, lookup_problems = _resolve(company, lines)
    problems += lookup_problems
    if not description.strip():
        problems.append(Problem(LedgerErrorCode.BAD_LINE, "The voucher needs a description.", "description"))
    try:
        number_series = NumberSeries.objects.get(company=company, code=series)
    except NumberSeries.DoesNotExist:
        problems.append(Problem(LedgerErrorCode.UNKNOWN_SERIES, f"Number series {series} does not exist.", "series"))
    if problems:
        raise RuleViolation(problems)
    with transaction.atomic():
        number = _next_number(number_series, voucher_date.year)
        voucher = Voucher(
            company=company,
            series=number_series,
            year=voucher_date.year,
            number=number,
            date=voucher_date,
            description=description.strip(),
            source=source,
            source_ref=source_ref,
            reverses=reverses,
            posted_at=timezone.now(),
            posted_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        voucher.save(force_insert=True)
        Posting.objects.bulk_create([Posting(voucher=voucher, **row) for row in rows])
        audit.record(
            company,
            actor,
            "voucher.reversed" if reverses else "voucher.posted",
            voucher,
            after=voucher_snapshot(voucher),
            **({"reverses": reverses.label} if reverses else {}),
        )
    return voucher


@transaction.atomic
def reverse_voucher(voucher: Voucher, actor: Any, *, reversal_date: date | None = None, reason: str = "") -> Voucher:
    """Post the correction voucher that cancels ``voucher`` (same lines, debit and credit swapped).

    The original is locked first, so of two users reversing it at once one posts the reversal
    and the other is told it is already reversed.
    """
    voucher = Voucher.objects.select_for_update().get(pk=voucher.pk)
    if Voucher.objects.filter(reverses=voucher).exists():
        raise LedgerError(LedgerErrorCode.ALREADY_REVERSED, f"Voucher {voucher.label} is already reversed.")
    if voucher.reverses_id is not None:
        raise LedgerError(
            LedgerErrorCode.REVERSAL_OF_REVERSAL,
            f"Voucher {voucher.label} is itself a reversal; post the corrected entry as a new voucher instead.",
        )
    lines = reversal_lines(
        [line_of(p) for p in voucher.postings.select_related("account", "vat_code", "department", "project")]
    )
    text = f"Reversering av {voucher.label}" + (f": {reason}" if reason else "")
    return post_voucher(
        voucher.company,
        actor,
        voucher_date=reversal_date or voucher.date,
        description=text[:300],
        lines=lines,
        series=voucher.series.code,
        source="reversal",
        source_ref=voucher.label,
        reverses=voucher,
    )


def line_of(p: Posting) -> VoucherLine:
    """A stored posting as a core :class:`VoucherLine`."""
    return VoucherLine(
        account=p.account.number,
        debit=p.debit,
        credit=p.credit,
        description=p.description,
        vat_code=p.vat_code.code if p.vat_code else None,
        vat_base=p.vat_base,
        department=p.department.code if p.department else None,
        project=p.project.code if p.project else None,
        supplier_id=p.supplier_id,
        customer_id=p.customer_id,
        currency=p.currency,
        currency_amount=p.currency_amount,
        exchange_rate=p.exchange_rate,
    )


def voucher_snapshot(voucher: Voucher) -> dict[str, Any]:
    """What an audit event keeps of a voucher: number, date, text and every line."""
    return {
        "voucher": voucher.label,
        "date": voucher.date.isoformat(),
        "description": voucher.description,
        "lines": [
            {
                "account": p.account.number,
                "debit": str(p.debit),
                "credit": str(p.credit),
                "vat_code": p.vat_code.code if p.vat_code else None,
                "department": p.department.code if p.department else None,
                "project": p.project.code if p.project else None,
            }
            for p in voucher.postings.select_related("account", "vat_code", "department", "project").order_by("line")
        ],
    }
