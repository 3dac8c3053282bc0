"""Stable codes of the purchasing refusals: in the API (422 ``{code, message, field}``), the UI and the CSV import."""

from __future__ import annotations

from enum import StrEnum

from fakturaflyt.core.errors import FakturaflytError, Problem


class PurchasingCode(StrEnum):
    NUMBER_REQUIRED = "FF-PO-NUMBER-REQUIRED"  # an order needs a number
    DUPLICATE_NUMBER = "FF-PO-DUPLICATE-NUMBER"  # the company already has an order with this number
    UNKNOWN_SUPPLIER = "FF-PO-UNKNOWN-SUPPLIER"  # no supplier of the company with this org.nr or number
    UNKNOWN_REQUESTER = "FF-PO-UNKNOWN-REQUESTER"  # no member of the company with this e-mail
    NO_LINES = "FF-PO-NO-LINES"  # an order needs at least one line
    DUPLICATE_LINE = "FF-PO-DUPLICATE-LINE"  # two lines with the same line number
    BAD_LINE_NO = "FF-PO-BAD-LINE-NO"  # a line number that is not a whole number from 1
    BAD_QUANTITY = "FF-PO-BAD-QUANTITY"  # not a number, or not above zero
    BAD_PRICE = "FF-PO-BAD-PRICE"  # not a number, or below zero
    BAD_DATE = "FF-PO-BAD-DATE"  # not a date (YYYY-MM-DD or DD.MM.YYYY)
    BAD_UNIT = "FF-PO-BAD-UNIT"  # not a UN/ECE Rec 20 unit code (2-3 letters or digits)
    DESCRIPTION_REQUIRED = "FF-PO-DESCRIPTION-REQUIRED"
    BAD_CODING = "FF-PO-BAD-CODING"  # account, VAT code, department or project not usable (see the message)
    BAD_CSV = "FF-PO-BAD-CSV"  # the file is not a CSV with the documented columns
    INCONSISTENT_ORDER = "FF-PO-INCONSISTENT-ORDER"  # rows of one order disagree on supplier, date or requester
    NOT_OPEN = "FF-PO-NOT-OPEN"  # goods received on a closed or cancelled order
    UNKNOWN_LINE = "FF-PO-UNKNOWN-LINE"  # a receipt names a line the order does not have
    NOTHING_RECEIVED = "FF-PO-NOTHING-RECEIVED"  # a receipt with no quantity
    BAD_TOLERANCE = "FF-PO-BAD-TOLERANCE"  # a negative tolerance


class PurchasingError(FakturaflytError):
    """A purchasing action was refused: ``code`` is stable, ``message`` for the accountant, ``field`` the input.

    A CSV import collects every problem (one per row and column) before refusing: ``problems``
    holds them all, each with the location ``line N, column NAME``.
    """

    def __init__(
        self, code: PurchasingCode | str, message: str, field: str = "", problems: list[Problem] | None = None
    ):
        super().__init__(problems or [Problem(str(code), message, field)])
        self.message = message
        self.field = field

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": self.message,
            "field": self.field,
            "problems": [p.as_dict() for p in self.problems],
        }


__all__ = ["PurchasingCode", "PurchasingError"]
