"""Stable codes of distribution refusals and failures: in the API (422 ``{code, message, field}``), the UI, the log."""

from __future__ import annotations

from enum import StrEnum

from fakturaflyt.core.errors import FakturaflytError, Problem


class DistributionCode(StrEnum):
    NOT_ISSUED = "FF-DIST-NOT-ISSUED"  # a draft cannot be sent: issue it first
    UNKNOWN_CHANNEL = "FF-DIST-UNKNOWN-CHANNEL"  # a channel name we have no adapter for
    NOT_CONFIGURED = "FF-DIST-NOT-CONFIGURED"  # eFaktura / Vipps without the company's agreement id
    NOT_IMPLEMENTED = "FF-DIST-NOT-IMPLEMENTED"  # configured, but the bank/Vipps API is not built yet
    NO_RECIPIENT = "FF-DIST-NO-RECIPIENT"  # no Peppol id / e-mail address to send to
    TEMPORARY = "FF-DIST-TEMPORARY"  # the channel failed for now; retried with back-off
    REFUSED = "FF-DIST-REFUSED"  # the receiving side refused it for good (SMTP 5xx, Peppol rejection)
    DOCUMENT = "FF-DIST-DOCUMENT"  # the EHF or PDF could not be made
    GAVE_UP = "FF-DIST-GAVE-UP"  # temporary failures until the last attempt
    REJECTED = "FF-DIST-REJECTED"  # the access point or the receiver rejected the EHF (receipt)
    WRONG_COMPANY = "FF-DIST-WRONG-COMPANY"


class DistributionError(FakturaflytError):
    """A distribution action was refused. ``code`` is stable, ``message`` for the user, ``field`` the input at fault."""

    def __init__(self, code: DistributionCode | str, message: str, field: str = "") -> None:
        super().__init__([Problem(str(code), message, field)])
        self.message = message
        self.field = field

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "field": self.field}


__all__ = ["DistributionCode", "DistributionError"]
