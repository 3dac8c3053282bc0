"""Stable codes of customer invoicing: why a draft, an issue or a credit was refused.

They reach the API (422 ``{code, message, problems}``), the UI and the CLI (exit 1). The legal
content check of an invoice (bokføringsforskriften § 5-1-1) reports its own ``FF-INV-*`` codes
from :func:`fakturaflyt.core.invoicing.legal_problems`, listed together in one
:class:`~fakturaflyt.core.errors.RuleViolation`.
"""

from __future__ import annotations

from enum import StrEnum

from fakturaflyt.core.errors import FakturaflytError, Problem


class InvoiceCode(StrEnum):
    NOT_DRAFT = "FF-INV-NOT-DRAFT"  # an issued invoice is never edited or deleted: credit it
    NOT_ISSUED = "FF-INV-NOT-ISSUED"  # only an issued invoice can be credited
    CREDIT_OF_CREDIT = "FF-INV-CREDIT-OF-CREDIT"  # a credit note is not credited
    CREDIT_REASON = "FF-INV-CREDIT-REASON"  # a credit note needs its reason
    OVERCREDIT = "FF-INV-OVERCREDIT"  # credit notes may not exceed what the invoice charged
    DUPLICATE_SOURCE = "FF-INV-DUPLICATE-SOURCE"  # this source already made an invoice
    CUSTOMER = "FF-INV-CUSTOMER"  # the customer belongs to another company
    NO_LINES = "FF-INV-NO-LINES"  # a draft needs at least one line
    LINE = "FF-INV-LINE"  # a line without description, or with a bad quantity, price or discount
    VAT_CODE = "FF-INV-VAT-CODE"  # unknown, inactive, or not a sales VAT code
    ACCOUNT = "FF-INV-ACCOUNT"  # unknown or inactive revenue account
    DIMENSION = "FF-INV-DIMENSION"  # unknown department or project
    PRODUCT = "FF-INV-PRODUCT"  # the product belongs to another company
    EXCHANGE_RATE = "FF-INV-EXCHANGE-RATE"  # a currency invoice needs its rate
    PERIOD = "FF-INV-PERIOD"  # a period ending before it starts, or a line period outside the invoice's
    ZERO = "FF-INV-ZERO"  # nothing to charge
    NEGATIVE = "FF-INV-NEGATIVE"  # a negative total is a credit note
    NOT_FOUND = "FF-INV-NOT-FOUND"  # no such invoice (CLI, API)


class InvoiceError(FakturaflytError):
    """An invoicing action was refused; ``code`` is stable and ``message`` is for the accountant."""

    def __init__(self, code: InvoiceCode | str, message: str, location: str = "") -> None:
        super().__init__([Problem(str(code), message, location)])
        self.message = message


__all__ = ["InvoiceCode", "InvoiceError"]
