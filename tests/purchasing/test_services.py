"""Purchase orders, goods receipts and invoice matching through the services."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fakturaflyt.ledger.models import AuditEvent
from fakturaflyt.purchasing import services
from fakturaflyt.purchasing.error_codes import PurchasingError
from fakturaflyt.purchasing.models import InvoicedQuantity, PurchaseOrderLine
from tests.purchasing.conftest import line

pytestmark = pytest.mark.django_db


def test_create_order_checks_every_line_and_names_the_field(company, supplier, accountant) -> None:
    with pytest.raises(PurchasingError) as err:
        services.create_order(
            company,
            accountant,
            number="PO-9",
            supplier=supplier,
            order_date=None,
            lines=[line(1, "A", "Stol", "0", "10"), line(1, "B", "", "1", "-5", account="9999")],
        )
    found = {(p.code, p.location) for p in err.value.problems}
    assert ("FF-PO-BAD-DATE", "order_date") in found
    assert ("FF-PO-BAD-QUANTITY", "line 1, column quantity") in found
    assert ("FF-PO-DESCRIPTION-REQUIRED", "line 2, column description") in found
    assert ("FF-PO-BAD-PRICE", "line 2, column unit_price") in found
    assert ("FF-PO-BAD-CODING", "line 2, column account") in found
    assert ("FF-PO-DUPLICATE-LINE", "line 2, column line_no") in found


def test_create_order_and_audit(company, supplier, requester, dimensions, make_order) -> None:
    order = make_order(
        company,
        supplier,
        lines=[line(1, "A-100", "Kontorstol", "4", "1500", department="200", project="P1")],
        requested_by=requester,
    )
    (row,) = order.lines.all()
    assert row.unit == "EA" and row.coding() == {
        "account": "6540",
        "vat_code": "1",
        "department": "200",
        "project": "P1",
    }
    assert AuditEvent.objects.filter(company=company, action="purchase_order.created").count() == 1
    with pytest.raises(PurchasingError) as err:
        make_order(company, supplier)
    assert err.value.code == "FF-PO-DUPLICATE-NUMBER"


def test_exact_two_way_match_counts_the_invoiced_quantity(company, supplier, requester, make_order, make_document):
    order = make_order(company, supplier, requested_by=requester)
    doc = make_document(company, supplier, [("A-100", "Kontorstol Ergo", "4", "1500.00")])
    match = services.match_document(doc)
    assert match is not None and match.order == order and match.mode == "two_way"
    assert match.outcome == "matched" and match.within_tolerance
    doc.refresh_from_db()
    assert doc.requested_by == requester and doc.po_match == match
    assert PurchaseOrderLine.objects.get(order=order).quantity_invoiced == Decimal("4")
    # idempotent: matching again counts nothing twice
    services.match_document(doc)
    assert InvoicedQuantity.objects.filter(document=doc).count() == 1
    assert PurchaseOrderLine.objects.get(order=order).quantity_invoiced == Decimal("4")
    assert services.po_coding(doc) == [{"account": "6540", "vat_code": "1", "department": "", "project": ""}]


def test_no_order_reference_or_other_supplier_is_no_match(company, supplier, make_order, make_document) -> None:
    from fakturaflyt.payables.models import Supplier

    make_order(company, supplier)
    other = Supplier.objects.create(company=company, number=2, name="Annen AS", orgnr="998811228")
    assert (
        services.match_document(make_document(company, supplier, [("A-100", "Stol", "1", "1500")], order_reference=""))
        is None
    )
    assert services.match_document(make_document(company, other, [("A-100", "Stol", "1", "1500")])) is None
    # a reference in a longer text is found by its words
    found = services.match_document(
        make_document(company, supplier, [("A-100", "Stol", "1", "1500")], order_reference="Deres ordre: PO-1")
    )
    assert found is not None


def test_price_within_tolerance(company, supplier, make_order, make_document) -> None:
    make_order(company, supplier)
    match = services.match_document(make_document(company, supplier, [("A-100", "Kontorstol", "4", "1520.00")]))
    assert match.outcome == "within_tolerance" and match.within_tolerance
    assert match.lines[0]["differences"][0]["rule"] == "price"


def test_quantity_over_receipt_three_way(company, supplier, accountant, make_order, make_document) -> None:
    order = make_order(company, supplier)
    receipt = services.receive_goods(order, {1: "3"}, accountant)
    assert receipt.lines.get().quantity == Decimal("3")
    assert PurchaseOrderLine.objects.get(order=order).quantity_received == Decimal("3")
    doc = make_document(company, supplier, [("A-100", "Kontorstol", "4", "1500.00")])
    match = services.match_document(doc)
    assert match.mode == "three_way" and match.outcome == "deviation" and not match.within_tolerance
    (dev,) = match.deviations
    assert dev["rule"] == "quantity_over_receipt" and dev["expected"] == "3.0000" and dev["difference"] == "1.0000"
    # a deviating invoice is not counted until it is approved all the same
    assert not InvoicedQuantity.objects.filter(document=doc).exists()
    assert services.record_invoiced(doc, accountant) == 1
    assert PurchaseOrderLine.objects.get(order=order).quantity_invoiced == Decimal("4")


def test_receive_goods_refuses_unknown_lines_and_nothing(company, supplier, accountant, make_order) -> None:
    order = make_order(company, supplier)
    with pytest.raises(PurchasingError) as err:
        services.receive_goods(order, {7: "1"}, accountant)
    assert err.value.code == "FF-PO-UNKNOWN-LINE"
    with pytest.raises(PurchasingError) as err:
        services.receive_goods(order, {1: "0"}, accountant)
    assert err.value.code == "FF-PO-NOTHING-RECEIVED"


def test_unmatched_line(company, supplier, make_order, make_document) -> None:
    make_order(company, supplier)
    match = services.match_document(
        make_document(company, supplier, [("A-100", "Kontorstol", "4", "1500.00"), ("", "Frakt", "1", "390.00")])
    )
    assert [x["outcome"] for x in match.lines] == ["matched", "unmatched"]
    assert match.outcome == "unmatched" and not match.within_tolerance


def test_partial_invoicing_over_two_invoices(company, supplier, make_order, make_document) -> None:
    order = make_order(company, supplier)
    first = services.match_document(make_document(company, supplier, [("A-100", "Kontorstol", "3", "1500.00")]))
    assert first.within_tolerance
    assert PurchaseOrderLine.objects.get(order=order).remaining == Decimal("1")
    second_doc = make_document(company, supplier, [("A-100", "Kontorstol", "1", "1500.00")])
    second = services.match_document(second_doc)
    assert second.outcome == "matched" and second.lines[0]["open_quantity"] == "1.0000"
    assert PurchaseOrderLine.objects.get(order=order).quantity_invoiced == Decimal("4")
    # a third invoice for one more is over the order
    third = services.match_document(make_document(company, supplier, [("A-100", "Kontorstol", "1", "1500.00")]))
    assert third.outcome == "deviation" and third.deviations[0]["rule"] == "quantity_over_order"
    # a credit note for one reduces what is invoiced, and the third then fits
    credit = make_document(company, supplier, [("A-100", "Kontorstol", "1", "1500.00")], is_credit_note=True)
    assert services.match_document(credit).within_tolerance
    assert PurchaseOrderLine.objects.get(order=order).quantity_invoiced == Decimal("3")


def test_total_deviation(company, supplier, make_order, make_document) -> None:
    make_order(
        company,
        supplier,
        lines=[line(n, f"X{n}", f"Vare {n}", "1", "1000.00") for n in (1, 2, 3)],
    )
    doc = make_document(company, supplier, [(f"X{n}", f"Vare {n}", "1", "1040.00") for n in (1, 2, 3)])
    match = services.match_document(doc)
    assert {x["outcome"] for x in match.lines} == {"within_tolerance"}
    assert match.outcome == "deviation" and match.deviations[-1]["rule"] == "total"
    assert match.total["difference"] == "120.00"


def test_supplier_tolerance_overrides_the_company_default(company, supplier, accountant, make_order, make_document):
    make_order(company, supplier)
    services.set_tolerance(company, accountant, price_pct="10", total_pct="10")
    assert services.match_document(
        make_document(company, supplier, [("A-100", "Stol", "4", "1600.00")])
    ).within_tolerance
    services.set_tolerance(company, accountant, supplier, price_pct="0", price_abs="0", total_pct="0", total_abs="0")
    make_order(company, supplier, "PO-2")
    doc = make_document(company, supplier, [("A-100", "Stol", "4", "1510.00")], order_reference="PO-2")
    strict = services.match_document(doc)
    assert strict.outcome == "deviation" and strict.deviations[0]["rule"] == "price"
    with pytest.raises(PurchasingError):
        services.set_tolerance(company, accountant, price_pct="-1")
