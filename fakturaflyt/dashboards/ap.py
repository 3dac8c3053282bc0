"""Accounts payable figures (leverandørreskontro): intake per channel, touchless rate, cycle times,
exceptions, approvals waiting and late payments. Definitions in ``docs/dashboards.md``.

Every function reads one company, a fixed number of queries whatever the number of documents,
and returns frozen dataclasses: counts as int, amounts as Decimal (NOK), times in days to 0.1,
and for each figure the URL of the list it counts (see :mod:`.links`). Months are Oslo calendar
months (:mod:`.periods`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from fakturaflyt.approvals import services as approvals
from fakturaflyt.approvals.models import ApprovalStep
from fakturaflyt.coding.models import CodingLine, LineState
from fakturaflyt.dashboards.links import link
from fakturaflyt.dashboards.periods import (
    days_between,
    mean,
    month_end,
    month_start,
    months_back,
    oslo_date,
    percent,
    percentile,
    start_of_day,
)
from fakturaflyt.ledger.models import AuditEvent, NumberSeries
from fakturaflyt.payables.error_codes import IntakeCode
from fakturaflyt.payables.models import Channel, DocumentState, PaymentStatus, SupplierDocument
from fakturaflyt.payables.posting import SERIES as AP_SERIES
from fakturaflyt.purchasing.models import MatchOutcome

__all__ = [
    "ApprovalWaiting",
    "ChannelRow",
    "ChannelVolume",
    "CycleMonth",
    "CycleTime",
    "ExceptionRow",
    "Exceptions",
    "LateMonth",
    "LatePayments",
    "Touchless",
    "TouchlessMonth",
    "approvals_waiting",
    "channels",
    "cycle_times",
    "exceptions",
    "late_payments",
    "touchless",
]

ZERO = Decimal("0.00")
DOCUMENT_TYPE = SupplierDocument._meta.label_lower  # AuditEvent.object_type of a supplier document
#: Audit actions by a person that are the intake itself, not a touch (an upload is how the document came in).
INTAKE_ACTIONS = ("document.received",)
HUMAN_CODING = (LineState.CONFIRMED, LineState.CORRECTED)


def _window(last: date, months: int) -> tuple[tuple[date, ...], datetime, datetime]:
    """The months ending with ``last``'s month, and their bounds as Oslo timestamps (end exclusive)."""
    firsts = months_back(last, months)
    return firsts, start_of_day(firsts[0]), start_of_day(month_end(firsts[-1]) + timedelta(days=1))


def _index(firsts: tuple[date, ...], day: date) -> int | None:
    key = month_start(day)
    return firsts.index(key) if key in firsts else None


def _ap_series(company: Any) -> int | None:
    """The id of the company's AP voucher series: read once per figure, not once per month."""
    return NumberSeries.objects.filter(company=company, code=AP_SERIES).values_list("pk", flat=True).first()


def _posted_url(series: int | None, start: date, end: date) -> str:
    """The AP voucher series in the ledger over ``start``-``end`` (the list of posted supplier invoices)."""
    return link("ledger:vouchers", series=series, date_from=start, date_to=end)


# ---------------------------------------------------------------- intake per channel


@dataclass(frozen=True)
class ChannelRow:
    """Documents received through one channel, per month of the window."""

    channel: str
    label: str
    counts: tuple[int, ...]
    total: int


@dataclass(frozen=True)
class ChannelVolume:
    """Supplier documents received per channel (``Receipt.channel``) and month (Oslo date of ``received_at``)."""

    months: tuple[date, ...]
    rows: tuple[ChannelRow, ...]  # every channel, in Channel order; channels with nothing received included
    totals: tuple[int, ...]  # per month, all channels
    total: int
    by_format: tuple[tuple[str, str, int], ...]  # (format, label, count) over the window: EHF, PDF, image, unknown
    url: str  # the inbox, all documents (it has no channel or date filter)


def channels(company: Any, last: date, months: int = 12) -> ChannelVolume:
    """Documents received per channel and month, for the ``months`` months up to ``last`` (1 query)."""
    from fakturaflyt.payables.models import DocumentFormat

    firsts, start, end = _window(last, months)
    counts: dict[str, list[int]] = {c: [0] * len(firsts) for c in Channel.values}
    formats: Counter[str] = Counter()
    rows = SupplierDocument.objects.filter(
        company=company, receipt__received_at__gte=start, receipt__received_at__lt=end
    ).values_list("receipt__channel", "receipt__received_at", "format")
    for channel, received_at, fmt in rows:
        i = _index(firsts, oslo_date(received_at))
        if i is None:
            continue
        counts.setdefault(channel, [0] * len(firsts))[i] += 1
        formats[fmt] += 1
    labels = dict(Channel.choices)
    result = tuple(ChannelRow(c, str(labels.get(c, c)), tuple(v), sum(v)) for c, v in counts.items())
    totals = tuple(sum(r.counts[i] for r in result) for i in range(len(firsts)))
    fmt_labels = dict(DocumentFormat.choices)
    by_format = tuple((f, str(fmt_labels.get(f, f)), formats[f]) for f in DocumentFormat.values if formats[f])
    return ChannelVolume(firsts, result, totals, sum(totals), by_format, link("payables:inbox", state="all"))


# ---------------------------------------------------------------- touchless rate


@dataclass(frozen=True)
class TouchlessMonth:
    month: date
    posted: int
    touchless: int
    rate: Decimal | None  # percent to 0.1; None when nothing was posted
    url: str


@dataclass(frozen=True)
class Touchless:
    months: tuple[TouchlessMonth, ...]
    posted: int
    touchless: int
    rate: Decimal | None
    url: str


def touched_documents(company: Any, start: datetime, end: datetime) -> tuple[list[tuple[int, datetime]], set[int]]:
    """The documents posted in ``[start, end)`` (id, approved_at) and the ids of those a person touched.

    A document counts as **touched** when, between its intake and its posting:

    1. a person coded one of its lines (``CodingLine.state`` confirmed or corrected, not ``auto``:
       the coding engine codes a line touchless only when every target reaches the company's
       threshold, see ``coding.services.suggest_lines``);
    2. a person decided one of its approval steps (``ApprovalStep.acted_by`` set). Documents
       approved by routing (``approval.auto_po``: matched to an order within tolerance;
       ``approval.auto_credit``: a credit note of an approved invoice) have no decided step; or
    3. the audit log has any other event on the document by a person (``AuditEvent.actor`` set,
       ``object_type`` ``payables.supplierdocument``) at or before its ``approved_at``: a field
       corrected, a retry, a duplicate dismissed, a comment. The intake itself
       (``document.received``, also when a person uploaded the file) is not a touch.

    Four queries whatever the number of documents.
    """
    scope = {"document__company": company, "document__approved_at__gte": start, "document__approved_at__lt": end}
    posted = list(
        SupplierDocument.objects.filter(
            company=company, voucher__isnull=False, approved_at__gte=start, approved_at__lt=end
        ).values_list("pk", "approved_at")
    )
    touched = set(
        CodingLine.objects.filter(state__in=HUMAN_CODING, **scope).values_list("document_id", flat=True).distinct()
    )
    touched |= set(
        ApprovalStep.objects.filter(acted_by__isnull=False, **scope).values_list("document_id", flat=True).distinct()
    )
    first_human = dict(
        AuditEvent.objects.filter(company=company, object_type=DOCUMENT_TYPE, actor__isnull=False, at__lt=end)
        .exclude(action__in=INTAKE_ACTIONS)
        .order_by()
        .values("object_id")
        .annotate(first=Min("at"))
        .values_list("object_id", "first")
    )
    for pk, approved_at in posted:
        first = first_human.get(str(pk))
        if first is not None and first <= approved_at:
            touched.add(pk)
    return posted, touched


def touchless(company: Any, last: date, months: int = 12) -> Touchless:
    """Touchless rate per month: of the supplier documents posted in the month (``approved_at``, with a
    voucher), the share no person touched from intake to posting (see :func:`touched_documents`)."""
    firsts, start, end = _window(last, months)
    posted, touched = touched_documents(company, start, end)
    per = [[0, 0] for _ in firsts]
    for pk, approved_at in posted:
        i = _index(firsts, oslo_date(approved_at))
        if i is None:
            continue
        per[i][0] += 1
        per[i][1] += pk not in touched
    series = _ap_series(company)
    rows = tuple(
        TouchlessMonth(m, n, t, percent(t, n), _posted_url(series, m, month_end(m)))
        for m, (n, t) in zip(firsts, per, strict=True)
    )
    n_all, t_all = sum(r.posted for r in rows), sum(r.touchless for r in rows)
    return Touchless(rows, n_all, t_all, percent(t_all, n_all), _posted_url(series, firsts[0], month_end(firsts[-1])))


# ---------------------------------------------------------------- cycle times


@dataclass(frozen=True)
class CycleMonth:
    month: date
    count: int
    average: Decimal | None  # days to 0.1
    p90: Decimal | None


@dataclass(frozen=True)
class CycleTime:
    """Days from receipt to approval (or payment): mean and 90th percentile (nearest rank)."""

    key: str  # "approval" or "payment"
    months: tuple[CycleMonth, ...]
    count: int
    average: Decimal | None
    p90: Decimal | None
    url: str


def _cycle(key: str, firsts: tuple[date, ...], samples: list[tuple[int, Decimal]], url: str) -> CycleTime:
    per: dict[int, list[Decimal]] = defaultdict(list)
    for i, days in samples:
        per[i].append(days)
    rows = tuple(CycleMonth(m, len(per[i]), mean(per[i]), percentile(per[i], 90)) for i, m in enumerate(firsts))
    every = [d for _, d in samples]
    return CycleTime(key, rows, len(every), mean(every), percentile(every, 90), url)


def cycle_times(company: Any, last: date, months: int = 12) -> tuple[CycleTime, CycleTime]:
    """(receipt → approval, receipt → payment), per month of the approval or payment.

    *Receipt → approval*: ``approved_at − Receipt.received_at`` in days with fractions (36 hours
    are 1.5 days), for documents approved (and posted) in the month, including those approved by
    routing. *Receipt → payment*: whole days from the Oslo date of receipt to ``paid_at``, the
    booking date of the payment (``payments.bankfiles`` sets it when the bank's camt.054/053 books
    the pain.001 payment), for invoices paid in the month; credit notes set off are left out.
    Two queries.
    """
    firsts, start, end = _window(last, months)
    approval: list[tuple[int, Decimal]] = []
    for received_at, approved_at in SupplierDocument.objects.filter(
        company=company, voucher__isnull=False, approved_at__gte=start, approved_at__lt=end
    ).values_list("receipt__received_at", "approved_at"):
        i = _index(firsts, oslo_date(approved_at))
        if i is not None:
            approval.append((i, max(days_between(received_at, approved_at), Decimal(0))))
    payment: list[tuple[int, Decimal]] = []
    for received_at, paid_at in SupplierDocument.objects.filter(
        company=company, payment_status=PaymentStatus.PAID, paid_at__gte=firsts[0], paid_at__lte=month_end(firsts[-1])
    ).values_list("receipt__received_at", "paid_at"):
        i = _index(firsts, paid_at)
        if i is not None:
            payment.append((i, Decimal(max((paid_at - oslo_date(received_at)).days, 0))))
    period = (firsts[0], month_end(firsts[-1]))
    return (
        _cycle("approval", firsts, approval, _posted_url(_ap_series(company), *period)),
        _cycle("payment", firsts, payment, link("payments:runs")),
    )


# ---------------------------------------------------------------- exceptions


@dataclass(frozen=True)
class ExceptionRow:
    """Documents held up by one cause (and, for quarantine and review, one problem code)."""

    cause: str  # quarantined, needs_review, duplicate, returned, po_deviation, payment_blocked, on_hold
    code: str  # the problem code (FF-AP-..., an EHF rule id) or ""
    label: str
    count: int
    url: str
    example: str = ""  # the message of one such problem, as the inbox shows it


@dataclass(frozen=True)
class Exceptions:
    rows: tuple[ExceptionRow, ...]
    documents: int  # distinct documents in any exception (a document can show under several codes)


def _cause_labels() -> dict[str, str]:
    return {
        "quarantined": _("Quarantined"),
        "needs_review": _("Needs review"),
        "duplicate": _("Possible duplicate"),
        "returned": _("Returned from approval"),
        "po_deviation": _("Deviation from the purchase order"),
        "payment_blocked": _("Payment blocked: bank account changed"),
        "on_hold": _("On hold"),
    }


def _blocking_codes(problems: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The problem codes that hold a document back: errors, and low confidence (why a PDF waits for review)."""
    seen: dict[str, str] = {}
    for p in problems or []:
        code = str(p.get("code") or "")
        if code and (p.get("severity") in ("error", "fatal") or code == IntakeCode.LOW_CONFIDENCE):
            seen.setdefault(code, str(p.get("message") or ""))
    return list(seen.items())


def exceptions(company: Any) -> Exceptions:
    """Documents now held up, by cause: the inbox's quarantine and review (per problem code), duplicates,
    documents returned from approval, invoices in approval with a purchase-order deviation, and approved,
    unpaid invoices whose payment is blocked or on hold. Three queries."""
    labels = _cause_labels()
    held = SupplierDocument.objects.filter(
        company=company,
        state__in=[
            DocumentState.QUARANTINED,
            DocumentState.NEEDS_REVIEW,
            DocumentState.DUPLICATE,
            DocumentState.RETURNED,
        ],
    ).values_list("pk", "state", "problems")
    by_code: dict[tuple[str, str], list[Any]] = defaultdict(lambda: [0, ""])
    documents: set[int] = set()
    simple: Counter[str] = Counter()
    for pk, state, problems in held:
        documents.add(pk)
        if state in (DocumentState.QUARANTINED, DocumentState.NEEDS_REVIEW):
            codes = _blocking_codes(problems) or [("", "")]
            for code, message in codes:
                entry = by_code[(state, code)]
                entry[0] += 1
                entry[1] = entry[1] or message
        else:
            simple[state] += 1
    deviation = set(
        SupplierDocument.objects.filter(
            company=company,
            state__in=[DocumentState.CODED, DocumentState.IN_APPROVAL, DocumentState.RETURNED],
            po_match__outcome=MatchOutcome.DEVIATION,
        ).values_list("pk", flat=True)
    )
    unpaid = SupplierDocument.objects.filter(
        company=company,
        state=DocumentState.APPROVED,
        payment_status__in=[PaymentStatus.UNPAID, PaymentStatus.SCHEDULED],
    )
    blocked = list(unpaid.filter(payment_blocked=True).values_list("pk", flat=True))
    on_hold = list(unpaid.filter(on_hold=True, payment_blocked=False).values_list("pk", flat=True))
    documents |= deviation | set(blocked) | set(on_hold)
    rows: list[ExceptionRow] = []
    for (state, code), (count, message) in sorted(
        by_code.items(), key=lambda kv: (kv[0][0] != "quarantined", -kv[1][0])
    ):
        label = f"{labels[state]}: {code}" if code else str(labels[state])
        rows.append(ExceptionRow(state, code, label, count, link("payables:inbox", state=state), message))
    if simple[DocumentState.DUPLICATE]:
        rows.append(
            ExceptionRow(
                "duplicate",
                "",
                labels["duplicate"],
                simple[DocumentState.DUPLICATE],
                link("payables:inbox", state="duplicate"),
            )
        )
    if simple[DocumentState.RETURNED]:
        rows.append(
            ExceptionRow("returned", "", labels["returned"], simple[DocumentState.RETURNED], link("approvals:pending"))
        )
    if deviation:
        rows.append(ExceptionRow("po_deviation", "", labels["po_deviation"], len(deviation), link("approvals:pending")))
    if blocked:
        rows.append(ExceptionRow("payment_blocked", "", labels["payment_blocked"], len(blocked), link("payments:runs")))
    if on_hold:
        rows.append(ExceptionRow("on_hold", "", labels["on_hold"], len(on_hold), link("payments:runs")))
    return Exceptions(tuple(rows), len(documents))


# ---------------------------------------------------------------- approvals waiting


@dataclass(frozen=True)
class ApprovalWaiting:
    """One approver's current steps: how many invoices wait, for how much, how many past the deadline."""

    user_id: int
    name: str
    count: int
    amount: Decimal  # the invoices' totals as the approval limits read them (approvals.services.amount_of)
    overdue: int  # past the step's due time (the company's approval SLA)
    oldest: datetime | None  # the earliest step created
    url: str


def approvals_waiting(company: Any, now: datetime | None = None) -> tuple[ApprovalWaiting, ...]:
    """Invoices waiting for approval per approver: each document's *current* step
    (``approvals.services.current_steps``), most waiting first. One query."""
    now = now or timezone.now()
    per: dict[int, dict[str, Any]] = {}
    for step in approvals.current_steps(company).order_by():
        user = step.approver
        row = per.setdefault(
            user.pk,
            {
                "name": user.get_full_name() or user.get_username(),
                "count": 0,
                "amount": ZERO,
                "overdue": 0,
                "oldest": None,
            },
        )
        row["count"] += 1
        row["amount"] += approvals.amount_of(step.document)
        row["overdue"] += bool(step.due_at and step.due_at < now)
        if row["oldest"] is None or step.created_at < row["oldest"]:
            row["oldest"] = step.created_at
    url = link("approvals:pending")
    rows = [
        ApprovalWaiting(uid, r["name"], r["count"], r["amount"], r["overdue"], r["oldest"], url)
        for uid, r in per.items()
    ]
    rows.sort(key=lambda r: (-r.count, r.name))
    return tuple(rows)


# ---------------------------------------------------------------- late payments


@dataclass(frozen=True)
class LateMonth:
    month: date
    paid: int
    paid_late: int
    late_amount: Decimal  # NOK invoices paid late, their totals


@dataclass(frozen=True)
class LatePayments:
    """Invoices paid after their due date, and approved invoices unpaid past their due date on ``on``."""

    months: tuple[LateMonth, ...]
    paid: int
    paid_late: int
    late_share: Decimal | None  # percent of the paid invoices
    overdue_unpaid: int
    overdue_amount: Decimal  # NOK invoices only
    overdue_other_currency: int  # counted above, amount not in overdue_amount
    url: str  # payment runs (the nearest list: no list of paid or overdue supplier invoices exists)
    missed_discounts: int | None  # None: no cash-discount terms are recorded (see discount_note)
    discount_note: str


def late_payments(company: Any, on: date, months: int = 12) -> LatePayments:
    """Late payments per month and overdue unpaid invoices on ``on``. Two queries.

    *Paid late*: an invoice (not a credit note) with ``payment_status`` paid whose ``paid_at`` is
    after its ``due_date``. *Overdue unpaid*: an approved (posted) invoice not paid nor set off,
    due before ``on``. Missed cash discounts cannot be computed: supplier documents carry no
    cash-discount (kontantrabatt) terms.
    """
    firsts = months_back(on, months)
    per = [[0, 0, ZERO] for _ in firsts]
    for paid_at, due, total, currency in SupplierDocument.objects.filter(
        company=company,
        is_credit_note=False,
        payment_status=PaymentStatus.PAID,
        paid_at__gte=firsts[0],
        paid_at__lte=month_end(firsts[-1]),
    ).values_list("paid_at", "due_date", "total", "currency"):
        i = _index(firsts, paid_at)
        if i is None:
            continue
        per[i][0] += 1
        if due is not None and paid_at > due:
            per[i][1] += 1
            if (currency or "NOK").upper() == "NOK":
                per[i][2] += total or ZERO
    rows = tuple(LateMonth(m, p, late, amount) for m, (p, late, amount) in zip(firsts, per, strict=True))
    overdue = list(
        SupplierDocument.objects.filter(
            company=company,
            is_credit_note=False,
            state=DocumentState.APPROVED,
            payment_status__in=[PaymentStatus.UNPAID, PaymentStatus.SCHEDULED],
            due_date__lt=on,
        ).values_list("total", "currency")
    )
    nok = [t or ZERO for t, c in overdue if (c or "NOK").upper() == "NOK"]
    paid, late = sum(r.paid for r in rows), sum(r.paid_late for r in rows)
    return LatePayments(
        rows,
        paid,
        late,
        percent(late, paid),
        len(overdue),
        sum(nok, ZERO),
        len(overdue) - len(nok),
        link("payments:runs"),
        None,
        _("Supplier invoices carry no cash-discount terms in Fakturaflyt, so missed discounts are not computed."),
    )
