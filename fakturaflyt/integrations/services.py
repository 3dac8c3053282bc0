"""Export operations: the journal CSV, the connections (keys) and pushing vouchers to another system.

* :func:`journal_rows` streams a company's posted lines as core ``JournalRow`` (bounded memory:
  a server-side iterator, vouchers in date/series/number order); :func:`journal_csv` writes them
  in a layout and can mark the vouchers as exported to ``csv`` (filter "not exported before").
* :func:`save_credentials` / :func:`remove_credentials`: the keys, encrypted (``crypto``), with
  an audit event that names the fields, never the values.
* :func:`push` sends every voucher not yet sent to the system, one request each, through a
  transport. Idempotent: a voucher marked ``sent`` is never sent again; each voucher is claimed
  (``sending``) before its request and marked ``sent`` or ``failed`` right after the answer,
  so a failure is reported, nothing is marked sent, and the next push retries it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from fakturaflyt.companies.models import Company
from fakturaflyt.core import accounting_systems
from fakturaflyt.core.accounting_systems import Adapter, ExportVoucher, Ref, UnmappedError
from fakturaflyt.core.errors import FakturaflytError, Problem
from fakturaflyt.core.journal_csv import JournalRow, Layout, layout_from_dict, preset, write_journal
from fakturaflyt.integrations import crypto
from fakturaflyt.integrations.error_codes import ExportCode, ExportError
from fakturaflyt.integrations.models import Connection, ExportStatus, ExternalRef, JournalLayout, VoucherExport
from fakturaflyt.integrations.transport import Transport
from fakturaflyt.ledger import audit
from fakturaflyt.ledger.models import Posting, Voucher

CSV = "csv"
ITERATOR_CHUNK = 2000


# ---------------------------------------------------------------- the journal


@dataclass(frozen=True)
class JournalFilter:
    """Which vouchers: a date range, one series, and only those not yet exported to ``not_exported_to``."""

    date_from: date | None = None
    date_to: date | None = None
    series: str | None = None
    not_exported_to: str | None = None


def vouchers(company: Company, f: JournalFilter) -> QuerySet[Voucher]:
    qs = Voucher.objects.filter(company=company)
    if f.date_from:
        qs = qs.filter(date__gte=f.date_from)
    if f.date_to:
        qs = qs.filter(date__lte=f.date_to)
    if f.series:
        qs = qs.filter(series__code=f.series)
    if f.not_exported_to:
        qs = qs.exclude(
            Q(exports__target=f.not_exported_to) & Q(exports__status__in=[ExportStatus.SENT, ExportStatus.SENDING])
        )
    return qs


def _row(p: Posting) -> JournalRow:
    v = p.voucher
    vat = p.vat_code
    return JournalRow(
        series=v.series.code,
        year=v.year,
        number=v.number,
        date=v.date,
        line=p.line,
        account=p.account.number,
        account_name=p.account.name,
        description=p.description,
        voucher_description=v.description,
        debit=p.debit,
        credit=p.credit,
        vat_code=vat.code if vat else "",
        standard_tax_code=vat.standard_tax_code if vat else "",
        vat_rate=vat.rate if vat else None,
        vat_base=p.vat_base,
        department=p.department.code if p.department else "",
        project=p.project.code if p.project else "",
        supplier_no=str(p.supplier.number) if p.supplier else "",
        supplier_name=p.supplier.name if p.supplier else "",
        supplier_orgnr=p.supplier.orgnr if p.supplier else "",
        customer_no=str(p.customer.number) if p.customer else "",
        customer_name=p.customer.name if p.customer else "",
        customer_orgnr=p.customer.orgnr if p.customer else "",
        currency=p.currency,
        currency_amount=p.currency_amount,
        exchange_rate=p.exchange_rate,
        source=v.source,
        source_ref=v.source_ref,
        posted_at=v.posted_at,
        posted_by=(v.posted_by.get_username() if v.posted_by else ""),
    )


def journal_rows(company: Company, f: JournalFilter | None = None) -> Iterator[JournalRow]:
    """Every posted line of the chosen vouchers, in date, series, number and line order, streamed."""
    f = f or JournalFilter()
    yield from _journal_of(Posting.objects.filter(voucher__in=vouchers(company, f).values("pk")))


def _journal_of(postings: Any) -> Iterator[JournalRow]:
    """The journal rows of ``postings`` (a Posting queryset) in voucher and line order, streamed."""
    postings = postings.select_related(
        "voucher__series",
        "voucher__posted_by",
        "account",
        "vat_code",
        "department",
        "project",
        "supplier",
        "customer",
    ).order_by("voucher__date", "voucher__series__code", "voucher__year", "voucher__number", "line")
    for p in postings.iterator(chunk_size=ITERATOR_CHUNK):
        yield _row(p)


def export_vouchers(rows: Iterable[JournalRow]) -> Iterator[ExportVoucher]:
    """Group consecutive rows of one voucher (rows come in voucher order)."""
    batch: list[JournalRow] = []
    for r in rows:
        if batch and batch[-1].voucher != r.voucher:
            yield ExportVoucher.of(batch)
            batch = []
        batch.append(r)
    if batch:
        yield ExportVoucher.of(batch)


def resolve_layout(company: Company, name_or_data: str | Mapping[str, Any] | None) -> Layout:
    """A preset name, a layout the company stored by that name, or a layout mapping (JSON)."""
    if name_or_data is None or name_or_data == "":
        return preset("standard")
    if isinstance(name_or_data, Mapping):
        return layout_from_dict(name_or_data)
    stored = JournalLayout.objects.filter(company=company, name=name_or_data).first()
    if stored is not None:
        return layout_from_dict({**stored.layout, "name": stored.name})
    return preset(name_or_data)


def save_layout(company: Company, name: str, data: Mapping[str, Any], actor: Any) -> JournalLayout:
    """Store (or replace) a named layout after checking it."""
    layout = layout_from_dict(data)
    stored, _ = JournalLayout.objects.update_or_create(
        company=company, name=name, defaults={"layout": {**layout.as_dict(), "name": name}}
    )
    audit.record(company, actor, "export.layout_saved", stored, layout=name)
    return stored


def mark_exported(company: Company, voucher_ids: Iterable[int], target: str, actor: Any) -> int:
    """Record vouchers as exported to ``target`` (``csv``); those already recorded stay as they are."""
    now = timezone.now()
    ids = list(voucher_ids)
    existing = set(VoucherExport.objects.filter(voucher_id__in=ids, target=target).values_list("voucher_id", flat=True))
    new = [
        VoucherExport(
            company=company,
            voucher_id=i,
            target=target,
            status=ExportStatus.SENT,
            attempts=1,
            last_attempt_at=now,
            sent_at=now,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
        )
        for i in ids
        if i not in existing
    ]
    VoucherExport.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def journal_csv(
    company: Company, layout: Layout, f: JournalFilter | None = None, *, mark: bool = False, actor: Any = None
) -> Iterator[bytes]:
    """The journal as CSV bytes, streamed. With ``mark`` the chosen vouchers are recorded as exported
    to ``csv`` first (so "not exported before" leaves them out next time)."""
    layout.check()
    f = f or JournalFilter()
    if mark:
        ids = list(vouchers(company, f).values_list("pk", flat=True))
        with transaction.atomic():
            count = mark_exported(company, ids, CSV, actor)
            audit.record(company, actor, "export.journal_csv", None, vouchers=count, layout=layout.name)
        rows: Iterable[JournalRow] = _rows_of(company, ids)
    else:
        rows = journal_rows(company, f)
    return write_journal(rows, layout)


def _rows_of(company: Company, ids: list[int]) -> Iterator[JournalRow]:
    """Rows of exactly these vouchers (in chunks, so a large id list stays within SQL limits)."""
    ordered = list(
        Voucher.objects.filter(pk__in=ids)
        .order_by("date", "series__code", "year", "number")
        .values_list("pk", flat=True)
    )
    size = 500
    for start in range(0, len(ordered), size):
        yield from _journal_of(Posting.objects.filter(voucher_id__in=ordered[start : start + size]))


# ---------------------------------------------------------------- connections


@dataclass
class SystemStatus:
    """What the integrations page and ``export systems`` show of one system."""

    name: str
    title: str
    configured: bool
    missing: list[str]
    fields: list[dict[str, Any]]  # name, label, secret, help, hint (masked) or value (non-secret)
    sent: int = 0
    failed: int = 0
    pending: int = 0
    docs_url: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "system": self.name,
            "title": self.title,
            "status": "configured" if self.configured else "not configured",
            "missing": self.missing,
            "fields": self.fields,
            "sent": self.sent,
            "failed": self.failed,
            "pending": self.pending,
        }


def adapter(system: str) -> Adapter:
    return accounting_systems.get(system)


def credentials(company: Company, system: str) -> dict[str, str]:
    """The decrypted keys and settings of a company's connection (empty when there is none)."""
    conn = Connection.objects.filter(company=company, system=system).first()
    if conn is None:
        return {}
    return {**{k: str(v) for k, v in conn.settings.items()}, **crypto.decrypt(conn.secrets)}


def status(company: Company, system: str) -> SystemStatus:
    a = adapter(system)
    conn = Connection.objects.filter(company=company, system=system).first()
    hints = conn.hints if conn else {}
    plain = conn.settings if conn else {}
    fields = []
    present: set[str] = set()
    for f in a.credentials:
        shown = hints.get(f.name, "") if f.secret else str(plain.get(f.name, ""))
        if shown:
            present.add(f.name)
        fields.append({"name": f.name, "label": f.label, "secret": f.secret, "help": f.help, "shown": shown})
    missing = [f.label for f in a.credentials if f.name not in present]
    counts = dict(
        VoucherExport.objects.filter(company=company, target=system)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    pending = vouchers(company, JournalFilter(not_exported_to=system)).count()
    return SystemStatus(
        a.name,
        a.title,
        not missing,
        missing,
        fields,
        sent=counts.get(ExportStatus.SENT, 0),
        failed=counts.get(ExportStatus.FAILED, 0),
        pending=pending,
        docs_url=a.docs_url,
    )


def statuses(company: Company) -> list[SystemStatus]:
    return [status(company, name) for name in accounting_systems.REGISTRY]


def save_credentials(company: Company, system: str, values: Mapping[str, str], actor: Any) -> Connection:
    """Store the keys: secret fields encrypted (a blank secret keeps the stored one), others as settings."""
    a = adapter(system)
    with transaction.atomic():
        conn, _ = Connection.objects.select_for_update().get_or_create(company=company, system=system)
        secrets = crypto.decrypt(conn.secrets)
        plain = dict(conn.settings)
        hints = dict(conn.hints)
        changed = []
        for f in a.credentials:
            value = (values.get(f.name) or "").strip()
            if not value:
                continue
            changed.append(f.name)
            if f.secret:
                secrets[f.name] = value
                hints[f.name] = crypto.mask(value)
            else:
                plain[f.name] = value
        conn.secrets = crypto.encrypt(secrets) if secrets else ""
        conn.settings = plain
        conn.hints = hints
        conn.configured_at = timezone.now()
        conn.configured_by = actor if getattr(actor, "is_authenticated", False) else None
        conn.save()
        audit.record(company, actor, "export.connection_saved", conn, system=system, fields=changed)
    return conn


def remove_credentials(company: Company, system: str, actor: Any) -> None:
    adapter(system)
    with transaction.atomic():
        deleted, _ = Connection.objects.filter(company=company, system=system).delete()
        if deleted:
            audit.record(company, actor, "export.connection_removed", None, system=system)


# ---------------------------------------------------------------- push


@dataclass
class VoucherResult:
    voucher: str
    status: str  # sent, failed, would-send
    external_id: str = ""
    problems: list[dict[str, str]] = field(default_factory=list)


@dataclass
class PushResult:
    system: str
    dry_run: bool
    sent: list[VoucherResult] = field(default_factory=list)
    failed: list[VoucherResult] = field(default_factory=list)
    already_sent: int = 0
    requests: list[dict[str, Any]] = field(default_factory=list)  # dry run: what would be sent

    @property
    def ok(self) -> bool:
        return not self.failed

    def as_dict(self) -> dict[str, Any]:
        return {
            "system": self.system,
            "dry_run": self.dry_run,
            "sent": [r.__dict__ for r in self.sent],
            "failed": [r.__dict__ for r in self.failed],
            "already_sent": self.already_sent,
            **({"requests": self.requests} if self.dry_run else {}),
        }


def _load_ids(company: Company, system: str) -> dict[Ref, str]:
    return {(r.kind, r.key): r.external_id for r in ExternalRef.objects.filter(company=company, system=system)}


def _claim(company: Company, voucher_id: int, system: str, actor: Any) -> VoucherExport | None:
    """Mark the voucher ``sending`` unless it is sent or being sent; None when someone else has it."""
    now = timezone.now()
    try:
        with transaction.atomic():
            record, created = VoucherExport.objects.get_or_create(
                voucher_id=voucher_id,
                target=system,
                defaults={"company": company, "status": ExportStatus.SENDING, "attempts": 1, "last_attempt_at": now},
            )
    except IntegrityError:
        return None
    if created:
        return record
    claimed = VoucherExport.objects.filter(pk=record.pk, status=ExportStatus.FAILED).update(
        status=ExportStatus.SENDING, attempts=record.attempts + 1, last_attempt_at=now
    )
    return VoucherExport.objects.get(pk=record.pk) if claimed else None


def _finish(record: VoucherExport, result: VoucherResult, actor: Any) -> None:
    record.status = ExportStatus.SENT if result.status == "sent" else ExportStatus.FAILED
    record.external_id = result.external_id
    record.sent_at = timezone.now() if result.status == "sent" else None
    record.error_code = result.problems[0]["code"] if result.problems else ""
    record.error_message = "\n".join(p["message"] for p in result.problems)[:4000]
    record.actor = actor if getattr(actor, "is_authenticated", False) else None
    record.save(update_fields=["status", "external_id", "sent_at", "error_code", "error_message", "actor"])


def _problems(exc: FakturaflytError) -> list[dict[str, str]]:
    return [p.as_dict() for p in exc.problems]


def push(
    company: Company,
    system: str,
    actor: Any,
    *,
    transport: Transport | None = None,
    dry_run: bool = False,
    f: JournalFilter | None = None,
    today: date | None = None,
) -> PushResult:
    """Send every voucher of ``company`` not yet sent to ``system`` (within ``f``); see the module docstring.

    Raises ``FF-EXPORT-NOT-CONFIGURED`` before anything is sent when keys are missing, and
    ``FF-EXPORT-AUTH`` when the system refuses them. A dry run sends nothing and looks nothing
    up: ids not yet known show as 0, and ``requests`` lists what would be sent.
    """
    a = adapter(system)
    creds = credentials(company, system)
    a.check_configured(creds)
    f = f or JournalFilter()
    base = JournalFilter(f.date_from, f.date_to, f.series, None)
    result = PushResult(system, dry_run)
    result.already_sent = (
        vouchers(company, base).filter(exports__target=system, exports__status=ExportStatus.SENT).count()
    )
    pending = JournalFilter(f.date_from, f.date_to, f.series, system)
    todo = list(
        vouchers(company, pending).order_by("date", "series__code", "year", "number").values_list("pk", flat=True)
    )
    if not todo:
        return result
    if transport is None and not dry_run:
        from fakturaflyt.integrations import transport as transport_module

        transport = transport_module.default()
    session: str | None = None
    if not dry_run:
        assert transport is not None
        request = a.session_request(creds, today or timezone.localdate())
        if request is not None:
            answer = transport.send(request, {})
            if not answer.ok:
                problems = a.parse_error(answer)
                raise ExportError(
                    ExportCode.AUTH,
                    f"{a.title} refused the keys ({answer.status}): {problems[0].message}. Check them under Integrations.",
                )
            session = a.parse_session(answer)
    headers = a.auth_headers(creds, session) if not dry_run else {}
    ids = _load_ids(company, system)
    for voucher in export_vouchers(_rows_of(company, todo)):
        voucher_id = _voucher_pk(company, voucher)
        if not dry_run:
            for ref in a.refs(voucher):
                if ref in ids or a.default_id(ref):
                    continue
                lookup = a.lookup_request(ref, creds)
                if lookup is None:
                    continue
                assert transport is not None
                found = a.parse_lookup(ref, transport.send(lookup, headers))
                if found:
                    ids[ref] = found
                    ExternalRef.objects.update_or_create(
                        company=company, system=system, kind=ref[0], key=ref[1], defaults={"external_id": found}
                    )
        try:
            request = a.voucher_request(
                voucher, ids if not dry_run else {**{r: "0" for r in a.refs(voucher)}, **ids}, creds
            )
        except UnmappedError as exc:
            outcome = VoucherResult(voucher.label, "failed", problems=_problems(exc))
            _record_failure(company, voucher_id, system, outcome, actor) if not dry_run else None
            result.failed.append(outcome)
            continue
        if dry_run:
            result.requests.append({"voucher": voucher.label, **request.as_dict()})
            result.sent.append(VoucherResult(voucher.label, "would-send"))
            continue
        record = _claim(company, voucher_id, system, actor)
        if record is None:
            continue  # sent meanwhile by another push
        assert transport is not None
        try:
            answer = transport.send(request, headers)
        except ExportError as exc:
            outcome = VoucherResult(voucher.label, "failed", problems=_problems(exc))
        else:
            if answer.ok:
                outcome = VoucherResult(voucher.label, "sent", a.parse_created(answer))
            else:
                outcome = VoucherResult(voucher.label, "failed", problems=[p.as_dict() for p in a.parse_error(answer)])
        _finish(record, outcome, actor)
        (result.sent if outcome.status == "sent" else result.failed).append(outcome)
    if not dry_run:
        audit.record(
            company,
            actor,
            "export.pushed",
            None,
            system=system,
            sent=[r.voucher for r in result.sent],
            failed=[r.voucher for r in result.failed],
        )
    return result


def _voucher_pk(company: Company, voucher: ExportVoucher) -> int:
    first = voucher.first
    return Voucher.objects.filter(
        company=company, series__code=first.series, year=first.year, number=first.number
    ).values_list("pk", flat=True)[0]


def _record_failure(company: Company, voucher_id: int, system: str, outcome: VoucherResult, actor: Any) -> None:
    record = _claim(company, voucher_id, system, actor)
    if record is not None:
        _finish(record, outcome, actor)


def problems_of(exc: FakturaflytError) -> list[Problem]:
    return list(exc.problems)
