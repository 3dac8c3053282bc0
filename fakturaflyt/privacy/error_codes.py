"""Stable error codes of data protection and retention, shown to users and returned by the CLI."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from fakturaflyt.core.errors import FakturaflytError, Problem


class PrivacyErrorCode(StrEnum):
    RETENTION_ACTIVE = "FF-RETENTION-ACTIVE"
    NO_SUBJECT = "FF-PRIVACY-NO-SUBJECT"
    NOT_A_PERSON = "FF-PRIVACY-NOT-A-PERSON"
    ALREADY_ERASED = "FF-PRIVACY-ALREADY-ERASED"
    LAST_ADMIN = "FF-PRIVACY-LAST-ADMIN"


class PrivacyError(FakturaflytError):
    def __init__(self, code: PrivacyErrorCode | str, message: str, location: str = "") -> None:
        super().__init__([Problem(str(code), message, location)])


class RetentionError(PrivacyError):
    """Refused: accounting material inside its retention period (bokføringsloven § 13). ``until`` is its last day."""

    def __init__(self, message: str, until: date, location: str = "") -> None:
        self.until = until
        super().__init__(PrivacyErrorCode.RETENTION_ACTIVE, message, location)
