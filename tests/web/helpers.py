"""Shared helpers for the web tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from fakturaflyt.companies.demo import DEMO_USERS
from fakturaflyt.companies.roles import Role

OTHER_ORGNR = "923609016"


def demo_user(role: Role):
    """The demo company's user with ``role``."""
    from django.contrib.auth import get_user_model

    email = next(u.email for u in DEMO_USERS if u.role == role)
    return get_user_model().objects.get(username=email)


def post_simple_voucher(company, text: str, amount: str = "1000.00", when: date = date(2026, 3, 1)):
    """A two-line voucher (rent paid from the bank) in ``company``."""
    from fakturaflyt.core.ledger import VoucherLine
    from fakturaflyt.ledger.services import post_voucher

    lines = [VoucherLine("6300", debit=Decimal(amount)), VoucherLine("1920", credit=Decimal(amount))]
    return post_voucher(company, None, voucher_date=when, description=text, lines=lines)
