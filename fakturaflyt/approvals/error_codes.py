"""Stable codes of the approval workflow's refusals: in the API (422 ``{code, message, field}``), the UI and the CLI."""

from __future__ import annotations

from enum import StrEnum

from fakturaflyt.core.errors import FakturaflytError, Problem


class ApprovalCode(StrEnum):
    NOT_IN_APPROVAL = "FF-APPROVAL-NOT-IN-APPROVAL"  # approve/reject a document that is not waiting for approval
    NOT_YOUR_STEP = "FF-APPROVAL-NOT-YOUR-STEP"  # neither the current approver nor their substitute
    SELF_APPROVAL = "FF-APPROVAL-SELF"  # the person who ordered it may not approve it
    REASON_REQUIRED = "FF-APPROVAL-REASON-REQUIRED"  # a rejection needs a reason
    NOT_RETURNED = "FF-APPROVAL-NOT-RETURNED"  # resubmit a document that was not returned
    NOT_CODED = "FF-APPROVAL-NOT-CODED"  # a document with lines still waiting for coding
    NO_APPROVER = "FF-APPROVAL-NO-APPROVER"  # nobody may approve this amount
    BAD_RULE = "FF-APPROVAL-BAD-RULE"
    BAD_SUBSTITUTE = "FF-APPROVAL-BAD-SUBSTITUTE"
    EMPTY_COMMENT = "FF-APPROVAL-EMPTY-COMMENT"
    WRONG_COMPANY = "FF-APPROVAL-WRONG-COMPANY"
    POSTING = "FF-APPROVAL-POSTING"  # the approved document cannot be posted (see the message)
    FOREIGN_CURRENCY = "FF-APPROVAL-FOREIGN-CURRENCY"  # no NOK VAT amount to convert a foreign invoice with
    VAT_MISMATCH = "FF-APPROVAL-VAT-MISMATCH"  # VAT by code differs from the invoice's VAT by more than 1 kr
    NET_MISMATCH = "FF-APPROVAL-NET-MISMATCH"  # the coded lines do not add up to the invoice's net amount
    ALREADY_POSTED = "FF-APPROVAL-ALREADY-POSTED"


class ApprovalError(FakturaflytError):
    """An approval action was refused. ``code`` is stable, ``message`` for the user, ``field`` the input at fault."""

    def __init__(self, code: ApprovalCode | str, message: str, field: str = "") -> None:
        super().__init__([Problem(str(code), message, field)])
        self.message = message
        self.field = field

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "field": self.field}


__all__ = ["ApprovalCode", "ApprovalError"]
