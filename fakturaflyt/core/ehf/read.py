"""Read a UBL 2.1 Invoice or CreditNote (Peppol BIS Billing 3.0 / EHF 3, EN 16931-1) into the model.

:func:`read_invoice` parses the bytes with the hardened parser of :mod:`fakturaflyt.core.xmlsafe`,
unwraps an SBDH envelope, refuses what is not an EN 16931 UBL invoice or credit note
(:mod:`.detect`) and maps every element the model has, following the UBL syntax binding of
EN 16931-1 as Peppol BIS Billing 3.0 publishes it (https://docs.peppol.eu/poacc/billing/3.0/syntax/).

* Texts lose surrounding whitespace; an empty element reads as absent (``None``).
* Amounts, quantities and percentages are ``Decimal`` from the exact text (``xsd:decimal``
  form only: ``1E3`` or ``NaN`` is refused); ``currencyID`` is not kept, except that it tells
  the VAT total in document currency (BT-110) from the one in tax currency (BT-111).
* Credit notes use ``CreditNoteTypeCode``, ``CreditNoteLine`` and ``CreditedQuantity``; UBL 2.1
  has no ``cbc:DueDate`` on a credit note, so BT-9 is read from ``PaymentMeans/PaymentDueDate``
  (also on an invoice without ``cbc:DueDate``), and the project reference (BT-11) of a credit note
  is an ``AdditionalDocumentReference`` with ``DocumentTypeCode`` 50.
* Embedded attachments are base64-decoded into ``content`` (``FF-EHF-ATTACHMENT`` when invalid).
* A missing mandatory term raises :class:`FormatError` with the EN 16931 rule id (``BR-02``
  invoice number, ``BR-16`` no lines, ``BR-21``..``BR-26`` line terms, ...) and an XPath-like
  location; a missing mandatory UBL element without a rule id gives ``FF-EHF-MISSING``; a value
  that is not a date, number or boolean gives ``FF-EHF-DATE``, ``FF-EHF-NUMBER`` or ``FF-EHF-VALUE``.
  Optional terms are never required: checking them is the job of :mod:`.rules`.

>>> xml = b'''<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
...  xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
...  xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2">
...  <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
...  <cbc:IssueDate>2026-01-15</cbc:IssueDate><cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
... </Invoice>'''
>>> read_invoice(xml)
Traceback (most recent call last):
...
fakturaflyt.core.errors.FormatError: BR-02: The invoice number (BT-1) is missing (at /Invoice/cbc:ID)
"""

from __future__ import annotations

import base64
import binascii
from decimal import Decimal

from lxml import etree

from fakturaflyt.core.ehf import _values as v
from fakturaflyt.core.ehf import model as m
from fakturaflyt.core.ehf.detect import (
    DocumentInfo,
    document_info,
    document_kind,
    load_document,
    require_en16931,
)
from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.xmlsafe import DEFAULT_MAX_BYTES, attribute, text

__all__ = ["DocumentInfo", "document_info", "read_element", "read_invoice"]

_El = etree._Element


def read_invoice(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> m.Invoice:
    """The invoice or credit note in ``data`` (UBL 2.1 XML, optionally in an SBDH envelope).

    Raises :class:`~fakturaflyt.core.errors.FormatError` (a ``ValueError``) for anything it cannot read.
    """
    root, info = load_document(data, max_bytes=max_bytes)
    require_en16931(info)
    return _invoice(root, info)


def read_element(root: _El) -> m.Invoice:
    """Like :func:`read_invoice` for an already parsed UBL root (e.g. from :func:`.detect.load_document`)."""
    kind = document_kind(root)
    info = DocumentInfo(kind, v.opt(root, "cbc:CustomizationID"), v.opt(root, "cbc:ProfileID"))
    require_en16931(info)
    return _invoice(root, info)


# --- groups --------------------------------------------------------------------------------------


def _address(el: _El | None, parent: _El, path: str, codes: tuple[str, str], label: str) -> m.Address:
    if el is None:
        raise FormatError(codes[0], f"The {label} is missing", v.where(parent, path))
    return m.Address(
        country_code=v.req(el, "cac:Country/cbc:IdentificationCode", codes[1], f"The country code of the {label}"),
        street=v.opt(el, "cbc:StreetName"),
        additional_street=v.opt(el, "cbc:AdditionalStreetName"),
        address_line=v.opt(el, "cac:AddressLine/cbc:Line"),
        city=v.opt(el, "cbc:CityName"),
        postal_zone=v.opt(el, "cbc:PostalZone"),
        country_subentity=v.opt(el, "cbc:CountrySubentity"),
    )


def _party(root: _El, path: str, role: str, rules: tuple[str, str, str], bts: tuple[str, str]) -> m.Party:
    party = v.find(root, path)
    if party is None:
        raise FormatError(rules[0], f"The {role} ({bts[0]}) is missing", v.where(root, path))
    vat_id = tax_id = None
    for scheme in v.findall(party, "cac:PartyTaxScheme"):
        company_id = v.opt(scheme, "cbc:CompanyID")
        if v.opt(scheme, "cac:TaxScheme/cbc:ID") == "VAT":
            vat_id = vat_id or company_id
        else:
            tax_id = tax_id or company_id
    contact = v.find(party, "cac:Contact")
    return m.Party(
        registration_name=v.req(
            party, "cac:PartyLegalEntity/cbc:RegistrationName", rules[0], f"The {role} name ({bts[0]})"
        ),
        address=_address(
            v.find(party, "cac:PostalAddress"),
            party,
            "cac:PostalAddress",
            rules[1:],
            f"{role} postal address ({bts[1]})",
        ),
        endpoint=v.ident(v.find(party, "cbc:EndpointID")),
        identifiers=v.idents(party, "cac:PartyIdentification/cbc:ID"),
        trading_name=v.opt(party, "cac:PartyName/cbc:Name"),
        legal_id=v.ident(v.find(party, "cac:PartyLegalEntity/cbc:CompanyID")),
        legal_form=v.opt(party, "cac:PartyLegalEntity/cbc:CompanyLegalForm"),
        vat_id=vat_id,
        tax_registration_id=tax_id,
        contact=_contact(contact) if contact is not None else None,
    )


def _contact(el: _El) -> m.Contact | None:
    contact = m.Contact(v.opt(el, "cbc:Name"), v.opt(el, "cbc:Telephone"), v.opt(el, "cbc:ElectronicMail"))
    return None if contact == m.Contact() else contact


def _payee(el: _El) -> m.Payee:
    return m.Payee(
        name=v.req(el, "cac:PartyName/cbc:Name", "BR-17", "The payee name (BT-59)"),
        identifier=v.ident(v.find(el, "cac:PartyIdentification/cbc:ID")),
        legal_id=v.ident(v.find(el, "cac:PartyLegalEntity/cbc:CompanyID")),
    )


def _tax_representative(el: _El) -> m.TaxRepresentative:
    return m.TaxRepresentative(
        name=v.req(el, "cac:PartyName/cbc:Name", "BR-18", "The tax representative name (BT-62)"),
        vat_id=v.req(el, "cac:PartyTaxScheme/cbc:CompanyID", "BR-56", "The tax representative VAT identifier (BT-63)"),
        address=_address(
            v.find(el, "cac:PostalAddress"),
            el,
            "cac:PostalAddress",
            ("BR-19", "BR-20"),
            "tax representative postal address (BG-12)",
        ),
    )


def _delivery(el: _El) -> m.Delivery | None:
    location = v.find(el, "cac:DeliveryLocation")
    address = v.find(location, "cac:Address") if location is not None else None
    delivery = m.Delivery(
        date=v.date_(el, "cbc:ActualDeliveryDate"),
        location_id=v.ident(v.find(location, "cbc:ID")) if location is not None else None,
        address=_address(address, el, "", ("BR-57", "BR-57"), "deliver-to address (BG-15)")
        if address is not None
        else None,
        party_name=v.opt(el, "cac:DeliveryParty/cac:PartyName/cbc:Name"),
    )
    return None if delivery == m.Delivery() else delivery


def _period(el: _El | None) -> m.Period | None:
    if el is None:
        return None
    period = m.Period(v.date_(el, "cbc:StartDate"), v.date_(el, "cbc:EndDate"), v.opt(el, "cbc:DescriptionCode"))
    return None if period == m.Period() else period


def _payment_means(el: _El) -> m.PaymentMeans:
    card = v.find(el, "cac:CardAccount")
    mandate = v.find(el, "cac:PaymentMandate")
    direct_debit = None
    if mandate is not None:
        direct_debit = m.DirectDebit(v.opt(mandate, "cbc:ID"), v.opt(mandate, "cac:PayerFinancialAccount/cbc:ID"))
        direct_debit = None if direct_debit == m.DirectDebit() else direct_debit
    return m.PaymentMeans(
        code=v.req(el, "cbc:PaymentMeansCode", "BR-49", "The payment means type code (BT-81)"),
        code_name=attribute(v.find(el, "cbc:PaymentMeansCode"), "name"),
        payment_id=v.opt(el, "cbc:PaymentID"),
        account_id=v.opt(el, "cac:PayeeFinancialAccount/cbc:ID"),
        account_name=v.opt(el, "cac:PayeeFinancialAccount/cbc:Name"),
        bic=v.opt(el, "cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID"),
        card=None
        if card is None
        else m.CardInformation(
            primary_account_number=v.req(card, "cbc:PrimaryAccountNumberID", "BR-51", "The card number (BT-87)"),
            network_id=v.req(card, "cbc:NetworkID", "FF-EHF-MISSING", "The card network (cbc:NetworkID)"),
            holder_name=v.opt(card, "cbc:HolderName"),
        ),
        direct_debit=direct_debit,
    )


_AMOUNT_RULES = {
    (False, False): ("BR-31", "document level allowance amount (BT-92)"),
    (False, True): ("BR-36", "document level charge amount (BT-99)"),
    (True, False): ("BR-41", "invoice line allowance amount (BT-136)"),
    (True, True): ("BR-43", "invoice line charge amount (BT-141)"),
}


def _allowance_charge(el: _El, *, line: bool) -> m.AllowanceCharge:
    indicator = v.req(el, "cbc:ChargeIndicator", "FF-EHF-MISSING", "The charge indicator (cbc:ChargeIndicator)")
    if indicator not in {"true", "false", "1", "0"}:
        raise FormatError(
            "FF-EHF-VALUE", f"{indicator[:30]!r} is not true or false", v.where(el, "cbc:ChargeIndicator")
        )
    is_charge = indicator in {"true", "1"}
    code, label = _AMOUNT_RULES[(line, is_charge)]
    return m.AllowanceCharge(
        is_charge=is_charge,
        amount=v.req_number(el, "cbc:Amount", code, f"The {label}"),
        reason=v.opt(el, "cbc:AllowanceChargeReason"),
        reason_code=v.opt(el, "cbc:AllowanceChargeReasonCode"),
        base_amount=v.number(el, "cbc:BaseAmount"),
        percent=v.number(el, "cbc:MultiplierFactorNumeric"),
        vat_category=None if line else v.opt(el, "cac:TaxCategory/cbc:ID"),
        vat_rate=None if line else v.number(el, "cac:TaxCategory/cbc:Percent"),
    )


def _attachment(el: _El) -> m.Attachment:
    binary = v.find(el, "cac:Attachment/cbc:EmbeddedDocumentBinaryObject")
    content = None
    if binary is not None and binary.text is not None:
        compact = "".join(binary.text.split())
        try:
            if len(compact) % 4:  # b64decode would accept a stray "=" after a complete group
                raise ValueError(compact[-4:])
            content = base64.b64decode(compact, validate=True) if compact else None
        except (binascii.Error, ValueError):
            raise FormatError(
                "FF-EHF-ATTACHMENT",
                "The embedded attachment is not valid base64, so the file cannot be recovered; "
                "ask the sender to send the invoice again",
                v.where(binary),
            ) from None
    return m.Attachment(
        id=v.req(el, "cbc:ID", "BR-52", "The supporting document reference (BT-122)"),
        description=v.opt(el, "cbc:DocumentDescription"),
        uri=v.opt(el, "cac:Attachment/cac:ExternalReference/cbc:URI"),
        content=content,
        mime_code=attribute(binary, "mimeCode"),
        filename=attribute(binary, "filename"),
    )


def _item(line: _El) -> m.Item:
    el = v.find(line, "cac:Item")
    if el is None:
        raise FormatError("BR-25", "The item name (BT-153) is missing", v.where(line, "cac:Item/cbc:Name"))
    attributes = tuple(
        m.ItemAttribute(
            v.req(p, "cbc:Name", "BR-54", "The item attribute name (BT-160)"),
            v.req(p, "cbc:Value", "BR-54", "The item attribute value (BT-161)"),
        )
        for p in v.findall(el, "cac:AdditionalItemProperty")
    )
    classifications = tuple(
        m.Identifier(value, attribute(c, "listID"), attribute(c, "listVersionID"))
        for c in v.findall(el, "cac:CommodityClassification/cbc:ItemClassificationCode")
        if (value := text(c)) is not None
    )
    return m.Item(
        name=v.req(el, "cbc:Name", "BR-25", "The item name (BT-153)"),
        vat_category=v.req(
            el, "cac:ClassifiedTaxCategory/cbc:ID", "BR-CO-04", "The VAT category of the invoiced item (BT-151)"
        ),
        vat_rate=v.number(el, "cac:ClassifiedTaxCategory/cbc:Percent"),
        description=v.opt(el, "cbc:Description"),
        sellers_id=v.opt(el, "cac:SellersItemIdentification/cbc:ID"),
        buyers_id=v.opt(el, "cac:BuyersItemIdentification/cbc:ID"),
        standard_id=v.ident(v.find(el, "cac:StandardItemIdentification/cbc:ID")),
        classifications=classifications,
        origin_country=v.opt(el, "cac:OriginCountry/cbc:IdentificationCode"),
        attributes=attributes,
    )


def _price(line: _El) -> m.Price:
    el = v.find(line, "cac:Price")
    if el is None:
        raise FormatError("BR-26", "The item net price (BT-146) is missing", v.where(line, "cac:Price/cbc:PriceAmount"))
    return m.Price(
        amount=v.req_number(el, "cbc:PriceAmount", "BR-26", "The item net price (BT-146)"),
        base_quantity=v.number(el, "cbc:BaseQuantity"),
        base_quantity_unit=attribute(v.find(el, "cbc:BaseQuantity"), "unitCode"),
        discount=v.number(el, "cac:AllowanceCharge/cbc:Amount"),
        gross_amount=v.number(el, "cac:AllowanceCharge/cbc:BaseAmount"),
    )


def _line(el: _El, quantity_tag: str) -> m.Line:
    line_id = v.req(el, "cbc:ID", "BR-21", "The invoice line identifier (BT-126)")
    quantity = v.req_number(el, quantity_tag, "BR-22", "The invoiced quantity (BT-129)")
    unit = attribute(v.find(el, quantity_tag), "unitCode")
    if unit is None:
        raise FormatError(
            "BR-23", "The invoiced quantity unit of measure (BT-130, @unitCode) is missing", v.where(el, quantity_tag)
        )
    return m.Line(
        id=line_id,
        quantity=quantity,
        unit_code=unit,
        net_amount=v.req_number(el, "cbc:LineExtensionAmount", "BR-24", "The invoice line net amount (BT-131)"),
        item=_item(el),
        price=_price(el),
        note=v.opt(el, "cbc:Note"),
        object_id=v.ident(v.find(el, "cac:DocumentReference/cbc:ID")),
        order_line_ref=v.opt(el, "cac:OrderLineReference/cbc:LineID"),
        accounting_cost=v.opt(el, "cbc:AccountingCost"),
        period=_period(v.find(el, "cac:InvoicePeriod")),
        allowances_charges=tuple(_allowance_charge(a, line=True) for a in v.findall(el, "cac:AllowanceCharge")),
    )


def _vat_breakdown(el: _El) -> m.VatBreakdown:
    return m.VatBreakdown(
        category=v.req(el, "cac:TaxCategory/cbc:ID", "BR-47", "The VAT category code (BT-118)"),
        rate=v.number(el, "cac:TaxCategory/cbc:Percent"),
        taxable_amount=v.req_number(el, "cbc:TaxableAmount", "BR-45", "The VAT category taxable amount (BT-116)"),
        tax_amount=v.req_number(el, "cbc:TaxAmount", "BR-46", "The VAT category tax amount (BT-117)"),
        exemption_reason=v.opt(el, "cac:TaxCategory/cbc:TaxExemptionReason"),
        exemption_reason_code=v.opt(el, "cac:TaxCategory/cbc:TaxExemptionReasonCode"),
    )


def _tax_totals(root: _El, currency: str, tax_currency: str | None) -> tuple[Decimal | None, Decimal | None]:
    """BT-110 (VAT total in document currency) and BT-111 (in tax currency), told apart by ``currencyID``."""
    in_document = in_tax = None
    for tax_total in v.findall(root, "cac:TaxTotal"):
        amount = v.number(tax_total, "cbc:TaxAmount")
        if amount is None:
            continue
        currency_id = attribute(v.find(tax_total, "cbc:TaxAmount"), "currencyID")
        has_breakdown = v.find(tax_total, "cac:TaxSubtotal") is not None
        if tax_currency and tax_currency != currency and currency_id == tax_currency:
            in_tax = amount
        elif in_document is None and (has_breakdown or currency_id in (None, currency) or not tax_currency):
            in_document = amount
        elif in_tax is None:
            in_tax = amount
    return in_document, in_tax


def _totals(root: _El) -> m.Totals:
    el = v.find(root, "cac:LegalMonetaryTotal")
    if el is None:
        raise FormatError(
            "BR-12",
            "The document totals (BG-22, cac:LegalMonetaryTotal) are missing",
            v.where(root, "cac:LegalMonetaryTotal"),
        )
    return m.Totals(
        line_extension=v.req_number(
            el, "cbc:LineExtensionAmount", "BR-12", "The sum of invoice line net amounts (BT-106)"
        ),
        tax_exclusive=v.req_number(
            el, "cbc:TaxExclusiveAmount", "BR-13", "The invoice total amount without VAT (BT-109)"
        ),
        tax_inclusive=v.req_number(el, "cbc:TaxInclusiveAmount", "BR-14", "The invoice total amount with VAT (BT-112)"),
        payable=v.req_number(el, "cbc:PayableAmount", "BR-15", "The amount due for payment (BT-115)"),
        allowance_total=v.number(el, "cbc:AllowanceTotalAmount"),
        charge_total=v.number(el, "cbc:ChargeTotalAmount"),
        prepaid=v.number(el, "cbc:PrepaidAmount"),
        rounding=v.number(el, "cbc:PayableRoundingAmount"),
    )


# --- the document --------------------------------------------------------------------------------


def _invoice(root: _El, info: DocumentInfo) -> m.Invoice:
    credit = info.kind == "CreditNote"
    # The mandatory header terms first, in document order, so the first problem reported is the first one found.
    number = v.req(root, "cbc:ID", "BR-02", "The invoice number (BT-1)")
    issue_date = v.req_date(root, "cbc:IssueDate", "BR-03", "The invoice issue date (BT-2)")
    type_tag = "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode"
    type_code = v.req(root, type_tag, "BR-04", "The invoice type code (BT-3)")
    currency = v.req(root, "cbc:DocumentCurrencyCode", "BR-05", "The invoice currency code (BT-5)")
    tax_currency = v.opt(root, "cbc:TaxCurrencyCode")
    invoiced_object = project = None
    attachments = []
    for ref in v.findall(root, "cac:AdditionalDocumentReference"):
        ref_type = v.opt(ref, "cbc:DocumentTypeCode")
        if ref_type == "130" and invoiced_object is None:
            invoiced_object = v.ident(v.find(ref, "cbc:ID"))
        elif ref_type == "50" and project is None:  # BT-11 on a credit note (UBL 2.1 has no ProjectReference there)
            project = v.opt(ref, "cbc:ID")
        else:
            attachments.append(_attachment(ref))
    due_date = v.date_(root, "cbc:DueDate")
    if due_date is None:
        due_date = next(
            (d for pm in v.findall(root, "cac:PaymentMeans") if (d := v.date_(pm, "cbc:PaymentDueDate")) is not None),
            None,
        )
    payee = v.find(root, "cac:PayeeParty")
    tax_representative = v.find(root, "cac:TaxRepresentativeParty")
    delivery = v.find(root, "cac:Delivery")
    order = v.find(root, "cac:OrderReference")
    tax_total, tax_total_in_tax_currency = _tax_totals(root, currency, tax_currency)
    line_tag, quantity_tag = (
        ("cac:CreditNoteLine", "cbc:CreditedQuantity") if credit else ("cac:InvoiceLine", "cbc:InvoicedQuantity")
    )
    lines = tuple(_line(el, quantity_tag) for el in v.findall(root, line_tag))
    if not lines:
        raise FormatError(
            "BR-16",
            "The invoice lines (BG-25) are missing: a document must have at least one line",
            v.where(root, line_tag),
        )
    return m.Invoice(
        kind=info.kind,
        id=number,
        issue_date=issue_date,
        type_code=type_code,
        currency=currency,
        seller=_party(
            root, "cac:AccountingSupplierParty/cac:Party", "seller", ("BR-06", "BR-08", "BR-09"), ("BT-27", "BG-5")
        ),
        buyer=_party(
            root, "cac:AccountingCustomerParty/cac:Party", "buyer", ("BR-07", "BR-10", "BR-11"), ("BT-44", "BG-8")
        ),
        totals=_totals(root),
        lines=lines,
        customization_id=info.customization_id or "",
        profile_id=info.profile_id,
        due_date=due_date,
        notes=tuple(n for n in (text(e) for e in v.findall(root, "cbc:Note")) if n is not None),
        tax_point_date=v.date_(root, "cbc:TaxPointDate"),
        tax_currency=tax_currency,
        accounting_cost=v.opt(root, "cbc:AccountingCost"),
        buyer_reference=v.opt(root, "cbc:BuyerReference"),
        period=_period(v.find(root, "cac:InvoicePeriod")),
        order_reference=v.opt(order, "cbc:ID") if order is not None else None,
        sales_order_reference=v.opt(order, "cbc:SalesOrderID") if order is not None else None,
        preceding_invoices=tuple(
            m.PrecedingInvoice(
                v.req(ref, "cbc:ID", "BR-55", "The preceding invoice reference (BT-25)"), v.date_(ref, "cbc:IssueDate")
            )
            for ref in v.findall(root, "cac:BillingReference/cac:InvoiceDocumentReference")
        ),
        despatch_reference=v.opt(root, "cac:DespatchDocumentReference/cbc:ID"),
        receipt_reference=v.opt(root, "cac:ReceiptDocumentReference/cbc:ID"),
        originator_reference=v.opt(root, "cac:OriginatorDocumentReference/cbc:ID"),
        contract_reference=v.opt(root, "cac:ContractDocumentReference/cbc:ID"),
        invoiced_object=invoiced_object,
        project_reference=v.opt(root, "cac:ProjectReference/cbc:ID") or project,
        attachments=tuple(attachments),
        payee=_payee(payee) if payee is not None else None,
        tax_representative=_tax_representative(tax_representative) if tax_representative is not None else None,
        delivery=_delivery(delivery) if delivery is not None else None,
        payment_means=tuple(_payment_means(pm) for pm in v.findall(root, "cac:PaymentMeans")),
        payment_terms=v.opt(root, "cac:PaymentTerms/cbc:Note"),
        allowances_charges=tuple(_allowance_charge(a, line=False) for a in v.findall(root, "cac:AllowanceCharge")),
        tax_total=tax_total,
        tax_total_in_tax_currency=tax_total_in_tax_currency,
        vat_breakdown=tuple(_vat_breakdown(s) for s in v.findall(root, "cac:TaxTotal/cac:TaxSubtotal")),
    )
