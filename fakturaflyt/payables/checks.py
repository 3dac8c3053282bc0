"""The checks a received supplier invoice must pass before it goes on to coding: pure functions over plain data.

Each check takes :class:`Facts` (what was read from the document, as Python values) and
returns problems (``{"code", "message", "field", "severity", "stage"}``, see
:mod:`.error_codes`). The checks that need the database (the supplier register, earlier
documents for duplicates, the credited invoice) are in :mod:`.processing`; they use the
helpers here to compare.

Norwegian rules behind the mandatory fields: bokføringsforskriften § 5-1-1 (an invoice
states its number, date, the seller's name and org.nr, the amount and VAT, and the due date).

>>> from decimal import Decimal
>>> facts = Facts(invoice_number="1001", issue_date=date(2026, 3, 1), supplier_name="Lev AS",
...               net_total=Decimal("100.00"), vat_total=Decimal("25.00"), total=Decimal("125.00"))
>>> [p["code"] for p in run(facts)]
['FF-AP-MISSING-FIELD']
>>> [p["code"] for p in sums(Facts(net_total=Decimal("100"), vat_total=Decimal("25"), total=Decimal("130")))]
['FF-AP-SUMS']
>>> account_key("86011117947", ""), account_key("", "NO93 8601 1117 947"), account_key("", "DE89370400440532013000")
('86011117947', '86011117947', 'DE89370400440532013000')
>>> within_window(date(2026, 3, 1), date(2026, 3, 4), 3), within_window(date(2026, 3, 1), date(2026, 3, 5), 3)
(True, False)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.identifiers import normalise_iban, normalise_kontonr, validate_kid
from fakturaflyt.core.pdf.model import AMOUNT_FIELDS as AMOUNT_FIELDS
from fakturaflyt.core.pdf.model import FIELD_NAMES as FIELD_NAMES
from fakturaflyt.payables.error_codes import IntakeCode, problem

# The fields read from every supplier invoice: the PDF reader's names, which `pdf extract` prints too.
DATE_FIELDS = frozenset({"issue_date", "due_date"})
#: The fields whose confidence decides whether a person must look at the document.
CONFIDENCE_FIELDS = (
    "supplier_name",
    "supplier_orgnr",
    "invoice_number",
    "issue_date",
    "due_date",
    "currency",
    "net_total",
    "vat_total",
    "total",
    "kid",
    "bank_account",
    "iban",
)
LABELS = {
    "supplier_name": "supplier name",
    "supplier_orgnr": "supplier org.nr",
    "supplier_vat_id": "supplier VAT number",
    "invoice_number": "invoice number",
    "issue_date": "invoice date",
    "due_date": "due date",
    "currency": "currency",
    "net_total": "amount excl. VAT",
    "vat_total": "VAT amount",
    "total": "amount incl. VAT",
    "kid": "KID",
    "bank_account": "bank account",
    "iban": "IBAN",
    "order_reference": "order reference",
}
ROUNDING_TOLERANCE = Decimal("1.00")  # øreavrunding: a total rounded to whole kroner


@dataclass(frozen=True)
class Facts:
    """What was read from one document, as plain values (``None`` / ``""`` when not found)."""

    invoice_number: str = ""
    issue_date: date | None = None
    due_date: date | None = None
    currency: str = ""
    net_total: Decimal | None = None
    vat_total: Decimal | None = None
    total: Decimal | None = None
    kid: str = ""
    bank_account: str = ""
    iban: str = ""
    supplier_name: str = ""
    supplier_orgnr: str = ""
    supplier_vat_id: str = ""
    is_credit_note: bool = False
    confidences: Mapping[str, float] = field(default_factory=dict)


def mandatory(facts: Facts) -> list[dict[str, str]]:
    """Supplier, invoice number, invoice date and total must be there; a missing due date is a warning."""
    found: list[dict[str, str]] = []
    if not (facts.supplier_name or facts.supplier_orgnr or facts.supplier_vat_id):
        found.append(
            problem(
                IntakeCode.MISSING_FIELD,
                "The supplier (name or org.nr) was not found on the document. Fill it in.",
                "supplier_name",
            )
        )
    required = (("invoice_number", facts.invoice_number), ("issue_date", facts.issue_date), ("total", facts.total))
    for name, value in required:
        if value in (None, ""):
            found.append(
                problem(
                    IntakeCode.MISSING_FIELD,
                    f"The {LABELS[name]} was not found on the document. Fill it in from the document.",
                    name,
                )
            )
    if facts.due_date is None and not facts.is_credit_note:
        found.append(
            problem(
                IntakeCode.MISSING_FIELD,
                "The document gives no due date; the supplier's payment terms will apply unless you fill it in.",
                "due_date",
                "warning",
            )
        )
    return found


def sums(facts: Facts) -> list[dict[str, str]]:
    """Amount excl. VAT + VAT = amount incl. VAT (to the øre; within 1 kr it is probably rounding)."""
    if facts.net_total is None or facts.vat_total is None or facts.total is None:
        return []
    expected = facts.net_total + facts.vat_total
    diff = facts.total - expected
    if diff == 0:
        return []
    if abs(diff) < ROUNDING_TOLERANCE:
        return [
            problem(
                IntakeCode.SUMS,
                f"Amount excl. VAT {facts.net_total} + VAT {facts.vat_total} = {expected}, but the total is "
                f"{facts.total} (difference {diff}): probably rounding to whole kroner. Check the total.",
                "total",
                "warning",
            )
        ]
    return [
        problem(
            IntakeCode.SUMS,
            f"Amount excl. VAT {facts.net_total} + VAT {facts.vat_total} = {expected}, but the total is "
            f"{facts.total} (difference {diff}). One of the three amounts is wrong: check them against the document.",
            "total",
        )
    ]


def dates(facts: Facts) -> list[dict[str, str]]:
    if facts.issue_date and facts.due_date and facts.due_date < facts.issue_date:
        return [
            problem(
                IntakeCode.DUE_BEFORE_ISSUE,
                f"The due date {facts.due_date:%d.%m.%Y} is before the invoice date {facts.issue_date:%d.%m.%Y}.",
                "due_date",
                "warning",
            )
        ]
    return []


def kid(facts: Facts) -> list[dict[str, str]]:
    """A KID must have a valid MOD10 or MOD11 check digit, or the bank refuses the payment."""
    if not facts.kid:
        return []
    try:
        validate_kid(facts.kid)
    except FormatError:
        return [
            problem(
                IntakeCode.KID_INVALID,
                f"KID {facts.kid} has a wrong check digit (neither MOD10 nor MOD11); the bank will refuse "
                "to pay with it. Check the KID against the document or ask the supplier.",
                "kid",
            )
        ]
    return []


def low_confidence(
    confidences: Mapping[str, float], values: Mapping[str, object], threshold: float
) -> list[dict[str, str]]:
    """One warning per important field that was found but read with confidence below ``threshold``."""
    found = []
    for name in CONFIDENCE_FIELDS:
        conf = confidences.get(name)
        if conf is None or values.get(name) in (None, ""):
            continue
        if conf < threshold:
            found.append(
                problem(
                    IntakeCode.LOW_CONFIDENCE,
                    f"The {LABELS[name]} was read with {round(conf * 100)} % confidence. Check it against the document.",
                    name,
                    "warning",
                )
            )
    return found


def run(facts: Facts) -> list[dict[str, str]]:
    """The checks that need nothing but the document itself."""
    return [*mandatory(facts), *sums(facts), *dates(facts), *kid(facts)]


def account_key(bank_account: str, iban: str) -> str:
    """The account in a form that compares: a Norwegian IBAN as its 11-digit kontonr, else the compact IBAN."""
    if bank_account:
        try:
            return normalise_kontonr(bank_account)
        except FormatError:
            return bank_account.replace(" ", "").replace(".", "")
    if iban:
        try:
            compact = normalise_iban(iban)
        except FormatError:
            return iban.replace(" ", "").upper()
        return compact[4:] if compact.startswith("NO") and len(compact) == 15 else compact
    return ""


def within_window(a: date | None, b: date | None, days: int) -> bool:
    return a is not None and b is not None and abs((a - b).days) <= days


def has_errors(problems: Iterable[Mapping[str, str]]) -> bool:
    return any(p.get("severity") in ("error", "fatal") for p in problems)


def needs_review(problems: Iterable[Mapping[str, str]]) -> bool:
    """A person must look: an error, or a field read with low confidence."""
    return any(p.get("severity") in ("error", "fatal") or p.get("code") == IntakeCode.LOW_CONFIDENCE for p in problems)
