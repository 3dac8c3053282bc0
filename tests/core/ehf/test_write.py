"""Writing UBL 2.1 (write.py): XSD-valid, official-rule-valid, and every term where Peppol BIS 3 puts it."""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

from fakturaflyt.core.ehf.calc import TO_COMPUTE, allowance, charge, complete, invoice_line, norwegian_party
from fakturaflyt.core.ehf.model import (
    Address,
    Attachment,
    Contact,
    Delivery,
    Identifier,
    Invoice,
    Item,
    ItemAttribute,
    Payee,
    PaymentMeans,
    Period,
    PrecedingInvoice,
    Price,
    VatBreakdown,
)
from fakturaflyt.core.ehf.write import NS_CAC, NS_CBC, write_invoice
from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.identifiers import make_kid

D = Decimal
NS = {"cac": NS_CAC, "cbc": NS_CBC}
PDF = b"%PDF-1.4\n% Faktura 2026-0042\n%%EOF\n"

SELLER = norwegian_party(
    "923609016",
    "Fjordkontoret AS",
    Address("NO", street="Storgata 1", additional_street="3. etasje", city="Oslo", postal_zone="0155"),
    trading_name="Fjordkontoret",
    contact=Contact("Ola Nordmann", "+47 22 00 00 00", "faktura@fjordkontoret.no"),
)
BUYER = norwegian_party(
    "974760673",
    "Bergen kommune",
    Address("NO", address_line="Postboks 7700", city="Bergen", postal_zone="5020"),
    foretaksregisteret=False,
    contact=Contact(email="faktura@bergen.kommune.no"),
)


def full_invoice() -> Invoice:
    """A Norwegian invoice using (nearly) every term the model has."""
    lines = (
        invoice_line(
            "1",
            Item(
                "Konsulenttimer",
                "S",
                D("25"),
                description="Rådgivning, mars",
                sellers_id="KONS-1",
                buyers_id="B-77",
                standard_id=Identifier("7038010055720", "0160"),
                classifications=(Identifier("80101500", "STI", "19.0501"), Identifier("12344321", "MP")),
                origin_country="NO",
                attributes=(ItemAttribute("Konsulent", "Kari"),),
            ),
            D("7.5"),
            Price(D("1200"), base_quantity=D("1"), base_quantity_unit="HUR", gross_amount=D("1300"), discount=D("100")),
            unit_code="HUR",
            allowances_charges=(
                allowance(percent=D("5"), base_amount=D("9000.00"), reason="Rammeavtalerabatt", reason_code="95"),
                charge(D("150.00"), reason="Reise", reason_code="FC"),
            ),
            note="Se timeliste",
            object_id=Identifier("SAK-2026-17", "AAB"),
            order_line_ref="3",
            accounting_cost="6700",
            period=Period(date(2026, 3, 1), date(2026, 3, 15)),
        ),
        invoice_line("2", Item("Lunsj", "S", D("15")), D("4"), D("89.90")),
        invoice_line("3", Item("Hotell", "S", D("12")), D("2"), D("1234.00"), unit_code="DAY"),
        invoice_line("4", Item("Legeerklæring", "E", D("0")), D("1"), D("750")),
    )
    draft = Invoice(
        kind="Invoice",
        id="2026-0042",
        issue_date=date(2026, 3, 31),
        type_code="380",
        currency="NOK",
        seller=SELLER,
        buyer=BUYER,
        totals=TO_COMPUTE,
        lines=lines,
        due_date=date(2026, 4, 14),
        notes=("Takk for oppdraget",),
        tax_point_date=date(2026, 3, 31),
        accounting_cost="Prosjekt 17",
        buyer_reference="Kari Nordmann",
        period=Period(date(2026, 3, 1), date(2026, 3, 31)),
        order_reference="PO-9001",
        sales_order_reference="SO-12",
        preceding_invoices=(PrecedingInvoice("2026-0007", date(2026, 2, 28)),),
        despatch_reference="DESP-1",
        receipt_reference="REC-1",
        originator_reference="ANBUD-2025-3",
        contract_reference="RAMMEAVTALE-2024",
        invoiced_object=Identifier("MÅLER-77", "AAB"),
        project_reference="PRJ-17",
        attachments=(
            Attachment(
                "2026-0042.pdf", "Fakturaen som PDF", content=PDF, mime_code="application/pdf", filename="2026-0042.pdf"
            ),
            Attachment("TIMELISTE", "Timeliste", uri="https://fjordkontoret.no/timer/42"),
        ),
        payee=Payee("Factoring AS", Identifier("987654325", "0192"), Identifier("987654325", "0192")),
        delivery=Delivery(
            date(2026, 3, 15),
            Identifier("974760673", "0192"),
            Address("NO", street="Rådhusgaten 10", city="Bergen", postal_zone="5014"),
            "Bergen rådhus",
        ),
        payment_means=(
            PaymentMeans(
                "30", "Kredittoverføring", make_kid("20260042", "mod10"), "15032080119", "Fjordkontoret AS", "DNBANOKK"
            ),
        ),
        payment_terms="14 dager netto",
        allowances_charges=(
            allowance(D("200.00"), reason="Kunderabatt", reason_code="95", vat_category="S", vat_rate=D("25")),
            charge(D("99.00"), reason="Fakturagebyr", reason_code="ABL", vat_category="S", vat_rate=D("25")),
        ),
        vat_breakdown=(VatBreakdown("E", D("0"), D("0"), D("0"), "Unntatt etter merverdiavgiftsloven § 3-2"),),
    )
    return complete(draft, prepaid=D("1000.00"), round_payable_to=D("1"))


def parse(xml: bytes) -> etree._Element:
    return etree.fromstring(xml)


def test_full_invoice_is_xsd_and_peppol_valid(
    xsd_errors: Callable[[bytes], list[str]], official_fatal: Callable[[bytes], list[str]]
) -> None:
    xml = write_invoice(full_invoice())
    assert xsd_errors(xml) == []
    assert official_fatal(xml) == []


def test_full_credit_note_is_xsd_and_peppol_valid(
    xsd_errors: Callable[[bytes], list[str]], official_fatal: Callable[[bytes], list[str]]
) -> None:
    cn = dataclasses.replace(full_invoice(), kind="CreditNote", type_code="381")
    xml = write_invoice(cn)
    assert xsd_errors(xml) == []
    assert official_fatal(xml) == []
    root = parse(xml)
    assert etree.QName(root).localname == "CreditNote"
    # BT-9 on a credit note: the first PaymentMeans/PaymentDueDate (there is no cbc:DueDate)
    assert root.find("cbc:DueDate", NS) is None
    assert root.findtext("cac:PaymentMeans/cbc:PaymentDueDate", namespaces=NS) == "2026-04-14"
    # BT-11 on a credit note: AdditionalDocumentReference with DocumentTypeCode 50
    assert root.find("cac:ProjectReference", NS) is None
    assert root.xpath("cac:AdditionalDocumentReference[cbc:DocumentTypeCode='50']/cbc:ID/text()", namespaces=NS) == [
        "PRJ-17"
    ]
    assert root.findtext("cac:CreditNoteLine/cbc:CreditedQuantity", namespaces=NS) == "7.5"


def test_invoice_puts_terms_where_peppol_wants_them() -> None:
    inv = full_invoice()
    root = parse(write_invoice(inv))
    assert root.findtext("cbc:DueDate", namespaces=NS) == "2026-04-14"
    assert root.findtext("cac:ProjectReference/cbc:ID", namespaces=NS) == "PRJ-17"
    pm = root.find("cac:PaymentMeans", NS)
    assert pm is not None
    assert pm.findtext("cbc:PaymentID", namespaces=NS) == inv.kid
    assert pm.find("cbc:PaymentMeansCode", NS).get("name") == "Kredittoverføring"  # type: ignore[union-attr]
    assert pm.findtext("cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID", namespaces=NS) == "DNBANOKK"
    assert root.findtext("cac:PaymentTerms/cbc:Note", namespaces=NS) == "14 dager netto"
    seller = root.find("cac:AccountingSupplierParty/cac:Party", NS)
    assert seller is not None
    schemes = {
        ts.findtext("cac:TaxScheme/cbc:ID", namespaces=NS): ts.findtext("cbc:CompanyID", namespaces=NS)
        for ts in seller.findall("cac:PartyTaxScheme", NS)
    }
    assert schemes == {"VAT": "NO923609016MVA", "TAX": "Foretaksregisteret"}
    assert seller.find("cbc:EndpointID", NS).get("schemeID") == "0192"  # type: ignore[union-attr]
    obj = root.xpath("cac:AdditionalDocumentReference[cbc:DocumentTypeCode='130']/cbc:ID", namespaces=NS)
    assert [(e.text, e.get("schemeID")) for e in obj] == [("MÅLER-77", "AAB")]


def test_embedded_attachment_is_base64_with_mime_code_and_filename() -> None:
    root = parse(write_invoice(full_invoice()))
    obj = root.find("cac:AdditionalDocumentReference/cac:Attachment/cbc:EmbeddedDocumentBinaryObject", NS)
    assert obj is not None
    assert (obj.get("mimeCode"), obj.get("filename")) == ("application/pdf", "2026-0042.pdf")
    assert base64.b64decode(obj.text or "") == PDF
    uri = root.findtext("cac:AdditionalDocumentReference/cac:Attachment/cac:ExternalReference/cbc:URI", namespaces=NS)
    assert uri == "https://fjordkontoret.no/timer/42"


def test_every_amount_has_the_document_currency_and_every_quantity_a_unit() -> None:
    inv = dataclasses.replace(full_invoice(), currency="EUR", tax_currency="NOK", tax_total_in_tax_currency=D("99.99"))
    root = parse(write_invoice(inv))
    amounts = root.xpath(
        "//cbc:*[self::cbc:Amount or self::cbc:BaseAmount or self::cbc:PriceAmount or self::cbc:TaxAmount or "
        "self::cbc:TaxableAmount or contains(local-name(), 'Amount') and not(self::cbc:MultiplierFactorNumeric)]",
        namespaces=NS,
    )
    assert len(amounts) > 30
    currencies = [a.get("currencyID") for a in amounts]
    assert currencies.count("NOK") == 1  # BT-111 only
    assert set(currencies) == {"EUR", "NOK"}
    totals = root.findall("cac:TaxTotal", NS)
    assert [t.find("cac:TaxSubtotal", NS) is not None for t in totals] == [True, False]
    assert totals[1].findtext("cbc:TaxAmount", namespaces=NS) == "99.99"
    for q in root.xpath("//cbc:InvoicedQuantity | //cbc:BaseQuantity", namespaces=NS):
        assert q.get("unitCode")


def test_decimals_are_never_scientific() -> None:
    inv = full_invoice()
    line = dataclasses.replace(inv.lines[1], quantity=D("4E+0"), price=Price(D("8.99E+1")), net_amount=D("3.596E+2"))
    xml = write_invoice(dataclasses.replace(inv, lines=(line,), tax_total=D("1E+2")))
    assert b"E+" not in xml and b"e+" not in xml
    root = parse(xml)
    assert root.findtext("cac:InvoiceLine/cac:Price/cbc:PriceAmount", namespaces=NS) == "89.9"
    assert root.findtext("cac:InvoiceLine/cbc:LineExtensionAmount", namespaces=NS) == "359.6"
    assert root.findtext("cac:TaxTotal/cbc:TaxAmount", namespaces=NS) == "100"


def test_amounts_are_written_as_given() -> None:
    inv = full_invoice()
    xml = write_invoice(dataclasses.replace(inv, lines=(dataclasses.replace(inv.lines[1], net_amount=D("359.600")),)))
    assert b'<cbc:LineExtensionAmount currencyID="NOK">359.600</cbc:LineExtensionAmount>' in xml


def test_sales_order_only_gets_na_order_id() -> None:
    inv = dataclasses.replace(full_invoice(), order_reference=None)
    root = parse(write_invoice(inv))
    assert root.findtext("cac:OrderReference/cbc:ID", namespaces=NS) == "NA"
    assert root.findtext("cac:OrderReference/cbc:SalesOrderID", namespaces=NS) == "SO-12"


def test_nothing_empty_is_written() -> None:
    inv = dataclasses.replace(full_invoice(), accounting_cost="", notes=("",))
    root = parse(write_invoice(inv))
    assert root.find("cbc:AccountingCost", NS) is None
    assert root.find("cbc:Note", NS) is None
    assert not [e for e in root.iter() if not len(e) and not (e.text or "").strip()]


def test_minimal_invoice_is_valid(
    xsd_errors: Callable[[bytes], list[str]], official_fatal: Callable[[bytes], list[str]]
) -> None:
    inv = complete(
        Invoice(
            "Invoice",
            "1",
            date(2026, 1, 5),
            "380",
            "NOK",
            SELLER,
            BUYER,
            TO_COMPUTE,
            (invoice_line("1", Item("Vare", "S", D("25")), D("1"), D("100")),),
            order_reference="PO-1",
        )
    )
    xml = write_invoice(inv)
    assert xsd_errors(xml) == []
    assert official_fatal(xml) == []


def test_attachment_without_mime_type_is_refused() -> None:
    inv = dataclasses.replace(full_invoice(), attachments=(Attachment("A", content=b"x"),))
    with pytest.raises(FormatError) as exc:
        write_invoice(inv)
    assert exc.value.code == "FF-EHF-WRITE"


def test_breakdown_without_tax_total_is_refused() -> None:
    with pytest.raises(FormatError):
        write_invoice(dataclasses.replace(full_invoice(), tax_total=None))


def test_text_xml_cannot_carry_is_refused_clearly() -> None:
    with pytest.raises(FormatError) as exc:
        write_invoice(dataclasses.replace(full_invoice(), buyer_reference="Kari\x01"))
    assert (exc.value.code, exc.value.problems[0].location) == ("FF-EHF-WRITE", "BuyerReference")


def test_non_finite_numbers_are_refused() -> None:
    with pytest.raises(FormatError):
        write_invoice(dataclasses.replace(full_invoice(), tax_total=D("NaN")))
