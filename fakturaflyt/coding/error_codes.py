"""Stable codes of the coding engine's refusals: in the API (422 ``{code, message, field}``), the UI and the CLI."""

from __future__ import annotations

from enum import StrEnum

from fakturaflyt.core.errors import FakturaflytError, Problem


class CodingCode(StrEnum):
    ACCOUNT_REQUIRED = "FF-CODING-ACCOUNT-REQUIRED"  # a line cannot be coded without an account
    UNKNOWN_ACCOUNT = "FF-CODING-UNKNOWN-ACCOUNT"  # not in the company's chart of accounts
    INACTIVE_ACCOUNT = "FF-CODING-INACTIVE-ACCOUNT"
    UNKNOWN_VAT_CODE = "FF-CODING-UNKNOWN-VAT-CODE"
    INACTIVE_VAT_CODE = "FF-CODING-INACTIVE-VAT-CODE"
    OUTPUT_VAT_CODE = "FF-CODING-OUTPUT-VAT-CODE"  # a sales VAT code on a purchase line
    UNKNOWN_DEPARTMENT = "FF-CODING-UNKNOWN-DEPARTMENT"
    INACTIVE_DEPARTMENT = "FF-CODING-INACTIVE-DEPARTMENT"
    UNKNOWN_PROJECT = "FF-CODING-UNKNOWN-PROJECT"
    INACTIVE_PROJECT = "FF-CODING-INACTIVE-PROJECT"
    UNKNOWN_TARGET = "FF-CODING-UNKNOWN-TARGET"  # a coding names a field other than the four targets
    WRONG_COMPANY = "FF-CODING-WRONG-COMPANY"  # a line, rule or supplier of another company
    BAD_RULE = "FF-CODING-BAD-RULE"  # a rule without pattern or without any coding
    BAD_SETTINGS = "FF-CODING-BAD-SETTINGS"  # a threshold or precision outside 0-1, an unknown mode
    NOT_READY = "FF-CODING-NOT-READY"  # a supplier document that is not (yet) ready for coding
    BAD_LINE = "FF-CODING-BAD-LINE"  # a purchase line that cannot be read (date, amount)


class CodingError(FakturaflytError):
    """A coding action was refused. ``code`` is stable, ``message`` for the accountant, ``field`` the input at fault.

    A :class:`~fakturaflyt.core.errors.FakturaflytError` (so the CLI and the API's generic handler
    know it), with the three attributes the coding UI and API read directly.
    """

    def __init__(self, code: CodingCode | str, message: str, field: str = "") -> None:
        super().__init__([Problem(str(code), message, field)])
        self.message = message
        self.field = field

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "field": self.field}


__all__ = ["CodingCode", "CodingError"]
