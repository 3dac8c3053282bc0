"""The 2/3-way matching rules: each outcome, pairing by item number, reference and text, tolerances, totals."""

from __future__ import annotations

from decimal import Decimal as D

from fakturaflyt.core.matching.purchase import (
    InvoiceLine,
    OrderLine,
    Tolerance,
    match_invoice,
    pair_lines,
    text_similarity,
)

CHAIR = OrderLine(1, "A-100", "Kontorstol Ergo sort", D("4"), D("0"), D("0"), D("1500.00"))
DESK = OrderLine(2, "B-200", "Skrivebord hev/senk 160x80", D("2"), D("0"), D("0"), D("4990.00"))


def inv(index: int, item: str, text: str, qty: str | None, price: str | None, net: str, **kw: str) -> InvoiceLine:
    return InvoiceLine(
        index, item, text, None if qty is None else D(qty), None if price is None else D(price), D(net), **kw
    )


def test_exact_match() -> None:
    result = match_invoice(
        [inv(1, "A-100", "Kontorstol", "4", "1500", "6000"), inv(2, "B-200", "Skrivebord", "2", "4990", "9980")],
        [CHAIR, DESK],
        Tolerance(),
        three_way=False,
    )
    assert result.outcome == "matched" and result.within_tolerance and result.mode == "two_way"
    assert [(x.invoice_index, x.order_line_no, x.paired_by) for x in result.lines] == [
        (1, 1, "item_id"),
        (2, 2, "item_id"),
    ]
    assert result.total.expected == D("15980.00") and result.total.difference == 0 and result.deviations == ()


def test_price_within_tolerance_is_noted_not_stopped() -> None:
    result = match_invoice([inv(1, "A-100", "Kontorstol", "4", "1520", "6080")], [CHAIR], Tolerance(), three_way=False)
    line = result.lines[0]
    assert line.outcome == "within_tolerance" and result.outcome == "within_tolerance" and result.within_tolerance
    (diff,) = line.differences
    assert (diff.rule, diff.expected, diff.actual, diff.difference, diff.percent) == (
        "price",
        D("1500.00"),
        D("1520"),
        D("20.00"),
        D("1.33"),
    )


def test_price_beyond_tolerance_is_a_deviation_with_rule_and_size() -> None:
    result = match_invoice([inv(1, "A-100", "Kontorstol", "4", "1600", "6400")], [CHAIR], Tolerance(), three_way=False)
    assert result.outcome == "deviation" and not result.within_tolerance
    (dev,) = result.lines[0].deviations
    assert dev.rule == "price" and dev.difference == D("100.00") and dev.percent == D("6.67")
    assert [d.rule for d in result.deviations] == ["price", "total"]


def test_absolute_price_limit_lets_a_cheap_item_pass() -> None:
    pen = OrderLine(1, "P", "Penn", D("10"), D("0"), D("0"), D("10.00"))
    # 20 % dearer but 2 kr per unit: within "2 % or 50 kr"
    result = match_invoice([inv(1, "P", "Penn", "10", "12", "120")], [pen], Tolerance(), three_way=False)
    assert result.lines[0].outcome == "within_tolerance"


def test_quantity_over_receipt_in_three_way() -> None:
    received = OrderLine(1, "A-100", "Kontorstol", D("4"), D("3"), D("0"), D("1500.00"))
    invoice = [inv(1, "A-100", "Kontorstol", "4", "1500", "6000")]
    two = match_invoice(invoice, [received], Tolerance(), three_way=False)
    three = match_invoice(invoice, [received], Tolerance(), three_way=True)
    assert two.outcome == "matched"  # four were ordered
    assert three.outcome == "deviation" and three.mode == "three_way"
    (dev,) = three.lines[0].deviations
    assert (dev.rule, dev.expected, dev.actual, dev.difference) == ("quantity_over_receipt", D("3"), D("4"), D("1"))


def test_quantity_over_order_in_two_way() -> None:
    result = match_invoice([inv(1, "A-100", "Kontorstol", "5", "1500", "7500")], [CHAIR], Tolerance(), three_way=False)
    assert result.lines[0].deviations[0].rule == "quantity_over_order"
    lenient = Tolerance(quantity_pct=D("25"), total_pct=D("30"))
    assert match_invoice(
        [inv(1, "A-100", "Kontorstol", "5", "1500", "7500")], [CHAIR], lenient, three_way=False
    ).within_tolerance


def test_unmatched_line() -> None:
    result = match_invoice(
        [inv(1, "A-100", "Kontorstol", "4", "1500", "6000"), inv(2, "", "Frakt", "1", "350", "350")],
        [CHAIR],
        Tolerance(),
        three_way=False,
    )
    assert [x.outcome for x in result.lines] == ["matched", "unmatched"]
    assert result.outcome == "unmatched" and not result.within_tolerance
    assert result.lines[1].order_line_no is None


def test_partial_invoicing_checks_the_open_quantity() -> None:
    # the first invoice took 3 of 4: the second may take 1, not 2
    after_first = OrderLine(1, "A-100", "Kontorstol", D("4"), D("0"), D("3"), D("1500.00"))
    ok = match_invoice(
        [inv(1, "A-100", "Kontorstol", "1", "1500", "1500")], [after_first], Tolerance(), three_way=False
    )
    over = match_invoice(
        [inv(1, "A-100", "Kontorstol", "2", "1500", "3000")], [after_first], Tolerance(), three_way=False
    )
    assert ok.outcome == "matched" and ok.lines[0].open_quantity == D("1")
    assert over.lines[0].deviations[0].rule == "quantity_over_order"
    assert over.lines[0].deviations[0].expected == D("1")


def test_total_deviation_when_lines_pass_but_add_up() -> None:
    # every line 40 kr dearer (within 50 kr) but together 120 kr over on 3,000 kr (over 1 % and 100 kr)
    orders = [OrderLine(n, f"X{n}", f"Vare {n}", D("1"), D("0"), D("0"), D("1000.00")) for n in (1, 2, 3)]
    lines = [inv(n, f"X{n}", f"Vare {n}", "1", "1040", "1040") for n in (1, 2, 3)]
    result = match_invoice(lines, orders, Tolerance(), three_way=False)
    assert {x.outcome for x in result.lines} == {"within_tolerance"}
    assert result.outcome == "deviation" and not result.within_tolerance and not result.total_within
    assert result.deviations[-1].rule == "total" and result.total.difference == D("120.00")


def test_invoice_level_charges_count_in_the_total() -> None:
    result = match_invoice(
        [inv(1, "A-100", "Kontorstol", "4", "1500", "6000")], [CHAIR], Tolerance(), three_way=False, net_total=D("6500")
    )
    assert result.lines[0].outcome == "matched" and not result.total_within and result.total.actual == D("6500")


def test_pairing_by_order_line_reference_and_by_text() -> None:
    orders = [
        OrderLine(1, "", "Kopipapir A4 80 g, 5 pakker", D("10"), D("0"), D("0"), D("49.90")),
        OrderLine(2, "", "Toner HP 305A sort", D("2"), D("0"), D("0"), D("899.00")),
        OrderLine(3, "", "Montering", D("2"), D("0"), D("0"), D("650.00")),
    ]
    lines = [
        inv(1, "", "HP 305A sort toner", "2", "899", "1798"),
        inv(2, "", "Arbeid", "2", "650", "1300", order_line_ref="3"),
        inv(3, "", "Papir A4 80g", "10", "49.90", "499"),
    ]
    pairs = pair_lines(lines, orders)
    assert {k: v[:2] for k, v in pairs.items()} == {1: (2, "text"), 2: (3, "order_line_ref"), 3: (1, "text")}
    assert match_invoice(lines, orders, Tolerance(), three_way=False).outcome == "matched"


def test_pairing_is_one_to_one_best_first() -> None:
    orders = [OrderLine(1, "", "Kontorstol Ergo", D("1"), D("0"), D("0"), D("1500"))]
    lines = [inv(1, "", "Kontorstol", "1", "1500", "1500"), inv(2, "", "Kontorstol Ergo", "1", "1500", "1500")]
    result = match_invoice(lines, orders, Tolerance(), three_way=False)
    assert [x.outcome for x in result.lines] == ["unmatched", "matched"]


def test_buyer_item_number_pairs_too() -> None:
    result = match_invoice(
        [inv(1, "SELLER-9", "Stol", "4", "1500", "6000", buyer_item_id="a-100")], [CHAIR], Tolerance(), three_way=False
    )
    assert result.lines[0].paired_by == "item_id" and result.outcome == "matched"


def test_amount_only_line_invoices_what_is_open() -> None:
    result = match_invoice(
        [inv(1, "", "Kontorstol Ergo sort", None, None, "6000")], [CHAIR], Tolerance(), three_way=False
    )
    assert result.outcome == "matched" and result.lines[0].quantity == D("4")


def test_credit_note_lines_never_exceed_the_open_quantity() -> None:
    invoiced = OrderLine(1, "A-100", "Kontorstol", D("4"), D("0"), D("4"), D("1500.00"))
    result = match_invoice(
        [inv(1, "A-100", "Kontorstol", "-1", "1500", "-1500")], [invoiced], Tolerance(), three_way=False
    )
    assert result.outcome == "matched" and result.total.expected == D("-1500.00")


def test_a_supplier_tolerance_can_be_stricter() -> None:
    strict = Tolerance(price_pct=D("0"), price_abs=D("0"))
    line = [inv(1, "A-100", "Kontorstol", "4", "1510", "6040")]
    assert match_invoice(line, [CHAIR], Tolerance(), three_way=False).within_tolerance
    assert match_invoice(line, [CHAIR], strict, three_way=False).outcome == "deviation"


def test_text_similarity_is_normalised() -> None:
    assert text_similarity("KONTORSTOL «Ergo»", "kontorstol ergo") == 1.0
    assert text_similarity("Blåbær", "blabaer") < 1.0  # æøå are letters of their own


def test_result_as_json_has_strings_for_amounts() -> None:
    data = match_invoice(
        [inv(1, "A-100", "Kontorstol", "4", "1600", "6400")], [CHAIR], Tolerance(), three_way=False
    ).to_json()
    assert data["outcome"] == "deviation" and data["lines"][0]["deviations"][0]["difference"] == "100.00"
    assert data["total"]["expected"] == "6000.00"
