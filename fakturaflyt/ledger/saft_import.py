"""Take over the chart of accounts and the opening balances from another system's SAF-T Financial file.

A company that starts keeping its books here in the middle of a year brings its balances
from the old system as a SAF-T Financial file (1.30, or 1.10/1.20). :func:`import_opening_balances`:

1. stores the received bytes first (DESIGN.md 3, nothing is lost; also when refused) with a
   :class:`~fakturaflyt.ledger.models.SaftImport` row holding the options;
2. reads the file with :func:`fakturaflyt.core.saft_read.read_saft` (streamed, hardened);
3. plans what it would do: accounts the company lacks are created (number, name, type from
   the NS 4102 number, standard account, grouping), existing ones are kept (names that differ
   are reported); the file's tax codes are matched to the company's VAT codes by
   ``StandardTaxCode`` (reported only); customers and suppliers are found by org.nr, else by
   name, or created; and ONE opening-balance voucher (inngående balanse) is drawn up with a
   line per account, and per customer/supplier on the receivables/payables accounts where the
   file gives partner balances. Each account's lines sum to its balance in the file: what the
   partners' balances do not explain is posted on the account without a partner, and reported;
4. refuses (:class:`SaftImportError`, the problems with stable codes and the report) when the
   file cannot be read or is not SAF-T Financial, has an unsupported version, is for another
   org.nr (unless ``force_orgnr``), does not balance (unless ``difference_account`` takes the
   difference), or when the company already has an opening-balance voucher from SAF-T for that
   date (so importing twice never posts twice);
5. with ``dry_run`` stops there (a preview: nothing is created or posted), else creates what
   is missing and posts the voucher through :func:`fakturaflyt.ledger.services.post_voucher`
   (series ``IB`` when the company has one, else ``GL``), all in one transaction with an audit
   event ``saft.imported``.

The voucher is dated the selection start for ``use="opening"`` (the opening balances of the
file), the day after the selection end for ``use="closing"`` (the closing balances: a year
started elsewhere and continued here), or ``as_of``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal, NoReturn

from django.db import transaction
from django.db.models import Max

from fakturaflyt.companies.models import Company
from fakturaflyt.core.errors import FakturaflytError, Problem, RuleViolation
from fakturaflyt.core.ledger import VoucherLine
from fakturaflyt.core.money import format_nok
from fakturaflyt.core.saft_read import SaftAccount, SaftFile, SaftParty, balance_problems, read_saft
from fakturaflyt.core.standard_accounts import account_type
from fakturaflyt.ledger import audit, chart
from fakturaflyt.ledger.models import Account, NumberSeries, SaftImport, SaftImportStatus, VatCode, Voucher
from fakturaflyt.ledger.services import post_voucher
from fakturaflyt.payables import storage
from fakturaflyt.payables import suppliers as supplier_register
from fakturaflyt.payables.models import Supplier
from fakturaflyt.receivables.models import Customer

__all__ = [
    "MAX_FILE_BYTES",
    "SOURCE",
    "ImportReport",
    "SaftImportCode",
    "SaftImportError",
    "confirm_import",
    "import_opening_balances",
    "run_import",
]

SOURCE = "saft-opening"  # Voucher.source of an opening-balance voucher from SAF-T
SERIES_PREFERENCE = ("IB", "GL")  # an opening-balance series when the company has one, else manual vouchers
MAX_FILE_BYTES = 500 * 1024 * 1024
ZERO = Decimal("0.00")
Use = Literal["opening", "closing"]


class SaftImportCode(StrEnum):
    """Codes of the import itself (the reader's ``FF-SAFT-*`` and ``FF-XML-*`` codes come on top)."""

    OPTION = "FF-SAFT-OPTION"
    ORGNR_MISMATCH = "FF-SAFT-ORGNR-MISMATCH"
    UNBALANCED = "FF-SAFT-UNBALANCED"
    DIFFERENCE = "FF-SAFT-DIFFERENCE"
    ALREADY_POSTED = "FF-SAFT-ALREADY-POSTED"
    SERIES = "FF-SAFT-SERIES"
    ACCOUNT_NUMBER = "FF-SAFT-ACCOUNT-NUMBER"
    ACCOUNT_INACTIVE = "FF-SAFT-ACCOUNT-INACTIVE"
    ACCOUNT_NAMES = "FF-SAFT-ACCOUNT-NAME"
    SUBLEDGER = "FF-SAFT-SUBLEDGER"
    PARTY_ACCOUNT = "FF-SAFT-PARTY-ACCOUNT"
    VAT_UNMAPPED = "FF-SAFT-VAT-UNMAPPED"
    NOTHING = "FF-SAFT-NOTHING-TO-POST"
    DATE = "FF-SAFT-DATE"


# --------------------------------------------------------------------------------------- the report


@dataclass
class AccountRow:
    number: str
    name: str  # as in the file
    action: Literal["create", "created", "kept", "skipped"]
    existing_name: str = ""
    standard_account: str = ""
    grouping_category: str = ""
    grouping_code: str = ""
    balance: Decimal = ZERO

    @property
    def name_differs(self) -> bool:
        return bool(self.existing_name) and self.existing_name.strip().casefold() != self.name.strip().casefold()


@dataclass
class PartnerRow:
    kind: Literal["customer", "supplier"]
    file_id: str
    name: str
    orgnr: str
    action: Literal["create", "created", "found"]
    number: int | None = None  # ours, when found or created
    pk: int | None = None
    balance: Decimal = ZERO
    saft: SaftParty | None = None


@dataclass
class TaxRow:
    code: str
    description: str
    standard_tax_code: str
    percentage: Decimal | None
    vat_code: str  # the company's code with that standard tax code, "" when none


@dataclass
class LineRow:
    account: str
    account_name: str
    debit: Decimal
    credit: Decimal
    description: str
    partner: PartnerRow | None = None


@dataclass
class ImportReport:
    """What a SAF-T import read, would do (``dry_run``) or did, and every problem."""

    import_id: int
    filename: str
    sha256: str
    use: str
    dry_run: bool
    status: str = SaftImportStatus.RECEIVED
    version: str = ""
    software: str = ""
    file_orgnr: str = ""
    file_company: str = ""
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    voucher_date: dt.date | None = None
    series: str = ""
    voucher: str | None = None
    transactions: int = 0
    accounts: list[AccountRow] = field(default_factory=list)
    partners: list[PartnerRow] = field(default_factory=list)
    tax_codes: list[TaxRow] = field(default_factory=list)
    lines: list[LineRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def posted(self) -> bool:
        return self.voucher is not None

    @property
    def total_debit(self) -> Decimal:
        return sum((ln.debit for ln in self.lines), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((ln.credit for ln in self.lines), ZERO)

    @property
    def fatal(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "fatal"]

    def counts(self) -> dict[str, int]:
        def n(rows: list[Any], **match: Any) -> int:
            return sum(1 for r in rows if all(getattr(r, k) in v for k, v in match.items()))

        return {
            "accounts_created": n(self.accounts, action=("create", "created")),
            "accounts_kept": n(self.accounts, action=("kept",)),
            "accounts_named_differently": sum(1 for a in self.accounts if a.name_differs),
            "accounts_skipped": n(self.accounts, action=("skipped",)),
            "customers_created": n(self.partners, kind=("customer",), action=("create", "created")),
            "customers_found": n(self.partners, kind=("customer",), action=("found",)),
            "suppliers_created": n(self.partners, kind=("supplier",), action=("create", "created")),
            "suppliers_found": n(self.partners, kind=("supplier",), action=("found",)),
            "tax_codes_mapped": sum(1 for t in self.tax_codes if t.vat_code),
            "tax_codes_unmapped": sum(1 for t in self.tax_codes if not t.vat_code),
            "lines": len(self.lines),
        }

    def as_dict(self) -> dict[str, Any]:
        """The JSON of the API and of ``fakturaflyt saft import --json`` (amounts as strings, dates ISO)."""

        def day(d: dt.date | None) -> str | None:
            return d.isoformat() if d else None

        return {
            "import_id": self.import_id,
            "filename": self.filename,
            "sha256": self.sha256,
            "status": str(self.status),
            "dry_run": self.dry_run,
            "posted": self.posted,
            "use": self.use,
            "version": self.version,
            "software": self.software,
            "file_company": {"orgnr": self.file_orgnr, "name": self.file_company},
            "period": {"start": day(self.period_start), "end": day(self.period_end)},
            "voucher_date": day(self.voucher_date),
            "series": self.series,
            "voucher": self.voucher,
            "transactions": self.transactions,
            "counts": self.counts(),
            "accounts": [
                {
                    "number": a.number,
                    "name": a.name,
                    "action": a.action,
                    "existing_name": a.existing_name,
                    "name_differs": a.name_differs,
                    "standard_account": a.standard_account,
                    "grouping_category": a.grouping_category,
                    "grouping_code": a.grouping_code,
                    "balance": str(a.balance),
                }
                for a in self.accounts
            ],
            "partners": [
                {
                    "kind": p.kind,
                    "file_id": p.file_id,
                    "name": p.name,
                    "orgnr": p.orgnr,
                    "action": p.action,
                    "number": p.number,
                    "balance": str(p.balance),
                }
                for p in self.partners
            ],
            "tax_codes": [
                {
                    "code": t.code,
                    "description": t.description,
                    "standard_tax_code": t.standard_tax_code,
                    "percentage": str(t.percentage) if t.percentage is not None else None,
                    "vat_code": t.vat_code,
                }
                for t in self.tax_codes
            ],
            "lines": [
                {
                    "account": ln.account,
                    "account_name": ln.account_name,
                    "partner": (
                        {"kind": ln.partner.kind, "name": ln.partner.name, "number": ln.partner.number}
                        if ln.partner
                        else None
                    ),
                    "description": ln.description,
                    "debit": str(ln.debit),
                    "credit": str(ln.credit),
                }
                for ln in self.lines
            ],
            "totals": {"debit": str(self.total_debit), "credit": str(self.total_credit)},
            "problems": [p.as_dict() for p in self.problems],
        }


class SaftImportError(RuleViolation):
    """The import was refused; ``problems`` says why (stable codes) and ``report`` what was read."""

    def __init__(self, problems: list[Problem], report: ImportReport) -> None:
        super().__init__(problems)
        self.report = report


# --------------------------------------------------------------------------------------- entry points


def import_opening_balances(
    company: Company,
    data: bytes,
    *,
    filename: str,
    actor: Any,
    as_of: dt.date | None = None,
    use: Use = "opening",
    dry_run: bool = False,
    difference_account: str | None = None,
    force_orgnr: bool = False,
) -> ImportReport:
    """Store, read, check and (unless ``dry_run``) take over a SAF-T file; see the module docstring.

    Raises :class:`SaftImportError` when refused (the stored file and the refused import are kept).
    """
    if use not in ("opening", "closing"):
        raise FakturaflytError(
            [Problem(SaftImportCode.OPTION, f"use must be 'opening' or 'closing', not {use!r}.", "use")]
        )
    stored = storage.store(bytes(data), filename=filename or "saft.xml", content_type="application/xml")
    imp = SaftImport.objects.create(
        company=company,
        file=stored,
        filename=(filename or "")[:255],
        use=use,
        as_of=as_of,
        difference_account=(difference_account or "").strip()[:6],
        force_orgnr=force_orgnr,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    return run_import(imp, actor, data=bytes(data), dry_run=dry_run)


def confirm_import(imp: SaftImport, actor: Any) -> ImportReport:
    """Post a previewed import from its stored bytes, with the options chosen when it was received."""
    return run_import(imp, actor, dry_run=False)


def run_import(imp: SaftImport, actor: Any, *, data: bytes | None = None, dry_run: bool = False) -> ImportReport:
    """Read the received file of ``imp`` and preview or post it (see the module docstring)."""
    report = ImportReport(imp.pk, imp.filename, imp.file.sha256, imp.use, dry_run)
    try:
        saft = read_saft(data if data is not None else storage.read(imp.file))
    except FakturaflytError as exc:
        _refuse(imp, actor, report, list(exc.problems))
    if dry_run:
        plan = _Plan(imp, saft, report)
        plan.make()
        if report.fatal:
            _refuse(imp, actor, report, report.problems)
        report.status = imp.status = SaftImportStatus.PREVIEWED
        imp.report, imp.problems = report.as_dict(), [p.as_dict() for p in report.problems]
        imp.save(update_fields=["status", "report", "problems"])
        return report
    with transaction.atomic():
        # One import at a time per company: the second waits, then sees the first one's voucher.
        Company.objects.select_for_update().filter(pk=imp.company_id).first()
        plan = _Plan(imp, saft, report)
        plan.make()
        if report.fatal:
            refused = True
        else:
            refused = False
            plan.carry_out(actor)
    if refused:
        _refuse(imp, actor, report, report.problems)
    return report


def _refuse(imp: SaftImport, actor: Any, report: ImportReport, problems: list[Problem]) -> NoReturn:
    if problems is not report.problems:
        report.problems = list(problems) + [p for p in report.problems if p not in problems]
    report.status = imp.status = SaftImportStatus.REFUSED
    imp.report, imp.problems = report.as_dict(), [p.as_dict() for p in report.problems]
    imp.save(update_fields=["status", "report", "problems"])
    fatal = [p for p in report.problems if p.severity == "fatal"]
    audit.record(
        imp.company,
        actor,
        "saft.import_refused",
        imp,
        file=imp.filename,
        sha256=imp.file.sha256,
        problems=[p.as_dict() for p in fatal],
    )
    raise SaftImportError(fatal, report)


# --------------------------------------------------------------------------------------- the plan


def _foreign_vat_id(party: SaftParty) -> str:
    """A VAT number is kept for a partner abroad; a Norwegian one is the org.nr (kept when valid) + MVA."""
    return party.vat_id if party.country not in ("", "NO") else ""


def _fits_our_chart(number: str) -> bool:
    return number.isdecimal() and 4 <= len(number) <= 6


class _Plan:
    """What the file means for this company: accounts, partners, tax codes, the voucher lines."""

    def __init__(self, imp: SaftImport, saft: SaftFile, report: ImportReport) -> None:
        self.imp = imp
        self.company = imp.company
        self.saft = saft
        self.report = report
        self.use: Use = "closing" if imp.use == "closing" else "opening"
        self.accounts = {a.number: a for a in Account.objects.filter(company=self.company)}
        self.new_accounts: dict[str, SaftAccount] = {}
        self.problems: list[Problem] = report.problems
        self.party_balances: list[tuple[PartnerRow, SaftParty, str, Decimal]] = []

    def problem(self, code: str, message: str, location: str = "", *, fatal: bool = True) -> None:
        self.problems.append(Problem(str(code), message, location, "fatal" if fatal else "warning"))

    def make(self) -> None:
        r, saft = self.report, self.saft
        self.problems.extend(saft.problems)
        r.transactions = saft.transactions
        header = saft.header
        if header is not None:
            r.version, r.software = header.version, header.software
            r.file_orgnr, r.file_company = header.company_orgnr, header.company_name
            r.period_start, r.period_end = header.start, header.end
            self.check_company()
        self.date()
        self.series()
        self.chart()
        self.tax_codes()
        self.partners()
        self.lines()
        self.already_posted()

    # -- checks ----------------------------------------------------------------------------------

    def check_company(self) -> None:
        r = self.report
        if not r.file_orgnr or r.file_orgnr == self.company.orgnr:
            return
        text = (
            f"The file is for org.nr {r.file_orgnr} ({r.file_company or 'no name'}), but this company is "
            f"{self.company.orgnr} ({self.company.name})."
        )
        if self.imp.force_orgnr:
            self.problem(
                SaftImportCode.ORGNR_MISMATCH, text + " Imported anyway, as asked.", "Header/Company", fatal=False
            )
        else:
            self.problem(
                SaftImportCode.ORGNR_MISMATCH,
                text + " Import it into the right company, or confirm that it belongs to this one.",
                "Header/Company/RegistrationNumber",
            )

    def date(self) -> None:
        r = self.report
        if self.imp.as_of:
            r.voucher_date = self.imp.as_of
        elif self.use == "opening":
            r.voucher_date = r.period_start
        elif r.period_end is not None:
            r.voucher_date = r.period_end + dt.timedelta(days=1)
        if r.voucher_date is None:
            self.problem(
                SaftImportCode.DATE,
                "No date for the opening balances: the file's period is missing; give the date.",
                "as_of",
            )

    def series(self) -> None:
        codes = set(NumberSeries.objects.filter(company=self.company).values_list("code", flat=True))
        for code in SERIES_PREFERENCE:
            if code in codes:
                self.report.series = code
                return
        self.problem(
            SaftImportCode.SERIES,
            "The company has neither an opening-balance series IB nor the manual series GL: create one of them.",
            "series",
        )

    def already_posted(self) -> None:
        d = self.report.voucher_date
        if d is None:
            return
        earlier = (
            Voucher.objects.filter(company=self.company, source=SOURCE, date=d, reversed_by__isnull=True)
            .select_related("series")
            .first()
        )
        if earlier is not None:
            self.problem(
                SaftImportCode.ALREADY_POSTED,
                f"Opening balances from SAF-T dated {d.isoformat()} are already posted as voucher {earlier.label} "
                f"(source {earlier.source_ref}); they are not posted twice. Reverse that voucher first to import again.",
                "voucher_date",
            )

    # -- accounts --------------------------------------------------------------------------------

    def chart(self) -> None:
        codes = chart.grouping_codes()
        differing = 0
        for a in sorted(self.saft.accounts, key=lambda a: a.account_id):
            balance = a.balance(self.use)
            existing = self.accounts.get(a.account_id)
            if existing is not None:
                row = AccountRow(
                    a.account_id,
                    a.description,
                    "kept",
                    existing_name=existing.name,
                    standard_account=existing.standard_account,
                    grouping_category=existing.grouping_category,
                    grouping_code=existing.grouping_code,
                    balance=balance,
                )
                differing += row.name_differs
                if not existing.is_active and balance:
                    self.problem(
                        SaftImportCode.ACCOUNT_INACTIVE,
                        f"Account {a.account_id} has a balance of {format_nok(balance)} in the file but is "
                        "inactive here: activate it first.",
                        f"line {a.line}: Account[AccountID={a.account_id}]",
                    )
            elif not _fits_our_chart(a.account_id):
                row = AccountRow(a.account_id, a.description, "skipped", balance=balance)
                self.problem(
                    SaftImportCode.ACCOUNT_NUMBER,
                    f"Account {a.account_id!r} cannot be created: accounts here are numbered with 4 to 6 digits "
                    "(NS 4102)"
                    + (
                        f", and it has a balance of {format_nok(balance)}; map it to an account in the old system first."
                        if balance
                        else "; it has no balance and is left out."
                    ),
                    f"line {a.line}: Account[AccountID={a.account_id}]",
                    fatal=bool(balance),
                )
            else:
                category, code = a.grouping_category, a.grouping_code
                if not (category and code):
                    category, code = chart.suggest_grouping(a.account_id, codes)
                row = AccountRow(
                    a.account_id,
                    a.description or a.account_id,
                    "create",
                    standard_account=a.standard_account[:4],
                    grouping_category=category[:100],
                    grouping_code=code[:20],
                    balance=balance,
                )
                self.new_accounts[a.account_id] = a
            self.report.accounts.append(row)
        if differing:
            self.problem(
                SaftImportCode.ACCOUNT_NAMES,
                f"{differing} accounts exist here under another name; the names here are kept (see the list).",
                "MasterFiles/GeneralLedgerAccounts",
                fatal=False,
            )

    def account_name(self, number: str) -> str:
        if number in self.accounts:
            return self.accounts[number].name
        found = self.new_accounts.get(number)
        return (found.description or number) if found else number

    def known_account(self, number: str) -> bool:
        return number in self.accounts or number in self.new_accounts

    # -- tax codes -------------------------------------------------------------------------------

    def tax_codes(self) -> None:
        ours: dict[str, list[VatCode]] = {}
        for v in VatCode.objects.filter(company=self.company, is_active=True).order_by("code"):
            ours.setdefault(v.standard_tax_code, []).append(v)
        unmapped = []
        for t in self.saft.tax_codes:
            candidates = ours.get(t.standard_tax_code, [])
            same_rate = [v for v in candidates if t.percentage is not None and v.rate == t.percentage]
            match = (same_rate or candidates or [None])[0]
            self.report.tax_codes.append(
                TaxRow(t.code, t.description, t.standard_tax_code, t.percentage, match.code if match else "")
            )
            if match is None:
                unmapped.append(f"{t.code} (standard {t.standard_tax_code or '?'})")
        if unmapped:
            self.problem(
                SaftImportCode.VAT_UNMAPPED,
                "No VAT code here has the standard tax code of the file's tax codes "
                + ", ".join(unmapped)
                + "; add them if the company will use them.",
                "MasterFiles/TaxTable",
                fatal=False,
            )

    # -- partners --------------------------------------------------------------------------------

    def partners(self) -> None:
        for kind, parties in (("customer", self.saft.customers), ("supplier", self.saft.suppliers)):
            model: Any = Customer if kind == "customer" else Supplier
            existing = list(model.objects.filter(company=self.company).only("pk", "number", "name", "orgnr"))
            by_orgnr = {p.orgnr: p for p in existing if p.orgnr}
            by_name = {p.name.strip().casefold(): p for p in existing}
            planned: dict[str, PartnerRow] = {}  # one row per org.nr/name, also when the file lists it twice
            for party in parties:
                key = party.orgnr or party.name.strip().casefold()
                found = by_orgnr.get(party.orgnr) if party.orgnr else None
                found = found or by_name.get(party.name.strip().casefold())
                if key in planned:
                    row = planned[key]
                elif found is not None:
                    row = PartnerRow(kind, party.party_id, found.name, found.orgnr, "found", found.number, found.pk)  # type: ignore[arg-type]
                else:
                    name = party.name or party.orgnr or f"{kind} {party.party_id}"
                    row = PartnerRow(kind, party.party_id, name, party.orgnr, "create")  # type: ignore[arg-type]
                row.saft = row.saft or party
                if key not in planned:
                    planned[key] = row
                    self.report.partners.append(row)
                row.balance += sum((b.balance(self.use) for b in party.balances), ZERO)
                self.party_balances.extend((row, party, b.account_id, b.balance(self.use)) for b in party.balances)

    # -- the voucher -----------------------------------------------------------------------------

    def lines(self) -> None:
        r = self.report
        per_account: dict[str, list[tuple[PartnerRow, Decimal]]] = {}
        for row, party, account_id, amount in self.party_balances:
            if not amount:
                continue
            if account_id not in {a.account_id for a in self.saft.accounts}:
                self.problem(
                    SaftImportCode.PARTY_ACCOUNT,
                    f"The {row.kind} {party.party_id} {party.name} has a balance of {format_nok(amount)} on account "
                    f"{account_id or '(none)'}, which is not in the file's chart; the balance is left out.",
                    f"line {party.line}",
                    fatal=False,
                )
                continue
            per_account.setdefault(account_id, []).append((row, amount))
        for a in sorted(self.saft.accounts, key=lambda a: a.account_id):
            balance = a.balance(self.use)
            partners = per_account.get(a.account_id, [])
            if not balance and not partners:
                continue
            if not self.known_account(a.account_id):
                continue  # reported by chart()
            name = self.account_name(a.account_id)
            explained = ZERO
            for row, amount in partners:
                r.lines.append(self.line(a.account_id, name, amount, f"IB {row.name}", row))
                explained += amount
            rest = balance - explained
            if rest:
                r.lines.append(self.line(a.account_id, name, rest, f"IB {name}"))
            if partners and rest:
                kind = "customers'" if partners[0][0].kind == "customer" else "suppliers'"
                self.problem(
                    SaftImportCode.SUBLEDGER,
                    f"Account {a.account_id}: the {kind} balances sum to {format_nok(explained)}, but the account's "
                    f"balance is {format_nok(balance)}; the difference {format_nok(rest)} is posted on the account "
                    "without a partner. Check the old system's sub-ledger.",
                    f"line {a.line}: Account[AccountID={a.account_id}]",
                    fatal=False,
                )
        self.balance()
        if not r.lines and not r.fatal:
            self.problem(
                SaftImportCode.NOTHING,
                "Every balance in the file is zero: the chart of accounts and partners are taken over, no voucher.",
                "MasterFiles/GeneralLedgerAccounts",
                fatal=False,
            )

    def line(self, account: str, name: str, amount: Decimal, text: str, partner: PartnerRow | None = None) -> LineRow:
        debit, credit = (amount, ZERO) if amount > 0 else (ZERO, -amount)
        return LineRow(account, name, debit, credit, text[:300], partner)

    def balance(self) -> None:
        r = self.report
        problems = balance_problems(self.saft, self.use)
        if not problems:
            return
        target = self.imp.difference_account
        if not target:
            self.problems.extend(problems)
            return
        if not self.known_account(target):
            self.problem(
                SaftImportCode.DIFFERENCE,
                f"Account {target} for the difference is neither in the chart here nor in the file.",
                "difference_account",
            )
            return
        difference = r.total_credit - r.total_debit
        r.lines.append(self.line(target, self.account_name(target), difference, "IB differanse fra SAF-T"))
        side = "debit" if difference > 0 else "credit"
        debit, credit = self.saft.totals(self.use)
        self.problem(
            SaftImportCode.DIFFERENCE,
            f"The {self.use} balances of the file do not balance (debit balances {format_nok(debit)}, credit "
            f"balances {format_nok(credit)}); as asked, a {side} of {format_nok(abs(difference))} on account "
            f"{target} takes the difference.",
            "difference_account",
            fatal=False,
        )

    # -- carrying it out -------------------------------------------------------------------------

    def carry_out(self, actor: Any) -> None:
        r, imp = self.report, self.imp
        created_accounts = self.create_accounts()
        for row in r.partners:
            if row.action == "create":
                self.create_partner(row, actor)
        voucher = None
        if r.lines:
            assert r.voucher_date is not None
            voucher = post_voucher(
                self.company,
                actor,
                voucher_date=r.voucher_date,
                description=f"Inngående balanse fra SAF-T ({r.file_company or imp.filename})"[:300],
                lines=[
                    VoucherLine(
                        ln.account,
                        debit=ln.debit,
                        credit=ln.credit,
                        description=ln.description,
                        customer_id=ln.partner.pk if ln.partner and ln.partner.kind == "customer" else None,
                        supplier_id=ln.partner.pk if ln.partner and ln.partner.kind == "supplier" else None,
                    )
                    for ln in r.lines
                ],
                series=r.series,
                source=SOURCE,
                source_ref=f"saft-import {imp.pk} {imp.file.sha256[:16]}",
            )
            r.voucher = voucher.label
        r.status = imp.status = SaftImportStatus.POSTED
        imp.voucher = voucher
        imp.report, imp.problems = r.as_dict(), [p.as_dict() for p in r.problems]
        imp.save(update_fields=["status", "voucher", "report", "problems"])
        audit.record(
            self.company,
            actor,
            "saft.imported",
            imp,
            file=imp.filename,
            sha256=imp.file.sha256,
            version=r.version,
            file_company={"orgnr": r.file_orgnr, "name": r.file_company},
            use=r.use,
            voucher=r.voucher,
            voucher_date=r.voucher_date.isoformat() if r.voucher_date else None,
            accounts_created=created_accounts,
            counts=r.counts(),
            warnings=[p.code for p in r.problems],
        )

    def create_accounts(self) -> list[str]:
        vat = {v.code: v for v in VatCode.objects.filter(company=self.company)}
        new = []
        for row in self.report.accounts:
            if row.action != "create":
                continue
            new.append(
                Account(
                    company=self.company,
                    number=row.number,
                    name=row.name[:200],
                    account_type=account_type(row.number),
                    standard_account=row.standard_account,
                    grouping_category=row.grouping_category,
                    grouping_code=row.grouping_code,
                    default_vat_code=vat.get(chart.DEFAULT_VAT.get(row.number, "")),
                )
            )
            row.action = "created"
        Account.objects.bulk_create(new)
        return [a.number for a in new]

    def create_partner(self, row: PartnerRow, actor: Any) -> None:
        party = row.saft
        assert party is not None
        if row.kind == "supplier":
            supplier = supplier_register.create(
                self.company,
                actor,
                name=row.name,
                orgnr=row.orgnr,
                vat_id=_foreign_vat_id(party),
                address={
                    "address_line": party.street,
                    "postal_code": party.postal_code,
                    "city": party.city,
                    "country": party.country,
                },
                source="saft-import",
            )
            row.pk, row.number = supplier.pk, supplier.number
        else:
            last = Customer.objects.filter(company=self.company).aggregate(n=Max("number"))["n"]
            customer = Customer.objects.create(
                company=self.company,
                number=(last or 10000) + 1,
                name=row.name[:200],
                orgnr=row.orgnr,
                vat_id=_foreign_vat_id(party)[:30],
                address_line=party.street[:200],
                postal_code=party.postal_code[:10],
                city=party.city[:100],
                country=(party.country or "NO")[:2],
            )
            audit.record(
                self.company,
                actor,
                "customer.created",
                customer,
                after={"number": customer.number, "name": customer.name, "orgnr": customer.orgnr},
                source="saft-import",
            )
            row.pk, row.number = customer.pk, customer.number
        row.action = "created"
