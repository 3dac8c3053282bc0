"""Forms of the inbox and the supplier portal: upload, reject, correct a field.

Uploads are checked only for what the web layer must refuse (no file, too large, a type
that is no invoice); whether the bytes really are a readable invoice is the intake's
business, which keeps what it cannot read in quarantine instead of refusing it.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from fakturaflyt.core.errors import FakturaflytError
from fakturaflyt.core.money import D
from fakturaflyt.payables.extracted import AMOUNT_FIELDS, DATE_FIELDS
from fakturaflyt.payables.uploads_guard import max_upload_bytes

#: Largest file the web upload accepts by default (an e-mailed scan of a long invoice stays well below);
#: the limit in force is ``FAKTURAFLYT_MAX_UPLOAD_MB`` (:func:`.uploads_guard.max_upload_bytes`).
MAX_UPLOAD_BYTES = 25 * 1024 * 1024
#: Most files in one request (Django's own limit, DATA_UPLOAD_MAX_NUMBER_FILES, is 100).
MAX_FILES = 50

#: What the accountant may upload: EHF/UBL XML, PDF, scans and photos, and zip or e-mail files holding them.
INBOX_TYPES = (".xml", ".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".zip", ".eml")
#: What a supplier may upload in the portal: the invoice itself, as EHF or PDF.
PORTAL_TYPES = (".xml", ".pdf")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files (``<input type=file multiple>``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        files = data if isinstance(data, (list, tuple)) else [data]
        files = [f for f in files if f]
        if not files:
            return [single(None, initial)] if self.required else []
        return [single(f, initial) for f in files]


class UploadForm(forms.Form):
    files = MultipleFileField(label=_("Files"))

    def __init__(self, *args: Any, allowed: tuple[str, ...] = INBOX_TYPES, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allowed = allowed
        self.fields["files"].widget.attrs["accept"] = ",".join(allowed)

    def clean_files(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise forms.ValidationError(
                _("Upload at most %(max)d files at a time."), code="too_many", params={"max": MAX_FILES}
            )
        for f in files:
            name = PurePath(f.name or "").name
            if not name.lower().endswith(self.allowed):
                raise forms.ValidationError(
                    _("%(name)s is not a file type that can be received here (%(types)s)."),
                    code="type",
                    params={"name": name, "types": ", ".join(self.allowed)},
                )
            limit = max_upload_bytes()  # FAKTURAFLYT_MAX_UPLOAD_MB
            if (f.size or 0) > limit:
                raise forms.ValidationError(
                    _("%(name)s is larger than %(max)d MB."),
                    code="size",
                    params={"name": name, "max": limit // (1024 * 1024)},
                )
            if not f.size:
                raise forms.ValidationError(_("%(name)s is empty."), code="empty", params={"name": name})
        return files


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for rejection"), max_length=300)


class FieldForm(forms.Form):
    """One extracted field corrected by hand; the value is checked and normalised by its kind."""

    value = forms.CharField(label=_("Value"), max_length=200, required=False)

    def __init__(self, *args: Any, name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.name = name

    def clean_value(self) -> str | None:
        text: str = self.cleaned_data["value"].strip()
        if not text:
            return None
        if self.name in DATE_FIELDS:
            return parse_date(text).isoformat()
        if self.name in AMOUNT_FIELDS:
            return str(parse_amount(text))
        if self.name == "currency":
            if not re.fullmatch(r"[A-Za-z]{3}", text):
                raise forms.ValidationError(_("Write the currency as a three-letter code, e.g. NOK."), code="currency")
            return text.upper()
        if self.name in {"supplier_orgnr", "bank_account", "kid"}:
            return re.sub(r"[\s.]", "", text)
        if self.name == "iban":
            return text.replace(" ", "").upper()
        return text


def parse_date(text: str) -> date:
    """31.01.2026, 31/01/2026, 2026-01-31 (the date input) as a date.

    >>> parse_date("31.1.2026"), parse_date("2026-01-31")
    (datetime.date(2026, 1, 31), datetime.date(2026, 1, 31))
    """
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d.%m.%y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise forms.ValidationError(_("Write the date as dd.mm.yyyy."), code="date")


def parse_amount(text: str) -> Decimal:
    """An amount as written in Norway or abroad: 1 234,50 / 1234.50 / 1.234,50 / 1,234.50.

    >>> [str(parse_amount(t)) for t in ("1 234,50", "1.234,50", "1,234.50", "-99")]
    ['1234.50', '1234.50', '1234.50', '-99.00']
    """
    compact = re.sub(r"[\s\u00a0\u2009']", "", text.replace("kr", "").replace("NOK", ""))
    if "," in compact and "." in compact:
        # The mark that comes last is the decimal mark; the other separates thousands.
        thousands = "." if compact.rfind(",") > compact.rfind(".") else ","
        compact = compact.replace(thousands, "")
    try:
        amount = D(compact.replace(",", ".") if compact.count(",") == 1 else compact)
        return amount.quantize(Decimal("0.01"))
    except (FakturaflytError, InvalidOperation):  # InvalidOperation: "1e999999" has no øre (found by fuzzing)
        raise forms.ValidationError(_("%(value)s is not an amount."), code="amount", params={"value": text}) from None
