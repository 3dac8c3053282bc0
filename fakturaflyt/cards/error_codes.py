"""Stable codes of the card app (card statements, shop order reports, the split and its posting).

They reach the UI, the API (422 ``{code, message}``) and the CLI (exit 1). The readers in
:mod:`fakturaflyt.core.cards` raise their own ``FF-CARD-*`` format codes with line and column.
"""

from __future__ import annotations

from enum import StrEnum

from fakturaflyt.core.errors import FakturaflytError, Problem


class CardCode(StrEnum):
    UNKNOWN_FILE = "FF-CARD-UNKNOWN-FILE"  # neither a card statement (CSV, camt) nor a known shop's order report
    STATE = "FF-CARD-STATE"  # the charge is posted or ignored (or not matched) and cannot be changed so
    NOT_CODED = "FF-CARD-NOT-CODED"  # a line has no account or VAT code yet
    NO_LINES = "FF-CARD-NO-LINES"  # an unmatched charge is posted with its own coding, or assigned lines first
    CANDIDATE = "FF-CARD-CANDIDATE"  # the chosen candidate is not one of the charge's candidates
    REASON = "FF-CARD-REASON"  # ignoring a charge needs a reason
    WRONG_COMPANY = "FF-CARD-WRONG-COMPANY"  # the charge, line or file belongs to another company
    POSTING = "FF-CARD-POSTING"  # the ledger refused the voucher (its problems follow)
    NO_RATE = "FF-CARD-NO-RATE"  # no NOK amount and no exchange rate to value the charge in NOK


class CardError(FakturaflytError):
    """A card action was refused; ``code`` is stable, ``message`` is for the accountant."""

    def __init__(self, code: CardCode | str, message: str, location: str = "") -> None:
        super().__init__([Problem(str(code), message, location)])
        self.message = message


__all__ = ["CardCode", "CardError"]
