"""Small forms shared by the pages: a reporting period (from/to)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    """The browser's date picker (also on phones); the value is ISO ``YYYY-MM-DD``."""

    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class PeriodForm(forms.Form):
    """A period filter read from the query string. Empty fields fall back to the defaults."""

    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if isinstance(start, date) and isinstance(end, date) and start > end:
            raise forms.ValidationError(_("The period starts after it ends."), code="period")
        return data


def this_year() -> tuple[date, date]:
    """1 January to 31 December of the current year (Europe/Oslo)."""
    today = timezone.localdate()
    return date(today.year, 1, 1), date(today.year, 12, 31)


def period_from(data: QueryDict, form_class: type[PeriodForm] = PeriodForm, **kwargs: object) -> PeriodForm:
    """Bind ``form_class`` to the query string, or leave it unbound (showing initial values) when empty."""
    return form_class(data if data else None, **kwargs)  # type: ignore[arg-type]
