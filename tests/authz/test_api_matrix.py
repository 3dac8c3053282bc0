"""Authorization matrix generated from the OpenAPI schema: every operation, every role of company A,
company B's accountant and an anonymous caller (issue 11, hostile users).

Each operation is classified by method (read/write) and path (company-scoped or the caller's own) and
looked up in :data:`spec.NEEDS`; a request is generated with real ids of A's objects and a valid body, so
it reaches the permission check. Assertions, per caller:

- a refused caller gets 401/403/404, never 2xx and never a 422 (a validation error before the check
  proves nothing), and A's books do not change;
- an allowed caller is not refused (a 400/404/409/422 from the business rules is fine), and never a 5xx;
- an auditor's writes are all refused; an approver writes only approvals (never payments or posting);
- the supplier contact's answers never show the other supplier's documents;
- B's accountant gets nothing of A's: not under A's org.nr, nor with A's ids under B's own org.nr.
"""

from __future__ import annotations

from typing import Any

import pytest

from .openapi import Operation, build_request, operations, send
from .spec import APPROVER_WRITES, NEEDS, PUBLIC, QUESTIONS, ROLES

pytestmark = pytest.mark.django_db

REFUSED = {401, 403, 404}
A_MARKERS = ("ALFA", "Alfa AS", "924753811", "Bergen Kontorutstyr", "Fjordnett Telekom")
B_MARKERS = ("BETA", "Beta AS")
OTHER_SUPPLIER_MARKERS = ("Fjordnett Telekom", "ALFA-F2", "ALFA other", "998811228")


def ordered() -> list[Operation]:
    """Reads first, then writes, deletes last: a caller's allowed write does not hide the next operation's object."""
    return sorted(operations(), key=lambda o: (o.is_write, o.method == "delete"))


def bearer(realm: Any, who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {realm.tokens[who]}"} if who != "anon" else {}


def snapshot(company: Any) -> tuple[int, ...]:
    """Counts that any successful change of a company's books moves."""
    from fakturaflyt.coding.models import CodingRule
    from fakturaflyt.ledger.models import AuditEvent, Voucher
    from fakturaflyt.payables.models import SupplierDocument
    from fakturaflyt.receivables.models import Customer, SalesInvoice

    return tuple(
        m.objects.filter(company=company).count()
        for m in (AuditEvent, Voucher, SupplierDocument, SalesInvoice, Customer, CodingRule)
    )


def call(client: Any, realm: Any, who: str, op: Operation, books: Any, *, supplier_view: bool = False) -> Any:
    req = build_request(op, books.params(supplier_view=supplier_view), books.number_for(op.path))
    return send(client, req, bearer(realm, who))


def body_text(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def test_every_operation_is_classified() -> None:
    """A new endpoint fails here until its permission is written into spec.NEEDS (and so tested below)."""
    ids = {o.operation_id for o in operations()}
    assert sorted(ids - NEEDS.keys()) == [], "operations without an authorization rule in tests/authz/spec.py"
    assert sorted(NEEDS.keys() - ids) == [], "rules in tests/authz/spec.py for operations that are gone"
    for o in operations():
        assert o.scope in {"company", "alias", "user"}, o
        if o.scope == "user":
            assert not o.is_write and NEEDS[o.operation_id].perm is None, f"{o}: a write outside a company"


def test_the_role_rules_themselves() -> None:
    """What the issue demands of the table, whatever it says: auditors read only, approvers never pay or post."""
    for o in operations():
        need = NEEDS[o.operation_id]
        if o.is_write and o.operation_id not in QUESTIONS:
            assert "auditor" not in need.allowed_roles(), o
            if o.operation_id not in APPROVER_WRITES:
                assert "approver" not in need.allowed_roles(), o


@pytest.mark.parametrize("role", ROLES)
def test_role_in_company_a(realm, client, role: str) -> None:
    wrong = []
    for op in ordered():
        allowed = role in NEEDS[op.operation_id].allowed_roles()
        before = snapshot(realm.a.company)
        response = call(client, realm, role, op, realm.a, supplier_view=role == "supplier")
        status = response.status_code
        text = body_text(response)
        if status >= 500:
            wrong.append(f"{op}: {status}")
        elif allowed and status in (401, 403):
            wrong.append(f"{op}: refused {status} {text[:150]}")
        elif not allowed:
            if status not in REFUSED:
                wrong.append(f"{op}: {status}, expected refusal; {text[:150]}")
            elif snapshot(realm.a.company) != before:
                wrong.append(f"{op}: refused with {status} but changed A's books")
        if role == "supplier" and 200 <= status < 300:
            leaked = [m for m in OTHER_SUPPLIER_MARKERS if m in text]
            if leaked:
                wrong.append(f"{op}: the supplier contact sees another supplier's data {leaked}")
        if any(m in text for m in B_MARKERS):
            wrong.append(f"{op}: company B's data in A's answer")
    assert not wrong, "\n".join(wrong)


def test_anonymous_is_401_everywhere(realm, client) -> None:
    wrong = []
    for op in ordered():
        response = call(client, realm, "anon", op, realm.a)
        if op.operation_id not in PUBLIC and response.status_code != 401:
            wrong.append(f"{op}: {response.status_code}")
    assert not wrong, "\n".join(wrong)


def test_company_b_gets_nothing_of_a(realm, client) -> None:
    """B's accountant under A's org.nr: refused; with A's ids under B's own org.nr: not found, never A's data."""
    wrong = []
    before = snapshot(realm.a.company)
    for op in ordered():
        response = call(client, realm, "b_user", op, realm.a)
        text = body_text(response)
        if op.scope == "user":
            if response.status_code != 200:
                wrong.append(f"{op}: {response.status_code}")
        elif response.status_code not in (403, 404):
            wrong.append(f"{op} under A's org.nr: {response.status_code}")
        if any(m in text for m in A_MARKERS):
            wrong.append(f"{op} under A's org.nr: A's data in the answer")
    wrong += _foreign_ids_under_own_orgnr(realm, client, realm.a, realm.b, "b_user", A_MARKERS, "with A's ids under B")
    assert snapshot(realm.a.company) == before, "B's accountant changed A's books"
    assert not wrong, "\n".join(wrong)


def _foreign_ids_under_own_orgnr(realm, client, owner, caller_books, caller, markers, label) -> list[str]:
    """Every company-scoped call by ``caller`` under its own org.nr with ``owner``'s object ids:
    what answered 5xx or showed ``owner``'s data."""
    wrong = []
    for op in ordered():
        if op.scope == "user":
            continue
        values = {**owner.params(), "orgnr": caller_books.company.orgnr}
        response = send(client, build_request(op, values, owner.number_for(op.path)), bearer(realm, caller))
        text = body_text(response)
        if response.status_code >= 500:
            wrong.append(f"{op} {label}: {response.status_code}")
        if any(m in text for m in markers):
            wrong.append(f"{op} {label}: the other company's data in the answer {text[:200]}")
    return wrong


def test_company_a_ids_of_b_are_not_found(realm, client) -> None:
    """The other way round: A's accountant, A's org.nr, B's object ids: B's data never shows, B never changes."""
    before = snapshot(realm.b.company)
    wrong = _foreign_ids_under_own_orgnr(
        realm, client, realm.b, realm.a, "accountant", B_MARKERS, "with B's ids under A"
    )
    assert snapshot(realm.b.company) == before, "A's accountant changed B's books"
    assert not wrong, "\n".join(wrong)
