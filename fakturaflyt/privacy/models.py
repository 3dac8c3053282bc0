"""The access log (who read which document or personal data) and the record of erasures.

The access log is the "reads" half of the audit report; the hash-chained audit log of the
ledger is the "changes" half. It is not primary documentation (bokføringsloven § 13 does
not apply to it): it is kept for :data:`settings.FAKTURAFLYT_ACCESS_LOG_RETENTION_DAYS`
and then pruned (``fakturaflyt privacy prune-access-log``), see ``docs/privacy.md``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AccessChannel(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")


class AccessLog(models.Model):
    """One read of one document or person's data: who, when, in which company, which object, how."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(_("at"))
    channel = models.CharField(_("channel"), max_length=3, choices=AccessChannel.choices)
    view = models.CharField(_("view"), max_length=80)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=100, blank=True)
    path = models.CharField(_("path"), max_length=300)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["company", "at"], name="privacy_access_company_at"),
            models.Index(fields=["company", "object_type", "object_id"], name="privacy_access_object"),
            models.Index(fields=["user", "at"], name="privacy_access_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.object_type} {self.object_id}"


class SubjectType(models.TextChoices):
    USER = "user", _("User")
    CUSTOMER = "customer", _("Customer")
    CONTACT = "contact", _("Contact e-mail")


class Erasure(models.Model):
    """That a person's data was erased (GDPR art. 17): what was removed, what was kept and why, by whom.

    It holds no personal data of the subject itself: the subject is named by its pseudonym.
    """

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    subject_type = models.CharField(
        pgettext_lazy("data protection", "subject"), max_length=10, choices=SubjectType.choices
    )
    subject_id = models.CharField(_("subject id"), max_length=100)
    pseudonym = models.CharField(_("pseudonym"), max_length=100)
    erased_at = models.DateTimeField(_("erased at"))
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    erased = models.JSONField(_("erased"), default=list)
    kept = models.JSONField(_("kept, and why"), default=list)

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        ordering = ["-erased_at"]

    def __str__(self) -> str:
        return f"{self.subject_type} {self.pseudonym} ({self.erased_at:%Y-%m-%d})"
