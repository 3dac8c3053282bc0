"""The EN 16931 semantic model of an invoice or credit note, as Peppol BIS Billing 3.0 (EHF) uses it.

Frozen dataclasses, one per business group (BG-*) of EN 16931-1, with the business term
(BT-*) each field carries named in its comment. Amounts and quantities are ``Decimal``;
dates are ``date``; optional terms are ``None`` (never an empty string), repeated terms are
tuples. The same model is read from UBL (:mod:`.read`), written to UBL (:mod:`.write`) and
checked by our rules (:mod:`.rules`), so a document survives parse → write → parse unchanged.

UBL names differ between the two document types (``InvoiceTypeCode``/``CreditNoteTypeCode``,
``InvoiceLine``/``CreditNoteLine``, ``InvoicedQuantity``/``CreditedQuantity``, and BT-9 due
date at document level versus ``PaymentMeans/PaymentDueDate``); the model has one name for
each term and :attr:`Invoice.kind` says which document it is.

>>> from decimal import Decimal
>>> VatBreakdown("S", Decimal("25"), Decimal("100.00"), Decimal("25.00")).category
'S'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

DocumentKind = Literal["Invoice", "CreditNote"]

PEPPOL_BIS3_CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PEPPOL_BIS3_PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"

#: UNCL1001 invoice type codes allowed by Peppol BIS 3 for an Invoice, and for a CreditNote.
INVOICE_TYPE_CODES = frozenset(
    {
        "71",
        "80",
        "82",
        "84",
        "102",
        "218",
        "219",
        "326",
        "331",
        "380",
        "382",
        "383",
        "386",
        "388",
        "393",
        "395",
        "553",
        "575",
        "623",
        "780",
        "817",
        "870",
        "875",
        "876",
        "877",
    }
)
CREDIT_NOTE_TYPE_CODES = frozenset({"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"})


@dataclass(frozen=True, slots=True)
class Identifier:
    """An identifier with its optional scheme (``schemeID``/``listID``), e.g. ``0192:923609016``."""

    value: str
    scheme: str | None = None
    scheme_version: str | None = None  # listVersionID, only on item classifications (BT-158-2)


@dataclass(frozen=True, slots=True)
class Address:
    """BG-5 / BG-8 / BG-12 / BG-15 postal address."""

    country_code: str  # BT-40 / BT-55 / BT-69 / BT-80
    street: str | None = None  # BT-35 StreetName
    additional_street: str | None = None  # BT-36 AdditionalStreetName
    address_line: str | None = None  # BT-162 AddressLine/Line
    city: str | None = None  # BT-37 CityName
    postal_zone: str | None = None  # BT-38 PostalZone
    country_subentity: str | None = None  # BT-39 CountrySubentity


@dataclass(frozen=True, slots=True)
class Contact:
    """BG-6 / BG-9 contact."""

    name: str | None = None  # BT-41 / BT-56
    telephone: str | None = None  # BT-42 / BT-57
    email: str | None = None  # BT-43 / BT-58


@dataclass(frozen=True, slots=True)
class Party:
    """BG-4 seller or BG-7 buyer."""

    registration_name: str  # BT-27 / BT-44 PartyLegalEntity/RegistrationName
    address: Address  # BG-5 / BG-8
    endpoint: Identifier | None = None  # BT-34 / BT-49 EndpointID (Peppol: mandatory)
    identifiers: tuple[Identifier, ...] = ()  # BT-29 / BT-46 PartyIdentification/ID (BT-90 creditor id: scheme SEPA)
    trading_name: str | None = None  # BT-28 / BT-45 PartyName/Name
    legal_id: Identifier | None = None  # BT-30 / BT-47 PartyLegalEntity/CompanyID (org.nr, scheme 0192)
    legal_form: str | None = None  # BT-33 CompanyLegalForm
    vat_id: str | None = None  # BT-31 / BT-48 PartyTaxScheme[VAT]/CompanyID, e.g. NO923609016MVA
    tax_registration_id: str | None = None  # BT-32 PartyTaxScheme[not VAT]/CompanyID: "Foretaksregisteret"
    contact: Contact | None = None  # BG-6 / BG-9


@dataclass(frozen=True, slots=True)
class Payee:
    """BG-10 payee, when another party than the seller receives the payment (e.g. factoring)."""

    name: str  # BT-59
    identifier: Identifier | None = None  # BT-60
    legal_id: Identifier | None = None  # BT-61


@dataclass(frozen=True, slots=True)
class TaxRepresentative:
    """BG-11 seller's tax representative."""

    name: str  # BT-62
    vat_id: str  # BT-63
    address: Address  # BG-12


@dataclass(frozen=True, slots=True)
class Delivery:
    """BG-13 delivery information."""

    date: date | None = None  # BT-72 ActualDeliveryDate
    location_id: Identifier | None = None  # BT-71
    address: Address | None = None  # BG-15
    party_name: str | None = None  # BT-70 DeliveryParty/PartyName/Name


@dataclass(frozen=True, slots=True)
class Period:
    """BG-14 invoicing period / BG-26 line period."""

    start: date | None = None  # BT-73 / BT-134
    end: date | None = None  # BT-74 / BT-135
    description_code: str | None = None  # BT-8 value added tax point date code (document level only)


@dataclass(frozen=True, slots=True)
class PrecedingInvoice:
    """BG-3 preceding invoice reference (mandatory on a credit note in Norway by practice)."""

    id: str  # BT-25
    issue_date: date | None = None  # BT-26


@dataclass(frozen=True, slots=True)
class Attachment:
    """BG-24 additional supporting document: an embedded file (e.g. the invoice as PDF) or a URL."""

    id: str  # BT-122
    description: str | None = None  # BT-123
    uri: str | None = None  # BT-124 ExternalReference/URI
    content: bytes | None = None  # BT-125 EmbeddedDocumentBinaryObject (decoded)
    mime_code: str | None = None  # BT-125-1
    filename: str | None = None  # BT-125-2


@dataclass(frozen=True, slots=True)
class CardInformation:
    """BG-18 payment card."""

    primary_account_number: str  # BT-87 (only the last 4-6 digits may be given)
    network_id: str  # NetworkID, mandatory in UBL
    holder_name: str | None = None  # BT-88


@dataclass(frozen=True, slots=True)
class DirectDebit:
    """BG-19 direct debit mandate."""

    mandate_reference: str | None = None  # BT-89
    payer_account: str | None = None  # BT-91


@dataclass(frozen=True, slots=True)
class PaymentMeans:
    """BG-16 payment instructions. In Norway ``payment_id`` carries the KID."""

    code: str  # BT-81 UNCL4461: 30 credit transfer, 58 SEPA credit transfer, 31 debit transfer, 48 card, 49/59 direct debit
    code_name: str | None = None  # BT-82 @name
    payment_id: str | None = None  # BT-83 remittance information / KID
    account_id: str | None = None  # BT-84 PayeeFinancialAccount/ID (IBAN or kontonr)
    account_name: str | None = None  # BT-85
    bic: str | None = None  # BT-86 FinancialInstitutionBranch/ID
    card: CardInformation | None = None  # BG-18
    direct_debit: DirectDebit | None = None  # BG-19


@dataclass(frozen=True, slots=True)
class AllowanceCharge:
    """BG-20/BG-21 document-level or BG-27/BG-28 line-level allowance (rabatt) or charge (gebyr).

    The VAT category and rate apply at document level only (BT-95/BT-96, BT-102/BT-103).
    """

    is_charge: bool
    amount: Decimal  # BT-92 / BT-99 / BT-136 / BT-141
    reason: str | None = None  # BT-97 / BT-104 / BT-139 / BT-144
    reason_code: str | None = None  # BT-98 / BT-105 / BT-140 / BT-145 (UNCL5189 / UNCL7161)
    base_amount: Decimal | None = None  # BT-93 / BT-100 / BT-137 / BT-142
    percent: Decimal | None = None  # BT-94 / BT-101 / BT-138 / BT-143 MultiplierFactorNumeric
    vat_category: str | None = None  # BT-95 / BT-102
    vat_rate: Decimal | None = None  # BT-96 / BT-103


@dataclass(frozen=True, slots=True)
class Price:
    """BG-29 price details."""

    amount: Decimal  # BT-146 item net price
    base_quantity: Decimal | None = None  # BT-149
    base_quantity_unit: str | None = None  # BT-150
    discount: Decimal | None = None  # BT-147 price discount (AllowanceCharge in Price)
    gross_amount: Decimal | None = None  # BT-148 item gross price


@dataclass(frozen=True, slots=True)
class ItemAttribute:
    """BG-32 item attribute."""

    name: str  # BT-160
    value: str  # BT-161


@dataclass(frozen=True, slots=True)
class Item:
    """BG-31 item information, with BG-30 line VAT."""

    name: str  # BT-153
    vat_category: str  # BT-151 UNCL5305: S, Z, E, AE, K, G, O, L, M
    vat_rate: Decimal | None = None  # BT-152 (absent for category O)
    description: str | None = None  # BT-154
    sellers_id: str | None = None  # BT-155
    buyers_id: str | None = None  # BT-156
    standard_id: Identifier | None = None  # BT-157 (e.g. GTIN, scheme 0160)
    classifications: tuple[Identifier, ...] = ()  # BT-158 CommodityClassification (listID, listVersionID)
    origin_country: str | None = None  # BT-159
    attributes: tuple[ItemAttribute, ...] = ()  # BG-32


@dataclass(frozen=True, slots=True)
class Line:
    """BG-25 invoice line (or credit note line)."""

    id: str  # BT-126
    quantity: Decimal  # BT-129 InvoicedQuantity / CreditedQuantity
    unit_code: str  # BT-130 UN/ECE Rec 20 (+21): C62 one, HUR hour, KGM kilogram, ...
    net_amount: Decimal  # BT-131 LineExtensionAmount
    item: Item  # BG-31 / BG-30
    price: Price  # BG-29
    note: str | None = None  # BT-127
    object_id: Identifier | None = None  # BT-128 DocumentReference with DocumentTypeCode 130
    order_line_ref: str | None = None  # BT-132 OrderLineReference/LineID
    accounting_cost: str | None = None  # BT-133
    period: Period | None = None  # BG-26
    allowances_charges: tuple[AllowanceCharge, ...] = ()  # BG-27 / BG-28


@dataclass(frozen=True, slots=True)
class VatBreakdown:
    """BG-23 VAT breakdown: one per VAT category and rate."""

    category: str  # BT-118
    rate: Decimal | None  # BT-119 (absent for category O)
    taxable_amount: Decimal  # BT-116
    tax_amount: Decimal  # BT-117
    exemption_reason: str | None = None  # BT-120
    exemption_reason_code: str | None = None  # BT-121 (VATEX)


@dataclass(frozen=True, slots=True)
class Totals:
    """BG-22 document totals (LegalMonetaryTotal)."""

    line_extension: Decimal  # BT-106 sum of line net amounts
    tax_exclusive: Decimal  # BT-109
    tax_inclusive: Decimal  # BT-112
    payable: Decimal  # BT-115
    allowance_total: Decimal | None = None  # BT-107
    charge_total: Decimal | None = None  # BT-108
    prepaid: Decimal | None = None  # BT-113
    rounding: Decimal | None = None  # BT-114 PayableRoundingAmount


@dataclass(frozen=True, slots=True)
class Invoice:
    """An EN 16931 invoice or credit note (``kind``), as read from or written to Peppol BIS 3 UBL."""

    kind: DocumentKind
    id: str  # BT-1
    issue_date: date  # BT-2
    type_code: str  # BT-3 UNCL1001: 380 commercial invoice, 381 credit note, 383 debit note, 386 prepayment, ...
    currency: str  # BT-5 DocumentCurrencyCode
    seller: Party  # BG-4
    buyer: Party  # BG-7
    totals: Totals  # BG-22
    lines: tuple[Line, ...]  # BG-25
    customization_id: str = PEPPOL_BIS3_CUSTOMIZATION  # BT-24
    profile_id: str | None = PEPPOL_BIS3_PROFILE  # BT-23
    due_date: date | None = None  # BT-9
    notes: tuple[str, ...] = ()  # BT-22
    tax_point_date: date | None = None  # BT-7
    tax_currency: str | None = None  # BT-6 TaxCurrencyCode (NOK when invoicing in a foreign currency)
    accounting_cost: str | None = None  # BT-19
    buyer_reference: str | None = None  # BT-10 (Norway: "Deres ref.", often mandatory for public buyers)
    period: Period | None = None  # BG-14 (+ BT-8)
    order_reference: str | None = None  # BT-13 OrderReference/ID
    sales_order_reference: str | None = None  # BT-14 OrderReference/SalesOrderID
    preceding_invoices: tuple[PrecedingInvoice, ...] = ()  # BG-3 BillingReference
    despatch_reference: str | None = None  # BT-16
    receipt_reference: str | None = None  # BT-15
    originator_reference: str | None = None  # BT-17 OriginatorDocumentReference (tender or lot)
    contract_reference: str | None = None  # BT-12
    invoiced_object: Identifier | None = None  # BT-18 AdditionalDocumentReference with DocumentTypeCode 130
    project_reference: str | None = None  # BT-11 ProjectReference/ID
    attachments: tuple[Attachment, ...] = ()  # BG-24
    payee: Payee | None = None  # BG-10
    tax_representative: TaxRepresentative | None = None  # BG-11
    delivery: Delivery | None = None  # BG-13
    payment_means: tuple[PaymentMeans, ...] = ()  # BG-16
    payment_terms: str | None = None  # BT-20
    allowances_charges: tuple[AllowanceCharge, ...] = ()  # BG-20 / BG-21
    tax_total: Decimal | None = None  # BT-110 total VAT in document currency
    tax_total_in_tax_currency: Decimal | None = None  # BT-111 total VAT in tax currency (NOK)
    vat_breakdown: tuple[VatBreakdown, ...] = field(default=())  # BG-23

    @property
    def is_credit_note(self) -> bool:
        return self.kind == "CreditNote"

    @property
    def kid(self) -> str | None:
        """The KID (BT-83) of the first payment means that has one."""
        return next((pm.payment_id for pm in self.payment_means if pm.payment_id), None)
