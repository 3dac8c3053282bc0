"""Forms of the payments pages: a proposal's horizon, and a bank status file to import."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fakturaflyt.payments.models import PaymentFormat

MAX_BANK_FILE = 50 * 1024 * 1024


class ProposeForm(forms.Form):
    until = forms.DateField(
        label=_("Invoices due on or before"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Overdue invoices are included and paid at once."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["until"].initial = timezone.localdate() + timedelta(days=14)


class ExportForm(forms.Form):
    format = forms.ChoiceField(label=_("File format"), choices=PaymentFormat.choices, initial=PaymentFormat.PAIN_001_09)


class BankFileForm(forms.Form):
    file = forms.FileField(
        label=_("Status file from the bank"),
        help_text=_("pain.002 (accepted or rejected) or camt.054 / camt.053 (booked)."),
    )

    def clean_file(self) -> object:
        f = self.cleaned_data["file"]
        if f.size > MAX_BANK_FILE:
            raise forms.ValidationError(_("The file is too large."))
        return f
