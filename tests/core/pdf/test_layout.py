"""Learnt supplier layouts: a correction on one invoice makes the supplier's next invoice come out right."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.pdf.extract import extract_invoice
from fakturaflyt.core.pdf.layout import SupplierLayout, apply_layout, learn

from .invoices import make_invoice
from .pdfmaker import make_pdf


def _supplier_invoice(serial: str, total: str, order: str) -> bytes:
    """A supplier whose invoice number stands after a label no lexicon knows ("Løpenr.")."""
    return make_pdf(
        [
            [
                (50, 40, "Acme Verktøy AS", 18),
                (50, 64, "Org.nr 987 654 325 MVA", 9),
                (380, 40, "FAKTURA", 20),
                (340, 110, f"Løpenr. {serial}", 10),
                (340, 124, "Dato: 03.02.2026", 10),
                (340, 138, f"Ordre: {order}", 10),
                (50, 300, "Sum å betale", 10),
                (480, 300, total, 10),
            ]
        ]
    )


def test_correction_is_learnt_for_the_next_invoice() -> None:
    # given an invoice whose number extraction cannot find
    first = extract_invoice(_supplier_invoice("A-4711", "1 250,00", "5555"))
    assert first.value("invoice_number") != "A-4711"
    # when the accountant corrects it
    layout = learn(None, first, "invoice_number", "A-4711")
    # then the next invoice of the supplier, with other values, comes out right
    second = extract_invoice(_supplier_invoice("A-4899", "990,00", "6001"), layout=layout)
    field = second.fields["invoice_number"]
    assert field.value == "A-4899"
    assert field.source == "layout" and field.confidence >= 0.9
    assert second.value("total") == Decimal("990.00")


def test_wrong_value_corrected_to_another_on_the_page() -> None:
    # simulate a wrong extraction: the accountant says the invoice number is the value printed as "customer number"
    a, b = make_invoice("no", 0, 1), make_invoice("no", 0, 2)
    x_a = extract_invoice(a.pdf)
    customer_a = next(w.text for w in x_a.words if w.text.isdigit() and len(w.text) == 4 and w.y0 > 170)
    layout = learn(None, x_a, "invoice_number", customer_a)
    assert layout.spot("invoice_number") is not None and "kundenr" in layout.spot("invoice_number").label
    x_b = apply_layout(extract_invoice(b.pdf), layout)
    customer_b = next(w.text for w in x_b.words if w.text.isdigit() and len(w.text) == 4 and w.y0 > 170)
    assert x_b.value("invoice_number") == customer_b != b.truth["invoice_number"]
    # the other fields are untouched
    assert x_b.value("total") == Decimal(b.truth["total"])


def test_amount_and_date_corrections_compare_by_value() -> None:
    a, b = make_invoice("de", 1, 1), make_invoice("de", 1, 5)
    x_a = extract_invoice(a.pdf)
    # "1.234,56" on the page is found from "1234.56"; a date from its ISO form
    layout = learn(None, x_a, "total", a.truth["net_total"])
    layout = learn(layout, x_a, "due_date", a.truth["issue_date"])
    x_b = apply_layout(extract_invoice(b.pdf), layout)
    assert x_b.value("total") == Decimal(b.truth["net_total"])
    assert x_b.value("due_date") == date.fromisoformat(b.truth["issue_date"])
    assert any(p.code == "FF-PDF-SUMS" for p in x_b.problems)  # net + VAT no longer equals the "total"


def test_later_correction_of_a_field_replaces_the_earlier() -> None:
    a = make_invoice("en", 0, 1)
    x = extract_invoice(a.pdf)
    layout = learn(None, x, "order_reference", a.truth["invoice_number"])
    layout = learn(layout, x, "order_reference", a.truth["order_reference"])
    assert [s.field for s in layout.spots] == ["order_reference"]
    assert apply_layout(x, layout).value("order_reference") == a.truth["order_reference"]


def test_layout_is_json() -> None:
    a = make_invoice("fr", 2, 1)
    x = extract_invoice(a.pdf)
    layout = learn(learn(None, x, "invoice_number", a.truth["invoice_number"]), x, "total", a.truth["total"])
    stored = json.loads(json.dumps(layout.to_dict()))
    assert SupplierLayout.from_dict(stored) == layout
    with pytest.raises(FormatError) as exc:
        SupplierLayout.from_dict({"version": 1, "spots": [{"field": "total"}]})
    assert exc.value.code == "FF-LAYOUT-FORMAT"


def test_value_not_on_the_document_cannot_be_learnt() -> None:
    x = extract_invoice(make_invoice("no", 0, 1).pdf)
    with pytest.raises(FormatError) as exc:
        learn(None, x, "invoice_number", "NOT-THERE-42")
    assert exc.value.code == "FF-LAYOUT-NOT-FOUND"
    with pytest.raises(FormatError) as exc:
        learn(None, x, "total", "abc")
    assert exc.value.code == "FF-LAYOUT-VALUE"
    with pytest.raises(FormatError):
        learn(None, x, "colour", "red")


def test_position_is_used_when_the_label_is_gone() -> None:
    a = make_invoice("nl", 0, 1)
    x = extract_invoice(a.pdf)
    layout = learn(None, x, "supplier_name", a.truth["supplier_name"])
    spot = layout.spot("supplier_name")
    assert spot is not None and spot.page == 1 and 0 < spot.box[0] < spot.box[2] < 1
    again = apply_layout(x, layout)
    assert again.value("supplier_name") == a.truth["supplier_name"]
    assert again.fields["supplier_name"].source == "layout"
