"""The dunning run: the steps in time, fees and interest by law, posting, idempotence, payments, disputes."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from fakturaflyt.core.dunning import max_fee
from fakturaflyt.core.ledger import check_voucher
from fakturaflyt.dunning import services
from fakturaflyt.dunning.models import DunningNotice, DunningSettings, NoticeStatus
from fakturaflyt.ledger.services import line_of
from fakturaflyt.receivables.models import Settlement

from .conftest import DUE

pytestmark = pytest.mark.django_db
D = Decimal


def day(n: int) -> date:
    return DUE + timedelta(days=n)


def steps(invoice) -> list[tuple[str, int, Decimal]]:
    return [
        (n.step, (n.sent_on - DUE).days, n.fee)
        for n in invoice.dunning_notices.filter(status="sent").order_by("sent_on")
    ]


def test_a_month_of_daily_runs_walks_the_schedule(dun, mailoutbox) -> None:
    inv = dun.invoice("1000")
    for n in range(-5, 50):
        services.run(dun.company, day(n), dun.user)
    assert steps(inv) == [
        ("courtesy", -3, D("0.00")),
        ("notice", 0, D("0.00")),
        ("reminder", 7, D("0.00")),
        ("reminder_fee", 14, D("37.50")),
        ("inkassovarsel", 28, D("37.50")),
    ]
    fees = [n for n in inv.dunning_notices.all() if n.fee > 0]
    assert all(n.fee <= max_fee(n.sent_on, services.fee_table()) for n in fees)
    assert all((n.sent_on - DUE).days >= 14 for n in fees)
    varsel = inv.dunning_notices.get(step="inkassovarsel")
    assert (varsel.deadline - varsel.sent_on).days >= 14
    # each notice went by e-mail with its PDF
    assert len(mailoutbox) == 5
    last = mailoutbox[-1]
    assert last.to == ["faktura@kunde.no"] and last.subject.startswith("Inkassovarsel")
    _name, content, mimetype = last.attachments[0]
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")
    assert "inkassoloven § 9" in last.body
    # ready for collection after the deadline, not before
    assert not services.preview(dun.company, varsel.deadline).ready_for_collection
    assert (
        services.preview(dun.company, varsel.deadline + timedelta(days=1)).ready_for_collection[0].invoice == inv.number
    )


def test_fees_and_interest_are_posted_balanced_only_when_invoiced(dun) -> None:
    inv = dun.invoice("10000")
    services.run(dun.company, day(7), dun.user)  # a reminder without fee
    first = DunningNotice.objects.get(invoice=inv, step="reminder")
    assert first.fee == 0 and first.interest > 0 and first.voucher is not None  # 7 days of interest
    assert first.interest == (D("10000") * D("0.12") * 7 / 365).quantize(D("0.01"))
    services.run(dun.company, day(14), dun.user)
    second = DunningNotice.objects.get(invoice=inv, step="reminder_fee")
    assert second.fee == D("37.50")
    assert second.interest == (D("10000") * D("0.12") * 7 / 365).quantize(D("0.01"))  # only the days since
    lines = [line_of(p) for p in second.voucher.postings.all()]
    assert check_voucher(lines) == []
    by_account = {ln.account: ln for ln in lines}
    assert by_account["1500"].debit == second.fee + second.interest
    assert by_account["1500"].customer_id == dun.customer.pk
    assert by_account["3900"].credit == D("37.50") and by_account["3900"].vat_code is None
    assert by_account["8055"].credit == second.interest
    assert second.voucher.series.code == "AR"
    claim = services.claim(inv)
    assert claim["total"] == D("10000.00") + first.interest + second.fee + second.interest


def test_no_voucher_for_a_courtesy_notice_and_nothing_when_interest_is_off(dun) -> None:
    DunningSettings.objects.create(company=dun.company, charge_interest=False)
    inv = dun.invoice()
    services.run(dun.company, day(-3), dun.user)
    services.run(dun.company, day(7), dun.user)
    assert all(n.voucher_id is None and n.interest == 0 for n in inv.dunning_notices.all())


def test_company_fee_above_the_legal_maximum_is_cut(dun) -> None:
    DunningSettings.objects.create(company=dun.company, fee_amount=D("150.00"))
    inv = dun.invoice()
    services.run(dun.company, day(20), dun.user)
    assert DunningNotice.objects.get(invoice=inv).fee == D("37.50")


def test_2025_fee_is_the_halved_one(dun) -> None:
    inv = dun.invoice(due=date(2025, 3, 1))
    result = services.run(dun.company, date(2025, 3, 20), dun.user)
    assert [n.fee for n in result.notices] == [D("35.00")]
    assert inv.dunning_notices.get().interest > 0  # 2025-H1 12.50 %


def test_running_twice_sends_nothing_twice(dun, mailoutbox) -> None:
    inv = dun.invoice()
    first = services.run(dun.company, day(15), dun.user)
    again = services.run(dun.company, day(15), dun.user)
    assert len(first.notices) == 1 and again.notices == []
    assert inv.dunning_notices.count() == 1 and len(mailoutbox) == 1


def test_disputed_is_skipped_with_its_reason(dun, mailoutbox) -> None:
    inv = dun.invoice()
    inv.disputed, inv.dispute_note = True, "varene kom aldri"
    inv.save()
    result = services.run(dun.company, day(20), dun.user)
    assert result.notices == [] and result.skipped[0].invoice == inv.number
    assert "varene kom aldri" in result.skipped[0].reason
    assert not DunningNotice.objects.exists() and mailoutbox == []


def _pay(inv, amount: Decimal, on: date, user) -> None:
    try:
        from fakturaflyt.receivables.payments import record_payment

        record_payment(
            inv.company, customer=inv.customer, amount=amount, paid_on=on, allocations=[(inv, amount)], actor=user
        )
    except NotImplementedError:  # the banking work is not in yet: settle it directly
        inv.paid_amount += amount
        inv.settlement = Settlement.PAID if inv.paid_amount >= inv.total else Settlement.PARTLY_PAID
        inv.paid_on = on if inv.settlement == Settlement.PAID else None
        inv.save()


def test_a_payment_stops_dunning_at_once(dun, mailoutbox) -> None:
    inv = dun.invoice()
    services.run(dun.company, day(7), dun.user)
    planned = services.preview(dun.company, day(14))
    assert [p.step for p in planned.notices] == ["reminder_fee"]
    _pay(inv, inv.total, day(13), dun.user)
    # the run re-reads the invoice in its lock: nothing more is sent, now or later
    for n in range(14, 60):
        assert services.run(dun.company, day(n), dun.user).notices == []
    assert steps(inv) == [("reminder", 7, D("0.00"))] and len(mailoutbox) == 1


def test_payment_between_plan_and_send_is_seen_inside_the_lock(dun, monkeypatch) -> None:
    inv = dun.invoice()
    real = services._plan

    def plan_then_pay(company, on, ctx):
        result = real(company, on, ctx)
        _pay(inv, inv.total, on, dun.user)
        return result

    monkeypatch.setattr(services, "_plan", plan_then_pay)
    result = services.run(dun.company, day(14), dun.user)
    assert result.notices == [] and result.skipped[0].code == "FF-DUN-SETTLED"
    assert not DunningNotice.objects.exists()


def test_partly_paid_keeps_dunning_the_rest(dun) -> None:
    inv = dun.invoice("1000")
    _pay(inv, D("400"), day(2), dun.user)
    result = services.run(dun.company, day(14), dun.user)
    assert result.notices[0].principal == D("600.00")
    expected = (D("600") * D("0.12") * 14 / 365).quantize(D("0.01"))
    assert result.notices[0].interest == expected


def test_customer_without_email_gets_a_stored_letter_for_print(dun, mailoutbox) -> None:
    inv = dun.invoice(customer=dun.printed)
    result = services.run(dun.company, day(7), dun.user)
    assert result.notices[0].channel == "print" and result.notices[0].email == ""
    notice = DunningNotice.objects.get(invoice=inv)
    assert notice.document is not None and notice.document.content_type == "application/pdf"
    assert mailoutbox == []


def test_a_failed_email_keeps_nothing_and_is_retried(dun, monkeypatch) -> None:
    from fakturaflyt.dunning import letters

    inv = dun.invoice()

    def broken(*a, **k):
        raise OSError("mail server down")

    monkeypatch.setattr(letters, "send_email", broken)
    result = services.run(dun.company, day(14), dun.user)
    assert result.skipped[0].code == "FF-DUN-SEND-FAILED"
    failed = DunningNotice.objects.get(invoice=inv)
    assert failed.status == NoticeStatus.FAILED and failed.voucher is None and "mail server down" in failed.error
    monkeypatch.undo()
    again = services.run(dun.company, day(14), dun.user)
    assert [n.step for n in again.notices] == ["reminder_fee"]
    assert inv.dunning_notices.filter(status="sent").count() == 1


def test_dry_run_writes_nothing(dun, mailoutbox) -> None:
    dun.invoice()
    result = services.run(dun.company, day(14), dun.user, dry_run=True)
    assert result.dry_run and [n.step for n in result.notices] == ["reminder_fee"]
    assert result.notices[0].fee == D("37.50") and result.notices[0].email == "faktura@kunde.no"
    assert not DunningNotice.objects.exists() and mailoutbox == []
