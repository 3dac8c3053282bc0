"""Purchase orders by CSV: the documented layout, every error with line and column, all or nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fakturaflyt.purchasing import services
from fakturaflyt.purchasing.error_codes import PurchasingError
from fakturaflyt.purchasing.models import PurchaseOrder

pytestmark = pytest.mark.django_db

HEADER = "order_number;supplier_orgnr;order_date;requester_email;line_no;item_id;description;quantity;unit;unit_price;account;vat_code;department;project\n"


def test_import_orders(company, supplier, requester, dimensions, accountant) -> None:
    data = (
        "\ufeff"
        + HEADER
        + "PO-1001;987654325;2026-03-01;kari@testfirma.test;1;A-100;Kontorstol Ergo;4;EA;1500.00;6540;1;200;\n"
        + "PO-1001;987654325;2026-03-01;kari@testfirma.test;2;;Montering;2;HUR;650,00;6540;1;200;P1\n"
        + "PO-1002;987654325;02.03.2026;;1;B-1;Papir;10;;49,90;;;;\n"
    ).encode()
    orders = services.import_orders_csv(company, data, accountant)
    assert [o.number for o in orders] == ["PO-1001", "PO-1002"]
    first = PurchaseOrder.objects.get(company=company, number="PO-1001")
    assert first.requested_by == requester and first.supplier == supplier
    lines = list(first.lines.order_by("line_no"))
    assert [(x.unit, x.unit_price, x.project) for x in lines] == [
        ("EA", Decimal("1500.0000"), ""),
        ("HUR", Decimal("650.0000"), "P1"),
    ]
    assert PurchaseOrder.objects.get(number="PO-1002").lines.get().unit == "EA"


def test_comma_separated_works_too(company, supplier, accountant) -> None:
    data = HEADER.replace(";", ",") + "PO-7,987654325,2026-03-01,,1,A,Stol,1,EA,100,6540,1,,\n"
    assert len(services.import_orders_csv(company, data, accountant)) == 1


def test_errors_name_line_and_column_and_nothing_is_saved(company, supplier, dimensions, accountant) -> None:
    data = (
        HEADER
        + "PO-1;987654325;2026-03-01;;1;A;Stol;2;EA;100;6540;1;;\n"  # fine
        + "PO-1;987654325;2026-03-05;;2;B;Bord;x;EA;100;6540;1;;\n"  # another date, bad quantity
        + "PO-2;111111111;2026-13-01;nobody@x.test;1;C;Lampe;1;EA;100;9999;3;999;\n"
    )
    with pytest.raises(PurchasingError) as err:
        services.import_orders_csv(company, data, accountant)
    found = {(p.code, p.location) for p in err.value.problems}
    assert ("FF-PO-INCONSISTENT-ORDER", "line 3, column order_date") in found
    assert ("FF-PO-BAD-QUANTITY", "line 3, column quantity") in found
    assert ("FF-PO-UNKNOWN-SUPPLIER", "line 4, column supplier_orgnr") in found
    assert ("FF-PO-BAD-DATE", "line 4, column order_date") in found
    assert ("FF-PO-UNKNOWN-REQUESTER", "line 4, column requester_email") in found
    assert ("FF-PO-BAD-CODING", "line 4, column account") in found
    assert not any(p.location == "(reported)" for p in err.value.problems)
    assert not PurchaseOrder.objects.filter(company=company).exists()  # all or nothing


def test_bad_header_and_duplicate_order(company, supplier, make_order, accountant) -> None:
    with pytest.raises(PurchasingError) as err:
        services.import_orders_csv(company, "order_number;supplier;qty\nPO;1;2\n", accountant)
    messages = [p.message for p in err.value.problems]
    assert any("Unknown column 'supplier'" in m for m in messages)
    assert any("'description' is missing" in m for m in messages)
    make_order(company, supplier, "PO-1")
    with pytest.raises(PurchasingError) as err:
        services.import_orders_csv(company, HEADER + "PO-1;987654325;2026-03-01;;1;A;Stol;1;EA;100;;;;\n", accountant)
    assert {(p.code, p.location) for p in err.value.problems} == {
        ("FF-PO-DUPLICATE-NUMBER", "line 2, column order_number")
    }
