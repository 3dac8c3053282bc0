"""The billing run's plan: what is due on a date, from every source, as invoices to make.

Reading only; :mod:`fakturaflyt.billing.services` makes the invoices. Each planned invoice has
a deterministic ``source_key`` and the *marks* to record once it exists, so a second run (or
a concurrent one) finds everything already invoiced and makes nothing new.

What becomes one invoice (and its key):

* an order, when delivered or on its agreed invoice date: ``order:<id>``;
* a customer's unbilled billable hours up to the run date, per project: one invoice per
  customer and project, **one line per person, rate and service** (hours summed, the dates
  in the text): ``time:<customer>:<project or 0>:<run date>:<last entry id>``;
* a contract milestone on or after its date: ``contract:<milestone id>``;
* a subscription period, due on its first day (in advance) or the day after it (in arrears):
  ``sub:<id>:<period start>``. The trial is free (no period). Amounts, partial periods and
  KPI notes come from :func:`fakturaflyt.core.billing.billing_periods`.
* a plan change (:func:`fakturaflyt.core.billing.change_plan`): the credit of the unused part
  of the old plan and the charge of the new plan for the same days, as two lines. They go on
  the **next invoice** of the subscription (Stripe-style): the period invoice due the day
  after the changed period ends (in advance: the new plan's next period; in arrears: the
  changed period itself). When no such invoice is due on that day (the subscription ends with
  that period), they make an invoice of their own, ``change:<id>``, due that day.
* a termination (``Subscription.end``): in arrears the final partial period is simply the last
  period. In advance, a period already invoiced past the end is corrected by a **credit note**
  of the unused days against that invoice (bokføringsforskriften § 5-2-6: corrections by
  credit note), due the day after the end: key ``end:<id>:<period start>``.

A KPI-regulated subscription whose index is missing gets no invoice at all and a problem
``FF-BILLING-CPI-MISSING`` in the result (never the old price). A problem in one source never
stops the others.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q

from fakturaflyt.billing.error_codes import BillingCode, BillingError
from fakturaflyt.billing.models import (
    BilledKind,
    BilledPeriod,
    ContractMilestone,
    ContractStatus,
    CpiIndex,
    OrderStatus,
    SalesOrder,
    Subscription,
    SubscriptionChange,
    SubscriptionPlan,
    SubscriptionStatus,
    TimeEntry,
)
from fakturaflyt.companies.models import Company
from fakturaflyt.core import billing as core
from fakturaflyt.core.errors import FakturaflytError
from fakturaflyt.core.money import ore
from fakturaflyt.core.vat import STANDARD_VAT_CODES
from fakturaflyt.receivables.models import Customer, SalesInvoice, Source
from fakturaflyt.receivables.services import DraftLine

ONE_DAY = timedelta(days=1)
ZERO = Decimal("0.00")


def _nb(d: date) -> str:
    return d.strftime("%d.%m.%Y")


# --- what a plan is made of ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunProblem:
    """Why one source was not invoiced: a stable code, a message for the accountant, the source."""

    code: str
    message: str
    source: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "source": self.source}


@dataclass(frozen=True, slots=True)
class OrderMark:
    order_id: int


@dataclass(frozen=True, slots=True)
class TimeMark:
    entry_ids: tuple[int, ...]
    line_no: int  # the invoice line (1-based) the entries are on


@dataclass(frozen=True, slots=True)
class MilestoneMark:
    milestone_id: int


@dataclass(frozen=True, slots=True)
class SubscriptionMark:
    subscription_id: int
    kind: str
    key: str
    period_start: date
    period_end: date
    amount: Decimal
    quantity: Decimal
    change_id: int | None = None


Mark = OrderMark | TimeMark | MilestoneMark | SubscriptionMark


@dataclass(slots=True)
class PlannedInvoice:
    """An invoice (or credit note) the run would make, with the amounts it will have.

    ``net_total``/``vat_total``/``total`` are computed as the invoice will compute them (line
    net to øre, VAT per rate to øre); a credit note's are shown negative.
    """

    customer: Customer
    source: str
    source_key: str
    lines: list[DraftLine]
    issue_date: date
    label: str = ""
    delivery_date: date | None = None
    period_start: date | None = None
    period_end: date | None = None
    note: str = ""
    buyer_reference: str = ""
    order_reference: str = ""
    contract_reference: str = ""
    credits: SalesInvoice | None = None
    marks: list[Mark] = field(default_factory=list)
    vat_rates: dict[str, Decimal] = field(default_factory=dict, repr=False)

    @property
    def is_credit_note(self) -> bool:
        return self.credits is not None

    @staticmethod
    def line_net(line: DraftLine) -> Decimal:
        gross = ore(line.quantity * line.unit_price)
        return gross - ore(gross * line.discount_percent / 100) if line.discount_percent else gross

    def _sign(self) -> int:
        return -1 if self.is_credit_note else 1

    @property
    def net_total(self) -> Decimal:
        return self._sign() * sum((self.line_net(ln) for ln in self.lines), ZERO)

    @property
    def vat_total(self) -> Decimal:
        by_rate: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
        for ln in self.lines:
            by_rate[self.vat_rates.get(ln.vat_code or "", Decimal("25"))] += self.line_net(ln)
        return self._sign() * sum((ore(base * rate / 100) for rate, base in by_rate.items()), ZERO)

    @property
    def total(self) -> Decimal:
        return self.net_total + self.vat_total

    def as_dict(self) -> dict[str, Any]:
        return {
            "customer": self.customer.name,
            "source": self.source,
            "source_key": self.source_key,
            "document_type": "credit_note" if self.is_credit_note else "invoice",
            "label": self.label,
            "period_start": self.period_start.isoformat() if self.period_start else None,
            "period_end": self.period_end.isoformat() if self.period_end else None,
            "net_total": str(self.net_total),
            "vat_total": str(self.vat_total),
            "total": str(self.total),
            "note": self.note,
            "lines": [
                {
                    "description": ln.description,
                    "quantity": str(ln.quantity),
                    "unit_price": str(ln.unit_price),
                    "vat_code": ln.vat_code,
                    "net_amount": str(self.line_net(ln)),
                    "note": ln.note,
                }
                for ln in self.lines
            ],
        }


@dataclass(slots=True)
class Planning:
    """What a run on ``on`` would do: the invoices to make, how many are already made, the problems."""

    on: date
    invoices: list[PlannedInvoice] = field(default_factory=list)
    already_billed: set[tuple[str, int]] = field(default_factory=set)
    problems: list[RunProblem] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        """Invoices already made for what is due by ``on`` (the run will not make them again)."""
        return len(self.already_billed)


class _Context:
    def __init__(self, company: Company, on: date) -> None:
        from fakturaflyt.ledger.models import VatCode

        self.company = company
        self.on = on
        self.vat_rates = {code: spec.rate for code, spec in STANDARD_VAT_CODES.items()}
        self.vat_rates.update({vc.code: vc.rate for vc in VatCode.objects.filter(company=company)})
        self._cpi: dict[tuple[int, int], Decimal] | None = None

    @property
    def cpi(self) -> dict[tuple[int, int], Decimal]:
        if self._cpi is None:
            self._cpi = {(r.year, r.month): r.value for r in CpiIndex.objects.all()}
        return self._cpi

    def planned(self, customer: Customer, source: str, key: str, lines: list[DraftLine], **kw: Any) -> PlannedInvoice:
        return PlannedInvoice(customer, source, key, lines, self.on, vat_rates=self.vat_rates, **kw)


def plan(company: Company, on: date) -> Planning:
    """Everything due on ``on`` and not yet invoiced, from every source; nothing is written."""
    ctx = _Context(company, on)
    planning = Planning(on)
    for source in (_subscriptions, _orders, _time, _contracts):
        source(ctx, planning)
    return planning


def _guarded(planning: Planning, source: str, work: Callable[[], None]) -> None:
    try:
        work()
    except FakturaflytError as exc:
        planning.problems.extend(RunProblem(p.code, p.message, source) for p in exc.problems)


# --- orders ----------------------------------------------------------------------------------


def _line_from_product(product: Any, **kw: Any) -> DraftLine:
    """A draft line with the product's VAT code, account and unit where the source gives none."""
    if product is not None:
        kw["vat_code"] = kw.get("vat_code") or product.vat_code
        kw["revenue_account"] = kw.get("revenue_account") or product.revenue_account
        kw["unit_code"] = kw.get("unit_code") or product.unit_code
    kw["vat_code"] = kw.get("vat_code") or "3"
    kw["revenue_account"] = kw.get("revenue_account") or "3000"
    kw["unit_code"] = kw.get("unit_code") or "C62"
    return DraftLine(product=product, **kw)


def _orders(ctx: _Context, planning: Planning) -> None:
    on = ctx.on
    due = Q(invoice_on__lte=on) | Q(invoice_on__isnull=True, delivery_date__lte=on)
    orders = SalesOrder.objects.filter(company=ctx.company).filter(due)
    for inv_id in orders.filter(status=OrderStatus.INVOICED, invoice__isnull=False).values_list(
        "invoice_id", flat=True
    ):
        planning.already_billed.add(("invoice", inv_id))
    for order in (
        orders.filter(status=OrderStatus.OPEN, invoice__isnull=True)
        .select_related("customer")
        .prefetch_related("lines__product")
        .order_by("number")
    ):
        source = f"order:{order.pk}"
        lines = [
            _line_from_product(
                ln.product,
                description=ln.description,
                quantity=ln.quantity,
                unit_price=ln.unit_price,
                vat_code=ln.vat_code or None,
                revenue_account=ln.revenue_account or None,
                discount_percent=ln.discount_percent,
                department=ln.department,
                project=ln.project,
                source_key=f"{source}:{ln.line_no}",
            )
            for ln in order.lines.all()
        ]
        if not lines:
            planning.problems.append(
                RunProblem(BillingCode.NO_LINES, f"Order {order.number} has no lines; add lines or cancel it.", source)
            )
            continue
        planning.invoices.append(
            ctx.planned(
                order.customer,
                Source.ORDER,
                source,
                lines,
                label=f"Ordre {order.number}",
                delivery_date=order.delivery_date or order.due_on,
                note=order.note,
                buyer_reference=order.customer_reference or order.customer.reference,
                order_reference=order.customer_order_number or str(order.number),
                marks=[OrderMark(order.pk)],
            )
        )


# --- time ------------------------------------------------------------------------------------


def _time(ctx: _Context, planning: Planning) -> None:
    entries = TimeEntry.objects.filter(company=ctx.company, billable=True, date__lte=ctx.on)
    for inv_id in entries.filter(invoice__isnull=False).values_list("invoice_id", flat=True).distinct():
        planning.already_billed.add(("invoice", inv_id))
    groups: dict[tuple[int, int], list[TimeEntry]] = defaultdict(list)
    for e in entries.filter(invoice__isnull=True).select_related("customer", "project", "product", "user"):
        groups[(e.customer_id, e.project_id or 0)].append(e)
    for (customer_id, project_id), group in sorted(groups.items()):
        group.sort(key=lambda e: (e.date, e.pk))
        key = f"time:{customer_id}:{project_id}:{ctx.on.isoformat()}:{max(e.pk for e in group)}"
        project = group[0].project
        by_line: dict[tuple[str, Decimal, int], list[TimeEntry]] = defaultdict(list)
        for e in group:
            by_line[(e.person_label, e.hourly_rate, e.product_id or 0)].append(e)
        lines: list[DraftLine] = []
        marks: list[Mark] = []
        for n, ((person, rate, _product_id), items) in enumerate(by_line.items(), start=1):
            product = items[0].product
            first, last = items[0].date, items[-1].date
            what = product.name if product is not None else "Timer"
            when = _nb(first) if first == last else f"{_nb(first)}–{_nb(last)}"
            text = f"{what}: {person} {when}" if person else f"{what} {when}"
            details = "; ".join(sorted({e.description for e in items if e.description}))
            lines.append(
                _line_from_product(
                    product,
                    description=text[:300],
                    quantity=sum((e.hours for e in items), Decimal("0")),
                    unit_price=rate,
                    unit_code=None if product is not None else "HUR",
                    project=project.code if project is not None else "",
                    period_start=first,
                    period_end=last,
                    note=details[:300],
                    source_key=f"time:{','.join(str(e.pk) for e in items)}"[:100],
                )
            )
            marks.append(TimeMark(tuple(e.pk for e in items), n))
        customer = group[0].customer
        planning.invoices.append(
            ctx.planned(
                customer,
                Source.TIME,
                key,
                lines,
                label=f"Timer{' ' + project.code if project is not None else ''}",
                delivery_date=group[-1].date,
                period_start=group[0].date,
                period_end=group[-1].date,
                buyer_reference=customer.reference,
                marks=marks,
            )
        )


# --- contracts -------------------------------------------------------------------------------


def _contracts(ctx: _Context, planning: Planning) -> None:
    milestones = ContractMilestone.objects.filter(company=ctx.company, date__lte=ctx.on)
    for inv_id in milestones.filter(invoice__isnull=False).values_list("invoice_id", flat=True):
        planning.already_billed.add(("invoice", inv_id))
    for m in (
        milestones.filter(invoice__isnull=True, contract__status=ContractStatus.ACTIVE)
        .select_related("contract__customer")
        .order_by("date", "pk")
    ):
        contract = m.contract
        line = DraftLine(
            description=f"{contract.title}: {m.description}"[:300],
            quantity=Decimal("1"),
            unit_price=m.amount,
            vat_code=m.vat_code,
            revenue_account=m.revenue_account,
            unit_code="C62",
            source_key=f"contract:{m.pk}",
        )
        planning.invoices.append(
            ctx.planned(
                contract.customer,
                Source.CONTRACT,
                f"contract:{m.pk}",
                [line],
                label=f"Avtale {contract.number}",
                delivery_date=m.date,
                buyer_reference=contract.customer_reference or contract.customer.reference,
                contract_reference=contract.number,
                marks=[MilestoneMark(m.pk)],
            )
        )


# --- subscriptions ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Item:
    """One subscription item: a period, a change's two lines, or a termination credit."""

    kind: str
    key: str
    due_on: date
    start: date
    end: date
    amount: Decimal  # per unit (period, credit) or the net of the lines (change)
    quantity: Decimal
    lines: list[DraftLine]
    note: str = ""
    change_id: int | None = None
    credits: SalesInvoice | None = None

    def mark(self, subscription_id: int) -> SubscriptionMark:
        return SubscriptionMark(
            subscription_id, self.kind, self.key, self.start, self.end, self.amount, self.quantity, self.change_id
        )


def _indexation(sub: Subscription, table: dict[tuple[int, int], Decimal]) -> core.CpiIndexation | None:
    if not sub.cpi_month:
        return None
    base = sub.cpi_base_index
    if base is None and sub.cpi_base_year and sub.cpi_base_month:
        base = table.get((sub.cpi_base_year, sub.cpi_base_month))
        if base is None:
            raise BillingError(
                BillingCode.CPI_MISSING,
                f"The base KPI {sub.cpi_base_year}-{sub.cpi_base_month:02d} of the subscription is missing "
                "from the index table; add it (SSB table 03013).",
                "cpi_base",
            )
    if base is None:
        raise BillingError(
            BillingCode.CPI_BASE_MISSING,
            "The subscription is KPI-regulated but has no base KPI; enter the base index or its year and month.",
            "cpi_base",
        )
    return core.CpiIndexation(sub.cpi_month, Decimal(base), table)


def _line(plan: SubscriptionPlan, text: str, quantity: Decimal, unit_price: Decimal, **kw: Any) -> DraftLine:
    return _line_from_product(plan.product, description=text[:300], quantity=quantity, unit_price=unit_price, **kw)


def _period_text(plan: SubscriptionPlan, p: core.Period) -> str:
    text = f"{plan.name} {_nb(p.start)}–{_nb(p.end)}"
    if p.kind != "regular" and p.full_start is not None and p.full_end is not None:
        days = core.days_inclusive(p.start, p.end)
        full = core.days_inclusive(p.full_start, p.full_end)
        what = "sluttperiode" if p.kind == "final_partial" else "delperiode"
        text += f" ({what}, {days}/{full} dager)"
    return text


def subscription_items(
    sub: Subscription, until: date, table: dict[tuple[int, int], Decimal]
) -> tuple[list[_Item], list[_Item]]:
    """The subscription's periods and plan-change items due on or before ``until``.

    Segments: the plan in force from the start, then after each change the new plan, from
    the first period of the new plan that starts after the changed period. A period whose
    first billed day is on or before a change is billed on the plan it started on; the
    change's credit and charge then settle the rest at day precision.
    """
    index = _indexation(sub, table)
    changes: list[SubscriptionChange] = sorted(sub.changes.all(), key=lambda c: (c.on, c.pk))
    plan_model, price, qty = sub.plan, sub.price if sub.price is not None else sub.plan.price, sub.quantity

    def core_sub(pm: SubscriptionPlan, pr: Decimal) -> core.Subscription:
        return core.Subscription(
            sub.start,
            sub.end,
            core.Plan(pm.name, Decimal(pr), pm.interval, pm.in_advance),  # type: ignore[arg-type]
            sub.trial_end,
            sub.anchor_day,
            index,
        )

    segments: list[tuple[SubscriptionPlan, Decimal, Decimal, date | None, date | None]] = []
    change_items: list[_Item] = []
    lower: date | None = None
    for ch in changes:
        new_plan = ch.new_plan
        new_price = ch.new_price if ch.new_price is not None else new_plan.price
        new_qty = ch.new_quantity if ch.new_quantity is not None else qty
        segments.append((plan_model, price, qty, lower, ch.on))
        try:
            adjustments = core.change_plan(
                core_sub(plan_model, price),
                core.Plan(new_plan.name, Decimal(new_price), new_plan.interval, new_plan.in_advance),
                ch.on,  # type: ignore[arg-type]
            )
        except FakturaflytError as exc:
            raise BillingError(
                BillingCode.BAD_CHANGE, f"Plan change {ch.on}: {exc.problems[0].message}", "change"
            ) from exc
        if adjustments:
            last = max(a.end for a in adjustments)
            lower = last + ONE_DAY
            lines = []
            for a in adjustments:
                q = qty if a.kind == "credit" else new_qty
                # EHF forbids a negative price (BR-27): a credit is a negative quantity at a positive price.
                lines.append(
                    _line(
                        plan_model if a.kind == "credit" else new_plan,
                        a.description,
                        -q if a.kind == "credit" else q,
                        abs(a.amount),
                        period_start=a.start,
                        period_end=a.end,
                        source_key=f"change:{ch.pk}:{a.kind}",
                    )
                )
            net = sum((ore(ln.quantity * ln.unit_price) for ln in lines), ZERO)
            first = min(a.start for a in adjustments)
            change_items.append(
                _Item(BilledKind.CHANGE, f"change:{ch.pk}", lower, first, last, net, Decimal("1"), lines, "", ch.pk)
            )
        else:
            lower = None  # changed during the trial: the new plan from the first paid day
        plan_model, price, qty = new_plan, new_price, new_qty
    segments.append((plan_model, price, qty, lower, None))

    periods: list[_Item] = []
    for pm, pr, q, lo, hi in segments:
        for p in core.billing_periods(core_sub(pm, pr), until):
            if (lo is not None and p.start < lo) or (hi is not None and p.start > hi):
                continue
            line = _line(pm, _period_text(pm, p), q, p.amount, period_start=p.start, period_end=p.end, note=p.note)
            key = f"sub:{sub.pk}:{p.start.isoformat()}"
            periods.append(_Item(BilledKind.PERIOD, key, p.due_on, p.start, p.end, p.amount, q, [line], p.note))
    return periods, [c for c in change_items if c.due_on <= until]


def _termination_credits(sub: Subscription, periods: Iterable[_Item], billed: list[BilledPeriod]) -> list[_Item]:
    """Credit notes for the unused days of periods invoiced (in advance) past the end."""
    if sub.end is None:
        return []
    by_start = {p.start: p for p in periods}
    credits = []
    for b in billed:
        if b.kind != BilledKind.PERIOD or b.period_end <= sub.end or b.invoice_id is None:
            continue
        now = by_start.get(b.period_start)
        keep = now.amount if now is not None and now.end <= sub.end else ZERO
        unused = b.amount - keep
        if unused <= 0:
            continue
        first_unused = max(sub.end + ONE_DAY, b.period_start)
        text = (
            f"Kreditering ubenyttet del av {sub.plan.name} {_nb(first_unused)}–{_nb(b.period_end)} "
            f"(oppsagt til {_nb(sub.end)})"
        )
        line = _line(sub.plan, text, b.quantity, unused, period_start=first_unused, period_end=b.period_end)
        credits.append(
            _Item(
                BilledKind.TERMINATION_CREDIT,
                f"end:{sub.pk}:{b.period_start.isoformat()}",
                sub.end + ONE_DAY,
                first_unused,
                b.period_end,
                unused,
                b.quantity,
                [line],
                credits=b.invoice,
            )
        )
    return credits


def _subscriptions(ctx: _Context, planning: Planning) -> None:
    subs = (
        Subscription.objects.filter(company=ctx.company, start__lte=ctx.on)
        .exclude(status=SubscriptionStatus.CANCELLED)
        .select_related("customer", "plan__product")
        .prefetch_related("changes__new_plan__product")
        .order_by("pk")
    )
    for sub in subs:
        _guarded(planning, f"subscription:{sub.pk}", lambda sub=sub: _one_subscription(ctx, planning, sub))


def _one_subscription(ctx: _Context, planning: Planning, sub: Subscription) -> None:
    billed = list(BilledPeriod.objects.filter(subscription=sub).select_related("invoice"))
    billed_keys = {b.key: b for b in billed}
    # Periods beyond the run date are only needed to credit a termination (their invoices exist);
    # otherwise they are not computed, so a KPI missing for a period not yet due is no problem yet.
    horizon = max([ctx.on, *(b.period_end + ONE_DAY for b in billed)]) if sub.end else ctx.on
    periods, changes = subscription_items(sub, horizon, ctx.cpi)
    credits = _termination_credits(sub, periods, billed)
    due = [i for i in [*periods, *changes, *credits] if i.due_on <= ctx.on]
    todo = []
    for item in due:
        b = billed_keys.get(item.key)
        if b is not None:
            if b.invoice_id is not None:
                planning.already_billed.add(("invoice", b.invoice_id))
        else:
            todo.append(item)
    period_by_due = {i.due_on: i for i in todo if i.kind == BilledKind.PERIOD}
    attached: dict[str, list[_Item]] = defaultdict(list)
    standalone = []
    for item in todo:
        target = period_by_due.get(item.due_on) if item.kind == BilledKind.CHANGE else None
        if target is not None:
            attached[target.key].append(item)
        else:
            standalone.append(item)
    for item in standalone:
        extra = attached.get(item.key, [])
        lines = [*item.lines, *(ln for x in extra for ln in x.lines)]
        notes = [n for n in [item.note] if n]
        planned = ctx.planned(
            sub.customer,
            Source.SUBSCRIPTION,
            item.key,
            lines,
            label=f"{sub.plan.name}" if item.kind != BilledKind.TERMINATION_CREDIT else f"Kreditnota {sub.plan.name}",
            delivery_date=item.end,
            period_start=min([item.start, *(x.start for x in extra)]),
            period_end=max([item.end, *(x.end for x in extra)]),
            note="\n".join(notes),
            buyer_reference=sub.customer_reference or sub.customer.reference,
            credits=item.credits,
            marks=[item.mark(sub.pk), *(x.mark(sub.pk) for x in extra)],
        )
        planning.invoices.append(planned)
