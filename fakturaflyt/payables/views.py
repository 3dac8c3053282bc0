"""Accounts payable pages: the inbox of received supplier documents, suppliers, and what is still to come.

The inbox (:attr:`Perm.VIEW_PAYABLES`) lists the company's documents by pipeline state; a
document's page shows the document itself beside what was read from it. Uploading needs
:attr:`Perm.UPLOAD_DOCUMENT` as well, correcting, retrying and rejecting
:attr:`Perm.MANAGE_PAYABLES`. Every query goes through ``scoped``, so another company's
document answers 404. The work is done by :mod:`.intake` and :mod:`.processing`; these views
check permission, call them and render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from fakturaflyt.companies.decorators import company_view
from fakturaflyt.companies.models import Membership
from fakturaflyt.companies.permissions import has_perm, require, scoped
from fakturaflyt.companies.roles import Perm
from fakturaflyt.core.errors import FakturaflytError
from fakturaflyt.payables import downloads, extracted, presenters, processing
from fakturaflyt.payables.error_codes import IntakeCode
from fakturaflyt.payables.forms import FieldForm, RejectForm, UploadForm
from fakturaflyt.payables.models import Channel, DocumentState, Supplier, SupplierDocument
from fakturaflyt.payables.uploads import receive_uploads, upload_response
from fakturaflyt.payables.viewer import viewer_context

DOCUMENTS_PER_PAGE = 50
# What a list row never shows: the parsed EHF model (kilobytes of JSON per row) and the like.
LIST_DEFERRED = ("ehf", "attachments", "problems")


def _documents(m: Membership) -> QuerySet[SupplierDocument]:
    return scoped(SupplierDocument.objects.all(), m).select_related("supplier", "receipt", "file")


def _document(request: HttpRequest, pk: int) -> SupplierDocument:
    return get_object_or_404(_documents(request.membership), pk=pk)  # type: ignore[attr-defined]


@company_view(Perm.VIEW_SUPPLIERS)
def supplier_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    suppliers = scoped(Supplier.objects.all(), request.membership).order_by("name")  # type: ignore[attr-defined]
    if q:
        suppliers = suppliers.filter(
            Q(name__icontains=q) | Q(orgnr__startswith=q.replace(" ", "")) | Q(city__icontains=q)
        )
    from fakturaflyt.payables.bank_changes import pending_count

    pending = pending_count(request.membership.company)  # type: ignore[attr-defined]
    return render(request, "payables/supplier_list.html", {"suppliers": suppliers, "q": q, "pending_changes": pending})


# ---------------------------------------------------------------- inbox


@company_view(Perm.VIEW_PAYABLES)
def inbox(request: HttpRequest) -> HttpResponse:
    m = request.membership  # type: ignore[attr-defined]
    q = request.GET.get("q", "").strip()[:100]
    documents = _documents(m)
    if q:
        documents = documents.filter(
            Q(supplier__name__icontains=q)
            | Q(invoice_number__icontains=q)
            | Q(receipt__filename__icontains=q)
            | Q(receipt__sender__icontains=q)
            | Q(kid__startswith=q)
        )
    tabs = presenters.tabs_with_counts(documents)
    tab = presenters.tab_for(request.GET.get("state"))
    if tab.states:
        documents = documents.filter(state__in=tab.states)
    documents = documents.order_by("-receipt__received_at", "-pk").defer(*LIST_DEFERRED)
    page = Paginator(documents, DOCUMENTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [_row(d) for d in page.object_list]
    context: dict[str, Any] = {
        "tabs": tabs,
        "tab": tab,
        "q": q,
        "page": page,
        "rows": rows,
        "pending": any(r["badge"].value in presenters.PENDING_STATES for r in rows),
        "upload_form": UploadForm() if has_perm(m, Perm.UPLOAD_DOCUMENT) else None,
    }
    # htmx (the upload script, the auto-refresh) swaps only the tabs and the table.
    template = "payables/_inbox_results.html" if getattr(request, "htmx", False) else "payables/inbox.html"
    return render(request, template, context)


def _row(document: SupplierDocument) -> dict[str, Any]:
    return {
        "document": document,
        "supplier": presenters.supplier_label(document),
        "badge": presenters.state_badge(document.state),
    }


@require_POST
@company_view(Perm.VIEW_PAYABLES)
def upload(request: HttpRequest) -> HttpResponse:
    """Receive one or more files through the accountant's upload (channel ``upload``)."""
    m = _also(request, Perm.UPLOAD_DOCUMENT)
    form = UploadForm(request.POST, request.FILES)
    result = receive_uploads(form, m, channel=Channel.UPLOAD, supplier=None)
    return upload_response(request, result, redirect_to="payables:inbox", detail_url="payables:document")


def _also(request: HttpRequest, perm: Perm) -> Membership:
    """A second permission for a view behind ``company_view``: 403 with the usual message when missing."""
    m: Membership = request.membership  # type: ignore[attr-defined]
    if not has_perm(m, perm):
        require(request.user, m.company, perm)
    return m


# ---------------------------------------------------------------- one document


@company_view(Perm.VIEW_PAYABLES)
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    edit = request.GET.get("edit", "")
    return render(request, "payables/document.html", detail_context(request, document, edit=edit))


def detail_context(
    request: HttpRequest, document: SupplierDocument, *, edit: str = "", field_form: FieldForm | None = None
) -> dict[str, Any]:
    m = request.membership  # type: ignore[attr-defined]
    can_manage = has_perm(m, Perm.MANAGE_PAYABLES)
    can_edit = can_manage and document.state in processing.CORRECTABLE_STATES
    fields = extracted.field_rows(document)
    context: dict[str, Any] = {
        "document": document,
        "receipt": document.receipt,
        "badge": presenters.state_badge(document.state),
        "supplier": presenters.supplier_label(document),
        "fields": fields,
        "fields_found": any(f.found for f in fields),
        "problems": extracted.problem_rows(document.problems),
        "can_manage": can_manage,
        "can_edit": can_edit,
        "edit": edit if can_edit and extracted.editable_field(edit) else "",
        "field_form": field_form,
        "can_retry": can_manage and document.state in processing.RETRY_STATES,
        "can_reject": can_manage and document.state != DocumentState.REJECTED,
        "can_dismiss": can_manage
        and document.state == DocumentState.DUPLICATE
        and any(isinstance(p, dict) and p.get("code") == IntakeCode.DUPLICATE_AMOUNT for p in document.problems),
        "reject_form": RejectForm(),
        "duplicates": _documents(m).filter(duplicate_of=document).order_by("pk"),
        "duplicate_of": _documents(m).filter(pk=document.duplicate_of_id).first() if document.duplicate_of_id else None,
        "credits": _documents(m).filter(pk=document.credits_id).first() if document.credits_id else None,
        "credit_notes": _documents(m).filter(credits=document).order_by("pk"),
        "urls": {
            "file": "payables:document_file",
            "page": "payables:document_page",
            "attachment": "payables:attachment",
            "attachment_page": "payables:attachment_page",
        },
    }
    context.update(viewer_context(document, fields))
    return context


@company_view(Perm.VIEW_PAYABLES)
def document_file(request: HttpRequest, pk: int) -> HttpResponse:
    return downloads.original_file(request, _document(request, pk))


@company_view(Perm.VIEW_PAYABLES)
def document_page(request: HttpRequest, pk: int, page: int) -> HttpResponse:
    return downloads.page_image(request, _document(request, pk), page)


@company_view(Perm.VIEW_PAYABLES)
def attachment(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    return downloads.attachment_file(request, _document(request, pk), index)


@company_view(Perm.VIEW_PAYABLES)
def attachment_page(request: HttpRequest, pk: int, index: int, page: int) -> HttpResponse:
    return downloads.attachment_page(request, _document(request, pk), index, page)


# ---------------------------------------------------------------- corrections and decisions


@company_view(Perm.VIEW_PAYABLES)
def document_field(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """One extracted field: GET shows it (``?edit=1``: as a form), POST corrects it."""
    document = _document(request, pk)
    if not extracted.editable_field(name):
        raise Http404("no such field")
    if request.method == "POST" or request.GET.get("edit") == "1":
        _also(request, Perm.MANAGE_PAYABLES)
    if request.method != "POST":
        editing = request.GET.get("edit") == "1"
        if not getattr(request, "htmx", False):
            url = document_url(document) + (f"?edit={name}#field-{name}" if editing else f"#field-{name}")
            return redirect(url)
        return _field_row(request, document, name, editing=editing)

    form = FieldForm(request.POST, name=name)
    error = ""
    if form.is_valid():
        try:
            processing.correct_field(document, request.user, name, form.cleaned_data["value"])
        except FakturaflytError as exc:
            error = "; ".join(p.message for p in exc.problems) or str(exc)
    if form.is_valid() and not error:
        document.refresh_from_db()
        if getattr(request, "htmx", False):
            # The correction can change the state, the confidence and the problems: redraw the whole panel.
            context = detail_context(request, document)
            context["saved_field"] = name
            return render(request, "payables/_panel.html", context)
        messages.success(
            request,
            gettext("%(field)s was corrected.") % {"field": extracted.FIELD_LABELS[name]},
        )
        return redirect(document_url(document) + f"#field-{name}")
    if error:
        form.add_error("value", error)
    if getattr(request, "htmx", False):
        response = _field_row(request, document, name, editing=True, form=form)
        return reswap(retarget(response, f"#field-{name}"), "outerHTML")
    context = detail_context(request, document, edit=name, field_form=form)
    return render(request, "payables/document.html", context, status=400)


def _field_row(
    request: HttpRequest, document: SupplierDocument, name: str, *, editing: bool, form: FieldForm | None = None
) -> HttpResponse:
    row = extracted.field_row(document, name)
    context = {
        "document": document,
        "f": row,
        "editing": editing,
        "field_form": form,
        "can_edit": has_perm(request.membership, Perm.MANAGE_PAYABLES)  # type: ignore[attr-defined]
        and document.state in processing.CORRECTABLE_STATES,
    }
    return render(request, "payables/_field_row.html", context)


def document_url(document: SupplierDocument) -> str:
    from django.urls import reverse

    return reverse("payables:document", args=[document.pk])


@require_POST
@company_view(Perm.MANAGE_PAYABLES)
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Process a quarantined or uncertain document again (after the cause has been fixed)."""
    document = _document(request, pk)
    try:
        processing.retry(document, request.user)
    except FakturaflytError as exc:
        for problem in exc.problems:
            messages.error(request, f"{problem.message} ({problem.code})")
        return redirect("payables:document", pk=document.pk)
    document.refresh_from_db()
    messages.success(
        request,
        gettext("The document was processed again. It is now: %(state)s.") % {"state": document.get_state_display()},
    )
    return redirect("payables:document", pk=document.pk)


@require_POST
@company_view(Perm.MANAGE_PAYABLES)
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    document = _document(request, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Write why the document is rejected."))
        return redirect("payables:document", pk=document.pk)
    try:
        processing.reject(document, request.user, form.cleaned_data["reason"])
    except FakturaflytError as exc:
        for problem in exc.problems:
            messages.error(request, f"{problem.message} ({problem.code})")
        return redirect("payables:document", pk=document.pk)
    messages.success(request, gettext("The document was rejected."))
    return redirect("payables:document", pk=document.pk)


@require_POST
@company_view(Perm.MANAGE_PAYABLES)
def dismiss_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm that an invoice held for the same amount and date as another is a separate invoice."""
    document = _document(request, pk)
    try:
        processing.dismiss_duplicate(document, request.user)
    except FakturaflytError as exc:
        for problem in exc.problems:
            messages.error(request, f"{problem.message} ({problem.code})")
        return redirect("payables:document", pk=document.pk)
    document.refresh_from_db()
    messages.success(
        request,
        gettext("Marked as a separate invoice and checked again. It is now: %(state)s.")
        % {"state": document.get_state_display()},
    )
    return redirect("payables:document", pk=document.pk)
