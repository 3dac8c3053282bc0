"""The books: chart of accounts, VAT codes, dimensions, number series, vouchers and the audit log.

Posted vouchers and their postings are immutable (bokføringsloven § 10 and
bokføringsforskriften § 8-1: entries may not be changed or deleted; a correction is a new
entry). The model layer refuses ``save()`` on an existing voucher and ``delete()``; the
database refuses UPDATE and DELETE with triggers (migration ``0002``), so neither the ORM,
raw SQL from the app, the API nor the admin can alter a posted voucher.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fakturaflyt.ledger.error_codes import LedgerError, LedgerErrorCode

MONEY = {"max_digits": 18, "decimal_places": 2}


class ImmutableError(LedgerError):
    def __init__(self, what: str) -> None:
        super().__init__(
            LedgerErrorCode.IMMUTABLE,
            f"{what} is posted and cannot be changed or deleted; post a reversal (correction voucher) instead.",
        )


class AccountType(models.TextChoices):
    ASSET = "asset", _("Asset")
    EQUITY = "equity", _("Equity")
    LIABILITY = "liability", _("Liability")
    INCOME = "income", _("Income")
    EXPENSE = "expense", _("Expense")


class Account(models.Model):
    """A general-ledger account (NS 4102 numbering) with its SAF-T mapping."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="accounts")
    number = models.CharField(_("account"), max_length=6)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    account_type = models.CharField(_("type"), max_length=10, choices=AccountType.choices)
    standard_account = models.CharField(_("SAF-T standard account"), max_length=4, blank=True)
    grouping_category = models.CharField(_("SAF-T grouping category"), max_length=100, blank=True)
    grouping_code = models.CharField(_("SAF-T grouping code"), max_length=20, blank=True)
    default_vat_code = models.ForeignKey("VatCode", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("chart of accounts")
        ordering = ["company", "number"]
        constraints = [models.UniqueConstraint(fields=["company", "number"], name="uniq_account_number")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def is_balance_sheet(self) -> bool:
        return self.number[:1] in {"1", "2"}


class VatDirection(models.TextChoices):
    NONE = "none", _("No VAT")
    INPUT = "input", _("Input VAT (purchases)")
    OUTPUT = "output", _("Output VAT (sales)")
    IMPORT = "import", _("Import of goods")
    REVERSE = "reverse", _("Reverse charge (purchases)")


class VatCode(models.Model):
    """A VAT code (mva-kode) with its rate and its SAF-T standard tax code."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="vat_codes")
    code = models.CharField(_("code"), max_length=6)
    name = models.CharField(_("name"), max_length=200)
    rate = models.DecimalField(_("rate (%)"), max_digits=5, decimal_places=2)
    direction = models.CharField(_("direction"), max_length=10, choices=VatDirection.choices)
    standard_tax_code = models.CharField(_("SAF-T standard tax code"), max_length=4)
    vat_account = models.CharField(_("VAT account"), max_length=6, blank=True)
    contra_vat_account = models.CharField(
        _("contra VAT account"),
        max_length=6,
        blank=True,
        help_text=_("For reverse charge and import: the output VAT account credited against the input VAT."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("VAT code")
        verbose_name_plural = _("VAT codes")
        ordering = ["company", "code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="uniq_vat_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name} ({self.rate} %)"


class Dimension(models.Model):
    """A coding dimension of the company's books, known by a short code."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="%(class)ss")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["company", "code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="uniq_%(class)s_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Department(Dimension):
    """Avdeling / cost centre."""

    class Meta(Dimension.Meta):
        verbose_name = _("department")
        verbose_name_plural = _("departments")


class Project(Dimension):
    """Prosjekt: a dimension for costs and income, optionally for one customer."""

    customer = models.ForeignKey("receivables.Customer", on_delete=models.PROTECT, null=True, blank=True)

    class Meta(Dimension.Meta):
        verbose_name = _("project")
        verbose_name_plural = _("projects")


class NumberSeries(models.Model):
    """A voucher number series (bilagsserie), numbered gaplessly per year from 1."""

    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="number_series")
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("number series")
        verbose_name_plural = _("number series")
        ordering = ["company", "code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="uniq_series_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class NumberCounter(models.Model):
    """The last number used in a series for a year; locked FOR UPDATE while a voucher is posted."""

    series = models.ForeignKey(NumberSeries, on_delete=models.PROTECT, related_name="counters")
    year = models.PositiveIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="uniq_counter_year")]

    def __str__(self) -> str:
        return f"{self.series.code} {self.year}: {self.last_number}"


class PostingQuerySet(models.QuerySet["Posting"]):
    def update(self, **kwargs: object) -> int:
        raise ImmutableError("A posting")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableError("A posting")


class VoucherQuerySet(models.QuerySet["Voucher"]):
    def update(self, **kwargs: object) -> int:
        raise ImmutableError("A voucher")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableError("A voucher")


class Voucher(models.Model):
    """A posted voucher (bilag). Only posted vouchers live here, and they never change."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="vouchers")
    series = models.ForeignKey(NumberSeries, on_delete=models.PROTECT, related_name="vouchers")
    year = models.PositiveIntegerField()
    number = models.PositiveIntegerField()
    date = models.DateField(_("voucher date"))
    description = models.CharField(_("description"), max_length=300)
    source = models.CharField(_("source"), max_length=30, default="manual")
    source_ref = models.CharField(_("source reference"), max_length=100, blank=True)
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    posted_at = models.DateTimeField(_("posted at"))
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    objects = models.Manager.from_queryset(VoucherQuerySet)()

    class Meta:
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        ordering = ["company", "-date", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["company", "series", "year", "number"], name="uniq_voucher_number"),
        ]
        indexes = [models.Index(fields=["company", "date"])]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """``AP 2026-17``: series, year and number, as shown on screen and in SAF-T."""
        return f"{self.series.code} {self.year}-{self.number}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ImmutableError(f"Voucher {self.label}")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ImmutableError(f"Voucher {self.label}")


class Posting(models.Model):
    """One line of a voucher: an amount on an account, debit or credit, with VAT code and dimensions."""

    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="postings")
    line = models.PositiveSmallIntegerField()
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="postings")
    description = models.CharField(_("description"), max_length=300, blank=True)
    debit = models.DecimalField(_("debit"), default=Decimal("0.00"), **MONEY)
    credit = models.DecimalField(_("credit"), default=Decimal("0.00"), **MONEY)
    vat_code = models.ForeignKey(VatCode, on_delete=models.PROTECT, null=True, blank=True)
    vat_base = models.DecimalField(_("VAT base"), null=True, blank=True, **MONEY)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True)
    project = models.ForeignKey(Project, on_delete=models.PROTECT, null=True, blank=True)
    supplier = models.ForeignKey("payables.Supplier", on_delete=models.PROTECT, null=True, blank=True)
    customer = models.ForeignKey("receivables.Customer", on_delete=models.PROTECT, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="NOK")
    currency_amount = models.DecimalField(_("amount in currency"), null=True, blank=True, **MONEY)
    exchange_rate = models.DecimalField(_("exchange rate"), max_digits=14, decimal_places=6, null=True, blank=True)

    objects = models.Manager.from_queryset(PostingQuerySet)()

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        ordering = ["voucher", "line"]
        constraints = [
            models.UniqueConstraint(fields=["voucher", "line"], name="uniq_posting_line"),
            models.CheckConstraint(
                condition=(models.Q(debit__gt=0, credit=0) | models.Q(debit=0, credit__gt=0)),
                name="posting_debit_xor_credit",
            ),
        ]
        indexes = [models.Index(fields=["account", "voucher"])]

    def __str__(self) -> str:
        return f"{self.account.number} D {self.debit} K {self.credit}"

    @property
    def amount(self) -> Decimal:
        """Signed amount: debit positive, credit negative."""
        return self.debit - self.credit

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ImmutableError("A posting")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ImmutableError("A posting")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: object) -> int:
        raise LedgerError(LedgerErrorCode.AUDIT_APPEND_ONLY, "The audit log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise LedgerError(LedgerErrorCode.AUDIT_APPEND_ONLY, "The audit log is append-only.")


class AuditEvent(models.Model):
    """One business action, hash-chained per company (see :mod:`fakturaflyt.core.auditchain`)."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="audit_events")
    seq = models.PositiveBigIntegerField()
    at = models.DateTimeField()
    # PROTECT, not SET_NULL: the log never changes, so a user who acted is deactivated, not deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=100, blank=True)
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = models.Manager.from_queryset(AuditEventQuerySet)()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["company", "seq"]
        constraints = [models.UniqueConstraint(fields=["company", "seq"], name="uniq_audit_seq")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type} {self.object_id}"

    def content(self) -> dict[str, object]:
        """What the hash covers: everything but the hashes themselves."""
        return {
            "company": self.company_id,
            "seq": self.seq,
            "at": self.at.isoformat(),
            "actor": self.actor_label,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "data": self.data,
        }

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise LedgerError(LedgerErrorCode.AUDIT_APPEND_ONLY, "The audit log is append-only.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise LedgerError(LedgerErrorCode.AUDIT_APPEND_ONLY, "The audit log is append-only.")


class AuditHead(models.Model):
    """The newest event of a company's chain; locked while appending, and lets verify see a cut-off tail."""

    company = models.OneToOneField("companies.Company", on_delete=models.PROTECT, primary_key=True, related_name="+")
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit head {self.company_id}: {self.seq}"


class RateSource(models.TextChoices):
    NORGES_BANK = "norges-bank", _("Norges Bank")
    DEMO = "demo", _("Demo values")
    MANUAL = "manual", _("Entered by hand")


class ExchangeRate(models.Model):
    """A reference exchange rate: NOK per ONE unit of ``currency`` on ``day``.

    Global, not per company: Norges Bank's reference rates (valutakurser) are public. Used
    to value foreign-currency amounts in NOK at the rate of the transaction date (good
    accounting practice; regnskapsloven § 5-9 for monetary items at year end) and to find
    the currency difference (agio/disagio) against what the bank or card issuer charged.
    Norges Bank's "per 100 units" quotes (SEK, DKK, JPY ...) are stored per one unit.
    """

    currency = models.CharField(_("currency"), max_length=3)
    day = models.DateField(_("date"))
    rate = models.DecimalField(_("rate (NOK per unit)"), max_digits=18, decimal_places=6)
    source = models.CharField(_("source"), max_length=20, choices=RateSource.choices, default=RateSource.NORGES_BANK)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-day"]
        constraints = [models.UniqueConstraint(fields=["currency", "day"], name="uniq_exchange_rate_day")]

    def __str__(self) -> str:
        return f"{self.currency} {self.day.isoformat()} {self.rate}"


class SaftImportStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    PREVIEWED = "previewed", _("Previewed")
    POSTED = "posted", _("Posted")
    REFUSED = "refused", _("Refused")


class SaftImport(models.Model):
    """A SAF-T Financial file received to take over the chart of accounts and opening balances (issue 10).

    The bytes are kept (:class:`~fakturaflyt.payables.models.StoredFile`) before anything reads
    them, also when the file is refused; a preview can be posted later from the stored bytes
    with the options chosen here. See :mod:`fakturaflyt.ledger.saft_import`.
    """

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="saft_imports")
    file = models.ForeignKey("payables.StoredFile", on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    use = models.CharField(_("balances used"), max_length=10, default="opening")
    as_of = models.DateField(_("opening balance date"), null=True, blank=True)
    difference_account = models.CharField(_("account for a difference"), max_length=6, blank=True)
    force_orgnr = models.BooleanField(_("another organisation number accepted"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=SaftImportStatus.choices, default=SaftImportStatus.RECEIVED
    )
    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    report = models.JSONField(_("report"), default=dict, blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("SAF-T import")
        verbose_name_plural = _("SAF-T imports")
        ordering = ["company", "-created_at"]

    def __str__(self) -> str:
        return f"SAF-T {self.filename} ({self.status})"
