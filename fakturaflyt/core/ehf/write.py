"""Write the invoice model as Peppol BIS Billing 3.0 (EHF Billing 3.0) UBL 2.1 XML.

The mapping of each EN 16931-1 business term (BT-*) to UBL is the one of the Peppol BIS Billing
3.0 syntax binding (https://docs.peppol.eu/poacc/billing/3.0/syntax/ubl-invoice/ and
``.../ubl-creditnote/``); elements come in the exact order of the UBL 2.1 XSD sequences
(``UBL-Invoice-2.1.xsd``, ``UBL-CreditNote-2.1.xsd``, ``UBL-CommonAggregateComponents-2.1.xsd``).
The two document types differ in more than their names:

- ``Invoice`` has BT-9 as ``cbc:DueDate`` after ``IssueDate``; ``CreditNote`` has no such element,
  so BT-9 goes to the first ``cac:PaymentMeans/cbc:PaymentDueDate`` (at most once, UBL-SR-45;
  a credit note without payment means has nowhere to carry it, and it is left out);
- ``CreditNote`` puts ``TaxPointDate`` before its type code and ``OriginatorDocumentReference``
  after ``AdditionalDocumentReference``, and has no ``ProjectReference``: BT-11 is an
  ``AdditionalDocumentReference`` with ``DocumentTypeCode`` 50 (PEPPOL-EN16931-R080);
- lines are ``InvoiceLine``/``InvoicedQuantity`` or ``CreditNoteLine``/``CreditedQuantity``.

The writer writes the model as it is: it computes nothing (use :func:`.calc.complete` first) and
never invents a value, so ``read_invoice(write_invoice(x)) == x`` for every model the reader gives.
Every amount carries ``currencyID`` (the document currency, BT-5; only BT-111 is in the tax
currency, as a second ``TaxTotal`` without subtotals, PEPPOL-EN16931-R054), every quantity
``unitCode``; decimals are written in plain notation, as given (never ``1E+2``).

>>> from datetime import date
>>> from decimal import Decimal as Dec
>>> from fakturaflyt.core.ehf.calc import TO_COMPUTE, complete, invoice_line, norwegian_party
>>> from fakturaflyt.core.ehf.model import Address, Invoice, Item
>>> s = norwegian_party("923609016", "Selger AS", Address("NO"))
>>> b = norwegian_party("974760673", "Kjøper AS", Address("NO"))
>>> inv = complete(Invoice("Invoice", "1", date(2026, 1, 5), "380", "NOK", s, b, TO_COMPUTE,
...                        (invoice_line("1", Item("Vare", "S", Dec("25")), Dec("2"), Dec("50")),),
...                        buyer_reference="Ola"))
>>> xml = write_invoice(inv)
>>> xml.splitlines()[0]
b'<?xml version="1.0" encoding="UTF-8"?>'
>>> b'<cbc:PayableAmount currencyID="NOK">125.00</cbc:PayableAmount>' in xml
True
"""

from __future__ import annotations

import base64
from datetime import date
from decimal import Decimal

from lxml import etree

from fakturaflyt.core.ehf import model as m
from fakturaflyt.core.errors import FormatError

__all__ = ["NS_CAC", "NS_CBC", "NS_CREDIT_NOTE", "NS_INVOICE", "write_invoice"]

NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NS_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

_CAC = f"{{{NS_CAC}}}"
_CBC = f"{{{NS_CBC}}}"

_Element = etree._Element
_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def _num(value: Decimal) -> str:
    """A decimal in plain notation as given (``format(x, 'f')``): ``Decimal('1E+2')`` is ``100``."""
    if not value.is_finite():
        raise FormatError("FF-EHF-WRITE", f"{value} is not a number that can be written in an invoice", "")
    return format(value, "f")


def _cac(parent: _Element, name: str) -> _Element:
    return etree.SubElement(parent, _CAC + name)


def _cbc(parent: _Element, name: str, value: str | date | None, /, **attrs: str | None) -> _Element | None:
    """A basic element with text, or nothing when the value is absent (no empty elements: PEPPOL-EN16931-R008)."""
    if value is None:
        return None
    text = value.isoformat() if isinstance(value, date) else value
    if text == "":
        return None
    el = etree.SubElement(parent, _CBC + name)
    try:
        el.text = text
        for key, val in attrs.items():
            if val is not None and val != "":
                el.set(key, val)
    except ValueError:  # control characters and the like, which XML 1.0 cannot carry
        raise FormatError(
            "FF-EHF-WRITE", f"{name} {text!r} contains characters that cannot be written in XML; remove them", name
        ) from None
    return el


class _Writer:
    def __init__(self, inv: m.Invoice) -> None:
        self.inv = inv
        self.currency = inv.currency
        self.credit = inv.kind == "CreditNote"

    def amount(self, parent: _Element, name: str, value: Decimal | None, currency: str | None = None) -> None:
        if value is not None:
            _cbc(parent, name, _num(value), currencyID=currency or self.currency)

    def identifier(self, parent: _Element, name: str, ident: m.Identifier | None) -> None:
        if ident is not None:
            _cbc(parent, name, ident.value, schemeID=ident.scheme)

    # -- document ------------------------------------------------------------------------------

    def document(self) -> _Element:
        inv = self.inv
        ns = NS_CREDIT_NOTE if self.credit else NS_INVOICE
        root = etree.Element(f"{{{ns}}}{inv.kind}", nsmap={None: ns, "cac": NS_CAC, "cbc": NS_CBC})
        _cbc(root, "CustomizationID", inv.customization_id)
        _cbc(root, "ProfileID", inv.profile_id)
        _cbc(root, "ID", inv.id)
        _cbc(root, "IssueDate", inv.issue_date)
        if self.credit:
            _cbc(root, "TaxPointDate", inv.tax_point_date)
            _cbc(root, "CreditNoteTypeCode", inv.type_code)
        else:
            _cbc(root, "DueDate", inv.due_date)
            _cbc(root, "InvoiceTypeCode", inv.type_code)
        for note in inv.notes:
            _cbc(root, "Note", note)
        if not self.credit:
            _cbc(root, "TaxPointDate", inv.tax_point_date)
        _cbc(root, "DocumentCurrencyCode", inv.currency)
        _cbc(root, "TaxCurrencyCode", inv.tax_currency)
        _cbc(root, "AccountingCost", inv.accounting_cost)
        _cbc(root, "BuyerReference", inv.buyer_reference)
        if inv.period is not None:
            self.period(root, inv.period)
        if inv.order_reference is not None or inv.sales_order_reference is not None:
            ref = _cac(root, "OrderReference")
            # OrderReference/ID is mandatory in UBL; Peppol BIS says "NA" when only BT-14 is known.
            _cbc(ref, "ID", inv.order_reference if inv.order_reference is not None else "NA")
            _cbc(ref, "SalesOrderID", inv.sales_order_reference)
        for prec in inv.preceding_invoices:
            doc = _cac(_cac(root, "BillingReference"), "InvoiceDocumentReference")
            _cbc(doc, "ID", prec.id)
            _cbc(doc, "IssueDate", prec.issue_date)
        self.simple_reference(root, "DespatchDocumentReference", inv.despatch_reference)
        self.simple_reference(root, "ReceiptDocumentReference", inv.receipt_reference)
        if not self.credit:
            self.simple_reference(root, "OriginatorDocumentReference", inv.originator_reference)
        self.simple_reference(root, "ContractDocumentReference", inv.contract_reference)
        if inv.invoiced_object is not None:
            doc = _cac(root, "AdditionalDocumentReference")
            self.identifier(doc, "ID", inv.invoiced_object)
            _cbc(doc, "DocumentTypeCode", "130")
        if self.credit and inv.project_reference is not None:
            doc = _cac(root, "AdditionalDocumentReference")
            _cbc(doc, "ID", inv.project_reference)
            _cbc(doc, "DocumentTypeCode", "50")
        for att in inv.attachments:
            self.attachment(root, att)
        if self.credit:
            self.simple_reference(root, "OriginatorDocumentReference", inv.originator_reference)
        elif inv.project_reference is not None:
            _cbc(_cac(root, "ProjectReference"), "ID", inv.project_reference)
        self.party(_cac(_cac(root, "AccountingSupplierParty"), "Party"), inv.seller)
        self.party(_cac(_cac(root, "AccountingCustomerParty"), "Party"), inv.buyer)
        if inv.payee is not None:
            self.payee(root, inv.payee)
        if inv.tax_representative is not None:
            self.tax_representative(root, inv.tax_representative)
        if inv.delivery is not None:
            self.delivery(root, inv.delivery)
        for i, pm in enumerate(inv.payment_means):
            self.payment_means(root, pm, inv.due_date if self.credit and i == 0 else None)
        if inv.payment_terms is not None:
            _cbc(_cac(root, "PaymentTerms"), "Note", inv.payment_terms)
        for ac in inv.allowances_charges:
            self.allowance_charge(root, ac, document_level=True)
        self.tax_totals(root)
        self.monetary_total(root, inv.totals)
        for line in inv.lines:
            self.line(root, line)
        return root

    def simple_reference(self, parent: _Element, name: str, value: str | None) -> None:
        if value is not None:
            _cbc(_cac(parent, name), "ID", value)

    def period(self, parent: _Element, period: m.Period) -> None:
        el = _cac(parent, "InvoicePeriod")
        _cbc(el, "StartDate", period.start)
        _cbc(el, "EndDate", period.end)
        _cbc(el, "DescriptionCode", period.description_code)

    def attachment(self, parent: _Element, att: m.Attachment) -> None:
        doc = _cac(parent, "AdditionalDocumentReference")
        _cbc(doc, "ID", att.id)
        _cbc(doc, "DocumentDescription", att.description)
        if att.content is None and att.uri is None:
            return
        holder = _cac(doc, "Attachment")
        if att.content is not None:
            if not att.mime_code:
                raise FormatError(
                    "FF-EHF-WRITE",
                    f"attachment {att.id!r} has content but no MIME type (BT-125-1); "
                    "say what it is, e.g. application/pdf",
                    "attachments",
                )
            _cbc(
                holder,
                "EmbeddedDocumentBinaryObject",
                base64.b64encode(att.content).decode("ascii"),
                mimeCode=att.mime_code,
                filename=att.filename,
            )
        if att.uri is not None:
            _cbc(_cac(holder, "ExternalReference"), "URI", att.uri)

    # -- parties -------------------------------------------------------------------------------

    def address(self, parent: _Element, name: str, addr: m.Address) -> None:
        el = _cac(parent, name)
        _cbc(el, "StreetName", addr.street)
        _cbc(el, "AdditionalStreetName", addr.additional_street)
        _cbc(el, "CityName", addr.city)
        _cbc(el, "PostalZone", addr.postal_zone)
        _cbc(el, "CountrySubentity", addr.country_subentity)
        if addr.address_line is not None:
            _cbc(_cac(el, "AddressLine"), "Line", addr.address_line)
        _cbc(_cac(el, "Country"), "IdentificationCode", addr.country_code)

    def tax_scheme(self, parent: _Element, company_id: str, scheme: str) -> None:
        el = _cac(parent, "PartyTaxScheme")
        _cbc(el, "CompanyID", company_id)
        _cbc(_cac(el, "TaxScheme"), "ID", scheme)

    def party(self, el: _Element, party: m.Party) -> None:
        self.identifier(el, "EndpointID", party.endpoint)
        for ident in party.identifiers:
            self.identifier(_cac(el, "PartyIdentification"), "ID", ident)
        if party.trading_name is not None:
            _cbc(_cac(el, "PartyName"), "Name", party.trading_name)
        self.address(el, "PostalAddress", party.address)
        if party.vat_id is not None:
            self.tax_scheme(el, party.vat_id, "VAT")
        if party.tax_registration_id is not None:
            # Norway: "Foretaksregisteret" in a PartyTaxScheme with scheme TAX (NO-R-002).
            self.tax_scheme(el, party.tax_registration_id, "TAX")
        legal = _cac(el, "PartyLegalEntity")
        _cbc(legal, "RegistrationName", party.registration_name)
        self.identifier(legal, "CompanyID", party.legal_id)
        _cbc(legal, "CompanyLegalForm", party.legal_form)
        if party.contact is not None:
            c = party.contact
            if c.name is not None or c.telephone is not None or c.email is not None:
                contact = _cac(el, "Contact")
                _cbc(contact, "Name", c.name)
                _cbc(contact, "Telephone", c.telephone)
                _cbc(contact, "ElectronicMail", c.email)

    def payee(self, parent: _Element, payee: m.Payee) -> None:
        el = _cac(parent, "PayeeParty")
        if payee.identifier is not None:
            self.identifier(_cac(el, "PartyIdentification"), "ID", payee.identifier)
        _cbc(_cac(el, "PartyName"), "Name", payee.name)
        if payee.legal_id is not None:
            self.identifier(_cac(el, "PartyLegalEntity"), "CompanyID", payee.legal_id)

    def tax_representative(self, parent: _Element, rep: m.TaxRepresentative) -> None:
        el = _cac(parent, "TaxRepresentativeParty")
        _cbc(_cac(el, "PartyName"), "Name", rep.name)
        self.address(el, "PostalAddress", rep.address)
        self.tax_scheme(el, rep.vat_id, "VAT")

    def delivery(self, parent: _Element, delivery: m.Delivery) -> None:
        el = _cac(parent, "Delivery")
        _cbc(el, "ActualDeliveryDate", delivery.date)
        if delivery.location_id is not None or delivery.address is not None:
            loc = _cac(el, "DeliveryLocation")
            self.identifier(loc, "ID", delivery.location_id)
            if delivery.address is not None:
                self.address(loc, "Address", delivery.address)
        if delivery.party_name is not None:
            _cbc(_cac(_cac(el, "DeliveryParty"), "PartyName"), "Name", delivery.party_name)

    # -- payment -------------------------------------------------------------------------------

    def payment_means(self, parent: _Element, pm: m.PaymentMeans, due_date: date | None) -> None:
        el = _cac(parent, "PaymentMeans")
        _cbc(el, "PaymentMeansCode", pm.code, name=pm.code_name)
        _cbc(el, "PaymentDueDate", due_date)
        _cbc(el, "PaymentID", pm.payment_id)
        if pm.card is not None:
            card = _cac(el, "CardAccount")
            _cbc(card, "PrimaryAccountNumberID", pm.card.primary_account_number)
            _cbc(card, "NetworkID", pm.card.network_id)
            _cbc(card, "HolderName", pm.card.holder_name)
        if pm.account_id is not None or pm.account_name is not None or pm.bic is not None:
            account = _cac(el, "PayeeFinancialAccount")
            _cbc(account, "ID", pm.account_id)
            _cbc(account, "Name", pm.account_name)
            if pm.bic is not None:
                _cbc(_cac(account, "FinancialInstitutionBranch"), "ID", pm.bic)
        dd = pm.direct_debit
        if dd is not None and (dd.mandate_reference is not None or dd.payer_account is not None):
            mandate = _cac(el, "PaymentMandate")
            _cbc(mandate, "ID", dd.mandate_reference)
            if dd.payer_account is not None:
                _cbc(_cac(mandate, "PayerFinancialAccount"), "ID", dd.payer_account)

    # -- allowances, charges, VAT and totals ---------------------------------------------------

    def tax_category(self, parent: _Element, name: str, category: str, rate: Decimal | None) -> _Element:
        el = _cac(parent, name)
        _cbc(el, "ID", category)
        if rate is not None:
            _cbc(el, "Percent", _num(rate))
        return el

    def allowance_charge(self, parent: _Element, ac: m.AllowanceCharge, *, document_level: bool) -> None:
        el = _cac(parent, "AllowanceCharge")
        _cbc(el, "ChargeIndicator", "true" if ac.is_charge else "false")
        _cbc(el, "AllowanceChargeReasonCode", ac.reason_code)
        _cbc(el, "AllowanceChargeReason", ac.reason)
        if ac.percent is not None:
            _cbc(el, "MultiplierFactorNumeric", _num(ac.percent))
        self.amount(el, "Amount", ac.amount)
        self.amount(el, "BaseAmount", ac.base_amount)
        if document_level and ac.vat_category is not None:
            cat = self.tax_category(el, "TaxCategory", ac.vat_category, ac.vat_rate)
            _cbc(_cac(cat, "TaxScheme"), "ID", "VAT")

    def tax_totals(self, root: _Element) -> None:
        inv = self.inv
        if inv.tax_total is not None:
            total = _cac(root, "TaxTotal")
            self.amount(total, "TaxAmount", inv.tax_total)
            for b in inv.vat_breakdown:
                sub = _cac(total, "TaxSubtotal")
                self.amount(sub, "TaxableAmount", b.taxable_amount)
                self.amount(sub, "TaxAmount", b.tax_amount)
                cat = self.tax_category(sub, "TaxCategory", b.category, b.rate)
                _cbc(cat, "TaxExemptionReasonCode", b.exemption_reason_code)
                _cbc(cat, "TaxExemptionReason", b.exemption_reason)
                _cbc(_cac(cat, "TaxScheme"), "ID", "VAT")
        elif inv.vat_breakdown:
            raise FormatError(
                "FF-EHF-WRITE",
                "the invoice has a VAT breakdown but no total VAT amount (BT-110); compute it with calc.complete()",
                "tax_total",
            )
        if inv.tax_total_in_tax_currency is not None:
            total = _cac(root, "TaxTotal")
            self.amount(total, "TaxAmount", inv.tax_total_in_tax_currency, inv.tax_currency or self.currency)

    def monetary_total(self, root: _Element, t: m.Totals) -> None:
        el = _cac(root, "LegalMonetaryTotal")
        self.amount(el, "LineExtensionAmount", t.line_extension)
        self.amount(el, "TaxExclusiveAmount", t.tax_exclusive)
        self.amount(el, "TaxInclusiveAmount", t.tax_inclusive)
        self.amount(el, "AllowanceTotalAmount", t.allowance_total)
        self.amount(el, "ChargeTotalAmount", t.charge_total)
        self.amount(el, "PrepaidAmount", t.prepaid)
        self.amount(el, "PayableRoundingAmount", t.rounding)
        self.amount(el, "PayableAmount", t.payable)

    # -- lines ---------------------------------------------------------------------------------

    def line(self, root: _Element, line: m.Line) -> None:
        el = _cac(root, "CreditNoteLine" if self.credit else "InvoiceLine")
        _cbc(el, "ID", line.id)
        _cbc(el, "Note", line.note)
        _cbc(
            el, "CreditedQuantity" if self.credit else "InvoicedQuantity", _num(line.quantity), unitCode=line.unit_code
        )
        self.amount(el, "LineExtensionAmount", line.net_amount)
        _cbc(el, "AccountingCost", line.accounting_cost)
        if line.period is not None:
            period = _cac(el, "InvoicePeriod")
            _cbc(period, "StartDate", line.period.start)
            _cbc(period, "EndDate", line.period.end)
        if line.order_line_ref is not None:
            _cbc(_cac(el, "OrderLineReference"), "LineID", line.order_line_ref)
        if line.object_id is not None:
            doc = _cac(el, "DocumentReference")
            self.identifier(doc, "ID", line.object_id)
            _cbc(doc, "DocumentTypeCode", "130")
        for ac in line.allowances_charges:
            self.allowance_charge(el, ac, document_level=False)
        self.item(el, line.item)
        self.price(el, line.price)

    def item(self, parent: _Element, item: m.Item) -> None:
        el = _cac(parent, "Item")
        _cbc(el, "Description", item.description)
        _cbc(el, "Name", item.name)
        if item.buyers_id is not None:
            _cbc(_cac(el, "BuyersItemIdentification"), "ID", item.buyers_id)
        if item.sellers_id is not None:
            _cbc(_cac(el, "SellersItemIdentification"), "ID", item.sellers_id)
        if item.standard_id is not None:
            self.identifier(_cac(el, "StandardItemIdentification"), "ID", item.standard_id)
        if item.origin_country is not None:
            _cbc(_cac(el, "OriginCountry"), "IdentificationCode", item.origin_country)
        for cls in item.classifications:
            _cbc(
                _cac(el, "CommodityClassification"),
                "ItemClassificationCode",
                cls.value,
                listID=cls.scheme,
                listVersionID=cls.scheme_version,
            )
        cat = self.tax_category(el, "ClassifiedTaxCategory", item.vat_category, item.vat_rate)
        _cbc(_cac(cat, "TaxScheme"), "ID", "VAT")
        for attr in item.attributes:
            prop = _cac(el, "AdditionalItemProperty")
            _cbc(prop, "Name", attr.name)
            _cbc(prop, "Value", attr.value)

    def price(self, parent: _Element, price: m.Price) -> None:
        el = _cac(parent, "Price")
        self.amount(el, "PriceAmount", price.amount)
        if price.base_quantity is not None:
            _cbc(el, "BaseQuantity", _num(price.base_quantity), unitCode=price.base_quantity_unit)
        if price.discount is not None or price.gross_amount is not None:
            # BT-147/BT-148 live in one price AllowanceCharge, whose Amount UBL requires: a gross
            # price without a discount is written with a discount of 0.00.
            ac = _cac(el, "AllowanceCharge")
            _cbc(ac, "ChargeIndicator", "false")
            self.amount(ac, "Amount", price.discount if price.discount is not None else Decimal("0.00"))
            self.amount(ac, "BaseAmount", price.gross_amount)


def write_invoice(inv: m.Invoice) -> bytes:
    """The invoice or credit note (``inv.kind``) as UBL 2.1 XML: UTF-8 with an XML declaration.

    Raises :class:`~fakturaflyt.core.errors.FormatError` (``FF-EHF-WRITE``) for a model that
    cannot be written as valid UBL: an embedded attachment without MIME type, a VAT breakdown
    without total VAT, a text with characters XML cannot carry, a number that is not finite.
    """
    root = _Writer(inv).document()
    return _DECLARATION + bytes(etree.tostring(root, encoding="UTF-8", xml_declaration=False, pretty_print=True))
