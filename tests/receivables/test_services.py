"""Customer invoices through the services: drafts, issuing (number, KID, due date, voucher), credit notes.

The fixtures here (``ar``: a company with a bank account, customers and a user) are imported by
the other receivables tests of this work (EHF, numbering, CLI).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from fakturaflyt.core.errors import RuleViolation
from fakturaflyt.core.identifiers import kid_check_digit, validate_kid
from fakturaflyt.core.ledger import check_voucher
from fakturaflyt.ledger.models import AuditEvent, Voucher
from fakturaflyt.ledger.services import line_of
from fakturaflyt.receivables import services
from fakturaflyt.receivables.error_codes import InvoiceError
from fakturaflyt.receivables.models import Customer, InvoiceNumberCounter, InvoiceSettings, SalesInvoice
from fakturaflyt.receivables.services import DraftLine

D = Decimal
DAY = date(2026, 3, 2)


@dataclass
class AR:
    company: Any
    user: Any
    kunde: Customer  # Norwegian business, NOK, 10 days
    utland: Customer  # Swedish business, EUR, Peppol id
    privat: Customer  # a consumer without address


@pytest.fixture
def ar(company, user_factory) -> AR:
    from fakturaflyt.companies.models import CompanyBankAccount
    from fakturaflyt.ledger.models import Department, Project

    company.address_line, company.postal_code, company.city = "Storgata 1", "0155", "Oslo"
    company.email = "faktura@testfirma.no"
    company.save()
    CompanyBankAccount.objects.create(
        company=company, account_number="15064123456", iban="NO1415064123456", bic="DNBANOKK", is_default=True
    )
    Department.objects.create(company=company, code="100", name="Salg")
    Project.objects.create(company=company, code="P1", name="Prosjekt 1")
    kunde = Customer.objects.create(
        company=company,
        number=42,
        name="Kunde AS",
        orgnr="974760673",
        address_line="Kundeveien 2",
        postal_code="5020",
        city="Bergen",
        payment_terms_days=10,
        channel="ehf",
        email="faktura@kunde.no",
    )
    utland = Customer.objects.create(
        company=company,
        number=77,
        name="Svensk Kund AB",
        vat_id="SE556036079301",
        peppol_id="0007:5560360793",
        address_line="Storgatan 5",
        postal_code="11122",
        city="Stockholm",
        country="SE",
        currency="EUR",
        payment_terms_days=30,
        channel="ehf",
    )
    privat = Customer.objects.create(company=company, number=5, name="Ola Nordmann", is_consumer=True, channel="email")
    return AR(company, user_factory("regnskap@testfirma.no"), kunde, utland, privat)


def lines_mixed() -> list[DraftLine]:
    """Four VAT rates (25, 15, 12, 0), a discount, dimensions and a line period."""
    return [
        DraftLine("Konsulenttimer", D("7.5"), D("1200"), unit_code="HUR", department="100", project="P1"),
        DraftLine("Kontorstol", D("3"), D("999.90"), discount_percent=D("10"), revenue_account="3000"),
        DraftLine("Lunsj", D("4"), D("89.90"), vat_code="31"),
        DraftLine("Hotell", D("2"), D("1234"), vat_code="33", unit_code="DAY"),
        DraftLine("Avis", D("1"), D("250"), vat_code="5", revenue_account="3100"),
        DraftLine(
            "Abonnement mars",
            D("1"),
            D("499"),
            period_start=date(2026, 3, 1),
            period_end=date(2026, 3, 31),
        ),
    ]


def issued(ar: AR, lines: list[DraftLine] | None = None, customer: Customer | None = None, **kw: Any) -> SalesInvoice:
    draft = services.create_draft(ar.company, customer or ar.kunde, lines or lines_mixed(), actor=ar.user, **kw)
    return services.issue(draft, ar.user, issue_date=DAY)


def postings(invoice: SalesInvoice) -> list[Any]:
    return [line_of(p) for p in invoice.voucher.postings.select_related("account", "vat_code", "department", "project")]


pytestmark = pytest.mark.django_db


def test_a_draft_stores_lines_with_net_amounts_and_totals(ar: AR) -> None:
    draft = services.create_draft(ar.company, ar.kunde, lines_mixed(), actor=ar.user)
    nets = list(draft.lines.order_by("line_no").values_list("net_amount", flat=True))
    # 3 × 999.90 = 2999.70 − 10 % (299.97) = 2699.73
    assert nets == [D("9000.00"), D("2699.73"), D("359.60"), D("2468.00"), D("250.00"), D("499.00")]
    assert draft.is_draft and draft.number is None and draft.kid == ""
    assert draft.net_total == D("15276.33")
    # 25 % of 12198.73 = 3049.68; 15 % of 359.60 = 53.94; 12 % of 2468 = 296.16
    assert draft.vat_total == D("3399.78")
    assert draft.total == D("18676.11")
    assert draft.lines.get(line_no=3).vat_rate == D("15")
    assert AuditEvent.objects.filter(company=ar.company, action="invoice.draft_created").count() == 1


def test_a_draft_is_refused_with_every_problem_at_once(ar: AR, make_company) -> None:
    other = make_company("923609016", "Annet AS")
    stranger = Customer.objects.create(company=other, number=1, name="Fremmed AS")
    with pytest.raises(RuleViolation) as exc:
        services.create_draft(
            ar.company,
            stranger,
            [
                DraftLine("Vare", D("0"), D("10")),
                DraftLine("Innkjøp", D("1"), D("10"), vat_code="1"),
                DraftLine("Ukjent konto", D("1"), D("10"), revenue_account="3999"),
                DraftLine("", D("1"), D("10"), department="999"),
            ],
            actor=ar.user,
            currency="EUR",
        )
    codes = [p.code for p in exc.value.problems]
    assert codes == [
        "FF-INV-LINE",
        "FF-INV-VAT-CODE",
        "FF-INV-ACCOUNT",
        "FF-INV-LINE",
        "FF-INV-DIMENSION",
        "FF-INV-CUSTOMER",
        "FF-INV-EXCHANGE-RATE",
    ]
    assert not SalesInvoice.objects.exists()


def test_the_same_source_never_makes_two_invoices(ar: AR) -> None:
    line = [DraftLine("Abonnement", D("1"), D("100"))]
    first = services.create_draft(
        ar.company, ar.kunde, line, actor=None, source="subscription", source_key="S1/2026-03"
    )
    with pytest.raises(InvoiceError) as exc:
        services.create_draft(ar.company, ar.kunde, line, actor=None, source="subscription", source_key="S1/2026-03")
    assert exc.value.code == "FF-INV-DUPLICATE-SOURCE"
    assert list(SalesInvoice.objects.values_list("pk", flat=True)) == [first.pk]
    # an empty key is no key: manual invoices are never duplicates of each other
    services.create_draft(ar.company, ar.kunde, line, actor=None)
    services.create_draft(ar.company, ar.kunde, line, actor=None)
    assert SalesInvoice.objects.count() == 3


def test_the_constraint_holds_when_the_pre_check_is_raced(ar: AR, monkeypatch) -> None:
    """Two runs that both passed the pre-check: the second insert hits the constraint, gets the clear error."""
    line = [DraftLine("Abonnement", D("1"), D("100"))]
    services.create_draft(ar.company, ar.kunde, line, actor=None, source="order", source_key="O-1")
    real_filter = SalesInvoice.objects.filter
    calls = {"n": 0}

    def blind_first_check(*args: Any, **kwargs: Any):
        calls["n"] += 1
        qs = real_filter(*args, **kwargs)
        return qs.none() if calls["n"] == 1 else qs

    monkeypatch.setattr(SalesInvoice.objects, "filter", blind_first_check)
    with pytest.raises(InvoiceError) as exc:
        services.create_draft(ar.company, ar.kunde, line, actor=None, source="order", source_key="O-1")
    assert exc.value.code == "FF-INV-DUPLICATE-SOURCE"
    monkeypatch.undo()
    assert SalesInvoice.objects.filter(source="order").count() == 1


def test_issue_numbers_kids_dates_snapshots_and_posts(ar: AR) -> None:
    invoice = issued(ar)
    assert invoice.number == 10001  # InvoiceSettings.first_number
    assert invoice.issue_date == DAY and invoice.due_date == DAY + timedelta(days=10)
    assert invoice.delivery_date == DAY  # none given: delivered when invoiced
    assert invoice.kid == "0004200100016"  # 5 customer digits, 7 invoice digits, MOD10
    assert validate_kid(invoice.kid, "mod10") == invoice.kid
    assert (invoice.buyer_name, invoice.buyer_orgnr) == ("Kunde AS", "974760673")
    assert invoice.buyer_address["city"] == "Bergen"
    assert invoice.status == "issued" and invoice.channel == "ehf"
    assert invoice.issued_by == ar.user and invoice.issued_at is not None
    assert (invoice.net_total, invoice.vat_total, invoice.total) == (D("15276.33"), D("3399.78"), D("18676.11"))
    assert (invoice.total_nok, invoice.vat_total_nok) == (invoice.total, invoice.vat_total)
    # the voucher: AR series, balanced, receivable with the customer, revenue and VAT per code
    voucher = invoice.voucher
    assert (voucher.series.code, voucher.source, voucher.source_ref) == ("AR", "sales_invoice", "10001")
    lines = postings(invoice)
    assert check_voucher(lines) == []
    receivable = [ln for ln in lines if ln.account == "1500"]
    assert len(receivable) == 1 and receivable[0].debit == D("18676.11")
    assert receivable[0].customer_id == ar.kunde.pk
    vat = {(ln.account, ln.vat_code): ln.credit for ln in lines if ln.account.startswith("27")}
    assert vat == {("2700", "3"): D("3049.68"), ("2701", "31"): D("53.94"), ("2703", "33"): D("296.16")}
    revenue = {
        (ln.account, ln.vat_code, ln.department, ln.project): (ln.credit, ln.vat_base)
        for ln in lines
        if ln.account.startswith("3")
    }
    assert revenue == {
        ("3000", "3", "100", "P1"): (D("9000.00"), D("9000.00")),
        ("3000", "3", None, None): (D("3198.73"), D("3198.73")),
        ("3000", "31", None, None): (D("359.60"), D("359.60")),
        ("3000", "33", None, None): (D("2468.00"), D("2468.00")),
        ("3100", "5", None, None): (D("250.00"), D("250.00")),
    }
    event = AuditEvent.objects.get(company=ar.company, action="invoice.issued")
    assert event.data["number"] == 10001 and event.data["voucher"] == voucher.label


def test_an_issued_invoice_is_never_edited_deleted_or_issued_again(ar: AR) -> None:
    invoice = issued(ar)
    for action in (
        lambda: services.issue(invoice, ar.user),
        lambda: services.update_draft(invoice, None, ar.user, note="endret"),
        lambda: services.delete_draft(invoice, ar.user),
    ):
        with pytest.raises(InvoiceError) as exc:
            action()
        assert exc.value.code == "FF-INV-NOT-DRAFT"
    assert Voucher.objects.filter(company=ar.company, source="sales_invoice").count() == 1


def test_drafts_can_be_changed_and_deleted(ar: AR) -> None:
    draft = services.create_draft(ar.company, ar.kunde, lines_mixed(), actor=ar.user)
    draft = services.update_draft(draft, [DraftLine("Én ting", D("2"), D("50"))], ar.user, note="Takk!")
    assert (draft.note, draft.total, draft.lines.count()) == ("Takk!", D("125.00"), 1)
    services.delete_draft(draft, ar.user)
    assert not SalesInvoice.objects.exists()
    assert AuditEvent.objects.filter(company=ar.company, action="invoice.draft_deleted").count() == 1


def test_a_refused_issue_keeps_nothing_not_even_the_number(ar: AR) -> None:
    # a consumer without an address: the invoice lacks the buyer's address (§ 5-1-1 nr. 3)
    draft = services.create_draft(ar.company, ar.privat, [DraftLine("Stol", D("1"), D("1000"))], actor=ar.user)
    with pytest.raises(RuleViolation) as exc:
        services.issue(draft, ar.user, issue_date=DAY)
    assert [p.code for p in exc.value.problems] == ["FF-INV-BUYER"]
    draft.refresh_from_db()
    assert draft.is_draft and draft.number is None and draft.voucher is None
    assert not Voucher.objects.filter(company=ar.company, source="sales_invoice").exists()
    # the number was not used up: the next invoice gets the first number
    assert issued(ar).number == 10001


def test_zero_invoices_are_refused(ar: AR) -> None:
    draft = services.create_draft(ar.company, ar.kunde, [DraftLine("Gratis", D("1"), D("0"))], actor=ar.user)
    with pytest.raises(InvoiceError) as exc:
        services.issue(draft, ar.user)
    assert exc.value.code == "FF-INV-ZERO"


def test_kid_follows_the_company_agreement_incl_mod11_dash(ar: AR) -> None:
    InvoiceSettings.objects.create(
        company=ar.company,
        first_number=4,
        kid_method="mod11",
        kid_length=10,
        kid_customer_digits=2,
        kid_invoice_digits=6,
    )
    first = issued(ar)
    # customer 42, invoice 000004, running digit, check digit; 42000004 + "0" would give '-', so "1"
    assert kid_check_digit("420000040", "mod11") == "-"
    assert first.number == 4 and first.kid == "4200000418"
    second = issued(ar)
    assert second.kid.startswith("420000050") and len(second.kid) == 10
    for kid in (first.kid, second.kid):
        assert validate_kid(kid, "mod11") == kid and "-" not in kid


def test_a_kid_agreement_too_small_refuses_the_issue(ar: AR) -> None:
    InvoiceSettings.objects.create(company=ar.company, kid_customer_digits=1, kid_invoice_digits=7)
    draft = services.create_draft(ar.company, ar.kunde, [DraftLine("Stol", D("1"), D("1000"))], actor=ar.user)
    with pytest.raises(Exception) as exc:
        services.issue(draft, ar.user)
    assert exc.value.code == "FF-KID-LENGTH"
    assert "customer number digits in KID" in str(exc.value)
    assert not InvoiceNumberCounter.objects.filter(company=ar.company, last_number__gt=10000).exists()


def test_a_currency_invoice_posts_nok_that_balance_to_the_ore(ar: AR) -> None:
    invoice = issued(
        ar,
        [
            DraftLine("Consulting", D("3"), D("333.33"), vat_code="52", revenue_account="3100"),
            DraftLine("Licence", D("1"), D("101.01"), vat_code="52", revenue_account="3000"),
        ],
        customer=ar.utland,
        exchange_rate=D("11.4567"),
    )
    assert invoice.currency == "EUR" and invoice.due_date == DAY + timedelta(days=30)
    assert invoice.total == D("1101.00") and invoice.vat_total == D("0.00")
    assert invoice.total_nok == D("12613.83")  # 1101.00 × 11.4567 = 12613.8267
    lines = postings(invoice)
    assert check_voucher(lines) == []
    receivable = next(ln for ln in lines if ln.account == "1500")
    assert (receivable.debit, receivable.currency, receivable.currency_amount) == (D("12613.83"), "EUR", D("1101.00"))
    assert receivable.exchange_rate == D("11.4567")
    revenue = {ln.account: (ln.credit, ln.currency_amount, ln.vat_code) for ln in lines if ln.account.startswith("3")}
    # 999.99 × 11.4567 = 11456.59; 101.01 × 11.4567 = 1157.24 (sum 12613.83, no øre lost)
    assert revenue == {"3100": (D("11456.59"), D("-999.99"), "52"), "3000": (D("1157.24"), D("-101.01"), "52")}


def test_currency_vat_in_nok_is_bt111_and_what_is_posted(ar: AR) -> None:
    invoice = issued(
        ar,
        [DraftLine("Rådgivning", D("1"), D("1000.01")), DraftLine("Mat", D("3"), D("33.33"), vat_code="31")],
        customer=ar.utland,
        exchange_rate=D("11.4567"),
    )
    # VAT 250.00 + 15.00 = 265.00 EUR → 3036.03 NOK (BT-111); the voucher's VAT lines sum to it
    assert invoice.vat_total == D("265.00") and invoice.vat_total_nok == D("3036.03")
    lines = postings(invoice)
    assert check_voucher(lines) == []
    assert sum(ln.credit for ln in lines if ln.account.startswith("27")) == invoice.vat_total_nok
    assert next(ln for ln in lines if ln.account == "1500").debit == invoice.total_nok


def test_reverse_charge_posts_no_vat_and_names_the_code(ar: AR) -> None:
    invoice = issued(ar, [DraftLine("Byggearbeid", D("10"), D("800"), vat_code="51", revenue_account="3000")])
    lines = postings(invoice)
    assert [(ln.account, ln.debit, ln.credit, ln.vat_code) for ln in lines] == [
        ("1500", D("8000.00"), D("0.00"), None),
        ("3000", D("0.00"), D("8000.00"), "51"),
    ]


def test_a_full_credit_note_mirrors_the_invoice_and_settles_it(ar: AR) -> None:
    invoice = issued(ar)
    note = services.credit(invoice, ar.user, reason="Feil kunde", issue_date=DAY + timedelta(days=1))
    assert note.is_credit_note and note.credits == invoice and note.number == 10002
    assert note.kid == "" and note.due_date is None
    assert (note.total, note.vat_total) == (invoice.total, invoice.vat_total)
    invoice.refresh_from_db()
    assert invoice.settlement == "credited" and invoice.display_status(DAY) == "credited"
    original = {(ln.account, ln.vat_code, ln.department): (ln.debit, ln.credit) for ln in postings(invoice)}
    mirror = {(ln.account, ln.vat_code, ln.department): (ln.credit, ln.debit) for ln in postings(note)}
    assert mirror == original
    assert all(ln.vat_base < 0 for ln in postings(note) if ln.vat_base is not None)
    assert note.voucher.source_ref == "10002"
    assert AuditEvent.objects.filter(company=ar.company, action="invoice.credited").count() == 1
    with pytest.raises(InvoiceError) as exc:
        services.credit(note, ar.user, reason="igjen")
    assert exc.value.code == "FF-INV-CREDIT-OF-CREDIT"


def test_partial_credits_up_to_the_total_and_never_beyond(ar: AR) -> None:
    invoice = issued(ar, [DraftLine("Stol", D("4"), D("1000"))])  # 5000.00 incl. VAT
    first = services.credit(invoice, ar.user, reason="Én stol returnert", lines=[DraftLine("Stol", D("1"), D("1000"))])
    assert first.total == D("1250.00")
    invoice.refresh_from_db()
    assert invoice.settlement == "open"
    with pytest.raises(InvoiceError) as exc:
        services.credit(invoice, ar.user, reason="For mye", lines=[DraftLine("Stol", D("4"), D("1000"))])
    assert exc.value.code == "FF-INV-OVERCREDIT" and "3750.00" in exc.value.message
    assert SalesInvoice.objects.filter(credits=invoice).count() == 1  # the refused note is not kept
    services.credit(invoice, ar.user, reason="Resten returnert", lines=[DraftLine("Stol", D("3"), D("1000"))])
    invoice.refresh_from_db()
    assert invoice.settlement == "credited"
    # numbers stayed gapless through the refusal
    assert sorted(SalesInvoice.objects.values_list("number", flat=True)) == [10001, 10002, 10003]


def test_a_draft_and_a_credit_without_reason_are_not_credited(ar: AR) -> None:
    draft = services.create_draft(ar.company, ar.kunde, [DraftLine("Stol", D("1"), D("100"))], actor=ar.user)
    with pytest.raises(InvoiceError) as exc:
        services.credit(draft, ar.user, reason="x")
    assert exc.value.code == "FF-INV-NOT-ISSUED"
    invoice = services.issue(draft, ar.user)
    with pytest.raises(InvoiceError) as exc:
        services.credit(invoice, ar.user, reason="  ")
    assert exc.value.code == "FF-INV-CREDIT-REASON"
