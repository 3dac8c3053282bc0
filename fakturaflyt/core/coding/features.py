"""What the coding engine looks at in a purchase line, and the evidence keys derived from it.

A :class:`PurchaseLine` is one line to code (kontere): a supplier-invoice line, a card-charge
line or an Amazon order line. :func:`evidence` turns it into named *evidence keys*: the
supplier, the supplier with the buyer, the supplier with the exact amount, the words of the
line text, and so on. The learner keeps, per key, how the company has coded lines with that
key; which keys to trust, and how much, it learns itself.

Only general features are used (no names of any one organisation): normalised supplier
name and org.nr, the first word of the supplier name (the chain: "shell", "elkjøp"), word
and character n-grams of the texts, amount sign, size bucket and exact recurring amount,
currency, buyer, month and weekday, PO and project references, the VAT rate, and any extra
columns the caller names.

>>> normalise_supplier("ELKJØP NORGE AS, avd. 123")
'elkjøp norge avd'
>>> words("Lisens Microsoft 365, 12 mnd")
['lisens', 'microsoft', 'mnd']
>>> amount_bucket(Decimal("-149.00")), amount_bucket(Decimal("1250"))
('-b3', 'b5')
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

#: Legal-form and filler words dropped from supplier names (Norwegian, Nordic, English, German).
LEGAL_FORMS = frozenset(
    "as asa ans da ba sa nuf ab oy oyj aps gmbh ag kg bv nv ltd limited plc llc inc corp co sarl srl spa the".split()
)
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
_SPACE = re.compile(r"\s+")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def normalise_supplier(name: str) -> str:
    """The supplier name as compared: lower case, words only (digits and punctuation gone), no legal form."""
    return " ".join(w for w in _WORD.findall(_fold(name)) if w not in LEGAL_FORMS)


def words(text: str) -> list[str]:
    """The words of a text (letters only, at least three), lower case."""
    return [w for w in _WORD.findall(_fold(text)) if len(w) >= 3]


def char_grams(word: str, n: int = 4) -> list[str]:
    """Character n-grams of one word with boundary marks, so "lisenser" shares most grams with "lisens"."""
    padded = f"^{word}$"
    if len(padded) <= n:
        return [padded]
    return [padded[i : i + n] for i in range(len(padded) - n + 1)]


def amount_bucket(amount: Decimal | None) -> str:
    """Sign and size in half-decades: 'b0' below 10, 'b1' 10-31, 'b2' 32-99, 'b3' 100-315, ... ('-' for a credit)."""
    if amount is None:
        return "none"
    try:
        value = abs(float(amount))
    except (InvalidOperation, ValueError):
        return "none"
    level = 0 if value < 10 else int(2 * math.log10(value)) - 1
    return f"{'-' if amount < 0 else ''}b{level}"


@dataclass(frozen=True, slots=True)
class PurchaseLine:
    """One purchase line to code. Every field is optional; the more there is, the better the suggestion."""

    date: date | None = None
    supplier_id: str = ""  # org.nr (Norwegian) or another stable id; falls back to the normalised name
    supplier_name: str = ""
    description: str = ""  # the line text
    invoice_text: str = ""  # invoice-level text: reference, note, Amazon category, card merchant text
    amount: Decimal | None = None  # the line amount, excl. VAT where known; negative for a credit
    currency: str = ""
    buyer: str = ""  # requester, card holder, "our reference"
    po_ref: str = ""
    project_ref: str = ""
    vat_rate: Decimal | None = None
    extra: tuple[tuple[str, str], ...] = field(default=())

    @property
    def supplier_key(self) -> str:
        return self.supplier_id.strip().casefold() or normalise_supplier(self.supplier_name)

    def as_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat() if self.date else None,
            "supplier_id": self.supplier_id,
            "supplier_name": self.supplier_name,
            "description": self.description,
            "invoice_text": self.invoice_text,
            "amount": str(self.amount) if self.amount is not None else None,
            "currency": self.currency,
            "buyer": self.buyer,
            "po_ref": self.po_ref,
            "project_ref": self.project_ref,
            "vat_rate": str(self.vat_rate) if self.vat_rate is not None else None,
            "extra": dict(self.extra),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PurchaseLine:
        def dec(value: Any) -> Decimal | None:
            if value in (None, ""):
                return None
            try:
                return Decimal(str(value))
            except InvalidOperation:
                return None

        raw_date = data.get("date")
        extra = data.get("extra") or {}
        return cls(
            date=date.fromisoformat(raw_date) if raw_date else None,
            supplier_id=str(data.get("supplier_id") or ""),
            supplier_name=str(data.get("supplier_name") or ""),
            description=str(data.get("description") or ""),
            invoice_text=str(data.get("invoice_text") or ""),
            amount=dec(data.get("amount")),
            currency=str(data.get("currency") or ""),
            buyer=str(data.get("buyer") or ""),
            po_ref=str(data.get("po_ref") or ""),
            project_ref=str(data.get("project_ref") or ""),
            vat_rate=dec(data.get("vat_rate")),
            extra=tuple(sorted((str(k), str(v)) for k, v in extra.items())),
        )


#: Evidence kinds with one key per line, most specific first. The name is what explanations show.
SINGLE_KINDS = (
    "supplier+amount",
    "supplier+buyer",
    "supplier+text",
    "supplier+bucket",
    "supplier",
    "chain+buyer",
    "chain",
    "buyer+day",
    "buyer+bucket",
    "buyer",
    "po",
    "project",
    "vat_rate",
    "currency",
    "month",
    "weekday",
)
#: Evidence kinds with several keys per line (words, n-grams, extra columns).
MULTI_KINDS = ("word", "gram", "extra", "extra+buyer")
KINDS = SINGLE_KINDS + MULTI_KINDS


#: Words of web addresses and payment intermediaries' prefixes that do not name the shop.
WEB_WORDS = frozenset("www http https com net org co uk no se dk de eu online shop store stores".split())


def _chain(supplier: str) -> str:
    """The chain or brand: the first telling word of the supplier name ("www.argos.co.uk" → "argos")."""
    for word in supplier.split(" "):
        if len(word) >= 3 and word not in WEB_WORDS:
            return word
    return supplier


def evidence(line: PurchaseLine) -> Iterator[tuple[str, str]]:
    """The line's evidence as (kind, key) pairs; a kind that does not apply yields nothing."""
    supplier = line.supplier_key
    name = normalise_supplier(line.supplier_name) or supplier
    chain = _chain(name) if name else ""
    buyer = _fold(line.buyer.strip())
    bucket = amount_bucket(line.amount)
    text_words = words(line.description) + words(line.invoice_text)
    if supplier:
        if line.amount is not None:
            yield "supplier+amount", f"{supplier}|{line.amount:.2f}"
        if buyer:
            yield "supplier+buyer", f"{supplier}|{buyer}"
        if text_words:
            yield "supplier+text", f"{supplier}|{' '.join(sorted(set(text_words)))}"
        yield "supplier+bucket", f"{supplier}|{bucket}"
        yield "supplier", supplier
    if chain and chain != supplier:
        if buyer:
            yield "chain+buyer", f"{chain}|{buyer}"
        yield "chain", chain
    if buyer:
        if line.date is not None:
            yield "buyer+day", f"{buyer}|{line.date.toordinal()}"
        yield "buyer+bucket", f"{buyer}|{bucket}"
        yield "buyer", buyer
    if line.po_ref:
        yield "po", _fold(line.po_ref.strip())
    if line.project_ref:
        yield "project", _fold(line.project_ref.strip())
    if line.vat_rate is not None:
        yield "vat_rate", str(line.vat_rate.normalize())
    if line.currency:
        yield "currency", line.currency.upper()
    if line.date is not None:
        yield "month", str(line.date.month)
        yield "weekday", str(line.date.isoweekday())
    # Each word, then its character n-grams (the learner reads the grams of rare words only).
    seen: set[str] = set()
    for w in text_words + (name.split() if name else []):
        if w not in seen:
            seen.add(w)
            yield "word", w
            for g in char_grams(w):
                yield "gram", g
    for column, value in line.extra:
        value = _fold(value.strip())
        if value:
            yield "extra", f"{column}={value}"
            if buyer:
                yield "extra+buyer", f"{column}={value}|{buyer}"


__all__ = [
    "KINDS",
    "LEGAL_FORMS",
    "MULTI_KINDS",
    "SINGLE_KINDS",
    "PurchaseLine",
    "amount_bucket",
    "char_grams",
    "evidence",
    "normalise_supplier",
    "words",
]
