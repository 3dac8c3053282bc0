"""What customer invoices are made from, and what the billing run has already invoiced.

Sources (issue 7 point 2):

* :class:`SalesOrder` (ordre) with its lines: invoiced once, when delivered (``delivery_date``)
  or on an agreed date (``invoice_on``), whichever is given first in that order.
* :class:`TimeEntry` (timeføring): billable hours per customer, project and person at a rate;
  the run invoices the unbilled ones dated up to the run date.
* :class:`Contract` (fastprisavtale) with its billing plan of :class:`ContractMilestone`: each
  milestone is invoiced once, on or after its date.
* :class:`Subscription` to a :class:`SubscriptionPlan`, with :class:`SubscriptionChange` (plan
  changes mid-period) and KPI indexation from the global :class:`CpiIndex` table. All period,
  proration and indexation maths is :mod:`fakturaflyt.core.billing`.

Idempotency: an order, a time entry or a milestone points to its invoice once invoiced; each
subscription item (a period, a plan change's adjustments, a termination credit) is a
:class:`BilledPeriod` row, unique per (subscription, period start, kind) and per key. The
invoices themselves are unique per (company, source, source_key) in receivables.

Amounts are in the customer's invoice currency (``Customer.currency``), excl. VAT.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 18, "decimal_places": 2}
PRECISE = {"max_digits": 18, "decimal_places": 4}


# --- orders --------------------------------------------------------------------------------


class OrderStatus(models.TextChoices):
    OPEN = "open", _("Open")
    INVOICED = "invoiced", _("Invoiced")
    CANCELLED = "cancelled", _("Cancelled")


class SalesOrder(models.Model):
    """A customer order (ordre): invoiced once, when delivered or on its invoice date."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="sales_orders")
    number = models.PositiveIntegerField(_("order number"))
    customer = models.ForeignKey("receivables.Customer", on_delete=models.PROTECT, related_name="orders")
    order_date = models.DateField(_("order date"))
    delivery_date = models.DateField(
        _("delivery date"), null=True, blank=True, help_text=_("Invoiced on the day it is delivered.")
    )
    invoice_on = models.DateField(
        _("invoice on"), null=True, blank=True, help_text=_("Invoice on this date even if not delivered yet.")
    )
    customer_reference = models.CharField(_("their reference"), max_length=100, blank=True)
    customer_order_number = models.CharField(_("their order number"), max_length=100, blank=True)
    note = models.CharField(_("note on invoice"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.OPEN)
    invoice = models.ForeignKey(
        "receivables.SalesInvoice", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sales order")
        verbose_name_plural = _("sales orders")
        ordering = ["company", "-number"]
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="uniq_sales_order_number")]

    def __str__(self) -> str:
        return f"{_('Sales order')} {self.number}"

    @property
    def due_on(self):  # type: ignore[no-untyped-def]
        """The day it becomes due for invoicing: the invoice date if agreed, else the delivery date."""
        return self.invoice_on or self.delivery_date


class SalesOrderLine(models.Model):
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveSmallIntegerField(_("line"))
    product = models.ForeignKey("receivables.Product", on_delete=models.PROTECT, null=True, blank=True)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(_("quantity"), **PRECISE)
    unit_price = models.DecimalField(_("unit price"), **PRECISE)
    discount_percent = models.DecimalField(_("discount %"), max_digits=5, decimal_places=2, default=Decimal("0"))
    vat_code = models.CharField(_("VAT code"), max_length=6, blank=True, help_text=_("Empty: the product's."))
    revenue_account = models.CharField(_("revenue account"), max_length=6, blank=True)
    department = models.CharField(_("department"), max_length=20, blank=True)
    project = models.CharField(_("project"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "line_no"]
        constraints = [models.UniqueConstraint(fields=["order", "line_no"], name="uniq_sales_order_line")]

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.company_id is None and self.order_id is not None:
            self.company_id = self.order.company_id
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.line_no}: {self.description}"


# --- time ----------------------------------------------------------------------------------


class TimeEntry(models.Model):
    """Hours worked for a customer (timeføring), billable or not."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="time_entries")
    customer = models.ForeignKey("receivables.Customer", on_delete=models.PROTECT, related_name="time_entries")
    project = models.ForeignKey("ledger.Project", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    person = models.CharField(_("person"), max_length=100, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=8, decimal_places=2)
    hourly_rate = models.DecimalField(_("hourly rate"), **PRECISE)
    product = models.ForeignKey(
        "receivables.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("The service sold: its VAT code, revenue account and unit."),
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    billable = models.BooleanField(_("billable"), default=True)
    invoice = models.ForeignKey(
        "receivables.SalesInvoice", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    invoice_line = models.ForeignKey(
        "receivables.SalesInvoiceLine", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ["company", "date", "id"]
        indexes = [models.Index(fields=["company", "billable", "invoice"], name="billing_time_unbilled")]

    def __str__(self) -> str:
        return f"{self.date} {self.person} {self.hours} h"

    @property
    def person_label(self) -> str:
        if self.person:
            return self.person
        if self.user is not None:
            return self.user.get_full_name() or self.user.get_username()
        return ""


# --- contracts -----------------------------------------------------------------------------


class ContractStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")
    CANCELLED = "cancelled", _("Cancelled")


class Contract(models.Model):
    """A fixed-price contract (fastprisavtale) billed by its plan of milestones."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="contracts")
    customer = models.ForeignKey("receivables.Customer", on_delete=models.PROTECT, related_name="contracts")
    number = models.CharField(_("contract number"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    customer_reference = models.CharField(_("their reference"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ContractStatus.choices, default=ContractStatus.ACTIVE)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["company", "number"]
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="uniq_contract_number")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ContractMilestone(models.Model):
    """One step of a contract's billing plan: invoiced once, on or after its date."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="milestones")
    date = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=300)
    amount = models.DecimalField(_("amount excl. VAT"), **MONEY)
    vat_code = models.CharField(_("VAT code"), max_length=6, default="3")
    revenue_account = models.CharField(_("revenue account"), max_length=6, default="3000")
    invoice = models.ForeignKey(
        "receivables.SalesInvoice", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["contract", "date", "id"]

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.company_id is None and self.contract_id is not None:
            self.company_id = self.contract.company_id
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.date} {self.description}"


# --- subscriptions -------------------------------------------------------------------------


class Interval(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


class SubscriptionPlan(models.Model):
    """A price per interval, billed in advance (forskudd) or in arrears (etterskudd)."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="subscription_plans")
    name = models.CharField(_("name"), max_length=200)
    product = models.ForeignKey(
        "receivables.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Its VAT code, revenue account and unit are used on the invoice line."),
    )
    price = models.DecimalField(_("price per interval excl. VAT"), **MONEY)
    interval = models.CharField(_("interval"), max_length=10, choices=Interval.choices, default=Interval.MONTHLY)
    in_advance = models.BooleanField(_("billed in advance"), default=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("subscription plan")
        verbose_name_plural = _("subscription plans")
        ordering = ["company", "name"]

    def __str__(self) -> str:
        return self.name


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    TERMINATED = "terminated", _("Terminated")
    CANCELLED = "cancelled", _("Cancelled (never billed)")


class Subscription(models.Model):
    """A customer's subscription; ``end`` is the last day (oppsigelse), ``trial_end`` the last free day.

    ``price`` is the agreed price per unit and interval (empty: the plan's). KPI indexation,
    when ``cpi_month`` is set, regulates it from the 1st of that month each year by
    KPI(month before) / base KPI, the base being ``cpi_base_index`` or the KPI of
    ``cpi_base_year``/``cpi_base_month`` in :class:`CpiIndex`.
    """

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="subscriptions")
    customer = models.ForeignKey("receivables.Customer", on_delete=models.PROTECT, related_name="subscriptions")
    plan = models.ForeignKey(SubscriptionPlan, on_delete=models.PROTECT, related_name="subscriptions")
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, default=Decimal("1"))
    price = models.DecimalField(_("agreed price"), null=True, blank=True, **MONEY)
    start = models.DateField(_("start"))
    end = models.DateField(_("end (last day)"), null=True, blank=True)
    trial_end = models.DateField(_("trial until"), null=True, blank=True)
    anchor_day = models.PositiveSmallIntegerField(
        _("invoice day"), null=True, blank=True, help_text=_("1-31; empty: the day of the first paid day.")
    )
    cpi_month = models.PositiveSmallIntegerField(_("KPI regulation month"), null=True, blank=True)
    cpi_base_index = models.DecimalField(_("base KPI"), max_digits=10, decimal_places=2, null=True, blank=True)
    cpi_base_year = models.PositiveSmallIntegerField(_("base KPI year"), null=True, blank=True)
    cpi_base_month = models.PositiveSmallIntegerField(_("base KPI month"), null=True, blank=True)
    customer_reference = models.CharField(_("their reference"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=SubscriptionStatus.choices, default=SubscriptionStatus.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["company", "customer", "start", "id"]

    def __str__(self) -> str:
        return f"{self.customer} – {self.plan}"


class SubscriptionChange(models.Model):
    """An upgrade or downgrade from ``on`` (inclusive): the unused part of the current period is
    credited and the new plan charged for the rest of it; later periods are on the new plan."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="changes")
    on = models.DateField(_("from"))
    new_plan = models.ForeignKey(SubscriptionPlan, on_delete=models.PROTECT, related_name="+")
    new_price = models.DecimalField(_("new agreed price"), null=True, blank=True, **MONEY)
    new_quantity = models.DecimalField(_("new quantity"), max_digits=12, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("plan change")
        verbose_name_plural = _("plan changes")
        ordering = ["subscription", "on", "id"]

    def __str__(self) -> str:
        return f"{self.on} → {self.new_plan}"


class CpiIndex(models.Model):
    """SSB's consumer price index (KPI, table 03013, 2015=100) per month: one global table."""

    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    value = models.DecimalField(_("KPI"), max_digits=8, decimal_places=1)
    source = models.CharField(
        _("source"), max_length=100, default="SSB 03013", help_text=_("Where the value comes from.")
    )

    class Meta:
        verbose_name = _("KPI value")
        verbose_name_plural = _("KPI values")
        ordering = ["-year", "-month"]
        constraints = [models.UniqueConstraint(fields=["year", "month"], name="uniq_cpi_year_month")]

    def __str__(self) -> str:
        return f"KPI {self.year}-{self.month:02d}: {self.value}"


class BilledKind(models.TextChoices):
    PERIOD = "period", _("Period")
    CHANGE = "change", _("Plan change")
    TERMINATION_CREDIT = "termination_credit", _("Credit after termination")


class BilledPeriod(models.Model):
    """One subscription item invoiced once: a period, a plan change's lines, or a termination credit.

    ``amount`` is per unit (what core.billing computed), ``quantity`` the units billed.
    ``invoice`` is empty only for an item worth nothing (a free plan), recorded so it is not
    looked at again.
    """

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="billed")
    kind = models.CharField(_("kind"), max_length=20, choices=BilledKind.choices, default=BilledKind.PERIOD)
    key = models.CharField(_("key"), max_length=100)
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    amount = models.DecimalField(_("amount per unit"), **MONEY)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, default=Decimal("1"))
    change = models.ForeignKey(SubscriptionChange, on_delete=models.PROTECT, null=True, blank=True)
    invoice = models.ForeignKey(
        "receivables.SalesInvoice", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("billed subscription item")
        verbose_name_plural = _("billed subscription items")
        ordering = ["subscription", "period_start", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["company", "key"], name="uniq_billed_key"),
            models.UniqueConstraint(
                fields=["subscription", "period_start", "kind"],
                condition=~models.Q(kind="change"),
                name="uniq_billed_period",
            ),
            models.UniqueConstraint(
                fields=["change"], condition=models.Q(change__isnull=False), name="uniq_billed_change"
            ),
        ]

    def __str__(self) -> str:
        return self.key


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    DONE_WITH_PROBLEMS = "problems", _("Done, with problems")
    FAILED = "failed", _("Failed")


class BillingRun(models.Model):
    """One billing run: when, by whom, and what it made (the invoices carry the details)."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="billing_runs")
    run_date = models.DateField(_("run date"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    created_count = models.PositiveIntegerField(_("invoices made"), default=0)
    skipped_count = models.PositiveIntegerField(_("already invoiced"), default=0)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    created = models.JSONField(default=list, blank=True)
    problems = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("billing run")
        verbose_name_plural = _("billing runs")
        ordering = ["company", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{_('Billing run')} {self.run_date}"
