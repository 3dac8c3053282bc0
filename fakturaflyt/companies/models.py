"""Tenants (companies), their bank accounts, and who may do what in each (memberships)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from fakturaflyt.companies.roles import Role
from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.identifiers import format_orgnr, mva_number, normalise_kontonr, normalise_orgnr, peppol_id


def validate_orgnr(value: str) -> None:
    try:
        normalise_orgnr(value)
    except FormatError as exc:
        raise ValidationError(exc.problems[0].message, code=exc.code) from None


def validate_kontonr(value: str) -> None:
    try:
        normalise_kontonr(value)
    except FormatError as exc:
        raise ValidationError(exc.problems[0].message, code=exc.code) from None


class Company(models.Model):
    """A company keeping its books in Fakturaflyt (the tenant)."""

    orgnr = models.CharField(_("organisation number"), max_length=9, unique=True, validators=[validate_orgnr])
    name = models.CharField(_("name"), max_length=200)
    address_line = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="NO")
    vat_registered = models.BooleanField(_("registered for VAT"), default=True)
    in_foretaksregisteret = models.BooleanField(_("registered in Foretaksregisteret"), default=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.orgnr})"

    def clean(self) -> None:
        self.orgnr = normalise_orgnr(self.orgnr) if self.orgnr else self.orgnr

    @property
    def peppol_id(self) -> str:
        """Peppol participant id, ``0192:<orgnr>``."""
        return peppol_id(self.orgnr)

    @property
    def orgnr_display(self) -> str:
        """Org.nr as printed on invoices: ``923 609 016 MVA`` when VAT-registered (bokføringsforskriften § 5-1-1)."""
        text = f"{format_orgnr(self.orgnr)}"
        return f"{text} MVA" if self.vat_registered else text

    @property
    def vat_number(self) -> str:
        return mva_number(self.orgnr) if self.vat_registered else ""


class CompanyBankAccount(models.Model):
    """A bank account the company pays from and is paid into."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="bank_accounts")
    name = models.CharField(_("name"), max_length=100, default="Driftskonto")
    account_number = models.CharField(_("account number"), max_length=11, validators=[validate_kontonr])
    iban = models.CharField("IBAN", max_length=34, blank=True)
    bic = models.CharField("BIC", max_length=11, blank=True)
    ledger_account = models.CharField(_("ledger account"), max_length=6, default="1920")
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        constraints = [models.UniqueConstraint(fields=["company", "account_number"], name="uniq_company_bankaccount")]

    def __str__(self) -> str:
        return f"{self.name} {self.account_number}"


class Membership(models.Model):
    """A user's role in one company. A user may belong to several companies."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    approval_limit = models.DecimalField(
        _("approval limit (NOK)"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Highest invoice amount this approver may approve; empty means no approval right."),
    )
    supplier = models.ForeignKey(
        "payables.Supplier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        help_text=_("For supplier contacts: the supplier whose documents they see."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "company"], name="uniq_membership_user_company"),
            models.CheckConstraint(
                condition=~models.Q(role=Role.SUPPLIER) | models.Q(supplier__isnull=False),
                name="supplier_contact_has_supplier",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.company.name}"

    def clean(self) -> None:
        if self.role == Role.SUPPLIER and self.supplier_id is None:
            raise ValidationError({"supplier": _("A supplier contact must be linked to a supplier.")})
        if self.supplier_id is not None and self.supplier.company_id != self.company_id:
            raise ValidationError({"supplier": _("The supplier belongs to another company.")})


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
