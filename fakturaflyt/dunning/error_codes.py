"""Stable codes of the dunning run and the handover to collection.

A run never stops at one invoice: what was not sent is listed under ``skipped`` with its reason,
and what went wrong with its code. The core rules report their own ``FF-DUN-...`` codes
(``FF-DUN-NO-FEE-RATE``, ``FF-DUN-NO-INTEREST-RATE``) from :mod:`fakturaflyt.core.dunning`.
"""

from __future__ import annotations

from enum import StrEnum

from fakturaflyt.core.errors import FakturaflytError, Problem


class DunningCode(StrEnum):
    DISPUTED = "FF-DUN-DISPUTED"  # the customer disputes the invoice: no reminders until resolved
    SETTLED = "FF-DUN-SETTLED"  # paid or credited since the run was planned
    ALREADY_SENT = "FF-DUN-ALREADY-SENT"  # the step was sent already (a concurrent or repeated run)
    NOT_DELIVERED = "FF-DUN-NOT-DELIVERED"  # the invoice itself never reached the customer
    SEND_FAILED = "FF-DUN-SEND-FAILED"  # the reminder could not be sent (e-mail error); retried next run
    POSTING_FAILED = "FF-DUN-POSTING-FAILED"  # the fee/interest voucher could not be posted
    NO_FEE_RATE = "FF-DUN-NO-FEE-RATE"  # no inkassosats entered for the day
    NO_INTEREST_RATE = "FF-DUN-NO-INTEREST-RATE"  # a half-year's forsinkelsesrente is missing
    NOT_READY = "FF-DUN-NOT-READY"  # handover refused: no inkassovarsel, or its deadline has not passed
    ALREADY_HANDED_OVER = "FF-DUN-ALREADY-HANDED-OVER"  # the invoice is with a collection agency already


class DunningError(FakturaflytError):
    """A dunning action was refused; ``code`` is stable and ``message`` is for the accountant."""

    def __init__(self, code: DunningCode | str, message: str, location: str = "") -> None:
        super().__init__([Problem(str(code), message, location)])
        self.message = message


__all__ = ["DunningCode", "DunningError"]
