"""The VAT category rules of EN 16931 over the model: BR-S, BR-Z, BR-E, BR-AE, BR-IC (K), BR-G, BR-O, BR-AF (L), BR-AG (M).

Each category has the same ten rules, numbered alike (``-01`` to ``-10``), with different
conditions; :data:`CATEGORIES` holds those differences and one set of functions applies
them. The conditions are those of the asserts in ``CEN-EN16931-UBL.sch`` (2026.5), e.g.
BR-S-08 allows the taxable amount to differ from the lines by less than 1 per rate, while
BR-Z-08 wants it exact. Category K's rules are called BR-IC-* in the schematron (intra-
community supply); L and M are BR-AF-* and BR-AG-* (Canary Islands, Ceuta and Melilla).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from fakturaflyt.core.ehf._rulebase import ZERO, Ctx, money, problem, rate_text, round2, rule
from fakturaflyt.core.errors import Problem

RateRule = Literal["positive", "zero", "absent", "non-negative"]
Party = Literal["any", "vat", "ae", "ic", "o"]


@dataclass(frozen=True)
class Category:
    code: str  # UNCL5305 code in the document
    prefix: str  # rule id prefix in the schematron
    name: str  # for messages
    rate: RateRule  # BT-152/BT-96/BT-103 condition (-05, -06, -07)
    parties: Party  # who must have which VAT identifier (-02, -03, -04)
    exemption: bool  # True: a VAT exemption reason is required (-10); False: forbidden
    per_rate: bool  # taxable amount per rate within 1 (S, L, M) or exact over the category (-08)


CATEGORIES = (
    Category("S", "BR-S", "standard rated", "positive", "any", False, True),
    Category("Z", "BR-Z", "zero rated", "zero", "any", False, False),
    Category("E", "BR-E", "exempt from VAT", "zero", "any", True, False),
    Category("AE", "BR-AE", "reverse charge, omvendt avgiftsplikt", "zero", "ae", True, False),
    Category(
        "K", "BR-IC", "intra-community supply, a VAT-exempt sale to another EEA country", "zero", "ic", True, False
    ),
    Category("G", "BR-G", "export outside the EEA", "zero", "vat", True, False),
    Category("O", "BR-O", "not subject to VAT", "absent", "o", True, False),
    Category("L", "BR-AF", "Canary Islands tax, IGIC", "non-negative", "any", False, True),
    Category("M", "BR-AG", "Ceuta and Melilla tax, IPSI", "non-negative", "any", False, True),
)

_RATE_OK: dict[RateRule, Callable[[Decimal | None], bool]] = {
    "positive": lambda r: r is not None and r > 0,
    "zero": lambda r: r is not None and r == 0,
    "absent": lambda r: r is None,
    "non-negative": lambda r: r is not None and r >= 0,
}
_RATE_WANTED: dict[RateRule, str] = {
    "positive": "a VAT rate above 0 %",
    "zero": "the VAT rate 0 %",
    "absent": "no VAT rate at all",
    "non-negative": "a VAT rate of 0 % or more",
}


def _ids(*suffixes: str) -> tuple[str, ...]:
    return tuple(f"{cat.prefix}-{s}" for cat in CATEGORIES for s in suffixes)


def _parties_ok(c: Ctx, cat: Category) -> bool:
    inv = c.inv
    if cat.parties == "any":
        return c.seller_or_representative_vat(any_scheme=True)
    if cat.parties == "vat":
        return c.seller_or_representative_vat(any_scheme=False)
    if cat.parties == "ae":
        buyer = inv.buyer.vat_id is not None or inv.buyer.legal_id is not None
        return c.seller_or_representative_vat(any_scheme=True) and buyer
    if cat.parties == "ic":
        return c.seller_or_representative_vat(any_scheme=False) and inv.buyer.vat_id is not None
    # "o": outside the scope of VAT, so no VAT identifier anywhere.
    return not c.seller_or_representative_vat(any_scheme=False) and inv.buyer.vat_id is None


def _parties_message(cat: Category, where: str) -> str:
    wanted = {
        "any": "the seller's VAT identifier (or its tax representative's); add the seller's VAT number",
        "vat": "the seller's VAT identifier (or its tax representative's); add the seller's VAT number",
        "ae": "the seller's VAT identifier and the buyer's VAT identifier or legal registration number; add them",
        "ic": "both the seller's and the buyer's VAT identifiers; add them",
        "o": "no VAT identifier for the seller, its tax representative or the buyer; remove them, or use "
        "another VAT category",
    }[cat.parties]
    return f"{where} uses VAT category {cat.code} ({cat.name}), which requires {wanted}."


@rule(*_ids("01"))
def _breakdown_present(c: Ctx) -> Iterator[Problem]:
    inv = c.inv
    line_cats = [line.item.vat_category for line in inv.lines]
    ac_cats = [ac.vat_category for ac in inv.allowances_charges]
    for cat in CATEGORIES:
        used = line_cats.count(cat.code) + ac_cats.count(cat.code)
        count = sum(1 for b in inv.vat_breakdown if b.category == cat.code)
        if cat.per_rate:  # S, L, M: at least one breakdown when used, none when unused
            bad = (used > 0) != (count > 0)
            wanted = "at least one VAT breakdown line" if used else "no VAT breakdown line"
        else:  # exactly one breakdown when the category appears anywhere (the breakdown itself included)
            bad = (used > 0 or count > 0) and count != 1
            wanted = "exactly one VAT breakdown line"
        if bad:
            yield problem(
                f"{cat.prefix}-01",
                f"VAT category {cat.code} ({cat.name}) is used by {used} line(s), allowance(s) or charge(s) and has "
                f"{count} VAT breakdown line(s); it needs {wanted} for that category.",
                c.at(),
            )


@rule(*_ids("02", "03", "04"))
def _parties(c: Ctx) -> Iterator[Problem]:
    inv = c.inv
    for cat in CATEGORIES:
        uses = (
            ("02", "An invoice line", any(line.item.vat_category == cat.code for line in inv.lines)),
            ("03", "A document-level allowance", any(ac.vat_category == cat.code for _, ac in c.allowances)),
            ("04", "A document-level charge", any(ac.vat_category == cat.code for _, ac in c.charges)),
        )
        if not any(used for _, _, used in uses) or _parties_ok(c, cat):
            continue
        for suffix, where, used in uses:
            if used:
                yield problem(f"{cat.prefix}-{suffix}", _parties_message(cat, where), c.at())


_BY_CODE = {cat.code: cat for cat in CATEGORIES}


@rule(*_ids("05", "06", "07"))
def _rates(c: Ctx) -> Iterator[Problem]:
    for i, line in enumerate(c.inv.lines):
        cat = _BY_CODE.get(line.item.vat_category)
        if cat is not None and not _RATE_OK[cat.rate](line.item.vat_rate):
            yield problem(
                f"{cat.prefix}-05",
                f"{_upper_first(c.line_no(i, line))} has VAT category {cat.code} ({cat.name}) with "
                f"{rate_text(line.item.vat_rate)}; that category needs {_RATE_WANTED[cat.rate]}.",
                c.line_at(i, "cac:Item/cac:ClassifiedTaxCategory"),
            )
    for i, ac in c.allowances + c.charges:
        cat = _BY_CODE.get(ac.vat_category or "")
        if cat is not None and not _RATE_OK[cat.rate](ac.vat_rate):
            word = "charge" if ac.is_charge else "allowance"
            yield problem(
                f"{cat.prefix}-{'07' if ac.is_charge else '06'}",
                f"The document-level {word} of {money(ac.amount, c.cur)} has VAT category {cat.code} ({cat.name}) "
                f"with {rate_text(ac.vat_rate)}; that category needs {_RATE_WANTED[cat.rate]}.",
                c.ac_at(i, "cac:TaxCategory"),
            )


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _near(taxable: Decimal, total: Decimal) -> bool:
    return taxable - 1 < total < taxable + 1


class _Sums:
    """Line and document allowance/charge amounts per VAT category and per (category, rate), summed once.

    So that checking every breakdown line stays linear in the size of the document.
    """

    def __init__(self, c: Ctx) -> None:
        self.lines: dict[str, Decimal] = defaultdict(Decimal)
        self.lines_at: dict[tuple[str, Decimal | None], Decimal] = defaultdict(Decimal)
        self.line_rates: set[tuple[str, Decimal | None]] = set()
        for ln in c.inv.lines:
            key = (ln.item.vat_category, ln.item.vat_rate)
            self.lines[key[0]] += ln.net_amount
            self.lines_at[key] += ln.net_amount
            self.line_rates.add(key)
        # charges - allowances of a category, and of a category and rate
        self.acs: dict[str, Decimal] = defaultdict(Decimal)
        self.acs_at: dict[tuple[str | None, Decimal | None], Decimal] = defaultdict(Decimal)
        for ac in c.inv.allowances_charges:
            signed = ac.amount if ac.is_charge else -ac.amount
            if ac.vat_category is not None:
                self.acs[ac.vat_category] += signed
            self.acs_at[(ac.vat_category, ac.vat_rate)] += signed
        self.ac_rates = {(ac.vat_category, ac.vat_rate) for ac in c.inv.allowances_charges}


@rule(*_ids("08", "09", "10"))
def _breakdowns(c: Ctx) -> Iterator[Problem]:
    inv = c.inv
    sums = _Sums(c) if inv.vat_breakdown else None
    for i, b in enumerate(inv.vat_breakdown):
        cat = _BY_CODE.get(b.category)
        if cat is None or sums is None:
            continue
        where = c.subtotal_at(i, "cac:TaxCategory")
        yield from _taxable(c, sums, cat, b.taxable_amount, b.rate, where)
        # -09: the VAT amount
        if cat.per_rate:
            ok = b.rate is not None and _near(abs(b.tax_amount), round2(abs(b.taxable_amount) * (b.rate / 100)))
        else:
            ok = b.tax_amount == 0
        if not ok:
            expected = ZERO if not cat.per_rate else round2(b.taxable_amount * ((b.rate or ZERO) / 100))
            yield problem(
                f"{cat.prefix}-09",
                f"The VAT amount for category {cat.code} ({cat.name}) at {rate_text(b.rate)} is "
                f"{money(b.tax_amount, c.cur)}; it should be {money(expected, c.cur)}"
                + (" (no VAT is charged in this category)." if not cat.per_rate else " (taxable amount × rate)."),
                where,
            )
        # -10: the exemption reason
        has_reason = b.exemption_reason is not None or b.exemption_reason_code is not None
        if cat.exemption and not has_reason:
            yield problem(
                f"{cat.prefix}-10",
                f"The VAT breakdown for category {cat.code} ({cat.name}) gives no reason why no VAT is charged; "
                "add an exemption reason text or code (e.g. VATEX-EU-AE for reverse charge).",
                where,
            )
        elif not cat.exemption and has_reason:
            yield problem(
                f"{cat.prefix}-10",
                f"The VAT breakdown for category {cat.code} ({cat.name}) has a VAT exemption reason, but VAT is "
                "charged in that category; remove the exemption reason (or use the right category).",
                where,
            )


def _taxable(
    c: Ctx, sums: _Sums, cat: Category, taxable: Decimal, rate: Decimal | None, where: str
) -> Iterator[Problem]:
    """-08: the taxable amount of a breakdown = its lines + charges - allowances (exact, or within 1 per rate).

    The schematron sums ``cac:InvoiceLine`` and ``cac:CreditNoteLine`` in two alternatives; the
    document has lines of one kind only, so the other alternative sees no lines at all.
    """
    code = cat.code
    has_lines = bool(c.inv.lines)
    if cat.per_rate:
        if rate is None:  # "every $rate in xs:decimal(cbc:Percent)" is vacuously true
            return
        lines = sums.lines_at.get((code, rate), ZERO)
        acs = sums.acs_at.get((code, rate), ZERO)
        if code == "S":  # a line or an allowance/charge of that rate must exist
            ac_used = (code, rate) in sums.ac_rates
            present, present_other = (code, rate) in sums.line_rates or ac_used, ac_used
        else:  # L and M only ask for any line of the document's kind
            present, present_other = has_lines, False
        ok = (present and _near(taxable, lines + acs)) or (present_other and _near(taxable, acs))
    else:
        lines = sums.lines.get(code, ZERO)
        acs = sums.acs.get(code, ZERO)
        ok = has_lines and taxable == lines + acs
    if not ok:
        yield problem(
            f"{cat.prefix}-08",
            f"The taxable amount for VAT category {cat.code} ({cat.name})"
            + (f" at {rate_text(rate)}" if cat.per_rate else "")
            + f" is {money(taxable, c.cur)}, but its lines, charges and allowances add up to "
            f"{money(lines + acs, c.cur)}; correct the VAT breakdown.",
            where,
        )


@rule("BR-IC-11", "BR-IC-12")
def _intra_community(c: Ctx) -> Iterator[Problem]:
    inv = c.inv
    if not any(b.category == "K" for b in inv.vat_breakdown):
        return
    delivery = inv.delivery
    period = inv.period
    has_period = period is not None and (
        period.start is not None or period.end is not None or period.description_code is not None
    )
    has_date = delivery is not None and delivery.date is not None
    if not (has_date or has_period):
        yield problem(
            "BR-IC-11",
            "An intra-community supply (VAT category K) must say when it was delivered: add the actual delivery "
            "date or the invoicing period.",
            c.at(),
        )
    country = delivery.address.country_code if delivery is not None and delivery.address is not None else ""
    if len(country) <= 1:
        yield problem(
            "BR-IC-12",
            "An intra-community supply (VAT category K) must say where the goods went: add the deliver-to address "
            "with its country code.",
            c.at(),
        )


@rule("BR-O-11", "BR-O-12", "BR-O-13", "BR-O-14")
def _not_subject(c: Ctx) -> Iterator[Problem]:
    inv = c.inv
    if not any(b.category == "O" for b in inv.vat_breakdown):
        return
    tail = (
        "a document with VAT category O (not subject to VAT) cannot contain other VAT categories; "
        "split it into two documents."
    )
    if any(b.category != "O" for b in inv.vat_breakdown):
        yield problem("BR-O-11", f"The VAT breakdown has other categories besides O: {tail}", c.at())
    if any(line.item.vat_category != "O" for line in inv.lines):
        yield problem("BR-O-12", f"Some lines have another VAT category than O: {tail}", c.at())
    if any(ac.vat_category is not None and ac.vat_category != "O" for _, ac in c.allowances):
        yield problem("BR-O-13", f"A document-level allowance has another VAT category than O: {tail}", c.at())
    if any(ac.vat_category is not None and ac.vat_category != "O" for _, ac in c.charges):
        yield problem("BR-O-14", f"A document-level charge has another VAT category than O: {tail}", c.at())
