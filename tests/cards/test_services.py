"""Card services: matching per shipment, the exact split, ambiguous and unmatched charges, person decisions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.cards.conftest import business_report, charge, item, statement

pytestmark = pytest.mark.django_db

REF_A, REF_B = "2X4AB12C3", "7QW9ZZ1K2"


def two_shipments() -> bytes:
    """One order, two shipments charged separately (payment references A and B)."""
    return business_report(
        item("302-1", "Jabra Evolve2 65 headset", subtotal="60.00", shipping="5.00", payment_ref=REF_A),
        item("302-1", "A4 copy paper 5x500", subtotal="30.00", payment_ref=REF_A, cost_center="Salg"),
        item("302-1", "Clean Code (paperback)", subtotal="20.00", payment_ref=REF_B, payment_date="2026-03-03"),
    )


def test_charges_matched_per_shipment_and_split_to_the_ore(cards_company):
    from fakturaflyt.cards.models import CardCharge, ChargeStatus

    r1 = cards_company.import_file(two_shipments(), "orders.csv")
    assert (r1.kind, r1.format, r1.shop, r1.rows, r1.added) == ("orders", "amazon-business", "amazon", 3, 3)
    r2 = cards_company.import_file(
        statement(
            charge("S1", f"AMZN MKTP DE*{REF_A}", "95.00", amount_nok="1102.00"),
            charge("S2", f"AMZN MKTP DE*{REF_B}", "20.00", amount_nok="232.00", day="2026-03-03"),
        ),
        "kort.csv",
    )
    assert (r2.kind, r2.format, r2.added, r2.matched, r2.unmatched) == ("statement", "default", 2, 2, 0)
    a = CardCharge.objects.get(company=cards_company.company, external_id="S1")
    b = CardCharge.objects.get(company=cards_company.company, external_id="S2")
    assert a.status == b.status == ChargeStatus.MATCHED
    assert a.match_method == "reference"
    lines = list(a.lines.order_by("line_no"))
    assert [ln.title for ln in lines] == ["Jabra Evolve2 65 headset", "A4 copy paper 5x500"]
    assert sum(ln.total for ln in lines) == Decimal("95.00")
    # shipping 5.00 pro rata by net 60:30
    assert [ln.shipping_share for ln in lines] == [Decimal("3.33"), Decimal("1.67")]
    assert all(ln.net + ln.vat + ln.shipping_share == ln.total for ln in lines)
    # NOK: the NOK charged spread pro rata (no reference rate stored)
    assert sum(ln.total_nok for ln in lines) == Decimal("1102.00")
    assert [ln.title for ln in b.lines.all()] == ["Clean Code (paperback)"]
    # coding lines exist, queued (never touchless), VAT by the rule
    for ln in lines:
        assert ln.coding_line is not None and ln.coding_line.state == "queued"
        assert ln.coding_line.source == "amazon"
        assert ln.coding_line.vat_code == "81"
        assert ln.coding_line.suggestion["vat_code"]["confidence"] == 1.0
        assert ln.vat_rule
    assert b.lines.get().coding_line.vat_code == "85"  # imported printed book
    # the buyer's cost center "Salg" is department 200 by name
    assert lines[1].coding_line.department == "200"
    assert "Amazon" in lines[1].coding_line.suggestion["department"]["text"][0]
    assert a.confidence is not None


def test_subset_of_shipments_matched_by_amount(cards_company):
    from fakturaflyt.cards.models import CardCharge

    cards_company.import_file(
        business_report(
            item("303-1", "Monitor arm", subtotal="40.00", payment_date="2026-03-01", order_date="2026-02-28"),
            item("303-2", "USB-C dock", subtotal="70.00", payment_date="2026-03-01", order_date="2026-02-28"),
            item("303-3", "Whiteboard markers", subtotal="13.37", payment_date="2026-02-10", order_date="2026-02-09"),
        )
    )
    cards_company.import_file(statement(charge("S9", "AMAZON.DE", "110.00", amount_nok="1280.00")))
    c = CardCharge.objects.get(external_id="S9")
    assert c.status == "matched" and c.match_method == "subset"
    assert sorted(ln.title for ln in c.lines.all()) == ["Monitor arm", "USB-C dock"]
    assert sum(ln.total for ln in c.lines.all()) == Decimal("110.00")


def test_ambiguous_is_reported_and_a_person_chooses(cards_company):
    from fakturaflyt.cards import services
    from fakturaflyt.cards.models import CardCharge, ShopOrderLine

    cards_company.import_file(
        business_report(
            item("304-1", "Cable A", subtotal="25.00", payment_date="2026-03-01"),
            item("304-2", "Cable B", subtotal="25.00", payment_date="2026-03-01"),
        )
    )
    result = cards_company.import_file(statement(charge("S5", "AMAZON.DE", "25.00", amount_nok="290.00")))
    assert result.ambiguous == 1
    c = CardCharge.objects.get(external_id="S5")
    assert c.status == "ambiguous" and not c.lines.exists()
    assert len(c.candidates) == 2
    ids = {pk for cand in c.candidates for pk in cand}
    assert ids == set(ShopOrderLine.objects.filter(company=cards_company.company).values_list("pk", flat=True))
    with pytest.raises(services.CardError) as err:
        services.accept(c, cards_company.user)
    assert err.value.problems[0].code == "FF-CARD-STATE"
    chosen = services.choose_candidate(c, 1, cards_company.user)
    assert chosen.status == "matched" and chosen.match_method == "manual"
    assert [ln.order_line_id for ln in chosen.lines.all()] == c.candidates[1]
    # a person decided: a later rematch leaves it alone
    services.rematch(cards_company.company)
    chosen.refresh_from_db()
    assert chosen.status == "matched" and [ln.order_line_id for ln in chosen.lines.all()] == c.candidates[1]
    with pytest.raises(services.CardError) as err:
        services.choose_candidate(chosen, 0, cards_company.user)
    assert err.value.problems[0].code == "FF-CARD-STATE"


def test_unmatched_until_the_report_comes(cards_company):
    from fakturaflyt.cards import services
    from fakturaflyt.cards.models import CardCharge

    result = cards_company.import_file(statement(charge("S7", f"AMZN MKTP DE*{REF_A}", "95.00", amount_nok="1100.00")))
    assert result.unmatched == 1
    c = CardCharge.objects.get(external_id="S7")
    assert c.status == "unmatched" and "not been imported yet" in c.match_note
    with pytest.raises(services.CardError) as err:
        services.accept(c, cards_company.user)
    assert err.value.problems[0].code == "FF-CARD-NO-LINES"
    result = cards_company.import_file(two_shipments(), "orders.csv")
    c.refresh_from_db()
    assert c.status == "matched" and c.lines.count() == 2
    assert result.matched == 1


def test_non_shop_merchant_gets_one_line(cards_company):
    from fakturaflyt.cards.models import CardCharge

    cards_company.import_file(
        statement(charge("N1", "CLAS OHLSON OSLO CITY", "499.00", currency="NOK", holder="Per Hansen"))
    )
    c = CardCharge.objects.get(external_id="N1")
    assert (c.status, c.match_method) == ("matched", "single")
    (line,) = c.lines.all()
    assert line.total == line.total_nok == Decimal("499.00")
    assert line.order_line is None and line.coding_line.source == "card"
    assert line.coding_line.line["supplier_name"] == "CLAS OHLSON OSLO CITY"
    assert line.coding_line.line["buyer"] == "Per Hansen"


def test_person_decisions_assign_single_ignore_reopen(cards_company):
    from fakturaflyt.cards import services
    from fakturaflyt.cards.models import CardCharge, ShopOrderLine

    cards_company.import_file(statement(charge("S8", "AMZN MKTP DE*ZZZZ99999", "50.00", amount_nok="580.00")))
    cards_company.import_file(
        business_report(
            item("305-1", "Desk lamp", subtotal="48.00", payment_date="2026-01-01", payment_ref="OTHER1234")
        )
    )
    c = CardCharge.objects.get(external_id="S8")
    assert c.status == "unmatched"
    lamp = ShopOrderLine.objects.get(title="Desk lamp")
    c = services.assign_lines(c, [lamp.pk], cards_company.user)
    assert c.status == "matched" and c.match_method == "manual"
    (line,) = c.lines.all()
    assert line.total == Decimal("50.00")  # the charge, spread over the item
    lamp.refresh_from_db()
    assert lamp.charge_id == c.pk
    c = services.as_single_line(c, cards_company.user)
    assert c.match_method == "single" and c.lines.get().order_line is None
    lamp.refresh_from_db()
    assert lamp.charge_id is None
    with pytest.raises(services.CardError) as err:
        services.ignore(c, "  ", cards_company.user)
    assert err.value.problems[0].code == "FF-CARD-REASON"
    c = services.ignore(c, "Private purchase", cards_company.user)
    assert c.status == "ignored" and not c.lines.exists()
    assert services.inbox(cards_company.company, status="open").count() == 0
    c = services.reopen(c, cards_company.user)
    assert c.status in ("unmatched", "matched")


def test_wrong_company_lines_refused(cards_company, make_company):
    from fakturaflyt.cards import importer, services
    from fakturaflyt.cards.models import CardCharge, CardImport, ShopOrderLine
    from fakturaflyt.core.cards.orders import OrderLine
    from fakturaflyt.payables import storage

    other = make_company("974760673", "Annen AS")
    imp = CardImport.objects.create(company=other, file=storage.store(b"x", filename="x.csv"), kind="orders")
    row = importer.from_order_line(other, imp, "amazon", "k1", OrderLine("9", "Foreign item", Decimal("10.00")))
    row.save()
    cards_company.import_file(statement(charge("S3", "AMZN MKTP DE*QQQQ11111", "10.00", amount_nok="116.00")))
    c = CardCharge.objects.get(external_id="S3")
    with pytest.raises(services.CardError) as err:
        services.assign_lines(c, [row.pk], cards_company.user)
    assert err.value.problems[0].code == "FF-CARD-WRONG-COMPANY"
    assert ShopOrderLine.objects.get(pk=row.pk).charge_id is None


def test_inbox_filters_and_card_holders(cards_company):
    from fakturaflyt.cards import services

    cards_company.import_file(
        statement(
            charge("H1", "CLAS OHLSON", "100.00", currency="NOK", holder="Per Hansen"),
            charge("H2", f"AMZN MKTP DE*{REF_A}", "95.00", amount_nok="1100.00", holder="Kari Nordmann"),
        )
    )
    assert services.card_holders(cards_company.company) == ["Kari Nordmann", "Per Hansen"]
    assert [c.external_id for c in services.inbox(cards_company.company, card_holder="Per Hansen")] == ["H1"]
    assert [c.external_id for c in services.inbox(cards_company.company, status="unmatched")] == ["H2"]
    assert [c.external_id for c in services.inbox(cards_company.company, q="clas")] == ["H1"]
    assert services.inbox(cards_company.company).count() == 2
