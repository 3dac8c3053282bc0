"""Forms of the approval pages: reject with a reason, a comment, rules, substitutes, settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from fakturaflyt.approvals.models import Condition
from fakturaflyt.companies.roles import Perm, Role, permissions_of


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    shared_with_supplier = forms.BooleanField(label=_("Share with the supplier"), required=False)


def _approver_choices(company: Any) -> list[tuple[str, str]]:
    from fakturaflyt.approvals.services import _members

    return [("", "–")] + [(str(m.user_id), m.user.get_full_name() or m.user.get_username()) for m in _members(company)]


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    condition = forms.ChoiceField(label=_("Condition"), choices=Condition.choices)
    value = forms.CharField(
        label=_("Code"), max_length=50, required=False, help_text=_("Department, project, account or supplier org.nr.")
    )
    amount = forms.DecimalField(label=_("Amount over (NOK)"), max_digits=18, decimal_places=2, required=False)
    approver = forms.ChoiceField(label=_("Approver"), required=False)
    approver_role = forms.ChoiceField(label=_("or role"), required=False)

    def __init__(self, company: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["approver"].choices = _approver_choices(company)
        self.fields["approver_role"].choices = [("", "–")] + [
            (r.value, r.label) for r in Role if Perm.APPROVE in permissions_of(r.value)
        ]

    def approver_user(self) -> Any:
        pk = self.cleaned_data.get("approver")
        return get_user_model().objects.filter(pk=pk).first() if pk else None


class SubstituteForm(forms.Form):
    user = forms.ChoiceField(label=_("Away"))
    substitute = forms.ChoiceField(label=_("Substitute"))
    starts = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ends = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, company: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = _approver_choices(company)[1:]
        self.fields["user"].choices = choices
        self.fields["substitute"].choices = choices

    def user_of(self, name: str) -> Any:
        return get_user_model().objects.get(pk=self.cleaned_data[name])


class SettingsForm(forms.Form):
    sla_hours = forms.IntegerField(label=_("Time to approve (hours)"), min_value=1, max_value=1440)
    remind_by_email = forms.BooleanField(label=_("Remind by e-mail when it is overdue"), required=False)
