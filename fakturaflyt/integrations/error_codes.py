"""Stable codes of the accounting-system export (issue 10).

They reach the UI, the API (``{code, message, problems}``) and the CLI (exit 1). The core
adapters raise ``FF-EXPORT-NOT-CONFIGURED``, ``FF-EXPORT-UNMAPPED``, ``FF-EXPORT-REJECTED``
and ``FF-EXPORT-UNKNOWN-SYSTEM`` themselves (:mod:`fakturaflyt.core.accounting_systems`), the
CSV layout ``FF-CSV-LAYOUT`` (:mod:`fakturaflyt.core.journal_csv`).
"""

from __future__ import annotations

from enum import StrEnum

from fakturaflyt.core.errors import FakturaflytError, Problem


class ExportCode(StrEnum):
    NOT_CONFIGURED = "FF-EXPORT-NOT-CONFIGURED"  # the company has not entered the system's keys
    UNKNOWN_SYSTEM = "FF-EXPORT-UNKNOWN-SYSTEM"  # not tripletex, fiken or poweroffice
    UNMAPPED = "FF-EXPORT-UNMAPPED"  # an account, VAT code or dimension the other system does not know
    REJECTED = "FF-EXPORT-REJECTED"  # the other system answered 4xx/5xx for the voucher
    AUTH = "FF-EXPORT-AUTH"  # the keys were refused (no session/access token)
    TRANSPORT = "FF-EXPORT-TRANSPORT"  # no answer (network, timeout)
    SECRETS_KEY = "FF-EXPORT-SECRETS-KEY"  # the stored keys cannot be decrypted with this server's key
    BAD_INPUT = "FF-EXPORT-INPUT"  # a form or API field is wrong (dates, layout)
    LAYOUT = "FF-CSV-LAYOUT"  # the CSV layout is not valid


class ExportError(FakturaflytError):
    """An export action was refused; ``code`` is stable, ``message`` is for the accountant."""

    def __init__(self, code: ExportCode | str, message: str, location: str = "") -> None:
        super().__init__([Problem(str(code), message, location)])
        self.message = message


__all__ = ["ExportCode", "ExportError"]
