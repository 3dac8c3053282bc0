"""Adapters for sending posted vouchers to other accounting systems (Tripletex, Fiken, PowerOffice GO).

Framework-free: each adapter builds requests from vouchers and reads answers; the app
(:mod:`fakturaflyt.integrations`) holds the keys, sends through its transport and records
what was sent. The mapping is documented in ``docs/accounting-export.md``.

>>> sorted(REGISTRY)
['fiken', 'poweroffice', 'tripletex']
>>> get("fiken").title
'Fiken'
"""

from __future__ import annotations

from fakturaflyt.core.accounting_systems.base import (
    Adapter,
    CredentialField,
    ExportVoucher,
    GrossLine,
    NotConfigured,
    Ref,
    Request,
    Response,
    UnmappedError,
    fold_vat,
)
from fakturaflyt.core.accounting_systems.fiken import Fiken
from fakturaflyt.core.accounting_systems.poweroffice import PowerOffice
from fakturaflyt.core.accounting_systems.tripletex import Tripletex
from fakturaflyt.core.errors import FormatError

__all__ = [
    "REGISTRY",
    "Adapter",
    "CredentialField",
    "ExportVoucher",
    "Fiken",
    "GrossLine",
    "NotConfigured",
    "PowerOffice",
    "Ref",
    "Request",
    "Response",
    "Tripletex",
    "UnmappedError",
    "fold_vat",
    "get",
]

REGISTRY: dict[str, Adapter] = {a.name: a for a in (Tripletex(), Fiken(), PowerOffice())}


def get(name: str) -> Adapter:
    """The adapter called ``name``; :class:`FormatError` ``FF-EXPORT-UNKNOWN-SYSTEM`` otherwise."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise FormatError(
            "FF-EXPORT-UNKNOWN-SYSTEM", f"no accounting system {name!r}; known: {', '.join(REGISTRY)}", "system"
        ) from None
