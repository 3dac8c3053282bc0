"""The card inbox (issue 9, point 5): every card charge with its split, confidence per line,
one-click accept, and corrections that teach the coding engine.

Thin, like the other areas: each view checks its permission (``@company_view``), looks the
charge, line or order line up *within the current company* (another company's id answers 404),
calls :mod:`fakturaflyt.cards.services` and renders. Seeing needs ``view_payables``; importing,
coding, accepting and ignoring need ``manage_payables``.

Actions answer an htmx request with the charge's rows again (``cards/_charge.html``, opened),
so the page stays where it is and a correction shows at once which other lines of the charge
got a new suggestion; without JavaScript the same forms post and redirect back to the inbox.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from fakturaflyt.cards import services
from fakturaflyt.cards.forms import IgnoreForm, InboxFilterForm, UploadForm
from fakturaflyt.cards.models import (
    CardCharge,
    CardImport,
    ChargeLine,
    ChargeStatus,
    ShopOrderLine,
)
from fakturaflyt.coding import presenters
from fakturaflyt.coding.error_codes import CodingError
from fakturaflyt.coding.forms import LineForm
from fakturaflyt.coding.models import TARGETS
from fakturaflyt.companies.decorators import company_view
from fakturaflyt.companies.models import Membership
from fakturaflyt.companies.permissions import has_perm, scoped
from fakturaflyt.companies.roles import Perm
from fakturaflyt.core.errors import FakturaflytError, Problem

OSLO = ZoneInfo("Europe/Oslo")
CHARGES_PER_PAGE = 50
SEARCH_LIMIT = 25
#: Session key of the last import's outcome, shown once on the inbox after the redirect.
LAST_IMPORT = "cards.last_import"


# ---------------------------------------------------------------- what the page shows


@dataclass(frozen=True)
class Tab:
    key: str
    label: str | Promise
    statuses: tuple[str, ...]
    count: int = 0


# Status values as strings (ChargeStatus): "to handle" is every open status.
TABS = (
    Tab("open", _("To handle"), ("unmatched", "ambiguous", "matched")),
    Tab("matched", _("Ready to accept"), ("matched",)),
    Tab("ambiguous", _("To choose"), ("ambiguous",)),
    Tab("unmatched", _("Unmatched"), ("unmatched",)),
    Tab("posted", _("Posted"), ("posted",)),
    Tab("ignored", _("Ignored"), ("ignored",)),
    Tab("all", _("All"), ("unmatched", "ambiguous", "matched", "posted", "ignored")),
)

#: How a charge was matched to its order lines (CardCharge.match_method).
METHODS: dict[str, str | Promise] = {
    "reference": _("Payment reference"),
    "amount": _("Amount"),
    "subset": _("Sum of shipments"),
    "single": _("One line"),
    "manual": _("By hand"),
}

#: The badge of each status (app.css ``.state-*``).
STATUS_CLASS = {
    ChargeStatus.UNMATCHED: "state-warn",
    ChargeStatus.AMBIGUOUS: "state-dup",
    ChargeStatus.MATCHED: "state-info",
    ChargeStatus.POSTED: "state-ok",
    ChargeStatus.IGNORED: "state-neutral",
}


def tab_for(key: str | None) -> Tab:
    return next((t for t in TABS if t.key == key), TABS[0])


@dataclass
class ChargeRow:
    """One charge in the list: its lines (prefetched) and what the row prints from them."""

    charge: CardCharge
    lines: list[ChargeLine]
    open: bool = False

    @property
    def status_class(self) -> str:
        return STATUS_CLASS.get(self.charge.status, "state-neutral")

    @property
    def method(self) -> str | Promise:
        return METHODS.get(self.charge.match_method, self.charge.match_method)

    @property
    def level(self) -> str:
        return presenters.confidence_level(self.charge.confidence)

    @property
    def percent(self) -> str:
        return presenters.percent(self.charge.confidence)

    @property
    def foreign(self) -> bool:
        return self.charge.currency != "NOK"

    @property
    def nok(self) -> Decimal | None:
        return self.charge.amount if not self.foreign else self.charge.amount_nok

    @property
    def ready(self) -> bool:
        """Matched, and every line has an account and a VAT code: one click posts it."""
        return self.charge.status == ChargeStatus.MATCHED and bool(self.lines) and all(_coded(cl) for cl in self.lines)


def _coded(line: ChargeLine) -> bool:
    """The line has an account and a VAT code (chosen, or suggested: accepting confirms the suggestion)."""
    cl = line.coding_line
    if cl is None:
        return False
    suggestion = cl.suggestion or {}
    return all(getattr(cl, t) or (suggestion.get(t) or {}).get("value") for t in ("account", "vat_code"))


@dataclass
class SplitLine:
    """One line of the opened split: the charge line, its coding row (presenters.Row) and the choices."""

    line: ChargeLine
    row: presenters.Row | None
    choices: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    @property
    def fields(self) -> list[tuple[presenters.Cell, list[tuple[str, str]]]]:
        """Each target's cell with the options of its select (empty when the line cannot be edited)."""
        if self.row is None:
            return []
        return [(cell, self.choices.get(cell.target, [])) for cell in self.row.cells]

    @property
    def state(self) -> str:
        return self.row.line.state if self.row is not None else ""


@dataclass
class Candidate:
    """One competing set of order lines of an ambiguous charge."""

    index: int
    lines: list[tuple[ShopOrderLine, Decimal]]  # each order line with its total (net + VAT + shipping)
    total: Decimal


# ---------------------------------------------------------------- helpers


def _m(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined]


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _charges(m: Membership) -> QuerySet[CardCharge]:
    return scoped(CardCharge.objects.all(), m)


def _charge(request: HttpRequest, pk: int) -> CardCharge:
    return get_object_or_404(_charges(_m(request)).select_related("company", "voucher__series"), pk=pk)


def _lines_prefetch() -> Prefetch:
    return Prefetch("lines", queryset=ChargeLine.objects.select_related("coding_line").order_by("line_no"))


def _message(exc: FakturaflytError) -> str:
    return str(getattr(exc, "message", "") or "; ".join(p.message for p in exc.problems) or exc)


def _inbox_url(request: HttpRequest, charge: CardCharge | None = None) -> str:
    query = request.GET.copy()
    for key in ("closed",):
        query.pop(key, None)
    url = reverse("cards:inbox") + (f"?{query.urlencode()}" if query else "")
    return f"{url}#charge-{charge.pk}" if charge is not None else url


def _options(m: Membership) -> dict[str, list[tuple[str, str]]]:
    return presenters.options(m.company)


def _names(options: Mapping[str, list[tuple[str, str]]]) -> dict[str, dict[str, str]]:
    return {target: dict(pairs) for target, pairs in options.items()}


# ---------------------------------------------------------------- the inbox


def _filtered(m: Membership, form: InboxFilterForm) -> QuerySet[CardCharge]:
    """The company's charges matching the card holder, text and date filters (every status)."""
    qs = services.inbox(m.company, card_holder=form.value("holder") or None, q=form.value("q") or None)
    qs = qs.filter(company_id=m.company_id)
    start, end = form.value("date_from"), form.value("date_to")
    if start:
        qs = qs.filter(booked_at__gte=datetime.combine(start, time.min, tzinfo=OSLO))
    if end:
        qs = qs.filter(booked_at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=OSLO))
    return qs


def _tabs(charges: QuerySet[CardCharge]) -> list[Tab]:
    counts = {
        row["status"]: row["n"]
        for row in charges.prefetch_related(None).order_by().values("status").annotate(n=Count("pk"))
    }
    return [Tab(t.key, t.label, t.statuses, sum(counts.get(s, 0) for s in t.statuses)) for t in TABS]


def inbox_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    m = _m(request)
    holders = services.card_holders(m.company)
    form = InboxFilterForm(request.GET, holders=holders)
    form.is_valid()
    tab = tab_for(request.GET.get("status"))
    charges = _filtered(m, form)
    tabs = _tabs(charges)
    listed = (
        charges.filter(status__in=tab.statuses)
        .select_related("voucher__series")
        .prefetch_related(None)
        .prefetch_related(_lines_prefetch())
        .order_by("-booked_at", "-pk")
    )
    page = Paginator(listed, CHARGES_PER_PAGE).get_page(request.GET.get("page"))
    rows = [ChargeRow(c, list(c.lines.all())) for c in page.object_list]
    can_manage = has_perm(m, Perm.MANAGE_PAYABLES)
    filtered = any(form.value(k) for k in ("holder", "q", "date_from", "date_to"))
    return {
        "filter_form": form,
        "tabs": tabs,
        "tab": tab,
        "page": page,
        "rows": rows,
        "ready_ids": [r.charge.pk for r in rows if r.ready],
        "filtered": filtered,
        "can_manage": can_manage,
        "upload_form": UploadForm() if can_manage else None,
        "imports": CardImport.objects.filter(company=m.company).select_related("imported_by")[:10],
        "last_import": request.session.pop(LAST_IMPORT, None) if request.method == "GET" else None,
        **extra,
    }


@company_view(Perm.VIEW_PAYABLES)
def inbox(request: HttpRequest) -> HttpResponse:
    return render(request, "cards/inbox.html", inbox_context(request))


# ---------------------------------------------------------------- one charge opened


def split_context(
    request: HttpRequest,
    charge: CardCharge,
    *,
    posted: Mapping[int, Mapping[str, str]] | None = None,
    errors: Mapping[int, tuple[str, str]] | None = None,
    relearnt: Iterable[int] = (),
    corrected: int | None = None,
    notice: str = "",
    error: str = "",
    open_: bool = True,
) -> dict[str, Any]:
    """What ``cards/_charge.html`` needs for one charge (opened: its split, coding and actions)."""
    m = _m(request)
    lines = list(charge.lines.select_related("coding_line", "order_line").order_by("line_no"))
    row = ChargeRow(charge, lines, open=open_)
    can_manage = has_perm(m, Perm.MANAGE_PAYABLES)
    context: dict[str, Any] = {
        "row": row,
        "can_manage": can_manage,
        "notice": notice,
        "error": error,
        "targets": [(t, presenters.TARGET_LABELS[t]) for t in TARGETS],
    }
    if not open_:
        return context
    options = _options(m)
    names = _names(options)
    coding_lines = [cl.coding_line for cl in lines if cl.coding_line is not None]
    coding_rows = {
        r.line.pk: r for r in presenters.rows(coding_lines, names, posted=posted, errors=errors, relearnt=relearnt)
    }
    # Lines are coded on a split charge; an unmatched or ambiguous one is matched first.
    editable = can_manage and charge.status == ChargeStatus.MATCHED
    split = []
    for cl in lines:
        coding_row = coding_rows.get(cl.coding_line_id) if cl.coding_line_id else None
        choices = _choices(options, coding_row) if editable and coding_row else {}
        split.append(SplitLine(cl, coding_row, choices))
    context.update(
        {
            "split": split,
            "editable": editable,
            "corrected": corrected,
            "candidates": _candidates(charge) if charge.status == ChargeStatus.AMBIGUOUS else [],
            "ignore_form": IgnoreForm(prefix=f"c{charge.pk}") if can_manage and charge.is_open else None,
        }
    )
    return context


def _choices(options: Mapping[str, list[tuple[str, str]]], row: presenters.Row) -> dict[str, list[tuple[str, str]]]:
    """Per target the select's options (code, "code name"); a value no longer active is kept so it shows."""
    result: dict[str, list[tuple[str, str]]] = {}
    for cell in row.cells:
        pairs = [(code, f"{code} {name}".strip()) for code, name in options.get(cell.target, [])]
        if cell.value and cell.value not in {c for c, _n in pairs}:
            pairs.insert(0, (cell.value, cell.value))
        result[cell.target] = pairs
    return result


def _candidates(charge: CardCharge) -> list[Candidate]:
    sets = [[int(i) for i in ids] for ids in (charge.candidates or []) if isinstance(ids, list)]
    found = ShopOrderLine.objects.filter(company_id=charge.company_id, pk__in={i for s in sets for i in s}).in_bulk()
    result = []
    for index, ids in enumerate(sets):
        lines = [(found[i], found[i].net + found[i].vat + found[i].shipping) for i in ids if i in found]
        result.append(Candidate(index, lines, sum((t for _ol, t in lines), Decimal("0.00"))))
    return result


def _render_charge(request: HttpRequest, charge: CardCharge, status: int = 200, **kwargs: Any) -> HttpResponse:
    """The charge's rows after an action: opened, unless the action came from its closed row (``open=0``)."""
    charge.refresh_from_db()
    kwargs.setdefault("open_", request.POST.get("open") != "0")
    return render(request, "cards/_charge.html", split_context(request, charge, **kwargs), status=status)


@company_view(Perm.VIEW_PAYABLES)
def charge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The charge opened (htmx: its rows in the inbox; otherwise a page of its own); ``?closed=1`` closes it."""
    charge = _charge(request, pk)
    open_ = request.GET.get("closed") != "1"
    if _htmx(request):
        return render(request, "cards/_charge.html", split_context(request, charge, open_=open_))
    return render(request, "cards/charge.html", split_context(request, charge))


def _done(
    request: HttpRequest,
    charge: CardCharge,
    *,
    notice: str = "",
    error: str = "",
    **kwargs: Any,
) -> HttpResponse:
    """After an action: the charge's rows again (htmx), else a message and back to the inbox."""
    if _htmx(request):
        # htmx swaps only 2xx answers by default; the charge with its message is the answer either way.
        return _render_charge(request, charge, notice=notice, error=error, **kwargs)
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return redirect(_inbox_url(request, charge))


def _act(
    request: HttpRequest, pk: int, action: Callable[[CardCharge], Any], notice: Callable[[CardCharge], str]
) -> HttpResponse:
    charge = _charge(request, pk)
    try:
        action(charge)
    except FakturaflytError as exc:
        return _done(request, charge, error=_message(exc))
    charge.refresh_from_db()
    return _done(request, charge, notice=notice(charge))


def _label(charge: CardCharge) -> str:
    return f"{charge.merchant} {charge.amount} {charge.currency}"


@require_POST
@company_view(Perm.MANAGE_PAYABLES)
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    def notice(charge: CardCharge) -> str:
        voucher = charge.voucher.label if charge.voucher_id and charge.voucher else ""
        return gettext("%(charge)s posted as voucher %(voucher)s.") % {"charge": _label(charge), "voucher": voucher}

    return _act(request, pk, lambda c: services.accept(c, request.user), notice)


@require_POST
@company_view(Perm.MANAGE_PAYABLES)
def choose(request: HttpRequest, pk: int) -> HttpResponse:
    raw = request.POST.get("candidate", "")
    if not raw.isdecimal():
        charge = _charge(request, pk)
        return _done(request, charge, error=gettext("Choose one of the sets of order lines."))
    return _act(
        request,
        pk,
        lambda c: services.choose_candidate(c, int(raw), request.user),
        lambda c: (
            gettext("Set %(n)s chosen: the charge is split into %(lines)s lines.")
            % {"n": int(raw) + 1, "lines": c.lines.count()}
        ),
    )


@require_POST
@company_view(Perm.MANAGE_PAYABLES)
def single_line(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda c: services.as_single_line(c, request.user),
        lambda c: gettext("The charge is booked as one line; check its coding and accept it."),
    )


@require_POST
@company_view(Perm.MANAGE_PAYABLES)
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    m = _m(request)
    raw = request.POST.getlist("order_line")
    ids = sorted({int(r) for r in raw if r.isdecimal()})
    if not ids:
        return _done(request, _charge(request, pk), error=gettext("Tick the order lines that belong to the charge."))
    found = list(ShopOrderLine.objects.filter(company_id=m.company_id, pk__in=ids).values_list("pk", flat=True))
    if len(found) != len(ids):
        # Another company's order line (or one that is gone): the same answer as for any unknown id.
        raise Http404(gettext("No such order line."))
    return _act(
        request,
        pk,
        lambda c: services.assign_lines(c, ids, request.user),
        lambda c: (
            ngettext("%(count)d order line assigned.", "%(count)d order lines assigned.", len(ids))
            % {"count": len(ids)}
        ),
    )


@require_POST
@company_view(Perm.MANAGE_PAYABLES)
def ignore(request: HttpRequest, pk: int) -> HttpResponse:
    charge = _charge(request, pk)
    form = IgnoreForm(request.POST, prefix=f"c{charge.pk}")
    if not form.is_valid():
        return _done(request, charge, error=gettext("Give a reason for ignoring the charge."))
    reason = form.cleaned_data["reason"]
    return _act(
        request,
        pk,
        lambda c: services.ignore(c, reason, request.user),
        lambda c: gettext("The charge is ignored: %(reason)s.") % {"reason": reason},
    )


@require_POST
@company_view(Perm.MANAGE_PAYABLES)
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda c: services.reopen(c, request.user),
        lambda c: gettext("The charge is open again (%(status)s).") % {"status": c.get_status_display()},
    )


@require_POST
@company_view(Perm.MANAGE_PAYABLES)
def accept_many(request: HttpRequest) -> HttpResponse:
    """Accept the ready charges that were shown (their ids posted with the form)."""
    m = _m(request)
    ids = sorted({int(r) for r in request.POST.getlist("charge") if r.isdecimal()})
    mine = list(_charges(m).filter(pk__in=ids).values_list("pk", flat=True))
    if not mine:
        messages.warning(request, gettext("No charge shown was ready to accept."))
        return redirect(_inbox_url(request))
    try:
        count = services.accept_many(m.company, request.user, mine)
    except FakturaflytError as exc:
        messages.error(request, _message(exc))
        return redirect(_inbox_url(request))
    messages.success(
        request, ngettext("%(count)d charge posted.", "%(count)d charges posted.", count) % {"count": count}
    )
    if count < len(mine):
        skipped = len(mine) - count
        messages.warning(
            request,
            ngettext(
                "%(count)d charge could not be posted; open it to see why.",
                "%(count)d charges could not be posted; open them to see why.",
                skipped,
            )
            % {"count": skipped},
        )
    return redirect(_inbox_url(request))


# ---------------------------------------------------------------- coding a line


def _line(request: HttpRequest, pk: int) -> ChargeLine:
    m = _m(request)
    return get_object_or_404(
        ChargeLine.objects.select_related("charge", "coding_line"), charge__company_id=m.company_id, pk=pk
    )


def _codings(charge: CardCharge) -> dict[int, tuple[str, ...]]:
    """Per coding line of the charge: its values and suggested values (to see which a correction changed)."""
    result: dict[int, tuple[str, ...]] = {}
    for cl in charge.lines.select_related("coding_line"):
        row = cl.coding_line
        if row is None:
            continue
        suggested = tuple(str(((row.suggestion or {}).get(t) or {}).get("value") or "") for t in TARGETS)
        result[row.pk] = tuple(getattr(row, t) or "" for t in TARGETS) + suggested
    return result


@require_POST
@company_view(Perm.MANAGE_PAYABLES)
def code(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a line's coding (a correction teaches the engine; the charge's other lines may be suggested again)."""
    m = _m(request)
    line = _line(request, pk)
    charge = line.charge
    if line.coding_line is None:
        return _done(request, charge, error=gettext("This line has no coding to change."))
    options = _options(m)
    form = LineForm(request.POST, options=options)
    typed = {t: request.POST.get(t, "") for t in TARGETS}
    if not form.is_valid():
        field_name, message = form.first_error()
        return _done(
            request,
            charge,
            error=message,
            posted={line.coding_line.pk: typed},
            errors={line.coding_line.pk: (field_name, message)},
        )
    coding = form.coding()
    before = _codings(charge)
    try:
        services.code_line(line, request.user, coding)
    except CodingError as exc:
        message = presenters.error_message(exc, coding)
        return _done(
            request,
            charge,
            error=message,
            posted={line.coding_line.pk: coding},
            errors={line.coding_line.pk: (exc.field, message)},
        )
    except FakturaflytError as exc:
        return _done(request, charge, error=_message(exc))
    after = _codings(charge)
    relearnt = tuple(k for k, v in after.items() if k != line.coding_line.pk and k in before and before[k] != v)
    notice = gettext("%(item)s: the coding is saved and learnt.") % {"item": line.title[:80]}
    if relearnt:
        notice += " " + ngettext(
            "%(count)d other line got a new suggestion.", "%(count)d other lines got a new suggestion.", len(relearnt)
        ) % {"count": len(relearnt)}
    return _done(request, charge, notice=notice, relearnt=relearnt, corrected=line.pk)


# ---------------------------------------------------------------- order lines for an unmatched charge


def _amount(text: str) -> Decimal | None:
    raw = text.replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return value.quantize(Decimal("0.01")) if value.is_finite() else None


@company_view(Perm.VIEW_PAYABLES)
def search_order_lines(request: HttpRequest, pk: int) -> HttpResponse:
    """Order lines not on a posted charge, by order id, item title or amount (htmx fragment)."""
    charge = _charge(request, pk)
    q = request.GET.get("q", "").strip()[:100]
    found: list[ShopOrderLine] = []
    if q:
        lines = (
            ShopOrderLine.objects.filter(company_id=charge.company_id)
            .exclude(charge__status__in=[ChargeStatus.POSTED, ChargeStatus.IGNORED])
            .select_related("charge")
            .annotate(
                line_total=ExpressionWrapper(
                    F("net") + F("vat") + F("shipping"), output_field=DecimalField(max_digits=18, decimal_places=2)
                )
            )
        )
        match = Q(order_id__icontains=q) | Q(title__icontains=q) | Q(shipment_id__icontains=q)
        amount = _amount(q)
        if amount is not None:
            match |= Q(line_total=amount) | Q(payment_amount=amount) | Q(net=amount)
        found = list(lines.filter(match).order_by("-payment_date", "order_id", "source_row")[:SEARCH_LIMIT])
    return render(
        request, "cards/_order_line_search.html", {"charge": charge, "found": found, "q": q, "limit": SEARCH_LIMIT}
    )


# ---------------------------------------------------------------- upload


@require_POST
@company_view(Perm.MANAGE_PAYABLES)
def upload(request: HttpRequest) -> HttpResponse:
    """Import a card statement or an order report; the inbox then shows what it did (or why it was refused)."""
    m = _m(request)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return redirect("cards:inbox")
    upload_file = form.cleaned_data["file"]
    filename = upload_file.name or ""
    try:
        result = services.import_card_file(
            m.company,
            upload_file.read(),
            request.user,
            filename=filename,
            mapping=form.cleaned_data.get("preset") or None,
        )
    except FakturaflytError as exc:
        outcome: dict[str, Any] = {
            "refused": True,
            "filename": filename,
            "problems": [_problem(p) for p in exc.problems],
        }
    else:
        outcome = {"refused": False, **{k: v for k, v in asdict(result).items() if k != "problems"}}
        outcome["problems"] = [_problem(p) for p in result.problems or []]
    # Post/redirect/get: the outcome is shown once, and reloading the inbox does not import again.
    request.session[LAST_IMPORT] = outcome
    return redirect("cards:inbox")


def _problem(p: Problem | Mapping[str, str]) -> dict[str, str]:
    if isinstance(p, Mapping):
        return {
            "code": str(p.get("code", "")),
            "message": str(p.get("message", "")),
            "location": str(p.get("location", "")),
        }
    return {"code": p.code, "message": p.message, "location": p.location}


__all__ = [
    "accept",
    "accept_many",
    "assign",
    "charge_detail",
    "choose",
    "code",
    "ignore",
    "inbox",
    "reopen",
    "search_order_lines",
    "single_line",
    "upload",
]
