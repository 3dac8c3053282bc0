"""Peppol BIS Billing 3.0 rules over the model: PEPPOL-EN16931-R/P/CL, PEPPOL-COMMON-R (identifiers), NO-R-001/002.

Each check mirrors the assert of the same id in ``PEPPOL-EN16931-UBL.sch`` (release
2026.5, "3.0.21"), including its functions: ``u:slack`` (a tolerance of 0.02), ``u:mod11``
(the Norwegian organisation number check digit, weights 2-7 from the right), ``u:gln``
(GS1 check digit), ``u:checkSEOrgnr`` (Luhn) and the Belgian ``mod97-0208``.

The Norwegian rules apply when the seller is Norwegian as the schematron decides it: the
country prefix of the seller's VAT identifier, else of its tax representative's, else the
country of the seller's postal address.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import NamedTuple

from fakturaflyt.core.ehf._rulebase import ZERO, Ctx, idx, money, problem, round2, rule, slack
from fakturaflyt.core.ehf.model import PEPPOL_BIS3_CUSTOMIZATION, AllowanceCharge, Identifier
from fakturaflyt.core.errors import Problem, Severity

#: PEPPOL-EN16931-R007: the profiles Peppol BIS Billing 3.0 accepts ('01' billing, '02' billing with response).
PROFILE_01 = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
PROFILES = {
    "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0": "01",
    "urn:peppol:france:billing:regulated": "01",
    "urn:peppol:france:billing:non-regulated": "01",
    "urn:peppol:bis:billing_with_response": "02",
}
#: PEPPOL-EN16931-P0100 / P0101: the type codes of an Invoice / a CreditNote.
P0100_TYPES = frozenset(
    "71 80 82 84 102 218 219 326 331 380 382 383 384 386 388 393 395 553 575 623 780 817 870 875 876 877".split()
)
P0101_TYPES = frozenset("381 396 81 83 532".split())
#: PEPPOL-EN16931-CL008: Electronic Address Scheme (EAS) codes of the 2026.5 release.
EAS_CODES = frozenset(
    """0002 0007 0009 0060 0088 0096 0097 0106 0130 0135 0142 0151 0183 0184 0188 0190 0191 0192 0195 0196 0198 0199
    0200 0201 0204 0208 0209 0210 0211 0216 0218 0221 0225 0230 0235 0240 0242 0244 0245 0246 0248 9910 9913 9914
    9915 9918 9919 9920 9922 9923 9924 9925 9926 9927 9928 9929 9930 9931 9932 9933 9934 9935 9936 9937 9938 9939
    9940 9941 9942 9943 9944 9945 9946 9947 9948 9949 9950 9951 9952 9953 9957 9959""".split()
)
#: PEPPOL-EN16931-P0104..P0111: an exemption reason code that fixes the VAT category.
EXEMPTION_CATEGORY = {
    "VATEX-EU-G": ("PEPPOL-EN16931-P0104", "G"),
    "VATEX-EU-O": ("PEPPOL-EN16931-P0105", "O"),
    "VATEX-EU-IC": ("PEPPOL-EN16931-P0106", "K"),
    "VATEX-EU-AE": ("PEPPOL-EN16931-P0107", "AE"),
    "VATEX-EU-D": ("PEPPOL-EN16931-P0108", "E"),
    "VATEX-EU-F": ("PEPPOL-EN16931-P0109", "E"),
    "VATEX-EU-I": ("PEPPOL-EN16931-P0110", "E"),
    "VATEX-EU-J": ("PEPPOL-EN16931-P0111", "E"),
}
_SLACK = Decimal("0.02")
_DIGITS = re.compile(r"[0-9]+")


def mod11_ok(value: str) -> bool:
    """Peppol's ``u:mod11``: the last digit is the MOD11 check digit (weights 2-7 from the right).

    >>> mod11_ok("923609016"), mod11_ok("923609017")
    (True, False)
    """
    if not value or not value.isdigit() or int(value) <= 0:
        return False
    body = value[:-1]
    total = sum(int(d) * (i % 6 + 2) for i, d in enumerate(reversed(body)))
    return (11 - total % 11) % 11 == int(value[-1])


def gln_ok(value: str) -> bool:
    """Peppol's ``u:gln``: a GS1 check digit (weights 3 and 1 from the right).

    >>> gln_ok("7300010000001"), gln_ok("7300010000002")
    (True, False)
    """
    if not _DIGITS.fullmatch(value):
        return False
    body = value[:-1]
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == int(value[-1])


def se_orgnr_ok(value: str) -> bool:
    """Peppol's ``u:checkSEOrgnr``: digits only, and the tenth digit the Luhn check of the first nine."""
    if not _DIGITS.fullmatch(value):
        return False
    main, check = value[:9], value[9:10]
    total = 0
    for pos, d in enumerate(reversed(main), start=1):
        n = int(d)
        total += (n * 2) % 10 + (n * 2) // 10 if pos % 2 == 1 else n
    return check != "" and (10 - total % 10) % 10 == int(check)


def be_mod97_ok(value: str) -> bool:
    """Peppol's ``u:mod97-0208`` (Belgian enterprise number): 97 - (first 8 digits mod 97) = last 2 digits."""
    return 97 - int(value[:8]) % 97 == int(value[8:10])


def _dk_cvr(value: str) -> bool:
    digits = value[2:10] if len(value) == 10 and value.startswith("DK") else value[:8] if len(value) == 8 else None
    return digits is not None and all(ch in "0123456789" for ch in digits)


def _translate_digits(value: str) -> str:
    return "".join(ch for ch in value if ch not in "0123456789")


class IdentifierRule(NamedTuple):
    code: str
    severity: Severity
    test: Callable[[str], bool]
    name: str  # what the identifier is, for messages


#: PEPPOL-COMMON-Rnnn: the format checks of identifiers by their scheme (EAS / ICD code).
IDENTIFIER_RULES: dict[str, IdentifierRule] = {
    "0088": IdentifierRule("PEPPOL-COMMON-R040", "fatal", gln_ok, "GLN (global location number)"),
    "0192": IdentifierRule(
        "PEPPOL-COMMON-R041",
        "fatal",
        lambda v: re.fullmatch(r"[0-9]{9}", v) is not None and mod11_ok(v),
        "Norwegian organisation number",
    ),
    "0184": IdentifierRule("PEPPOL-COMMON-R042", "fatal", _dk_cvr, "Danish CVR number"),
    "0096": IdentifierRule(
        "PEPPOL-COMMON-R052",
        "fatal",
        lambda v: len(v) == 10 and _translate_digits(v) == "",
        "Danish P number",
    ),
    "0198": IdentifierRule(
        "PEPPOL-COMMON-R053",
        "fatal",
        lambda v: len(v) == 10 and v.startswith("DK") and _translate_digits(v[2:10]) == "",
        "Danish SE number",
    ),
    "0208": IdentifierRule(
        "PEPPOL-COMMON-R043",
        "fatal",
        lambda v: re.fullmatch(r"[0-9]{10}", v) is not None and be_mod97_ok(v),
        "Belgian enterprise number",
    ),
    "0007": IdentifierRule(
        "PEPPOL-COMMON-R049",
        "fatal",
        lambda v: len(v) == 10 and se_orgnr_ok(v),
        "Swedish organisation number",
    ),
    "0106": IdentifierRule(
        "PEPPOL-COMMON-R054", "warning", lambda v: re.fullmatch(r"[0-9]{8}", v) is not None, "Dutch KvK number"
    ),
    "0190": IdentifierRule(
        "PEPPOL-COMMON-R055", "warning", lambda v: re.fullmatch(r"[0-9]{20}", v) is not None, "Dutch OIN"
    ),
    "9944": IdentifierRule(
        "PEPPOL-COMMON-R056-1",
        "warning",
        lambda v: re.fullmatch(r"NL[0-9]{9}B[0-9]{2}", v) is not None,
        "Dutch VAT number",
    ),
    "0217": IdentifierRule(
        "PEPPOL-COMMON-R057", "warning", lambda v: re.fullmatch(r"[0-9]{12}", v) is not None, "identifier"
    ),
}


def supplier_country(c: Ctx) -> str:
    """The schematron's ``$supplierCountry``: VAT prefix of seller, else of tax representative, else address."""
    inv = c.inv
    if inv.seller.vat_id:
        return "".join(inv.seller.vat_id[:2].split()).upper()
    if inv.tax_representative is not None and inv.tax_representative.vat_id:
        return "".join(inv.tax_representative.vat_id[:2].split()).upper()
    return inv.seller.address.country_code.strip().upper() or "XX"


@rule(
    "PEPPOL-EN16931-R001",
    "PEPPOL-EN16931-R002",
    "PEPPOL-EN16931-R003",
    "PEPPOL-EN16931-R004",
    "PEPPOL-EN16931-R005",
    "PEPPOL-EN16931-R007",
)
def _document(c: Ctx) -> Iterator[Problem]:
    inv = c.inv
    if inv.profile_id is None:
        yield problem(
            "PEPPOL-EN16931-R001",
            f"The business process (ProfileID) is missing; Peppol BIS Billing 3.0 documents state {PROFILE_01}.",
            c.at(),
        )
    if PROFILES.get(" ".join((inv.profile_id or "").split()), "Unknown") == "Unknown":
        yield problem(
            "PEPPOL-EN16931-R007",
            f"The business process (ProfileID) {inv.profile_id or '(none)'} is not one Peppol approves; "
            f"use {PROFILE_01}.",
            c.at(),
        )
    both_german = inv.seller.address.country_code.strip().upper() == "DE" and (
        inv.buyer.address.country_code.strip().upper() == "DE"
    )
    if len(inv.notes) > 1 and not both_german:
        yield problem(
            "PEPPOL-EN16931-R002",
            f"The document has {len(inv.notes)} notes; Peppol allows only one: join them into one note.",
            c.at(),
        )
    if inv.buyer_reference is None and inv.order_reference is None:
        yield problem(
            "PEPPOL-EN16931-R003",
            "The buyer reference (Deres ref., BT-10) and the order reference (BT-13) are both missing; give at least "
            "one, usually the reference the buyer asked for, so the invoice can be routed to the right person.",
            c.at(),
        )
    customization = " ".join(inv.customization_id.split())
    if not customization.startswith(PEPPOL_BIS3_CUSTOMIZATION) or "::" in customization:
        yield problem(
            "PEPPOL-EN16931-R004",
            f"The specification identifier (CustomizationID) is {inv.customization_id!r}; a Peppol BIS Billing 3.0 "
            f"(EHF 3) document must state {PEPPOL_BIS3_CUSTOMIZATION}.",
            c.at(),
        )
    if inv.tax_currency is not None and inv.tax_currency == inv.currency:
        yield problem(
            "PEPPOL-EN16931-R005",
            f"The VAT accounting currency ({inv.tax_currency}) is the same as the invoice currency; give a VAT "
            "accounting currency only when it differs (e.g. NOK for an invoice in EUR).",
            c.at("cbc:TaxCurrencyCode"),
        )


@rule("PEPPOL-EN16931-R055")
def _tax_currency_sign(c: Ctx) -> Iterator[Problem]:
    inv = c.inv
    if inv.tax_currency is None:
        return
    in_document = inv.tax_total
    in_tax = in_document if inv.tax_currency == inv.currency else inv.tax_total_in_tax_currency
    # The schematron compares "TaxAmount <= 0" on possibly absent amounts: absent is never true.
    both_negative = in_tax is not None and in_document is not None and in_tax <= 0 and in_document <= 0
    both_positive = in_tax is not None and in_document is not None and in_tax >= 0 and in_document >= 0
    if not (both_negative or both_positive):
        yield problem(
            "PEPPOL-EN16931-R055",
            f"The total VAT in {inv.tax_currency} ({money(in_tax, inv.tax_currency)}) and in {inv.currency} "
            f"({money(in_document, inv.currency)}) must both be given and have the same sign; correct the VAT "
            f"total in {inv.tax_currency} (BT-111).",
            c.at(),
        )


@rule("PEPPOL-EN16931-R010", "PEPPOL-EN16931-R020", "PEPPOL-EN16931-CL008")
def _endpoints(c: Ctx) -> Iterator[Problem]:
    for code, party, where, who in (
        ("PEPPOL-EN16931-R020", c.inv.seller, c.seller_at, "seller"),
        ("PEPPOL-EN16931-R010", c.inv.buyer, c.buyer_at, "buyer"),
    ):
        if party.endpoint is None:
            yield problem(
                code,
                f"The {who}'s electronic address (Peppol endpoint) is missing; add it, for a Norwegian company its "
                "organisation number with scheme 0192.",
                where,
            )
        elif party.endpoint.scheme is not None and party.endpoint.scheme not in EAS_CODES:
            yield problem(
                "PEPPOL-EN16931-CL008",
                f"The scheme {party.endpoint.scheme!r} of the {who}'s electronic address is not a Peppol electronic "
                "address scheme; use e.g. 0192 (Norwegian organisation number) or 0088 (GLN).",
                f"{where}/cbc:EndpointID",
            )


def _all_allowances_charges(c: Ctx) -> Iterator[tuple[AllowanceCharge, str, str]]:
    """Document- and line-level allowances and charges with their location and a description for messages."""
    for i, ac in enumerate(c.inv.allowances_charges):
        word = "charge" if ac.is_charge else "allowance"
        yield ac, c.ac_at(i), f"document-level {word} of {money(ac.amount, c.cur)}"
    for i, line in enumerate(c.inv.lines):
        for j, ac in enumerate(line.allowances_charges):
            word = "charge" if ac.is_charge else "allowance"
            yield ac, c.line_at(i, f"cac:AllowanceCharge{idx(j)}"), f"{word} on {c.line_no(i, line)}"


@rule("PEPPOL-EN16931-R040", "PEPPOL-EN16931-R041", "PEPPOL-EN16931-R042")
def _percentages(c: Ctx) -> Iterator[Problem]:
    for ac, where, what in _all_allowances_charges(c):
        if ac.percent is not None and ac.base_amount is None:
            yield problem(
                "PEPPOL-EN16931-R041",
                f"The {what} gives a percentage ({ac.percent} %) but no base amount; give the amount the percentage "
                "is taken of.",
                where,
            )
        elif ac.percent is None and ac.base_amount is not None:
            yield problem(
                "PEPPOL-EN16931-R042",
                f"The {what} gives a base amount ({money(ac.base_amount, c.cur)}) but no percentage; give both or "
                "neither.",
                where,
            )
        elif ac.percent is not None and ac.base_amount is not None:
            expected = ac.base_amount * ac.percent / 100
            if not slack(ac.amount, expected, _SLACK):
                yield problem(
                    "PEPPOL-EN16931-R040",
                    f"The {what} should be {ac.percent} % of {money(ac.base_amount, c.cur)} = "
                    f"{money(round2(expected), c.cur)}; correct the amount, the percentage or the base amount.",
                    where,
                )


@rule("PEPPOL-EN16931-R046", "PEPPOL-EN16931-R120", "PEPPOL-EN16931-R121", "PEPPOL-EN16931-R130")
def _lines(c: Ctx) -> Iterator[Problem]:
    for i, line in enumerate(c.inv.lines):
        price = line.price
        name = c.line_no(i, line)
        if price.gross_amount is not None and (
            price.discount is None or price.amount != price.gross_amount - price.discount
        ):
            yield problem(
                "PEPPOL-EN16931-R046",
                f"On {name} the net price {money(price.amount, c.cur)} is not the gross price "
                f"{money(price.gross_amount, c.cur)} minus the price discount {money(price.discount, c.cur)}; "
                "correct one of them.",
                c.line_at(i, "cac:Price/cac:AllowanceCharge"),
            )
        base = price.base_quantity if price.base_quantity is not None and price.base_quantity != 0 else Decimal(1)
        allowances = [ac.amount for ac in line.allowances_charges if not ac.is_charge]
        charges = [ac.amount for ac in line.allowances_charges if ac.is_charge]
        expected = (
            line.quantity * (price.amount / base)
            + (round2(sum(charges, ZERO)) if charges else ZERO)
            - (round2(sum(allowances, ZERO)) if allowances else ZERO)
        )
        if not slack(line.net_amount, expected, _SLACK):
            yield problem(
                "PEPPOL-EN16931-R120",
                f"The net amount of {name} is {money(line.net_amount, c.cur)}, but quantity {line.quantity} × price "
                f"{money(price.amount, c.cur)}"
                + (f" per {price.base_quantity}" if price.base_quantity is not None else "")
                + f" ± line allowances and charges = {money(round2(expected), c.cur)}; correct the line.",
                c.line_at(i),
            )
        if price.base_quantity is not None and price.base_quantity <= 0:
            yield problem(
                "PEPPOL-EN16931-R121",
                f"The price base quantity of {name} is {price.base_quantity}; it must be more than zero "
                "(the number of units the price is for, usually 1).",
                c.line_at(i),
            )
        if price.base_quantity_unit is not None and price.base_quantity_unit != line.unit_code:
            yield problem(
                "PEPPOL-EN16931-R130",
                f"On {name} the price is per {price.base_quantity_unit} but the quantity is in {line.unit_code}; "
                "use the same unit for both.",
                c.line_at(i, "cac:Price/cbc:BaseQuantity"),
            )


@rule("PEPPOL-EN16931-R061")
def _mandates(c: Ctx) -> Iterator[Problem]:
    for i, pm in enumerate(c.inv.payment_means):
        if pm.code in ("49", "59") and (pm.direct_debit is None or pm.direct_debit.mandate_reference is None):
            yield problem(
                "PEPPOL-EN16931-R061",
                f"Payment by direct debit (code {pm.code}) needs the mandate reference (BT-89); add it.",
                c.at(f"cac:PaymentMeans{idx(i)}"),
            )


@rule("PEPPOL-EN16931-R110", "PEPPOL-EN16931-R111")
def _line_periods(c: Ctx) -> Iterator[Problem]:
    period = c.inv.period
    if period is None:
        return
    for i, line in enumerate(c.inv.lines):
        lp = line.period
        if lp is None:
            continue
        if period.start is not None and lp.start is not None and lp.start < period.start:
            yield problem(
                "PEPPOL-EN16931-R110",
                f"The period of {c.line_no(i, line)} starts {lp.start}, before the invoicing period ({period.start}); "
                "a line period must lie within the invoicing period.",
                c.line_at(i, "cac:InvoicePeriod/cbc:StartDate"),
            )
        if period.end is not None and lp.end is not None and lp.end > period.end:
            yield problem(
                "PEPPOL-EN16931-R111",
                f"The period of {c.line_no(i, line)} ends {lp.end}, after the invoicing period ({period.end}); "
                "a line period must lie within the invoicing period.",
                c.line_at(i, "cac:InvoicePeriod/cbc:EndDate"),
            )


@rule("PEPPOL-EN16931-P0100", "PEPPOL-EN16931-P0101", "PEPPOL-EN16931-P0112")
def _type_codes(c: Ctx) -> Iterator[Problem]:
    inv = c.inv
    code = inv.type_code
    known_profile = PROFILES.get(" ".join((inv.profile_id or "").split())) is not None
    if inv.kind == "Invoice":
        if known_profile and code not in P0100_TYPES:
            yield problem(
                "PEPPOL-EN16931-P0100",
                f"The invoice type code {code} is not allowed in Peppol BIS Billing 3.0; use 380 (commercial "
                "invoice), or 381 in a credit note.",
                c.at("cbc:InvoiceTypeCode"),
            )
        german = inv.seller.address.country_code.strip().upper() == "DE" and (
            inv.buyer.address.country_code.strip().upper() == "DE"
        )
        if code in ("326", "384") and not german:
            yield problem(
                "PEPPOL-EN16931-P0112",
                f"The invoice type code {code} (partial or corrected invoice) is only allowed between German "
                "parties; use 380, or a credit note (381) to correct an invoice.",
                c.at("cbc:InvoiceTypeCode"),
            )
    elif known_profile and code not in P0101_TYPES:
        yield problem(
            "PEPPOL-EN16931-P0101",
            f"The credit note type code {code} is not allowed in Peppol BIS Billing 3.0; use 381.",
            c.at("cbc:CreditNoteTypeCode"),
        )


@rule(*(rid for rid, _ in EXEMPTION_CATEGORY.values()))
def _exemption_codes(c: Ctx) -> Iterator[Problem]:
    for i, b in enumerate(c.inv.vat_breakdown):
        if b.exemption_reason_code is None:
            continue
        match = EXEMPTION_CATEGORY.get(b.exemption_reason_code.upper())
        if match is not None and b.category != match[1]:
            yield problem(
                match[0],
                f"The exemption reason code {b.exemption_reason_code} belongs to VAT category {match[1]}, but the "
                f"breakdown uses category {b.category}; use category {match[1]} or another exemption code.",
                c.subtotal_at(i, "cac:TaxCategory"),
            )


def _identifiers(c: Ctx) -> Iterator[tuple[Identifier, str, str]]:
    inv = c.inv
    for party, where, who in ((inv.seller, c.seller_at, "seller"), (inv.buyer, c.buyer_at, "buyer")):
        if party.endpoint is not None:
            yield party.endpoint, f"{where}/cbc:EndpointID", f"{who}'s electronic address"
        for j, ident in enumerate(party.identifiers):
            yield ident, f"{where}/cac:PartyIdentification{idx(j)}/cbc:ID", f"{who}'s identifier"
        if party.legal_id is not None:
            yield party.legal_id, f"{where}/cac:PartyLegalEntity/cbc:CompanyID", f"{who}'s legal registration number"
    if inv.payee is not None:
        if inv.payee.identifier is not None:
            yield inv.payee.identifier, c.at("cac:PayeeParty/cac:PartyIdentification/cbc:ID"), "payee's identifier"
        if inv.payee.legal_id is not None:
            yield (
                inv.payee.legal_id,
                c.at("cac:PayeeParty/cac:PartyLegalEntity/cbc:CompanyID"),
                "payee's legal registration number",
            )


@rule(*(v.code for v in IDENTIFIER_RULES.values()), "PEPPOL-COMMON-R056-2")
def _identifier_formats(c: Ctx) -> Iterator[Problem]:
    for ident, where, what in _identifiers(c):
        check = IDENTIFIER_RULES.get(ident.scheme or "")
        if check is None:
            continue
        if not check.test(ident.value):
            yield problem(
                check.code,
                f"The {what} {ident.value} (scheme {ident.scheme}) is not a valid {check.name}; check the digits "
                "(the check digit does not match or the length is wrong).",
                where,
                check.severity,
            )
    inv = c.inv
    vat_ids = [(inv.seller.vat_id, c.seller_at, "seller"), (inv.buyer.vat_id, c.buyer_at, "buyer")]
    if inv.tax_representative is not None:
        vat_ids.append((inv.tax_representative.vat_id, c.at("cac:TaxRepresentativeParty"), "tax representative"))
    for vat_id, where, who in vat_ids:
        if vat_id is not None and vat_id.startswith("NL") and not re.fullmatch(r"NL[0-9]{9}B[0-9]{2}", vat_id):
            yield problem(
                "PEPPOL-COMMON-R056-2",
                f"The {who}'s Dutch VAT number {vat_id} is not in the form NL123456789B12.",
                f"{where}/cac:PartyTaxScheme/cbc:CompanyID",
                "warning",
            )


@rule("NO-R-001", "NO-R-002")
def _norway(c: Ctx) -> Iterator[Problem]:
    if supplier_country(c) != "NO":
        return
    seller = c.inv.seller
    vat_id = seller.vat_id
    if vat_id is not None and vat_id.startswith("NO"):
        digits = vat_id[2:11]
        if not (re.fullmatch(r"[0-9]{9}MVA", vat_id[2:]) and mod11_ok(digits)):
            yield problem(
                "NO-R-001",
                f"The seller's VAT number {vat_id} is not a Norwegian VAT number: it must be NO, the nine-digit "
                "organisation number (with a valid check digit) and MVA, e.g. NO923609016MVA.",
                c.seller_at,
            )
    if " ".join((seller.tax_registration_id or "").split()) != "Foretaksregisteret":
        yield problem(
            "NO-R-002",
            "The seller is Norwegian, but the invoice does not say 'Foretaksregisteret'; an AS or ASA (and a "
            "Norwegian branch of a foreign company) must state it (foretaksregisterloven § 10-2): add it as the "
            "seller's tax registration (PartyTaxScheme with TaxScheme TAX).",
            c.seller_at,
            "warning",
        )
