"""Helpers of the SAF-T export tests: the 1.30 schema, parsing an export, a small set of books."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from fakturaflyt.core.saft import NAMESPACE
from tests.conftest import CORPUS

NS = {"s": NAMESPACE}
XSD = CORPUS / "saft" / "xsd" / "Norwegian_SAF-T_Financial_Schema_v_1.30.xsd"
_schema: list[etree.XMLSchema] = []


def schema() -> etree.XMLSchema:
    """The official 1.30 schema (skips the test without the corpus)."""
    if not XSD.is_file():
        pytest.skip(f"SAF-T corpus not found at {XSD}")
    if not _schema:
        _schema.append(etree.XMLSchema(etree.parse(str(XSD))))
    return _schema[0]


def assert_valid(data: bytes | Path) -> etree._Element:
    doc = etree.parse(str(data)) if isinstance(data, Path) else etree.parse(io.BytesIO(data))
    s = schema()
    assert s.validate(doc), s.error_log
    return doc.getroot()


def money(el: etree._Element, side_path: str) -> Decimal:
    """Signed balance of ``<Opening|Closing>(Debit|Credit)Balance`` under ``el`` (debit positive)."""
    d = el.findtext(f"s:{side_path.format('Debit')}", namespaces=NS)
    c = el.findtext(f"s:{side_path.format('Credit')}", namespaces=NS)
    return Decimal(d) if d is not None else -Decimal(c)


def small_books(company: Any, post: Any) -> dict[str, Any]:
    """Vouchers in 2025 and 2026 with a customer and a supplier: a result carried into 2026, VAT, dimensions."""
    from fakturaflyt.core.ledger import VoucherLine as L
    from fakturaflyt.ledger.models import Department, Project
    from fakturaflyt.payables.models import Supplier
    from fakturaflyt.receivables.models import Customer

    D = Decimal
    Department.objects.create(company=company, code="100", name="Administrasjon")
    Project.objects.create(company=company, code="P1", name="Showroom")
    supplier = Supplier.objects.create(company=company, number=7, name="Vestland Eiendom AS", orgnr="933123456")
    customer = Customer.objects.create(company=company, number=10001, name="Solvik kommune", orgnr="922334455")
    post(company, [L("1920", debit=D("50000")), L("2000", credit=D("50000"))], on=date(2025, 6, 1), text="Kapital")
    post(
        company,
        [
            L("1500", debit=D("12500"), customer_id=customer.pk),
            L("3000", credit=D("10000"), vat_code="3"),
            L("2700", credit=D("2500"), vat_code="3"),
        ],
        on=date(2025, 11, 3),
        series="AR",
        text="Faktura 1",
    )
    post(
        company,
        [
            L("6300", debit=D("8000"), vat_code="1", vat_base=D("8000"), department="100", project="P1"),
            L("2710", debit=D("2000"), vat_code="1"),
            L("2400", credit=D("10000"), supplier_id=supplier.pk),
        ],
        on=date(2026, 1, 10),
        series="AP",
        text="Husleie januar",
    )
    post(
        company,
        [L("1920", debit=D("12500")), L("1500", credit=D("12500"), customer_id=customer.pk)],
        on=date(2026, 2, 5),
        series="BANK",
        text="Innbetaling faktura 1",
    )
    post(
        company,
        [L("2400", debit=D("10000"), supplier_id=supplier.pk), L("1920", credit=D("10000"))],
        on=date(2026, 4, 20),
        series="BANK",
        text="Betaling husleie",
    )
    return {"customer": customer, "supplier": supplier}
