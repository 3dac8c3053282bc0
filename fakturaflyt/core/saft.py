"""SAF-T Financial, Norwegian schema 1.30: a streaming writer.

Skatteetaten's *Norwegian SAF-T Financial* (namespace ``urn:StandardAuditFile-Taxation-Financial:NO``,
``Norwegian_SAF-T_Financial_Schema_v_1.30.xsd``, mandatory for periods from 1 January 2025)
is the file a company hands the tax authority on request (bokføringsforskriften § 7-8). This
module writes it from plain dataclasses, in the element order the XSD prescribes:

* ``Header``: version 1.30, the software, the company (org.nr, name, address, a contact, VAT
  registration, bank accounts), ``DefaultCurrencyCode`` NOK and ``SelectionCriteria`` (periods
  and years; mandatory in 1.30), ``TaxAccountingBasis`` "A";
* ``MasterFiles``: the chart of accounts with ``GroupingCategory``/``GroupingCode`` (mandatory in
  1.30; the 1.20 ``StandardAccountID`` is gone from the schema) and opening/closing balances, the
  customers and suppliers with their balance accounts (the 1.30 ``BalanceAccount`` structure), the
  tax table (``TaxType`` "MVA", ``StandardTaxCode`` mandatory in 1.30, "NA" when a code cannot be
  mapped) and the analysis types (departments "A", projects "P", as Skatteetaten's example file);
* ``GeneralLedgerEntries``: ``NumberOfEntries``, ``TotalDebit``, ``TotalCredit`` and then the
  journals with their transactions and lines (1.30: ``DebitTaxAmount``/``CreditTaxAmount``).

The file is written incrementally with :class:`lxml.etree.xmlfile`: journals and their
transactions are iterables consumed one transaction at a time, so a year with a million lines
needs no more memory than one voucher. The totals come *before* the journals in the schema,
so the caller passes them (an aggregate query); the writer checks every transaction balances
before writing it, that the totals balance before writing anything, and that what it wrote
adds up to the totals at the end. A failed check raises :class:`~fakturaflyt.core.errors.RuleViolation`
with a stable code; the output is then incomplete and must be discarded (write to a temporary file).

Amounts are signed in the dataclasses (debit positive, credit negative) and written as the
schema's debit or credit element with a positive amount.

>>> import io
>>> from datetime import date
>>> hdr = Header(CompanyInfo("999999999", "Test AS", contacts=(Contact("Kari", "Nordmann"),)),
...              SelectionCriteria(1, 2026, 12, 2026), date_created=date(2026, 12, 1))
>>> tx = Transaction("GL-2026-1", date(2026, 3, 1), "Husleie", lines=(
...     Line("1", "6300", "Husleie", debit=D("100")), Line("2", "1920", "Husleie", credit=D("100"))))
>>> buf = io.BytesIO()
>>> result = write_audit_file(buf, hdr, MasterFiles(), GeneralLedgerEntries(1, D("100"), D("100"),
...     [Journal("GL", "Manuelle bilag", transactions=[tx])]))
>>> result.transactions, result.lines, result.total_debit
(1, 2, Decimal('100.00'))
>>> saft_file_name("999999999", datetime(2026, 12, 1, 13, 5, 9))
'SAF-T Financial_999999999_20261201130509.xml'
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any, TypeVar

from lxml import etree

from fakturaflyt.core.errors import Problem, RuleViolation
from fakturaflyt.core.money import D

__all__ = [
    "AUDIT_FILE_VERSION",
    "NAMESPACE",
    "Address",
    "AnalysisRef",
    "AnalysisTypeEntry",
    "BankAccount",
    "CompanyInfo",
    "Contact",
    "GeneralLedgerAccount",
    "GeneralLedgerEntries",
    "Header",
    "Journal",
    "Line",
    "MasterFiles",
    "Party",
    "PartyBalance",
    "SelectionCriteria",
    "TaxCodeDetails",
    "TaxInformation",
    "Transaction",
    "WriteResult",
    "check_transaction",
    "grouping_by_class",
    "saft_file_name",
    "write_audit_file",
]

NAMESPACE = "urn:StandardAuditFile-Taxation-Financial:NO"
AUDIT_FILE_VERSION = "1.30"
ZERO = Decimal("0.00")
CENT = Decimal("0.01")

UNBALANCED = "FF-SAFT-UNBALANCED"  # a transaction whose debits and credits differ
TOTALS = "FF-SAFT-TOTALS"  # the totals do not balance, or differ from what was written
BAD_LINE = "FF-SAFT-LINE"  # a line without exactly one positive side, or a transaction without lines
BAD_SELECTION = "FF-SAFT-SELECTION"  # periods out of 1-12 or the end before the start

# Text lengths of the schema's string types.
SHORT, MIDDLE1, MIDDLE2, LONG, CODE = 18, 35, 70, 256, 9

T = TypeVar("T")


# --------------------------------------------------------------------------------------- header


@dataclass(frozen=True, slots=True)
class Address:
    street: str = ""
    city: str = ""
    postal_code: str = ""
    country: str = "NO"
    address_type: str = ""  # StreetAddress, PostalAddress, BillingAddress, ShipToAddress, ShipFromAddress


@dataclass(frozen=True, slots=True)
class Contact:
    first_name: str
    last_name: str
    telephone: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class BankAccount:
    """A Norwegian account number (11 digits) and/or an IBAN; the IBAN wins when both are given (schema choice)."""

    number: str = ""
    iban: str = ""
    bic: str = ""
    currency: str = "NOK"
    ledger_account: str = ""


@dataclass(frozen=True, slots=True)
class CompanyInfo:
    """The company the file is for (``Header/Company``): org.nr, name, address, at least one contact."""

    registration_number: str
    name: str
    addresses: tuple[Address, ...] = ()
    contacts: tuple[Contact, ...] = ()
    vat_number: str = ""  # "999999999MVA" when registered for VAT
    bank_accounts: tuple[BankAccount, ...] = ()


@dataclass(frozen=True, slots=True)
class SelectionCriteria:
    """Accounting periods (months 1-12) and their years covered by the file."""

    period_start: int
    period_start_year: int
    period_end: int
    period_end_year: int


@dataclass(frozen=True, slots=True)
class Header:
    company: CompanyInfo
    selection: SelectionCriteria
    date_created: date
    software_company: str = "Fakturaflyt"
    software_id: str = "Fakturaflyt"
    software_version: str = "0.1"
    default_currency: str = "NOK"
    user_id: str = ""
    comment: str = ""


# ---------------------------------------------------------------------------------- master files


@dataclass(frozen=True, slots=True)
class GeneralLedgerAccount:
    """An account with its SAF-T grouping and balances (signed: debit positive)."""

    account_id: str
    description: str
    grouping_category: str
    grouping_code: str
    opening: Decimal = ZERO
    closing: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class PartyBalance:
    """A customer's or supplier's balance on one balance-sheet account (1.30 ``BalanceAccountStructure``)."""

    account_id: str
    opening: Decimal = ZERO
    closing: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class Party:
    """A customer or supplier (``CompanyStructure`` + ``CustomerID``/``SupplierID`` + balance accounts)."""

    party_id: str
    name: str
    registration_number: str = ""
    address: Address | None = None
    vat_number: str = ""
    bank_account: BankAccount | None = None
    balances: tuple[PartyBalance, ...] = ()
    party_type: str = ""  # PartyInfo/Type: Private, Company, Government


@dataclass(frozen=True, slots=True)
class TaxCodeDetails:
    """One VAT code of the tax table, mapped to its SAF-T standard tax code ("NA" if none fits)."""

    code: str
    description: str
    percentage: Decimal
    standard_tax_code: str
    country: str = "NO"
    base_rates: tuple[Decimal, ...] = (Decimal(100),)


@dataclass(frozen=True, slots=True)
class AnalysisTypeEntry:
    """A dimension value: ``analysis_type`` "A" (avdeling, department) or "P" (prosjekt, project)."""

    analysis_type: str
    type_description: str
    analysis_id: str
    description: str
    active: bool = True


@dataclass(frozen=True)
class MasterFiles:
    accounts: Sequence[GeneralLedgerAccount] = ()
    customers: Iterable[Party] = ()
    suppliers: Iterable[Party] = ()
    tax_codes: Sequence[TaxCodeDetails] = ()
    analysis_types: Sequence[AnalysisTypeEntry] = ()


# --------------------------------------------------------------------------------------- entries


@dataclass(frozen=True, slots=True)
class AnalysisRef:
    analysis_type: str
    analysis_id: str


@dataclass(frozen=True, slots=True)
class TaxInformation:
    """VAT of a line: code, rate, base and the VAT amount (signed: debit positive), ``TaxType`` MVA."""

    code: str
    percentage: Decimal
    amount: Decimal
    base: Decimal | None = None
    country: str = "NO"


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a transaction: exactly one of ``debit``/``credit`` positive, in NOK.

    ``currency_amount`` (positive) and ``exchange_rate`` (NOK per unit) when the line was in a foreign currency.
    """

    record_id: str
    account_id: str
    description: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    analysis: tuple[AnalysisRef, ...] = ()
    source_document_id: str = ""
    customer_id: str = ""
    supplier_id: str = ""
    currency: str = ""
    currency_amount: Decimal | None = None
    exchange_rate: Decimal | None = None
    tax: tuple[TaxInformation, ...] = ()


@dataclass(frozen=True, slots=True)
class Transaction:
    """A voucher (bilag): its id, date and lines. ``period``/``period_year`` default to the date's month and year."""

    transaction_id: str
    transaction_date: date
    description: str
    lines: Sequence[Line] = ()
    period: int = 0
    period_year: int = 0
    system_entry_date: date | None = None
    source_id: str = ""
    voucher_type: str = ""
    voucher_description: str = ""
    transaction_type: str = "Normal"


@dataclass(frozen=True)
class Journal:
    """A journal (here: a voucher series); ``transactions`` may be a generator, consumed once."""

    journal_id: str
    description: str
    journal_type: str = "GL"
    transactions: Iterable[Transaction] = ()


@dataclass(frozen=True)
class GeneralLedgerEntries:
    """The totals of every transaction in the journals (computed beforehand) and the journals themselves."""

    number_of_entries: int
    total_debit: Decimal
    total_credit: Decimal
    journals: Iterable[Journal] = ()


@dataclass(frozen=True, slots=True)
class WriteResult:
    transactions: int
    lines: int
    total_debit: Decimal
    total_credit: Decimal


@dataclass
class _Count:
    transactions: int = 0
    lines: int = 0
    debit: Decimal = field(default_factory=lambda: ZERO)
    credit: Decimal = field(default_factory=lambda: ZERO)


# --------------------------------------------------------------------------------------- helpers

# NS 4102 account classes to the 1.30 næringsspesifikasjon grouping categories
# (``mappings/grouping_1.3/naeringsspesifikasjon.csv``), first match by prefix wins.
_CLASS_CATEGORIES = (
    ("10", "balanseverdiForAnleggsmiddel"),
    ("11", "balanseverdiForAnleggsmiddel"),
    ("12", "balanseverdiForAnleggsmiddel"),
    ("13", "balanseverdiForAnleggsmiddel"),
    ("1", "balanseverdiForOmloepsmiddel"),
    ("20", "egenkapital"),
    ("21", "langsiktigGjeld"),
    ("22", "langsiktigGjeld"),
    ("2", "kortsiktigGjeld"),
    ("30", "salgsinntekt"),
    ("31", "salgsinntekt"),
    ("32", "salgsinntekt"),
    ("33", "salgsinntekt"),
    ("3", "annenDriftsinntekt"),
    ("4", "varekostnad"),
    ("5", "loennskostnad"),
    ("6", "annenDriftskostnad"),
    ("7", "annenDriftskostnad"),
    ("80", "finansinntekt"),
    ("81", "finanskostnad"),
    ("88", "resultatDisponeringForSAF-T"),
    ("89", "resultatDisponeringForSAF-T"),
    ("8", "skattekostnad"),
)


def grouping_by_class(number: str) -> tuple[str, str]:
    """A last-resort (GroupingCategory, GroupingCode) from the NS 4102 account class, for an account
    with no mapping: the næringsspesifikasjon category of its class and its own four-digit number as
    code (most næringsspesifikasjon codes are the NS 4102 account numbers). Review such accounts.

    >>> grouping_by_class("1920"), grouping_by_class("2400"), grouping_by_class("8800")
    (('balanseverdiForOmloepsmiddel', '1920'), ('kortsiktigGjeld', '2400'), ('resultatDisponeringForSAF-T', '8800'))
    """
    for prefix, category in _CLASS_CATEGORIES:
        if number.startswith(prefix):
            return category, number[:4]
    return "NA", "NA"


def saft_file_name(orgnr: str, created: datetime) -> str:
    """Skatteetaten's file name convention: ``SAF-T Financial_<org.nr>_<yyyymmddhhmmss>.xml``."""
    return f"SAF-T Financial_{orgnr}_{created:%Y%m%d%H%M%S}.xml"


def check_transaction(tx: Transaction) -> list[Problem]:
    """Every problem that stops ``tx`` from being written: lines with no single positive side, or unbalanced."""
    where = f"transaction {tx.transaction_id}"
    problems: list[Problem] = []
    if not tx.lines:
        problems.append(Problem(BAD_LINE, "The transaction has no lines.", where))
    for ln in tx.lines:
        if ln.debit < 0 or ln.credit < 0 or (ln.debit > 0) == (ln.credit > 0):
            problems.append(
                Problem(
                    BAD_LINE,
                    f"Line {ln.record_id} must have an amount on exactly one side, debit or credit.",
                    where,
                )
            )
    debit = sum((ln.debit for ln in tx.lines), ZERO)
    credit = sum((ln.credit for ln in tx.lines), ZERO)
    if debit != credit:
        problems.append(
            Problem(
                UNBALANCED,
                f"Debits {_money(debit)} and credits {_money(credit)} differ by {_money(debit - credit)}.",
                where,
            )
        )
    return problems


def _money(amount: Decimal) -> str:
    return f"{amount.quantize(CENT):f}"


def _rate(value: Decimal) -> str:
    """A percentage or exchange rate without trailing zeros (``25``, ``11.11``, ``11.782500`` -> ``11.7825``)."""
    return f"{value.normalize():f}"


def _text(value: str, limit: int) -> str:
    return " ".join(value.split())[:limit]


def _peek(items: Iterable[T]) -> tuple[bool, Iterator[T]]:
    """Whether ``items`` has anything, and an iterator over all of it (the first item put back)."""
    it = iter(items)
    for first in it:
        return True, itertools.chain((first,), it)
    return False, it


class _QNames(dict[str, str]):
    """Element name -> ``{namespace}name``, computed once per name."""

    def __missing__(self, name: str) -> str:
        qn = self[name] = f"{{{NAMESPACE}}}{name}"
        return qn


class _Writer:
    """Thin helpers over :class:`lxml.etree.xmlfile`: every element in the SAF-T namespace, no subtree copies
    (a written subtree would repeat the namespace declaration on every transaction)."""

    def __init__(self, xf: Any) -> None:
        self.xf = xf
        self._element = xf.element
        self._write = xf.write
        self._names = _QNames()

    def q(self, name: str) -> str:
        return self._names[name]

    def el(self, name: str) -> Any:
        return self._element(self._names[name])

    def leaf(self, name: str, value: object) -> None:
        with self._element(self._names[name]):
            self._write(value if type(value) is str else str(value))

    def opt(self, name: str, value: object) -> None:
        if value not in (None, ""):
            self.leaf(name, value)

    def newline(self) -> None:
        self.xf.write("\n")

    def debit_credit(self, prefix: str, amount: Decimal) -> None:
        """``<prefix>DebitX`` for a debit (or zero), ``<prefix>CreditX`` for a credit; ``prefix`` e.g. "Opening"."""
        side = "Debit" if amount >= 0 else "Credit"
        self.leaf(prefix.replace("*", side), _money(abs(amount)))

    def amount(
        self,
        name: str,
        amount: Decimal,
        currency: str = "",
        currency_amount: Decimal | None = None,
        exchange_rate: Decimal | None = None,
    ) -> None:
        with self.el(name):
            self.leaf("Amount", _money(amount))
            if currency and currency_amount is not None:
                self.leaf("CurrencyCode", currency)
                self.leaf("CurrencyAmount", _money(abs(currency_amount)))
                if exchange_rate is not None:
                    self.leaf("ExchangeRate", _rate(exchange_rate.quantize(Decimal("0.00000001"))))

    def address(self, a: Address) -> None:
        with self.el("Address"):
            self.opt("StreetName", _text(a.street, LONG))
            self.opt("City", _text(a.city, LONG))
            self.opt("PostalCode", _text(a.postal_code, MIDDLE2))
            self.opt("Country", a.country[:2].upper())
            self.opt("AddressType", a.address_type)

    def bank_account(self, b: BankAccount) -> None:
        with self.el("BankAccount"):
            if b.iban:
                self.leaf("IBANNumber", _text(b.iban, MIDDLE1))
            else:
                self.leaf("BankAccountNumber", _text(b.number, MIDDLE1))
            self.opt("BIC", _text(b.bic, SHORT))
            self.opt("CurrencyCode", b.currency)
            self.opt("GeneralLedgerAccountID", b.ledger_account)


# ------------------------------------------------------------------------------------ the writer


def _header(w: _Writer, h: Header) -> None:
    s = h.selection
    if not (1 <= s.period_start <= 12 and 1 <= s.period_end <= 12) or (s.period_start_year, s.period_start) > (
        s.period_end_year,
        s.period_end,
    ):
        raise RuleViolation(
            [Problem(BAD_SELECTION, "The periods must be months 1-12 and the end may not be before the start.", "")]
        )
    c = h.company
    with w.el("Header"):
        w.leaf("AuditFileVersion", AUDIT_FILE_VERSION)
        w.leaf("AuditFileCountry", "NO")
        w.leaf("AuditFileDateCreated", h.date_created.isoformat())
        w.leaf("SoftwareCompanyName", _text(h.software_company, MIDDLE2))
        w.leaf("SoftwareID", _text(h.software_id, LONG))
        w.leaf("SoftwareVersion", _text(h.software_version, SHORT))
        with w.el("Company"):
            w.leaf("RegistrationNumber", c.registration_number)
            w.leaf("Name", _text(c.name, LONG))
            for a in c.addresses:
                w.address(a)
            for p in c.contacts or (Contact("-", "-"),):
                with w.el("Contact"):
                    with w.el("ContactPerson"):
                        w.leaf("FirstName", _text(p.first_name, MIDDLE1) or "-")
                        w.leaf("LastName", _text(p.last_name, MIDDLE2) or "-")
                    w.opt("Telephone", _text(p.telephone, SHORT))
                    w.opt("Email", _text(p.email, MIDDLE2))
            if c.vat_number:
                with w.el("TaxRegistration"):
                    w.leaf("TaxRegistrationNumber", c.vat_number)
                    w.leaf("TaxAuthority", "Skatteetaten")
            for b in c.bank_accounts:
                w.bank_account(b)
        w.leaf("DefaultCurrencyCode", h.default_currency)
        with w.el("SelectionCriteria"):
            w.leaf("PeriodStart", s.period_start)
            w.leaf("PeriodStartYear", s.period_start_year)
            w.leaf("PeriodEnd", s.period_end)
            w.leaf("PeriodEndYear", s.period_end_year)
        w.opt("HeaderComment", _text(h.comment, LONG))
        w.leaf("TaxAccountingBasis", "A")
        w.opt("UserID", _text(h.user_id, LONG))
    w.newline()


def _party(w: _Writer, tag: str, p: Party) -> None:
    with w.el(tag):
        w.opt("RegistrationNumber", p.registration_number)
        w.leaf("Name", _text(p.name, LONG))
        if p.address is not None:
            w.address(p.address)
        if p.vat_number:
            with w.el("TaxRegistration"):
                w.leaf("TaxRegistrationNumber", _text(p.vat_number, MIDDLE1))
        if p.bank_account is not None:
            w.bank_account(p.bank_account)
        w.leaf(f"{tag}ID", _text(p.party_id, MIDDLE1))
        for b in p.balances:
            with w.el("BalanceAccount"):
                w.leaf("AccountID", b.account_id)
                w.debit_credit("Opening*Balance", b.opening)
                w.debit_credit("Closing*Balance", b.closing)
        if p.party_type:
            with w.el("PartyInfo"):
                w.leaf("Type", p.party_type)
    w.newline()


def _master_files(w: _Writer, m: MasterFiles) -> None:
    with w.el("MasterFiles"):
        w.newline()
        if m.accounts:
            with w.el("GeneralLedgerAccounts"):
                for a in m.accounts:
                    with w.el("Account"):
                        w.leaf("AccountID", a.account_id)
                        w.leaf("AccountDescription", _text(a.description, LONG) or a.account_id)
                        w.leaf("GroupingCategory", _text(a.grouping_category, LONG))
                        w.leaf("GroupingCode", _text(a.grouping_code, MIDDLE1))
                        w.leaf("AccountType", "GL")
                        w.debit_credit("Opening*Balance", a.opening)
                        w.debit_credit("Closing*Balance", a.closing)
                    w.newline()
        for tag, parties in (("Customer", m.customers), ("Supplier", m.suppliers)):
            any_party, it = _peek(parties)
            if any_party:
                with w.el(f"{tag}s"):
                    w.newline()
                    for p in it:
                        _party(w, tag, p)
        if m.tax_codes:
            with w.el("TaxTable"):
                # One entry for the tax type MVA holding every code (TaxCodeDetails is repeatable).
                with w.el("TaxTableEntry"):
                    w.leaf("TaxType", "MVA")
                    w.leaf("Description", "Merverdiavgift")
                    for t in m.tax_codes:
                        with w.el("TaxCodeDetails"):
                            w.leaf("TaxCode", _text(t.code, MIDDLE2))
                            w.opt("Description", _text(t.description, LONG))
                            w.leaf("TaxPercentage", _rate(t.percentage))
                            w.leaf("Country", t.country)
                            w.leaf("StandardTaxCode", t.standard_tax_code or "NA")
                            for rate in t.base_rates or (Decimal(100),):
                                w.leaf("BaseRate", _rate(rate))
                        w.newline()
        if m.analysis_types:
            with w.el("AnalysisTypeTable"):
                for e in m.analysis_types:
                    with w.el("AnalysisTypeTableEntry"):
                        w.leaf("AnalysisType", _text(e.analysis_type, CODE))
                        w.leaf("AnalysisTypeDescription", _text(e.type_description, LONG))
                        w.leaf("AnalysisID", _text(e.analysis_id, MIDDLE1))
                        w.leaf("AnalysisIDDescription", _text(e.description, LONG) or e.analysis_id)
                        w.leaf("Status", "Active" if e.active else "Passive")
                    w.newline()
    w.newline()


def _line(w: _Writer, ln: Line) -> None:
    with w.el("Line"):
        w.leaf("RecordID", _text(ln.record_id, SHORT))
        w.leaf("AccountID", ln.account_id)
        for a in ln.analysis:
            with w.el("Analysis"):
                w.leaf("AnalysisType", a.analysis_type)
                w.leaf("AnalysisID", a.analysis_id)
        w.opt("SourceDocumentID", _text(ln.source_document_id, MIDDLE1))
        w.opt("CustomerID", ln.customer_id)
        w.opt("SupplierID", ln.supplier_id)
        w.leaf("Description", _text(ln.description, LONG))
        if ln.debit > 0:
            w.amount("DebitAmount", ln.debit, ln.currency, ln.currency_amount, ln.exchange_rate)
        else:
            w.amount("CreditAmount", ln.credit, ln.currency, ln.currency_amount, ln.exchange_rate)
        for t in ln.tax:
            with w.el("TaxInformation"):
                w.leaf("TaxType", "MVA")
                w.leaf("TaxCode", _text(t.code, MIDDLE2))
                w.leaf("TaxPercentage", _rate(t.percentage))
                w.leaf("Country", t.country)
                if t.base is not None:
                    w.leaf("TaxBase", _money(abs(t.base)))
                w.amount("DebitTaxAmount" if t.amount >= 0 else "CreditTaxAmount", abs(t.amount))


def _transaction(w: _Writer, tx: Transaction, count: _Count) -> None:
    if problems := check_transaction(tx):
        raise RuleViolation(problems)
    d = tx.transaction_date
    with w.el("Transaction"):
        w.leaf("TransactionID", _text(tx.transaction_id, MIDDLE2))
        w.leaf("Period", tx.period or d.month)
        w.leaf("PeriodYear", tx.period_year or d.year)
        w.leaf("TransactionDate", d.isoformat())
        w.opt("SourceID", _text(tx.source_id, MIDDLE1))
        w.opt("VoucherType", _text(tx.voucher_type, MIDDLE2))
        w.opt("VoucherDescription", _text(tx.voucher_description, MIDDLE2))
        w.opt("TransactionType", _text(tx.transaction_type, SHORT))
        w.leaf("Description", _text(tx.description, LONG))
        entered = (tx.system_entry_date or d).isoformat()
        w.leaf("SystemEntryDate", entered)
        w.leaf("GLPostingDate", entered)
        for ln in tx.lines:
            _line(w, ln)
            count.lines += 1
            count.debit += ln.debit
            count.credit += ln.credit
    count.transactions += 1
    w.newline()


def write_audit_file(
    out: IO[bytes] | str, header: Header, master: MasterFiles, entries: GeneralLedgerEntries
) -> WriteResult:
    """Write the SAF-T Financial 1.30 file to ``out`` (a binary file or a path), streaming the journals.

    Raises :class:`RuleViolation` (``FF-SAFT-TOTALS``) when ``entries``' totals do not balance or
    differ from the transactions written, and (``FF-SAFT-UNBALANCED``, ``FF-SAFT-LINE``) for a
    transaction that does not balance: the output is then incomplete and must be thrown away.
    """
    total_debit, total_credit = D(entries.total_debit).quantize(CENT), D(entries.total_credit).quantize(CENT)
    if total_debit != total_credit:
        raise RuleViolation(
            [
                Problem(
                    TOTALS,
                    f"Total debit {_money(total_debit)} and total credit {_money(total_credit)} of the "
                    "general ledger entries differ: the books do not balance.",
                    "GeneralLedgerEntries",
                )
            ]
        )
    count = _Count()
    with etree.xmlfile(out, encoding="UTF-8") as xf:
        xf.write_declaration()
        w = _Writer(xf)
        with xf.element(w.q("AuditFile"), nsmap={None: NAMESPACE}):
            w.newline()
            _header(w, header)
            _master_files(w, master)
            with w.el("GeneralLedgerEntries"):
                w.leaf("NumberOfEntries", entries.number_of_entries)
                w.leaf("TotalDebit", _money(total_debit))
                w.leaf("TotalCredit", _money(total_credit))
                w.newline()
                for j in entries.journals:
                    with w.el("Journal"):
                        w.leaf("JournalID", _text(j.journal_id, SHORT))
                        w.leaf("Description", _text(j.description, LONG) or j.journal_id)
                        w.leaf("Type", _text(j.journal_type, CODE))
                        w.newline()
                        for tx in j.transactions:
                            _transaction(w, tx, count)
                    w.newline()
            w.newline()
    written = (count.transactions, count.debit, count.credit)
    if written != (entries.number_of_entries, total_debit, total_credit):
        raise RuleViolation(
            [
                Problem(
                    TOTALS,
                    f"The header totals ({entries.number_of_entries} entries, {_money(total_debit)} / "
                    f"{_money(total_credit)}) differ from the transactions written ({count.transactions}, "
                    f"{_money(count.debit)} / {_money(count.credit)}).",
                    "GeneralLedgerEntries",
                )
            ]
        )
    return WriteResult(count.transactions, count.lines, count.debit, count.credit)
