"""Forms of the receivables pages: the draft invoice with its lines, the credit note, customers, products."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fakturaflyt.companies.models import Company
from fakturaflyt.core.errors import FakturaflytError
from fakturaflyt.core.identifiers import normalise_orgnr
from fakturaflyt.receivables.models import Customer, DeliveryChannel, Product

# UN/ECE Recommendation 20 codes offered on lines and products; EHF needs the code, the paper the name.
UNIT_CHOICES = [
    ("C62", _("piece")),
    ("HUR", _("hour")),
    ("DAY", _("day")),
    ("MON", _("month")),
    ("ANN", _("year")),
    ("KGM", _("kilogram")),
    ("LTR", _("litre")),
    ("MTR", _("metre")),
    ("MTK", _("square metre")),
    ("KMT", _("kilometre")),
]


def vat_code_choices(company: Company, *, short: bool = False) -> list[tuple[str, str]]:
    """The company's VAT codes for sales (output, and outside the VAT act), as ``code – name (rate %)``
    (``code · rate %`` when ``short``, for the narrow column of an invoice line)."""
    from fakturaflyt.ledger.models import VatCode

    codes = VatCode.objects.filter(company=company, is_active=True).filter(direction__in=["output", "none"])
    out = []
    for vc in codes.order_by("code"):
        if vc.direction == "none" and vc.code not in {"6", "7"}:
            continue
        rate = f"{vc.rate.normalize():f}".replace(".", ",")
        out.append((vc.code, f"{vc.code} · {rate} %" if short else f"{vc.code} – {vc.name} ({rate} %)"))
    return out or [("3", "3 – 25 %")]


def vat_rates(company: Company) -> dict[str, Decimal]:
    from fakturaflyt.ledger.models import VatCode

    return dict(VatCode.objects.filter(company=company).values_list("code", "rate"))


class CustomerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.number})"


class DraftForm(forms.Form):
    customer = CustomerChoiceField(queryset=Customer.objects.none(), label=_("Customer"))
    issue_date = forms.DateField(
        label=_("Invoice date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the day it is issued."),
    )
    delivery_date = forms.DateField(
        label=_("Delivery date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    buyer_reference = forms.CharField(label=_("Their reference"), max_length=100, required=False)
    order_reference = forms.CharField(label=_("Order reference"), max_length=100, required=False)
    note = forms.CharField(label=_("Note on the invoice"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.filter(company=company, is_active=True).order_by("name")  # type: ignore[attr-defined]


class LineForm(forms.Form):
    product = forms.ModelChoiceField(queryset=Product.objects.none(), label=_("Product"), required=False)
    description = forms.CharField(label=_("Description"), max_length=300)
    quantity = forms.DecimalField(
        label=_("Quantity"),
        max_digits=14,
        decimal_places=4,
        initial=Decimal("1"),
        localize=True,
        widget=forms.TextInput,
    )
    unit_code = forms.ChoiceField(label=_("Unit"), choices=UNIT_CHOICES, initial="C62")
    unit_price = forms.DecimalField(
        label=_("Unit price"), max_digits=14, decimal_places=4, localize=True, widget=forms.TextInput
    )
    discount_percent = forms.DecimalField(
        label=_("Discount %"),
        max_digits=5,
        decimal_places=2,
        required=False,
        min_value=0,
        max_value=100,
        localize=True,
        widget=forms.TextInput,
    )
    vat_code = forms.ChoiceField(label=_("VAT"), choices=())
    revenue_account = forms.CharField(label=_("Account"), max_length=6, initial="3000")

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(company=company, is_active=True)  # type: ignore[attr-defined]
        self.fields["vat_code"].choices = vat_code_choices(company, short=True)  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            field.widget.attrs.setdefault("aria-label", str(field.label))
            if name in {"quantity", "unit_price", "discount_percent"}:
                field.widget.attrs.update({"inputmode": "decimal", "class": "num"})
        self.fields["product"].widget.attrs["class"] = "line-product"


class BaseLineFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        if not any(f.cleaned_data and not f.cleaned_data.get("DELETE") for f in self.forms):
            raise ValidationError(_("An invoice needs at least one line."))


LineFormSet = forms.formset_factory(LineForm, formset=BaseLineFormSet, extra=0, can_delete=True, min_num=1)


class CreditForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the credit note"),
        max_length=300,
        help_text=_("Printed on the credit note, e.g. 'Wrong number of hours'."),
    )


class CustomerForm(forms.ModelForm):
    orgnr = forms.CharField(label=_("Organisation number"), max_length=20, required=False)

    class Meta:
        model = Customer
        fields = [
            "name",
            "orgnr",
            "vat_id",
            "is_consumer",
            "address_line",
            "postal_code",
            "city",
            "country",
            "channel",
            "email",
            "peppol_id",
            "language",
            "currency",
            "payment_terms_days",
            "reference",
            "is_active",
        ]

    def clean_orgnr(self) -> str:
        value = (self.cleaned_data.get("orgnr") or "").replace(" ", "")
        if not value:
            return ""
        try:
            return normalise_orgnr(value)
        except FakturaflytError:
            raise ValidationError(_("%(value)s is not a valid organisation number."), params={"value": value}) from None

    def clean_currency(self) -> str:
        value = (self.cleaned_data.get("currency") or "NOK").strip().upper()
        if len(value) != 3 or not value.isalpha():
            raise ValidationError(_("Use a three-letter currency code such as NOK or EUR."))
        return value

    def clean_peppol_id(self) -> str:
        value = (self.cleaned_data.get("peppol_id") or "").strip()
        if value and (":" not in value or not value.split(":", 1)[0].isdecimal()):
            raise ValidationError(_("A Peppol id is scheme:identifier, e.g. 0192:923609016."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        channel = data.get("channel")
        if channel == DeliveryChannel.EMAIL and not data.get("email"):
            self.add_error("email", _("Invoices by e-mail need an e-mail address."))
        if channel == DeliveryChannel.EHF and not (data.get("peppol_id") or data.get("orgnr")):
            self.add_error("peppol_id", _("EHF needs a Peppol id or the customer's organisation number."))
        if not data.get("is_consumer") and not data.get("orgnr") and data.get("country", "NO") == "NO":
            self.add_error("orgnr", _("A Norwegian business customer needs its organisation number."))
        return data


class ProductForm(forms.ModelForm):
    unit_code = forms.ChoiceField(label=_("Unit"), choices=UNIT_CHOICES)
    vat_code = forms.ChoiceField(label=_("VAT code"), choices=())

    class Meta:
        model = Product
        fields = ["code", "name", "description", "unit_code", "price", "revenue_account", "vat_code", "is_active"]

    def __init__(self, *args: Any, company: Company, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.company = company
        self.fields["vat_code"].choices = vat_code_choices(company)  # type: ignore[attr-defined]

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        clash = Product.objects.filter(company=self.company, code=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("Another product has number %(code)s."), params={"code": code})
        return code

    def clean_revenue_account(self) -> str:
        from fakturaflyt.ledger.models import Account

        account = self.cleaned_data["revenue_account"].strip()
        if not Account.objects.filter(company=self.company, number=account).exists():
            raise ValidationError(
                _("Account %(account)s is not in the chart of accounts."), params={"account": account}
            )
        return account
