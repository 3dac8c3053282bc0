"""Importing card statements and order reports: detection, idempotency, overlap, refused files kept."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.cards.conftest import business_report, charge, item, statement

pytestmark = pytest.mark.django_db


def test_statement_reimport_adds_nothing(cards_company):
    from fakturaflyt.cards.models import CardCharge, CardImport

    data = statement(
        charge("R1", "CLAS OHLSON", "100.00", currency="NOK"),
        charge("", "REMA 1000", "54.90", currency="NOK"),  # no reference: a stable row hash
        charge("", "REMA 1000", "54.90", currency="NOK"),  # the same row twice: two charges
    )
    first = cards_company.import_file(data, "kort.csv")
    assert (first.rows, first.added, first.duplicates) == (3, 3, 0)
    again = cards_company.import_file(data, "kort.csv")
    assert (again.rows, again.added, again.duplicates) == (3, 0, 3)
    assert CardCharge.objects.filter(company=cards_company.company).count() == 3
    imports = CardImport.objects.filter(company=cards_company.company).order_by("pk")
    assert [(i.kind, i.status, i.added, i.duplicates) for i in imports] == [
        ("statement", "imported", 3, 0),
        ("statement", "imported", 0, 3),
    ]


def test_report_reimport_and_overlap_add_nothing_twice(cards_company):
    from fakturaflyt.cards.models import ShopOrderLine

    a = item("501-1", "Pens", subtotal="5.00", payment_ref="OVR000001")
    b = item("501-1", "Pens", subtotal="5.00", payment_ref="OVR000001")  # two identical rows: two items
    c = item("501-2", "Stapler", subtotal="12.00", payment_ref="OVR000002")
    d = item("501-3", "Folders", subtotal="7.50", payment_ref="OVR000003")
    first = cards_company.import_file(business_report(a, b, c), "jan.csv")
    assert (first.added, first.duplicates) == (3, 0)
    assert cards_company.import_file(business_report(a, b, c), "jan.csv").added == 0
    overlap = cards_company.import_file(business_report(b, a, c, d), "jan-feb.csv")  # rows in another order
    assert (overlap.added, overlap.duplicates) == (1, 3)
    rows = ShopOrderLine.objects.filter(company=cards_company.company)
    assert rows.count() == 4 and rows.filter(title="Pens").count() == 2


def test_order_line_keeps_every_field(cards_company):
    from fakturaflyt.cards.models import ShopOrderLine

    cards_company.import_file(
        business_report(
            item(
                "502-1",
                "Headset",
                subtotal="100.00",
                tax="19.00",
                shipping="4.99",
                promotion="5.00",
                payment_ref="FIELDS001",
                payment_amount="118.99",
                gl_code="6551",
                cost_center="IT",
                project="P1002",
                category="Electronics",
                asin="B0TESTASIN",
                quantity="2",
            )
        )
    )
    row = ShopOrderLine.objects.get(company=cards_company.company)
    assert (row.order_id, row.title, row.shop) == ("502-1", "Headset", "amazon")
    assert (row.net, row.vat, row.shipping, row.currency) == (
        Decimal("95.00"),
        Decimal("19.00"),
        Decimal("4.99"),
        "EUR",
    )
    assert (row.quantity, row.payment_ref, row.payment_amount) == (Decimal("2.000"), "FIELDS001", Decimal("118.99"))
    assert (row.gl_code, row.cost_center, row.project, row.category) == ("6551", "IT", "P1002", "Electronics")
    assert (row.buyer, row.item_id, str(row.payment_date), str(row.order_date)) == (
        "Kari Nordmann",
        "B0TESTASIN",
        "2026-03-02",
        "2026-03-01",
    )
    assert row.source_row == 2 and len(row.line_key) == 64


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "FF-CARD-UNKNOWN-FILE"),
        (b"%PDF-1.7 not a card file", "FF-CARD-UNKNOWN-FILE"),
        (b"foo,bar\n1,2\n", "FF-CARD-UNKNOWN-FILE"),
        (b"<?xml version='1.0'?><Invoice/>", "FF-CARD-UNKNOWN-FILE"),
        (
            b"date,time,merchant,amount,currency,amount_nok,card_holder,reference\n31.02.2026,12:00,X,1.00,NOK,,,R\n",
            "FF-CARD-DATE",
        ),
    ],
)
def test_refused_file_is_kept_with_its_problems(cards_company, data, code):
    from fakturaflyt.cards.models import CardCharge, CardImport
    from fakturaflyt.core.errors import FakturaflytError

    with pytest.raises(FakturaflytError) as err:
        cards_company.import_file(data, "bad.csv")
    assert err.value.problems[0].code == code
    imp = CardImport.objects.get(company=cards_company.company)
    assert imp.status == "failed" and imp.problems[0]["code"] == code
    assert imp.file.size == len(data)
    assert not CardCharge.objects.filter(company=cards_company.company).exists()


def test_explicit_mapping_and_preset(cards_company):
    from fakturaflyt.cards.models import CardCharge
    from fakturaflyt.core.cards.statement import ColumnMapping

    data = "Dato;Tid;Forklaring;Beløp;Valuta;Beløp i NOK;Kortholder;Referanse\n02.03.2026;10:15;ELKJOP;-1 299,00;NOK;-1 299,00;Per;P1\n"
    result = cards_company.import_file(data.encode("cp1252"), "dnb.csv")
    assert (result.format, result.added) == ("no-bank-semicolon", 1)
    assert CardCharge.objects.get(external_id="P1").amount == Decimal("1299.00")
    custom = ColumnMapping(
        date="When",
        time=None,
        merchant="Shop",
        amount="Sum",
        currency=None,
        amount_nok=None,
        card_holder=None,
        reference="Id",
    )
    result = cards_company.import_file(b"When,Shop,Sum,Id\n2026-03-04,BIRTEMA,120.00,C1\n", mapping=custom)
    assert (result.format, result.added) == ("custom", 1)


def test_camt_card_entries(cards_company):
    from fakturaflyt.cards.models import CardCharge
    from tests.core.cards.test_camt_cards import CAMT053_V08

    first = cards_company.import_file(CAMT053_V08, "camt053.xml")
    assert (first.kind, first.format, first.added) == ("statement", "camt.053", 3)
    assert cards_company.import_file(CAMT053_V08, "camt053.xml").added == 0
    c = CardCharge.objects.get(external_id="CARD-0001")
    assert (c.amount, c.currency, c.amount_nok, c.merchant_payment_ref) == (
        Decimal("347.83"),
        "EUR",
        Decimal("4093.21"),
        "2X4AB12C3",
    )


def test_consumer_corpus_files_import_without_errors(cards_company, amazon_corpus):
    from fakturaflyt.cards.models import ShopOrderLine

    files = sorted(amazon_corpus.glob("consumer_Retail.OrderHistory.1_*.csv"))
    assert files
    for path in files:
        data = path.read_bytes()
        result = cards_company.import_file(data, path.name)
        assert (result.kind, result.format, result.problems) == ("orders", "amazon-consumer", [])
        assert result.added == result.rows > 0
        assert cards_company.import_file(data, path.name).added == 0
    assert ShopOrderLine.objects.filter(company=cards_company.company, currency="USD").exists()
