"""Forms of the card inbox: the filters, the file upload and the reason for ignoring a charge.

A line's coding is posted with :class:`fakturaflyt.coding.forms.LineForm` (the same four
targets as the coding queue); whether a code may be used is the service's decision.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fakturaflyt.core.cards.statement import PRESETS

#: Readable names of the statement layouts (core.cards.statement.PRESETS); an unknown key shows as it is.
PRESET_LABELS = {
    "default": _("Default layout (date, time, merchant, amount, currency, amount_nok, card_holder, reference)"),
    "no-bank-semicolon": _("Norwegian bank export (semicolon, Dato;Tid;Forklaring;Beløp…)"),
    "no-card-semicolon": _("Norwegian card statement (semicolon, Kjøpsdato;Spesifikasjon;Kortholder…)"),
}


def preset_choices() -> list[tuple[str, Any]]:
    return [("", _("Recognise automatically"))] + [(key, PRESET_LABELS.get(key, key)) for key in PRESETS]


class UploadForm(forms.Form):
    """A card statement (CSV, camt.053/054) or a shop's order report; the service tells which it is."""

    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "Card statement (CSV, camt.053 or camt.054) or a shop's order report "
            "(Amazon Business order history, Amazon order history export)."
        ),
    )
    preset = forms.ChoiceField(
        label=_("Statement layout"),
        required=False,
        choices=preset_choices,
        help_text=_("Only for a CSV card statement; order reports and camt files are recognised by themselves."),
    )

    def clean_file(self) -> Any:
        from fakturaflyt.cards.services import MAX_FILE_BYTES

        f = self.cleaned_data["file"]
        name = f.name or ""
        if (f.size or 0) > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("%(name)s is larger than %(max)d MB."),
                code="size",
                params={"name": name, "max": MAX_FILE_BYTES // (1024 * 1024)},
            )
        if not f.size:
            raise forms.ValidationError(_("%(name)s is empty."), code="empty", params={"name": name})
        return f


class IgnoreForm(forms.Form):
    reason = forms.CharField(label=_("Reason for ignoring"), max_length=300, strip=True)


class InboxFilterForm(forms.Form):
    """The inbox filters (GET): status tab, card holder, free text and a date range (card dates, Europe/Oslo)."""

    status = forms.CharField(required=False, max_length=20)
    holder = forms.ChoiceField(label=_("Card holder"), required=False)
    q = forms.CharField(label=_("Search merchant, reference or item"), required=False, max_length=100)
    date_from = forms.DateField(
        label=_("From date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("To date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, holders: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        holder = self.fields["holder"]
        assert isinstance(holder, forms.ChoiceField)
        holder.choices = [("", gettext("All card holders"))] + [(h, h) for h in holders]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: date | None = data.get("date_from")
        end: date | None = data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", gettext("The to date is before the from date."))
        return data

    def value(self, name: str) -> Any:
        """The cleaned value of a filter, or empty when it was not valid (an invalid filter is not applied)."""
        if not self.is_bound:
            return None
        self.is_valid()  # cleans once; a field with an error is left out of cleaned_data
        return self.cleaned_data.get(name)
