"""Stable codes of payments out: refusals of the services and the reasons an invoice is held out of a run.

The refusals reach the API (422 ``{code, message, problems}``), the UI and the CLI (exit 1).
The hold reasons are stored on the run (``PaymentRun.held``) with their code.
"""

from __future__ import annotations

from enum import StrEnum

from fakturaflyt.core.errors import FakturaflytError, Problem


class PaymentCode(StrEnum):
    # refusals
    NO_BANK_ACCOUNT = "FF-PAY-NO-BANK-ACCOUNT"  # the company has no bank account to pay from
    NOTHING_DUE = "FF-PAY-NOTHING-DUE"  # no approved, unpaid invoice due by the date
    NOT_DRAFT = "FF-PAY-NOT-DRAFT"  # only a proposed run can be approved
    NOT_APPROVED = "FF-PAY-NOT-APPROVED"  # only an approved run can be exported
    NOT_OPEN = "FF-PAY-NOT-OPEN"  # a run already sent, closed or cancelled cannot be cancelled
    SELF_APPROVAL = "FF-PAY-SELF-APPROVAL"  # the run's creator may not approve it (except an automated CLI run)
    EMPTY_RUN = "FF-PAY-EMPTY-RUN"  # a run without payments has no file
    BAD_FORMAT = "FF-PAY-BAD-FORMAT"  # not pain.001.001.09 or pain.001.001.03
    INVALID_FILE = "FF-PAY-INVALID-FILE"  # the written pain.001 failed validation
    ALREADY_EXPORTED = "FF-PAY-ALREADY-EXPORTED"  # exported before in another format
    UNKNOWN_BANK_FILE = "FF-PAY-UNKNOWN-BANK-FILE"  # neither pain.002 nor camt.053/054
    BAD_BANK_FILE = "FF-PAY-BAD-BANK-FILE"  # a pain.002 or camt file that cannot be read
    NO_ISO20022 = "FF-PAY-NO-ISO20022"  # the ISO 20022 core is not installed
    # why an invoice due by the date is left out of a run
    BANK_ACCOUNT_CHANGED = "FF-PAY-BANK-ACCOUNT-CHANGED"
    PAYMENT_BLOCKED = "FF-PAY-BLOCKED"
    NO_CREDITOR_ACCOUNT = "FF-PAY-NO-CREDITOR-ACCOUNT"
    CREDIT_EXCEEDS = "FF-PAY-CREDIT-EXCEEDS"  # the supplier's credit notes cover its invoices: nothing to pay
    NO_AMOUNT = "FF-PAY-NO-AMOUNT"  # no total or no due date on the invoice
    # warnings on a payment
    KID_INVALID = "FF-PAY-KID-INVALID"
    ACCOUNT_UNKNOWN = "FF-PAY-ACCOUNT-UNKNOWN"  # the supplier has no known account to compare with


class PaymentError(FakturaflytError):
    """A payments action was refused; ``code`` is stable and ``message`` is for the accountant."""

    def __init__(self, code: PaymentCode | str, message: str, location: str = "") -> None:
        super().__init__([Problem(str(code), message, location)])
        self.message = message


__all__ = ["PaymentCode", "PaymentError"]
