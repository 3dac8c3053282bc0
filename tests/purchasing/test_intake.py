"""An EHF invoice from the corpus, received the ordinary way, matched with its purchase order and coded from it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fakturaflyt.coding.models import CodingLine, LineState
from fakturaflyt.payables.models import DocumentState
from fakturaflyt.purchasing.models import InvoicedQuantity, PurchaseOrderLine
from tests.payables.factories import norwegian_ehf
from tests.purchasing.conftest import line

pytestmark = pytest.mark.django_db


def _order_for_the_corpus_invoice(company, supplier, requester, make_order):
    """The order the Norwegian EHF example (OrderReference 123) was invoiced on: its five items."""
    return make_order(
        company,
        supplier,
        "123",
        lines=[
            line(1, "JB007", "Laptop computer", "1", "1273", account="6551", department="200"),
            line(2, "JB010", "IBM 5150 desktop", "1", "25", account="6551"),
            line(3, "JB009", "Computing for dummies book", "2", "2.48", account="6860", vat_code="11"),
            line(4, "JB011", "Network cable Cat5", "300", "0.75", account="6540", project="P1"),
            line(5, "JB008", "Advanced computing book", "1", "3.96", account="6860", vat_code="11"),
        ],
        requested_by=requester,
    )


def test_corpus_ehf_is_matched_and_coded_from_its_order(
    company, supplier, requester, dimensions, make_order, receive_now, corpus
) -> None:
    order = _order_for_the_corpus_invoice(company, supplier, requester, make_order)
    (doc,) = receive_now(company, norwegian_ehf(corpus))
    assert doc.order_reference == "123" and doc.supplier == supplier
    match = doc.po_match
    assert match.order == order and match.mode == "two_way"
    assert match.outcome == "matched" and match.within_tolerance, match.deviations
    assert [(x["invoice_index"], x["order_line_no"], x["paired_by"]) for x in match.lines] == [
        (1, 1, "item_id"),
        (2, 5, "item_id"),
        (3, 3, "item_id"),
        (4, 2, "item_id"),
        (5, 4, "item_id"),
    ]
    # the requester comes from the order (and may not approve it)
    assert doc.requested_by == requester
    # every coding line is coded from its order line, and the document is coded
    lines = list(CodingLine.objects.filter(document=doc).order_by("line_no"))
    assert len(lines) == 5 and all(x.state in (LineState.CONFIRMED, LineState.CORRECTED) for x in lines)
    assert [(x.account, x.vat_code, x.department, x.project) for x in lines] == [
        ("6551", "1", "200", ""),
        ("6860", "11", "", ""),
        ("6860", "11", "", ""),
        ("6551", "1", "", ""),
        ("6540", "1", "", "P1"),
    ]
    assert doc.state == DocumentState.CODED
    # what was invoiced is counted: 250 of 300 metres of cable, one laptop, a returned desktop
    counted = {q.order_line.line_no: q.quantity for q in InvoicedQuantity.objects.filter(document=doc)}
    assert counted[4] == Decimal("250") and counted[1] == Decimal("1") and counted[2] == Decimal("-1")
    assert PurchaseOrderLine.objects.get(order=order, line_no=4).remaining == Decimal("50")


def test_a_deviating_invoice_is_left_to_the_coding_queue(
    company, supplier, requester, dimensions, make_order, receive_now, corpus
) -> None:
    make_order(
        company, supplier, "123", lines=[line(1, "JB007", "Laptop computer", "1", "999")], requested_by=requester
    )
    (doc,) = receive_now(company, norwegian_ehf(corpus))
    assert doc.po_match.outcome == "unmatched" and not doc.po_match.within_tolerance
    assert CodingLine.objects.filter(document=doc, state=LineState.QUEUED).count() == 5
    assert doc.state == DocumentState.READY_FOR_CODING


def test_a_failing_purchasing_step_does_not_break_intake_or_coding(
    company, supplier, make_order, receive_now, corpus, monkeypatch, caplog
) -> None:
    from fakturaflyt.purchasing import services

    def broken(document):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "match_document", broken)
    (doc,) = receive_now(company, norwegian_ehf(corpus))
    assert doc.state == DocumentState.READY_FOR_CODING
    assert CodingLine.objects.filter(document=doc).count() == 5
    assert "matching supplier document" in caplog.text
