"""Coding (kontering) of purchase lines: the lines, what was suggested, what was chosen, and the learning log.

Every purchase line that needs an account, VAT code, department and project becomes a
:class:`CodingLine` (from a supplier invoice, a card charge or an Amazon order). The engine in
:mod:`fakturaflyt.core.coding` suggests the coding with confidences and reasons; a line whose
suggestions all reach the company's touchless threshold is coded automatically, the rest wait
in the accountant's coding queue. Every confirmation, correction and automatic coding is one
:class:`LearnEvent`: the company's model is that log replayed, so it never sees another
company's lines, and any process can bring its model up to date by reading the events after
the last one it has seen.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

TARGETS = ("account", "vat_code", "department", "project")


class TouchlessMode(models.TextChoices):
    MEASURED = "measured", _("Measured from recent history")
    FIXED = "fixed", _("Fixed threshold")
    OFF = "off", _("Off (everything to the queue)")


class CodingSettings(models.Model):
    """A company's touchless policy and the thresholds last measured for it."""

    company = models.OneToOneField("companies.Company", on_delete=models.CASCADE, related_name="coding_settings")
    mode = models.CharField(_("touchless coding"), max_length=10, choices=TouchlessMode.choices, default="measured")
    target_precision = models.DecimalField(
        _("required precision"), max_digits=5, decimal_places=4, default=Decimal("0.98")
    )
    window_days = models.PositiveSmallIntegerField(_("history window (days)"), default=90)
    min_rows = models.PositiveSmallIntegerField(
        _("minimum suggestions measured"),
        default=50,
        help_text=_("No touchless coding before at least this many suggestions above the threshold were checked."),
    )
    fixed_threshold = models.DecimalField(_("fixed threshold"), max_digits=5, decimal_places=4, null=True, blank=True)
    measured = models.JSONField(
        _("measured thresholds"),
        default=dict,
        blank=True,
        help_text=_("Per target: threshold, rows above it and their precision, over the window."),
    )
    measured_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("coding settings")
        verbose_name_plural = _("coding settings")

    def __str__(self) -> str:
        return f"coding settings of {self.company}"


class RuleKind(models.TextChoices):
    SUPPLIER = "supplier", _("Supplier default")
    KEYWORD = "keyword", _("Keyword in the text")


class CodingRule(models.Model):
    """A company rule: a supplier's default coding or a keyword ("husleie" → 6300). A hint, learnt over."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="coding_rules")
    kind = models.CharField(_("kind"), max_length=10, choices=RuleKind.choices)
    supplier = models.ForeignKey(
        "payables.Supplier", on_delete=models.CASCADE, null=True, blank=True, related_name="coding_rules"
    )
    keyword = models.CharField(_("keyword"), max_length=100, blank=True)
    account = models.CharField(_("account"), max_length=6, blank=True)
    vat_code = models.CharField(_("VAT code"), max_length=6, blank=True)
    department = models.CharField(_("department"), max_length=20, blank=True)
    project = models.CharField(_("project"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("coding rule")
        verbose_name_plural = _("coding rules")
        ordering = ["company", "kind", "keyword"]

    def __str__(self) -> str:
        what = self.supplier.name if self.kind == RuleKind.SUPPLIER and self.supplier else self.keyword
        return f"{what} → {self.account or '-'}"


class LineSource(models.TextChoices):
    SUPPLIER_INVOICE = "supplier_invoice", _("Supplier invoice")
    CARD = "card", _("Card charge")
    AMAZON = "amazon", _("Amazon order")
    API = "api", _("API")


class LineState(models.TextChoices):
    QUEUED = "queued", _("To be coded")
    AUTO = "auto", _("Coded automatically")
    CONFIRMED = "confirmed", _("Confirmed")
    CORRECTED = "corrected", _("Corrected")


CODED_STATES = (LineState.AUTO, LineState.CONFIRMED, LineState.CORRECTED)


class CodingLine(models.Model):
    """One purchase line to code, its suggestion (value, confidence and reasons per target) and its coding."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="coding_lines")
    source = models.CharField(_("source"), max_length=20, choices=LineSource.choices)
    document = models.ForeignKey(
        "payables.SupplierDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="coding_lines"
    )
    source_ref = models.CharField(
        _("source reference"), max_length=100, blank=True, help_text=_("Card transaction, order line or API id.")
    )
    line_no = models.PositiveIntegerField(_("line"), default=1)
    line = models.JSONField(_("line"), help_text=_("What the engine sees: core.coding.features.PurchaseLine as JSON."))
    supplier = models.ForeignKey("payables.Supplier", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    description = models.CharField(_("text"), max_length=300, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    line_date = models.DateField(_("date"), null=True, blank=True)
    suggestion = models.JSONField(
        _("suggestion"), default=dict, blank=True, help_text=_("Per target: value, confidence, reasons.")
    )
    confidence = models.FloatField(_("confidence"), null=True, blank=True, help_text=_("The lowest of the targets."))
    suggested_at = models.DateTimeField(null=True, blank=True)
    account = models.CharField(_("account"), max_length=6, blank=True)
    vat_code = models.CharField(_("VAT code"), max_length=6, blank=True)
    department = models.CharField(_("department"), max_length=20, blank=True)
    project = models.CharField(_("project"), max_length=20, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=LineState.choices, default=LineState.QUEUED)
    coded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    coded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("coding line")
        verbose_name_plural = _("coding lines")
        ordering = ["company", "created_at", "line_no"]
        indexes = [
            models.Index(fields=["company", "state"]),
            models.Index(fields=["company", "coded_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "line_no"], condition=models.Q(document__isnull=False), name="uniq_coding_doc_line"
            ),
            models.UniqueConstraint(
                fields=["company", "source", "source_ref", "line_no"],
                condition=~models.Q(source_ref=""),
                name="uniq_coding_source_line",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description or self.source_ref or self.pk} ({self.get_state_display()})"

    def coding(self) -> dict[str, str]:
        return {t: getattr(self, t) for t in TARGETS}


class LearnEvent(models.Model):
    """One confirmed coding the company's model learnt from (confirmation, correction or touchless coding)."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    line = models.ForeignKey(CodingLine, on_delete=models.CASCADE, related_name="learn_events")
    coding = models.JSONField(help_text=_("Per target: the chosen value."))
    suggested = models.JSONField(default=dict, help_text=_("Per target: the suggested value and its confidence."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("learning event")
        verbose_name_plural = _("learning events")
        indexes = [models.Index(fields=["company", "id"])]

    def __str__(self) -> str:
        return f"learnt {self.coding} for line {self.line_id}"


class ModelSnapshot(models.Model):
    """The learnt weights and calibration of a company's model (small), refreshed by the periodic refit."""

    company = models.OneToOneField("companies.Company", on_delete=models.CASCADE, related_name="+")
    state = models.JSONField(default=dict)
    last_event_id = models.BigIntegerField(default=0)
    refitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("coding model snapshot")
        verbose_name_plural = _("coding model snapshots")

    def __str__(self) -> str:
        return f"coding model of {self.company} at event {self.last_event_id}"
