"""core.ledger.check_voucher: double entry rules, every problem at once; reversal lines."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fakturaflyt.core.ledger import VoucherLine, check_voucher, reversal_lines, totals
from fakturaflyt.core.money import D


def L(account: str, debit: str = "0", credit: str = "0", **kw: object) -> VoucherLine:
    return VoucherLine(account, debit=D(debit), credit=D(credit), **kw)  # type: ignore[arg-type]


def codes(lines: list[VoucherLine]) -> list[str]:
    return [p.code for p in check_voucher(lines)]


def test_a_balanced_voucher_has_no_problems() -> None:
    lines = [L("6300", debit="800"), L("2710", debit="200"), L("2400", credit="1000")]
    assert check_voucher(lines) == []
    assert totals(lines) == (Decimal("1000"), Decimal("1000"))


def test_unbalanced_names_the_difference() -> None:
    problems = check_voucher([L("6300", debit="1000"), L("1920", credit="999")])
    assert [p.code for p in problems] == ["FF-LEDGER-UNBALANCED"]
    message = problems[0].message
    assert "1 000,00" in message and "999,00" in message and "differ by 1,00" in message


def test_one_sided_voucher_is_unbalanced() -> None:
    assert codes([L("6300", debit="100"), L("6340", debit="100")]) == ["FF-LEDGER-UNBALANCED"]
    assert codes([L("3000", credit="100"), L("2700", credit="25")]) == ["FF-LEDGER-UNBALANCED"]


def test_fewer_than_two_lines() -> None:
    assert codes([]) == ["FF-LEDGER-EMPTY"]
    assert codes([L("1920", debit="100")]) == ["FF-LEDGER-EMPTY", "FF-LEDGER-UNBALANCED"]


@pytest.mark.parametrize(
    ("line", "words"),
    [
        (L("6300", debit="100", credit="100"), "not both or neither"),
        (L("6300"), "not both or neither"),
        (L("6300", debit="-100"), "positive"),
        (L("6300", credit="-100"), "positive"),
        (L("6300", debit="100.005"), "more than two decimals"),
        (L("", debit="100"), "no account"),
        (L("6300", debit="100", currency="NOKK"), "ISO 4217"),
        (L("6300", debit="100", currency="N1K"), "ISO 4217"),
    ],
)
def test_bad_line(line: VoucherLine, words: str) -> None:
    problems = check_voucher([line, L("1920", credit="100")])
    line_problems = [p for p in problems if p.location == "line 1"]
    assert [p.code for p in line_problems] == ["FF-LEDGER-LINE"]
    assert words in line_problems[0].message


def test_trailing_zeros_are_not_extra_decimals() -> None:
    assert check_voucher([L("6300", debit="100.000"), L("1920", credit="100.00")]) == []


def test_every_problem_is_returned_at_once() -> None:
    lines = [
        L("6300", debit="100", credit="50"),  # line 1: both sides
        L("6340", debit="-20"),  # line 2: negative
        L("1920", credit="10.555"),  # line 3: three decimals
        L("", credit="1"),  # line 4: no account
    ]
    problems = check_voucher(lines)
    assert [(p.code, p.location) for p in problems] == [
        ("FF-LEDGER-LINE", "line 1"),
        ("FF-LEDGER-LINE", "line 2"),
        ("FF-LEDGER-LINE", "line 3"),
        ("FF-LEDGER-LINE", "line 4"),
        ("FF-LEDGER-UNBALANCED", "lines"),
    ]


@pytest.mark.parametrize("amount", ["1e16", "1e30", "12345678901234567.00"])
def test_amounts_too_large_for_the_books_are_problems_not_crashes(amount: str) -> None:
    # DECIMAL(18, 2) holds 16 digits before the mark; bigger amounts used to raise decimal.InvalidOperation
    problems = check_voucher([L("1920", debit=amount), L("2000", credit=amount)])
    assert {p.code for p in problems} == {"FF-LEDGER-LINE"}
    assert {p.location for p in problems} == {"line 1", "line 2"}


def test_largest_amount_the_books_hold_is_fine() -> None:
    biggest = "9999999999999999.99"
    assert check_voucher([L("1920", debit=biggest), L("2000", credit=biggest)]) == []


@pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("Infinity")])
def test_non_finite_amounts_are_problems(bad: Decimal) -> None:
    problems = check_voucher([VoucherLine("1920", debit=bad), L("2000", credit="1")])
    assert [(p.code, p.location) for p in problems] == [("FF-LEDGER-LINE", "line 1")]


def test_reversal_swaps_debit_and_credit_and_keeps_the_rest() -> None:
    lines = [
        L("6540", debit="12000", vat_code="1", department="300", project="P1", vat_base=D("12000")),
        L("2710", debit="3000", vat_code="1"),
        L("2400", credit="15000", supplier_id=7, currency="EUR", currency_amount=D("1300")),
    ]
    reversed_ = reversal_lines(lines)
    assert [(ln.account, ln.debit, ln.credit) for ln in reversed_] == [
        ("6540", Decimal("0"), Decimal("12000")),
        ("2710", Decimal("0"), Decimal("3000")),
        ("2400", Decimal("15000"), Decimal("0")),
    ]
    assert reversed_[0].vat_code == "1" and reversed_[0].department == "300" and reversed_[0].project == "P1"
    assert reversed_[0].vat_base == D("-12000")
    assert reversed_[2].supplier_id == 7 and reversed_[2].currency_amount == D("-1300")
    assert check_voucher(reversed_) == []
    assert reversal_lines(reversed_) == lines
