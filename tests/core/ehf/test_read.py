"""Reading UBL 2.1 invoices and credit notes (Peppol BIS Billing 3.0 / EHF 3) into the EN 16931 model."""

from __future__ import annotations

import base64
import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from fakturaflyt.core.ehf.detect import NS, document_info, load_document
from fakturaflyt.core.ehf.jsonio import from_dict, to_dict
from fakturaflyt.core.ehf.model import Identifier, Invoice
from fakturaflyt.core.ehf.read import read_element, read_invoice
from fakturaflyt.core.errors import FormatError
from tests.conftest import CORPUS

EXAMPLES = CORPUS / "ehf" / "examples"
FILES = sorted(p.name for p in EXAMPLES.glob("*") if p.suffix.lower() == ".xml") if EXAMPLES.is_dir() else []
NO_EXAMPLE = "peppol-NO__Norwegian-example-1.xml"
SBDH = "http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader"
EHF2_CUSTOMIZATION = (
    "urn:www.cenbii.eu:transaction:biitrns010:ver2.0:extended:urn:www.peppol.eu:bis:peppol5a:ver2.0"
    ":extended:urn:www.difi.no:ehf:faktura:ver2.0"
)


def example(corpus: Path, name: str) -> bytes:
    return (corpus / "ehf" / "examples" / name).read_bytes()


def edit(xml: bytes, xpath: str, *, text: str | None = None, remove: bool = False) -> bytes:
    """``xml`` with the elements at ``xpath`` (cbc:/cac: prefixes) removed or given a new text."""
    root = etree.fromstring(xml)
    found = root.xpath(xpath, namespaces=NS)
    assert found, xpath
    for el in found:
        if remove:
            el.getparent().remove(el)
        else:
            el.text = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def expect_error(xml: bytes, code: str) -> FormatError:
    with pytest.raises(FormatError) as info:
        read_invoice(xml)
    assert info.value.code == code, str(info.value)
    return info.value


# --- the whole corpus -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", FILES)
def test_every_corpus_example_reads(corpus: Path, name: str) -> None:
    inv = read_invoice(example(corpus, name))
    assert inv.kind in ("Invoice", "CreditNote")
    assert inv.lines and inv.seller.registration_name and inv.buyer.registration_name
    assert isinstance(inv.totals.payable, Decimal)
    # the JSON form (`ehf parse --json`) carries every value back unchanged
    assert from_dict(Invoice, to_dict(inv)) == inv


def test_document_info_agrees_with_the_corpus_index(corpus: Path) -> None:
    with (corpus / "ehf" / "examples" / "INDEX.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(FILES) >= 41
    for row in rows:
        info = document_info(example(corpus, row["file"]))
        assert (info.kind, info.customization_id) == (row["doc_type"], row["customization_id"]), row["file"]
        assert info.is_en16931 and not info.enveloped


def test_read_element_reads_an_already_parsed_root(corpus: Path) -> None:
    data = example(corpus, NO_EXAMPLE)
    root, _ = load_document(data)
    assert read_element(root) == read_invoice(data)


# --- spot checks against the XML ------------------------------------------------------------------


def test_norwegian_example(corpus: Path) -> None:
    inv = read_invoice(example(corpus, NO_EXAMPLE))
    assert (inv.kind, inv.id, inv.type_code, inv.currency) == ("Invoice", "TOSL108", "380", "NOK")
    assert inv.customization_id == "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
    assert inv.profile_id == "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
    assert (inv.issue_date, inv.due_date, inv.tax_point_date) == (
        date(2013, 6, 30),
        date(2013, 7, 20),
        date(2013, 6, 30),
    )
    assert inv.notes == ("Ordered in our booth at the convention.",)
    assert (inv.accounting_cost, inv.buyer_reference) == ("Project cost code 123", "3150bdn")
    assert inv.period is not None and (inv.period.start, inv.period.end) == (date(2013, 6, 1), date(2013, 6, 30))
    assert (inv.order_reference, inv.contract_reference, inv.tax_currency) == ("123", "Contract321", None)

    seller = inv.seller
    assert seller.registration_name == "The Sellercompany ASA"
    assert seller.trading_name == "Salescompany ltd."
    assert seller.endpoint == Identifier("123456785", "0192")
    assert seller.identifiers == (Identifier("1238764941386", "0088"),)
    assert seller.legal_id == Identifier("123456785", "0192")
    assert (seller.vat_id, seller.tax_registration_id) == ("NO123456785MVA", "Foretaksregisteret")
    assert seller.address.country_code == "NO" and seller.address.street == "Main street 34"
    assert (seller.address.additional_street, seller.address.city, seller.address.postal_zone) == (
        "Suite 123",
        "Big city",
        "54321",
    )
    assert seller.address.country_subentity == "RegionA" and seller.address.address_line is None
    assert seller.contact is not None and seller.contact.email == "antonio@salescompany.no"
    buyer = inv.buyer
    assert (buyer.registration_name, buyer.vat_id, buyer.tax_registration_id) == (
        "Buyercompany ASA",
        "NO987654325MVA",
        None,
    )
    assert buyer.endpoint == Identifier("987654325", "0192")
    assert buyer.contact is not None and (buyer.contact.name, buyer.contact.telephone) == ("John Doe", "5121230")

    assert inv.payee is not None
    assert (inv.payee.name, inv.payee.identifier, inv.payee.legal_id) == (
        "Ebeneser Scrooge AS",
        Identifier("2298740918237", "0088"),
        Identifier("999999999", "0192"),
    )
    rep = inv.tax_representative
    assert rep is not None and (rep.name, rep.vat_id, rep.address.city) == (
        "Tax handling company AS",
        "NO999999999MVA",
        "Newtown",
    )
    assert inv.delivery is not None
    assert (inv.delivery.date, inv.delivery.location_id, inv.delivery.address) == (
        date(2013, 6, 15),
        Identifier("6754238987643", "0088"),
        None,
    )

    (pm,) = inv.payment_means
    assert (pm.code, pm.payment_id, pm.account_id, pm.bic) == ("31", "0003434323213231", "NO9386011117947", "DNBANOKK")
    assert inv.kid == "0003434323213231"  # leading zeros kept: a KID is text
    assert inv.payment_terms == "2 % discount if paid within 2 days. Penalty percentage 10% from due date"

    charge, allowance = inv.allowances_charges
    assert (charge.is_charge, charge.amount, charge.reason, charge.reason_code) == (True, Decimal(100), "Freight", "FC")
    assert (charge.vat_category, charge.vat_rate) == ("S", Decimal(25))
    assert (allowance.is_charge, allowance.reason_code, allowance.reason) == (False, "95", "Promotion discount")

    assert inv.tax_total == Decimal("365.28") and inv.tax_total_in_tax_currency is None
    assert [(v.category, v.rate, v.taxable_amount, v.tax_amount) for v in inv.vat_breakdown] == [
        ("S", Decimal(25), Decimal("1460.5"), Decimal("365.13")),
        ("S", Decimal(15), Decimal(1), Decimal("0.15")),
        ("E", Decimal(0), Decimal(-25), Decimal(0)),
    ]
    assert inv.vat_breakdown[2].exemption_reason == "Exempt New Means of Transport"
    t = inv.totals
    assert (t.line_extension, t.tax_exclusive, t.tax_inclusive) == (
        Decimal("1436.5"),
        Decimal("1436.5"),
        Decimal("1801.78"),
    )
    assert (t.allowance_total, t.charge_total, t.prepaid, t.rounding) == (
        Decimal(100),
        Decimal(100),
        Decimal(1000),
        Decimal("0.22"),
    )
    assert str(t.payable) == "802.00"  # the exact text, trailing zeros included

    assert [line.id for line in inv.lines] == ["1", "2", "3", "4", "5"]
    first = inv.lines[0]
    assert (first.quantity, first.unit_code, first.net_amount, first.note) == (
        Decimal(1),
        "NAR",
        Decimal(1273),
        "Scratch on box",
    )
    assert (first.accounting_cost, first.order_line_ref) == ("BookingCode001", "1")
    assert first.period is not None and first.period.start == date(2013, 6, 1)
    assert [(a.is_charge, a.amount, a.reason) for a in first.allowances_charges] == [
        (False, Decimal(12), "Damage"),
        (True, Decimal(12), "Testing"),
    ]
    assert all(a.vat_category is None for a in first.allowances_charges)  # VAT applies at document level only
    item = first.item
    assert (item.name, item.vat_category, item.vat_rate, item.sellers_id) == (
        "Laptop computer",
        "S",
        Decimal(25),
        "JB007",
    )
    assert item.description == "Processor: Intel Core 2 Duo SU9400 LV (1.4GHz). RAM: 3MB. Screen\n\t\t\t\t1440x900"
    assert item.standard_id == Identifier("1234567890124", "0088") and item.origin_country == "DE"
    assert item.classifications == (Identifier("12344321", "MP"), Identifier("65434568", "STI"))
    assert [(a.name, a.value) for a in item.attributes] == [("Color", "Black")]
    price = first.price
    assert (price.amount, price.base_quantity, price.base_quantity_unit) == (Decimal(1273), Decimal(1), None)
    assert (price.discount, price.gross_amount) == (Decimal(227), Decimal(1500))
    assert inv.lines[1].quantity == Decimal(-1) and inv.lines[1].item.vat_category == "S"  # schemeID="UNCL5305"
    assert inv.lines[4].price.amount == Decimal("0.75")

    external, embedded = inv.attachments
    assert (external.id, external.description, external.uri, external.content) == (
        "Doc1",
        "Timesheet",
        "http://www.suppliersite.eu/sheet001.html",
        None,
    )
    assert (embedded.id, embedded.mime_code, embedded.filename) == ("Doc2", "application/pdf", "Hours-spent.csv")
    assert embedded.content == b"Test base 64 encoding"


def test_base_creditnote_correction(corpus: Path) -> None:
    cn = read_invoice(example(corpus, "peppol__base-creditnote-correction.xml"))
    assert (cn.kind, cn.is_credit_note, cn.id, cn.type_code, cn.currency) == (
        "CreditNote",
        True,
        "Snippet1",
        "381",
        "EUR",
    )
    assert cn.due_date is None and cn.issue_date == date(2017, 11, 13)
    assert [(p.id, p.issue_date) for p in cn.preceding_invoices] == [("Snippet1", None)]
    assert cn.seller.endpoint == Identifier("9482348239847239874", "0088")
    assert cn.seller.identifiers == (Identifier("99887766"),)
    assert cn.seller.legal_id == Identifier("GB983294") and cn.seller.vat_id == "GB1232434"
    assert cn.buyer.endpoint == Identifier("FR23342", "0002") and cn.buyer.legal_id == Identifier("39937423947", "0183")
    assert cn.delivery is not None and cn.delivery.party_name == "Delivery party Name"
    assert cn.delivery.address is not None and cn.delivery.address.postal_zone == "21234"
    (pm,) = cn.payment_means
    assert (pm.code, pm.code_name, pm.payment_id, pm.account_id, pm.account_name, pm.bic) == (
        "30",
        "Credit transfer",
        "Snippet1",
        "IBAN32423940",
        "AccountName",
        "BIC324098",
    )
    (ins,) = cn.allowances_charges
    assert (ins.is_charge, ins.amount, ins.reason, ins.vat_rate) == (True, Decimal(25), "Insurance", Decimal("25.0"))
    assert str(ins.vat_rate) == "25.0"
    assert cn.totals.charge_total == Decimal(25) and cn.totals.allowance_total is None and cn.totals.prepaid is None
    assert cn.totals.payable == Decimal("1656.25")
    one, two = cn.lines
    assert (one.quantity, one.unit_code, one.net_amount, one.accounting_cost) == (
        Decimal(7),
        "DAY",
        Decimal(2800),
        "Konteringsstreng",
    )
    assert (two.quantity, two.net_amount, two.price.amount) == (Decimal(-3), Decimal(-1500), Decimal(500))
    assert two.item.classifications == (Identifier("09348023", "SRV"),)


def test_invoice_max_content(corpus: Path) -> None:
    inv = read_invoice(example(corpus, "cen-testfiles__Invoice-Max_content.xml"))
    assert (inv.currency, inv.tax_currency, inv.due_date) == ("SEK", "EUR", date(2018, 3, 7))
    assert inv.notes == ("Document level Note\nLine break should be respected here.",)
    assert (inv.order_reference, inv.sales_order_reference) == ("20180117", "INK/0117/JM")
    assert [(p.id, p.issue_date) for p in inv.preceding_invoices] == [
        ("Preceding invoice no.1", date(2018, 1, 31)),
        ("Preceding invoice no.2", None),
    ]
    assert (inv.despatch_reference, inv.receipt_reference) == ("Despatch_advice Feb 01-07", "Receipt_advice 01-07")
    assert (inv.originator_reference, inv.contract_reference) == ("Tender 2017-12, lot no. 3", "2017-123")
    assert (inv.invoiced_object, inv.project_reference) == (Identifier("ABC123", "VT"), "Project 99")
    assert [a.id for a in inv.attachments] == ["MT123", "Time report 1", "Example 1"]
    csv_file = inv.attachments[1]
    assert (csv_file.mime_code, csv_file.filename) == ("text/csv", "testfilnamn.abc")
    assert csv_file.content == base64.b64decode("01234567")  # surrounded by whitespace in the XML
    assert inv.attachments[2].uri == "http://www.example.com/index.html"
    seller = inv.seller
    assert seller.identifiers == (Identifier("7350000001204", "0088"), Identifier("BilateralID"))
    assert (seller.legal_form, seller.tax_registration_id) == ("Säte: Big CIty", "Godkänd för F-skatt")
    assert seller.address.address_line == "Address-line3"
    assert inv.payee is not None and inv.payee.legal_id == Identifier("5566778899", "0007")
    assert inv.tax_representative is not None and inv.tax_representative.address.postal_zone == "TaxREP 98765"
    assert inv.delivery is not None and inv.delivery.address is not None
    assert inv.delivery.address.country_subentity == "DELIV Delstat C"
    assert [pm.bic for pm in inv.payment_means] == ["BANKSBIC", "BANKSBIC", "SE:BANKGIRO", "SE:PLUSGIRO"]
    assert inv.payment_means[0].code_name == "Credit transfer" and inv.payment_means[1].code_name is None
    assert inv.payment_terms == "30 days net. Penalty rate 12 %\nLine break should be respected here."
    allowance, charge = inv.allowances_charges
    assert (allowance.percent, allowance.base_amount, allowance.vat_category) == (Decimal(0), Decimal(0), "E")
    assert (charge.is_charge, charge.reason_code) == (True, "WH")
    # two TaxTotals: the one in SEK with the breakdown (BT-110), the one in EUR (BT-111)
    assert (inv.tax_total, inv.tax_total_in_tax_currency) == (Decimal(2500), Decimal(249))
    exempt = inv.vat_breakdown[1]
    assert (exempt.category, exempt.exemption_reason_code) == ("E", "vatex-eu-132-1g")
    assert exempt.exemption_reason == "EU Direcive Article 132, section 1(g)"
    assert (inv.totals.prepaid, inv.totals.rounding, inv.totals.payable) == (Decimal(0), Decimal(0), Decimal(12500))
    line = inv.lines[0]
    assert line.object_id == Identifier("130-DR35141", "ABZ")
    assert line.price.base_quantity_unit == "MTR" and line.price.gross_amount == Decimal("20.50")
    assert line.item.buyers_id == "Buyer's ID"
    assert line.item.classifications[0] == Identifier("9873242", "SSR", "1.0")
    assert [a.percent for a in line.allowances_charges] == [Decimal(0), Decimal(0)]
    assert inv.lines[1].price.base_quantity is None


def test_creditnote_max_content(corpus: Path) -> None:
    cn = read_invoice(example(corpus, "cen-testfiles__CreditNote-Max_content.xml"))
    assert (cn.kind, cn.type_code, cn.due_date) == ("CreditNote", "381", None)
    # a credit note carries its project reference as AdditionalDocumentReference with DocumentTypeCode 50
    assert cn.project_reference == "11111111"
    assert "11111111" not in [a.id for a in cn.attachments]
    assert cn.invoiced_object == Identifier("ABC123", "VT")
    assert (cn.tax_total, cn.tax_total_in_tax_currency) == (Decimal(2500), Decimal(249))
    assert [(line.quantity, line.unit_code) for line in cn.lines] == [(Decimal(500), "EA"), (Decimal(10000), "EA")]


def test_credit_note_due_date_from_payment_means(corpus: Path) -> None:
    root = etree.fromstring(example(corpus, "peppol__base-creditnote-correction.xml"))
    means = root.find("cac:PaymentMeans", NS)
    due = etree.Element(f"{{{NS['cbc']}}}PaymentDueDate")
    due.text = "2017-12-13"
    means.insert(1, due)  # after PaymentMeansCode, as UBL orders it
    assert read_invoice(etree.tostring(root)).due_date == date(2017, 12, 13)


def test_invoice_without_due_date(corpus: Path) -> None:
    xml = edit(example(corpus, NO_EXAMPLE), "/*/cbc:DueDate", remove=True)
    assert read_invoice(xml).due_date is None


# --- envelopes, other documents, other customizations -----------------------------------------------


def sbdh(payload: bytes) -> bytes:
    body = payload.split(b"?>", 1)[1] if payload.startswith(b"<?xml") else payload
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<StandardBusinessDocument xmlns="' + SBDH.encode() + b'">\n'
        b"  <StandardBusinessDocumentHeader>\n    <HeaderVersion>1.0</HeaderVersion>\n"
        b'    <Sender><Identifier Authority="iso6523-actorid-upis">0192:123456785</Identifier></Sender>\n'
        b'    <Receiver><Identifier Authority="iso6523-actorid-upis">0192:987654325</Identifier></Receiver>\n'
        b"    <DocumentIdentification><Standard>urn:oasis:names:specification:ubl:schema:xsd:Invoice-2</Standard>"
        b"<TypeVersion>2.1</TypeVersion><InstanceIdentifier>abc</InstanceIdentifier><Type>Invoice</Type>"
        b"<CreationDateAndTime>2013-06-30T12:00:00</CreationDateAndTime></DocumentIdentification>\n"
        b"  </StandardBusinessDocumentHeader>\n" + body + b"\n</StandardBusinessDocument>\n"
    )


def test_sbdh_envelope_is_unwrapped(corpus: Path) -> None:
    plain = example(corpus, NO_EXAMPLE)
    wrapped = sbdh(plain)
    assert read_invoice(wrapped) == read_invoice(plain)
    info = document_info(wrapped)
    assert (info.kind, info.enveloped) == ("Invoice", True)
    root, _ = load_document(wrapped)
    assert root.getparent() is None and root.tag.endswith("}Invoice")


def test_sbdh_envelope_without_payload() -> None:
    empty = sbdh(b"").replace(b"\n\n", b"\n")
    expect_error(empty, "FF-EHF-SBDH")


def test_ehf2_is_refused_naming_its_customization() -> None:
    ehf2 = f"""<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:UBLVersionID>2.1</cbc:UBLVersionID>
  <cbc:CustomizationID>{EHF2_CUSTOMIZATION}</cbc:CustomizationID>
  <cbc:ProfileID>urn:www.cenbii.eu:profile:bii05:ver2.0</cbc:ProfileID>
  <cbc:ID>1</cbc:ID>
</Invoice>""".encode()
    info = document_info(ehf2)  # detection still works, so a validator can report on it
    assert (info.kind, info.customization_id, info.is_en16931) == ("Invoice", EHF2_CUSTOMIZATION, False)
    error = expect_error(ehf2, "FF-EHF-CUSTOMIZATION")
    assert EHF2_CUSTOMIZATION in str(error) and "EHF 2" in str(error)
    assert error.problems[0].location == "/Invoice/cbc:CustomizationID"


@pytest.mark.parametrize(
    ("customization", "accepted"),
    [
        ("urn:cen.eu:en16931:2017", True),
        ("urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0", True),
        ("urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended", True),
        ("urn:cen.eu:en16931:2017extra", False),
        ("urn:fdc:peppol.eu:2017:poacc:billing:3.0", False),
    ],
)
def test_customizations(corpus: Path, customization: str, accepted: bool) -> None:
    xml = edit(example(corpus, NO_EXAMPLE), "/*/cbc:CustomizationID", text=customization)
    if accepted:
        assert read_invoice(xml).customization_id == customization
    else:
        assert customization in str(expect_error(xml, "FF-EHF-CUSTOMIZATION"))


def test_missing_customization_is_br01(corpus: Path) -> None:
    expect_error(edit(example(corpus, NO_EXAMPLE), "/*/cbc:CustomizationID", remove=True), "BR-01")


def test_cii_is_refused() -> None:
    cii = b"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100">
  <rsm:ExchangedDocumentContext/><rsm:ExchangedDocument><ram:ID>1</ram:ID></rsm:ExchangedDocument>
</rsm:CrossIndustryInvoice>"""
    error = expect_error(cii, "FF-EHF-CII")
    assert "CII" in str(error) and "not UBL" in str(error)


def test_other_ubl_document_is_refused() -> None:
    order = b'<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>'
    assert "UBL Order" in str(expect_error(order, "FF-EHF-DOCTYPE"))


@pytest.mark.parametrize(
    "xml",
    [
        b"<Invoice><ID>1</ID></Invoice>",
        b'<Invoice xmlns="urn:example:invoice"/>',
        b"<html><body>Faktura</body></html>",
    ],
)
def test_wrong_root_is_refused(xml: bytes) -> None:
    error = expect_error(xml, "FF-EHF-ROOT")
    assert "UBL 2.1" in str(error)


# --- mandatory terms and bad values ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("xpath", "code", "location"),
    [
        ("/*/cbc:ID", "BR-02", "/Invoice/cbc:ID"),
        ("/*/cbc:IssueDate", "BR-03", "/Invoice/cbc:IssueDate"),
        ("/*/cbc:InvoiceTypeCode", "BR-04", "/Invoice/cbc:InvoiceTypeCode"),
        ("/*/cbc:DocumentCurrencyCode", "BR-05", "/Invoice/cbc:DocumentCurrencyCode"),
        (
            "//cac:AccountingSupplierParty//cbc:RegistrationName",
            "BR-06",
            "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
        ),
        (
            "//cac:AccountingCustomerParty//cbc:RegistrationName",
            "BR-07",
            "/Invoice/cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
        ),
        (
            "//cac:AccountingSupplierParty//cac:PostalAddress",
            "BR-08",
            "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:PostalAddress",
        ),
        (
            "//cac:AccountingSupplierParty//cac:Country",
            "BR-09",
            "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode",
        ),
        (
            "//cac:AccountingCustomerParty//cac:PostalAddress",
            "BR-10",
            "/Invoice/cac:AccountingCustomerParty/cac:Party/cac:PostalAddress",
        ),
        (
            "//cac:AccountingCustomerParty//cac:Country/cbc:IdentificationCode",
            "BR-11",
            "/Invoice/cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode",
        ),
        ("/*/cac:LegalMonetaryTotal", "BR-12", "/Invoice/cac:LegalMonetaryTotal"),
        (
            "//cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount",
            "BR-13",
            "/Invoice/cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount",
        ),
        (
            "//cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount",
            "BR-14",
            "/Invoice/cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount",
        ),
        ("//cac:LegalMonetaryTotal/cbc:PayableAmount", "BR-15", "/Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount"),
        ("/*/cac:InvoiceLine", "BR-16", "/Invoice/cac:InvoiceLine"),
        ("//cac:PayeeParty/cac:PartyName", "BR-17", "/Invoice/cac:PayeeParty/cac:PartyName/cbc:Name"),
        (
            "//cac:TaxRepresentativeParty/cac:PartyName",
            "BR-18",
            "/Invoice/cac:TaxRepresentativeParty/cac:PartyName/cbc:Name",
        ),
        (
            "//cac:TaxRepresentativeParty/cac:PostalAddress",
            "BR-19",
            "/Invoice/cac:TaxRepresentativeParty/cac:PostalAddress",
        ),
        (
            "//cac:TaxRepresentativeParty//cac:Country",
            "BR-20",
            "/Invoice/cac:TaxRepresentativeParty/cac:PostalAddress/cac:Country/cbc:IdentificationCode",
        ),
        (
            "//cac:TaxRepresentativeParty/cac:PartyTaxScheme",
            "BR-56",
            "/Invoice/cac:TaxRepresentativeParty/cac:PartyTaxScheme/cbc:CompanyID",
        ),
        ("/*/cac:InvoiceLine[3]/cbc:ID", "BR-21", "/Invoice/cac:InvoiceLine[3]/cbc:ID"),
        ("/*/cac:InvoiceLine[2]/cbc:InvoicedQuantity", "BR-22", "/Invoice/cac:InvoiceLine[2]/cbc:InvoicedQuantity"),
        (
            "/*/cac:InvoiceLine[2]/cbc:LineExtensionAmount",
            "BR-24",
            "/Invoice/cac:InvoiceLine[2]/cbc:LineExtensionAmount",
        ),
        ("/*/cac:InvoiceLine[5]/cac:Item/cbc:Name", "BR-25", "/Invoice/cac:InvoiceLine[5]/cac:Item/cbc:Name"),
        ("/*/cac:InvoiceLine[5]/cac:Item", "BR-25", "/Invoice/cac:InvoiceLine[5]/cac:Item/cbc:Name"),
        (
            "/*/cac:InvoiceLine[1]/cac:Price/cbc:PriceAmount",
            "BR-26",
            "/Invoice/cac:InvoiceLine[1]/cac:Price/cbc:PriceAmount",
        ),
        ("/*/cac:InvoiceLine[1]/cac:Price", "BR-26", "/Invoice/cac:InvoiceLine[1]/cac:Price/cbc:PriceAmount"),
        ("/*/cac:AllowanceCharge[2]/cbc:Amount", "BR-31", "/Invoice/cac:AllowanceCharge[2]/cbc:Amount"),
        ("/*/cac:AllowanceCharge[1]/cbc:Amount", "BR-36", "/Invoice/cac:AllowanceCharge[1]/cbc:Amount"),
        (
            "/*/cac:InvoiceLine[1]/cac:AllowanceCharge[1]/cbc:Amount",
            "BR-41",
            "/Invoice/cac:InvoiceLine[1]/cac:AllowanceCharge[1]/cbc:Amount",
        ),
        (
            "/*/cac:InvoiceLine[1]/cac:AllowanceCharge[2]/cbc:Amount",
            "BR-43",
            "/Invoice/cac:InvoiceLine[1]/cac:AllowanceCharge[2]/cbc:Amount",
        ),
        (
            "//cac:TaxSubtotal[1]/cbc:TaxableAmount",
            "BR-45",
            "/Invoice/cac:TaxTotal/cac:TaxSubtotal[1]/cbc:TaxableAmount",
        ),
        ("//cac:TaxSubtotal[2]/cbc:TaxAmount", "BR-46", "/Invoice/cac:TaxTotal/cac:TaxSubtotal[2]/cbc:TaxAmount"),
        (
            "//cac:TaxSubtotal[3]/cac:TaxCategory/cbc:ID",
            "BR-47",
            "/Invoice/cac:TaxTotal/cac:TaxSubtotal[3]/cac:TaxCategory/cbc:ID",
        ),
        ("//cac:PaymentMeans/cbc:PaymentMeansCode", "BR-49", "/Invoice/cac:PaymentMeans/cbc:PaymentMeansCode"),
        ("//cac:AdditionalDocumentReference[2]/cbc:ID", "BR-52", "/Invoice/cac:AdditionalDocumentReference[2]/cbc:ID"),
        (
            "//cac:InvoiceLine[5]//cac:AdditionalItemProperty/cbc:Value",
            "BR-54",
            "/Invoice/cac:InvoiceLine[5]/cac:Item/cac:AdditionalItemProperty/cbc:Value",
        ),
        (
            "/*/cac:InvoiceLine[4]/cac:Item/cac:ClassifiedTaxCategory/cbc:ID",
            "BR-CO-04",
            "/Invoice/cac:InvoiceLine[4]/cac:Item/cac:ClassifiedTaxCategory/cbc:ID",
        ),
        (
            "/*/cac:AllowanceCharge[1]/cbc:ChargeIndicator",
            "FF-EHF-MISSING",
            "/Invoice/cac:AllowanceCharge[1]/cbc:ChargeIndicator",
        ),
    ],
)
def test_missing_mandatory_term(corpus: Path, xpath: str, code: str, location: str) -> None:
    error = expect_error(edit(example(corpus, NO_EXAMPLE), xpath, remove=True), code)
    assert error.problems[0].location == location
    assert "missing" in error.problems[0].message


def test_empty_quantity_is_br22_and_missing_unit_br23(corpus: Path) -> None:
    xml = edit(example(corpus, NO_EXAMPLE), "/*/cac:InvoiceLine[2]/cbc:InvoicedQuantity", text=" ")
    assert expect_error(xml, "BR-22").problems[0].location == "/Invoice/cac:InvoiceLine[2]/cbc:InvoicedQuantity"
    xml = example(corpus, NO_EXAMPLE).replace(b'<cbc:InvoicedQuantity unitCode="MTR">', b"<cbc:InvoicedQuantity>")
    assert expect_error(xml, "BR-23").problems[0].location == "/Invoice/cac:InvoiceLine[5]/cbc:InvoicedQuantity"


def test_missing_preceding_invoice_id_is_br55(corpus: Path) -> None:
    xml = edit(
        example(corpus, "peppol__base-creditnote-correction.xml"), "//cac:InvoiceDocumentReference/cbc:ID", text=""
    )
    expect_error(xml, "BR-55")


def test_optional_terms_may_be_missing(corpus: Path) -> None:
    xml = example(corpus, NO_EXAMPLE)
    for xpath in [
        "/*/cbc:ProfileID",
        "//cbc:EndpointID",
        "/*/cac:PaymentMeans",
        "/*/cac:TaxTotal",
        "//cac:ClassifiedTaxCategory/cbc:Percent",
        "//cac:Contact",
        "//cac:AccountingSupplierParty//cac:PartyName",
    ]:
        xml = edit(xml, xpath, remove=True)
    inv = read_invoice(xml)
    assert inv.profile_id is None and inv.seller.endpoint is None and inv.payment_means == ()
    assert inv.tax_total is None and inv.vat_breakdown == () and inv.lines[0].item.vat_rate is None
    assert inv.seller.contact is None and inv.seller.trading_name is None


def test_texts_are_stripped_and_empty_elements_are_absent(corpus: Path) -> None:
    xml = edit(example(corpus, NO_EXAMPLE), "/*/cbc:BuyerReference", text="\n   ")
    xml = edit(xml, "/*/cbc:AccountingCost", text="  \t 4025:123 \n")
    xml = edit(xml, "//cac:LegalMonetaryTotal/cbc:PrepaidAmount", text="  1000.00 ")
    inv = read_invoice(xml)
    assert (inv.buyer_reference, inv.accounting_cost) == (None, "4025:123")
    assert str(inv.totals.prepaid) == "1000.00"


def test_comments_inside_values_are_ignored(corpus: Path) -> None:
    xml = example(corpus, NO_EXAMPLE).replace(b"<cbc:ID>TOSL108</cbc:ID>", b"<cbc:ID>TOSL<!-- x -->108</cbc:ID>")
    assert read_invoice(xml).id == "TOSL108"


@pytest.mark.parametrize("value", ["1E3", "NaN", "12,50", "Infinity", "1 000", "0x10", "--1", "9" * 65, "\u0663\u0664"])
def test_amounts_must_be_decimals(corpus: Path, value: str) -> None:
    xml = edit(example(corpus, NO_EXAMPLE), "//cac:LegalMonetaryTotal/cbc:PayableAmount", text=value)
    assert (
        expect_error(xml, "FF-EHF-NUMBER").problems[0].location == "/Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount"
    )


@pytest.mark.parametrize(
    ("value", "expected"), [("+5", Decimal(5)), (".5", Decimal("0.5")), ("-0.000001", Decimal("-0.000001"))]
)
def test_decimal_forms_of_xsd(corpus: Path, value: str, expected: Decimal) -> None:
    xml = edit(example(corpus, NO_EXAMPLE), "/*/cac:InvoiceLine[1]/cbc:InvoicedQuantity", text=value)
    assert read_invoice(xml).lines[0].quantity == expected


@pytest.mark.parametrize(
    "value", ["2013-02-30", "30.06.2013", "20130630", "2013-6-30", "0000-01-01", "\u0662013-06-30"]
)
def test_dates_must_be_iso(corpus: Path, value: str) -> None:
    expect_error(edit(example(corpus, NO_EXAMPLE), "/*/cbc:IssueDate", text=value), "FF-EHF-DATE")


def test_date_with_time_zone(corpus: Path) -> None:
    assert read_invoice(
        edit(example(corpus, NO_EXAMPLE), "/*/cbc:IssueDate", text="2013-06-30+02:00")
    ).issue_date == date(2013, 6, 30)


def test_charge_indicator_must_be_boolean(corpus: Path) -> None:
    expect_error(
        edit(example(corpus, NO_EXAMPLE), "/*/cac:AllowanceCharge[1]/cbc:ChargeIndicator", text="yes"), "FF-EHF-VALUE"
    )


def test_embedded_attachment_with_line_breaks(corpus: Path) -> None:
    pdf = b"%PDF-1.4 " + bytes(range(256)) * 8
    encoded = base64.encodebytes(pdf).decode()  # 76-character lines, as many senders write it
    xml = edit(example(corpus, NO_EXAMPLE), "//cbc:EmbeddedDocumentBinaryObject", text="\n" + encoded)
    assert read_invoice(xml).attachments[1].content == pdf


@pytest.mark.parametrize("junk", ["not base64!", "QUJD=", "QUJDRA=X", "ÆØÅ"])
def test_invalid_base64_attachment(corpus: Path, junk: str) -> None:
    xml = edit(example(corpus, NO_EXAMPLE), "//cbc:EmbeddedDocumentBinaryObject", text=junk)
    error = expect_error(xml, "FF-EHF-ATTACHMENT")
    assert (
        error.problems[0].location
        == "/Invoice/cac:AdditionalDocumentReference[2]/cac:Attachment/cbc:EmbeddedDocumentBinaryObject"
    )


def test_credit_note_lines_and_quantities(corpus: Path) -> None:
    # an Invoice's line elements in a CreditNote are not its lines: the credit note then has none
    xml = example(corpus, "peppol__base-creditnote-correction.xml")
    bad = xml.replace(b"cac:CreditNoteLine", b"cac:InvoiceLine")
    expect_error(bad, "BR-16")
    bad = xml.replace(b"cbc:CreditedQuantity", b"cbc:InvoicedQuantity")
    expect_error(bad, "BR-22")
