"""The billing run (faktureringskjøring) and the subscription actions.

``preview(company, on)`` lists what a run on ``on`` would make; ``run(company, on, actor)``
makes it, once. Each planned invoice (see :mod:`fakturaflyt.billing.planning` for what becomes
an invoice and its key) is made in its own transaction, under a lock on the company row:
the marks are checked again inside the lock, the draft is made with
``receivables.services.create_draft`` (unique per company, source and source_key), issued with
``issue`` (number, KID, voucher), and the marks recorded (the order's invoice, the time
entries' invoice line, the milestone's invoice, the subscription's :class:`BilledPeriod`).
A concurrent run that gets there second finds the marks (or hits a unique constraint) and
counts the invoice as already made. After the transaction, the invoice is handed to
``distribution.services.send`` when ``send`` is true.

A problem with one source (a missing KPI, an invoice that cannot be issued, a failed send)
is listed in the result with its code, message and source; the others go on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from fakturaflyt.billing.error_codes import BillingCode, BillingError
from fakturaflyt.billing.models import (
    BilledPeriod,
    BillingRun,
    ContractMilestone,
    OrderStatus,
    RunStatus,
    SalesOrder,
    Subscription,
    SubscriptionChange,
    SubscriptionPlan,
    SubscriptionStatus,
    TimeEntry,
)
from fakturaflyt.billing.planning import (
    MilestoneMark,
    OrderMark,
    PlannedInvoice,
    Planning,
    RunProblem,
    SubscriptionMark,
    TimeMark,
    plan,
)
from fakturaflyt.companies.models import Company
from fakturaflyt.core.errors import FakturaflytError
from fakturaflyt.faultpoints import crash_point
from fakturaflyt.ledger.audit import record
from fakturaflyt.receivables import services as receivables
from fakturaflyt.receivables.models import InvoiceStatus, SalesInvoice, Source

log = logging.getLogger(__name__)

DUPLICATE_SOURCE = "FF-INV-DUPLICATE-SOURCE"

__all__ = [
    "CreatedInvoice",
    "PlannedInvoice",
    "Planning",
    "RunProblem",
    "RunResult",
    "change_plan",
    "plan",
    "preview",
    "run",
    "terminate",
]


@dataclass(frozen=True, slots=True)
class CreatedInvoice:
    invoice_id: int
    number: int | None
    document_type: str
    customer: str
    source: str
    source_key: str
    total: Decimal
    kid: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "document_type": self.document_type,
            "customer": self.customer,
            "source": self.source,
            "source_key": self.source_key,
            "total": str(self.total),
            "kid": self.kid,
        }


@dataclass(slots=True)
class RunResult:
    """What a run made: the invoices, how many were already made before, the problems."""

    date: date
    created: list[CreatedInvoice] = field(default_factory=list)
    skipped: int = 0
    problems: list[RunProblem] = field(default_factory=list)
    run_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "created": [c.as_dict() for c in self.created],
            "skipped": self.skipped,
            "problems": [p.as_dict() for p in self.problems],
        }


def preview(company: Company, on: date) -> list[PlannedInvoice]:
    """The invoices (and credit notes) a run on ``on`` would make; nothing is written."""
    return plan(company, on).invoices


def _user(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _already_billed(company: Company, p: PlannedInvoice) -> bool:
    for mark in p.marks:
        if isinstance(mark, OrderMark):
            if SalesOrder.objects.filter(pk=mark.order_id).exclude(status=OrderStatus.OPEN).exists():
                return True
        elif isinstance(mark, TimeMark):
            if TimeEntry.objects.filter(pk__in=mark.entry_ids, invoice__isnull=False).exists():
                return True
        elif isinstance(mark, MilestoneMark):
            if ContractMilestone.objects.filter(pk=mark.milestone_id, invoice__isnull=False).exists():
                return True
        elif BilledPeriod.objects.filter(company=company, key=mark.key).exists():
            return True
    return (
        not p.is_credit_note
        and SalesInvoice.objects.filter(company=company, source=p.source, source_key=p.source_key).exists()
    )


def _record_marks(company: Company, p: PlannedInvoice, invoice: SalesInvoice | None) -> None:
    for mark in p.marks:
        if isinstance(mark, OrderMark):
            SalesOrder.objects.filter(pk=mark.order_id).update(status=OrderStatus.INVOICED, invoice=invoice)
        elif isinstance(mark, TimeMark):
            line = invoice.lines.filter(line_no=mark.line_no).first() if invoice is not None else None
            TimeEntry.objects.filter(pk__in=mark.entry_ids).update(invoice=invoice, invoice_line=line)
        elif isinstance(mark, MilestoneMark):
            ContractMilestone.objects.filter(pk=mark.milestone_id).update(invoice=invoice)
        elif isinstance(mark, SubscriptionMark):
            BilledPeriod.objects.create(
                company=company,
                subscription_id=mark.subscription_id,
                kind=mark.kind,
                key=mark.key,
                period_start=mark.period_start,
                period_end=mark.period_end,
                amount=mark.amount,
                quantity=mark.quantity,
                change_id=mark.change_id,
                invoice=invoice,
            )


def _make(company: Company, p: PlannedInvoice, actor: Any, on: date) -> SalesInvoice:
    if p.credits is not None:
        reason = p.lines[0].description if p.lines else "Kreditering"
        return receivables.credit(p.credits, actor, reason=reason[:300], lines=p.lines, issue_date=on)
    draft = receivables.create_draft(
        company,
        p.customer,
        p.lines,
        actor=actor,
        source=p.source,
        source_key=p.source_key,
        issue_date=on,
        delivery_date=p.delivery_date,
        period_start=p.period_start,
        period_end=p.period_end,
        currency=None,
        exchange_rate=None,
        buyer_reference=p.buyer_reference,
        order_reference=p.order_reference,
        contract_reference=p.contract_reference,
        note=p.note,
    )
    return receivables.issue(draft, actor, issue_date=on)


def _sender() -> Any:
    from fakturaflyt.distribution.services import send  # imported here: distribution imports receivables

    return send


def _one(company: Company, p: PlannedInvoice, actor: Any, on: date, result: RunResult) -> SalesInvoice | None:
    """Make one planned invoice in its own transaction; None when it was made already (or worth nothing)."""
    try:
        with transaction.atomic():
            # One run at a time per company past this point: the second waits, then sees the marks.
            Company.objects.select_for_update().filter(pk=company.pk).first()
            if _already_billed(company, p):
                result.skipped += 1
                return None
            if p.source == Source.SUBSCRIPTION and not p.is_credit_note and p.net_total == 0:
                _record_marks(company, p, None)  # a free period: recorded, no invoice
                return None
            invoice = _make(company, p, actor, on)
            _record_marks(company, p, invoice)
            return invoice
    except IntegrityError:
        result.skipped += 1  # a concurrent run made it a moment ago
    except FakturaflytError as exc:
        if exc.code == DUPLICATE_SOURCE:
            result.skipped += 1
        else:
            result.problems.extend(RunProblem(pr.code, pr.message, p.source_key) for pr in exc.problems)
    except Exception as exc:  # one bad source must not stop the others
        log.exception("billing run: %s failed", p.source_key)
        result.problems.append(RunProblem(BillingCode.INVOICE_FAILED, f"The invoice was not made: {exc}", p.source_key))
    return None


def _issued_not_sent(
    company: Company, on: date, made: list[tuple[Any, SalesInvoice]], took_over: bool
) -> list[tuple[Any, SalesInvoice]]:
    """Invoices an unfinished earlier run on ``on`` issued but never handed to the distribution: send them now.

    A run issues each invoice in its own transaction and sends them afterwards; when the
    process dies in between (issue 11, fault tests) the invoices are made and numbered but have
    no dispatch, its run row is left *running* (the next run closes it: :func:`_start`), and the
    next run finds them already made. Without
    this they would never leave. Sending is idempotent per invoice and channel, so a run still
    going on in another process cannot make one go twice. Manual invoices and credit notes are
    not the run's to send.
    """
    if not took_over:
        return []
    done = {invoice.pk for _, invoice in made}
    found = (
        SalesInvoice.objects.filter(
            company=company,
            issue_date=on,
            status=InvoiceStatus.ISSUED,
            source__in=[Source.ORDER, Source.TIME, Source.CONTRACT, Source.SUBSCRIPTION],
            dispatches__isnull=True,
        )
        .exclude(number=None)
        .exclude(pk__in=done)
        .order_by("pk")
    )
    return [(SimpleNamespace(source_key=invoice.source_key), invoice) for invoice in found]


def _start(company: Company, on: date, actor: Any) -> tuple[BillingRun, list[int]]:
    """A new run row for ``on``; earlier runs of that date still *running* are closed as failed, in one transaction.

    A run row stays *running* only while its process lives; one found so by a new run on the same
    date was interrupted (the worker or command was killed). It is marked failed with an
    ``FF-BILLING-INTERRUPTED`` note, so the run list does not show it running for ever; this run
    makes what it did not and sends what it made (:func:`_issued_not_sent`). Should that run in
    fact still be going in another process, its own end overwrites the mark with its outcome.
    """
    with transaction.atomic():
        stale = list(
            BillingRun.objects.select_for_update()
            .filter(company=company, run_date=on, status=RunStatus.RUNNING)
            .order_by("pk")
        )
        current = BillingRun.objects.create(company=company, run_date=on, actor=_user(actor))
        now = timezone.now()
        for old in stale:
            note = RunProblem(
                BillingCode.INTERRUPTED,
                f"The run was interrupted before it finished; run {current.pk} made and sent what was left.",
                "",
            )
            old.status = RunStatus.FAILED
            old.finished_at = now
            old.problems = [*(old.problems or []), note.as_dict()]
            old.problem_count = len(old.problems)
            old.save(update_fields=["status", "finished_at", "problems", "problem_count"])
            record(company, actor, "billing.run_interrupted", old, run_date=on.isoformat(), taken_over_by=current.pk)
    return current, [old.pk for old in stale]


def run(company: Company, on: date, actor: Any, *, send: bool = True) -> RunResult:
    """Make (issue, and with ``send`` send) every invoice due on ``on`` that is not made yet."""
    billing_run, interrupted = _start(company, on, actor)
    planning = plan(company, on)
    result = RunResult(on, skipped=planning.skipped, problems=list(planning.problems), run_id=billing_run.pk)
    made: list[tuple[PlannedInvoice, SalesInvoice]] = []
    for p in planning.invoices:
        invoice = _one(company, p, actor, on, result)
        if invoice is not None:
            crash_point("billing.invoice.made")
            made.append((p, invoice))
            result.created.append(
                CreatedInvoice(
                    invoice.pk,
                    invoice.number,
                    str(invoice.document_type),
                    p.customer.name,
                    p.source,
                    p.source_key,
                    invoice.total,
                    invoice.kid,
                )
            )
    sender = _sender() if send else None
    for p, invoice in [*made, *_issued_not_sent(company, on, made, bool(interrupted))] if sender is not None else []:
        try:
            dispatch = sender(invoice, actor=_user(actor))
        except FakturaflytError as exc:
            result.problems.extend(
                RunProblem(
                    BillingCode.SEND_FAILED,
                    f"Invoice {invoice.number} was made but not sent: {pr.message}",
                    p.source_key,
                )
                for pr in exc.problems
            )
            continue
        except Exception as exc:
            log.exception("billing run: sending %s failed", p.source_key)
            result.problems.append(
                RunProblem(
                    BillingCode.SEND_FAILED, f"Invoice {invoice.number} was made but not sent: {exc}", p.source_key
                )
            )
            continue
        if str(getattr(dispatch, "status", "")) in ("failed", "rejected"):
            reason = getattr(dispatch, "last_error", "") or getattr(dispatch, "status", "")
            result.problems.append(
                RunProblem(
                    BillingCode.SEND_FAILED,
                    f"Invoice {invoice.number} was made but not delivered: {reason}",
                    p.source_key,
                )
            )
    billing_run.finished_at = timezone.now()
    billing_run.status = RunStatus.DONE_WITH_PROBLEMS if result.problems else RunStatus.DONE
    billing_run.created_count = len(result.created)
    billing_run.skipped_count = result.skipped
    billing_run.problem_count = len(result.problems)
    billing_run.created = [c.as_dict() for c in result.created]
    billing_run.problems = [pr.as_dict() for pr in result.problems]
    with transaction.atomic():
        billing_run.save()
        record(
            company,
            actor,
            "billing.run",
            billing_run,
            run_date=on.isoformat(),
            created=[c.source_key for c in result.created],
            skipped=result.skipped,
            problems=[pr.as_dict() for pr in result.problems],
        )
    return result


# --- subscription actions ----------------------------------------------------------------------


def terminate(subscription: Subscription, end: date, actor: Any) -> Subscription:
    """End a subscription on ``end`` (its last day); the next run bills or credits the rest."""
    if end < subscription.start:
        raise BillingError(
            BillingCode.BAD_TERMINATION,
            f"The subscription starts {subscription.start:%d.%m.%Y}; it cannot end before that.",
            "end",
        )
    with transaction.atomic():
        before = {"end": subscription.end.isoformat() if subscription.end else None, "status": subscription.status}
        subscription.end = end
        subscription.status = SubscriptionStatus.TERMINATED
        subscription.save(update_fields=["end", "status"])
        record(
            subscription.company,
            actor,
            "billing.subscription_terminated",
            subscription,
            before=before,
            after={"end": end.isoformat(), "status": subscription.status},
        )
    return subscription


def change_plan(
    subscription: Subscription,
    new_plan: SubscriptionPlan,
    on: date,
    actor: Any,
    *,
    price: Decimal | None = None,
    quantity: Decimal | None = None,
) -> SubscriptionChange:
    """Upgrade or downgrade from ``on``: the next run credits the unused part and charges the new plan."""
    if new_plan.company_id != subscription.company_id:
        raise BillingError(BillingCode.BAD_CHANGE, "The plan belongs to another company.", "plan")
    if on < subscription.start or (subscription.end is not None and on > subscription.end):
        raise BillingError(
            BillingCode.BAD_CHANGE,
            f"A plan change on {on:%d.%m.%Y} is outside the subscription's time.",
            "on",
        )
    with transaction.atomic():
        change = SubscriptionChange.objects.create(
            company_id=subscription.company_id,
            subscription=subscription,
            on=on,
            new_plan=new_plan,
            new_price=price,
            new_quantity=quantity,
            created_by=_user(actor),
        )
        record(
            subscription.company,
            actor,
            "billing.plan_changed",
            subscription,
            on=on.isoformat(),
            new_plan=new_plan.name,
            price=str(price) if price is not None else None,
            quantity=str(quantity) if quantity is not None else None,
        )
    return change
