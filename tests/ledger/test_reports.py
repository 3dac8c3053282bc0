"""Trial balance (saldobalanse) and account ledger (kontoutskrift)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fakturaflyt.core.ledger import VoucherLine
from fakturaflyt.ledger.models import Account
from fakturaflyt.ledger.reports import account_ledger, trial_balance
from fakturaflyt.ledger.services import reverse_voucher

pytestmark = pytest.mark.django_db


def L(account: str, debit: str = "0", credit: str = "0") -> VoucherLine:
    return VoucherLine(account, debit=Decimal(debit), credit=Decimal(credit))


@pytest.fixture
def books(company, post):
    """A small year: share capital, a purchase with VAT, a sale with VAT, a payment; one voucher in 2027."""
    post(company, [L("1920", debit="300000"), L("2000", credit="300000")], on=date(2026, 1, 1))
    post(
        company,
        [L("6540", debit="12000"), L("2710", debit="3000"), L("2400", credit="15000")],
        on=date(2026, 1, 12),
        series="AP",
    )
    post(
        company,
        [L("1500", debit="62500"), L("3000", credit="50000"), L("2700", credit="12500")],
        on=date(2026, 2, 14),
        series="AR",
    )
    post(company, [L("2400", debit="15000"), L("1920", credit="15000")], on=date(2026, 3, 5), series="BANK")
    post(company, [L("6540", debit="800"), L("1920", credit="800")], on=date(2027, 1, 10))
    return company


def rows_by_account(rows):
    return {r.account: (r.opening, r.debit, r.credit, r.closing) for r in rows}


def test_trial_balance_of_a_year(books) -> None:
    rows = trial_balance(books, date(2026, 1, 1), date(2026, 12, 31))
    z = Decimal("0")
    assert rows_by_account(rows) == {
        "1500": (z, Decimal("62500"), z, Decimal("62500")),
        "1920": (z, Decimal("300000"), Decimal("15000"), Decimal("285000")),
        "2000": (z, z, Decimal("300000"), Decimal("-300000")),
        "2400": (z, Decimal("15000"), Decimal("15000"), z),
        "2700": (z, z, Decimal("12500"), Decimal("-12500")),
        "2710": (z, Decimal("3000"), z, Decimal("3000")),
        "3000": (z, z, Decimal("50000"), Decimal("-50000")),
        "6540": (z, Decimal("12000"), z, Decimal("12000")),
    }
    assert [r.account for r in rows] == sorted(r.account for r in rows)
    assert {r.account: r.name for r in rows}["1920"] == "Bankinnskudd"
    assert sum(r.debit for r in rows) == sum(r.credit for r in rows) == Decimal("392500")
    assert sum(r.closing for r in rows) == 0


def test_trial_balance_part_of_a_year_carries_opening_balances(books) -> None:
    rows = rows_by_account(trial_balance(books, date(2026, 2, 1), date(2026, 2, 28)))
    # balance-sheet and result accounts both carry what happened earlier in the same year
    assert rows["1920"] == (Decimal("300000"), 0, 0, Decimal("300000"))
    assert rows["6540"] == (Decimal("12000"), 0, 0, Decimal("12000"))
    assert rows["3000"] == (0, 0, Decimal("50000"), Decimal("-50000"))
    assert sum(r[0] for r in rows.values()) == 0
    assert sum(r[3] for r in rows.values()) == 0


def test_trial_balance_balances_to_zero_in_a_later_year(books) -> None:
    # given a 2026 profit of 50 000 - 12 000 = 38 000 and no year-end closing voucher
    rows = trial_balance(books, date(2027, 1, 1), date(2027, 12, 31))
    by = rows_by_account(rows)
    # then result accounts start the new year at zero; balance-sheet accounts carry over
    assert by["6540"] == (0, Decimal("800"), 0, Decimal("800"))
    assert "3000" not in by
    assert by["1920"][0] == Decimal("285000")
    # and last year's result is carried to equity, so the trial balance still balances
    assert by["2050"][0] == Decimal("-38000")
    assert sum(r.opening for r in rows) == 0
    assert sum(r.closing for r in rows) == 0


def test_a_reversed_voucher_leaves_nothing_on_its_accounts(company, post) -> None:
    v = post(company, [L("6300", debit="18500"), L("2400", credit="18500")])
    reverse_voucher(v, None)
    rows = rows_by_account(trial_balance(company, date(2026, 1, 1), date(2026, 12, 31)))
    assert rows["6300"] == (0, Decimal("18500"), Decimal("18500"), 0)
    assert rows["2400"] == (0, Decimal("18500"), Decimal("18500"), 0)


def test_trial_balance_sees_one_company_only(make_company, post) -> None:
    a, b = make_company("924753811", "A AS"), make_company("923609016", "B AS")
    post(a, amount="10.00")
    post(b, amount="99.00")
    rows = rows_by_account(trial_balance(a, date(2026, 1, 1), date(2026, 12, 31)))
    assert rows["6300"][1] == Decimal("10.00")


def test_account_ledger_running_balance(books, post) -> None:
    # given two more bank movements in March, on the same day in two series
    post(books, [L("1920", debit="1000"), L("3000", credit="1000")], on=date(2026, 3, 5), series="GL")
    bank = Account.objects.get(company=books, number="1920")
    # when
    opening, rows = account_ledger(books, bank, date(2026, 3, 1), date(2026, 3, 31))
    # then the opening is January and February; rows run in date, series, number order
    assert opening == Decimal("300000")
    assert [(r.posting.voucher.label, r.posting.debit, r.posting.credit, r.balance) for r in rows] == [
        ("BANK 2026-1", Decimal("0"), Decimal("15000"), Decimal("285000")),
        ("GL 2026-2", Decimal("1000"), Decimal("0"), Decimal("286000")),
    ]


def test_account_ledger_result_account_starts_the_year_at_zero(books) -> None:
    expense = Account.objects.get(company=books, number="6540")
    opening, rows = account_ledger(books, expense, date(2027, 1, 1), date(2027, 12, 31))
    assert opening == 0
    assert [r.balance for r in rows] == [Decimal("800")]
    opening, rows = account_ledger(books, expense, date(2026, 6, 1), date(2026, 12, 31))
    assert opening == Decimal("12000") and rows == []


def test_account_ledger_of_retained_earnings_agrees_with_the_trial_balance(books) -> None:
    equity = Account.objects.get(company=books, number="2050")
    opening, _ = account_ledger(books, equity, date(2027, 1, 1), date(2027, 12, 31))
    tb = rows_by_account(trial_balance(books, date(2027, 1, 1), date(2027, 12, 31)))
    assert opening == tb["2050"][0] == Decimal("-38000")


def test_a_posted_year_end_closing_is_not_counted_twice(books, post) -> None:
    # given the 2026 closing voucher: the result to other equity
    post(books, [L("8800", debit="38000"), L("2050", credit="38000")], on=date(2026, 12, 31))
    # then 2027 opens with the result on 2050 once
    rows = rows_by_account(trial_balance(books, date(2027, 1, 1), date(2027, 12, 31)))
    assert rows["2050"][0] == Decimal("-38000")
    assert "8800" not in rows
    assert sum(r[3] for r in rows.values()) == 0
