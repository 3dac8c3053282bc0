"""Ledger pages: vouchers (bilag), trial balance (saldobalanse), account ledger (hovedbok), chart of accounts.

Every page needs :attr:`Perm.VIEW_LEDGER` and reads only the active company's rows (through
``scoped``); a voucher of another company answers 404. Posted vouchers cannot be edited or
deleted: the only action is a reversal (correction voucher), which needs :attr:`Perm.POST_VOUCHER`.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from fakturaflyt.companies.decorators import company_view
from fakturaflyt.companies.models import Membership
from fakturaflyt.companies.permissions import has_perm, scoped
from fakturaflyt.companies.roles import Perm
from fakturaflyt.core.errors import FakturaflytError
from fakturaflyt.ledger import reports, services
from fakturaflyt.ledger.models import Account, NumberSeries, Voucher
from fakturaflyt.web.forms import DateInput, PeriodForm, period_from, this_year

VOUCHERS_PER_PAGE = 50
ZERO = Decimal("0.00")


class VoucherFilterForm(PeriodForm):
    series = forms.ModelChoiceField(
        label=_("Series"), queryset=NumberSeries.objects.none(), required=False, empty_label=_("All series")
    )
    q = forms.CharField(label=_("Text"), required=False, max_length=100)

    def __init__(self, *args: object, membership: Membership, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["series"].queryset = scoped(NumberSeries.objects.all(), membership)  # type: ignore[attr-defined]


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the correction"), max_length=200)
    reversal_date = forms.DateField(
        label=_("Date of the reversal"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: the date of the original voucher."),
    )


@company_view(Perm.VIEW_LEDGER)
def voucher_list(request: HttpRequest) -> HttpResponse:
    m = request.membership  # type: ignore[attr-defined]
    form = period_from(request.GET, VoucherFilterForm, membership=m)
    qs = (
        scoped(Voucher.objects.all(), m)
        .select_related("series", "reverses__series", "reversed_by__series")
        .annotate(amount=Sum("postings__debit"))
        .order_by("-date", "series__code", "-number")
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["date_from"]:
            qs = qs.filter(date__gte=data["date_from"])
        if data["date_to"]:
            qs = qs.filter(date__lte=data["date_to"])
        if data["series"]:
            qs = qs.filter(series=data["series"])
        if data["q"]:
            qs = qs.filter(Q(description__icontains=data["q"]) | Q(source_ref__icontains=data["q"]))
    page = Paginator(qs, VOUCHERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "ledger/voucher_list.html", {"form": form, "page": page})


@company_view(Perm.VIEW_LEDGER)
def voucher_detail(request: HttpRequest, pk: int) -> HttpResponse:
    m = request.membership  # type: ignore[attr-defined]
    voucher = get_object_or_404(
        scoped(Voucher.objects.all(), m).select_related("series", "posted_by", "reverses__series"), pk=pk
    )
    postings = voucher.postings.select_related("account", "vat_code", "department", "project").order_by("line")
    totals = postings.aggregate(debit=Sum("debit"), credit=Sum("credit"))
    reversed_by = Voucher.objects.filter(reverses=voucher).select_related("series").first()
    # Only an ordinary voucher that has not been reversed yet can be reversed (ledger.services says why not).
    can_reverse = has_perm(m, Perm.POST_VOUCHER) and reversed_by is None and voucher.reverses_id is None
    context = {
        "voucher": voucher,
        "postings": postings,
        "total_debit": totals["debit"] or ZERO,
        "total_credit": totals["credit"] or ZERO,
        "reversed_by": reversed_by,
        "reverse_form": ReverseForm() if can_reverse else None,
    }
    return render(request, "ledger/voucher_detail.html", context)


@require_POST
@company_view(Perm.POST_VOUCHER)
def voucher_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    """Post the correction voucher for ``pk`` (ledger.services.reverse_voucher); the original is untouched."""
    m = request.membership  # type: ignore[attr-defined]
    voucher = get_object_or_404(scoped(Voucher.objects.all(), m).select_related("series"), pk=pk)
    form = ReverseForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("ledger:voucher", pk=voucher.pk)
    try:
        reversal = services.reverse_voucher(
            voucher,
            request.user,
            reversal_date=form.cleaned_data["reversal_date"],
            reason=form.cleaned_data["reason"],
        )
    except FakturaflytError as exc:
        for problem in exc.problems:
            messages.error(request, f"{problem.message} ({problem.code})")
        return redirect("ledger:voucher", pk=voucher.pk)
    messages.success(
        request,
        gettext("Voucher %(original)s was reversed by %(reversal)s.")
        % {"original": voucher.label, "reversal": reversal.label},
    )
    return redirect("ledger:voucher", pk=reversal.pk)


def _period(request: HttpRequest) -> tuple[PeriodForm, object, object]:
    """The period form and the dates to use: the form's, or this year when empty or invalid."""
    start, end = this_year()
    form = period_from(request.GET, PeriodForm, initial={"date_from": start, "date_to": end})
    if form.is_bound and form.is_valid():
        start = form.cleaned_data["date_from"] or start
        end = form.cleaned_data["date_to"] or end
    return form, start, end


@company_view(Perm.VIEW_LEDGER)
def trial_balance(request: HttpRequest) -> HttpResponse:
    m = request.membership  # type: ignore[attr-defined]
    form, start, end = _period(request)
    rows = reports.trial_balance(m.company, start, end)  # type: ignore[arg-type]
    totals = {
        "opening": sum((r.opening for r in rows), ZERO),
        "debit": sum((r.debit for r in rows), ZERO),
        "credit": sum((r.credit for r in rows), ZERO),
        "closing": sum((r.closing for r in rows), ZERO),
    }
    context = {"form": form, "rows": rows, "totals": totals, "date_from": start, "date_to": end}
    return render(request, "ledger/trial_balance.html", context)


@company_view(Perm.VIEW_LEDGER)
def account_ledger(request: HttpRequest) -> HttpResponse:
    m = request.membership  # type: ignore[attr-defined]
    form, start, end = _period(request)
    accounts = scoped(Account.objects.all(), m).filter(postings__isnull=False).distinct().order_by("number")
    number = request.GET.get("account", "").strip()
    context: dict[str, object] = {
        "form": form,
        "accounts": accounts,
        "date_from": start,
        "date_to": end,
        "account": None,
    }
    if number:
        account = get_object_or_404(scoped(Account.objects.all(), m), number=number)
        opening, rows = reports.account_ledger(m.company, account, start, end)  # type: ignore[arg-type]
        context.update(
            account=account,
            opening=opening,
            rows=rows,
            closing=rows[-1].balance if rows else opening,
            total_debit=sum((r.posting.debit for r in rows), ZERO),
            total_credit=sum((r.posting.credit for r in rows), ZERO),
        )
    return render(request, "ledger/account_ledger.html", context)


@company_view(Perm.VIEW_LEDGER)
def chart_of_accounts(request: HttpRequest) -> HttpResponse:
    m = request.membership  # type: ignore[attr-defined]
    q = request.GET.get("q", "").strip()[:100]
    accounts = scoped(Account.objects.all(), m).select_related("default_vat_code").order_by("number")
    if q:
        accounts = accounts.filter(
            Q(number__startswith=q) | Q(name__icontains=q) | Q(name_en__icontains=q) | Q(standard_account=q)
        )
    # htmx live search swaps only the table.
    template = "ledger/_account_table.html" if getattr(request, "htmx", False) else "ledger/accounts.html"
    return render(request, template, {"accounts": accounts, "q": q})
