"""What every accounting-system adapter shares: the request it builds, the voucher it reads, VAT folding.

An adapter never talks to the network. It *builds* :class:`Request` objects (method, URL,
non-secret headers, JSON body) from our posted vouchers, and *reads* :class:`Response`
objects the app's transport hands back. Secrets go in only through :meth:`Adapter.auth_headers`
and :meth:`Adapter.session_request`, which the app sends but never shows or logs.

**References** (:data:`Ref`): the other system knows our accounts, VAT codes, dimensions
and partners by its own ids. An adapter lists the references a voucher needs
(:meth:`Adapter.refs`), builds the look-up request for each (:meth:`Adapter.lookup_request`)
and reads the id from the answer (:meth:`Adapter.parse_lookup`); references it can name
without a look-up get :meth:`Adapter.default_id`. The app caches the ids per company, and an
administrator may override any of them.

**VAT folding** (:func:`fold_vat`): our vouchers carry explicit VAT lines (SAF-T style: the
base line has the VAT code and ``vat_base``; the VAT line on 27xx has the VAT code and no
base). Tripletex, Fiken and PowerOffice GO instead take a line with a VAT type and compute
the VAT lines themselves. So the VAT lines of each code are folded into that code's base
lines, shared by their net amounts to the øre (largest remainder): each :class:`GrossLine`
has ``net``, ``vat`` and ``gross = net + vat``, and the voucher still balances on ``gross``.
VAT lines with no base line of their code in the voucher stay separate lines without VAT
code. For reverse charge (86, 88 ...) the debit and credit VAT lines cancel, so the folded
line's gross equals its net, and the other system computes both sides from the VAT type.

>>> from datetime import date
>>> row = lambda n, acc, d="0", c="0", **kw: JournalRow(series="AP", year=2026, number=1,
...     date=date(2026, 3, 1), line=n, account=acc, debit=Decimal(d), credit=Decimal(c), **kw)
>>> v = ExportVoucher.of([row(1, "6540", d="1000.00", vat_code="1", standard_tax_code="1",
...     vat_base=Decimal("1000.00"), vat_rate=Decimal("25")),
...     row(2, "2710", d="250.00", vat_code="1", standard_tax_code="1"), row(3, "2400", c="1250.00")])
>>> [(g.account, g.net, g.vat, g.gross, g.tax_code) for g in fold_vat(v)]
[('6540', Decimal('1000.00'), Decimal('250.00'), Decimal('1250.00'), '1'), ('2400', Decimal('-1250.00'), Decimal('0.00'), Decimal('-1250.00'), '')]
>>> to_ore(Decimal("-1250.50"))
-125050
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from fakturaflyt.core.errors import FakturaflytError, Problem
from fakturaflyt.core.journal_csv import JournalRow

__all__ = [
    "Adapter",
    "CredentialField",
    "ExportVoucher",
    "GrossLine",
    "NotConfigured",
    "Ref",
    "Request",
    "Response",
    "UnmappedError",
    "fold_vat",
    "to_ore",
]

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
#: (kind, key): ("account", "6540"), ("vat", "1"), ("department", "100"), ("project", "P1"),
#: ("customer", <orgnr or number>), ("supplier", ...), ("currency", "EUR").
Ref = tuple[str, str]
#: SAF-T StandardTaxCode "0": no VAT treatment; what a line without VAT code is sent with.
NO_VAT = "0"


class NotConfigured(FakturaflytError):
    """The company has not entered what this system needs (``FF-EXPORT-NOT-CONFIGURED``)."""

    def __init__(self, system: str, missing: Sequence[str]) -> None:
        super().__init__(
            [
                Problem(
                    "FF-EXPORT-NOT-CONFIGURED",
                    f"{system} is not configured: enter {', '.join(missing)} under Integrations first.",
                    system,
                )
            ]
        )


class UnmappedError(FakturaflytError):
    """A voucher names accounts, VAT codes or dimensions the other system does not know (``FF-EXPORT-UNMAPPED``)."""


@dataclass(frozen=True, slots=True)
class CredentialField:
    """One thing a company enters to connect a system; ``secret`` ones are encrypted and never shown again."""

    name: str
    label: str
    secret: bool = True
    help: str = ""


@dataclass(frozen=True, slots=True)
class Request:
    """An HTTP request as data: what would be sent, without secrets (they are added by the transport)."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = (("Accept", "application/json"),)
    body: Any = None  # JSON-compatible; Decimal amounts are written as JSON numbers
    form: tuple[tuple[str, str], ...] | None = None  # application/x-www-form-urlencoded instead of JSON
    notes: tuple[str, ...] = ()  # what the mapping dropped or assumed, for the dry run

    def data(self) -> bytes | None:
        """The body as sent."""
        if self.form is not None:
            return urlencode(self.form).encode("ascii")
        if self.body is None:
            return None
        return json.dumps(self.body, ensure_ascii=False, default=_json_default, separators=(",", ":")).encode()

    def content_type(self) -> str | None:
        if self.form is not None:
            return "application/x-www-form-urlencoded"
        return "application/json" if self.body is not None else None

    def as_dict(self) -> dict[str, Any]:
        """For the dry run, the fixtures and the UI: the body as the JSON that is sent."""
        data = self.data()
        return {
            "method": self.method,
            "url": self.url,
            "headers": dict(self.headers),
            "body": json.loads(data) if data is not None and self.form is None else None,
            **({"notes": list(self.notes)} if self.notes else {}),
        }

    def redacted(self, secrets: Iterable[str]) -> Request:
        """The request with every secret value replaced by ``***`` (for a request that must carry one in its URL)."""
        url = self.url
        for s in secrets:
            if s:
                url = url.replace(s, "***")
        return replace(self, url=url, form=tuple((k, "***") for k, _ in self.form) if self.form else None)


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        # Two-decimal amounts round-trip exactly through a double's shortest repr (below 2**53 øre).
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


@dataclass(frozen=True, slots=True)
class Response:
    """What came back: status, parsed JSON (or None) and the headers that matter (Location)."""

    status: int
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass(frozen=True, slots=True)
class ExportVoucher:
    """One posted voucher to send: its rows in line order."""

    rows: tuple[JournalRow, ...]

    @classmethod
    def of(cls, rows: Iterable[JournalRow]) -> ExportVoucher:
        ordered = tuple(sorted(rows, key=lambda r: r.line))
        if not ordered:
            raise ValueError("a voucher has lines")
        return cls(ordered)

    @property
    def first(self) -> JournalRow:
        return self.rows[0]

    @property
    def label(self) -> str:
        return self.first.voucher

    @property
    def date(self) -> date:
        return self.first.date

    @property
    def description(self) -> str:
        return self.first.voucher_description or self.first.description


@dataclass(frozen=True, slots=True)
class GrossLine:
    """A voucher line as the other systems take it: signed net, the VAT folded into it, and gross."""

    row: JournalRow
    net: Decimal
    vat: Decimal
    tax_code: str  # SAF-T StandardTaxCode to send; "" when the line carries no VAT code
    currency_amount: Decimal | None

    @property
    def account(self) -> str:
        return self.row.account

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat

    @property
    def is_debit(self) -> bool:
        return self.gross > 0 or (self.gross == 0 and self.net >= 0)


def _share(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """``total`` split by ``weights`` to the øre; the parts sum exactly to ``total`` (largest remainder)."""
    whole = sum(weights, ZERO)
    raw = [total * w / whole for w in weights]
    parts = [r.quantize(CENT, rounding=ROUND_HALF_UP) for r in raw]
    diff = total - sum(parts, ZERO)
    order = sorted(range(len(raw)), key=lambda i: (raw[i] - parts[i]) * (1 if diff > 0 else -1), reverse=True)
    step = CENT if diff > 0 else -CENT
    i = 0
    while diff != 0 and order:
        parts[order[i % len(order)]] += step
        diff -= step
        i += 1
    return parts


def fold_vat(voucher: ExportVoucher) -> list[GrossLine]:
    """The voucher with its VAT lines folded into the base lines of their VAT code (see the module docstring)."""
    rows = voucher.rows
    base_by_code: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        if r.vat_code and r.vat_base is not None:
            base_by_code.setdefault(r.vat_code, []).append(i)
    vat_rows: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        if r.vat_code and r.vat_base is None and r.vat_code in base_by_code:
            vat_rows.setdefault(r.vat_code, []).append(i)
    vat_of = [ZERO] * len(rows)
    cur_of: list[Decimal | None] = [r.currency_amount for r in rows]
    folded: set[int] = set()
    folded_codes: set[str] = set()
    for code, idx in vat_rows.items():
        bases = base_by_code[code]
        weights = [rows[b].amount for b in bases]
        if sum(weights, ZERO) == 0:
            continue  # nothing to share by: keep the VAT lines as their own lines
        total = sum((rows[v].amount for v in idx), ZERO)
        for b, part in zip(bases, _share(total, weights), strict=True):
            vat_of[b] += part
        folded.update(idx)
        folded_codes.add(code)
        cur_total = [rows[v].currency_amount for v in idx]
        if all(c is not None for c in cur_total) and all(cur_of[b] is not None for b in bases):
            c_sum = sum((c for c in cur_total if c is not None), ZERO)
            for b, part in zip(bases, _share(c_sum, weights), strict=True):
                cur_of[b] = (cur_of[b] or ZERO) + part
    out: list[GrossLine] = []
    for i, r in enumerate(rows):
        if i in folded:
            continue
        # A base line keeps its VAT code when its VAT was folded in, or its code charges none (0 %, 5, 6 ...);
        # a 25 % base line without VAT lines would make the other system split VAT out of it: send it as no VAT.
        keeps_code = bool(r.vat_code) and r.vat_base is not None and (not r.vat_rate or r.vat_code in folded_codes)
        out.append(GrossLine(r, r.amount, vat_of[i], r.standard_tax_code if keeps_code else "", cur_of[i]))
    return out


def to_ore(amount: Decimal) -> int:
    """NOK to øre as an integer (Fiken's amounts)."""
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


class Adapter:
    """The interface of one accounting system; subclasses fill in the API's specifics."""

    name: str = ""
    title: str = ""
    docs_url: str = ""
    credentials: tuple[CredentialField, ...] = ()

    # ---- configuration and authentication
    def missing(self, creds: Mapping[str, str]) -> list[str]:
        """Labels of the credentials still to enter (empty: configured)."""
        return [f.label for f in self.credentials if not creds.get(f.name, "").strip()]

    def check_configured(self, creds: Mapping[str, str]) -> None:
        missing = self.missing(creds)
        if missing:
            raise NotConfigured(self.title, missing)

    def session_request(self, creds: Mapping[str, str], today: date) -> Request | None:
        """The request that trades the stored keys for a session/access token (it carries secrets), or None."""
        return None

    def parse_session(self, response: Response) -> str:
        raise NotImplementedError

    def auth_headers(self, creds: Mapping[str, str], session: str | None) -> dict[str, str]:
        """Headers with secrets, added by the transport only."""
        raise NotImplementedError

    # ---- references
    def refs(self, voucher: ExportVoucher) -> list[Ref]:
        raise NotImplementedError

    def default_id(self, ref: Ref) -> str | None:
        """An id known without asking (Fiken takes account numbers as they are)."""
        return None

    def lookup_request(self, ref: Ref, creds: Mapping[str, str]) -> Request | None:
        """The look-up of one reference, or None when :meth:`default_id` answers it."""
        return None

    def parse_lookup(self, ref: Ref, response: Response) -> str | None:
        return None

    # ---- the voucher
    def voucher_request(self, voucher: ExportVoucher, ids: Mapping[Ref, str], creds: Mapping[str, str]) -> Request:
        raise NotImplementedError

    def parse_created(self, response: Response) -> str:
        """The other system's id of the voucher just created."""
        raise NotImplementedError

    def parse_error(self, response: Response) -> list[Problem]:
        """Problems from an error answer, each with code ``FF-EXPORT-REJECTED``; generic over common shapes."""
        return generic_errors(self.title, response)

    # ---- helpers
    def need(self, voucher: ExportVoucher, ids: Mapping[Ref, str], wanted: Iterable[Ref]) -> dict[Ref, str]:
        """The ids of ``wanted``; :class:`UnmappedError` listing every one the other system does not know."""
        found: dict[Ref, str] = {}
        problems: list[Problem] = []
        for ref in dict.fromkeys(wanted):
            value = ids.get(ref) or self.default_id(ref)
            if value:
                found[ref] = value
            else:
                problems.append(
                    Problem(
                        "FF-EXPORT-UNMAPPED",
                        f"{self.title} has no {ref[0]} {ref[1]} (needed by voucher {voucher.label}); "
                        f"create it there or set the mapping under Integrations.",
                        f"{voucher.label} {ref[0]} {ref[1]}",
                    )
                )
        if problems:
            raise UnmappedError(problems)
        return found


def generic_errors(title: str, response: Response) -> list[Problem]:
    """Read the usual error shapes: Tripletex ``validationMessages``, RFC 7807 ``title/detail/errors``, ``message``."""
    body = response.body
    messages: list[str] = []
    if isinstance(body, dict):
        for item in body.get("validationMessages") or []:
            if isinstance(item, dict):
                where = f"{item.get('field')}: " if item.get("field") else ""
                messages.append(f"{where}{item.get('message', '')}")
        errors = body.get("errors")
        if isinstance(errors, dict):
            for key, value in errors.items():
                text = "; ".join(str(v) for v in value) if isinstance(value, list) else str(value)
                messages.append(f"{key}: {text}")
        elif isinstance(errors, list):
            messages += [str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors]
        if not messages:
            for key in ("message", "error_description", "detail", "title", "error", "developerMessage"):
                if body.get(key):
                    messages.append(str(body[key]))
                    break
    elif isinstance(body, str) and body.strip():
        messages.append(body.strip()[:300])
    if not messages:
        messages.append("no error text")
    return [
        Problem("FF-EXPORT-REJECTED", f"{title} answered {response.status}: {m}", f"HTTP {response.status}")
        for m in messages
    ]
