"""The channel interface: every way an invoice leaves the company sits behind :class:`Channel`.

An adapter has a ``name`` (a :class:`~fakturaflyt.receivables.models.DeliveryChannel` value),
says whether it :meth:`~Channel.is_configured` for a company, and :meth:`~Channel.send`\\ s one
dispatch. It returns a :class:`SendResult` (``"sent"``: handed over; ``"delivered"``: the
receiver confirmed) or raises :class:`TemporaryFailure` (try again later: a full disk, a
greylisting mail server, a timeout) or :class:`PermanentFailure` (trying again will not help:
the address does not exist, the channel is not configured). Adapters never pretend to send.

| adapter | module | configured when |
|---|---|---|
| ``ehf`` | :mod:`.peppol` (outbox folder for an access point) | always (the folder is created) |
| ``email`` | :mod:`.email` (PDF by SMTP) | always (Django's e-mail settings) |
| ``print`` | :mod:`.printing` (the day's print batch) | always |
| ``efaktura`` / ``vipps`` | :mod:`.agreements` | the company entered its agreement id |
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

from fakturaflyt.distribution.error_codes import DistributionCode

if TYPE_CHECKING:
    from fakturaflyt.companies.models import Company
    from fakturaflyt.distribution.models import Dispatch
    from fakturaflyt.payables.models import StoredFile
    from fakturaflyt.receivables.models import SalesInvoice

__all__ = ["Channel", "PermanentFailure", "SendFailure", "SendResult", "TemporaryFailure", "adapter_for", "adapters"]


@dataclass(frozen=True, slots=True)
class SendResult:
    """What a channel did: ``status`` sent/delivered, the channel's own id for it, a line for the log."""

    status: Literal["sent", "delivered"]
    message_id: str = ""
    detail: str = ""
    file_name: str = ""
    document: StoredFile | None = None


class SendFailure(Exception):
    """A send that did not happen; ``code`` is a stable ``FF-DIST-...`` code, ``message`` for the accountant."""

    default_code: str = DistributionCode.TEMPORARY

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = str(code or self.default_code)


class TemporaryFailure(SendFailure):
    """Try again later (the dispatch is retried with back-off)."""

    default_code = DistributionCode.TEMPORARY


class PermanentFailure(SendFailure):
    """Will not work by trying again: a hard failure, reported to the accountant."""

    default_code = DistributionCode.REFUSED


@runtime_checkable
class Channel(Protocol):
    name: str

    def is_configured(self, company: Company) -> bool: ...

    def not_configured_message(self) -> str: ...

    def send(self, dispatch: Dispatch, invoice: SalesInvoice) -> SendResult: ...


def adapters() -> dict[str, Channel]:
    """Every adapter by channel name (fresh instances; adapters keep no state)."""
    from fakturaflyt.distribution.channels.agreements import EFakturaChannel, VippsChannel
    from fakturaflyt.distribution.channels.email import EmailChannel
    from fakturaflyt.distribution.channels.peppol import PeppolOutbox
    from fakturaflyt.distribution.channels.printing import PrintChannel

    found: list[Channel] = [PeppolOutbox(), EmailChannel(), PrintChannel(), EFakturaChannel(), VippsChannel()]
    return {a.name: a for a in found}


def adapter_for(name: str) -> Channel:
    """The adapter of channel ``name``; ``KeyError`` for an unknown one."""
    return adapters()[name]
