"""What the inbox pages show about a supplier document: its state, the inbox tabs, the list rows, the viewer.

Nothing here changes data: state badges with their plain explanations (for the accountant
and, in other words, for the supplier), the inbox tabs with their counts, who a document is
from, and what kind of viewer shows it. The fields read from a document are prepared in
:mod:`.extracted`, an EHF laid out as an invoice in :mod:`.ehfview`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fakturaflyt.payables.extracted import PageView
from fakturaflyt.payables.models import DocumentFormat, DocumentState, SupplierDocument

Text = str | Promise

# ---------------------------------------------------------------- states

#: CSS modifier of each state's badge (``badge-state badge-<tone>``).
STATE_TONE: dict[str, str] = {
    DocumentState.RECEIVED: "info",
    DocumentState.INTERPRETED: "info",
    DocumentState.NEEDS_REVIEW: "warn",
    DocumentState.READY_FOR_CODING: "ok",
    DocumentState.CODED: "ok",
    DocumentState.QUARANTINED: "danger",
    DocumentState.REJECTED: "neutral",
    DocumentState.DUPLICATE: "dup",
}

#: What each state means, for the accountant (detail page).
STATE_HELP: dict[str, Text] = {
    DocumentState.RECEIVED: _("Stored as received and waiting to be read."),
    DocumentState.INTERPRETED: _("Read; the checks are running."),
    DocumentState.NEEDS_REVIEW: _(
        "Read, but some fields are uncertain or a check found a problem. Check the fields and correct them."
    ),
    DocumentState.READY_FOR_CODING: _("Read and checked. The invoice is ready for coding."),
    DocumentState.CODED: _("Every line has its account, VAT code and dimensions."),
    DocumentState.QUARANTINED: _("The document could not be processed. The file is kept; fix the cause and retry."),
    DocumentState.REJECTED: _("Rejected. It will not be paid or posted."),
    DocumentState.DUPLICATE: _("The same invoice has been received before. It will not be paid twice."),
}

#: What each state means, for the supplier who sent the invoice (supplier portal).
SUPPLIER_HELP: dict[str, Text] = {
    DocumentState.RECEIVED: _("We have received the invoice and will read it shortly."),
    DocumentState.INTERPRETED: _("We have received the invoice and are checking it."),
    DocumentState.NEEDS_REVIEW: _("Received. Our accountant is checking some details."),
    DocumentState.READY_FOR_CODING: _("Received and accepted for processing."),
    DocumentState.CODED: _("Received and accepted for processing."),
    DocumentState.QUARANTINED: _(
        "We could not read this file. Check that it is a complete PDF or EHF invoice and send it again."
    ),
    DocumentState.REJECTED: _("The invoice was rejected."),
    DocumentState.DUPLICATE: _("We had already received this invoice, so this copy will not be processed."),
}

#: States in which the document is still moving through intake (the list refreshes itself).
PENDING_STATES = frozenset({DocumentState.RECEIVED, DocumentState.INTERPRETED})


@dataclass(frozen=True)
class StateBadge:
    value: str
    label: Text
    tone: str
    help: Text
    supplier_help: Text


def state_badge(state: str) -> StateBadge:
    label = DocumentState(state).label if state in DocumentState.values else state
    return StateBadge(
        state, label, STATE_TONE.get(state, "neutral"), STATE_HELP.get(state, ""), SUPPLIER_HELP.get(state, "")
    )


# ---------------------------------------------------------------- inbox tabs


@dataclass(frozen=True)
class Tab:
    key: str
    label: Text
    states: tuple[str, ...]
    count: int = 0


TABS: tuple[Tab, ...] = (
    Tab("all", _("All"), ()),
    Tab("received", _("Received"), (DocumentState.RECEIVED, DocumentState.INTERPRETED)),
    Tab("needs_review", _("Needs review"), (DocumentState.NEEDS_REVIEW,)),
    Tab("ready_for_coding", _("Ready for coding"), (DocumentState.READY_FOR_CODING,)),
    Tab("coded", _("Coded"), (DocumentState.CODED,)),
    Tab("quarantined", _("Quarantined"), (DocumentState.QUARANTINED,)),
    Tab("duplicate", _("Duplicate"), (DocumentState.DUPLICATE,)),
    Tab("rejected", _("Rejected"), (DocumentState.REJECTED,)),
)
DEFAULT_TAB = "all"


def tab_for(key: str | None) -> Tab:
    return next((t for t in TABS if t.key == key), next(t for t in TABS if t.key == DEFAULT_TAB))


def tabs_with_counts(documents: QuerySet[SupplierDocument]) -> list[Tab]:
    """Every tab with the number of documents it shows, counted in one query."""
    per_state = dict(documents.order_by().values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    total = sum(per_state.values())
    return [
        Tab(t.key, t.label, t.states, total if not t.states else sum(per_state.get(s, 0) for s in t.states))
        for t in TABS
    ]


# ---------------------------------------------------------------- list rows


def supplier_label(document: SupplierDocument) -> str:
    """Who sent it: the known supplier, else the name read from the document, else the file name."""
    if document.supplier_id is not None:
        return document.supplier.name  # type: ignore[union-attr]
    fields = document.fields if isinstance(document.fields, dict) else {}
    entry = fields.get("supplier_name")
    name = entry.get("value") if isinstance(entry, dict) else entry
    return str(name) if name else ""


# ---------------------------------------------------------------- what the viewer shows

IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}


def viewer_kind(document: SupplierDocument) -> str:
    """``ehf``, ``pdf``, ``image`` (shown as is), ``tiff`` (download only) or ``other``."""
    content_type = (document.file.content_type or "").lower()
    name = (document.receipt.filename or "").lower()
    if document.format == DocumentFormat.EHF or document.ehf:
        return "ehf"
    if document.format == DocumentFormat.PDF or content_type == "application/pdf" or name.endswith(".pdf"):
        return "pdf"
    if content_type in IMAGE_TYPES:
        return "image"
    if content_type == "image/tiff" or name.endswith((".tif", ".tiff")):
        return "tiff"
    if content_type in {"application/xml", "text/xml"} or name.endswith(".xml"):
        return "ehf"
    return "other"


def pages(count: int, limit: int) -> list[PageView]:
    return [PageView(n) for n in range(1, min(count, limit) + 1)]
