"""Stable codes of the billing run: why a source was not invoiced, and the refusals of the services.

A run never stops at one bad source: each problem is listed in the run's result with its code,
a message for the accountant and the source it belongs to (``subscription:12``, ``order:7``...).
The period maths reports its own ``FF-BILLING-...`` codes from :mod:`fakturaflyt.core.billing`
(``FF-BILLING-CPI-MISSING`` for a missing KPI, for instance); they are passed on unchanged.
"""

from __future__ import annotations

from enum import StrEnum

from fakturaflyt.core.errors import FakturaflytError, Problem


class BillingCode(StrEnum):
    CPI_MISSING = "FF-BILLING-CPI-MISSING"  # from core.billing: the KPI needed for a regulation is not in the table
    CPI_BASE_MISSING = "FF-BILLING-CPI-BASE-MISSING"  # a KPI-regulated subscription without a base index
    NO_LINES = "FF-BILLING-NO-LINES"  # an order without lines
    INVOICE_FAILED = "FF-BILLING-INVOICE-FAILED"  # the invoice could not be made or issued (see message)
    SEND_FAILED = "FF-BILLING-SEND-FAILED"  # made and issued, but handing it to its channel failed
    BILLED_DIFFERS = "FF-BILLING-BILLED-DIFFERS"  # a period already invoiced now computes to another amount
    BAD_CHANGE = "FF-BILLING-BAD-CHANGE"  # a plan change that cannot be made (date outside, same plan)
    BAD_TERMINATION = "FF-BILLING-BAD-TERMINATION"  # a termination date before the start
    INTERRUPTED = "FF-BILLING-INTERRUPTED"  # the run stopped half-way (process killed); a later run took over


class BillingError(FakturaflytError):
    """A billing action was refused; ``code`` is stable and ``message`` is for the accountant."""

    def __init__(self, code: BillingCode | str, message: str, location: str = "") -> None:
        super().__init__([Problem(str(code), message, location)])
        self.message = message


__all__ = ["BillingCode", "BillingError"]
