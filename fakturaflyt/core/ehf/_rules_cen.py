"""EN 16931 core rules over the model: BR-nn, BR-CO-nn (calculations), BR-DEC-nn (decimals), BR-CL-17/18.

Each check mirrors the assert of the same id in the Peppol-bundled ``CEN-EN16931-UBL.sch``
(release 2026.5), including its rounding (``round(x * 10 * 10) div 100``, halves towards
positive infinity) and tolerances. Rules about elements the model cannot lack (a mandatory
field of a dataclass) are enforced by the reader instead and are not listed here.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from fakturaflyt.core.ehf._rulebase import ZERO, Ctx, decimals, idx, money, problem, rate_text, round2, rule, xround
from fakturaflyt.core.errors import Problem

#: BR-CO-09: the country prefixes a VAT identifier may start with (ISO 3166-1 alpha-2, plus EL, XI and 1A).
VAT_PREFIXES = frozenset(
    """1A AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW
    BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH EL ER ES ET FI FJ FK
    FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT
    JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO
    MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY
    QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
    TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XI YE YT ZA ZM ZW""".split()
)
#: BR-CL-17 / BR-CL-18: the VAT category codes (UNCL5305 subset) EN 16931 allows.
VAT_CATEGORIES = frozenset({"AE", "L", "M", "E", "S", "Z", "G", "O", "K", "B"})


@rule("BR-16")
def _has_lines(c: Ctx) -> Iterator[Problem]:
    if not c.inv.lines:
        yield problem(
            "BR-16",
            f"The {c.inv.kind} has no lines; a document needs at least one {c.line_word} saying what is invoiced.",
            c.at(),
        )


@rule("BR-17")
def _payee(c: Ctx) -> Iterator[Problem]:
    payee, seller = c.inv.payee, c.inv.seller
    if payee is None:
        return
    seller_ids = {i.value for i in seller.identifiers}
    if payee.name == seller.trading_name or (payee.identifier is not None and payee.identifier.value in seller_ids):
        yield problem(
            "BR-17",
            f"The payee ({payee.name}) is the seller itself: give a payee (BG-10) only when someone other than "
            "the seller receives the payment (e.g. a factoring company), with a different name and identifier.",
            c.at("cac:PayeeParty"),
        )


@rule("BR-27", "BR-28")
def _prices(c: Ctx) -> Iterator[Problem]:
    for i, line in enumerate(c.inv.lines):
        price = line.price
        if price.amount < 0:
            yield problem(
                "BR-27",
                f"The net price of {c.line_no(i, line)} is negative ({money(price.amount, c.cur)}); a price cannot be "
                "negative: give a negative quantity (or use a credit note) instead.",
                c.line_at(i),
            )
        if price.gross_amount is not None and price.gross_amount < 0:
            yield problem(
                "BR-28",
                f"The gross price of {c.line_no(i, line)} is negative ({money(price.gross_amount, c.cur)}); "
                "the price before discount must be zero or more.",
                c.line_at(i),
            )


@rule("BR-29", "BR-CO-19")
def _document_period(c: Ctx) -> Iterator[Problem]:
    period = c.inv.period
    if period is None:
        return
    where = c.at("cac:InvoicePeriod")
    if period.start is not None and period.end is not None and period.end < period.start:
        yield problem(
            "BR-29",
            f"The invoicing period ends ({period.end}) before it starts ({period.start}); correct the dates.",
            where,
        )
    if period.start is None and period.end is None and period.description_code is None:
        yield problem(
            "BR-CO-19",
            "The invoicing period has neither a start date, an end date nor a VAT point date code; "
            "give the period's dates or leave the period out.",
            where,
        )


@rule("BR-30", "BR-CO-20")
def _line_periods(c: Ctx) -> Iterator[Problem]:
    for i, line in enumerate(c.inv.lines):
        period = line.period
        if period is None:
            continue
        where = c.line_at(i, "cac:InvoicePeriod")
        if period.start is not None and period.end is not None and period.end < period.start:
            yield problem(
                "BR-30",
                f"The period of {c.line_no(i, line)} ends ({period.end}) before it starts ({period.start}); "
                "correct the dates.",
                where,
            )
        if period.start is None and period.end is None:
            yield problem(
                "BR-CO-20",
                f"The period of {c.line_no(i, line)} has neither a start nor an end date; give one or leave it out.",
                where,
            )


@rule("BR-32", "BR-33", "BR-CO-21", "BR-37", "BR-38", "BR-CO-22")
def _document_allowances_charges(c: Ctx) -> Iterator[Problem]:
    for i, ac in c.allowances + c.charges:
        word = "charge" if ac.is_charge else "allowance"
        what = f"The document-level {word} of {money(ac.amount, c.cur)}"
        if ac.vat_category is None:
            yield problem(
                "BR-37" if ac.is_charge else "BR-32",
                f"{what} has no VAT category; say which VAT category (and rate) the {word} belongs to, "
                f"so that it lands in the right line of the VAT breakdown.",
                c.ac_at(i),
            )
        if ac.reason is None and ac.reason_code is None:
            message = f"{what} has neither a reason text nor a reason code; say why the {word} is given."
            yield problem("BR-38" if ac.is_charge else "BR-33", message, c.ac_at(i))
            yield problem("BR-CO-22" if ac.is_charge else "BR-CO-21", message, c.ac_at(i))


@rule("BR-42", "BR-CO-23", "BR-44", "BR-CO-24")
def _line_allowances_charges(c: Ctx) -> Iterator[Problem]:
    for i, line in enumerate(c.inv.lines):
        for j, ac in enumerate(line.allowances_charges):
            if ac.reason is not None or ac.reason_code is not None:
                continue
            word = "charge" if ac.is_charge else "allowance"
            message = (
                f"The {word} of {money(ac.amount, c.cur)} on {c.line_no(i, line)} has neither a reason text nor a "
                f"reason code; say why the {word} is given."
            )
            where = c.line_at(i, f"cac:AllowanceCharge{idx(j)}")
            yield problem("BR-44" if ac.is_charge else "BR-42", message, where)
            yield problem("BR-CO-24" if ac.is_charge else "BR-CO-23", message, where)


@rule("BR-48", "BR-CO-17")
def _subtotal_rates(c: Ctx) -> Iterator[Problem]:
    for i, b in enumerate(c.inv.vat_breakdown):
        if b.rate is None and b.category != "O":
            yield problem(
                "BR-48",
                f"The VAT breakdown for category {b.category} has no VAT rate; every category except O "
                "(not subject to VAT) needs its rate, e.g. 25 %.",
                c.subtotal_at(i),
            )
        # BR-CO-17: VAT amount = taxable amount x rate, rounded to two decimals, within 1 unit.
        if b.rate is not None and xround(b.rate) == 0:
            ok = xround(b.tax_amount) == 0
        elif b.rate is not None:
            expected = round2(abs(b.taxable_amount) * (b.rate / 100))
            ok = abs(b.tax_amount) - 1 < expected < abs(b.tax_amount) + 1
        else:
            ok = xround(b.tax_amount) == 0
        if not ok:
            expected = round2(b.taxable_amount * ((b.rate or ZERO) / 100))
            yield problem(
                "BR-CO-17",
                f"The VAT amount for category {b.category} at {rate_text(b.rate)} is {money(b.tax_amount, c.cur)}, "
                f"but {rate_text(b.rate)} of the taxable amount {money(b.taxable_amount, c.cur)} is "
                f"{money(expected, c.cur)}; correct the VAT amount (or the rate).",
                c.subtotal_at(i),
            )


@rule("BR-51")
def _card_number(c: Ctx) -> Iterator[Problem]:
    for i, pm in enumerate(c.inv.payment_means):
        if pm.card is not None and len("".join(pm.card.primary_account_number.split())) > 10:
            yield problem(
                "BR-51",
                "The payment card number is given in full; for card security (PCI DSS) show at most the first 6 "
                "and last 4 digits.",
                c.at(f"cac:PaymentMeans{idx(i)}/cac:CardAccount/cbc:PrimaryAccountNumberID"),
                "warning",
            )


@rule("BR-53")
def _tax_currency_total(c: Ctx) -> Iterator[Problem]:
    inv = c.inv
    if inv.tax_currency is None:
        return
    if inv.tax_total_in_tax_currency is not None or (inv.tax_currency == inv.currency and inv.tax_total is not None):
        return
    yield problem(
        "BR-53",
        f"The VAT accounting currency is {inv.tax_currency}, but the total VAT in {inv.tax_currency} (BT-111) is "
        f"missing; add a second tax total with the VAT converted to {inv.tax_currency}.",
        c.at(),
    )


@rule("BR-61")
def _payment_account(c: Ctx) -> Iterator[Problem]:
    for i, pm in enumerate(c.inv.payment_means):
        if pm.code in ("30", "58") and pm.account_id is None:
            yield problem(
                "BR-61",
                f"Payment by credit transfer (code {pm.code}) needs the account to pay to; add the bank account "
                "number or IBAN (BT-84).",
                c.at(f"cac:PaymentMeans{idx(i)}"),
            )


@rule("BR-62", "BR-63")
def _endpoint_schemes(c: Ctx) -> Iterator[Problem]:
    for code, party, where, who in (
        ("BR-62", c.inv.seller, c.seller_at, "seller"),
        ("BR-63", c.inv.buyer, c.buyer_at, "buyer"),
    ):
        if party.endpoint is not None and party.endpoint.scheme is None:
            yield problem(
                code,
                f"The {who}'s electronic address {party.endpoint.value} has no scheme; add the Peppol scheme "
                "(e.g. 0192 for a Norwegian organisation number).",
                f"{where}/cbc:EndpointID",
            )


@rule("BR-64", "BR-65")
def _item_identifiers(c: Ctx) -> Iterator[Problem]:
    for i, line in enumerate(c.inv.lines):
        item = line.item
        if item.standard_id is not None and item.standard_id.scheme is None:
            yield problem(
                "BR-64",
                f"The standard item identifier {item.standard_id.value} on {c.line_no(i, line)} has no scheme; "
                "add it (e.g. 0160 for a GTIN).",
                c.line_at(i, "cac:Item/cac:StandardItemIdentification/cbc:ID"),
            )
        for j, cls in enumerate(item.classifications):
            if cls.scheme is None:
                yield problem(
                    "BR-65",
                    f"The item classification {cls.value} on {c.line_no(i, line)} does not say which classification "
                    "it is from; add the list (e.g. STI for UNSPSC, HS for customs tariff numbers).",
                    c.line_at(i, f"cac:Item/cac:CommodityClassification{idx(j)}/cbc:ItemClassificationCode"),
                )


@rule("BR-CO-03")
def _tax_point(c: Ctx) -> Iterator[Problem]:
    inv = c.inv
    if inv.tax_point_date is not None and inv.period is not None and inv.period.description_code is not None:
        yield problem(
            "BR-CO-03",
            f"The document has both a VAT point date ({inv.tax_point_date}) and a VAT point date code "
            f"({inv.period.description_code}); give only one of them.",
            c.at(),
        )


@rule("BR-CO-09")
def _vat_prefixes(c: Ctx) -> Iterator[Problem]:
    inv = c.inv
    parties = [
        ("seller", inv.seller.vat_id, f"{c.seller_at}/cac:PartyTaxScheme"),
        ("buyer", inv.buyer.vat_id, f"{c.buyer_at}/cac:PartyTaxScheme"),
    ]
    if inv.tax_representative is not None:
        parties.append(("tax representative", inv.tax_representative.vat_id, c.at("cac:TaxRepresentativeParty")))
    for who, vat_id, where in parties:
        if vat_id is not None and vat_id[:2] not in VAT_PREFIXES:
            yield problem(
                "BR-CO-09",
                f"The {who}'s VAT identifier {vat_id} does not start with a country code; write it with the "
                "two-letter prefix of the country that issued it, e.g. NO923609016MVA.",
                where,
            )


@rule("BR-CO-10", "BR-CO-11", "BR-CO-12", "BR-CO-13", "BR-CO-16")
def _totals(c: Ctx) -> Iterator[Problem]:
    inv, t, cur = c.inv, c.inv.totals, c.cur
    where = c.totals_at
    lines = round2(sum((line.net_amount for line in inv.lines), ZERO))
    if t.line_extension != lines:
        yield problem(
            "BR-CO-10",
            f"The sum of line net amounts (BT-106) is {money(t.line_extension, cur)}, but the {len(inv.lines)} "
            f"line(s) add up to {money(lines, cur)}; correct the total or the lines.",
            where,
        )
    for code, items, total, word, bt in (
        ("BR-CO-11", c.allowances, t.allowance_total, "allowances", "BT-107"),
        ("BR-CO-12", c.charges, t.charge_total, "charges", "BT-108"),
    ):
        expected = round2(sum((ac.amount for _, ac in items), ZERO))
        if total is None and not items:
            continue
        if total is None:
            yield problem(
                code,
                f"The document has {word} of {money(expected, cur)} in total, but no sum of {word} ({bt}) in the "
                "totals; add it.",
                where,
            )
        elif total != expected:
            yield problem(
                code,
                f"The sum of document-level {word} ({bt}) is {money(total, cur)}, but the {word} themselves add up "
                f"to {money(expected, cur)}; correct the total or the {word}.",
                where,
            )
    expected_excl = t.line_extension + (t.charge_total or ZERO) - (t.allowance_total or ZERO)
    if t.charge_total is not None or t.allowance_total is not None:
        expected_excl = round2(expected_excl)
    if t.tax_exclusive != expected_excl:
        yield problem(
            "BR-CO-13",
            f"The total without VAT (BT-109) is {money(t.tax_exclusive, cur)}, but line net amounts "
            f"{money(t.line_extension, cur)} - allowances {money(t.allowance_total or ZERO, cur)} + charges "
            f"{money(t.charge_total or ZERO, cur)} = {money(expected_excl, cur)}; correct the total.",
            where,
        )
    # BR-CO-16, case by case as the schematron writes it.
    if t.rounding is None:
        ok = t.payable == (round2(t.tax_inclusive - t.prepaid) if t.prepaid is not None else t.tax_inclusive)
    else:
        due = round2(t.tax_inclusive - t.prepaid) if t.prepaid is not None else t.tax_inclusive
        ok = round2(t.payable - t.rounding) == due
    if not ok:
        expected_due = t.tax_inclusive - (t.prepaid or ZERO) + (t.rounding or ZERO)
        yield problem(
            "BR-CO-16",
            f"The amount due (BT-115) is {money(t.payable, cur)}, but total with VAT {money(t.tax_inclusive, cur)} "
            f"- paid {money(t.prepaid or ZERO, cur)} + rounding {money(t.rounding or ZERO, cur)} = "
            f"{money(expected_due, cur)}; correct the amount due.",
            where,
        )


@rule("BR-CO-14", "BR-CO-15", "BR-CO-18")
def _vat_totals(c: Ctx) -> Iterator[Problem]:
    inv, cur, t = c.inv, c.cur, c.inv.totals
    if not inv.vat_breakdown:
        yield problem(
            "BR-CO-18",
            "The document has no VAT breakdown; add one tax subtotal per VAT category and rate "
            "(also for 0 % and exempt sales).",
            c.at(),
        )
    else:
        expected = round2(sum((b.tax_amount for b in inv.vat_breakdown), ZERO))
        if inv.tax_total != expected:
            yield problem(
                "BR-CO-14",
                f"The total VAT (BT-110) is {money(inv.tax_total, cur)}, but the VAT breakdown adds up to "
                f"{money(expected, cur)}; correct the total VAT or the breakdown.",
                c.at("cac:TaxTotal"),
            )
    if inv.tax_total is None:
        yield problem(
            "BR-CO-15",
            f"The document has no total VAT amount in its currency ({cur}); add the tax total (BT-110), "
            "0.00 if no VAT is charged.",
            c.at(),
        )
    elif t.tax_inclusive != round2(t.tax_exclusive + inv.tax_total):
        yield problem(
            "BR-CO-15",
            f"The total with VAT (BT-112) is {money(t.tax_inclusive, cur)}, but total without VAT "
            f"{money(t.tax_exclusive, cur)} + VAT {money(inv.tax_total, cur)} = "
            f"{money(round2(t.tax_exclusive + inv.tax_total), cur)}; correct the total.",
            c.at(),
        )


@rule("BR-CO-26")
def _seller_identified(c: Ctx) -> Iterator[Problem]:
    s = c.inv.seller
    if s.vat_id is None and s.legal_id is None and not any(i.scheme != "SEPA" for i in s.identifiers):
        yield problem(
            "BR-CO-26",
            f"The seller {s.registration_name} is not identified: give its VAT number, its organisation number "
            "(legal registration) or another seller identifier, so the buyer can tell who invoices.",
            c.at("cac:AccountingSupplierParty"),
        )


def _too_many(value: Decimal | None) -> bool:
    return value is not None and decimals(value) > 2


@rule(
    "BR-DEC-01",
    "BR-DEC-02",
    "BR-DEC-05",
    "BR-DEC-06",
    "BR-DEC-09",
    "BR-DEC-10",
    "BR-DEC-11",
    "BR-DEC-12",
    "BR-DEC-14",
    "BR-DEC-16",
    "BR-DEC-17",
    "BR-DEC-18",
    "BR-DEC-19",
    "BR-DEC-20",
    "BR-DEC-23",
    "BR-DEC-24",
    "BR-DEC-25",
    "BR-DEC-27",
    "BR-DEC-28",
)
def _decimals(c: Ctx) -> Iterator[Problem]:
    def bad(code: str, what: str, value: Decimal | None, where: str) -> Iterator[Problem]:
        if _too_many(value):
            yield problem(
                code,
                f"The {what} is written with more than two decimals ({value}); amounts must be rounded to two "
                "decimals (øre).",
                where,
            )

    inv, t = c.inv, c.inv.totals
    for i, ac in c.allowances:
        yield from bad("BR-DEC-01", "document-level allowance amount", ac.amount, c.ac_at(i))
        yield from bad("BR-DEC-02", "document-level allowance base amount", ac.base_amount, c.ac_at(i))
    for i, ac in c.charges:
        yield from bad("BR-DEC-05", "document-level charge amount", ac.amount, c.ac_at(i))
        yield from bad("BR-DEC-06", "document-level charge base amount", ac.base_amount, c.ac_at(i))
    where = c.totals_at
    yield from bad("BR-DEC-09", "sum of line net amounts (BT-106)", t.line_extension, where)
    yield from bad("BR-DEC-10", "sum of allowances (BT-107)", t.allowance_total, where)
    yield from bad("BR-DEC-11", "sum of charges (BT-108)", t.charge_total, where)
    yield from bad("BR-DEC-12", "total without VAT (BT-109)", t.tax_exclusive, where)
    yield from bad("BR-DEC-14", "total with VAT (BT-112)", t.tax_inclusive, where)
    yield from bad("BR-DEC-16", "paid amount (BT-113)", t.prepaid, where)
    yield from bad("BR-DEC-17", "rounding amount (BT-114)", t.rounding, where)
    yield from bad("BR-DEC-18", "amount due (BT-115)", t.payable, where)
    for i, b in enumerate(inv.vat_breakdown):
        yield from bad("BR-DEC-19", f"taxable amount of VAT category {b.category}", b.taxable_amount, c.subtotal_at(i))
        yield from bad("BR-DEC-20", f"VAT amount of VAT category {b.category}", b.tax_amount, c.subtotal_at(i))
    for i, line in enumerate(inv.lines):
        yield from bad("BR-DEC-23", f"net amount of {c.line_no(i, line)}", line.net_amount, c.line_at(i))
        for j, ac in enumerate(line.allowances_charges):
            where = c.line_at(i, f"cac:AllowanceCharge{idx(j)}")
            word = "charge" if ac.is_charge else "allowance"
            codes = ("BR-DEC-27", "BR-DEC-28") if ac.is_charge else ("BR-DEC-24", "BR-DEC-25")
            yield from bad(codes[0], f"{word} amount on {c.line_no(i, line)}", ac.amount, where)
            yield from bad(codes[1], f"{word} base amount on {c.line_no(i, line)}", ac.base_amount, where)


@rule("BR-CL-17", "BR-CL-18")
def _category_codes(c: Ctx) -> Iterator[Problem]:
    def message(code: str, what: str) -> str:
        return (
            f"The VAT category code {code!r} of {what} is not a valid code; use S (standard rate), Z (zero rated), "
            "E (exempt), AE (reverse charge), K (intra-EU supply), G (export), O (not subject to VAT), L or M."
        )

    for i, ac in c.allowances + c.charges:
        if ac.vat_category is not None and ac.vat_category not in VAT_CATEGORIES:
            where = c.ac_at(i, "cac:TaxCategory/cbc:ID")
            yield problem("BR-CL-17", message(ac.vat_category, "a document-level allowance or charge"), where)
    for i, b in enumerate(c.inv.vat_breakdown):
        if b.category not in VAT_CATEGORIES:
            yield problem(
                "BR-CL-17", message(b.category, "the VAT breakdown"), c.subtotal_at(i, "cac:TaxCategory/cbc:ID")
            )
    for i, line in enumerate(c.inv.lines):
        if line.item.vat_category not in VAT_CATEGORIES:
            yield problem(
                "BR-CL-18",
                message(line.item.vat_category, c.line_no(i, line)),
                c.line_at(i, "cac:Item/cac:ClassifiedTaxCategory/cbc:ID"),
            )
