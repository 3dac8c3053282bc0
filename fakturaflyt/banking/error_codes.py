"""Stable codes of the bank import and the customer payments (innbetalinger).

They reach the UI, the API (422 ``{code, message}``) and the CLI (exit 1).
"""

from __future__ import annotations

from enum import StrEnum

from fakturaflyt.core.errors import FakturaflytError, Problem


class BankCode(StrEnum):
    DUPLICATE = "FF-BANK-DUPLICATE"  # this bank reference was already recorded as a payment
    AMOUNT = "FF-BANK-AMOUNT"  # a payment or an allocation that is not a positive amount
    OVERALLOCATED = "FF-BANK-OVERALLOCATED"  # more allocated than paid, or than an invoice has open
    NOT_OPEN = "FF-BANK-NOT-OPEN"  # the invoice is paid, credited, a draft or a credit note
    CREDITED = "FF-BANK-CREDITED"  # a payment to a credited invoice: flagged, never posted automatically
    CUSTOMER = "FF-BANK-CUSTOMER"  # the invoice belongs to another customer or company
    CURRENCY = "FF-BANK-CURRENCY"  # only NOK invoices are settled from the bank (for now)
    NO_CREDIT = "FF-BANK-NO-CREDIT"  # nothing left of the payment to allocate
    UNKNOWN_FILE = "FF-BANK-UNKNOWN-FILE"  # not a camt.053/054 or a Nets OCR giro file
    ENTRY_STATE = "FF-BANK-ENTRY-STATE"  # the entry was already posted, ignored, or is outgoing
    REASON = "FF-BANK-REASON"  # ignoring an entry needs a reason


class BankError(FakturaflytError):
    """A payment or reconciliation action was refused; ``code`` is stable, ``message`` is for the accountant."""

    def __init__(self, code: BankCode | str, message: str, location: str = "") -> None:
        super().__init__([Problem(str(code), message, location)])
        self.message = message


__all__ = ["BankCode", "BankError"]
