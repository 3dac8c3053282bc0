"""The web UI, walked from the URL resolver: every page (GET) as company B's accountant and as A's supplier
contact, with the ids of A's objects (the other supplier's, for the contact). No answer shows A's data to B,
nor another supplier's data to the contact; no page crashes.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from .test_api_matrix import A_MARKERS, OTHER_SUPPLIER_MARKERS, body_text

pytestmark = pytest.mark.django_db

SKIP_PREFIXES = ("admin/", "api/", "i18n/", "login/", "logout/", "static/", "metrics", "health", "ready")


def web_patterns() -> list[tuple[str, str]]:
    """(route, name) of every web view, admin and API excluded."""
    out: list[tuple[str, str]] = []

    def walk(resolver: Any, prefix: str, ns: str) -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                walk(p, prefix + str(p.pattern), f"{ns}:{p.namespace}".strip(":") if p.namespace else ns)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if not route.startswith(SKIP_PREFIXES) and not route.startswith("^"):
                    out.append((route, f"{ns}:{p.name}".strip(":") if p.name else route))

    walk(get_resolver(), "", "")
    return out


def fill(route: str, name: str, books: Any, *, supplier_view: bool = False) -> str:
    """The route with its parameters naming A's objects (by the URL's area)."""
    from fakturaflyt.cards.models import ChargeLine

    doc = books.other_doc if supplier_view else books.own_doc
    line = books.other_line if supplier_view else books.own_line
    area = name.split(":")[0]
    by_area = {
        "ledger": books.voucher.pk,
        "payables": doc.pk,
        "portal": doc.pk,
        "approvals": doc.pk,
        "purchasing": books.order.pk,
        "cards": books.charge.pk,
        "receivables": books.invoice.pk,
        "receivables_ledger": books.customer.pk,
        "dunning": books.invoice.pk,
        "coding": line.pk,
    }
    values = {
        "number": books.payment_run.number,
        "invoice_id": books.invoice.pk,
        "page": 1,
        "index": 0,
        "name": "total",
        "fmt": "csv",
        "month": "2026-03",
        "system": "tripletex",
    }
    if name in {"coding:rule_active"}:
        values["pk"] = books.rule.pk
    elif name.startswith("receivables:customer"):
        values["pk"] = books.customer.pk
    elif name == "cards:code":
        values["pk"] = (
            ChargeLine.objects.filter(charge__company=books.company).values_list("pk", flat=True).first() or 1
        )
    else:
        values["pk"] = by_area.get(area, 1)

    def sub(m: re.Match[str]) -> str:
        return str(values.get(m.group(2), 1))  # a new parameter: id 1 is one of A's (A is built first)

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", sub, route)


def test_the_walk_finds_the_pages() -> None:
    names = {n for _r, n in web_patterns()}
    assert {"ledger:voucher", "payables:document", "portal:document", "receivables:invoice_pdf"} <= names


def test_company_b_sees_nothing_of_a_in_the_web_ui(realm, client) -> None:
    client.force_login(realm.world.b_user)
    wrong = []
    for route, name in web_patterns():
        url = fill(route, name, realm.a)
        response = client.get(url)
        text = body_text(response) if response.status_code == 200 else ""
        if response.status_code >= 500:
            wrong.append(f"{name} {url}: {response.status_code}")
        leaked = [m for m in A_MARKERS if m in text]
        if leaked:
            wrong.append(f"{name} {url}: A's data {leaked}")
    # and B's accountant cannot make A the active company
    response = client.post("/company/switch/", {"company": realm.a.company.pk})
    assert response.status_code == 403
    assert not wrong, "\n".join(wrong)


def test_the_supplier_contact_sees_only_its_supplier_in_the_web_ui(realm, client) -> None:
    client.force_login(realm.world.users["supplier"])
    wrong = []
    for route, name in web_patterns():
        url = fill(route, name, realm.a, supplier_view=True)
        response = client.get(url)
        text = body_text(response) if response.status_code == 200 else ""
        if response.status_code >= 500:
            wrong.append(f"{name} {url}: {response.status_code}")
        leaked = [m for m in OTHER_SUPPLIER_MARKERS if m in text]
        if leaked:
            wrong.append(f"{name} {url}: another supplier's data {leaked}")
    # its own document is there
    assert client.get(f"/portal/documents/{realm.a.own_doc.pk}/").status_code == 200
    assert not wrong, "\n".join(wrong)
