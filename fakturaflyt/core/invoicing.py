"""Customer invoicing rules, framework-free: KID, due date, VAT categories, legal content, posting.

What a Norwegian sales invoice must be, independent of storage:

- **KID** (:func:`kid_for`): customer number and invoice number, each zero-padded to the number of
  digits the company's KID agreement gives them, then a MOD10 (Luhn) or MOD11 check digit
  (:func:`fakturaflyt.core.identifiers.make_kid`). With a fixed length the base is left-padded
  with zeros to one digit less than the length. MOD11 gives ``-`` for one base in eleven; when
  the agreement forbids it, the KID gets one *running digit* between base and check digit (see
  :func:`kid_for`), so the same numbers always give the same, valid KID of the agreed length.
- **Due date** (:func:`due_date`): issue date plus the payment terms in days.
- **VAT category** (:func:`vat_treatment`): our SAF-T standard tax codes as EN 16931 VAT
  categories (UNCL5305) the Peppol BIS 3 rules accept: 3/31/32/33 standard rate ``S``, 5 zero
  rate ``Z``, 51 reverse charge ``AE`` with "Omvendt avgiftsplikt", 52 export ``G``
  (``VATEX-EU-G``), 6/7/0 exempt ``E``; a seller outside the VAT register uses ``O``.
- **Legal content** (:func:`legal_problems`): bokføringsforskriften § 5-1-1 (and § 5-1-3, § 5-2-6
  for credit notes) checked on the EN 16931 model of the invoice.
- **Posting** (:func:`voucher_lines`): receivable 1500 with the customer for the amount due, revenue
  per account (and VAT code, department, project), output VAT per code on the code's VAT account,
  in NOK; a currency invoice converts at its rate and balances to the øre. A credit note is the mirror.

>>> kid_for(KidScheme("mod10", customer_digits=5, invoice_digits=7), 42, 10001)
'0004200100016'
>>> due_date(date(2026, 3, 2), 14)
datetime.date(2026, 3, 16)
>>> vat_treatment("51", Decimal("0")).category
'AE'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from fakturaflyt.core.ehf.calc import allowance, line_net_amount
from fakturaflyt.core.ehf.model import AllowanceCharge, Invoice, Price
from fakturaflyt.core.errors import FormatError, Problem
from fakturaflyt.core.identifiers import KID_MAX_LENGTH, kid_check_digit, make_kid
from fakturaflyt.core.ledger import VoucherLine
from fakturaflyt.core.money import ZERO, ore

__all__ = [
    "RECEIVABLE_ACCOUNT",
    "REVERSE_CHARGE_TEXT",
    "ROUNDING_ACCOUNT",
    "KidScheme",
    "LineAccount",
    "VatTreatment",
    "allocate",
    "due_date",
    "kid_for",
    "legal_problems",
    "line_allowance",
    "line_net",
    "vat_in_nok",
    "vat_totals",
    "vat_treatment",
    "voucher_lines",
]

#: NS 4102 kundefordringer: the receivable of every sales invoice (issue 7 point 6).
RECEIVABLE_ACCOUNT = "1500"
#: NS 4102 øresavrunding: only used when the amount due is rounded (BT-114), which the services never do.
ROUNDING_ACCOUNT = "7740"
#: The words bokføringsforskriften § 5-1-1 nr. 7 asks for when the buyer accounts for the VAT.
REVERSE_CHARGE_TEXT = "Omvendt avgiftsplikt"

_HUNDRED = Decimal(100)


# --------------------------------------------------------------------------- KID


@dataclass(frozen=True, slots=True)
class KidScheme:
    """A company's KID agreement: check-digit method, length (0 = variable) and what the digits encode."""

    method: Literal["mod10", "mod11"] = "mod10"
    length: int = 0
    customer_digits: int = 5
    invoice_digits: int = 7
    allow_dash: bool = False

    @property
    def running_digit(self) -> bool:
        """MOD11 without '-': every KID carries one running digit before the check digit."""
        return self.method == "mod11" and not self.allow_dash

    @property
    def base_digits(self) -> int:
        return self.customer_digits + self.invoice_digits + (1 if self.running_digit else 0)


def _part(value: int, digits: int, setting: str, what: str) -> str:
    if value < 0:
        raise FormatError("FF-KID-LENGTH", f"{what} {value} cannot be negative in a KID", setting)
    text = str(value).zfill(digits)
    if len(text) > digits:
        raise FormatError(
            "FF-KID-LENGTH",
            f"{what} {value} has more digits than the KID agreement gives it ('{setting}' is {digits}); "
            f"increase '{setting}' (and the KID length) in the invoice settings",
            setting,
        )
    return text


def kid_for(scheme: KidScheme, customer_number: int, invoice_number: int) -> str:
    """The KID of an invoice: customer digits + invoice digits [+ running digit] + check digit.

    Each number is zero-padded to its digits in the agreement (0 digits leave it out). With a
    fixed ``length`` the base is left-padded with zeros to ``length - 1`` digits.

    **MOD11 and "-".** When the agreement forbids the check "digit" ``-`` (``allow_dash`` off),
    Nets' advice is to skip that base number. We do it without skipping an invoice number
    (they are gapless): every KID of such an agreement carries one *running digit* between
    base and check digit, ``0`` normally and ``1`` for the one base in eleven where ``0`` gives
    ``-`` (the running digit has weight 2, so ``0`` and ``1`` never both give ``-``). The KID
    is then as long for every invoice, is unique (the running digit follows from the rest) and
    always validates as MOD11. The running digit needs room: with a fixed length,
    ``customer_digits + invoice_digits + 2`` must not exceed it.

    Raises ``FF-KID-LENGTH`` (naming the setting) when a number has more digits than the
    agreement gives it, or the digits do not fit the length.

    >>> kid_for(KidScheme("mod10", length=10, customer_digits=3, invoice_digits=5), 7, 123)
    '0007001233'
    >>> s = KidScheme("mod11", customer_digits=0, invoice_digits=6)
    >>> kid_for(s, 1, 3), kid_for(s, 1, 4)  # 0000040 would give '-': running digit 1
    ('00000302', '00000418')
    >>> kid_for(KidScheme("mod11", customer_digits=0, invoice_digits=6, allow_dash=True), 1, 6)
    '000006-'
    >>> kid_for(KidScheme("mod10", customer_digits=2, invoice_digits=4), 123, 1)
    Traceback (most recent call last):
    fakturaflyt.core.errors.FormatError: FF-KID-LENGTH: customer number 123 has more digits than the KID agreement gives it ('customer number digits in KID' is 2); increase 'customer number digits in KID' (and the KID length) in the invoice settings (at customer number digits in KID)
    """
    if scheme.method not in ("mod10", "mod11"):
        raise FormatError("FF-KID-METHOD", f"KID method {scheme.method!r} is neither mod10 nor mod11", "KID method")
    if scheme.customer_digits < 0 or scheme.invoice_digits < 0 or scheme.base_digits == 0:
        raise FormatError("FF-KID-LENGTH", "the KID agreement gives no digits to the customer or invoice number", "KID")
    limit = (scheme.length or KID_MAX_LENGTH) - 1
    if scheme.length and not 2 <= scheme.length <= KID_MAX_LENGTH:
        raise FormatError(
            "FF-KID-LENGTH", f"KID length must be 2 to {KID_MAX_LENGTH}, not {scheme.length}", "KID length"
        )
    if scheme.base_digits > limit:
        extra = " + 1 running digit (MOD11 without '-')" if scheme.running_digit else ""
        raise FormatError(
            "FF-KID-LENGTH",
            f"{scheme.customer_digits} customer digits + {scheme.invoice_digits} invoice digits{extra} + the check "
            f"digit do not fit in a KID of {scheme.length or KID_MAX_LENGTH} digits; change 'KID length' or the "
            "number of digits in the invoice settings",
            "KID length",
        )
    base = ""
    if scheme.customer_digits:
        base += _part(customer_number, scheme.customer_digits, "customer number digits in KID", "customer number")
    if scheme.invoice_digits:
        base += _part(invoice_number, scheme.invoice_digits, "invoice number digits in KID", "invoice number")
    length = scheme.length or None
    if scheme.running_digit:
        padded = base.zfill(scheme.length - 2) if scheme.length else base
        running = "0" if kid_check_digit(padded + "0", "mod11") != "-" else "1"
        return make_kid(padded + running, "mod11", length=length)
    return make_kid(base, scheme.method, length=length, allow_dash=scheme.allow_dash)


def due_date(issue_date: date, terms_days: int) -> date:
    """Forfallsdato: the issue date plus the payment terms (days net).

    >>> due_date(date(2026, 2, 20), 10)
    datetime.date(2026, 3, 2)
    """
    if terms_days < 0:
        raise FormatError("FF-INV-TERMS", f"payment terms of {terms_days} days cannot be negative", "payment terms")
    return issue_date + timedelta(days=terms_days)


# --------------------------------------------------------------------------- lines and VAT


def line_allowance(quantity: Decimal, unit_price: Decimal, discount_percent: Decimal) -> AllowanceCharge | None:
    """The line allowance (BG-27, reason code 95 "Discount") for a discount percentage, or None.

    The base (BT-137) is quantity × price in øre, the amount (BT-136) base × percent / 100 in
    øre, as PEPPOL-EN16931-R040/R041 check them.
    """
    if not discount_percent:
        return None
    return allowance(
        percent=discount_percent, base_amount=ore(quantity * unit_price), reason="Rabatt", reason_code="95"
    )


def line_net(quantity: Decimal, unit_price: Decimal, discount_percent: Decimal = Decimal(0)) -> Decimal:
    """Line net amount (BT-131) exactly as the EHF states it: quantity × price − discount, in øre.

    >>> line_net(Decimal("3"), Decimal("99.90"), Decimal("10"))
    Decimal('269.73')
    """
    ac = line_allowance(quantity, unit_price, discount_percent)
    return line_net_amount(quantity, Price(unit_price), (ac,) if ac else ())


@dataclass(frozen=True, slots=True)
class VatTreatment:
    """How one of our VAT codes appears in EN 16931: category (BT-151/BT-118), rate and exemption reason."""

    category: str
    rate: Decimal | None
    exemption_code: str | None = None  # BT-121 (VATEX)
    exemption_reason: str | None = None  # BT-120
    note: str | None = None  # text the invoice itself must carry (BT-22)


_STANDARD_RATE = frozenset({"3", "31", "32", "33"})
_EXEMPT = frozenset({"6", "7", "0"})


def vat_treatment(code: str, rate: Decimal, *, seller_vat_registered: bool = True) -> VatTreatment:
    """The EN 16931 VAT category of a SAF-T standard tax code on a sales invoice.

    Checked against the official CEN and Peppol BIS 3 schematron (tests/receivables/test_ehf.py):

    - 3, 31, 32, 33 (25, 15, 11.11, 12 %): ``S`` with the rate (BR-S-*);
    - 5 (domestic, zero rate, mval. kap. 6): ``Z``, 0 % (BR-Z-*);
    - 51 (domestic reverse charge, mval. § 11-1): ``AE``, 0 %, ``VATEX-EU-AE`` and the words
      "Omvendt avgiftsplikt" (BR-AE-*, bokføringsforskriften § 5-1-1 nr. 7);
    - 52 (export, mval. § 6-21/6-22): ``G``, 0 %, ``VATEX-EU-G`` (BR-G-*, PEPPOL-EN16931-P0104);
    - 6, 7, 0 (outside the VAT Act or exempt, mval. kap. 3): ``E``, 0 %, with a reason text
      (BR-E-10). Not ``O``: an ``O`` invoice may carry no other category and no seller VAT id
      (BR-O-02, BR-O-11..14), which a VAT-registered seller always has;
    - a seller not in the VAT register: ``O`` without rate (``VATEX-EU-O``), whatever the code
      (only codes without VAT are accepted then).

    >>> vat_treatment("3", Decimal("25"))
    VatTreatment(category='S', rate=Decimal('25'), exemption_code=None, exemption_reason=None, note=None)
    >>> vat_treatment("52", Decimal("0")).exemption_code
    'VATEX-EU-G'
    >>> vat_treatment("6", Decimal("0"), seller_vat_registered=False).category
    'O'
    """
    if not seller_vat_registered:
        if code in _STANDARD_RATE or rate:
            raise FormatError(
                "FF-INV-VAT-CODE",
                f"VAT code {code} charges VAT, but the company is not registered for VAT; use code 6 or 7",
                "vat_code",
            )
        return VatTreatment("O", None, "VATEX-EU-O", "Selger er ikke registrert i Merverdiavgiftsregisteret")
    if code in _STANDARD_RATE:
        if rate <= 0:
            raise FormatError("FF-INV-VAT-CODE", f"VAT code {code} must have a rate above 0 %", "vat_code")
        return VatTreatment("S", rate)
    if code == "5":
        return VatTreatment("Z", Decimal(0))
    if code == "51":
        return VatTreatment("AE", Decimal(0), "VATEX-EU-AE", REVERSE_CHARGE_TEXT, REVERSE_CHARGE_TEXT)
    if code == "52":
        return VatTreatment("G", Decimal(0), "VATEX-EU-G", "Utførsel av varer og tjenester")
    if code in _EXEMPT:
        return VatTreatment("E", Decimal(0), None, "Omsetning unntatt fra eller utenfor merverdiavgiftsloven")
    raise FormatError(
        "FF-INV-VAT-CODE",
        f"VAT code {code} is not a sales VAT code; use 3, 31, 32, 33, 5, 51, 52, 6 or 7 on a customer invoice",
        "vat_code",
    )


def vat_totals(lines: Iterable[tuple[VatTreatment, Decimal]]) -> tuple[Decimal, Decimal]:
    """(total excl. VAT, VAT) of line nets, VAT rounded once per category and rate (BR-CO-17), as the EHF computes it.

    >>> t = VatTreatment("S", Decimal("25"))
    >>> vat_totals([(t, Decimal("10.01")), (t, Decimal("10.01"))])
    (Decimal('20.02'), Decimal('5.01'))
    """
    groups: dict[tuple[str, Decimal | None], Decimal] = {}
    for treatment, net in lines:
        key = (treatment.category, treatment.rate)
        groups[key] = groups.get(key, Decimal(0)) + net
    net_total = ore(sum(groups.values(), Decimal(0)))
    vat = sum((ore(ore(v) * (rate or 0) / _HUNDRED) for (_c, rate), v in groups.items()), ZERO)
    return net_total, ore(vat)


def allocate(total: Decimal, parts: Sequence[Decimal], rate: Decimal = Decimal(1)) -> list[Decimal]:
    """Each part × rate in øre, adjusted so they sum exactly to ``total`` (the difference goes to the largest part).

    >>> allocate(Decimal("33.34"), [Decimal("1.111"), Decimal("1.111"), Decimal("1.111")], Decimal("10"))
    [Decimal('11.12'), Decimal('11.11'), Decimal('11.11')]
    """
    out = [ore(p * rate) for p in parts]
    if not out:
        return out
    diff = total - sum(out, Decimal(0))
    if diff:
        biggest = max(range(len(out)), key=lambda i: (abs(parts[i]), -i))
        out[biggest] += diff
    return out


def vat_in_nok(inv: Invoice, exchange_rate: Decimal | None) -> list[tuple[str, Decimal | None, Decimal]]:
    """VAT per category and rate (BG-23) in NOK, summing exactly to BT-111 (§ 5-1-1 nr. 6: VAT in NOK).

    For a NOK invoice these are the breakdown's own amounts.
    """
    amounts = [b.tax_amount for b in inv.vat_breakdown]
    if inv.currency == "NOK":
        nok = amounts
    else:
        if exchange_rate is None:
            raise FormatError("FF-INV-EXCHANGE-RATE", f"the invoice is in {inv.currency}: give the exchange rate", "")
        total = inv.tax_total_in_tax_currency
        if total is None:
            total = ore((inv.tax_total or ZERO) * exchange_rate)
        nok = allocate(total, amounts, exchange_rate)
    return [(b.category, b.rate, n) for b, n in zip(inv.vat_breakdown, nok, strict=True)]


# --------------------------------------------------------------------------- legal content


def _p(code: str, message: str, location: str) -> Problem:
    return Problem(code, message, location)


def legal_problems(inv: Invoice, *, seller_is_as: bool, seller_vat_registered: bool = True) -> list[Problem]:
    """Everything bokføringsforskriften § 5-1-1 asks of a sales document that ``inv`` lacks (empty: it may be issued).

    ``seller_is_as``: the seller is an AS, ASA or NUF (registered in Foretaksregisteret), so the
    word "Foretaksregisteret" must appear (foretaksregisterloven § 10-2). Checked, with codes:

    - ``FF-INV-NUMBER`` nr. 1 the invoice number; ``FF-INV-DATE`` the issue date;
    - ``FF-INV-BUYER`` nr. 3 buyer's name and address or org.nr;
    - ``FF-INV-SELLER`` nr. 2 seller's name and org.nr, ``FF-INV-SELLER-MVA`` "MVA" after it when
      VAT-registered, ``FF-INV-FORETAKSREGISTERET`` for AS/ASA;
    - ``FF-INV-LINES`` / ``FF-INV-LINE`` nr. 4-5 what was supplied, its quantity and price;
    - ``FF-INV-DELIVERY`` nr. 4 delivery date or period;
    - ``FF-INV-VAT`` nr. 6 VAT per rate; ``FF-INV-VAT-NOK`` VAT in NOK on a currency invoice
      (tax currency NOK and BT-111);
    - ``FF-INV-DUE-DATE`` nr. 5 the due date (invoices; a credit note is not paid);
    - ``FF-INV-CREDIT-REF`` § 5-2-6 a credit note names the invoice it corrects;
    - ``FF-INV-REVERSE-CHARGE`` nr. 7 "Omvendt avgiftsplikt" when a line is reverse charge (AE).

    The delivery *place* (also nr. 4) is the buyer's address unless a delivery address is
    given; it is not checked separately.
    """
    problems: list[Problem] = []
    if not inv.id.strip():
        problems.append(_p("FF-INV-NUMBER", "The invoice has no number.", "number"))
    if not isinstance(inv.issue_date, date):
        problems.append(_p("FF-INV-DATE", "The invoice has no issue date.", "issue_date"))
    buyer = inv.buyer
    if not buyer.registration_name.strip():
        problems.append(_p("FF-INV-BUYER", "The buyer's name is missing.", "buyer"))
    address = buyer.address
    has_address = bool((address.street or address.address_line) and (address.city or address.postal_zone))
    if not has_address and buyer.legal_id is None:
        problems.append(_p("FF-INV-BUYER", "Give the buyer's address or organisation number (§ 5-1-1 nr. 3).", "buyer"))
    seller = inv.seller
    if not seller.registration_name.strip():
        problems.append(_p("FF-INV-SELLER", "The seller's name is missing.", "seller"))
    if seller.legal_id is None or not seller.legal_id.value:
        problems.append(_p("FF-INV-SELLER", "The seller's organisation number is missing.", "seller"))
    if seller_vat_registered:
        vat_id = seller.vat_id or ""
        if not (vat_id.startswith("NO") and vat_id.endswith("MVA")):
            problems.append(
                _p(
                    "FF-INV-SELLER-MVA",
                    "The seller is registered for VAT: its org.nr must be followed by 'MVA' (NO<orgnr>MVA).",
                    "seller",
                )
            )
    if seller_is_as and (seller.tax_registration_id or "").strip() != "Foretaksregisteret":
        problems.append(
            _p(
                "FF-INV-FORETAKSREGISTERET",
                "An AS or ASA must state 'Foretaksregisteret' on its invoices (foretaksregisterloven § 10-2).",
                "seller",
            )
        )
    if not inv.lines:
        problems.append(_p("FF-INV-LINES", "The invoice has no lines.", "lines"))
    for ln in inv.lines:
        where = f"line {ln.id}"
        if not ln.item.name.strip():
            problems.append(_p("FF-INV-LINE", "Say what was supplied (the line has no description).", where))
        if not ln.quantity:
            problems.append(_p("FF-INV-LINE", "The line has no quantity.", where))
        if ln.price is None:  # pragma: no cover - the model requires a price
            problems.append(_p("FF-INV-LINE", "The line has no price.", where))
    delivered = inv.delivery is not None and inv.delivery.date is not None
    period = inv.period is not None and inv.period.start is not None and inv.period.end is not None
    lines_have_periods = bool(inv.lines) and all(
        ln.period is not None and ln.period.start is not None and ln.period.end is not None for ln in inv.lines
    )
    if not (delivered or period or lines_have_periods):
        problems.append(
            _p(
                "FF-INV-DELIVERY",
                "Give the delivery date or the period the invoice covers (§ 5-1-1 nr. 4).",
                "delivery",
            )
        )
    stated = {(b.category, b.rate) for b in inv.vat_breakdown}
    for ln in inv.lines:
        rate = None if ln.item.vat_category == "O" else ln.item.vat_rate
        if (ln.item.vat_category, rate) not in stated:
            problems.append(
                _p(
                    "FF-INV-VAT",
                    f"The VAT for category {ln.item.vat_category} {rate or ''} is not stated.",
                    f"line {ln.id}",
                )
            )
    if inv.lines and inv.tax_total is None:
        problems.append(_p("FF-INV-VAT", "The invoice does not state its VAT total.", "vat"))
    if inv.currency != "NOK" and (inv.tax_currency != "NOK" or inv.tax_total_in_tax_currency is None):
        problems.append(
            _p(
                "FF-INV-VAT-NOK",
                f"The invoice is in {inv.currency}: the VAT must also be stated in NOK (give the exchange rate).",
                "exchange_rate",
            )
        )
    if not inv.is_credit_note and inv.due_date is None:
        problems.append(_p("FF-INV-DUE-DATE", "The invoice has no due date.", "due_date"))
    if inv.is_credit_note and not inv.preceding_invoices:
        problems.append(
            _p("FF-INV-CREDIT-REF", "A credit note must name the invoice it corrects (§ 5-2-6).", "credits")
        )
    if any(ln.item.vat_category == "AE" for ln in inv.lines):
        texts = list(inv.notes) + [b.exemption_reason or "" for b in inv.vat_breakdown if b.category == "AE"]
        if not any(REVERSE_CHARGE_TEXT.lower() in t.lower() for t in texts):
            problems.append(
                _p(
                    "FF-INV-REVERSE-CHARGE",
                    "A line is sold with reverse charge: the invoice must say 'Omvendt avgiftsplikt' (§ 5-1-1 nr. 7).",
                    "notes",
                )
            )
    return problems


# --------------------------------------------------------------------------- posting


@dataclass(frozen=True, slots=True)
class LineAccount:
    """Where one invoice line is posted: revenue account, VAT code (and its VAT account), dimensions."""

    account: str
    vat_code: str
    vat_account: str = ""
    department: str = ""
    project: str = ""


def _side(amount: Decimal, credit_positive: bool) -> tuple[Decimal, Decimal]:
    """(debit, credit) for a signed amount: with ``credit_positive`` a positive amount is a credit."""
    positive = amount if credit_positive else -amount
    return (ZERO, positive) if positive >= 0 else (-positive, ZERO)


def voucher_lines(
    inv: Invoice,
    accounts: Mapping[str, LineAccount],
    *,
    customer_id: int,
    exchange_rate: Decimal | None = None,
    description: str = "",
    receivable_account: str = RECEIVABLE_ACCOUNT,
    rounding_account: str = ROUNDING_ACCOUNT,
) -> list[VoucherLine]:
    """The voucher of a completed invoice (``accounts`` maps line id BT-126 to where it posts).

    - debit ``receivable_account`` (1500) with ``customer_id`` for the amount due (BT-112 + BT-114);
    - credit revenue per (account, VAT code, department, project) with ``vat_code`` and ``vat_base``;
    - credit output VAT per VAT code on its VAT account: the EHF's VAT per category and rate
      (BG-23), shared between the codes of one group by their net amounts;
    - a rounding line on ``rounding_account`` only when BT-114 is not zero.

    In a foreign currency every line is in NOK at ``exchange_rate`` (NOK per unit), with the
    currency amount and the rate; the NOK VAT equals BT-111 and each group is adjusted by at most
    a few øre so the voucher balances to the øre. ``vat_base`` is the NOK net amount, positive
    on an invoice; ``currency_amount`` is signed like the line (debit positive). A credit note
    posts the mirror (debit revenue and VAT, credit the receivable; negative ``vat_base``).
    """
    if inv.allowances_charges:
        raise FormatError(
            "FF-INV-DOC-ALLOWANCE", "document-level allowances and charges cannot be posted; use invoice lines", ""
        )
    if inv.totals.prepaid:
        raise FormatError("FF-INV-PREPAID", "a prepaid amount (BT-113) cannot be posted with the invoice", "")
    foreign = inv.currency != "NOK"
    if foreign and (exchange_rate is None or exchange_rate <= 0):
        raise FormatError(
            "FF-INV-EXCHANGE-RATE", f"the invoice is in {inv.currency}: give the exchange rate (NOK per unit)", ""
        )
    rate = exchange_rate if foreign and exchange_rate is not None else Decimal(1)
    credit_positive = not inv.is_credit_note
    sign = Decimal(1) if credit_positive else Decimal(-1)

    # revenue groups, and each VAT code's net per (category, rate)
    revenue: dict[tuple[str, str, str, str], Decimal] = {}
    code_nets: dict[tuple[str, Decimal | None], dict[str, Decimal]] = {}
    vat_accounts: dict[str, str] = {}
    for ln in inv.lines:
        acc = accounts.get(ln.id)
        if acc is None:
            raise FormatError("FF-INV-POSTING", f"line {ln.id} has no account to post to", f"line {ln.id}")
        key = (acc.account, acc.vat_code, acc.department, acc.project)
        revenue[key] = revenue.get(key, Decimal(0)) + ln.net_amount
        group = (ln.item.vat_category, None if ln.item.vat_category == "O" else ln.item.vat_rate)
        nets = code_nets.setdefault(group, {})
        nets[acc.vat_code] = nets.get(acc.vat_code, Decimal(0)) + ln.net_amount
        vat_accounts[acc.vat_code] = acc.vat_account

    vat_by_code: dict[str, Decimal] = {}
    for b in inv.vat_breakdown:
        nets = code_nets.get((b.category, b.rate), {})
        if not b.tax_amount:
            continue
        codes = list(nets)
        weights = [nets[c] for c in codes]
        shares = allocate(b.tax_amount, [b.tax_amount * w / sum(weights) for w in weights]) if codes else []
        for c, share in zip(codes, shares, strict=True):
            vat_by_code[c] = vat_by_code.get(c, Decimal(0)) + share

    receivable = inv.totals.tax_inclusive + (inv.totals.rounding or ZERO)
    rounding = inv.totals.rounding or ZERO
    receivable_nok = ore(receivable * rate)
    rounding_nok = ore(rounding * rate)
    vat_codes = list(vat_by_code)
    if foreign:
        vat_total_nok = inv.tax_total_in_tax_currency
        if vat_total_nok is None:
            vat_total_nok = ore((inv.tax_total or ZERO) * rate)
        vat_nok = allocate(vat_total_nok, [vat_by_code[c] for c in vat_codes], rate)
    else:
        vat_total_nok = sum((vat_by_code[c] for c in vat_codes), ZERO)
        vat_nok = [vat_by_code[c] for c in vat_codes]
    keys = list(revenue)
    revenue_nok = allocate(receivable_nok - vat_total_nok - rounding_nok, [revenue[k] for k in keys], rate)

    def line(account: str, nok: Decimal, in_currency: Decimal, credit_side_positive: bool, **kw: object) -> VoucherLine:
        debit, credit = _side(nok, credit_side_positive)
        if foreign:
            signed = ore(in_currency if debit else -in_currency)
            return VoucherLine(
                account,
                debit=debit,
                credit=credit,
                description=description,
                currency=inv.currency,
                currency_amount=signed,
                exchange_rate=rate,
                **kw,  # type: ignore[arg-type]
            )
        return VoucherLine(account, debit=debit, credit=credit, description=description, **kw)  # type: ignore[arg-type]

    out = [line(receivable_account, receivable_nok, abs(receivable), not credit_positive, customer_id=customer_id)]
    for key, amount, nok in zip(keys, (revenue[k] for k in keys), revenue_nok, strict=True):
        if not nok and not amount:
            continue
        account, code, department, project = key
        out.append(
            line(
                account,
                nok,
                abs(amount),
                credit_positive,
                vat_code=code,
                vat_base=sign * nok,
                department=department or None,
                project=project or None,
            )
        )
    for code, amount, nok in zip(vat_codes, (vat_by_code[c] for c in vat_codes), vat_nok, strict=True):
        if not nok:
            continue
        if not vat_accounts.get(code):
            raise FormatError(
                "FF-INV-VAT-ACCOUNT", f"VAT code {code} charges VAT but has no VAT account to post it to", "vat_code"
            )
        out.append(line(vat_accounts[code], nok, abs(amount), credit_positive, vat_code=code))
    if rounding_nok:
        out.append(line(rounding_account, rounding_nok, abs(rounding), credit_positive))
    return out
