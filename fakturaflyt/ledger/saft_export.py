"""Export a company's books for a year (or some of its months) as SAF-T Financial 1.30.

Reads the books and hands them to the streaming writer :func:`fakturaflyt.core.saft.write_audit_file`:

* **Accounts**: every account with a balance or movement, with the opening balance before the
  first month, the debits and credits of the months and the closing balance, taken from
  :func:`fakturaflyt.ledger.reports.trial_balance` for the same dates, so the file and the trial
  balance cannot disagree (result accounts start the year at zero; earlier years' result not yet
  closed to equity is carried into the opening balance of 2050, as the trial balance does).
* **Grouping** (``GroupingCategory``/``GroupingCode``, mandatory in 1.30): the account's own mapping;
  else the næringsspesifikasjon code suggested from the corpus list (as the chart seeding does);
  else the næringsspesifikasjon category of the account class with the account number as code
  (:func:`~fakturaflyt.core.saft.grouping_by_class`), listed in :attr:`ExportSummary.unmapped_accounts`
  for review. Næringsspesifikasjon is the grouping Skatteetaten's 1.30 code lists give for
  ordinary enterprises, an AS included (it replaced RF-1167/RF-1175 in the tax return).
* **Customers and suppliers**: all of the company's, each with its balance per balance-sheet account
  (1.30 ``BalanceAccount``) from the postings that name it.
* **Tax table**: every VAT code with its rate and SAF-T ``StandardTaxCode``.
* **Analysis types**: departments ("A", avdeling) and projects ("P", prosjekt).
* **Entries**: one journal per voucher series; each voucher (``AP 2026-17``) a transaction,
  each posting a line. VAT is reported on the line that carries the base (``TaxBase``) with the
  VAT the voucher posted for that code (``DebitTaxAmount``/``CreditTaxAmount``), as Skatteetaten's
  example file does; the VAT account lines themselves carry none.

Postings are read with one ordered query streamed in chunks (``values_list(...).iterator()``),
never all at once: memory stays bounded whatever the year's size. Every export is audit-logged.
"""

from __future__ import annotations

import calendar
import hashlib
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, Sum
from django.utils import timezone

from fakturaflyt import __version__
from fakturaflyt.companies.models import Company, CompanyBankAccount, Membership
from fakturaflyt.core import saft
from fakturaflyt.core.errors import Problem, RuleViolation
from fakturaflyt.ledger import audit, reports
from fakturaflyt.ledger.chart import grouping_codes, suggest_grouping
from fakturaflyt.ledger.models import Account, Department, NumberSeries, Posting, Project, VatCode, Voucher
from fakturaflyt.payables.models import Supplier
from fakturaflyt.receivables.models import Customer

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
CHUNK = 5000
_BALANCE_SHEET = Q(account__number__startswith="1") | Q(account__number__startswith="2")

_POSTING_FIELDS = (
    "voucher_id",
    "voucher__series__code",
    "voucher__year",
    "voucher__number",
    "voucher__date",
    "voucher__description",
    "voucher__source",
    "voucher__source_ref",
    "voucher__posted_at",
    "voucher__posted_by_id",
    "line",
    "account__number",
    "description",
    "debit",
    "credit",
    "vat_code_id",
    "vat_base",
    "department_id",
    "project_id",
    "supplier_id",
    "customer_id",
    "currency",
    "currency_amount",
    "exchange_rate",
)


@dataclass(frozen=True)
class ExportSummary:
    """What was written: the file name per Skatteetaten's convention, counts, totals, size and SHA-256."""

    file_name: str
    year: int
    from_period: int
    to_period: int
    date_from: date
    date_to: date
    transactions: int
    lines: int
    total_debit: Decimal
    total_credit: Decimal
    accounts: int
    customers: int
    suppliers: int
    size: int
    sha256: str
    unmapped_accounts: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """JSON shape (CLI ``--json``, API): amounts and dates as strings."""
        return {
            "file_name": self.file_name,
            "year": self.year,
            "from_period": self.from_period,
            "to_period": self.to_period,
            "date_from": self.date_from.isoformat(),
            "date_to": self.date_to.isoformat(),
            "transactions": self.transactions,
            "lines": self.lines,
            "total_debit": str(self.total_debit),
            "total_credit": str(self.total_credit),
            "accounts": self.accounts,
            "customers": self.customers,
            "suppliers": self.suppliers,
            "bytes": self.size,
            "sha256": self.sha256,
            "unmapped_accounts": list(self.unmapped_accounts),
        }


class _HashingWriter:
    """Passes bytes on to ``out`` while counting and hashing them."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out = out
        self.size = 0
        self.sha = hashlib.sha256()

    def write(self, data: bytes) -> int:
        self.sha.update(data)
        self.size += len(data)
        self.out.write(data)
        return len(data)


def period_dates(year: int, from_period: int = 1, to_period: int = 12) -> tuple[date, date]:
    """First and last day of the months ``from_period``-``to_period`` of ``year``; refuses a bad selection."""
    if not (1970 <= year <= 2100 and 1 <= from_period <= to_period <= 12):
        raise RuleViolation(
            [
                Problem(
                    saft.BAD_SELECTION,
                    f"Choose a year 1970-2100 and months 1-12 with the first not after the last "
                    f"(got {year}, {from_period}-{to_period}).",
                    "period",
                )
            ]
        )
    return date(year, from_period, 1), date(year, to_period, calendar.monthrange(year, to_period)[1])


def export_file_name(company: Company, now: datetime | None = None) -> str:
    return saft.saft_file_name(company.orgnr, timezone.localtime(now or timezone.now()))


# ----------------------------------------------------------------------------------------- header


def _contact(company: Company, created_by: Any) -> saft.Contact:
    """The person to ask about the file: whoever exports it, else the company's first administrator or accountant."""
    user = created_by if getattr(created_by, "is_authenticated", False) else None
    if user is None or not (user.first_name or user.last_name):
        m = (
            Membership.objects.filter(company=company, is_active=True, role__in=("admin", "accountant"))
            .select_related("user")
            .order_by("role", "pk")
            .first()
        )
        user = m.user if m is not None else user
    first = (getattr(user, "first_name", "") or "").strip()
    last = (getattr(user, "last_name", "") or "").strip()
    if not (first or last):
        first, last = "Regnskapsansvarlig", company.name
    return saft.Contact(first or "-", last or "-", telephone=company.phone, email=company.email)


def _header(company: Company, created_by: Any, year: int, p1: int, p2: int, now: datetime) -> saft.Header:
    banks = tuple(
        saft.BankAccount(number=b.account_number, iban=b.iban, bic=b.bic, ledger_account=b.ledger_account)
        for b in CompanyBankAccount.objects.filter(company=company).order_by("-is_default", "pk")
    )
    info = saft.CompanyInfo(
        registration_number=company.orgnr,
        name=company.name,
        addresses=(
            saft.Address(company.address_line, company.city, company.postal_code, company.country, "StreetAddress"),
        ),
        contacts=(_contact(company, created_by),),
        vat_number=company.vat_number,
        bank_accounts=banks,
    )
    return saft.Header(
        info,
        saft.SelectionCriteria(p1, year, p2, year),
        date_created=timezone.localtime(now).date(),
        software_company="Fakturaflyt",
        software_id="Fakturaflyt",
        software_version=__version__,
        user_id=audit.actor_label(created_by),
    )


# ----------------------------------------------------------------------------------- master files


def _accounts(
    company: Company, rows: Sequence[reports.TrialBalanceRow]
) -> tuple[list[saft.GeneralLedgerAccount], list[str]]:
    accounts = {a.number: a for a in Account.objects.filter(company=company, number__in=[r.account for r in rows])}
    codes: list[tuple[str, str]] | None = None
    unmapped: list[str] = []
    out = []
    for r in rows:
        a = accounts.get(r.account)
        category, code = (a.grouping_category, a.grouping_code) if a is not None else ("", "")
        if not (category and code):
            if codes is None:
                codes = grouping_codes()
            category, code = suggest_grouping(r.account, codes) if codes else ("", "")
            if not (category and code):
                category, code = saft.grouping_by_class(r.account)
                unmapped.append(r.account)
        out.append(
            saft.GeneralLedgerAccount(
                r.account, (a.name if a is not None else r.name) or r.account, category, code, r.opening, r.closing
            )
        )
    return out, unmapped


def _party_balances(company: Company, field: str, date_from: date, date_to: date) -> dict[int, list[saft.PartyBalance]]:
    """Per customer or supplier id: opening and closing balance on each balance-sheet account it was posted to."""
    rows = (
        Posting.objects.filter(voucher__company=company, voucher__date__lte=date_to, **{f"{field}__isnull": False})
        .filter(_BALANCE_SHEET)
        .values(field, "account__number")
        .annotate(
            od=Sum("debit", filter=Q(voucher__date__lt=date_from)),
            oc=Sum("credit", filter=Q(voucher__date__lt=date_from)),
            cd=Sum("debit"),
            cc=Sum("credit"),
        )
        .order_by(field, "account__number")
    )
    out: dict[int, list[saft.PartyBalance]] = {}
    for r in rows:
        opening = (r["od"] or ZERO) - (r["oc"] or ZERO)
        closing = (r["cd"] or ZERO) - (r["cc"] or ZERO)
        out.setdefault(r[field], []).append(saft.PartyBalance(r["account__number"], opening, closing))
    return out


def _address(p: Customer | Supplier) -> saft.Address | None:
    if not (p.address_line or p.city or p.postal_code):
        return None
    return saft.Address(p.address_line, p.city, p.postal_code, p.country or "NO", "StreetAddress")


def _customers(company: Company, balances: dict[int, list[saft.PartyBalance]]) -> Iterator[saft.Party]:
    for c in Customer.objects.filter(company=company).order_by("number").iterator(chunk_size=CHUNK):
        yield saft.Party(
            str(c.number),
            c.name,
            registration_number=c.orgnr,
            address=_address(c),
            vat_number=c.vat_id,
            balances=tuple(balances.get(c.pk, ())),
            party_type="Private" if c.is_consumer else "Company",
        )


def _suppliers(company: Company, balances: dict[int, list[saft.PartyBalance]]) -> Iterator[saft.Party]:
    for s in Supplier.objects.filter(company=company).order_by("number").iterator(chunk_size=CHUNK):
        bank = saft.BankAccount(number=s.bank_account, iban=s.iban, bic=s.bic) if (s.bank_account or s.iban) else None
        yield saft.Party(
            str(s.number),
            s.name,
            registration_number=s.orgnr,
            address=_address(s),
            vat_number=s.vat_id,
            bank_account=bank,
            balances=tuple(balances.get(s.pk, ())),
            party_type="Company",
        )


def _analysis_types(company: Company) -> list[saft.AnalysisTypeEntry]:
    entries = [
        saft.AnalysisTypeEntry("A", "Avdeling", d.code, d.name, d.is_active)
        for d in Department.objects.filter(company=company).order_by("code")
    ]
    entries += [
        saft.AnalysisTypeEntry("P", "Prosjekt", p.code, p.name, p.is_active)
        for p in Project.objects.filter(company=company).order_by("code")
    ]
    return entries


# ---------------------------------------------------------------------------------------- entries


@dataclass(frozen=True, slots=True)
class _Code:
    code: str
    rate: Decimal
    vat_account: str
    contra_vat_account: str


def _allocate(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """``total`` shared by ``weights`` to the øre, the rounding remainder on the last share."""
    whole = sum(weights, ZERO)
    if not whole:
        return [total] + [ZERO] * (len(weights) - 1)
    shares = [(total * w / whole).quantize(CENT, rounding=ROUND_HALF_UP) for w in weights]
    shares[-1] += total - sum(shares, ZERO)
    return shares


def _tax_information(rows: list[tuple[Any, ...]], codes: dict[int, _Code]) -> dict[int, saft.TaxInformation]:
    """Per row index of a voucher's base lines: code, rate, base and the VAT the voucher posted for that code."""
    base_rows: dict[int, list[tuple[int, Decimal]]] = {}
    vat_sum: dict[int, Decimal] = {}
    for i, r in enumerate(rows):
        code_id = r[15]
        if code_id is None:
            continue
        code = codes[code_id]
        amount = r[13] - r[14]
        vat_base = r[16]
        if vat_base is None and r[11] in (code.vat_account, code.contra_vat_account):
            # The VAT line: deductible codes count their input side, the others their output side.
            if r[11] == (code.vat_account or code.contra_vat_account):
                vat_sum[code_id] = vat_sum.get(code_id, ZERO) + amount
            continue
        base_rows.setdefault(code_id, []).append((i, vat_base if vat_base is not None else amount))
    out: dict[int, saft.TaxInformation] = {}
    for code_id, items in base_rows.items():
        code = codes[code_id]
        shares = _allocate(vat_sum.get(code_id, ZERO), [abs(b) for _, b in items])
        for (i, base), share in zip(items, shares, strict=True):
            out[i] = saft.TaxInformation(code.code, code.rate, share, base=abs(base))
    return out


def _transactions(company: Company, date_from: date, date_to: date) -> Iterator[tuple[str, saft.Transaction]]:
    """(series code, transaction) for every voucher in the dates, in series and number order, streamed."""
    codes = {
        v.pk: _Code(v.code, v.rate, v.vat_account, v.contra_vat_account)
        for v in VatCode.objects.filter(company=company)
    }
    departments = dict(Department.objects.filter(company=company).values_list("pk", "code"))
    projects = dict(Project.objects.filter(company=company).values_list("pk", "code"))
    customers = {pk: str(n) for pk, n in Customer.objects.filter(company=company).values_list("pk", "number")}
    suppliers = {pk: str(n) for pk, n in Supplier.objects.filter(company=company).values_list("pk", "number")}
    series_names = dict(NumberSeries.objects.filter(company=company).values_list("code", "name"))
    users = dict(get_user_model().objects.filter(memberships__company=company).values_list("pk", "username").distinct())
    postings = (
        Posting.objects.filter(voucher__company=company, voucher__date__gte=date_from, voucher__date__lte=date_to)
        .order_by("voucher__series__code", "voucher__year", "voucher__number", "line")
        .values_list(*_POSTING_FIELDS)
        .iterator(chunk_size=CHUNK)
    )
    for _, group in itertools.groupby(postings, key=lambda r: r[0]):
        rows = list(group)
        first = rows[0]
        series, year, number, day, text, source, source_ref, posted_at, posted_by = first[1:10]
        taxes = _tax_information(rows, codes)
        lines = []
        for i, r in enumerate(rows):
            analysis = []
            if r[17] is not None:
                analysis.append(saft.AnalysisRef("A", departments.get(r[17], "")))
            if r[18] is not None:
                analysis.append(saft.AnalysisRef("P", projects.get(r[18], "")))
            foreign = r[21] and r[21] != "NOK" and r[22] is not None
            lines.append(
                saft.Line(
                    record_id=str(r[10]),
                    account_id=r[11],
                    description=r[12] or text,
                    debit=r[13],
                    credit=r[14],
                    analysis=tuple(analysis),
                    source_document_id=source_ref,
                    customer_id=customers.get(r[20], "") if r[20] is not None else "",
                    supplier_id=suppliers.get(r[19], "") if r[19] is not None else "",
                    currency=r[21] if foreign else "",
                    currency_amount=r[22] if foreign else None,
                    exchange_rate=r[23] if foreign else None,
                    tax=(taxes[i],) if i in taxes else (),
                )
            )
        yield (
            series,
            saft.Transaction(
                transaction_id=f"{series} {year}-{number}",
                transaction_date=day,
                description=text,
                lines=lines,
                system_entry_date=timezone.localtime(posted_at).date() if posted_at else None,
                source_id=users.get(posted_by) or source,
                voucher_type=series,
                voucher_description=series_names.get(series, series),
            ),
        )


def _journals(company: Company, date_from: date, date_to: date) -> Iterator[saft.Journal]:
    names = dict(NumberSeries.objects.filter(company=company).values_list("code", "name"))
    stream = _transactions(company, date_from, date_to)
    for series, group in itertools.groupby(stream, key=lambda pair: pair[0]):
        yield saft.Journal(series, names.get(series, series), "GL", (tx for _, tx in group))


# ----------------------------------------------------------------------------------------- export


def export_saft(
    company: Company,
    out: IO[bytes],
    *,
    year: int,
    from_period: int = 1,
    to_period: int = 12,
    created_by: Any = None,
    now: datetime | None = None,
) -> ExportSummary:
    """Write the SAF-T Financial 1.30 file of ``company`` for months ``from_period``-``to_period`` of ``year``.

    Raises :class:`~fakturaflyt.core.errors.RuleViolation` (``FF-SAFT-SELECTION``) for a bad period and
    (``FF-SAFT-UNBALANCED``, ``FF-SAFT-TOTALS``) when the books do not balance; ``out`` then holds an
    incomplete file, so write to a temporary file and keep it only on success.
    """
    date_from, date_to = period_dates(year, from_period, to_period)
    now = now or timezone.now()
    rows = reports.trial_balance(company, date_from, date_to)
    accounts, unmapped = _accounts(company, rows)
    total_debit = sum((r.debit for r in rows), ZERO)
    total_credit = sum((r.credit for r in rows), ZERO)
    vouchers = Voucher.objects.filter(company=company, date__gte=date_from, date__lte=date_to).aggregate(n=Count("pk"))
    customers = _party_balances(company, "customer", date_from, date_to)
    suppliers = _party_balances(company, "supplier", date_from, date_to)
    tax_codes = [
        saft.TaxCodeDetails(v.code, v.name, v.rate, v.standard_tax_code or "NA")
        for v in VatCode.objects.filter(company=company).order_by("code")
    ]
    master = saft.MasterFiles(
        accounts=accounts,
        customers=_customers(company, customers),
        suppliers=_suppliers(company, suppliers),
        tax_codes=tax_codes,
        analysis_types=_analysis_types(company),
    )
    entries = saft.GeneralLedgerEntries(
        vouchers["n"], total_debit, total_credit, _journals(company, date_from, date_to)
    )
    sink = _HashingWriter(out)
    result = saft.write_audit_file(
        sink, _header(company, created_by, year, from_period, to_period, now), master, entries
    )
    summary = ExportSummary(
        file_name=export_file_name(company, now),
        year=year,
        from_period=from_period,
        to_period=to_period,
        date_from=date_from,
        date_to=date_to,
        transactions=result.transactions,
        lines=result.lines,
        total_debit=result.total_debit,
        total_credit=result.total_credit,
        accounts=len(accounts),
        customers=Customer.objects.filter(company=company).count(),
        suppliers=Supplier.objects.filter(company=company).count(),
        size=sink.size,
        sha256=sink.sha.hexdigest(),
        unmapped_accounts=tuple(unmapped),
    )
    audit.record(
        company,
        created_by,
        "saft.exported",
        company,
        **{k: v for k, v in summary.as_dict().items() if k != "unmapped_accounts"},
    )
    return summary
