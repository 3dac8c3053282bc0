"""Posting vouchers: refused when wrong (nothing stored), gapless numbers per series and year, reversals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from fakturaflyt.core.errors import RuleViolation
from fakturaflyt.core.ledger import VoucherLine
from fakturaflyt.ledger import services
from fakturaflyt.ledger.error_codes import LedgerError
from fakturaflyt.ledger.models import Account, AuditEvent, Department, NumberCounter, Posting, Project, Voucher

pytestmark = pytest.mark.django_db


def L(account: str, debit: str = "0", credit: str = "0", **kw) -> VoucherLine:
    return VoucherLine(account, debit=Decimal(debit), credit=Decimal(credit), **kw)


def numbers(company, series: str = "GL", year: int = 2026) -> list[int]:
    return sorted(
        Voucher.objects.filter(company=company, series__code=series, year=year).values_list("number", flat=True)
    )


def test_a_balanced_voucher_is_stored_with_its_lines(company, post, user_factory) -> None:
    # given
    user = user_factory("ola@firma.test")
    lines = [
        L("6540", debit="12000.00", vat_code="1", description="Stoler"),
        L("2710", debit="3000.00", vat_code="1"),
        L("2400", credit="15000.00"),
    ]
    # when
    voucher = post(company, lines, actor=user, on=date(2026, 1, 12), series="AP", text="  Kontorstoler  ")
    # then
    voucher = Voucher.objects.get(pk=voucher.pk)
    assert (voucher.series.code, voucher.year, voucher.number, voucher.label) == ("AP", 2026, 1, "AP 2026-1")
    assert voucher.description == "Kontorstoler"
    assert voucher.posted_by == user and voucher.posted_at is not None
    rows = list(
        voucher.postings.order_by("line").values_list("line", "account__number", "debit", "credit", "vat_code__code")
    )
    assert rows == [
        (1, "6540", Decimal("12000.00"), Decimal("0.00"), "1"),
        (2, "2710", Decimal("3000.00"), Decimal("0.00"), "1"),
        (3, "2400", Decimal("0.00"), Decimal("15000.00"), None),
    ]


def test_an_unbalanced_voucher_is_refused_and_nothing_is_stored(company, post) -> None:
    # given
    events_before = AuditEvent.objects.filter(company=company).count()
    # when
    with pytest.raises(RuleViolation) as err:
        post(company, [L("6300", debit="1000.00"), L("1920", credit="990.00")])
    # then: a clear error naming the difference
    assert err.value.code == "FF-LEDGER-UNBALANCED"
    assert "differ by 10,00" in str(err.value)
    # and nothing is stored, no number consumed, no audit event written
    assert not Voucher.objects.filter(company=company).exists()
    assert not Posting.objects.filter(voucher__company=company).exists()
    assert not NumberCounter.objects.filter(series__company=company, last_number__gt=0).exists()
    assert AuditEvent.objects.filter(company=company).count() == events_before
    assert post(company).number == 1


def test_a_failure_after_numbering_rolls_the_number_back(company, post, monkeypatch) -> None:
    # given a failure inside the posting transaction, after the number was taken
    def broken_record(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.audit, "record", broken_record)
    with pytest.raises(RuntimeError):
        post(company)
    monkeypatch.undo()
    # then the voucher, its lines and its number are all gone
    assert not Voucher.objects.filter(company=company).exists()
    assert not Posting.objects.filter(voucher__company=company).exists()
    assert post(company).number == 1


def test_unknown_account_vat_code_department_and_project_are_reported_together(company, post) -> None:
    with pytest.raises(RuleViolation) as err:
        post(
            company,
            [
                L("6301", debit="100.00"),  # not in the chart
                L("6300", debit="100.00", vat_code="99"),
                L("6300", debit="100.00", department="D-NOPE"),
                L("6300", debit="100.00", project="P-NOPE"),
                L("1920", credit="400.00"),
            ],
        )
    found = [(p.code, p.location) for p in err.value.problems]
    assert found == [
        ("FF-LEDGER-ACCOUNT", "line 1"),
        ("FF-LEDGER-VATCODE", "line 2"),
        ("FF-LEDGER-DIMENSION", "line 3"),
        ("FF-LEDGER-DIMENSION", "line 4"),
    ]
    messages = " ".join(p.message for p in err.value.problems)
    assert "6301" in messages and "99" in messages and "D-NOPE" in messages and "P-NOPE" in messages
    assert not Voucher.objects.filter(company=company).exists()


def test_rule_and_lookup_problems_come_together(company, post) -> None:
    with pytest.raises(RuleViolation) as err:
        services.post_voucher(
            company,
            None,
            voucher_date=date(2026, 3, 1),
            description=" ",
            lines=[L("6301", debit="100.00"), L("1920", credit="90.00")],
            series="XX",
        )
    assert {p.code for p in err.value.problems} == {
        "FF-LEDGER-UNBALANCED",
        "FF-LEDGER-ACCOUNT",
        "FF-LEDGER-LINE",  # the description
        "FF-LEDGER-SERIES",
    }


def test_inactive_account_is_refused(company, post) -> None:
    Account.objects.filter(company=company, number="6300").update(is_active=False)
    with pytest.raises(RuleViolation) as err:
        post(company)
    assert [p.code for p in err.value.problems] == ["FF-LEDGER-ACCOUNT-INACTIVE"]


def test_dimensions_are_looked_up_in_the_voucher_company_only(make_company, post) -> None:
    a, b = make_company("924753811", "A AS"), make_company("923609016", "B AS")
    Department.objects.create(company=b, code="100", name="Adm")
    Project.objects.create(company=b, code="P1", name="Prosjekt")
    with pytest.raises(RuleViolation) as err:
        post(a, [L("6300", debit="1.00", department="100", project="P1"), L("1920", credit="1.00")])
    assert [p.code for p in err.value.problems] == ["FF-LEDGER-DIMENSION", "FF-LEDGER-DIMENSION"]
    Department.objects.create(company=a, code="100", name="Adm")
    Project.objects.create(company=a, code="P1", name="Prosjekt")
    voucher = post(a, [L("6300", debit="1.00", department="100", project="P1"), L("1920", credit="1.00")])
    posting = voucher.postings.get(line=1)
    assert posting.department.company == a and posting.project.company == a


def test_numbers_are_gapless_per_series_and_year(company, post) -> None:
    # when vouchers are posted in two series over two years, interleaved
    for _ in range(3):
        post(company, series="GL", on=date(2026, 12, 31))
        post(company, series="AP", on=date(2026, 6, 1))
    post(company, series="GL", on=date(2027, 1, 1))
    post(company, series="AP", on=date(2027, 1, 2))
    post(company, series="GL", on=date(2027, 1, 3))
    post(company, series="GL", on=date(2026, 1, 1))  # back-dated into 2026 takes 2026's next number
    # then each series and year counts 1, 2, 3, ... on its own
    assert numbers(company, "GL", 2026) == [1, 2, 3, 4]
    assert numbers(company, "AP", 2026) == [1, 2, 3]
    assert numbers(company, "GL", 2027) == [1, 2]
    assert numbers(company, "AP", 2027) == [1]
    assert numbers(company, "AR", 2026) == []


def test_numbers_are_per_company(make_company, post) -> None:
    a, b = make_company("924753811", "A AS"), make_company("923609016", "B AS")
    post(a)
    post(a)
    assert post(b).number == 1
    assert post(a).number == 3


def test_reversal_swaps_debit_and_credit_and_links_the_original(company, post, user_factory) -> None:
    # given
    user = user_factory("kari@firma.test")
    original = post(
        company,
        [L("6540", debit="12000.00", vat_code="1"), L("2710", debit="3000.00"), L("2400", credit="15000.00")],
        series="AP",
        on=date(2026, 1, 12),
    )
    # when
    reversal = services.reverse_voucher(original, user, reason="feil leverandør")
    # then
    assert reversal.reverses == original
    assert Voucher.objects.get(pk=original.pk).reversed_by == reversal
    assert (reversal.series.code, reversal.year, reversal.number) == ("AP", 2026, 2)
    assert reversal.date == original.date
    assert reversal.description == "Reversering av AP 2026-1: feil leverandør"
    assert reversal.source == "reversal" and reversal.source_ref == "AP 2026-1"
    assert reversal.posted_by == user
    rows = list(reversal.postings.order_by("line").values_list("account__number", "debit", "credit", "vat_code__code"))
    assert rows == [
        ("6540", Decimal("0.00"), Decimal("12000.00"), "1"),
        ("2710", Decimal("0.00"), Decimal("3000.00"), None),
        ("2400", Decimal("15000.00"), Decimal("0.00"), None),
    ]
    # and the two together leave every account at zero
    net: dict[str, Decimal] = {}
    for p in Posting.objects.filter(voucher__in=[original, reversal]):
        net[p.account.number] = net.get(p.account.number, Decimal(0)) + p.debit - p.credit
    assert set(net.values()) == {Decimal(0)}


def test_reversal_on_another_date_is_numbered_in_that_year(company, post) -> None:
    original = post(company, on=date(2026, 12, 20))
    reversal = services.reverse_voucher(original, None, reversal_date=date(2027, 1, 5))
    assert (reversal.year, reversal.number, reversal.date) == (2027, 1, date(2027, 1, 5))


def test_a_voucher_cannot_be_reversed_twice(company, post) -> None:
    original = post(company)
    services.reverse_voucher(original, None)
    with pytest.raises(LedgerError) as err:
        services.reverse_voucher(original, None)
    assert err.value.code == "FF-LEDGER-ALREADY-REVERSED"
    assert "GL 2026-1" in str(err.value)
    assert Voucher.objects.filter(company=company).count() == 2


def test_a_reversal_cannot_itself_be_reversed(company, post) -> None:
    reversal = services.reverse_voucher(post(company), None)
    with pytest.raises(LedgerError) as err:
        services.reverse_voucher(reversal, None)
    assert err.value.code == "FF-LEDGER-REVERSAL-OF-REVERSAL"
    assert Voucher.objects.filter(company=company).count() == 2


def test_supplier_and_customer_must_belong_to_the_voucher_company(make_company, post) -> None:
    from fakturaflyt.payables.models import Supplier
    from fakturaflyt.receivables.models import Customer

    a, b = make_company("924753811", "A AS"), make_company("923609016", "B AS")
    own_supplier = Supplier.objects.create(company=a, number=1, name="A's supplier")
    foreign_supplier = Supplier.objects.create(company=b, number=1, name="B's supplier")
    foreign_customer = Customer.objects.create(company=b, number=1, name="B's customer")
    # when a voucher in A names B's supplier and customer, and ids that do not exist
    with pytest.raises(RuleViolation) as err:
        post(
            a,
            [
                L("6300", debit="10.00"),
                L("2400", credit="4.00", supplier_id=foreign_supplier.pk),
                L("1500", credit="3.00", customer_id=foreign_customer.pk),
                L("2400", credit="2.00", supplier_id=999999),
                L("1500", credit="1.00", customer_id=999999),
            ],
        )
    # then each is reported, and nothing is stored
    assert [(p.code, p.location) for p in err.value.problems] == [
        ("FF-LEDGER-DIMENSION", "line 2"),
        ("FF-LEDGER-DIMENSION", "line 3"),
        ("FF-LEDGER-DIMENSION", "line 4"),
        ("FF-LEDGER-DIMENSION", "line 5"),
    ]
    assert not Voucher.objects.filter(company=a).exists()
    # and its own supplier is fine
    voucher = post(a, [L("6300", debit="10.00"), L("2400", credit="10.00", supplier_id=own_supplier.pk)])
    assert voucher.postings.get(line=2).supplier == own_supplier
