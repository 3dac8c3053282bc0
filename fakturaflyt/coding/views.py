"""The coding queue (Kontering): confirm, correct and bulk-accept the engine's suggestions.

Viewing needs :attr:`Perm.VIEW_PAYABLES`, confirming and correcting :attr:`Perm.MANAGE_PAYABLES`.
Every line is looked up through ``scoped``, so another company's line answers 404. A row is
confirmed with an htmx POST; the answer redraws the whole table, because a correction teaches
the company's model at once and re-suggests the other queued lines of the same supplier (the
next similar line shows the learnt choice). Without JavaScript the same forms post and redirect.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from fakturaflyt.coding import presenters, services
from fakturaflyt.coding.error_codes import CodingError
from fakturaflyt.coding.forms import LineForm, RuleForm, SettingsForm
from fakturaflyt.coding.models import TARGETS, CodingLine, CodingRule, LineState, RuleKind
from fakturaflyt.companies.decorators import company_view
from fakturaflyt.companies.models import Membership
from fakturaflyt.companies.permissions import has_perm, scoped
from fakturaflyt.companies.roles import Perm
from fakturaflyt.payables.models import SupplierDocument

LINES_PER_PAGE = 50


def _lines(m: Membership) -> QuerySet[CodingLine]:
    return scoped(CodingLine.objects.all(), m).select_related("supplier", "document", "coded_by")


def _names(options: Mapping[str, list[tuple[str, str]]]) -> dict[str, dict[str, str]]:
    return {target: dict(pairs) for target, pairs in options.items()}


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


@company_view(Perm.VIEW_PAYABLES)
def queue(request: HttpRequest) -> HttpResponse:
    return _render_queue(request)


def queue_context(
    request: HttpRequest,
    *,
    posted: Mapping[int, Mapping[str, str]] | None = None,
    errors: Mapping[int, tuple[str, str]] | None = None,
    relearnt: tuple[int, ...] = (),
    notice: str = "",
    focus: int | None = None,
) -> dict[str, Any]:
    m: Membership = request.membership  # type: ignore[attr-defined]
    params = request.GET
    q = params.get("q", "").strip()[:100]
    sort = params.get("sort", "") if params.get("sort", "") in presenters.SORTS else "newest"
    lines = presenters.search(_lines(m), q)
    document = params.get("document", "")
    from_document = None
    if document.isdecimal():
        lines = lines.filter(document_id=int(document))
        from_document = scoped(SupplierDocument.objects.all(), m).filter(pk=int(document)).first()
    tabs = presenters.tabs_with_counts(lines)
    tab = presenters.tab_for(params.get("tab"))
    lines = lines.filter(state__in=tab.states).order_by(*presenters.SORTS[sort][1])
    page = Paginator(lines, LINES_PER_PAGE).get_page(params.get("page"))
    options = presenters.options(m.company)
    can_manage = has_perm(m, Perm.MANAGE_PAYABLES)
    return {
        "tabs": tabs,
        "tab": tab,
        "q": q,
        "sort": sort,
        "sorts": [(key, label) for key, (label, _order) in presenters.SORTS.items()],
        "document": document if document.isdecimal() else "",
        "from_document": from_document,
        "page": page,
        "rows": presenters.rows(page.object_list, _names(options), posted=posted, errors=errors, relearnt=relearnt),
        "targets": [(t, presenters.TARGET_LABELS[t]) for t in TARGETS],
        "options": options,
        "can_manage": can_manage,
        "can_bulk": can_manage and tab.key == "queued",
        "threshold": presenters.threshold_summary(m.company),
        "notice": notice,
        "focus": focus,
    }


def _render_queue(request: HttpRequest, status: int = 200, **kwargs: Any) -> HttpResponse:
    context = queue_context(request, **kwargs)
    # htmx swaps only the results (tabs, table, notice); a plain request gets the page.
    template = "coding/_results.html" if _htmx(request) else "coding/queue.html"
    return render(request, template, context, status=status)


def _back(request: HttpRequest) -> HttpResponse:
    query = request.GET.urlencode()
    return redirect(reverse("coding:queue") + (f"?{query}" if query else ""))


def _line(request: HttpRequest, pk: int) -> CodingLine:
    return get_object_or_404(_lines(request.membership), pk=pk)  # type: ignore[attr-defined]


@require_POST
@company_view(Perm.MANAGE_PAYABLES)
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm one line as shown (accept the suggestion) or with the corrected values typed in its row."""
    m: Membership = request.membership  # type: ignore[attr-defined]
    line = _line(request, pk)
    options = presenters.options(m.company)
    form = LineForm(request.POST, options=options)
    if not form.is_valid():
        field, message = form.first_error()
        return _failed(request, line, {t: request.POST.get(t, "") for t in TARGETS}, field, message)
    coding = form.coding()
    accept = request.POST.get("action") == "accept" or coding == line.coding()
    # The other queued lines of this supplier are re-suggested by the service; mark those that changed.
    before = _siblings(m, line)
    try:
        services.confirm_line(line, request.user, None if accept else coding)
    except CodingError as exc:
        return _failed(request, line, coding, exc.field, presenters.error_message(exc, coding))
    line.refresh_from_db()
    relearnt = tuple(pk for pk, values in _siblings(m, line).items() if pk in before and before[pk] != values)
    chosen = _summary(line, _names(options))
    if line.state == LineState.CORRECTED:
        notice = gettext("Corrected: %(line)s → %(coding)s.") % {"line": _label(line), "coding": chosen}
    else:
        notice = gettext("Confirmed: %(line)s → %(coding)s.") % {"line": _label(line), "coding": chosen}
    if relearnt:
        notice += " " + ngettext(
            "%(count)d other line from this supplier got a new suggestion.",
            "%(count)d other lines from this supplier got a new suggestion.",
            len(relearnt),
        ) % {"count": len(relearnt)}
    if not _htmx(request):
        messages.success(request, notice)
        return _back(request)
    return _render_queue(request, relearnt=relearnt, notice=notice, focus=_row_index(request))


def _siblings(m: Membership, line: CodingLine) -> dict[int, tuple[str, ...]]:
    """The prefilled coding of the other queued lines of the line's supplier (to see which a correction changed)."""
    if line.supplier_id is None:
        return {}
    queued = _lines(m).filter(state=LineState.QUEUED, supplier_id=line.supplier_id).exclude(pk=line.pk)
    return {row[0]: tuple(row[1:]) for row in queued.values_list("pk", *TARGETS)[: LINES_PER_PAGE * 4]}


def _summary(line: CodingLine, names: Mapping[str, Mapping[str, str]]) -> str:
    """The chosen coding in a sentence: "6551 Datautstyr, mva-kode 1, avdeling 200"."""
    parts = [f"{line.account} {names['account'].get(line.account, '')}".strip()] if line.account else []
    for target in TARGETS[1:]:
        value = getattr(line, target)
        if value:
            parts.append(f"{str(presenters.TARGET_LABELS[target]).lower()} {value}")
    return ", ".join(parts) or "-"


def _label(line: CodingLine) -> str:
    supplier = line.supplier.name if line.supplier else str((line.line or {}).get("supplier_name") or "")
    return " · ".join(x for x in (supplier, line.description) if x) or f"#{line.pk}"


def _row_index(request: HttpRequest) -> int | None:
    raw = request.POST.get("row", "")
    return int(raw) if raw.isdecimal() else None


def _failed(request: HttpRequest, line: CodingLine, typed: Mapping[str, str], field: str, message: str) -> HttpResponse:
    """The row again with what was typed and the message next to the field at fault."""
    label = presenters.TARGET_LABELS.get(field)
    text = f"{label}: {message}" if label and not message.lower().startswith(str(label).lower()) else message
    if not _htmx(request):
        messages.error(request, f"{_label(line)}: {text}")
    # htmx does not swap 4xx answers by default; the row with its error is the answer, so 200 there.
    return _render_queue(
        request,
        status=200 if _htmx(request) else 400,
        posted={line.pk: dict(typed)},
        errors={line.pk: (field, text)},
        focus=_row_index(request),
    )


@require_POST
@company_view(Perm.MANAGE_PAYABLES)
def bulk_accept(request: HttpRequest) -> HttpResponse:
    """Accept the suggestions of the ticked lines as they are."""
    m: Membership = request.membership  # type: ignore[attr-defined]
    raw = request.POST.getlist("line")
    if not all(r.isdecimal() for r in raw):
        return HttpResponseBadRequest("bad line id")
    ids = sorted({int(r) for r in raw})
    if not ids:
        notice = gettext("Tick the lines whose suggestions you accept first.")
        if not _htmx(request):
            messages.warning(request, notice)
            return _back(request)
        return _render_queue(request, notice=notice)
    found = set(_lines(m).filter(pk__in=ids).values_list("pk", flat=True))
    if len(found) != len(ids):
        raise Http404("no such coding line")
    try:
        count = services.bulk_accept(m.company, request.user, ids)
    except CodingError as exc:
        message = presenters.error_message(exc, {})
        if not _htmx(request):
            messages.error(request, message)
            return _back(request)
        return _render_queue(request, notice=message)
    notice = ngettext("%(count)d suggestion accepted.", "%(count)d suggestions accepted.", count) % {"count": count}
    if not _htmx(request):
        messages.success(request, notice)
        return _back(request)
    return _render_queue(request, notice=notice)


# ---------------------------------------------------------------- rules and settings


@company_view(Perm.VIEW_PAYABLES)
def rules(request: HttpRequest) -> HttpResponse:
    return _render_rules(request)


def _render_rules(
    request: HttpRequest,
    *,
    rule_form: RuleForm | None = None,
    settings_form: SettingsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    m: Membership = request.membership  # type: ignore[attr-defined]
    company = m.company
    options = presenters.options(company)
    names = _names(options)
    can_manage = has_perm(m, Perm.MANAGE_PAYABLES)
    current = presenters.settings_of(company)
    rule_list = list(
        scoped(CodingRule.objects.all(), m)
        .select_related("supplier", "created_by")
        .order_by("-is_active", "kind", "supplier__name", "keyword")
    )
    context = {
        "rules": [
            {
                "rule": r,
                "targets": [
                    (presenters.TARGET_LABELS[t], getattr(r, t), names[t].get(getattr(r, t), ""))
                    for t in TARGETS
                    if getattr(r, t)
                ],
            }
            for r in rule_list
        ],
        "can_manage": can_manage,
        "rule_form": rule_form
        or (RuleForm(company=company, options=options, initial={"kind": RuleKind.SUPPLIER}) if can_manage else None),
        "settings_form": settings_form or (SettingsForm(instance=current) if can_manage else None),
        "settings": current,
        "required_precision": presenters.percent(current.target_precision, 1),
        "threshold": presenters.threshold_summary(company),
        "options": options,
    }
    return render(request, "coding/rules.html", context, status=status)


@require_POST
@company_view(Perm.MANAGE_PAYABLES)
def rule_add(request: HttpRequest) -> HttpResponse:
    m: Membership = request.membership  # type: ignore[attr-defined]
    form = RuleForm(request.POST, company=m.company, options=presenters.options(m.company))
    if not form.is_valid():
        return _render_rules(request, rule_form=form, status=400)
    fields = _rule_fields(form)
    try:
        rule = services.add_rule(m.company, request.user, **fields)
    except CodingError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, presenters.error_message(exc, fields))
        return _render_rules(request, rule_form=form, status=400)
    messages.success(request, gettext("The rule was added: %(rule)s.") % {"rule": _rule_label(rule)})
    return redirect("coding:rules")


def _rule_fields(form: RuleForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {"kind": data["kind"], "supplier": data.get("supplier"), "keyword": data.get("keyword") or ""} | {
        t: data.get(t) or "" for t in TARGETS
    }


def _rule_label(rule: CodingRule) -> str:
    what = rule.supplier.name if rule.kind == RuleKind.SUPPLIER and rule.supplier else f"«{rule.keyword}»"
    coding = ", ".join(getattr(rule, t) for t in TARGETS if getattr(rule, t))
    return f"{what} → {coding}"


@require_POST
@company_view(Perm.MANAGE_PAYABLES)
def rule_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate a rule (``active=0``) or take it into use again (``active=1``)."""
    m: Membership = request.membership  # type: ignore[attr-defined]
    rule = get_object_or_404(scoped(CodingRule.objects.all(), m), pk=pk)
    active = request.POST.get("active") == "1"
    services.set_rule_active(rule, request.user, active)
    if active:
        messages.success(request, gettext("The rule is in use again: %(rule)s.") % {"rule": _rule_label(rule)})
    else:
        messages.success(request, gettext("The rule was deactivated: %(rule)s.") % {"rule": _rule_label(rule)})
    return redirect("coding:rules")


@require_POST
@company_view(Perm.MANAGE_PAYABLES)
def settings_save(request: HttpRequest) -> HttpResponse:
    m: Membership = request.membership  # type: ignore[attr-defined]
    current = presenters.settings_of(m.company)
    form = SettingsForm(request.POST, instance=current)
    if not form.is_valid():
        return _render_rules(request, settings_form=form, status=400)
    try:
        services.update_settings(m.company, request.user, **form.cleaned_data)
    except CodingError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, presenters.error_message(exc, {}))
        return _render_rules(request, settings_form=form, status=400)
    messages.success(request, gettext("The settings for automatic coding were saved."))
    return redirect("coding:rules")
