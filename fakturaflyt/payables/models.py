"""Accounts payable master data: suppliers (leverandører). Documents, approval and payment come later."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fakturaflyt.companies.models import validate_kontonr, validate_orgnr


class Supplier(models.Model):
    """A supplier of one company, identified by org.nr when Norwegian."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="suppliers")
    number = models.PositiveIntegerField(_("supplier number"))
    name = models.CharField(_("name"), max_length=200)
    orgnr = models.CharField(_("organisation number"), max_length=9, blank=True, validators=[validate_orgnr])
    vat_id = models.CharField(_("VAT number"), max_length=30, blank=True)
    address_line = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="NO")
    email = models.EmailField(_("e-mail"), blank=True)
    bank_account = models.CharField(_("bank account"), max_length=11, blank=True, validators=[validate_kontonr])
    iban = models.CharField("IBAN", max_length=34, blank=True)
    bic = models.CharField("BIC", max_length=11, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(_("payment terms (days)"), default=30)
    default_account = models.CharField(_("default expense account"), max_length=6, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["company", "name"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="uniq_supplier_number"),
            models.UniqueConstraint(
                fields=["company", "orgnr"], condition=~models.Q(orgnr=""), name="uniq_supplier_orgnr"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"
