"""The audit log: one event per business action, hash-chained per company, tampering detected."""

from __future__ import annotations

import itertools
import json
import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction

from fakturaflyt.companies.roles import Role
from fakturaflyt.companies.services import add_member, create_company
from fakturaflyt.core.auditchain import GENESIS
from fakturaflyt.ledger.audit import verify
from fakturaflyt.ledger.maintenance import guard_open
from fakturaflyt.ledger.models import AuditEvent, AuditHead, Voucher
from fakturaflyt.ledger.services import reverse_voucher


def events(company) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(company=company).order_by("seq"))


def set_data(event: AuditEvent, data: dict) -> None:
    """Tamper: overwrite an event's data with raw SQL, through the maintenance door."""
    cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    with guard_open("test: tamper"), connection.cursor() as cur:
        cur.execute(f"UPDATE ledger_auditevent SET data = {cast} WHERE id = %s", [json.dumps(data), event.pk])


def delete_event(event: AuditEvent) -> None:
    with guard_open("test: tamper"), connection.cursor() as cur:
        cur.execute("DELETE FROM ledger_auditevent WHERE id = %s", [event.pk])


# every service call writes an event ------------------------------------------------------------


@pytest.mark.django_db
def test_create_company_writes_the_first_event(user_factory) -> None:
    admin = user_factory("ingrid@firma.test")
    company = create_company(admin, orgnr="NO 924 753 811 MVA", name="Nordlys AS")
    [event] = events(company)
    assert (event.seq, event.action, event.actor, event.actor_label) == (
        1,
        "company.created",
        admin,
        "ingrid@firma.test",
    )
    assert (event.object_type, event.object_id) == ("companies.company", str(company.pk))
    assert event.data == {"after": {"orgnr": "924753811", "name": "Nordlys AS"}}
    assert event.prev_hash == GENESIS
    assert AuditHead.objects.get(company=company).seq == 1


@pytest.mark.django_db
def test_a_system_action_is_labelled_system(company) -> None:
    [event] = events(company)
    assert (event.actor, event.actor_label) == (None, "system")


@pytest.mark.django_db
def test_add_member_and_role_change_record_before_and_after(company, user_factory) -> None:
    admin, kari = user_factory("admin@firma.test"), user_factory("kari@firma.test")
    add_member(None, company, admin, Role.ADMIN)
    # when a member is added, then changed
    m = add_member(admin, company, kari, Role.REQUESTER)
    add_member(admin, company, kari, Role.APPROVER, approval_limit=Decimal("50000.00"))
    # then
    added, changed = events(company)[-2:]
    assert (added.action, added.actor_label, added.object_id) == ("membership.added", "admin@firma.test", str(m.pk))
    assert "before" not in added.data
    assert added.data["after"] == {
        "user": "kari@firma.test",
        "role": "requester",
        "approval_limit": None,
        "supplier": None,
        "active": True,
    }
    assert changed.action == "membership.changed"
    assert changed.data["before"]["role"] == "requester"
    assert changed.data["after"]["role"] == "approver"
    assert changed.data["after"]["approval_limit"] == "50000.00"


@pytest.mark.django_db
def test_posting_and_reversal_record_the_voucher(company, post, user_factory) -> None:
    ola = user_factory("ola@firma.test")
    voucher = post(company, amount="1250.50", actor=ola, text="Husleie")
    reversal = reverse_voucher(voucher, ola)
    posted, reversed_ = events(company)[-2:]
    assert (posted.action, posted.actor, posted.object_type, posted.object_id) == (
        "voucher.posted",
        ola,
        "ledger.voucher",
        str(voucher.pk),
    )
    assert posted.data["after"] == {
        "voucher": "GL 2026-1",
        "date": "2026-03-01",
        "description": "Husleie",
        "lines": [
            {
                "account": "6300",
                "debit": "1250.50",
                "credit": "0.00",
                "vat_code": None,
                "department": None,
                "project": None,
            },
            {
                "account": "1920",
                "debit": "0.00",
                "credit": "1250.50",
                "vat_code": None,
                "department": None,
                "project": None,
            },
        ],
    }
    assert (reversed_.action, reversed_.object_id, reversed_.data["reverses"]) == (
        "voucher.reversed",
        str(reversal.pk),
        "GL 2026-1",
    )
    assert reversed_.data["after"]["lines"][0]["credit"] == "1250.50"
    assert verify(company) == []


@pytest.mark.django_db
def test_a_refused_voucher_writes_no_event(company, post) -> None:
    from fakturaflyt.core.errors import RuleViolation
    from fakturaflyt.core.ledger import VoucherLine

    before = len(events(company))
    with pytest.raises(RuleViolation):
        post(company, [VoucherLine("6300", debit=Decimal("1")), VoucherLine("1920", credit=Decimal("2"))])
    assert len(events(company)) == before


# verify: untampered and tampered chains ---------------------------------------------------------


@pytest.fixture
def chain(company, post):
    """A company with five events: created + four vouchers."""
    for i in range(4):
        post(company, amount=f"{i + 1}00.00")
    assert [e.seq for e in events(company)] == [1, 2, 3, 4, 5]
    return company


@pytest.mark.django_db
def test_an_untampered_chain_verifies(chain) -> None:
    assert verify(chain) == []
    es = events(chain)
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(es))


@pytest.mark.django_db
def test_editing_an_event_is_detected(chain) -> None:
    # given an event whose amount is changed behind the application's back
    third = events(chain)[2]
    data = third.data
    data["after"]["lines"][0]["debit"] = "9999.00"
    set_data(third, data)
    assert AuditEvent.objects.get(pk=third.pk).data["after"]["lines"][0]["debit"] == "9999.00"
    # when / then
    problems = verify(chain)
    assert [(p.code, p.location) for p in problems] == [("FF-AUDIT-HASH", "seq 3")]
    assert "event 3" in problems[0].message


@pytest.mark.django_db
def test_editing_the_actor_is_detected(chain) -> None:
    second = events(chain)[1]
    with guard_open("test: tamper"), connection.cursor() as cur:
        cur.execute("UPDATE ledger_auditevent SET actor_label = 'someone else' WHERE id = %s", [second.pk])
    assert [(p.code, p.location) for p in verify(chain)] == [("FF-AUDIT-HASH", "seq 2")]


@pytest.mark.django_db
def test_deleting_an_event_in_the_middle_is_detected(chain) -> None:
    delete_event(events(chain)[2])
    problems = verify(chain)
    assert [(p.code, p.location) for p in problems] == [("FF-AUDIT-GAP", "seq 4")]
    assert "events 3 to 3 are missing" in problems[0].message


@pytest.mark.django_db
def test_deleting_the_newest_event_is_caught_by_the_head(chain) -> None:
    delete_event(events(chain)[-1])
    problems = verify(chain)
    assert [(p.code, p.location) for p in problems] == [("FF-AUDIT-TAIL", "seq 4")]
    assert "5 events were written" in problems[0].message


@pytest.mark.django_db
def test_chains_of_two_companies_are_independent(make_company, post) -> None:
    a, b = make_company("924753811", "A AS"), make_company("923609016", "B AS")
    post(a)
    post(b)
    post(a)
    assert [e.seq for e in events(a)] == [1, 2, 3]
    assert [e.seq for e in events(b)] == [1, 2]
    assert events(a)[0].prev_hash == events(b)[0].prev_hash == GENESIS
    # tampering with A's chain does not touch B's
    delete_event(events(a)[1])
    assert [p.code for p in verify(a)] == ["FF-AUDIT-GAP"]
    assert verify(b) == []


# the maintenance door ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_door_closes_after_the_block_even_when_it_fails(chain) -> None:
    with pytest.raises(RuntimeError), guard_open("test"):
        raise RuntimeError("purge failed")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM ledger_auditevent WHERE company_id = %s", [chain.pk])
    assert len(events(chain)) == 5


@pytest.mark.django_db
def test_what_a_failed_block_did_is_rolled_back(chain) -> None:
    with pytest.raises(RuntimeError), guard_open("test"):
        with connection.cursor() as cur:
            cur.execute("DELETE FROM ledger_auditevent WHERE company_id = %s", [chain.pk])
        raise RuntimeError("purge failed half way")
    assert len(events(chain)) == 5
    assert verify(chain) == []


@pytest.mark.django_db(transaction=True)
def test_the_door_is_open_only_for_the_connection_inside_the_block(make_company, post) -> None:
    # given a committed voucher, and another connection holding the door open
    company = make_company()
    voucher = post(company, text="Original")
    opened, crash = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def maintainer() -> None:
        try:
            cm = guard_open("test: purge")
            cm.__enter__()
            opened.set()
            crash.wait(timeout=30)
            # the process dies inside the block: the connection goes away without a commit
        except BaseException as exc:
            failures.append(exc)
            opened.set()
        finally:
            connection.close()

    thread = threading.Thread(target=maintainer)
    thread.start()
    try:
        assert opened.wait(timeout=30)
        assert failures == []
        # then this connection does not see the door ...
        with connection.cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM ff_ledger_guard")
            assert cur.fetchone()[0] == 0
        # ... and cannot change the voucher through it (SQLite: the maintainer holds the write lock)
        if connection.vendor == "sqlite":
            with connection.cursor() as cur:
                cur.execute("PRAGMA busy_timeout = 200")
        with pytest.raises((IntegrityError, OperationalError)), transaction.atomic(), connection.cursor() as cur:
            cur.execute("UPDATE ledger_voucher SET description = 'Changed' WHERE id = %s", [voucher.pk])
    finally:
        crash.set()
        thread.join(timeout=30)
        connection.close()  # fresh connection, default busy timeout
    # and after the crash no door is left open
    with connection.cursor() as cur:
        cur.execute("SELECT COUNT(*) FROM ff_ledger_guard")
        left_open = cur.fetchone()[0]
        cur.execute("DELETE FROM ff_ledger_guard")  # never leave the door open for the tests after this one
    assert left_open == 0
    assert Voucher.objects.get(pk=voucher.pk).description == "Original"
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM ledger_voucher WHERE id = %s", [voucher.pk])
