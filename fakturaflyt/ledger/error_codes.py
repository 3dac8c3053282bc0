"""Stable error codes of the ledger, shown to users and returned by the API."""

from __future__ import annotations

from enum import StrEnum

from fakturaflyt.core.errors import FakturaflytError, Problem


class LedgerErrorCode(StrEnum):
    UNBALANCED = "FF-LEDGER-UNBALANCED"
    EMPTY = "FF-LEDGER-EMPTY"
    BAD_LINE = "FF-LEDGER-LINE"
    UNKNOWN_ACCOUNT = "FF-LEDGER-ACCOUNT"
    INACTIVE_ACCOUNT = "FF-LEDGER-ACCOUNT-INACTIVE"
    UNKNOWN_VAT_CODE = "FF-LEDGER-VATCODE"
    UNKNOWN_DIMENSION = "FF-LEDGER-DIMENSION"
    UNKNOWN_SERIES = "FF-LEDGER-SERIES"
    IMMUTABLE = "FF-LEDGER-IMMUTABLE"
    ALREADY_REVERSED = "FF-LEDGER-ALREADY-REVERSED"
    REVERSAL_OF_REVERSAL = "FF-LEDGER-REVERSAL-OF-REVERSAL"
    AUDIT_APPEND_ONLY = "FF-AUDIT-APPEND-ONLY"


class LedgerError(FakturaflytError):
    """A ledger rule was broken; ``problems`` lists every line at fault."""

    def __init__(self, code: LedgerErrorCode | str, message: str, location: str = "") -> None:
        super().__init__([Problem(str(code), message, location)])
