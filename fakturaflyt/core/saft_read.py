"""Read a Norwegian SAF-T Financial file of another system: header, chart of accounts, partners, tax table.

Skatteetaten's SAF-T Financial (namespace ``urn:StandardAuditFile-Taxation-Financial:NO``,
schema 1.30 mandatory for periods from 2025-01-01, before that 1.10/1.20 with the same
namespace) carries in ``MasterFiles`` every general-ledger account with its opening and
closing balance (``OpeningDebitBalance``/``OpeningCreditBalance`` ...), the customers and
suppliers with their balances (1.30: in ``BalanceAccount``; 1.10/1.20: directly on the
partner) and the tax table with the standard tax codes. That is all a company needs to start
its books here mid-year: :func:`read_saft` returns it as :class:`SaftFile` with ``Decimal``
amounts and a list of :class:`~fakturaflyt.core.errors.Problem` (every one, not just the first).

The file is hostile until proven otherwise and may be big (a year with a million transaction
lines): it is read with ``lxml.etree.iterparse`` under the same hardening as
:mod:`fakturaflyt.core.xmlsafe` (no DTD, no entities, no network, libxml2's limits on), and
each account, partner, tax entry and transaction is dropped from memory once read. Of
``GeneralLedgerEntries`` only the totals and the number of transactions are kept.

Stable problem codes (``severity`` ``fatal`` stops an import; ``warning`` is reported):

======================== ======= ==============================================================
``FF-XML-*``             fatal   not XML, DTD/entities (XXE, entity bombs), wrong encoding,
                                 truncated or not well-formed (see :mod:`~fakturaflyt.core.xmlsafe`)
``FF-SAFT-NOT-SAFT``     fatal   the root is not ``AuditFile`` (another format, SAF-T Cash Register)
``FF-SAFT-NAMESPACE``    fatal   ``AuditFile`` without the SAF-T namespace (elements not qualified)
``FF-SAFT-VERSION``      fatal   ``AuditFileVersion`` missing or not 1.0/1.10/1.20/1.30
``FF-SAFT-HEADER``       fatal   no ``Header``, no company, or no selection period
``FF-SAFT-ORGNR``        fatal   the company's ``RegistrationNumber`` is not a valid org.nr
``FF-SAFT-CURRENCY``     fatal   ``DefaultCurrencyCode`` is not NOK (the books here are in NOK)
``FF-SAFT-AMOUNT``       fatal   an amount that is not a number with at most two decimals
``FF-SAFT-DATE``         fatal   a date or period that is not one
``FF-SAFT-ACCOUNT``      fatal   an account without ``AccountID``, or the same id twice
``FF-SAFT-PARTY-ORGNR``  warning a customer's or supplier's org.nr is invalid (it is left out)
``FF-SAFT-GL-TOTALS``    warning ``GeneralLedgerEntries`` total debit differs from total credit
======================== ======= ==============================================================

:func:`balance_problems` adds ``FF-SAFT-UNBALANCED`` when the opening (or closing) balances do
not sum to zero, i.e. debit balances differ from credit balances.

>>> f = read_saft(EXAMPLE_1_30)
>>> f.header.version, f.header.company_orgnr, f.header.start, f.header.end
('1.30', '888888888', datetime.date(2026, 1, 1), datetime.date(2026, 5, 31))
>>> [(a.account_id, a.opening, a.closing) for a in f.accounts]
[('1920', Decimal('1000.00'), Decimal('1500.00')), ('2050', Decimal('-1000.00'), Decimal('-1500.00'))]
>>> f.problems, balance_problems(f, "opening")
([], [])
>>> read_saft(b"<AuditFile><Header/></AuditFile>").problems[0].code
'FF-SAFT-NAMESPACE'
"""

from __future__ import annotations

import calendar
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Literal

from lxml import etree

from fakturaflyt.core.errors import FormatError, Problem
from fakturaflyt.core.identifiers import normalise_orgnr
from fakturaflyt.core.money import format_nok

# The safety checks before parsing are those of the one-shot parser; this module streams instead.
from fakturaflyt.core.xmlsafe import HARDENED, check_prolog, dtd_error, syntax_error

__all__ = [
    "EXAMPLE_1_30",
    "SAFT_NS",
    "SUPPORTED_VERSIONS",
    "SaftAccount",
    "SaftBalance",
    "SaftFile",
    "SaftHeader",
    "SaftParty",
    "SaftTaxCode",
    "balance_problems",
    "read_saft",
]

SAFT_NS = "urn:StandardAuditFile-Taxation-Financial:NO"
CASH_REGISTER_NS = "urn:StandardAuditFile-Taxation-CashRegister:NO"
#: AuditFileVersion values written by 1.10/1.20 systems (Skatteetaten's own example says "1.0") and by 1.30.
SUPPORTED_VERSIONS = frozenset({"1.0", "1.00", "1.1", "1.10", "1.2", "1.20", "1.3", "1.30"})
DEFAULT_MAX_BYTES = 2 * 1024**3
Use = Literal["opening", "closing"]
PartyKind = Literal["customer", "supplier"]

_ORE = Decimal("0.01")
_ZERO = Decimal("0.00")
_CHUNK = 1024 * 1024
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class SaftHeader:
    """``Header``: who wrote the file, for which company, which period, in which currency."""

    version: str
    company_orgnr: str
    company_name: str
    currency: str
    start: date | None
    end: date | None
    created: date | None = None
    software: str = ""
    tax_accounting_basis: str = ""

    @property
    def fiscal_year(self) -> int | None:
        """The accounting year the selection starts in (``PeriodStartYear`` or the start date's year)."""
        return self.start.year if self.start else None

    @property
    def is_1_30(self) -> bool:
        return self.version in {"1.3", "1.30"}


@dataclass(frozen=True, slots=True)
class SaftAccount:
    """One ``GeneralLedgerAccounts/Account``; balances signed: debit positive, credit negative."""

    account_id: str
    description: str
    opening: Decimal
    closing: Decimal
    standard_account: str = ""
    grouping_category: str = ""
    grouping_code: str = ""
    account_type: str = "GL"
    line: int = 0

    def balance(self, use: Use) -> Decimal:
        return self.opening if use == "opening" else self.closing


@dataclass(frozen=True, slots=True)
class SaftBalance:
    """A partner's balance on one general-ledger account (signed: debit positive)."""

    account_id: str
    opening: Decimal
    closing: Decimal

    def balance(self, use: Use) -> Decimal:
        return self.opening if use == "opening" else self.closing


@dataclass(frozen=True, slots=True)
class SaftParty:
    """One ``Customers/Customer`` or ``Suppliers/Supplier``."""

    kind: PartyKind
    party_id: str
    name: str
    orgnr: str = ""  # valid nine digits, or "" (an invalid one is reported and left out)
    vat_id: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = ""
    balances: tuple[SaftBalance, ...] = ()
    line: int = 0


@dataclass(frozen=True, slots=True)
class SaftTaxCode:
    """One ``TaxTable/TaxTableEntry/TaxCodeDetails``."""

    code: str
    description: str
    standard_tax_code: str
    percentage: Decimal | None
    tax_type: str = "MVA"
    effective: date | None = None
    expires: date | None = None
    line: int = 0


@dataclass(slots=True)
class SaftFile:
    """What :func:`read_saft` read, and every problem found on the way."""

    header: SaftHeader | None = None
    accounts: list[SaftAccount] = field(default_factory=list)
    customers: list[SaftParty] = field(default_factory=list)
    suppliers: list[SaftParty] = field(default_factory=list)
    tax_codes: list[SaftTaxCode] = field(default_factory=list)
    transactions: int = 0
    entries_declared: int | None = None
    total_debit: Decimal | None = None
    total_credit: Decimal | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def fatal(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "fatal"]

    def totals(self, use: Use) -> tuple[Decimal, Decimal]:
        """Sum of the debit balances and sum of the credit balances (both positive)."""
        debit = sum((a.balance(use) for a in self.accounts if a.balance(use) > 0), _ZERO)
        credit = sum((-a.balance(use) for a in self.accounts if a.balance(use) < 0), _ZERO)
        return debit, credit


def balance_problems(saft: SaftFile, use: Use) -> list[Problem]:
    """``FF-SAFT-UNBALANCED`` when the chosen balances of the accounts do not sum to zero."""
    debit, credit = saft.totals(use)
    if debit == credit:
        return []
    what = "opening" if use == "opening" else "closing"
    return [
        Problem(
            "FF-SAFT-UNBALANCED",
            f"The {what} balances of the accounts do not balance: debit balances {_nok(debit)}, credit balances "
            f"{_nok(credit)}, difference {_nok(debit - credit)}. A trial balance always sums to zero; ask the "
            "sender for a complete file, or name an account to take the difference.",
            f"MasterFiles/GeneralLedgerAccounts ({what} balances)",
        )
    ]


def _nok(amount: Decimal) -> str:
    return format_nok(amount)


# --------------------------------------------------------------------------------------- reading


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


class _Reader:
    """Turns the finished subtrees of the stream into dataclasses; collects problems."""

    def __init__(self, ns: str) -> None:
        self.ns = ns
        self.out = SaftFile()
        self.account_ids: set[str] = set()

    # -- helpers ---------------------------------------------------------------------------------

    def problem(self, code: str, message: str, el: etree._Element | None, path: str, *, fatal: bool = True) -> None:
        line = el.sourceline if el is not None else None
        where = f"line {line}: {path}" if line else path
        self.out.problems.append(Problem(code, message, where, "fatal" if fatal else "warning"))

    def child(
        self, el: etree._Element | None, name: str, *, default: etree._Element | None = None
    ) -> etree._Element | None:
        """The first child called ``name`` (any namespace), else ``default``."""
        if el is not None:
            for c in el:
                if _local(c.tag) == name:
                    return c
        return default

    def children(self, el: etree._Element, name: str) -> Iterator[etree._Element]:
        return (c for c in el if _local(c.tag) == name)

    def text(self, el: etree._Element | None, name: str) -> str:
        c = self.child(el, name)
        return (c.text or "").strip() if c is not None else ""

    def amount(self, el: etree._Element, name: str, path: str) -> Decimal | None:
        c = self.child(el, name)
        return None if c is None else self.money(c, f"{path}/{name}")

    def money(self, c: etree._Element, path: str) -> Decimal | None:
        name = _local(c.tag)
        raw = (c.text or "").strip()
        try:
            value = Decimal(raw)
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite() or abs(value) >= Decimal(10) ** 16 or value != value.quantize(_ORE):
            self.problem(
                "FF-SAFT-AMOUNT",
                f"{name} {raw!r} is not an amount with at most two decimals.",
                c,
                path,
            )
            return None
        return value.quantize(_ORE)

    def signed(self, el: etree._Element, prefix: str, path: str) -> Decimal:
        """``<prefix>DebitBalance`` minus ``<prefix>CreditBalance`` (one of them is given)."""
        debit = self.amount(el, f"{prefix}DebitBalance", path) or _ZERO
        credit = self.amount(el, f"{prefix}CreditBalance", path) or _ZERO
        return debit - credit

    def day(self, el: etree._Element | None, name: str, path: str) -> date | None:
        c = self.child(el, name)
        raw = (c.text or "").strip() if c is not None else ""
        if not raw:
            return None
        try:
            if not _DATE.match(raw):
                raise ValueError(raw)
            return date.fromisoformat(raw)
        except ValueError:
            self.problem("FF-SAFT-DATE", f"{name} {raw!r} is not a date (YYYY-MM-DD).", c, f"{path}/{name}")
            return None

    # -- Header ----------------------------------------------------------------------------------

    def header(self, el: etree._Element) -> None:
        path = "Header"
        version = self.text(el, "AuditFileVersion")
        if version not in SUPPORTED_VERSIONS:
            self.problem(
                "FF-SAFT-VERSION",
                f"AuditFileVersion {version!r} is not a SAF-T Financial version read here; "
                "supported are 1.30 and 1.10/1.20 (written as 1.0, 1.10 or 1.20).",
                self.child(el, "AuditFileVersion", default=el),
                f"{path}/AuditFileVersion",
            )
        company = self.child(el, "Company")
        raw_orgnr = self.text(company, "RegistrationNumber")
        orgnr = raw_orgnr
        if company is None:
            self.problem("FF-SAFT-HEADER", "The header names no company (Header/Company).", el, f"{path}/Company")
        else:
            try:
                orgnr = normalise_orgnr(raw_orgnr)
            except FormatError:
                self.problem(
                    "FF-SAFT-ORGNR",
                    f"The company's RegistrationNumber {raw_orgnr!r} is not a valid Norwegian organisation number.",
                    self.child(company, "RegistrationNumber", default=company),
                    f"{path}/Company/RegistrationNumber",
                )
        currency = self.text(el, "DefaultCurrencyCode").upper()
        if currency != "NOK":
            self.problem(
                "FF-SAFT-CURRENCY",
                f"DefaultCurrencyCode is {currency or 'missing'!r}: the balances must be in NOK to be taken over.",
                self.child(el, "DefaultCurrencyCode", default=el),
                f"{path}/DefaultCurrencyCode",
            )
        start, end = self.selection(el, path)
        software = " ".join(
            t
            for t in (
                self.text(el, "SoftwareCompanyName"),
                self.text(el, "SoftwareID"),
                self.text(el, "SoftwareVersion"),
            )
            if t
        )
        self.out.header = SaftHeader(
            version=version,
            company_orgnr=orgnr,
            company_name=self.text(company, "Name"),
            currency=currency,
            start=start,
            end=end,
            created=self.day(el, "AuditFileDateCreated", path),
            software=software,
            tax_accounting_basis=self.text(el, "TaxAccountingBasis"),
        )

    def selection(self, header: etree._Element, path: str) -> tuple[date | None, date | None]:
        """The period: ``SelectionStartDate``/``EndDate`` (1.30), else ``PeriodStart``/``PeriodStartYear``..."""
        sel = self.child(header, "SelectionCriteria")
        path = f"{path}/SelectionCriteria"
        if sel is None:
            self.problem("FF-SAFT-HEADER", "The header has no SelectionCriteria (the period).", header, path)
            return None, None
        start = self.day(sel, "SelectionStartDate", path)
        end = self.day(sel, "SelectionEndDate", path)
        if start is None:
            start = self.period(sel, "PeriodStart", path, first=True)
        if end is None:
            end = self.period(sel, "PeriodEnd", path, first=False)
        if start is None or end is None:
            self.problem(
                "FF-SAFT-HEADER",
                "The selection period is missing or unreadable (SelectionStartDate/SelectionEndDate or "
                "PeriodStart/PeriodStartYear/PeriodEnd/PeriodEndYear).",
                sel,
                path,
            )
        elif end < start:
            self.problem("FF-SAFT-DATE", f"The period ends ({end}) before it starts ({start}).", sel, path)
        return start, end

    def period(self, sel: etree._Element, name: str, path: str, *, first: bool) -> date | None:
        month_text, year_text = self.text(sel, name), self.text(sel, f"{name}Year")
        if not month_text and not year_text:
            return None
        try:
            month, year = int(month_text), int(year_text)
            if not 1 <= month <= 12 or not 1900 <= year <= 2999:
                raise ValueError
        except ValueError:
            self.problem(
                "FF-SAFT-DATE",
                f"{name} {month_text!r} of year {year_text!r} is not a period read here (months 1 to 12).",
                self.child(sel, name, default=sel),
                f"{path}/{name}",
            )
            return None
        return date(year, month, 1 if first else calendar.monthrange(year, month)[1])

    # -- MasterFiles -----------------------------------------------------------------------------

    def account(self, el: etree._Element) -> None:
        account_id = self.text(el, "AccountID")
        path = f"MasterFiles/GeneralLedgerAccounts/Account[AccountID={account_id}]"
        if not account_id:
            self.problem(
                "FF-SAFT-ACCOUNT", "An account has no AccountID.", el, "MasterFiles/GeneralLedgerAccounts/Account"
            )
            return
        if account_id in self.account_ids:
            self.problem("FF-SAFT-ACCOUNT", f"Account {account_id} is listed twice.", el, path)
            return
        self.account_ids.add(account_id)
        self.out.accounts.append(
            SaftAccount(
                account_id=account_id,
                description=self.text(el, "AccountDescription"),
                opening=self.signed(el, "Opening", path),
                closing=self.signed(el, "Closing", path),
                standard_account=self.text(el, "StandardAccountID"),
                grouping_category=self.text(el, "GroupingCategory"),
                grouping_code=self.text(el, "GroupingCode"),
                account_type=self.text(el, "AccountType") or "GL",
                line=el.sourceline or 0,
            )
        )

    def party(self, el: etree._Element, kind: PartyKind) -> None:
        id_name = "CustomerID" if kind == "customer" else "SupplierID"
        party_id = self.text(el, id_name)
        group = "Customers/Customer" if kind == "customer" else "Suppliers/Supplier"
        path = f"MasterFiles/{group}[{id_name}={party_id}]"
        raw_orgnr = self.text(el, "RegistrationNumber")
        orgnr = ""
        if raw_orgnr:
            try:
                orgnr = normalise_orgnr(raw_orgnr)
            except FormatError:
                self.problem(
                    "FF-SAFT-PARTY-ORGNR",
                    f"The {kind} {party_id} has RegistrationNumber {raw_orgnr!r}, which is not a valid Norwegian "
                    "organisation number; it is left out.",
                    self.child(el, "RegistrationNumber"),
                    f"{path}/RegistrationNumber",
                    fatal=False,
                )
        balances: list[SaftBalance] = []
        # 1.30: one BalanceAccount per general-ledger account; 1.10/1.20: AccountID and balances on the party.
        for ba in self.children(el, "BalanceAccount"):
            balances.append(
                SaftBalance(
                    self.text(ba, "AccountID"), self.signed(ba, "Opening", path), self.signed(ba, "Closing", path)
                )
            )
        if not balances and (
            self.child(el, "AccountID") is not None or self.child(el, "OpeningDebitBalance") is not None
        ):
            balances.append(
                SaftBalance(
                    self.text(el, "AccountID"), self.signed(el, "Opening", path), self.signed(el, "Closing", path)
                )
            )
        address = self.postal_or_first_address(el)
        street = " ".join(t for t in (self.text(address, "StreetName"), self.text(address, "Number")) if t)
        tax = self.child(el, "TaxRegistration")
        party = SaftParty(
            kind=kind,
            party_id=party_id,
            name=self.text(el, "Name"),
            orgnr=orgnr,
            vat_id=self.text(tax, "TaxRegistrationNumber"),
            street=street,
            postal_code=self.text(address, "PostalCode"),
            city=self.text(address, "City"),
            country=self.text(address, "Country").upper()[:2],
            balances=tuple(balances),
            line=el.sourceline or 0,
        )
        (self.out.customers if kind == "customer" else self.out.suppliers).append(party)

    def postal_or_first_address(self, el: etree._Element) -> etree._Element | None:
        addresses = list(self.children(el, "Address"))
        for a in addresses:
            if self.text(a, "AddressType") == "PostalAddress":
                return a
        return addresses[0] if addresses else None

    def tax_entry(self, el: etree._Element) -> None:
        tax_type = self.text(el, "TaxType") or "MVA"
        for d in self.children(el, "TaxCodeDetails"):
            code = self.text(d, "TaxCode")
            path = f"MasterFiles/TaxTable/TaxTableEntry/TaxCodeDetails[TaxCode={code}]"
            self.out.tax_codes.append(
                SaftTaxCode(
                    code=code,
                    description=self.text(d, "Description"),
                    standard_tax_code=self.text(d, "StandardTaxCode"),
                    percentage=self.percentage(d, path),
                    tax_type=tax_type,
                    effective=self.day(d, "EffectiveDate", path),
                    expires=self.day(d, "ExpirationDate", path),
                    line=d.sourceline or 0,
                )
            )

    def percentage(self, el: etree._Element, path: str) -> Decimal | None:
        raw = self.text(el, "TaxPercentage")
        if not raw:
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
            self.problem(
                "FF-SAFT-AMOUNT",
                f"TaxPercentage {raw!r} is not a percentage.",
                self.child(el, "TaxPercentage"),
                f"{path}/TaxPercentage",
                fatal=False,
            )
            return None
        return value

    def ledger_total(self, el: etree._Element) -> None:
        name = _local(el.tag)
        if name == "NumberOfEntries":
            raw = (el.text or "").strip()
            self.out.entries_declared = int(raw) if raw.isdigit() else None
        elif name == "TotalDebit":
            self.out.total_debit = self.money(el, f"GeneralLedgerEntries/{name}")
        else:
            self.out.total_credit = self.money(el, f"GeneralLedgerEntries/{name}")

    def finish(self) -> SaftFile:
        out = self.out
        if out.header is None:
            out.problems.append(Problem("FF-SAFT-HEADER", "The file has no Header.", "Header"))
        if out.total_debit is not None and out.total_credit is not None and out.total_debit != out.total_credit:
            out.problems.append(
                Problem(
                    "FF-SAFT-GL-TOTALS",
                    f"GeneralLedgerEntries says total debit {_nok(out.total_debit)} and total credit "
                    f"{_nok(out.total_credit)}: the transactions of the file do not balance.",
                    "GeneralLedgerEntries/TotalDebit",
                    "warning",
                )
            )
        return out


def _parser_events(data: bytes) -> Iterator[tuple[str, etree._Element]]:
    """``(event, element)`` from a hardened incremental parser (see the module docstring)."""
    parser = etree.XMLPullParser(events=("start", "end"), **HARDENED)
    stream = io.BytesIO(data)
    while chunk := stream.read(_CHUNK):
        parser.feed(chunk)
        yield from parser.read_events()
    parser.close()
    yield from parser.read_events()


def _start(root: etree._Element, what: str) -> str:
    """Check the root element; return the namespace to read (``""`` when it is missing, which is reported)."""
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise dtd_error(what)
    qname = etree.QName(root)
    if qname.namespace == CASH_REGISTER_NS:
        raise FormatError(
            "FF-SAFT-NOT-SAFT",
            "This is a SAF-T Cash Register file (kassasystem), not SAF-T Financial: export SAF-T Financial "
            "(regnskap) from the accounting system.",
            "line 1: root element",
        )
    if qname.localname != "AuditFile":
        ns = f" in namespace {qname.namespace}" if qname.namespace else ""
        raise FormatError(
            "FF-SAFT-NOT-SAFT",
            f"This is not a SAF-T Financial file: its root element is {qname.localname}{ns}, not AuditFile.",
            f"line {root.sourceline}: root element",
        )
    if qname.namespace not in (SAFT_NS, None):
        raise FormatError(
            "FF-SAFT-NAMESPACE",
            f"AuditFile is in namespace {qname.namespace}, not the SAF-T Financial namespace {SAFT_NS}.",
            f"line {root.sourceline}: AuditFile",
        )
    return qname.namespace or ""


def read_saft(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, what: str = "The SAF-T file") -> SaftFile:
    """Read ``data`` (see the module docstring); raise :class:`FormatError` when it is not SAF-T at all.

    A file that is SAF-T but wrong in parts is returned with its problems (``fatal`` ones
    included), so the caller can show everything at once.
    """
    data = bytes(data)
    head = check_prolog(data, max_bytes=max_bytes, what=what)
    reader: _Reader | None = None
    depth = 0
    stack: list[str] = []
    try:
        for event, el in _parser_events(data):
            if event == "start":
                depth += 1
                stack.append(_local(el.tag))
                if depth == 1:
                    ns = _start(el, what)
                    reader = _Reader(ns)
                    if not ns:
                        reader.problem(
                            "FF-SAFT-NAMESPACE",
                            f"AuditFile and its elements are not in the SAF-T Financial namespace {SAFT_NS}: the file "
                            "does not follow the schema (xmlns is missing). It is refused; the other problems below "
                            "are what was read anyway.",
                            el,
                            "AuditFile",
                        )
                continue
            assert reader is not None
            name = stack.pop()
            parent = stack[-1] if stack else ""
            depth -= 1
            if depth == 1 and name == "Header":
                reader.header(el)
            elif depth == 3 and parent == "GeneralLedgerAccounts" and name == "Account":
                reader.account(el)
            elif depth == 3 and parent == "Customers" and name == "Customer":
                reader.party(el, "customer")
            elif depth == 3 and parent == "Suppliers" and name == "Supplier":
                reader.party(el, "supplier")
            elif depth == 3 and parent == "TaxTable" and name == "TaxTableEntry":
                reader.tax_entry(el)
            elif depth == 3 and parent == "Journal" and name == "Transaction":
                reader.out.transactions += 1
            elif (
                depth == 2
                and parent == "GeneralLedgerEntries"
                and name in ("NumberOfEntries", "TotalDebit", "TotalCredit")
            ):
                reader.ledger_total(el)
            if 1 <= depth <= 3 and not (len(stack) > 1 and stack[1] == "Header"):
                # Read and done: free the element and the siblings before it (bounded memory).
                el.clear(keep_tail=False)
                container = el.getparent()
                if container is not None:
                    while el.getprevious() is not None:
                        del container[0]
    except etree.XMLSyntaxError as exc:
        raise syntax_error(exc, head, what) from None
    except (etree.LxmlError, ValueError) as exc:
        if isinstance(exc, FormatError):
            raise
        raise FormatError("FF-XML-SYNTAX", f"{what} cannot be parsed: {exc}", "") from None
    if reader is None:
        raise FormatError("FF-XML-NOT-XML", f"{what} has no root element", "")
    return reader.finish()


EXAMPLE_1_30 = b"""<?xml version="1.0" encoding="UTF-8"?>
<AuditFile xmlns="urn:StandardAuditFile-Taxation-Financial:NO">
 <Header>
  <AuditFileVersion>1.30</AuditFileVersion><AuditFileCountry>NO</AuditFileCountry>
  <AuditFileDateCreated>2026-06-02</AuditFileDateCreated>
  <SoftwareCompanyName>Eksempel</SoftwareCompanyName><SoftwareID>X</SoftwareID><SoftwareVersion>1</SoftwareVersion>
  <Company><RegistrationNumber>888888888</RegistrationNumber><Name>Eksempel AS</Name></Company>
  <DefaultCurrencyCode>NOK</DefaultCurrencyCode>
  <SelectionCriteria><SelectionStartDate>2026-01-01</SelectionStartDate>
   <SelectionEndDate>2026-05-31</SelectionEndDate></SelectionCriteria>
  <TaxAccountingBasis>A</TaxAccountingBasis>
 </Header>
 <MasterFiles><GeneralLedgerAccounts>
  <Account><AccountID>1920</AccountID><AccountDescription>Bank</AccountDescription>
   <GroupingCategory>RF-1167</GroupingCategory><GroupingCode>1920</GroupingCode><AccountType>GL</AccountType>
   <OpeningDebitBalance>1000.00</OpeningDebitBalance><ClosingDebitBalance>1500.00</ClosingDebitBalance></Account>
  <Account><AccountID>2050</AccountID><AccountDescription>Annen egenkapital</AccountDescription>
   <GroupingCategory>RF-1167</GroupingCategory><GroupingCode>2050</GroupingCode><AccountType>GL</AccountType>
   <OpeningCreditBalance>1000.00</OpeningCreditBalance><ClosingCreditBalance>1500.00</ClosingCreditBalance></Account>
 </GeneralLedgerAccounts></MasterFiles>
</AuditFile>
"""
