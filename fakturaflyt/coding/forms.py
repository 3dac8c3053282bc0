"""Forms of the coding pages: one line's coding, a company rule, and the touchless settings.

Codes may be typed or picked as "6551" or "6551 Datautstyr" (what the type-ahead list shows);
the forms keep the code. Whether a code may be used on a line is the service's decision
(:class:`~fakturaflyt.coding.services.CodingError` names the field); a rule is checked here,
against the company's active codes, because it is saved as typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fakturaflyt.coding.models import TARGETS, CodingRule, CodingSettings, RuleKind, TouchlessMode
from fakturaflyt.coding.presenters import TARGET_LABELS, to_code
from fakturaflyt.payables.models import Supplier

Options = Mapping[str, list[tuple[str, str]]]


class LineForm(forms.Form):
    """The four targets of one line as posted from its row."""

    account = forms.CharField(label=_("Account"), required=False, max_length=250)
    vat_code = forms.CharField(label=_("VAT code"), required=False, max_length=250)
    department = forms.CharField(label=_("Department"), required=False, max_length=250)
    project = forms.CharField(label=_("Project"), required=False, max_length=250)

    def __init__(self, *args: Any, options: Options, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.options = options

    def coding(self) -> dict[str, str]:
        """The posted coding, codes only (valid after ``is_valid()``)."""
        data = self.cleaned_data
        return {t: to_code(data.get(t) or "", (c for c, _n in self.options.get(t, []))) for t in TARGETS}

    def first_error(self) -> tuple[str, str]:
        for name, errors in self.errors.items():
            return name, str(errors[0])
        return "", ""


class RuleForm(forms.ModelForm):
    """A supplier's default coding or a keyword rule; the targets left empty are not set by the rule."""

    kind = forms.ChoiceField(label=_("Kind"), choices=RuleKind.choices, widget=forms.RadioSelect)
    # Longer than the model's fields: "6551 Datautstyr" is cut to the code in clean().
    account = forms.CharField(label=_("Account"), required=False, max_length=250)
    vat_code = forms.CharField(label=_("VAT code"), required=False, max_length=250)
    department = forms.CharField(label=_("Department"), required=False, max_length=250)
    project = forms.CharField(label=_("Project"), required=False, max_length=250)

    class Meta:
        model = CodingRule
        fields = ["kind", "supplier", "keyword", "account", "vat_code", "department", "project"]

    def __init__(self, *args: Any, company: Any, options: Options, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.company = company
        self.options = options
        supplier = self.fields["supplier"]
        assert isinstance(supplier, forms.ModelChoiceField)
        supplier.queryset = Supplier.objects.filter(company=company, is_active=True).order_by("name")
        supplier.label = gettext("Supplier")
        supplier.empty_label = gettext("Choose a supplier")
        for target in TARGETS:
            self.fields[target].widget.attrs.update({"list": f"dl-{target}", "autocomplete": "off"})
        self.fields["keyword"].widget.attrs["placeholder"] = gettext("e.g. husleie")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == RuleKind.SUPPLIER and not data.get("supplier"):
            self.add_error("supplier", gettext("Choose the supplier the rule is for."))
        if kind == RuleKind.KEYWORD:
            keyword = " ".join((data.get("keyword") or "").split()).casefold()
            if len(keyword) < 3:
                self.add_error("keyword", gettext("Write a word of at least three letters to look for in the text."))
            data["keyword"] = keyword
        if kind == RuleKind.SUPPLIER:
            data["keyword"] = ""
        else:
            data["supplier"] = None
        chosen = False
        for target in TARGETS:
            codes = [c for c, _n in self.options.get(target, [])]
            value = to_code(data.get(target) or "", codes)
            if value and value not in codes:
                self.add_error(
                    target,
                    gettext("%(value)s is no active %(target)s of this company.")
                    % {"value": value, "target": str(TARGET_LABELS[target]).lower()},
                )
            data[target] = value
            chosen = chosen or bool(value)
        if not chosen:
            self.add_error("account", gettext("Give at least an account, a VAT code, a department or a project."))
        return data

    def save(self, commit: bool = True) -> CodingRule:
        rule: CodingRule = super().save(commit=False)
        rule.company = self.company
        for name in ("keyword", "supplier", *TARGETS):
            setattr(rule, name, self.cleaned_data.get(name) or ("" if name != "supplier" else None))
        if commit:
            rule.save()
        return rule


class PercentField(forms.DecimalField):
    """A share shown and typed in per cent ("98" or "98,5"), kept as a fraction (0.985)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 6)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("50"))
        kwargs.setdefault("max_value", Decimal("100"))
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal) and value <= 1:
            value = (value * 100).normalize()
            return super().prepare_value(value.quantize(Decimal("1")) if value == value.to_integral() else value)
        return super().prepare_value(value)

    def clean(self, value: Any) -> Decimal | None:
        number = super().clean(value)
        return None if number is None else (number / 100).quantize(Decimal("0.0001"))


class SettingsForm(forms.ModelForm):
    """The company's touchless policy."""

    target_precision = PercentField(
        label=_("Required precision (%)"),
        help_text=_("Measured mode: the lowest confidence whose past suggestions were right at least this often."),
    )
    fixed_threshold = PercentField(
        label=_("Fixed threshold (%)"),
        required=False,
        help_text=_("Fixed mode: lines whose every suggestion is at least this confident are coded automatically."),
    )

    class Meta:
        model = CodingSettings
        fields = ["mode", "target_precision", "fixed_threshold", "window_days", "min_rows"]
        widgets = {"mode": forms.RadioSelect}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["window_days"].widget.attrs.update({"min": 7, "max": 730})
        self.fields["min_rows"].widget.attrs.update({"min": 10})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mode") == TouchlessMode.FIXED and data.get("fixed_threshold") is None:
            self.add_error("fixed_threshold", gettext("Give the threshold for fixed mode."))
        days = data.get("window_days")
        if days is not None and not 7 <= days <= 730:
            self.add_error("window_days", gettext("Choose between 7 and 730 days."))
        return data
