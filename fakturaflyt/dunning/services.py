"""The dunning run (purrekjøring): who gets which reminder today, and sending it once.

``preview(company, on)`` plans, writes nothing: for each open, issued invoice of the company
the step :func:`fakturaflyt.core.dunning.next_step` allows on ``on`` (courtesy notice,
reminder, reminder with fee, inkassovarsel), with the fee, the late-payment interest, the
deadline, the channel and the reason. ``run(company, on, actor)`` sends it: for each planned
notice, in its own transaction, under a lock on the company and the invoice, the invoice is read
again (a payment or credit note since the plan ends the case: nothing is sent), the notice row
is created (unique per invoice and step among sent notices: a second or concurrent run sends
nothing twice), the letter rendered (PDF, WeasyPrint) and stored, e-mailed to the customer's
invoice address (no address, or the company's channel is print: the PDF is stored for printing),
and the fee and interest posted when they are so invoiced: voucher series AR, debit 1500 with
the customer as partner, credit the fee account (default 3900 Annen driftsrelatert inntekt) and
the interest account (default 8055 Renteinntekt kundefordringer, else 8040 Renteinntekt when
the chart lacks it). Reminder fees and late-payment interest are compensation, outside the
scope of VAT (merverdiavgiftsloven § 3-1: no supply), so the lines carry no VAT code.

Late-payment interest (forsinkelsesrenteloven § 2) is charged on the invoice's open amount in
NOK, for the days since the due date or since the previous notice that charged interest, at the
dated half-year rates. The claim the customer owes is the invoice's open amount plus the fees
and interest of its notices (:func:`claim`). Payments are allocated to the invoice itself; the
fees and interest stay as open items on the customer's 1500 account.

A failed e-mail rolls the notice back (nothing is posted) and leaves a ``failed`` record; the
next run tries again. Disputed invoices (``SalesInvoice.disputed``) get nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from fakturaflyt.companies.models import Company
from fakturaflyt.core import dunning as rules
from fakturaflyt.core.dunning import StepKind
from fakturaflyt.core.errors import FakturaflytError
from fakturaflyt.core.ledger import VoucherLine
from fakturaflyt.core.money import ore
from fakturaflyt.dunning import letters
from fakturaflyt.dunning.error_codes import DunningCode
from fakturaflyt.dunning.models import (
    Channel,
    DunningNotice,
    DunningSettings,
    LateInterestRate,
    NoticeStatus,
    ReminderFeeRate,
)
from fakturaflyt.faultpoints import crash_point
from fakturaflyt.ledger.audit import record
from fakturaflyt.receivables.models import DocumentType, InvoiceStatus, SalesInvoice, Settlement

log = logging.getLogger(__name__)

__all__ = [
    "PlannedNotice",
    "RunResult",
    "Skipped",
    "claim",
    "fee_table",
    "interest_table",
    "preview",
    "run",
    "schedule_of",
    "settings_for",
]

OPEN = (Settlement.OPEN, Settlement.PARTLY_PAID)


@dataclass(slots=True)
class PlannedNotice:
    """One notice a run sends (or would send): to whom, which step, the money, the deadline and why."""

    invoice_id: int
    invoice: int | None  # the invoice number
    customer: str
    step: str
    kind: str
    fee: Decimal
    interest: Decimal
    interest_until: date | None
    principal: Decimal
    deadline: date | None
    channel: str
    email: str
    reason: str
    notes: list[str] = field(default_factory=list)
    notice_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "invoice": self.invoice,
            "customer": self.customer,
            "step": self.step,
            "fee": str(self.fee),
            "interest": str(self.interest),
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "channel": self.channel,
            "email": self.email,
            "reason": "; ".join([self.reason, *self.notes]),
        }


@dataclass(frozen=True, slots=True)
class Skipped:
    invoice: int | None
    reason: str
    code: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"invoice": self.invoice, "reason": self.reason, "code": self.code}


@dataclass(slots=True)
class RunResult:
    date: date
    dry_run: bool = False
    notices: list[PlannedNotice] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    ready_for_collection: list[PlannedNotice] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "dry_run": self.dry_run,
            "notices": [n.as_dict() for n in self.notices],
            "skipped": [s.as_dict() for s in self.skipped],
            "ready_for_collection": [n.as_dict() for n in self.ready_for_collection],
        }


# --------------------------------------------------------------------------- tables and settings


def settings_for(company: Company) -> DunningSettings:
    found, _ = DunningSettings.objects.get_or_create(company=company)
    return found


def schedule_of(s: DunningSettings) -> rules.Schedule:
    return rules.Schedule.default(
        courtesy=-s.courtesy_days_before if s.courtesy_days_before is not None else None,
        notice=0 if s.notice_on_due_date else None,
        reminder=s.reminder_days,
        fee_reminder=s.fee_reminder_days,
        collection_notice=s.collection_notice_days,
        deadline_days=s.reminder_deadline_days,
        collection_deadline_days=max(s.collection_deadline_days, rules.LEGAL_DEADLINE_DAYS),
    )


def fee_table() -> list[rules.FeeRate]:
    return [rules.FeeRate(r.valid_from, r.inkassosats, r.fee_fraction) for r in ReminderFeeRate.objects.all()]


def interest_table() -> list[rules.InterestRate]:
    return [rules.InterestRate(r.valid_from, r.rate, r.valid_to) for r in LateInterestRate.objects.all()]


def _history(invoice: SalesInvoice) -> list[DunningNotice]:
    return list(invoice.dunning_notices.filter(status=NoticeStatus.SENT).order_by("sent_on", "pk"))


def claim(invoice: SalesInvoice) -> dict[str, Decimal]:
    """What the customer owes on this invoice: open amount, fees and interest charged by its notices."""
    sent = _history(invoice)
    fees = sum((n.fee for n in sent), Decimal("0.00"))
    interest = sum((n.interest for n in sent), Decimal("0.00"))
    principal = invoice.open_amount
    return {"principal": principal, "fees": fees, "interest": interest, "total": principal + fees + interest}


# --------------------------------------------------------------------------- planning


@dataclass(slots=True)
class _Context:
    settings: DunningSettings
    schedule: rules.Schedule
    fees: list[rules.FeeRate]
    rates: list[rules.InterestRate]


def _context(company: Company) -> _Context:
    s = settings_for(company)
    return _Context(s, schedule_of(s), fee_table(), interest_table())


def _candidates(company: Company, on: date, ctx: _Context) -> Iterable[SalesInvoice]:
    lead = ctx.settings.courtesy_days_before or 0
    return (
        SalesInvoice.objects.filter(
            company=company,
            document_type=DocumentType.INVOICE,
            settlement__in=OPEN,
            due_date__isnull=False,
            due_date__lte=on + timedelta(days=lead),
            collection_case__isnull=True,
        )
        .exclude(status=InvoiceStatus.DRAFT)
        .select_related("customer", "company")
        .order_by("due_date", "number")
    )


def _open_nok(invoice: SalesInvoice) -> Decimal:
    if invoice.currency == "NOK" or not invoice.exchange_rate:
        return invoice.open_amount
    return ore(invoice.open_amount * invoice.exchange_rate)


def _plan_one(invoice: SalesInvoice, on: date, ctx: _Context) -> PlannedNotice | Skipped | None:
    """The notice for ``invoice`` on ``on``; a :class:`Skipped` when one is due but may not go; None: nothing due."""
    assert invoice.due_date is not None
    settled = invoice.settlement not in OPEN or invoice.open_amount <= 0
    history = _history(invoice)
    if any(n.sent_on == on for n in history):
        return None  # one notice per invoice and day: running the day again (after a crash) sends no next step
    state = rules.InvoiceState(invoice.due_date, invoice.open_amount, disputed=False, settled=settled)
    sent = [rules.SentNotice(n.step, StepKind(n.kind), n.sent_on, n.fee, n.deadline) for n in history]
    try:
        step = rules.next_step(state, sent, on, ctx.schedule, ctx.fees, fee_wanted=ctx.settings.fee_amount)
    except FakturaflytError as exc:
        return Skipped(invoice.number, exc.problems[0].message, exc.code)
    if step is None:
        return None
    if invoice.disputed:
        note = f": {invoice.dispute_note}" if invoice.dispute_note else ""
        return Skipped(invoice.number, f"disputed by the customer{note}", DunningCode.DISPUTED)
    if invoice.status == InvoiceStatus.SEND_FAILED:
        return Skipped(invoice.number, "the invoice itself never reached the customer", DunningCode.NOT_DELIVERED)
    notes = list(step.notes)
    interest, until = Decimal("0.00"), None
    if ctx.settings.charge_interest and step.kind in (StepKind.REMINDER, StepKind.COLLECTION_NOTICE):
        since = max([invoice.due_date, *(n.interest_until for n in history if n.interest_until)])
        try:
            interest = rules.late_interest(_open_nok(invoice), since, on, ctx.rates)
            until = on
        except FakturaflytError as exc:
            notes.append(f"no interest: {exc.problems[0].message}")
    customer = invoice.customer
    email = customer.email.strip()
    channel = Channel.EMAIL if email and ctx.settings.channel == Channel.EMAIL else Channel.PRINT
    return PlannedNotice(
        invoice_id=invoice.pk,
        invoice=invoice.number,
        customer=customer.name,
        step=step.key,
        kind=str(step.kind),
        fee=step.fee,
        interest=interest,
        interest_until=until,
        principal=invoice.open_amount,
        deadline=step.deadline,
        channel=str(channel),
        email=email if channel == Channel.EMAIL else "",
        reason=step.reason,
        notes=notes,
    )


def _plan(company: Company, on: date, ctx: _Context) -> RunResult:
    result = RunResult(on, dry_run=True)
    if not ctx.settings.enabled:
        return result
    for invoice in _candidates(company, on, ctx):
        planned = _plan_one(invoice, on, ctx)
        if isinstance(planned, Skipped):
            result.skipped.append(planned)
        elif planned is not None and planned.kind == StepKind.HANDOVER:
            result.ready_for_collection.append(planned)
        elif planned is not None:
            result.notices.append(planned)
    return result


def preview(company: Company, on: date) -> RunResult:
    """What a run on ``on`` would send (``notices``), what it would skip and why, and the cases ready for collection."""
    return _plan(company, on, _context(company))


# --------------------------------------------------------------------------- sending


def _user(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _account(company: Company, wanted: str, *fallbacks: str) -> str:
    from fakturaflyt.ledger.models import Account

    numbers = set(
        Account.objects.filter(company=company, number__in=[wanted, *fallbacks], is_active=True).values_list(
            "number", flat=True
        )
    )
    for number in (wanted, *fallbacks):
        if number in numbers:
            return number
    return wanted  # posting reports the unknown account


def _post(invoice: SalesInvoice, notice: DunningNotice, ctx: _Context, actor: Any) -> Any:
    from fakturaflyt.ledger.services import post_voucher

    company = invoice.company
    total = notice.fee + notice.interest
    lines = [VoucherLine("1500", debit=total, description=f"Faktura {invoice.number}", customer_id=invoice.customer_id)]
    if notice.fee > 0:
        lines.append(
            VoucherLine(
                _account(company, ctx.settings.fee_account, "3900"), credit=notice.fee, description="Purregebyr"
            )
        )
    if notice.interest > 0:
        lines.append(
            VoucherLine(
                _account(company, ctx.settings.interest_account, "8055", "8040", "8050"),
                credit=notice.interest,
                description="Forsinkelsesrente",
            )
        )
    return post_voucher(
        company,
        actor,
        voucher_date=notice.sent_on,
        description=f"{letters.TITLES[StepKind(notice.kind)]} faktura {invoice.number}: gebyr og renter",
        lines=lines,
        series="AR",
        source="dunning",
        source_ref=f"{invoice.number}:{notice.step}",
    )


def _send_one(company: Company, p: PlannedNotice, on: date, actor: Any, ctx: _Context, result: RunResult) -> None:
    try:
        with transaction.atomic():
            Company.objects.select_for_update().filter(pk=company.pk).first()
            invoice = (
                SalesInvoice.objects.select_for_update().select_related("customer", "company").get(pk=p.invoice_id)
            )
            fresh = _plan_one(invoice, on, ctx)  # a payment or credit since the plan ends the case
            if isinstance(fresh, Skipped):
                result.skipped.append(fresh)
                return
            if fresh is None or fresh.step != p.step:
                why = "paid or credited since" if invoice.settlement not in OPEN else "sent already by another run"
                code = DunningCode.SETTLED if invoice.settlement not in OPEN else DunningCode.ALREADY_SENT
                result.skipped.append(Skipped(invoice.number, why, code))
                return
            earlier = sum((n.fee + n.interest for n in _history(invoice)), Decimal("0.00"))
            notice = DunningNotice.objects.create(
                company=company,
                invoice=invoice,
                step=fresh.step,
                kind=fresh.kind,
                sent_on=on,
                fee=fresh.fee,
                interest=fresh.interest,
                interest_until=fresh.interest_until,
                principal=fresh.principal,
                deadline=fresh.deadline,
                channel=fresh.channel,
                email=fresh.email,
                reason="; ".join([fresh.reason, *fresh.notes])[:300],
                created_by=_user(actor),
            )
            letter = letters.Letter(
                invoice,
                StepKind(fresh.kind),
                on,
                fresh.deadline,
                fresh.principal,
                fresh.fee,
                fresh.interest,
                earlier,
                ctx.settings.agency_name,
            )
            pdf = letters.render_pdf(letter)
            from fakturaflyt.payables.storage import store

            notice.document = store(pdf, filename=letters.filename(letter), content_type="application/pdf")
            if fresh.fee + fresh.interest > 0:
                notice.voucher = _post(invoice, notice, ctx, actor)
            notice.save(update_fields=["document", "voucher"])
            crash_point("dunning.notice.made")
            if fresh.channel == Channel.EMAIL:
                letters.send_email(letter, fresh.email, pdf)
                crash_point("dunning.notice.emailed")
            record(
                company,
                actor,
                "dunning.notice_sent",
                notice,
                invoice=invoice.number,
                step=notice.step,
                fee=str(notice.fee),
                interest=str(notice.interest),
                channel=notice.channel,
            )
            fresh.notice_id = notice.pk
            result.notices.append(fresh)
    except IntegrityError:
        result.skipped.append(Skipped(p.invoice, "sent already by another run", DunningCode.ALREADY_SENT))
    except FakturaflytError as exc:
        log.warning("dunning: posting for invoice %s failed: %s", p.invoice, exc)
        result.skipped.append(Skipped(p.invoice, f"not sent: {exc}", DunningCode.POSTING_FAILED))
    except Exception as exc:  # a mail server error: nothing kept, a failed record, retried next run
        log.exception("dunning: sending %s for invoice %s failed", p.step, p.invoice)
        DunningNotice.objects.create(
            company=company,
            invoice_id=p.invoice_id,
            step=p.step,
            kind=p.kind,
            sent_on=on,
            deadline=p.deadline,
            channel=p.channel,
            email=p.email,
            status=NoticeStatus.FAILED,
            error=str(exc)[:500],
            created_by=_user(actor),
        )
        result.skipped.append(Skipped(p.invoice, f"sending failed: {exc}", DunningCode.SEND_FAILED))


def run(company: Company, on: date, actor: Any, *, dry_run: bool = False) -> RunResult:
    """Send every notice due on ``on`` that was not sent before; ``dry_run``: only say what would be sent."""
    ctx = _context(company)
    planned = _plan(company, on, ctx)
    if dry_run:
        return planned
    result = RunResult(
        on, dry_run=False, skipped=list(planned.skipped), ready_for_collection=planned.ready_for_collection
    )
    for p in planned.notices:
        _send_one(company, p, on, actor, ctx, result)
    record(
        company,
        actor,
        "dunning.run",
        None,
        date=on.isoformat(),
        sent=len(result.notices),
        skipped=len(result.skipped),
        ready_for_collection=len(result.ready_for_collection),
    )
    return result


def notices_of(company: Company) -> Any:
    """The notices sent (and failed) for the company, newest first."""
    return DunningNotice.objects.filter(company=company).select_related("invoice", "invoice__customer")
