"""Approval rules, settings, substitutes, the approval steps of each supplier document, and comments.

A coded document gets one :class:`ApprovalStep` per level in the current *round*: level 1 is the
approver the first matching :class:`ApprovalRule` names (the budget owner, who attests), level 2
the member whose approval limit covers the amount when level 1's does not (the leader who
approves). A rejection ends the round; the accountant's resubmission starts the next one, so
the history of every round stays.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 18, "decimal_places": 2}


class Condition(models.TextChoices):
    AMOUNT_OVER = "amount_over", _("Amount over")
    DEPARTMENT = "department", _("Department")
    PROJECT = "project", _("Project")
    SUPPLIER = "supplier", _("Supplier")
    ACCOUNT = "account", _("Account")
    NO_PO = "no_po", _("No purchase order")
    ALWAYS = "always", _("Always")


class ApprovalRule(models.Model):
    """When a document matches ``condition``/``value``/``amount``, its first approver is ``approver`` or one with ``approver_role``."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="approval_rules")
    position = models.PositiveIntegerField(_("order"), default=10)
    name = models.CharField(_("name"), max_length=100)
    condition = models.CharField(_("condition"), max_length=20, choices=Condition.choices)
    value = models.CharField(
        _("value"), max_length=50, blank=True, help_text=_("Department, project, account code or supplier org.nr.")
    )
    amount = models.DecimalField(_("amount (NOK)"), null=True, blank=True, **MONEY)
    approver_role = models.CharField(_("approver role"), max_length=20, blank=True)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("approval rule")
        verbose_name_plural = _("approval rules")
        ordering = ["company", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


class ApprovalSettings(models.Model):
    company = models.OneToOneField("companies.Company", on_delete=models.CASCADE, related_name="approval_settings")
    sla_hours = models.PositiveIntegerField(_("time to approve (hours)"), default=48)
    remind_by_email = models.BooleanField(_("remind by e-mail"), default=True)

    class Meta:
        verbose_name = _("approval settings")
        verbose_name_plural = _("approval settings")

    def __str__(self) -> str:
        return f"approval settings of {self.company}"


class Substitute(models.Model):
    """While ``user`` is away (``starts``-``ends``, both included), ``substitute`` may approve on their behalf."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="approval_substitutes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    substitute = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    starts = models.DateField(_("from"))
    ends = models.DateField(_("to"))

    class Meta:
        verbose_name = _("substitute")
        verbose_name_plural = _("substitutes")
        ordering = ["company", "starts"]

    def __str__(self) -> str:
        return f"{self.substitute} for {self.user} {self.starts}–{self.ends}"


class StepStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SKIPPED = "skipped", _("Skipped")
    CANCELLED = "cancelled", _("Cancelled")


class ApprovalStep(models.Model):
    """One approver's decision on one document in one round. The lowest pending level of the round is current."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+")
    document = models.ForeignKey("payables.SupplierDocument", on_delete=models.PROTECT, related_name="approval_steps")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey(ApprovalRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    why = models.CharField(_("why"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=StepStatus.choices, default=StepStatus.PENDING)
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acted_at = models.DateTimeField(null=True, blank=True)
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["document", "round", "level"]
        indexes = [
            models.Index(fields=["company", "status"]),
            models.Index(fields=["approver", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["document", "round", "level"], name="uniq_approval_step"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} round {self.round} level {self.level}: {self.status}"


class Comment(models.Model):
    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+")
    document = models.ForeignKey("payables.SupplierDocument", on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    text = models.TextField(_("comment"), max_length=2000)
    shared_with_supplier = models.BooleanField(_("share with the supplier"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["document", "created_at", "pk"]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.document_id}"
