"""What the export keeps: each company's connections (keys encrypted), cached ids, what was sent, CSV layouts.

* :class:`Connection`: one per company and system. Secret values (API keys, tokens) are kept
  only as one Fernet token in ``secrets`` (see :mod:`fakturaflyt.integrations.crypto`); the UI
  shows ``hints`` (masked) and never the value again.
* :class:`ExternalRef`: the other system's id of our account, VAT code, department, project,
  customer or supplier, found by a look-up and cached, or set by an administrator (``manual``).
* :class:`VoucherExport`: one per voucher and target (a system, or ``csv``): ``sent`` is never
  sent again; ``failed`` is retried on the next push; ``sending`` was claimed by a push that did
  not finish (the answer is unknown, so it is not resent automatically: check the other system,
  then reset it in the admin).
* :class:`JournalLayout`: CSV layouts a company stores by name.
"""

from __future__ import annotations

from django.conf import settings as django_settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class System(models.TextChoices):
    TRIPLETEX = "tripletex", "Tripletex"
    FIKEN = "fiken", "Fiken"
    POWEROFFICE = "poweroffice", "PowerOffice GO"


class Connection(models.Model):
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="export_connections")
    system = models.CharField(_("system"), max_length=20, choices=System.choices)
    secrets = models.TextField(_("encrypted keys"), blank=True, editable=False)
    settings = models.JSONField(_("settings"), default=dict, blank=True)
    hints = models.JSONField(_("masked keys"), default=dict, blank=True, editable=False)
    configured_at = models.DateTimeField(_("configured at"), null=True, blank=True)
    configured_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("accounting system connection")
        verbose_name_plural = _("accounting system connections")
        constraints = [models.UniqueConstraint(fields=["company", "system"], name="uniq_export_connection")]

    def __str__(self) -> str:
        return f"{self.company_id} {self.get_system_display()}"


class ExternalRef(models.Model):
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    system = models.CharField(_("system"), max_length=20, choices=System.choices)
    kind = models.CharField(_("kind"), max_length=20)  # account, vat, department, project, customer, supplier
    key = models.CharField(_("our code"), max_length=50)
    external_id = models.CharField(_("their id"), max_length=100)
    manual = models.BooleanField(_("set by hand"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("external id mapping")
        verbose_name_plural = _("external id mappings")
        constraints = [
            models.UniqueConstraint(fields=["company", "system", "kind", "key"], name="uniq_external_ref"),
        ]

    def __str__(self) -> str:
        return f"{self.system} {self.kind} {self.key} -> {self.external_id}"


class ExportStatus(models.TextChoices):
    SENDING = "sending", _("Sending (answer unknown)")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class VoucherExport(models.Model):
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    voucher = models.ForeignKey("ledger.Voucher", on_delete=models.PROTECT, related_name="exports")
    target = models.CharField(_("sent to"), max_length=20)  # a System value, or "csv"
    status = models.CharField(_("status"), max_length=10, choices=ExportStatus.choices)
    external_id = models.CharField(_("their id"), max_length=100, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error_code = models.CharField(_("error code"), max_length=40, blank=True)
    error_message = models.TextField(_("error"), blank=True)
    actor = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("voucher export")
        verbose_name_plural = _("voucher exports")
        constraints = [models.UniqueConstraint(fields=["voucher", "target"], name="uniq_voucher_export")]
        indexes = [models.Index(fields=["company", "target", "status"])]

    def __str__(self) -> str:
        return f"{self.voucher_id} {self.target} {self.status}"


class JournalLayout(models.Model):
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="journal_layouts")
    name = models.CharField(_("name"), max_length=50)
    layout = models.JSONField(_("layout"))

    class Meta:
        verbose_name = _("journal CSV layout")
        verbose_name_plural = _("journal CSV layouts")
        constraints = [models.UniqueConstraint(fields=["company", "name"], name="uniq_journal_layout")]

    def __str__(self) -> str:
        return self.name
