"""The VAT lines of a purchase line, by its VAT code: shared by supplier-invoice and card posting.

Per the company's VAT code (:class:`~fakturaflyt.ledger.models.VatCode`, SAF-T standard codes):

* **Input VAT** (direction ``input``: codes 1, 11, 12, 13; and ``import`` codes without an
  output side, 14 and 15, the import VAT charged by customs or the forwarder): the VAT
  charged, debited to the code's VAT account (2710, 2711, 2712, 2713, 2715, 2716); it is part
  of the amount paid (``charged=True``).
* **Reverse charge** (omvendt avgiftsplikt, mval § 11-3; services bought from abroad, codes
  86-89, and 91/92; and the importer's own calculation of import VAT, mval § 11-1 (2), codes
  81-84): the buyer calculates the VAT itself at the code's rate. With deduction (86, 88, 81,
  83, 91) it is both debited to input VAT (2714, 2718, 2715, 2716, 2717) and credited to
  output VAT (2704, 2705, 2706, 2707): net zero. Without deduction (87, 89, 82, 84, 92) only
  the output side is posted and the VAT is a cost (``cost``, added to the expense line).
  Neither is part of the amount paid.
* Codes without a rate (0, 85, ...) post nothing; sales codes (``output``) are refused.

Amounts are signed: positive is a debit, negative a credit (a credit note or refund is the mirror).

>>> from types import SimpleNamespace as NS
>>> c86 = NS(code="86", name="Tjenester", rate=Decimal("25"), direction="reverse", vat_account="2714",
...          contra_vat_account="2704")
>>> r = vat_postings(c86, Decimal("100.00"))
>>> [(p.account, p.amount) for p in r.postings], r.cost
([('2714', Decimal('25.00')), ('2704', Decimal('-25.00'))], Decimal('0'))
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from fakturaflyt.core.ledger import VoucherLine

CENT = Decimal("0.01")


class VatCodeLike(Protocol):
    """What is read of a VAT code (the model, or :class:`fakturaflyt.core.vat.VatCodeSpec`)."""

    code: str
    name: str
    rate: Decimal
    direction: str
    vat_account: str
    contra_vat_account: str


class SalesVatCode(ValueError):
    """A sales (output) VAT code on a purchase line."""

    def __init__(self, code: VatCodeLike) -> None:
        super().__init__(f"VAT code {code.code} ({code.name}) is a sales code and cannot be used on a purchase.")
        self.code = code


@dataclass(frozen=True, slots=True)
class VatPosting:
    """One VAT line: account, signed amount (debit positive), its VAT code and text."""

    account: str
    amount: Decimal
    vat_code: str
    description: str
    charged: bool = False  # VAT the seller charged (part of the amount paid), not self-assessed


@dataclass(frozen=True, slots=True)
class VatResult:
    """The VAT lines of one purchase line, and the self-assessed VAT without deduction that is a cost."""

    postings: list[VatPosting] = field(default_factory=list)
    cost: Decimal = Decimal(0)


def _q(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def charges_vat(code: VatCodeLike | None) -> bool:
    """Whether the code's VAT is charged by the seller and deductible as input VAT (1, 11, 12, 13, 14, 15)."""
    if code is None or not code.rate:
        return False
    return code.direction == "input" or (code.direction == "import" and not code.contra_vat_account)


def vat_postings(code: VatCodeLike | None, base: Decimal, *, charged_vat: Decimal | None = None) -> VatResult:
    """The VAT lines for a purchase line with net amount ``base`` (signed) and VAT code ``code``.

    ``charged_vat``: the VAT the seller charged, when known, for input codes (else the code's
    rate on the base, rounded half up to the øre). Raises :class:`SalesVatCode` for an output code.
    """
    if code is None or not code.rate:
        return VatResult()
    if code.direction not in ("input", "import", "reverse"):
        raise SalesVatCode(code)
    text = f"MVA {code.code} {code.rate.normalize():f} %"
    if charges_vat(code):
        vat = _q(charged_vat) if charged_vat is not None else _q(base * code.rate / Decimal(100))
        if not vat:
            return VatResult()
        return VatResult([VatPosting(code.vat_account, vat, code.code, text, charged=True)])
    vat = _q(base * code.rate / Decimal(100))
    if not vat:
        return VatResult()
    postings = []
    cost = Decimal(0)
    if code.vat_account:  # deductible: input and output, net zero
        postings.append(VatPosting(code.vat_account, vat, code.code, text))
    else:  # not deductible: the VAT is a cost on the expense line
        cost = vat
    postings.append(VatPosting(code.contra_vat_account, -vat, code.code, text))
    return VatResult(postings, cost)


@dataclass
class SignedLine:
    """A voucher line before its side is chosen: a positive amount is a debit, a negative one a credit."""

    line: VoucherLine
    amount: Decimal
    charged_vat: bool = False  # VAT the seller charged (compared with the document's VAT total)

    def voucher_line(self) -> VoucherLine:
        if self.amount >= 0:
            return replace(self.line, debit=self.amount, credit=Decimal(0))
        return replace(self.line, debit=Decimal(0), credit=-self.amount)


__all__ = ["SalesVatCode", "SignedLine", "VatCodeLike", "VatPosting", "VatResult", "charges_vat", "vat_postings"]
