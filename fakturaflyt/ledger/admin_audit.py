"""Audit events for changes made in the Django admin (master data: accounts, VAT codes, suppliers, ...).

Admin edits are business-data changes like any other, so they enter the company's hash chain
with before/after values. Rows without a company (users) are not in a company's chain.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.http import HttpRequest

from fakturaflyt.ledger import audit


def _company_of(obj: models.Model) -> Any:
    if obj._meta.model_name == "company":
        return obj
    return getattr(obj, "company", None)


def _state(obj: models.Model) -> dict[str, Any]:
    return {k: (str(v) if v is not None else None) for k, v in model_to_dict(obj).items() if not isinstance(v, list)}


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes write an audit event in the object's company."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = _state(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            company = _company_of(obj)
            if company is not None:
                action = f"{obj._meta.model_name}.{'changed' if change else 'created'}"
                audit.record(company, request.user, action, obj, before=before, after=_state(obj), via="admin")

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        company = _company_of(obj)
        before = _state(obj)
        with transaction.atomic():
            if company is not None and obj._meta.model_name != "company":
                audit.record(company, request.user, f"{obj._meta.model_name}.deleted", obj, before=before, via="admin")
            super().delete_model(request, obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Inline rows (memberships, bank accounts) are audited one by one like top-level saves."""
        with transaction.atomic():
            instances = formset.save(commit=False)
            for obj in formset.deleted_objects:
                company = _company_of(obj)
                if company is not None:
                    audit.record(
                        company, request.user, f"{obj._meta.model_name}.deleted", obj, before=_state(obj), via="admin"
                    )
                obj.delete()
            for obj in instances:
                existed = obj.pk is not None
                before = _state(type(obj).objects.get(pk=obj.pk)) if existed else None
                obj.save()
                company = _company_of(obj)
                if company is not None:
                    action = f"{obj._meta.model_name}.{'changed' if existed else 'created'}"
                    audit.record(company, request.user, action, obj, before=before, after=_state(obj), via="admin")
            formset.save_m2m()

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)
