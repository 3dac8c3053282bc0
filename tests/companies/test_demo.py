"""The demo company: balanced vouchers, an intact audit chain, every role, idempotent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Sum

from fakturaflyt.companies.demo import DEMO_ORGNR, DEMO_USERS, load_demo
from fakturaflyt.companies.models import Company, Membership
from fakturaflyt.ledger.audit import verify
from fakturaflyt.ledger.models import AuditEvent, Voucher
from fakturaflyt.ledger.reports import trial_balance
from fakturaflyt.payments.demo import INVOICES

pytestmark = pytest.mark.django_db


# The approved supplier invoices waiting for payment (fakturaflyt.payments.demo) are posted on
# dates counted from today, so the fixed history below leaves them out.
PAYABLE = [row[1] for row in INVOICES]


def test_every_demo_voucher_balances(demo_company) -> None:
    vouchers = Voucher.objects.filter(company=demo_company)
    assert vouchers.exclude(source_ref__in=PAYABLE).count() == 9
    assert vouchers.filter(source_ref__in=PAYABLE, series__code="AP").count() == len(PAYABLE)
    for v in vouchers:
        sums = v.postings.aggregate(d=Sum("debit"), c=Sum("credit"))
        assert sums["d"] == sums["c"] > 0, v.label
    rows = trial_balance(demo_company, date(2026, 1, 1), date(2026, 12, 31))
    assert sum(r.closing for r in rows) == 0  # (the payable invoices balance on their own, whatever their year)
    assert {r.account: r.closing for r in rows}["1920"] == Decimal("329000.00")  # 300 000 - 33 500 + 62 500


def test_demo_numbers_are_gapless_per_series(demo_company) -> None:
    by_series: dict[str, list[int]] = {}
    for code, number in (
        Voucher.objects.filter(company=demo_company, date__year=2026)
        .exclude(source_ref__in=PAYABLE)
        .values_list("series__code", "number")
    ):
        by_series.setdefault(code, []).append(number)
    assert {k: sorted(v) for k, v in by_series.items()} == {
        "GL": [1],
        "AP": [1, 2, 3, 4],
        "AR": [1, 2],
        "BANK": [1, 2],
    }


def test_demo_audit_chain_verifies(demo_company) -> None:
    assert verify(demo_company) == []
    actions = list(AuditEvent.objects.filter(company=demo_company).order_by("seq").values_list("action", flat=True))
    assert actions[0] == "company.created"
    assert actions.count("membership.added") == len(DEMO_USERS)
    assert actions.count("voucher.posted") == 9 + len(PAYABLE)


def test_demo_users_have_their_roles(demo_company) -> None:
    roles = {m.user.username: m for m in Membership.objects.filter(company=demo_company).select_related("user")}
    assert {u: m.role for u, m in roles.items()} == {u.email: u.role.value for u in DEMO_USERS}
    assert roles["attestant@nordlys.demo"].approval_limit == Decimal("50000.00")
    supplier_contact = roles["leverandor@bergenkontor.demo"]
    assert supplier_contact.supplier.number == 1 and supplier_contact.supplier.company == demo_company
    user = get_user_model().objects.get(username="regnskap@nordlys.demo")
    assert user.check_password("demo-regnskap")


def test_load_demo_twice_changes_nothing(sales_demo_company) -> None:
    demo_company = sales_demo_company
    counts = (Voucher.objects.count(), AuditEvent.objects.count(), Membership.objects.count())
    again = load_demo()
    assert again == demo_company
    assert Company.objects.filter(orgnr=DEMO_ORGNR).count() == 1
    assert (Voucher.objects.count(), AuditEvent.objects.count(), Membership.objects.count()) == counts
    assert verify(demo_company) == []
