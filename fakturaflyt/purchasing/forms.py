"""Forms of the purchasing pages: an order's head and lines, a goods receipt, a CSV file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from fakturaflyt.payables.models import Supplier

LINE_ROWS = 8


class OrderForm(forms.Form):
    number = forms.CharField(label=_("Order number"), max_length=50)
    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=Supplier.objects.none())
    order_date = forms.DateField(label=_("Order date"), widget=forms.DateInput(attrs={"type": "date"}))
    requested_by = forms.ModelChoiceField(
        label=_("Requested by"), queryset=get_user_model().objects.none(), required=False
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, company: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        supplier = self.fields["supplier"]
        requester = self.fields["requested_by"]
        assert isinstance(supplier, forms.ModelChoiceField) and isinstance(requester, forms.ModelChoiceField)
        supplier.queryset = Supplier.objects.filter(company=company, is_active=True).order_by("name")
        requester.queryset = (
            get_user_model()
            .objects.filter(memberships__company=company, memberships__is_active=True)
            .order_by("username")
            .distinct()
        )


class OrderLineForm(forms.Form):
    item_id = forms.CharField(label=_("Item number"), max_length=100, required=False)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    quantity = forms.CharField(label=_("Quantity"), max_length=30, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=3, required=False, initial="EA")
    unit_price = forms.CharField(label=_("Unit price"), max_length=30, required=False)
    account = forms.CharField(label=_("Account"), max_length=6, required=False)
    vat_code = forms.CharField(label=_("VAT code"), max_length=6, required=False)
    department = forms.CharField(label=_("Department"), max_length=20, required=False)
    project = forms.CharField(label=_("Project"), max_length=20, required=False)


OrderLineFormSet = forms.formset_factory(OrderLineForm, extra=LINE_ROWS, max_num=200)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))
