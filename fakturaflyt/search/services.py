"""Search across the company's books from one box (issue 10, point 5).

:func:`search` reads the query with :func:`fakturaflyt.core.search_query.parse` and asks each
*group* the membership may see for rows that match every term: supplier documents, customer
invoices, vouchers, suppliers, customers, card charges and purchase orders. Each group is one
database query (``select_related``, a ``LIMIT`` of ``limit + 1`` to know whether there is more),
so a search costs at most one query per group and none for a group no term can match.

Who sees what follows :data:`~fakturaflyt.companies.roles.ROLE_PERMISSIONS`, through the same
:func:`~fakturaflyt.companies.permissions.scoped` helper as the list pages:

| group | needs |
|---|---|
| supplier documents | ``view_payables``; a supplier contact (``supplier_portal``) only its own supplier's, linked to the portal |
| customer invoices | ``view_receivables`` |
| vouchers | ``view_ledger`` |
| suppliers | ``view_suppliers`` |
| customers | ``view_customers`` |
| card charges, purchase orders | ``view_payables`` |

Order within a group: exact identifier hits first (invoice number, KID, org.nr, voucher label,
customer or supplier number, bank account), then the newest. Groups with an exact hit come first.
Text matching is case-insensitive; on SQLite, whose ``LIKE`` folds only ASCII, each word is
also asked for in its capitalisations (:func:`~fakturaflyt.core.search_query.case_forms`) so
``ærø`` finds ``Ærø``. Nothing PostgreSQL-only is used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import (
    Case,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fakturaflyt.companies.models import Company, Membership
from fakturaflyt.companies.permissions import scoped
from fakturaflyt.companies.roles import Perm, Role, permissions_of
from fakturaflyt.core.identifiers import format_kontonr, format_orgnr
from fakturaflyt.core.search_query import Query, Term, case_forms, parse, spellings

OSLO = ZoneInfo("Europe/Oslo")
#: Hits per group in the dropdown under the box, and on the full results page.
DROPDOWN_LIMIT = 5
PAGE_LIMIT = 50
MAX_LIMIT = 100


class Kind(StrEnum):
    """The groups of results, in the order they are shown (groups with an exact hit move first)."""

    DOCUMENTS = "documents"
    INVOICES = "invoices"
    VOUCHERS = "vouchers"
    SUPPLIERS = "suppliers"
    CUSTOMERS = "customers"
    CARDS = "cards"
    ORDERS = "orders"


@dataclass(frozen=True)
class Hit:
    """One result: what the dropdown and the page print, and the detail page it opens."""

    kind: Kind
    title: str
    subtitle: str
    url: str
    amount: Decimal | None = None
    currency: str = "NOK"
    date: date | None = None
    exact: bool = False


@dataclass(frozen=True)
class Group:
    kind: Kind
    label: str | Promise
    hits: tuple[Hit, ...]
    has_more: bool = False

    @property
    def exact(self) -> bool:
        return any(h.exact for h in self.hits)


@dataclass(frozen=True)
class SearchResults:
    """The parsed query, the groups searched (in display order; empty ones included) and their hits."""

    query: Query
    groups: tuple[Group, ...]
    limit: int

    @property
    def total(self) -> int:
        return sum(len(g.hits) for g in self.groups)

    @property
    def is_empty(self) -> bool:
        return self.total == 0

    @property
    def with_hits(self) -> tuple[Group, ...]:
        return tuple(g for g in self.groups if g.hits)

    @property
    def hits(self) -> list[Hit]:
        """Every hit, group by group: the order of the dropdown's keyboard navigation."""
        return [h for g in self.with_hits for h in g.hits]


# ---------------------------------------------------------------- how a term matches a field


class _Match:
    """Builds the Q of one term against one group's fields; ``any`` says whether a reading applied."""

    def __init__(self, term: Term, sqlite: bool) -> None:
        self.term = term
        self.sqlite = sqlite
        self.q = Q()
        self.any = False

    def add(self, q: Q | Exists) -> None:
        self.q = self.q | q if self.any else Q(q)
        self.any = True

    def words(self, *fields: str) -> None:
        """``field__icontains`` for the term's spellings (and, on SQLite, their capitalisations)."""
        if not self.term.is_word:
            return
        for spelling in spellings(self.term.text):
            for form in case_forms(spelling) if self.sqlite else (spelling,):
                for name in fields:
                    self.add(Q(**{f"{name}__icontains": form}))

    def amount(self, *fields: str) -> None:
        a = self.term.amount
        if a is not None:
            for name in fields:
                self.add(Q(**{f"{name}__in": [a, -a]}))


def _exact_by(*rules: tuple[str, Callable[[Term], Any]]) -> Callable[[Term], Q | None]:
    """An exact-hit test from ``(lookup, reading)`` pairs: any lookup equal to the term's reading."""

    def exact(term: Term) -> Q | None:
        q: Q | None = None
        for lookup, value_of in rules:
            value = value_of(term)
            if value not in (None, ""):
                part = Q(**{lookup: value})
                q = part if q is None else q | part
        return q

    return exact


@dataclass(frozen=True)
class Source:
    """One group: who may see it, its rows, how a term matches, what is an exact hit, and the hit built from a row."""

    kind: Kind
    label: str | Promise
    perm: Perm
    rows: Callable[[Membership], QuerySet[Any]]
    match: Callable[[_Match], None]
    exact: Callable[[Term], Q | None]
    recency: tuple[str, ...]
    hit: Callable[[Any, Membership, bool], Hit]

    def run(self, m: Membership, query: Query, limit: int, sqlite: bool) -> Group | None:
        """The group's hits, or None when some term has no reading this group can match."""
        qs = self.rows(m)
        exact: Q | None = None
        for term in query.terms:
            match = _Match(term, sqlite)
            self.match(match)
            if not match.any:
                return None
            qs = qs.filter(match.q)
            term_exact = self.exact(term)
            if term_exact is not None:
                exact = term_exact if exact is None else exact | term_exact
        rank = Case(When(exact, then=Value(1)), default=Value(0), output_field=IntegerField()) if exact else Value(0)
        rows = list(qs.annotate(search_rank=rank).order_by("-search_rank", *self.recency)[: limit + 1])
        hits = tuple(self.hit(row, m, bool(row.search_rank)) for row in rows[:limit])
        return Group(self.kind, self.label, hits, has_more=len(rows) > limit)


def _digits(t: Term) -> str | None:
    return t.digits


def _number(t: Term) -> int | None:
    return t.number


def _orgnr(t: Term) -> str | None:
    return t.orgnr


def _bank(t: Term) -> str | None:
    return t.bank_account


def _text(t: Term) -> str | None:
    return t.text if t.is_word else None


def _display_orgnr(value: str) -> str:
    try:
        return format_orgnr(value)
    except ValueError:
        return value


def _join(*parts: object) -> str:
    return " · ".join(str(p) for p in parts if p not in (None, ""))


# ---------------------------------------------------------------- supplier documents


def _documents(m: Membership) -> QuerySet[Any]:
    from fakturaflyt.payables.models import SupplierDocument

    return scoped(SupplierDocument.objects.all(), m).select_related("supplier", "receipt")


def _match_document(t: _Match) -> None:
    term = t.term
    t.words(
        "supplier__name",
        "invoice_number",
        "order_reference",
        "receipt__filename",
        "fields__supplier_name__value",
    )
    t.amount("total", "net_total")
    if term.digits:
        t.add(Q(kid__startswith=term.digits) | Q(bank_account=term.digits))
        if len(term.digits) >= 3:
            t.add(Q(supplier__orgnr__startswith=term.digits))
    if term.orgnr:
        t.add(Q(supplier__orgnr=term.orgnr) | Q(fields__supplier_orgnr__value__icontains=term.orgnr))
    if term.on:
        t.add(Q(issue_date=term.on) | Q(due_date=term.on))


def _document_hit(d: Any, m: Membership, exact: bool) -> Hit:
    from fakturaflyt.payables.presenters import supplier_label

    what = gettext("Credit note") if d.is_credit_note else gettext("Invoice")
    title = _join(f"{what} {d.invoice_number}".strip() if d.invoice_number else d.receipt.filename or what)
    portal = m.role == Role.SUPPLIER
    url = reverse("portal:document" if portal else "payables:document", args=[d.pk])
    subtitle = _join(supplier_label(d), d.get_state_display(), f"KID {d.kid}" if d.kid else "")
    return Hit(Kind.DOCUMENTS, title, subtitle, url, d.total, d.currency or "NOK", d.issue_date, exact)


# ---------------------------------------------------------------- customer invoices


#: A customer invoice's status as the invoice list shows it (``SalesInvoice.display_status``).
INVOICE_STATUS = {
    "draft": _("Draft"),
    "issued": _("Issued"),
    "sent": _("Sent"),
    "delivered": _("Delivered"),
    "paid": _("Paid"),
    "overdue": _("Overdue"),
    "credited": _("Credited"),
    "send_failed": _("Sending failed"),
}


def _invoices(m: Membership) -> QuerySet[Any]:
    from fakturaflyt.receivables.models import SalesInvoice

    return scoped(SalesInvoice.objects.all(), m).select_related("customer")


def _match_invoice(t: _Match) -> None:
    term = t.term
    t.words("buyer_name", "customer__name", "buyer_reference", "order_reference")
    t.amount("total", "total_nok", "net_total")
    if term.number is not None:
        t.add(Q(number=term.number))
    if term.digits:
        t.add(Q(kid__startswith=term.digits))
    if term.orgnr:
        t.add(Q(buyer_orgnr=term.orgnr) | Q(customer__orgnr=term.orgnr))
    if term.on:
        t.add(Q(issue_date=term.on) | Q(due_date=term.on))


def _invoice_hit(inv: Any, m: Membership, exact: bool) -> Hit:
    status = INVOICE_STATUS.get(inv.display_status(), inv.display_status())
    subtitle = _join(inv.buyer_name or inv.customer.name, status, f"KID {inv.kid}" if inv.kid else "")
    url = reverse("receivables:invoice", args=[inv.pk])
    return Hit(Kind.INVOICES, str(inv), subtitle, url, inv.total, inv.currency, inv.issue_date, exact)


# ---------------------------------------------------------------- vouchers


def _vouchers(m: Membership) -> QuerySet[Any]:
    from fakturaflyt.ledger.models import Posting, Voucher

    total = Posting.objects.filter(voucher=OuterRef("pk")).values("voucher").annotate(s=Sum("debit")).values("s")[:1]
    return (
        scoped(Voucher.objects.all(), m)
        .select_related("series")
        .annotate(search_amount=Subquery(total, output_field=DecimalField(max_digits=18, decimal_places=2)))
    )


def _voucher_q(term: Term) -> Q | None:
    ref = term.voucher
    if ref is None:
        return None
    q = Q(series__code__iexact=ref.series, number=ref.number)
    return q & Q(year=ref.year) if ref.year is not None else q


def _match_voucher(t: _Match) -> None:
    from fakturaflyt.ledger.models import Posting

    term = t.term
    ref = _voucher_q(term)
    if ref is not None:
        t.add(ref)
    t.words("description", "source_ref")
    if term.is_word and term.text.isalpha() and len(term.text) <= 10:
        t.add(Q(series__code__iexact=term.text))
    if term.number is not None:
        t.add(Q(number=term.number))
    if term.amount is not None:
        a = term.amount
        t.add(Exists(Posting.objects.filter(voucher=OuterRef("pk")).filter(Q(debit=a) | Q(credit=a))))
    if term.on:
        t.add(Q(date=term.on))


def _voucher_hit(v: Any, m: Membership, exact: bool) -> Hit:
    url = reverse("ledger:voucher", args=[v.pk])
    return Hit(Kind.VOUCHERS, v.label, _join(v.description, v.source_ref), url, v.search_amount, "NOK", v.date, exact)


# ---------------------------------------------------------------- suppliers and customers


def _suppliers(m: Membership) -> QuerySet[Any]:
    from fakturaflyt.payables.models import Supplier

    return scoped(Supplier.objects.all(), m)


def _match_party(t: _Match, *, bank: bool) -> None:
    term = t.term
    t.words("name", "email", *(("vat_id",) if bank else ("vat_id", "reference")))
    if term.number is not None:
        t.add(Q(number=term.number))
    if term.digits and len(term.digits) >= 3:
        t.add(Q(orgnr__startswith=term.digits))
        if bank:
            t.add(Q(bank_account__startswith=term.digits))
    if term.orgnr:
        t.add(Q(orgnr=term.orgnr))
    if bank and term.bank_account:
        t.add(Q(bank_account=term.bank_account))


def _supplier_hit(s: Any, m: Membership, exact: bool) -> Hit:
    # No supplier page yet: the supplier list, filtered to this one.
    url = f"{reverse('payables:suppliers')}?{urlencode({'q': s.orgnr or s.name})}"
    subtitle = _join(
        gettext("Supplier no. %(number)s") % {"number": s.number},
        f"{gettext('Org. no.')} {_display_orgnr(s.orgnr)}" if s.orgnr else "",
        _display_kontonr(s.bank_account),
    )
    return Hit(Kind.SUPPLIERS, s.name, subtitle, url, exact=exact)


def _display_kontonr(value: str) -> str:
    if not value:
        return ""
    try:
        return format_kontonr(value)
    except ValueError:
        return value


def _customers(m: Membership) -> QuerySet[Any]:
    from fakturaflyt.receivables.models import Customer

    return scoped(Customer.objects.all(), m)


def _customer_hit(c: Any, m: Membership, exact: bool) -> Hit:
    if Perm.VIEW_RECEIVABLES in permissions_of(m.role):
        url = reverse("receivables_ledger:statement", args=[c.pk])
    else:
        url = f"{reverse('receivables:customers')}?{urlencode({'q': c.orgnr or c.name})}"
    subtitle = _join(
        gettext("Customer no. %(number)s") % {"number": c.number},
        f"{gettext('Org. no.')} {_display_orgnr(c.orgnr)}" if c.orgnr else "",
        c.email,
    )
    return Hit(Kind.CUSTOMERS, c.name, subtitle, url, exact=exact)


# ---------------------------------------------------------------- card charges and purchase orders


def _charges(m: Membership) -> QuerySet[Any]:
    from fakturaflyt.cards.models import CardCharge

    return scoped(CardCharge.objects.all(), m)


def _match_charge(t: _Match) -> None:
    term = t.term
    t.words("merchant", "card_holder", "reference", "external_id")
    t.amount("amount", "amount_nok")
    if term.on:
        start = datetime.combine(term.on, time.min, tzinfo=OSLO)
        t.add(Q(booked_at__gte=start, booked_at__lt=start + timedelta(days=1)))


def _charge_hit(c: Any, m: Membership, exact: bool) -> Hit:
    url = reverse("cards:charge", args=[c.pk])
    booked = c.booked_at.astimezone(OSLO).date() if c.booked_at else None
    subtitle = _join(c.card_holder, c.get_status_display())
    return Hit(Kind.CARDS, c.merchant, subtitle, url, c.amount, c.currency, booked, exact)


def _orders(m: Membership) -> QuerySet[Any]:
    from fakturaflyt.purchasing.models import PurchaseOrder

    return scoped(PurchaseOrder.objects.all(), m).select_related("supplier")


def _match_order(t: _Match) -> None:
    term = t.term
    t.words("number", "supplier__name")
    if term.digits:
        t.add(Q(number__contains=term.digits))
    if term.orgnr:
        t.add(Q(supplier__orgnr=term.orgnr))
    if term.on:
        t.add(Q(order_date=term.on))


def _order_hit(o: Any, m: Membership, exact: bool) -> Hit:
    url = reverse("purchasing:order", args=[o.pk])
    title = f"{gettext('Purchase order')} {o.number}"
    return Hit(
        Kind.ORDERS, title, _join(o.supplier.name, o.get_status_display()), url, None, o.currency, o.order_date, exact
    )


SOURCES: tuple[Source, ...] = (
    Source(
        Kind.DOCUMENTS,
        _("Supplier invoices"),
        Perm.VIEW_PAYABLES,
        _documents,
        _match_document,
        _exact_by(("invoice_number__iexact", _text), ("kid", _digits), ("supplier__orgnr", _orgnr)),
        ("-created_at", "-pk"),
        _document_hit,
    ),
    Source(
        Kind.INVOICES,
        _("Customer invoices"),
        Perm.VIEW_RECEIVABLES,
        _invoices,
        _match_invoice,
        _exact_by(("number", _number), ("kid", _digits)),
        ("-created_at", "-pk"),
        _invoice_hit,
    ),
    Source(
        Kind.VOUCHERS,
        _("Vouchers"),
        Perm.VIEW_LEDGER,
        _vouchers,
        _match_voucher,
        _voucher_q,
        ("-date", "-number", "-pk"),
        _voucher_hit,
    ),
    Source(
        Kind.SUPPLIERS,
        _("Suppliers"),
        Perm.VIEW_SUPPLIERS,
        _suppliers,
        lambda t: _match_party(t, bank=True),
        _exact_by(("orgnr", _orgnr), ("number", _number), ("bank_account", _bank), ("name__iexact", _text)),
        ("name", "pk"),
        _supplier_hit,
    ),
    Source(
        Kind.CUSTOMERS,
        _("Customers"),
        Perm.VIEW_CUSTOMERS,
        _customers,
        lambda t: _match_party(t, bank=False),
        _exact_by(("orgnr", _orgnr), ("number", _number), ("name__iexact", _text)),
        ("name", "pk"),
        _customer_hit,
    ),
    Source(
        Kind.CARDS,
        _("Card charges"),
        Perm.VIEW_PAYABLES,
        _charges,
        _match_charge,
        _exact_by(("external_id__iexact", _text), ("reference__iexact", _text)),
        ("-booked_at", "-pk"),
        _charge_hit,
    ),
    Source(
        Kind.ORDERS,
        _("Purchase orders"),
        Perm.VIEW_PAYABLES,
        _orders,
        _match_order,
        _exact_by(("number__iexact", _text)),
        ("-order_date", "-pk"),
        _order_hit,
    ),
)


# ---------------------------------------------------------------- the one entry point


def kinds_for(m: Membership | None) -> tuple[Kind, ...]:
    """The groups ``m`` may search, in display order: empty for no membership."""
    if m is None:
        return ()
    perms = permissions_of(m.role)
    if m.role == Role.SUPPLIER:
        # A supplier contact: only its own supplier's documents (``scoped``), only with a supplier set.
        return (Kind.DOCUMENTS,) if Perm.SUPPLIER_PORTAL in perms and m.supplier_id else ()
    return tuple(s.kind for s in SOURCES if s.perm in perms)


def search(
    company: Company,
    membership: Membership,
    query: str | Query,
    *,
    limit: int = DROPDOWN_LIMIT,
    kinds: Iterable[Kind | str] | None = None,
) -> SearchResults:
    """Search ``company``'s books as ``membership`` may see them; ``kinds`` narrows to some groups.

    Raises ``ValueError`` when the membership is of another company (a caller's mistake: views
    and the API take the membership from the request, for the active company).
    """
    if membership.company_id != company.pk:
        raise ValueError("The membership is not of this company.")
    parsed = query if isinstance(query, Query) else parse(query)
    limit = max(1, min(limit, MAX_LIMIT))
    allowed = kinds_for(membership)
    wanted = (
        set(allowed) if kinds is None else {Kind(k) for k in kinds if k in Kind.__members__.values()} & set(allowed)
    )
    groups: list[Group] = []
    if not parsed.is_empty:
        sqlite = connection.vendor == "sqlite"
        for source in SOURCES:
            if source.kind in wanted:
                group = source.run(membership, parsed, limit, sqlite)
                groups.append(group if group is not None else Group(source.kind, source.label, ()))
    # Stable: groups with an exact identifier hit first, the rest in their usual order.
    groups.sort(key=lambda g: not g.exact)
    return SearchResults(parsed, tuple(groups), limit)


def label_of(kind: Kind | str) -> str | Promise:
    return next((s.label for s in SOURCES if s.kind == kind), str(kind))
