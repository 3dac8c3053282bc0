"""AP figures from constructed documents: channels, touchless rate, cycle times (mean, p90), late
payments, exceptions by cause, approvals waiting per person; another company's rows never count."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from fakturaflyt.approvals.models import StepStatus
from fakturaflyt.coding.models import LineState
from fakturaflyt.dashboards import ap
from fakturaflyt.ledger import audit
from fakturaflyt.payables.models import DocumentState

from .builders import at, coding_line, document, step

pytestmark = [pytest.mark.django_db]

NOV = date(2026, 11, 1)
LAST = date(2026, 11, 30)


def record_at(monkeypatch, when, *args, **kw):
    """An audit event stamped ``when`` (the log stamps events with the clock)."""
    monkeypatch.setattr("fakturaflyt.ledger.audit.timezone", SimpleNamespace(now=lambda: when))
    audit.record(*args, **kw)
    monkeypatch.undo()


@pytest.fixture
def books(world, monkeypatch):
    """Five invoices posted in November 2026 (two touchless), one received in October, one in company B."""
    a, user, approver = world.a, world.users["accountant"], world.users["approver"]
    d1 = document(
        a,
        received=at(date(2026, 11, 2), 9),
        channel="peppol",
        fmt="ehf",
        total="1000.00",
        approved=at(date(2026, 11, 2), 21),
        posted=True,
        due=date(2026, 11, 16),
        paid=date(2026, 11, 20),
    )
    coding_line(d1)  # coded by the engine, approved by routing: touchless
    d2 = document(
        a,
        received=at(date(2026, 11, 3), 9),
        total="200.00",
        approved=at(date(2026, 11, 5), 9),
        posted=True,
        due=date(2026, 11, 30),
        paid=date(2026, 11, 25),
    )
    coding_line(d2, LineState.CONFIRMED, user)  # a person coded it
    d3 = document(
        a,
        received=at(date(2026, 11, 4), 9),
        channel="email",
        total="300.00",
        approved=at(date(2026, 11, 8), 9),
        posted=True,
        due=date(2026, 11, 10),
        payment_blocked=True,
    )
    coding_line(d3)
    step(d3, approver, status=StepStatus.APPROVED, acted_by=approver)  # a person approved it
    d4 = document(
        a,
        received=at(date(2026, 11, 5), 9),
        total="400.00",
        approved=at(date(2026, 11, 6), 9),
        posted=True,
        due=date(2026, 12, 10),
    )
    coding_line(d4)
    record_at(monkeypatch, at(date(2026, 11, 5), 12), a, user, "document.field_corrected", d4, field="total")
    d5 = document(
        a,
        received=at(date(2026, 11, 6), 9),
        channel="portal",
        total="500.00",
        currency="EUR",
        approved=at(date(2026, 11, 16), 9),
        posted=True,
        due=date(2026, 11, 20),
    )
    coding_line(d5)
    # a person uploaded it: the intake, not a touch
    record_at(monkeypatch, at(date(2026, 11, 6), 9), a, user, "document.received", d5)
    document(a, received=at(date(2026, 10, 20), 9), channel="api", state=DocumentState.IN_APPROVAL)
    document(
        world.b, received=at(date(2026, 11, 2), 9), channel="peppol", approved=at(date(2026, 11, 3), 9), posted=True
    )
    # after the posting: a comment does not make it touched
    record_at(monkeypatch, at(date(2026, 11, 17), 9), a, user, "comment.added", d5)
    return {"d1": d1, "d2": d2, "d3": d3, "d4": d4, "d5": d5}


def test_documents_received_per_channel_and_month(world, books):
    volume = ap.channels(world.a, LAST)
    assert volume.months[0] == date(2025, 12, 1) and volume.months[-1] == NOV
    rows = {r.channel: r for r in volume.rows}
    assert rows["upload"].counts[-1] == 2
    assert (rows["peppol"].counts[-1], rows["email"].counts[-1], rows["portal"].counts[-1]) == (1, 1, 1)
    assert rows["api"].counts[-2] == 1 and rows["api"].total == 1
    assert volume.totals[-2:] == (1, 5) and volume.total == 6
    assert dict((f, n) for f, _, n in volume.by_format) == {"ehf": 1, "pdf": 5}
    assert volume.url == "/payables/inbox/?state=all"


def test_touchless_rate_counts_only_untouched_documents(world, books):
    result = ap.touchless(world.a, LAST)
    nov = result.months[-1]
    assert (nov.posted, nov.touchless, nov.rate) == (5, 2, Decimal("40.0"))
    assert (result.posted, result.touchless, result.rate) == (5, 2, Decimal("40.0"))
    assert result.months[0].rate is None  # nothing posted: undefined, not 0 %
    _posted, touched = ap.touched_documents(world.a, at(NOV, 0), at(date(2026, 12, 1), 0))
    assert touched == {books["d2"].pk, books["d3"].pk, books["d4"].pk}
    assert "date_from=2026-11-01" in nov.url and "date_to=2026-11-30" in nov.url


def test_times_from_receipt_to_approval_and_to_payment(world, books):
    approval, payment = ap.cycle_times(world.a, LAST)
    nov = approval.months[-1]
    # 0.5, 2, 4, 1 and 10 days: mean 3.5; nearest-rank p90 of 5 values is the 5th
    assert (nov.count, nov.average, nov.p90) == (5, Decimal("3.5"), Decimal("10.0"))
    # paid 18 and 22 days after receipt
    assert (payment.months[-1].count, payment.months[-1].average, payment.months[-1].p90) == (
        2,
        Decimal("20.0"),
        Decimal("22.0"),
    )
    assert payment.url == "/payments/"


def test_late_payments_and_overdue_unpaid(world, books):
    late = ap.late_payments(world.a, LAST)
    assert (late.months[-1].paid, late.months[-1].paid_late, late.months[-1].late_amount) == (2, 1, Decimal("1000.00"))
    assert late.late_share == Decimal("50.0")
    # d3 (NOK, due 10.11) and d5 (EUR, due 20.11) are approved, unpaid and past due on 30.11
    assert (late.overdue_unpaid, late.overdue_amount, late.overdue_other_currency) == (2, Decimal("300.00"), 1)
    assert late.missed_discounts is None and late.discount_note


def test_exceptions_by_cause_and_problem_code(world):
    a = world.a
    old = at(date(2025, 6, 1))
    sums = {"code": "FF-AP-SUMS", "severity": "error", "message": "Net + VAT is not the total."}
    document(
        a,
        received=old,
        state=DocumentState.QUARANTINED,
        problems=[sums, {"code": "FF-AP-KID-INVALID", "severity": "warning", "message": "KID"}],
    )
    document(
        a,
        received=old,
        state=DocumentState.QUARANTINED,
        problems=[sums, {"code": "FF-AP-EMPTY", "severity": "fatal", "message": "Empty."}],
    )
    document(
        a,
        received=old,
        state=DocumentState.NEEDS_REVIEW,
        problems=[{"code": "FF-AP-LOW-CONFIDENCE", "severity": "info", "message": "Check the total."}],
    )
    document(a, received=old, state=DocumentState.DUPLICATE)
    document(a, received=old, state=DocumentState.RETURNED)
    document(a, received=old, approved=old, posted=True, payment_blocked=True)
    document(a, received=old, approved=old, posted=True, payment_blocked=True, paid=date(2025, 7, 1))  # paid: not held
    document(world.b, received=old, state=DocumentState.QUARANTINED, problems=[sums])
    result = ap.exceptions(a)
    counts = {(r.cause, r.code): r.count for r in result.rows}
    assert counts == {
        ("quarantined", "FF-AP-SUMS"): 2,
        ("quarantined", "FF-AP-EMPTY"): 1,
        ("needs_review", "FF-AP-LOW-CONFIDENCE"): 1,
        ("duplicate", ""): 1,
        ("returned", ""): 1,
        ("payment_blocked", ""): 1,
    }
    assert result.documents == 6
    urls = {r.cause: r.url for r in result.rows}
    assert urls["quarantined"] == "/payables/inbox/?state=quarantined"
    assert urls["returned"] == "/approvals/"


def test_approvals_waiting_per_approver(world):
    a = world.a
    kari, ola = world.users["approver"], world.users["accountant"]
    now = at(date(2026, 11, 20), 12)
    docs = [
        document(a, received=at(date(2026, 11, 1 + i)), state=DocumentState.IN_APPROVAL, total=f"{100 * (i + 1)}.00")
        for i in range(4)
    ]
    step(docs[0], kari, due_at=now - timedelta(hours=1))  # past its deadline
    step(docs[1], kari, due_at=now + timedelta(hours=5))
    step(docs[2], ola)
    step(docs[3], kari)  # level 1 is current ...
    step(docs[3], ola, level=2)  # ... level 2 waits behind it
    step(
        document(a, received=at(date(2026, 11, 9)), posted=True, approved=at(date(2026, 11, 9))),
        kari,
        status=StepStatus.APPROVED,
        acted_by=kari,
    )
    rows = ap.approvals_waiting(a, now=now)
    assert [(r.name, r.count, r.amount, r.overdue) for r in rows] == [
        ("approver@alfa.test", 3, Decimal("700.00"), 1),
        ("accountant@alfa.test", 1, Decimal("300.00"), 0),
    ]
    assert ap.approvals_waiting(world.b, now=now) == ()
