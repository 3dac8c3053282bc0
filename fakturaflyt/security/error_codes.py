"""Stable codes of the security area: they reach the UI (messages), the API (``{code, message}``) and the CLI."""

from __future__ import annotations

from enum import StrEnum

from fakturaflyt.core.errors import FakturaflytError, Problem


class SecurityCode(StrEnum):
    TWO_FACTOR_REQUIRED = "FF-2FA-REQUIRED"  # the role needs a session verified with a one-time code
    TWO_FACTOR_STILL_REQUIRED = "FF-2FA-STILL-REQUIRED"  # the last authenticator cannot be removed
    BAD_CODE = "FF-2FA-BAD-CODE"  # the one-time or recovery code was wrong, used, or tried too fast
    TOKEN_NOT_FOUND = "FF-TOKEN-NOT-FOUND"  # no such token, or not one this user may revoke
    TOKEN_THROTTLED = "FF-API-TOKEN-THROTTLED"  # too many bad bearer tokens from this address


class SecurityError(FakturaflytError):
    """A security action was refused; ``code`` is stable, ``message`` is for the user."""

    def __init__(self, code: SecurityCode | str, message: str) -> None:
        super().__init__([Problem(str(code), message, "")])
        self.message = message


__all__ = ["SecurityCode", "SecurityError"]
