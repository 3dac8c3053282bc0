"""The error tree of the core and the :class:`Problem` record.

Every format and rule module reports what is wrong as a ``Problem(code, message,
location)``. Codes are stable: the official rule id where one exists (``BR-CO-15``,
``PEPPOL-EN16931-R001``, ``NO-R-001``), otherwise our own ``FF-...`` code. Messages
are written for an accountant: what is wrong, where, and what to do.

>>> p = Problem("FF-KID-CHECKDIGIT", "KID 1234 has a wrong check digit", "KID")
>>> str(p)
'FF-KID-CHECKDIGIT: KID 1234 has a wrong check digit (at KID)'
>>> try:
...     raise RuleViolation([p])
... except ValueError as exc:
...     exc.problems[0].code
'FF-KID-CHECKDIGIT'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["fatal", "warning", "information"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input: a stable code, a readable message and where it is."""

    code: str
    message: str
    location: str = ""
    severity: Severity = "fatal"

    def __str__(self) -> str:
        where = f" (at {self.location})" if self.location else ""
        return f"{self.code}: {self.message}{where}"

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "location": self.location, "severity": self.severity}


class FakturaflytError(ValueError):
    """Root of every error the core raises on bad input; carries one or more problems."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems))

    @property
    def code(self) -> str:
        return self.problems[0].code if self.problems else "FF-UNKNOWN"


class FormatError(FakturaflytError):
    """The input cannot be read: wrong syntax, wrong type, not the format we expected."""

    def __init__(self, code: str, message: str, location: str = "") -> None:
        super().__init__([Problem(code, message, location)])


class RuleViolation(FakturaflytError):
    """The input can be read but breaks a business rule (accounting, VAT, a standard's rule)."""
