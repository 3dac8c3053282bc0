"""SAF-T Financial import of opening balances and the chart of accounts (issue 10): the web page.

One page, ``ledger:saft_import``, needs :attr:`Perm.POST_VOUCHER` (the permission manual
vouchers need: accountants and administrators):

* ``GET``: the upload form (file; opening or closing balances; the date; an account for a
  difference; "the file may be for another org.nr"; "preview first", on by default) and the
  company's recent imports;
* ``POST action=upload``: stores and reads the file through
  :func:`fakturaflyt.ledger.saft_import.import_opening_balances` (a preview, unless "preview
  first" is unticked), then redirects to ``?import=<id>``;
* ``GET ?import=<id>``: the report of that import (this company's only, else 404): accounts
  created/kept/named differently, customers and suppliers, the tax-code mapping, the voucher
  lines with their totals and every problem; a preview has the "Post opening balances" button;
* ``POST action=confirm import_id=<id>``: posts the previewed import from its stored bytes.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fakturaflyt.companies.decorators import company_view
from fakturaflyt.companies.roles import Perm
from fakturaflyt.core.errors import FakturaflytError
from fakturaflyt.ledger import saft_import
from fakturaflyt.ledger.models import SaftImport, SaftImportStatus
from fakturaflyt.web.forms import DateInput

RECENT = 10


class SaftImportForm(forms.Form):
    file = forms.FileField(
        label=_("SAF-T Financial file"),
        help_text=_("The XML file exported from the old accounting system (SAF-T Financial 1.30, 1.20 or 1.10)."),
    )
    use = forms.ChoiceField(
        label=_("Balances to take over"),
        choices=[
            ("opening", _("Opening balances (dated the first day of the file's period)")),
            ("closing", _("Closing balances (dated the day after the file's period)")),
        ],
        initial="opening",
        widget=forms.RadioSelect,
    )
    as_of = forms.DateField(
        label=_("Date of the opening balances"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: from the file's period, as chosen above."),
    )
    difference_account = forms.CharField(
        label=_("Account for a difference"),
        required=False,
        max_length=6,
        help_text=_("Only when the file's balances do not sum to zero: the account that takes the difference."),
    )
    force_orgnr = forms.BooleanField(
        label=_("The file belongs to this company even if its organisation number differs"), required=False
    )
    preview = forms.BooleanField(label=_("Preview first (nothing is posted)"), required=False, initial=True)

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if (f.size or 0) > saft_import.MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("%(name)s is larger than %(max)d MB."),
                code="size",
                params={"name": f.name, "max": saft_import.MAX_FILE_BYTES // 2**20},
            )
        if not f.size:
            raise forms.ValidationError(_("%(name)s is empty."), code="empty", params={"name": f.name})
        return f


def _page(request: HttpRequest, form: SaftImportForm, imp: SaftImport | None, status: int = 200) -> HttpResponse:
    m = request.membership  # type: ignore[attr-defined]
    report = imp.report if imp is not None else None
    context = {
        "form": form,
        "imp": imp,
        "report": report,
        "problems": (report or {}).get("problems") or (imp.problems if imp is not None else []),
        "fatal": [p for p in ((report or {}).get("problems") or []) if p.get("severity") == "fatal"],
        "can_confirm": imp is not None and imp.status == SaftImportStatus.PREVIEWED,
        "recent": SaftImport.objects.filter(company=m.company).select_related("voucher__series")[:RECENT],
    }
    return render(request, "ledger/saft_import.html", context, status=status)


@company_view(Perm.POST_VOUCHER)
def import_page(request: HttpRequest) -> HttpResponse:
    m = request.membership  # type: ignore[attr-defined]
    if request.method == "POST" and request.POST.get("action") == "confirm":
        return _confirm(request)
    if request.method == "POST":
        form = SaftImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return _page(request, form, None, status=400)
        upload = form.cleaned_data["file"]
        data = form.cleaned_data
        try:
            report = saft_import.import_opening_balances(
                m.company,
                upload.read(),
                filename=upload.name or "",
                actor=request.user,
                as_of=data["as_of"],
                use=data["use"],
                dry_run=data["preview"],
                difference_account=data["difference_account"] or None,
                force_orgnr=data["force_orgnr"],
            )
        except saft_import.SaftImportError as exc:
            messages.error(request, gettext("The file was refused; nothing was created or posted."))
            return redirect(f"{reverse('ledger:saft_import')}?import={exc.report.import_id}")
        except FakturaflytError as exc:  # an option the form should have caught
            form.add_error(None, "; ".join(p.message for p in exc.problems))
            return _page(request, form, None, status=400)
        if report.posted:
            messages.success(
                request, gettext("Opening balances posted as voucher %(voucher)s.") % {"voucher": report.voucher}
            )
        elif not report.dry_run:
            messages.success(
                request, gettext("The chart of accounts and partners were taken over; no balance to post.")
            )
        return redirect(f"{reverse('ledger:saft_import')}?import={report.import_id}")
    imp = None
    if request.GET.get("import", "").isdecimal():
        imp = get_object_or_404(SaftImport, company=m.company, pk=int(request.GET["import"]))
    return _page(request, SaftImportForm(), imp)


def _confirm(request: HttpRequest) -> HttpResponse:
    m = request.membership  # type: ignore[attr-defined]
    pk = request.POST.get("import_id", "")
    imp = get_object_or_404(SaftImport, company=m.company, pk=int(pk) if pk.isdecimal() else 0)
    target = f"{reverse('ledger:saft_import')}?import={imp.pk}"
    if imp.status != SaftImportStatus.PREVIEWED:
        messages.error(request, gettext("This import is not a preview waiting to be posted."))
        return redirect(target)
    try:
        report = saft_import.confirm_import(imp, request.user)
    except saft_import.SaftImportError as exc:
        messages.error(
            request,
            gettext("The opening balances were not posted: %(reason)s")
            % {"reason": "; ".join(p.message for p in exc.problems)},
        )
        return redirect(target)
    if report.posted:
        messages.success(
            request, gettext("Opening balances posted as voucher %(voucher)s.") % {"voucher": report.voucher}
        )
    else:
        messages.success(request, gettext("The chart of accounts and partners were taken over; no balance to post."))
    return redirect(target)
