"""Double-entry rules for a voucher (bilag), independent of storage.

A voucher balances when the sum of debits equals the sum of credits, to the øre, and
has at least two lines, each with a positive amount on exactly one side
(bokføringsforskriften § 5-5: every entry must be documented and balanced). A
correction is a reversal: the same lines with debit and credit swapped.

>>> lines = [VoucherLine("6300", debit=D("1000")), VoucherLine("1920", credit=D("1000"))]
>>> check_voucher(lines)
[]
>>> [p.code for p in check_voucher([VoucherLine("6300", debit=D("1000")), VoucherLine("1920", credit=D("999"))])]
['FF-LEDGER-UNBALANCED']
>>> [(l.account, l.debit, l.credit) for l in reversal_lines(lines)]
[('6300', Decimal('0'), Decimal('1000')), ('1920', Decimal('1000'), Decimal('0'))]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from fakturaflyt.core.errors import Problem
from fakturaflyt.core.money import D, format_nok

__all__ = ["MAX_AMOUNT", "D", "VoucherLine", "check_voucher", "reversal_lines", "totals"]

# Amounts are stored as DECIMAL(18, 2): at most 16 digits before the decimal mark.
MAX_AMOUNT = Decimal(10) ** 16


@dataclass(frozen=True, slots=True)
class VoucherLine:
    """One posting before it is stored: account number, amount on one side, VAT code and dimensions by code."""

    account: str
    debit: Decimal = Decimal(0)
    credit: Decimal = Decimal(0)
    description: str = ""
    vat_code: str | None = None
    vat_base: Decimal | None = None
    department: str | None = None
    project: str | None = None
    supplier_id: int | None = None
    customer_id: int | None = None
    currency: str = "NOK"
    currency_amount: Decimal | None = None
    exchange_rate: Decimal | None = None


def totals(lines: Sequence[VoucherLine]) -> tuple[Decimal, Decimal]:
    """Sum of debits and sum of credits."""
    return sum((ln.debit for ln in lines), Decimal(0)), sum((ln.credit for ln in lines), Decimal(0))


def check_voucher(lines: Sequence[VoucherLine]) -> list[Problem]:
    """Every problem that stops these lines from being posted (empty list: they may be posted)."""
    problems: list[Problem] = []
    if len(lines) < 2:
        problems.append(
            Problem("FF-LEDGER-EMPTY", "A voucher needs at least two lines (a debit and a credit).", "lines")
        )
    out_of_range = False
    for i, ln in enumerate(lines, start=1):
        where = f"line {i}"
        if not ln.account:
            problems.append(Problem("FF-LEDGER-LINE", "The line has no account.", where))
        finite = ln.debit.is_finite() and ln.credit.is_finite()  # NaN and infinity are reported below
        if finite and (ln.debit < 0 or ln.credit < 0):
            problems.append(Problem("FF-LEDGER-LINE", "Amounts are entered as positive debit or credit.", where))
        elif finite and (ln.debit > 0) == (ln.credit > 0):
            problems.append(
                Problem("FF-LEDGER-LINE", "Enter an amount as either debit or credit, not both or neither.", where)
            )
        for side, amount in (("debit", ln.debit), ("credit", ln.credit)):
            if not amount.is_finite() or abs(amount) >= MAX_AMOUNT:
                out_of_range = True
                problems.append(
                    Problem(
                        "FF-LEDGER-LINE",
                        f"The {side} {amount} is not an amount the books can hold (at most 16 digits before the decimal mark).",
                        where,
                    )
                )
            elif amount != amount.quantize(Decimal("0.01")):
                problems.append(
                    Problem("FF-LEDGER-LINE", f"The {side} {amount} has more than two decimals (øre).", where)
                )
        if len(ln.currency) != 3 or not ln.currency.isalpha():
            problems.append(Problem("FF-LEDGER-LINE", f"Currency {ln.currency!r} is not an ISO 4217 code.", where))
    if out_of_range:
        # The sums of such amounts cannot be compared or printed; the line problems say what to fix.
        return problems
    debit, credit = totals(lines)
    if debit != credit:
        problems.append(
            Problem(
                "FF-LEDGER-UNBALANCED",
                f"The voucher does not balance: debit {format_nok(debit)} and credit {format_nok(credit)} "
                f"differ by {format_nok(debit - credit)}.",
                "lines",
            )
        )
    return problems


def reversal_lines(lines: Sequence[VoucherLine]) -> list[VoucherLine]:
    """The lines of the reversal (correction) voucher: debit and credit swapped, all else kept."""
    return [
        replace(
            ln,
            debit=ln.credit,
            credit=ln.debit,
            vat_base=-ln.vat_base if ln.vat_base is not None else None,
            currency_amount=-ln.currency_amount if ln.currency_amount is not None else None,
        )
        for ln in lines
    ]
