"""search(): each kind of term finds its rows, roles see only their groups, another company never shows."""

from __future__ import annotations

import pytest

from fakturaflyt.search.services import Kind, kinds_for, search

pytestmark = pytest.mark.django_db


def titles(results, kind: Kind) -> list[str]:
    return [h.title for g in results.groups if g.kind == kind for h in g.hits]


def urls(results) -> set[str]:
    return {h.url for h in results.hits}


def run(books, q: str, role: str = "accountant", **kw):
    return search(books.world.a, books.m(role), q, **kw)


@pytest.mark.parametrize("typed", ["1 250,00", "1250.00", "1250", "1.250,00", "kr 1 250,-"])
def test_an_amount_finds_the_invoice_and_the_voucher(books, typed) -> None:
    r = run(books, typed)
    assert f"/payables/inbox/{books.document.pk}/" in urls(r)
    assert f"/ledger/vouchers/{books.voucher.pk}/" in urls(r)
    assert f"/payables/inbox/{books.other_document.pk}/" not in urls(r)


@pytest.mark.parametrize("typed", ["987654325", "987 654 325", "NO987654325MVA"])
def test_an_orgnr_finds_the_supplier_and_its_documents(books, typed) -> None:
    r = run(books, typed)
    assert titles(r, Kind.SUPPLIERS) == ["Bergen Kontorutstyr AS"]
    assert titles(r, Kind.DOCUMENTS) == ["Invoice INV-4711"]
    assert r.groups[0].exact  # exact identifier hits put their group first


def test_a_kid_finds_the_document_and_the_customer_invoice(books) -> None:
    r = run(books, "00001000100238")
    assert titles(r, Kind.DOCUMENTS) == ["Invoice INV-4711"]
    assert r.groups[0].kind == Kind.DOCUMENTS and r.groups[0].hits[0].exact
    assert titles(run(books, "0002001700003"), Kind.INVOICES) == ["Invoice 20017"]


def test_a_voucher_label_as_displayed(books) -> None:
    label = books.voucher.label  # "AP 2026-1"
    for typed in (label, label.replace(" ", "-"), label.lower().replace(" ", "")):
        r = run(books, typed)
        hits = [h for g in r.groups if g.kind == Kind.VOUCHERS for h in g.hits]
        assert hits and hits[0].title == label and hits[0].exact, typed
        assert hits[0].url == f"/ledger/vouchers/{books.voucher.pk}/"
        assert hits[0].amount is not None and f"{hits[0].amount:.2f}" == "1250.00"


def test_an_invoice_number_and_a_source_ref(books) -> None:
    r = run(books, "inv-4711")
    assert titles(r, Kind.DOCUMENTS) == ["Invoice INV-4711"]
    assert r.hits[0].exact
    assert titles(r, Kind.VOUCHERS) == [books.voucher.label]  # its source reference


def test_customer_number_name_parts_and_norwegian_letters(books) -> None:
    assert titles(run(books, "10023"), Kind.CUSTOMERS) == ["Ærøy Åsen Bygg AS"]
    assert titles(run(books, "ærøy"), Kind.CUSTOMERS) == ["Ærøy Åsen Bygg AS"]  # case of æøå on SQLite too
    assert titles(run(books, "ÆRØY"), Kind.CUSTOMERS) == ["Ærøy Åsen Bygg AS"]
    assert titles(run(books, "aasen bygg"), Kind.CUSTOMERS) == ["Ærøy Åsen Bygg AS"]  # aa = å
    assert titles(run(books, "aasen.no"), Kind.CUSTOMERS) == ["Ærøy Åsen Bygg AS"]  # e-mail
    assert titles(run(books, "910 000 004"), Kind.INVOICES) == ["Invoice 20017"]  # by the buyer's org.nr


def test_every_term_must_match(books) -> None:
    assert titles(run(books, "bergen 1250"), Kind.DOCUMENTS) == ["Invoice INV-4711"]
    assert titles(run(books, "fjordnett 1250"), Kind.DOCUMENTS) == []
    assert titles(run(books, "fjordnett"), Kind.DOCUMENTS) == ["Invoice FN-2026-88"]


def test_supplier_bank_account_card_charge_and_purchase_order(books) -> None:
    assert titles(run(books, "1503.20.80119"), Kind.SUPPLIERS) == ["Bergen Kontorutstyr AS"]
    r = run(books, "circle k 512,40")
    assert titles(r, Kind.CARDS) == ["CIRCLE K NORGE 0231 OSLO"]
    assert r.hits[0].url == f"/cards/charges/{books.charge.pk}/"
    assert titles(run(books, "per hansen"), Kind.CARDS) == ["CIRCLE K NORGE 0231 OSLO"]
    assert titles(run(books, "PO-5501"), Kind.ORDERS) == ["Purchase order PO-5501"]


def test_a_date_finds_what_happened_that_day(books) -> None:
    r = run(books, "04.03.2026")
    assert titles(r, Kind.CARDS) == ["CIRCLE K NORGE 0231 OSLO"]
    assert titles(run(books, "05.03.2026"), Kind.VOUCHERS) == [books.voucher.label]


def test_another_company_never_appears(books) -> None:
    for q in ("INV-4711", "1250", "Bergen", "00001000100238", "husleie", "987654325"):
        for role in ("admin", "accountant", "auditor"):
            assert f"/payables/inbox/{books.b_document.pk}/" not in urls(run(books, q, role))
    with pytest.raises(ValueError):
        search(books.world.b, books.m("accountant"), "Bergen")


def test_groups_follow_the_role(books) -> None:
    m = books.m
    assert set(kinds_for(m("admin"))) == set(Kind)
    assert set(kinds_for(m("auditor"))) == set(Kind)
    assert set(kinds_for(m("approver"))) == {Kind.DOCUMENTS, Kind.SUPPLIERS, Kind.CARDS, Kind.ORDERS}
    assert kinds_for(m("supplier")) == (Kind.DOCUMENTS,)
    assert kinds_for(None) == ()

    # An approver sees supplier invoices but no vouchers or customers.
    r = run(books, "1250", "approver")
    assert {g.kind for g in r.groups} <= {Kind.DOCUMENTS, Kind.SUPPLIERS, Kind.CARDS, Kind.ORDERS}
    assert titles(r, Kind.DOCUMENTS) == ["Invoice INV-4711"]
    assert titles(run(books, "Ærøy", "approver"), Kind.CUSTOMERS) == []


def test_an_approver_without_supplier_view_sees_no_suppliers(books, monkeypatch) -> None:
    from fakturaflyt.companies import roles
    from fakturaflyt.companies.roles import Perm, Role

    reduced = dict(roles.ROLE_PERMISSIONS)
    reduced[Role.APPROVER] = reduced[Role.APPROVER] - {Perm.VIEW_SUPPLIERS}
    monkeypatch.setattr(roles, "ROLE_PERMISSIONS", reduced)
    r = run(books, "Bergen", "approver")
    assert Kind.SUPPLIERS not in {g.kind for g in r.groups}
    assert titles(r, Kind.DOCUMENTS) == ["Invoice INV-4711"]


def test_an_auditor_sees_everything_read_only(books) -> None:
    r = run(books, "Ærøy", "auditor")
    (hit,) = [h for g in r.groups if g.kind == Kind.CUSTOMERS for h in g.hits]
    # The customer statement (read-only), not the customer's edit form the auditor may not open.
    assert hit.url == f"/receivables/ledger/{books.customer.pk}/"
    assert "edit" not in hit.url


def test_a_supplier_contact_finds_only_its_own_documents_in_the_portal(books) -> None:
    r = run(books, "1250", "supplier")
    assert [g.kind for g in r.groups] == [Kind.DOCUMENTS]
    assert urls(r) == {f"/portal/documents/{books.document.pk}/"}
    assert run(books, "fjordnett", "supplier").is_empty  # the other supplier's invoice
    assert run(books, "FN-2026-88", "supplier").is_empty


def test_limit_more_and_order(books) -> None:
    from tests.search.conftest import make_document

    for i in range(7):
        make_document(books.world.a, books.world.other_supplier, number=f"FN-X{i}", total="77.00")
    r = run(books, "77", limit=5)
    (group,) = [g for g in r.groups if g.kind == Kind.DOCUMENTS]
    assert len(group.hits) == 5 and group.has_more
    assert group.hits[0].title == "Invoice FN-X6"  # newest first
    r = run(books, "fn-x3 77", limit=5)
    assert titles(r, Kind.DOCUMENTS) == ["Invoice FN-X3"]


def test_empty_and_meaningless_queries_ask_nothing(books, django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        assert run(books, "").is_empty
        assert run(books, "   x ").is_empty


def test_one_query_per_group_at_most(books, django_assert_max_num_queries) -> None:
    m = books.m("admin")
    with django_assert_max_num_queries(len(Kind)):
        r = search(books.world.a, m, "bergen 1 250,00", limit=50)
        assert r.hits
        [h.url for h in r.hits]  # building hits and urls asks nothing more
    with django_assert_max_num_queries(len(Kind)):
        search(books.world.a, m, "Ærøy Åsen 10023 910000004", limit=50)
