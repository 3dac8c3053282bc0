"""Accounts receivable master data: customers (kunder). Invoices, reminders and payments come later."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fakturaflyt.companies.models import validate_orgnr


class Customer(models.Model):
    """A customer of one company; businesses by org.nr, consumers without."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="customers")
    number = models.PositiveIntegerField(_("customer number"))
    name = models.CharField(_("name"), max_length=200)
    orgnr = models.CharField(_("organisation number"), max_length=9, blank=True, validators=[validate_orgnr])
    is_consumer = models.BooleanField(_("consumer"), default=False)
    address_line = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="NO")
    email = models.EmailField(_("invoice e-mail"), blank=True)
    peppol_id = models.CharField(_("Peppol id"), max_length=50, blank=True, help_text=_("e.g. 0192:923609016"))
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=14)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["company", "name"]
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="uniq_customer_number")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"
