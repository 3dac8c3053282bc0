"""The SAF-T export service: the demo year validates and matches the trial balance; balances, periods, refusals."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Sum

from fakturaflyt.core.errors import RuleViolation
from fakturaflyt.ledger import reports
from fakturaflyt.ledger.demo_year import load_demo_year
from fakturaflyt.ledger.models import AuditEvent, NumberSeries, Posting, Voucher
from fakturaflyt.ledger.saft_export import export_saft
from tests.ledger.saft.helpers import NS, assert_valid, money, small_books

pytestmark = pytest.mark.django_db
D = Decimal


def _export(company, **kw) -> tuple[bytes, object]:
    buf = io.BytesIO()
    summary = export_saft(company, buf, **kw)
    return buf.getvalue(), summary


def test_the_demo_year_exports_valid_balanced_and_equal_to_the_trial_balance(demo_company) -> None:
    # given a full year of the demo's books
    posted = load_demo_year(demo_company, None, 2026, today=date(2026, 12, 31))
    assert 100 <= posted <= 200
    assert load_demo_year(demo_company, None, 2026, today=date(2026, 12, 31)) == 0  # idempotent
    # its invoices and bills are all settled: no open items of its own in the customer and supplier ledgers
    for party in ("customer", "supplier"):
        open_items = (
            Posting.objects.filter(
                voucher__company=demo_company, voucher__source="demo-year", **{f"{party}__isnull": False}
            )
            .values(party)
            .annotate(balance=Sum("debit") - Sum("credit"))
            .exclude(balance=0)
        )
        assert not open_items.exists(), party
    # when
    data, summary = _export(demo_company, year=2026)
    # then it validates against the official schema
    root = assert_valid(data)
    # the totals are the trial balance's and the number of vouchers of the year
    rows = reports.trial_balance(demo_company, date(2026, 1, 1), date(2026, 12, 31))
    total_debit = sum((r.debit for r in rows), D(0)).quantize(D("0.01"))
    assert D(root.findtext(".//s:GeneralLedgerEntries/s:TotalDebit", namespaces=NS)) == total_debit
    assert D(root.findtext(".//s:GeneralLedgerEntries/s:TotalCredit", namespaces=NS)) == total_debit
    n = Voucher.objects.filter(company=demo_company, date__year=2026).count()
    assert int(root.findtext(".//s:NumberOfEntries", namespaces=NS)) == n == summary.transactions
    assert summary.file_name.startswith("SAF-T Financial_924753811_") and summary.file_name.endswith(".xml")
    # every transaction balances, and the movement per account adds up
    movement: dict[str, D] = defaultdict(D)
    for tx in root.iterfind(".//s:Transaction", NS):
        debit = sum((D(a) for a in tx.xpath("s:Line/s:DebitAmount/s:Amount/text()", namespaces=NS)), D(0))
        credit = sum((D(a) for a in tx.xpath("s:Line/s:CreditAmount/s:Amount/text()", namespaces=NS)), D(0))
        assert debit == credit, tx.findtext("s:TransactionID", namespaces=NS)
        for line in tx.iterfind("s:Line", NS):
            amount = line.findtext("s:DebitAmount/s:Amount", namespaces=NS)
            signed = D(amount) if amount is not None else -D(line.findtext("s:CreditAmount/s:Amount", namespaces=NS))
            movement[line.findtext("s:AccountID", namespaces=NS)] += signed
    # each account: opening + movement = closing, and equal to the trial balance row
    by_account = {r.account: r for r in rows}
    accounts = root.findall(".//s:GeneralLedgerAccounts/s:Account", NS)
    assert {a.findtext("s:AccountID", namespaces=NS) for a in accounts} == set(by_account)
    for a in accounts:
        number = a.findtext("s:AccountID", namespaces=NS)
        opening, closing = money(a, "Opening{}Balance"), money(a, "Closing{}Balance")
        assert opening + movement[number] == closing, number
        assert (opening, closing) == (by_account[number].opening, by_account[number].closing)
        assert a.findtext("s:GroupingCategory", namespaces=NS) and a.findtext("s:GroupingCode", namespaces=NS)
    # the tax table maps every code to a standard tax code; VAT is on the base lines
    codes = root.findall(".//s:TaxCodeDetails", NS)
    assert codes and all(c.findtext("s:StandardTaxCode", namespaces=NS) for c in codes)
    assert root.xpath("count(.//s:Line[s:AccountID='3000']/s:TaxInformation/s:CreditTaxAmount)", namespaces=NS) >= 12
    # departments and projects are analysis types A and P
    types = set(root.xpath(".//s:AnalysisTypeTableEntry/s:AnalysisType/text()", namespaces=NS))
    assert types == {"A", "P"}
    # supplier balances are the postings that name the supplier
    for s in root.iterfind(".//s:Supplier", NS):
        sid = s.findtext("s:SupplierID", namespaces=NS)
        agg = Posting.objects.filter(
            voucher__company=demo_company, supplier__number=sid, voucher__date__lte=date(2026, 12, 31)
        ).aggregate(d=Sum("debit"), c=Sum("credit"))
        closing = sum((money(b, "Closing{}Balance") for b in s.iterfind("s:BalanceAccount", NS)), D(0))
        assert closing == (agg["d"] or 0) - (agg["c"] or 0), sid
    # and the export is in the audit log
    event = AuditEvent.objects.filter(company=demo_company, action="saft.exported").get()
    assert event.data["sha256"] == summary.sha256 and event.data["transactions"] == n


def test_period_selection_opening_balances_and_parties(company, post) -> None:
    # given books from 2025 into 2026
    parties = small_books(company, post)
    # when months 2-3 of 2026 are exported
    data, summary = _export(company, year=2026, from_period=2, to_period=3)
    root = assert_valid(data)
    # then only February's and March's vouchers are in it
    assert root.xpath(".//s:Transaction/s:TransactionID/text()", namespaces=NS) == ["BANK 2026-1"]
    sel = root.find(".//s:SelectionCriteria", NS)
    assert [sel.findtext(f"s:{t}", namespaces=NS) for t in ("PeriodStart", "PeriodStartYear", "PeriodEnd")] == [
        "2",
        "2026",
        "3",
    ]
    # opening balances are everything before 1 February; 2025's result goes to 2050 (not yet closed)
    accounts = {a.findtext("s:AccountID", namespaces=NS): a for a in root.iterfind(".//s:Account", NS)}
    assert money(accounts["1920"], "Opening{}Balance") == D("50000")
    assert money(accounts["1920"], "Closing{}Balance") == D("62500")
    assert money(accounts["2050"], "Opening{}Balance") == D("-10000")  # 2025's profit
    assert money(accounts["6300"], "Opening{}Balance") == D("8000")  # January of the same year
    assert "3000" not in accounts  # a result account of an earlier year starts at zero
    # the customer's receivable: opening 12 500, paid in February
    customer = root.find(".//s:Customer[s:CustomerID='10001']", NS)
    balance = customer.find("s:BalanceAccount", NS)
    assert balance.findtext("s:AccountID", namespaces=NS) == "1500"
    assert (money(balance, "Opening{}Balance"), money(balance, "Closing{}Balance")) == (D("12500"), D("0"))
    assert customer.findtext("s:RegistrationNumber", namespaces=NS) == parties["customer"].orgnr
    supplier = root.find(".//s:Supplier[s:SupplierID='7']", NS)
    assert money(supplier.find("s:BalanceAccount", NS), "Closing{}Balance") == D("-10000")
    assert summary.transactions == 1 and summary.total_debit == D("12500")


def test_vat_and_dimensions_on_the_lines(company, post) -> None:
    small_books(company, post)
    root = assert_valid(_export(company, year=2026, from_period=1, to_period=1)[0])
    line = root.find(".//s:Line[s:AccountID='6300']", NS)
    assert line.xpath("s:Analysis/s:AnalysisType/text()", namespaces=NS) == ["A", "P"]
    tax = line.find("s:TaxInformation", NS)
    assert [tax.findtext(f"s:{t}", namespaces=NS) for t in ("TaxType", "TaxCode", "TaxPercentage", "TaxBase")] == [
        "MVA",
        "1",
        "25",
        "8000.00",
    ]
    assert tax.findtext("s:DebitTaxAmount/s:Amount", namespaces=NS) == "2000.00"
    assert root.find(".//s:Line[s:AccountID='2710']/s:TaxInformation", NS) is None
    assert root.findtext(".//s:Line[s:AccountID='2400']/s:SupplierID", namespaces=NS) == "7"


def test_a_bad_period_is_refused(company) -> None:
    for kw in ({"year": 2026, "from_period": 4, "to_period": 3}, {"year": 2026, "to_period": 13}):
        with pytest.raises(RuleViolation) as exc:
            _export(company, **kw)
        assert exc.value.code == "FF-SAFT-SELECTION"


def _unbalanced(company, number: int, debit: str, credit: str) -> None:
    """A voucher stored past the posting service's checks (as a damaged database or import would)."""
    from django.utils import timezone

    from fakturaflyt.ledger.models import Account

    series = NumberSeries.objects.get(company=company, code="GL")
    v = Voucher(
        company=company,
        series=series,
        year=2026,
        number=number,
        date=date(2026, 5, 1),
        description="Skadet bilag",
        posted_at=timezone.now(),
    )
    v.save(force_insert=True)
    accounts = {a.number: a for a in Account.objects.filter(company=company, number__in=("6300", "1920"))}
    Posting.objects.bulk_create(
        [
            Posting(voucher=v, line=1, account=accounts["6300"], debit=D(debit)),
            Posting(voucher=v, line=2, account=accounts["1920"], credit=D(credit)),
        ]
    )


def test_an_unbalanced_voucher_is_refused(company) -> None:
    # two vouchers out of balance that offset each other: the totals balance, each voucher does not
    _unbalanced(company, 1, "100.00", "90.00")
    _unbalanced(company, 2, "90.00", "100.00")
    with pytest.raises(RuleViolation) as exc:
        _export(company, year=2026)
    assert exc.value.code == "FF-SAFT-UNBALANCED"
    assert "GL 2026-1" in exc.value.problems[0].location
    # and books out of balance in total are refused before the file is written
    _unbalanced(company, 3, "5.00", "1.00")
    buf = io.BytesIO()
    with pytest.raises(RuleViolation) as exc:
        export_saft(company, buf, year=2026)
    assert exc.value.code == "FF-SAFT-TOTALS" and buf.getvalue() == b""
    assert not AuditEvent.objects.filter(company=company, action="saft.exported").exists()
