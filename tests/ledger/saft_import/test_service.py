"""The SAF-T import service: preview, posting, idempotency, refusals, partners and the corpus examples."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest

from fakturaflyt.core.saft_read import read_saft
from fakturaflyt.ledger.models import Account, AuditEvent, Posting, SaftImport, Voucher
from fakturaflyt.ledger.saft_import import SOURCE, SaftImportError, confirm_import, import_opening_balances
from fakturaflyt.payables.models import StoredFile, Supplier
from fakturaflyt.receivables.models import Customer

from .builders import saft_file

pytestmark = pytest.mark.django_db
EXAMPLE = "saft/examples/ExampleFile_SAF-T_Financial_888888888_20180228235959.xml"


def run(company, data: bytes | None = None, **kw):
    return import_opening_balances(
        company, saft_file() if data is None else data, filename="gammel.xml", actor=None, **kw
    )


def refused(company, data: bytes | None = None, **kw) -> SaftImportError:
    with pytest.raises(SaftImportError) as exc:
        run(company, data, **kw)
    return exc.value


def per_account(voucher: Voucher) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for p in voucher.postings.select_related("account"):
        sums[p.account.number] += p.debit - p.credit
    return dict(sums)


def test_a_dry_run_reads_everything_and_changes_nothing(saft_company) -> None:
    accounts = Account.objects.filter(company=saft_company).count()
    report = run(saft_company, dry_run=True)
    assert report.status == "previewed" and not report.posted and report.voucher is None
    assert report.counts()["accounts_created"] == 1  # 192010; the others are in the seeded chart
    assert {a.number: a.action for a in report.accounts}["192010"] == "create"
    assert {a.number: a.action for a in report.accounts}["ABC"] == "skipped"
    assert [(p.kind, p.action) for p in report.partners] == [
        ("customer", "create"),
        ("customer", "create"),
        ("supplier", "create"),
    ]
    assert report.voucher_date == date(2026, 1, 1) and report.series == "GL"
    assert report.total_debit == report.total_credit == Decimal("62000.00")
    # nothing was created or posted; the file is kept
    assert Account.objects.filter(company=saft_company).count() == accounts
    assert not Voucher.objects.filter(company=saft_company).exists()
    assert not Customer.objects.filter(company=saft_company).exists()
    assert StoredFile.objects.filter(sha256=report.sha256).exists()
    assert SaftImport.objects.get(pk=report.import_id).status == "previewed"


def test_posting_creates_accounts_and_partners_and_one_balanced_voucher(saft_company) -> None:
    report = run(saft_company)
    assert report.posted and report.status == "posted"
    voucher = Voucher.objects.get(company=saft_company, source=SOURCE)
    assert voucher.label == report.voucher and voucher.date == date(2026, 1, 1)
    rows = list(voucher.postings.all())
    assert sum(p.debit for p in rows) == sum(p.credit for p in rows) == Decimal("62000.00")
    # every account's lines sum to its opening balance in the file
    expected = {a.account_id: a.opening for a in read_saft(saft_file()).accounts if a.opening}
    assert per_account(voucher) == expected
    new = Account.objects.get(company=saft_company, number="192010")
    assert (new.name, new.account_type, new.grouping_code) == ("Bank DNB driftskonto", "asset", "1920")
    assert not Account.objects.filter(company=saft_company, number="ABC").exists()
    # the receivables and payables lines carry their partner
    kunde_a = Customer.objects.get(company=saft_company, orgnr="923609016")
    kari = Customer.objects.get(company=saft_company, name="Kari Nordmann")
    supplier = Supplier.objects.get(company=saft_company, orgnr="987654325")
    assert Posting.objects.get(voucher=voucher, customer=kunde_a).debit == Decimal("6000.00")
    assert Posting.objects.get(voucher=voucher, customer=kari).debit == Decimal("4000.00")
    assert Posting.objects.get(voucher=voucher, supplier=supplier).credit == Decimal("8000.00")
    assert (kunde_a.city, supplier.postal_code) == ("Oslo", "0155")
    # the import is audited; a warning names the tax code without a VAT code here
    event = AuditEvent.objects.get(company=saft_company, action="saft.imported")
    assert event.data["voucher"] == voucher.label and event.data["accounts_created"] == ["192010"]
    assert {p.code for p in report.problems} >= {"FF-SAFT-VAT-UNMAPPED", "FF-SAFT-ACCOUNT-NUMBER"}
    assert {t.code: t.vat_code for t in report.tax_codes} == {"1": "1", "3": "3", "X9": ""}


def test_importing_twice_does_not_post_twice(saft_company) -> None:
    run(saft_company)
    second = refused(saft_company)
    assert second.code == "FF-SAFT-ALREADY-POSTED"
    assert "GL 2026-1" in str(second)
    assert Voucher.objects.filter(company=saft_company, source=SOURCE).count() == 1
    assert Customer.objects.filter(company=saft_company).count() == 2
    assert SaftImport.objects.filter(company=saft_company, status="refused").count() == 1
    # a preview says so too, before anything is tried
    assert refused(saft_company, dry_run=True).code == "FF-SAFT-ALREADY-POSTED"


def test_a_preview_is_posted_from_the_stored_file(saft_company) -> None:
    preview = run(saft_company, dry_run=True, use="closing")
    report = confirm_import(SaftImport.objects.get(pk=preview.import_id), None)
    assert report.posted and report.voucher_date == date(2026, 6, 1)  # the day after the period
    voucher = Voucher.objects.get(company=saft_company, source=SOURCE)
    assert per_account(voucher)["3000"] == Decimal("-20000.00")  # closing balances, year to date
    assert sum(per_account(voucher).values()) == 0


def test_as_of_sets_the_date(saft_company) -> None:
    assert run(saft_company, as_of=date(2026, 3, 1)).voucher_date == date(2026, 3, 1)


def test_another_companys_file_is_refused_unless_forced(make_company, intake_dirs) -> None:
    other = make_company("924753811", "Alfa AS")
    error = refused(other)
    assert error.code == "FF-SAFT-ORGNR-MISMATCH" and "888888888" in str(error) and "924753811" in str(error)
    assert not Voucher.objects.filter(company=other, source=SOURCE).exists()
    assert AuditEvent.objects.filter(company=other, action="saft.import_refused").exists()
    report = run(other, force_orgnr=True)
    assert report.posted and "FF-SAFT-ORGNR-MISMATCH" in {p.code for p in report.problems}


def test_unbalanced_balances_are_refused_or_the_difference_goes_where_asked(saft_company) -> None:
    data = saft_file().replace(b"<OpeningCreditBalance>54000.00<", b"<OpeningCreditBalance>53000.00<")
    error = refused(saft_company, data)
    assert error.code == "FF-SAFT-UNBALANCED" and "1 000,00" in str(error)
    report = run(saft_company, data, difference_account="2990")
    voucher = Voucher.objects.get(company=saft_company, source=SOURCE)
    assert per_account(voucher)["2990"] == Decimal("-1000.00")
    assert report.total_debit == report.total_credit
    assert "FF-SAFT-DIFFERENCE" in {p.code for p in report.problems}


def test_existing_partners_are_found_and_a_sub_ledger_difference_is_reported(saft_company) -> None:
    Customer.objects.create(company=saft_company, number=500, name="Kunde A AS", orgnr="923609016")
    data = saft_file().replace(b"<OpeningDebitBalance>4000.00<", b"<OpeningDebitBalance>3000.00<")
    report = run(saft_company, data)
    first = report.partners[0]
    assert (first.name, first.action, first.number) == ("Kunde A AS", "found", 500)
    assert Customer.objects.filter(company=saft_company).count() == 2
    voucher = Voucher.objects.get(company=saft_company, source=SOURCE)
    loose = Posting.objects.get(voucher=voucher, account__number="1500", customer__isnull=True)
    assert loose.debit == Decimal("1000.00")  # the account balance the customers do not explain
    assert per_account(voucher)["1500"] == Decimal("10000.00")
    assert "FF-SAFT-SUBLEDGER" in {p.code for p in report.problems}


def test_an_account_number_that_does_not_fit_with_a_balance_is_fatal(saft_company) -> None:
    data = (
        saft_file()
        .replace(b"<AccountID>ABC</AccountID>", b"<AccountID>19.20</AccountID>")
        .replace(
            b"<OpeningDebitBalance>0.00</OpeningDebitBalance><ClosingDebitBalance>0.00</ClosingDebitBalance></Account>\n</G",
            b"<OpeningDebitBalance>5.00</OpeningDebitBalance><ClosingDebitBalance>0.00</ClosingDebitBalance></Account>\n</G",
        )
    )
    assert "FF-SAFT-ACCOUNT-NUMBER" in {p.code for p in refused(saft_company, data).problems}


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><AuditFile>&x;</AuditFile>', "FF-XML-DTD"),
        (b"not xml at all", "FF-XML-NOT-XML"),
        (saft_file()[:700], "FF-XML-SYNTAX"),
        (saft_file(version="2.01"), "FF-SAFT-VERSION"),
    ],
    ids=["xxe", "not-xml", "truncated", "version"],
)
def test_hostile_or_wrong_files_are_refused_and_kept(saft_company, data: bytes, code: str) -> None:
    error = refused(saft_company, data)
    assert error.code == code
    imp = SaftImport.objects.get(company=saft_company)
    assert imp.status == "refused" and imp.problems[0]["code"] == code
    assert StoredFile.objects.filter(pk=imp.file_id).exists()
    assert not Voucher.objects.filter(company=saft_company).exists()


# ------------------------------------------------------------------------------------------ the corpus


def test_the_888888888_example_is_refused_as_unbalanced_then_imported_with_a_difference_account(
    corpus, make_company, intake_dirs
) -> None:
    data = (corpus / EXAMPLE).read_bytes()
    company = make_company("888888888", "Tøyen Lekefabrikk AS")
    error = refused(company, data)
    assert [p.code for p in error.problems] == ["FF-SAFT-UNBALANCED"]
    assert "3 245 410,00" in str(error) and "700 000,00" in str(error)
    report = run(company, data, difference_account="2050")
    saft = read_saft(data)
    voucher = Voucher.objects.get(company=company, source=SOURCE)
    assert voucher.date == date(2017, 1, 1)
    sums = per_account(voucher)
    difference = sums.pop("2050")
    assert sums == {a.account_id: a.opening for a in saft.accounts if a.opening}
    assert difference == Decimal("-2545410.00")
    assert report.total_debit == report.total_credit
    # every account of the file exists now; six customers and six suppliers were taken over
    numbers = set(Account.objects.filter(company=company).values_list("number", flat=True))
    assert {a.account_id for a in saft.accounts} <= numbers
    assert Customer.objects.filter(company=company).count() == 6
    assert Supplier.objects.filter(company=company).count() == 6
    assert Posting.objects.filter(voucher=voucher, customer__name="Leketøysbutikk Tøyen").get().debit == Decimal(
        "32000.00"
    )
    assert {p.code for p in report.problems} >= {"FF-SAFT-SUBLEDGER", "FF-SAFT-DIFFERENCE", "FF-SAFT-PARTY-ORGNR"}


def test_the_xmlspy_sample_is_refused_naming_what_is_wrong(corpus, saft_company) -> None:
    error = refused(saft_company, (corpus / "saft/examples/Eksempelfil_fra_xmlSpy_v1.30.xml").read_bytes())
    assert {"FF-SAFT-NAMESPACE", "FF-SAFT-VERSION", "FF-SAFT-ORGNR"} <= {p.code for p in error.problems}
    assert error.code == "FF-SAFT-NAMESPACE"
