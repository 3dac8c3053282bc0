"""Stable codes of the supplier-invoice intake: on a document's problems, in the API and the CLI.

A document's ``problems`` is a list of ``{"code", "message", "field", "severity"}`` (plus
``"stage"``: ``read`` for what reading the file found, ``check`` for the checks after it).
``severity`` is ``error`` (the document needs a person), ``warning`` (shown, does not stop it)
or ``info``. Codes of the formats themselves come through unchanged: ``FF-XML-*`` (hostile or
broken XML), ``FF-EHF-*`` and the EN 16931 / Peppol rule ids (``BR-CO-15``), ``FF-PDF-*``,
``FF-MAIL-*`` and ``FF-ZIP-*``.
"""

from __future__ import annotations

from enum import StrEnum

from fakturaflyt.core.errors import FakturaflytError, Problem


class IntakeCode(StrEnum):
    # reading the file
    UNSUPPORTED = "FF-AP-UNSUPPORTED-FORMAT"  # not EHF XML, PDF or an image
    EMPTY = "FF-AP-EMPTY"  # no bytes at all
    PARSER_CRASH = "FF-AP-PARSER-CRASH"  # a reader failed unexpectedly (a bug or an exotic file)
    PDF_UNAVAILABLE = "FF-AP-PDF-UNAVAILABLE"  # the PDF/OCR reader is not installed
    FILE_MISSING = "FF-AP-FILE-MISSING"  # the stored bytes are gone or altered
    TOO_MANY_ATTEMPTS = "FF-AP-TOO-MANY-ATTEMPTS"  # processing started again and again without finishing
    NO_INVOICE = "FF-AP-NO-INVOICE"  # an e-mail or zip file without any invoice file in it
    CONTAINER = "FF-AP-CONTAINER"  # an e-mail or zip file that cannot be opened
    EHF_RULE = "FF-AP-EHF-RULE"  # (prefix only; EHF rule problems keep their own rule id)
    # the checks
    MISSING_FIELD = "FF-AP-MISSING-FIELD"
    BAD_VALUE = "FF-AP-BAD-VALUE"  # a field read from the document is not a date, an amount, ...
    SUMS = "FF-AP-SUMS"  # net + VAT differs from the total
    DUE_BEFORE_ISSUE = "FF-AP-DUE-BEFORE-ISSUE"
    LOW_CONFIDENCE = "FF-AP-LOW-CONFIDENCE"
    SUPPLIER_UNKNOWN = "FF-AP-SUPPLIER-UNKNOWN"  # no org.nr or VAT number to know the supplier by
    SUPPLIER_CREATED = "FF-AP-SUPPLIER-CREATED"  # info: a new supplier was registered from the document
    SUPPLIER_MISMATCH = "FF-AP-SUPPLIER-MISMATCH"  # uploaded by one supplier, issued by another
    ORGNR_INVALID = "FF-AP-ORGNR-INVALID"
    BANK_CHANGED = "FF-AP-BANK-CHANGED"  # fraud warning: the account differs from the supplier's known one
    BANK_INVALID = "FF-AP-BANK-INVALID"
    BANK_LEARNED = "FF-AP-BANK-LEARNED"  # info: the supplier's first account was taken from this document
    KID_INVALID = "FF-AP-KID-INVALID"
    PAYMENT_REFERENCE = "FF-AP-PAYMENT-REFERENCE"  # info: a payment reference that is not a KID
    DUPLICATE_FILE = "FF-AP-DUPLICATE-FILE"
    DUPLICATE_NUMBER = "FF-AP-DUPLICATE-NUMBER"
    DUPLICATE_AMOUNT = "FF-AP-DUPLICATE-AMOUNT"
    CREDIT_LINKED = "FF-AP-CREDIT-LINKED"  # info: the credit note was linked to the invoice it credits
    CREDIT_UNMATCHED = "FF-AP-CREDIT-UNMATCHED"  # the credited invoice has not been received
    CREDIT_NO_REFERENCE = "FF-AP-CREDIT-NO-REFERENCE"  # a credit note that names no invoice
    # refusals of an action (raised as PayablesError)
    WRONG_STATE = "FF-AP-WRONG-STATE"
    UNKNOWN_FIELD = "FF-AP-UNKNOWN-FIELD"
    NOT_A_DUPLICATE_RULE = "FF-AP-NOT-AMOUNT-DUPLICATE"
    REASON_REQUIRED = "FF-AP-REASON-REQUIRED"
    TOO_LARGE = "FF-AP-TOO-LARGE"
    NO_FILE = "FF-AP-NO-FILE"


class BankChangeCode(StrEnum):
    """Refusals around a change of a supplier's bank account (two people: one asks, another approves)."""

    SAME_PERSON = "FF-SUP-BANK-SAME-PERSON"  # the requester tried to approve their own change
    PENDING = "FF-SUP-BANK-PENDING"  # a change for this supplier already waits for approval
    NOT_PENDING = "FF-SUP-BANK-NOT-PENDING"  # the change was already approved or rejected
    UNCHANGED = "FF-SUP-BANK-UNCHANGED"  # the requested account is the one the supplier already has
    NO_ACCOUNT = "FF-SUP-BANK-NO-ACCOUNT"  # neither an account number nor an IBAN was given
    STALE = "FF-SUP-BANK-STALE"  # the supplier's account changed after the request was made
    REASON_REQUIRED = "FF-SUP-BANK-REASON-REQUIRED"  # a rejection needs a reason


class PayablesError(FakturaflytError):
    """An intake action was refused (wrong state, unknown field, a value that is not valid)."""

    def __init__(self, code: IntakeCode | str, message: str, location: str = "") -> None:
        super().__init__([Problem(str(code), message, location)])


def problem(
    code: IntakeCode | str, message: str, field: str = "", severity: str = "error", stage: str = "check"
) -> dict[str, str]:
    """One entry of a document's ``problems``."""
    return {"code": str(code), "message": message, "field": field, "severity": severity, "stage": stage}


__all__ = ["BankChangeCode", "IntakeCode", "PayablesError", "problem"]
