"""Keeping accounting documents for 5 years (bokføringsloven § 13), and what may go afterwards.

One rule (:func:`fakturaflyt.core.retention.retention_until`) applied to every model that holds
accounting material. Three layers refuse a deletion inside the period:

1. :func:`guard_delete`, a ``pre_delete`` receiver for the models in :data:`RETAINED`: any ORM
   delete (a service, the admin, a cascade, ``QuerySet.delete()``) raises
   :class:`~fakturaflyt.privacy.error_codes.RetentionError` (``FF-RETENTION-ACTIVE``) with the
   date the document may go.
2. Database triggers (:func:`install_triggers`, run after every ``migrate``) that refuse DELETE on
   received documents, their receipts, the stored files and issued customer invoices, whatever
   SQL tries; the ledger's own triggers already refuse it on vouchers, postings and the audit log.
   The one door through them is the ledger's ``guard_open`` (test-database flushes; the operator's
   purge of material past its period).
3. The admin shows these models read-only (no delete action).

Nothing is deleted automatically when the period ends: :func:`retention_report` lists what *may*
be deleted, and deleting it is an operator's decision (``docs/privacy.md``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.db.models import Max
from django.db.models.signals import pre_delete
from django.utils import timezone
from django.utils.translation import gettext

from fakturaflyt.core.retention import deletable_from, fiscal_year_end_of, may_delete, retention_until
from fakturaflyt.privacy.error_codes import RetentionError


def fiscal_year_end() -> tuple[int, int]:
    """(month, day) the financial year ends; the calendar year unless the settings say otherwise."""
    month, day = getattr(settings, "FAKTURAFLYT_FISCAL_YEAR_END", (12, 31))
    return int(month), int(day)


def _local(value: Any) -> date | None:
    if value is None:
        return None
    return timezone.localdate(value) if hasattr(value, "tzinfo") else value


def _stored_file_date(f: Any) -> date | None:
    from fakturaflyt.payables.models import Receipt

    latest = Receipt.objects.filter(file=f).aggregate(m=Max("received_at"))["m"]
    return max(d for d in (_local(f.created_at), _local(latest)) if d is not None)


def _supplier_document_date(d: Any) -> date | None:
    # the received document is documentation from the day it came; an invoice dated later still counts by its date
    received = _local(d.receipt.received_at) if d.receipt_id else None
    return max(x for x in (d.issue_date, received) if x is not None) if (d.issue_date or received) else None


# model label -> the document date the period runs from (None: not an accounting document, e.g. a draft)
RETAINED: dict[str, Callable[[Any], date | None]] = {
    "ledger.voucher": lambda v: v.date,
    "ledger.posting": lambda p: p.voucher.date,
    "payables.supplierdocument": _supplier_document_date,
    "payables.receipt": lambda r: _local(r.received_at),
    "payables.storedfile": _stored_file_date,
    "receivables.salesinvoice": lambda i: (i.issue_date or _local(i.issued_at)) if i.number is not None else None,
    "receivables.salesinvoiceline": lambda line: (
        (line.invoice.issue_date or _local(line.invoice.issued_at)) if line.invoice.number is not None else None
    ),
    "receivables.customerpayment": lambda p: p.paid_on,
    "banking.bankentry": lambda e: e.booking_date or _local(e.statement.bank_import.imported_at),
    "cards.cardcharge": lambda c: _local(c.booked_at),
    "dunning.dunningnotice": lambda n: n.sent_on,
}


def document_date(obj: models.Model) -> date | None:
    """The date the retention period of ``obj`` runs from, or None when ``obj`` is not retained."""
    getter = RETAINED.get(obj._meta.label_lower)
    return getter(obj) if getter is not None else None


def check_deletable(obj: models.Model, *, today: date | None = None) -> None:
    """Raise :class:`RetentionError` when ``obj`` is accounting material still inside its retention period."""
    when = document_date(obj)
    if when is None:
        return
    today = today or timezone.localdate()
    year_end = fiscal_year_end()
    if may_delete(when, today=today, fiscal_year_end=year_end):
        return
    until = retention_until(when, year_end)
    raise RetentionError(
        gettext(
            "%(what)s %(obj)s is accounting material dated %(date)s and must be kept until %(until)s "
            "(bokføringsloven § 13: five years after the end of the financial year); it can be deleted "
            "from %(from)s."
        )
        % {
            "what": str(obj._meta.verbose_name).capitalize(),
            "obj": obj.pk,
            "date": when.isoformat(),
            "until": until.isoformat(),
            "from": deletable_from(when, year_end).isoformat(),
        },
        until,
        location=f"{obj._meta.label_lower}:{obj.pk}",
    )


def guard_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """``pre_delete`` receiver: refuse deleting retained material (see the module docstring)."""
    check_deletable(instance)


def connect_signals() -> None:
    from django.apps import apps

    for label in RETAINED:
        app_label, model_name = label.split(".")
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:  # an app not installed in this build
            continue
        pre_delete.connect(guard_delete, sender=model, dispatch_uid=f"privacy-retention-{label}")


# --- database triggers --------------------------------------------------------------------------

TRIGGER_TABLES: dict[str, str] = {
    # table -> extra condition on OLD (SQL) under which a delete is refused
    "payables_supplierdocument": "",
    "payables_receipt": "",
    "payables_storedfile": "",
    "receivables_salesinvoice": "OLD.number IS NOT NULL",
}
MESSAGE = "FF-RETENTION-ACTIVE: accounting documents are kept 5 years (bokfoeringsloven 13) and cannot be deleted"


def install_triggers(using: str = "default", **kwargs: Any) -> None:
    """Create (or re-create) the delete-refusing triggers; idempotent, run after every ``migrate``.

    After ``migrate`` rather than in a migration: SQLite rebuilds a table when another app's migration
    alters it, and the rebuild drops its triggers; re-creating them each time keeps them in place.
    """
    from django.db import connections

    conn = connections[using]
    with conn.cursor() as cur:
        existing = set(conn.introspection.table_names(cur))
        if "ff_ledger_guard" not in existing:
            return
        if conn.vendor == "postgresql":
            cur.execute(
                f"""
                CREATE OR REPLACE FUNCTION ff_refuse_retained_delete() RETURNS trigger AS $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM ff_ledger_guard) THEN
                        RETURN OLD;
                    END IF;
                    RAISE EXCEPTION '{MESSAGE} (% on %)', TG_OP, TG_TABLE_NAME
                        USING ERRCODE = 'integrity_constraint_violation';
                END
                $$ LANGUAGE plpgsql
                """  # noqa: S608 (constants of this module, no input)
            )
        for table, condition in TRIGGER_TABLES.items():
            if table not in existing:
                continue
            name = f"{table}_retained"
            if conn.vendor == "postgresql":
                when = f"WHEN ({condition})" if condition else ""
                cur.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cur.execute(
                    f"CREATE TRIGGER {name} BEFORE DELETE ON {table} FOR EACH ROW {when} "
                    f"EXECUTE FUNCTION ff_refuse_retained_delete()"
                )
            elif conn.vendor == "sqlite":
                extra = f" AND {condition}" if condition else ""
                cur.execute(f"DROP TRIGGER IF EXISTS {name}")
                guard = f"WHEN NOT EXISTS (SELECT 1 FROM ff_ledger_guard){extra}"  # noqa: S608 (module constants)
                body = f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
                cur.execute(f"CREATE TRIGGER {name} BEFORE DELETE ON {table} {guard} {body}")


def triggers_present(using: str = "default") -> set[str]:
    """Names of the retention triggers in the database (for the health check and the tests)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE %s", ["%_retained"])
        else:
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", ["%_retained"])
        return {row[0] for row in cur.fetchall()}


# --- what may be deleted ------------------------------------------------------------------------


@dataclass(frozen=True)
class Expired:
    """A document whose retention period is over on the report day: an operator may delete it."""

    object_type: str
    object_id: str
    label: str
    document_date: date
    retained_until: date

    def as_dict(self) -> dict[str, str]:
        return {
            "object_type": self.object_type,
            "object_id": self.object_id,
            "label": self.label,
            "document_date": self.document_date.isoformat(),
            "retained_until": self.retained_until.isoformat(),
        }


def _cutoff(today: date) -> date:
    """Documents dated on or before this day are past their period on ``today``."""
    month, day = fiscal_year_end()
    # the latest financial-year end E with E + 5 years < today
    for year in range(today.year, today.year - 8, -1):
        end = fiscal_year_end_of(date(year, month, 1), (month, day))
        if retention_until(end, (month, day)) < today:
            return end
    return date.min


def retention_report(company: Any, *, today: date | None = None) -> Iterator[Expired]:
    """Vouchers, received documents and customer invoices of ``company`` past their period on ``today``.

    A listing, nothing more: no automatic deletion (an operator's decision, see ``docs/privacy.md``).
    """
    from fakturaflyt.ledger.models import Voucher
    from fakturaflyt.payables.models import SupplierDocument
    from fakturaflyt.receivables.models import SalesInvoice

    today = today or timezone.localdate()
    cutoff = _cutoff(today)
    year_end = fiscal_year_end()
    for v in Voucher.objects.filter(company=company, date__lte=cutoff).select_related("series").order_by("date"):
        yield Expired("ledger.voucher", str(v.pk), v.label, v.date, retention_until(v.date, year_end))
    docs = SupplierDocument.objects.filter(company=company, receipt__received_at__date__lte=cutoff)
    for d in docs.select_related("receipt").order_by("receipt__received_at"):
        when = _supplier_document_date(d)
        if when is not None and when <= cutoff:
            label = d.invoice_number or d.receipt.filename or str(d.pk)
            yield Expired("payables.supplierdocument", str(d.pk), label, when, retention_until(when, year_end))
    invoices = SalesInvoice.objects.filter(company=company, number__isnull=False, issue_date__lte=cutoff)
    for i in invoices.order_by("issue_date", "number"):
        yield Expired(
            "receivables.salesinvoice", str(i.pk), str(i), i.issue_date, retention_until(i.issue_date, year_end)
        )
