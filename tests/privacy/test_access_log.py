"""The access log (reads of detail views only) and the audit report (reads + changes), by role and company."""

from __future__ import annotations

from fakturaflyt.privacy.models import AccessLog


def test_detail_views_are_logged_and_lists_are_not(client, world, consumer) -> None:
    client.force_login(world.users["accountant"])
    client.get("/receivables/customers/")
    assert not AccessLog.objects.exists()
    response = client.get(f"/receivables/customers/{consumer.pk}/edit/", HTTP_X_REQUEST_ID="req-42")
    assert response.status_code == 200
    entry = AccessLog.objects.get()
    assert (entry.company, entry.user, entry.object_type, entry.object_id, entry.channel, entry.request_id) == (
        world.a,
        world.users["accountant"],
        "receivables.customer",
        str(consumer.pk),
        "web",
        "req-42",
    )


def test_a_refused_read_is_not_logged(client, world, consumer) -> None:
    client.force_login(world.b_user)
    client.get(f"/receivables/customers/{consumer.pk}/edit/")
    assert not AccessLog.objects.filter(object_id=str(consumer.pk)).exists()


def test_report_shows_reads_and_changes_for_the_auditor_not_the_approver(client, world, consumer) -> None:
    from fakturaflyt.ledger.audit import record

    record(world.a, world.users["accountant"], "customer.changed", consumer)
    client.force_login(world.users["accountant"])
    client.get(f"/receivables/customers/{consumer.pk}/edit/")
    client.force_login(world.users["approver"])
    assert client.get("/privacy/audit/").status_code == 403
    client.force_login(world.users["auditor"])
    page = client.get(f"/privacy/audit/?object=receivables.customer:{consumer.pk}")
    assert page.status_code == 200
    kinds = [r.kind for r in page.context["rows"]]
    assert sorted(kinds) == ["change", "read"]
    csv = client.get(f"/privacy/audit/?object=receivables.customer:{consumer.pk}&format=csv").content.decode()
    assert csv.splitlines()[0].startswith("at,kind,actor")
    assert "accountant@alfa.test" in csv


def test_another_companys_log_is_invisible(client, world, consumer) -> None:
    client.force_login(world.users["accountant"])
    client.get(f"/receivables/customers/{consumer.pk}/edit/")
    client.force_login(world.b_user)
    page = client.get("/privacy/audit/")
    assert page.status_code == 200
    assert all(r.actor != "accountant@alfa.test" for r in page.context["rows"])
    assert "alfa" not in client.get("/privacy/audit/?format=csv").content.decode()


def test_prune_keeps_recent_reads(world) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from fakturaflyt.privacy.report import prune_access_log

    now = timezone.now()
    for days in (10, 600):
        AccessLog.objects.create(
            company=world.a,
            user=world.users["auditor"],
            at=now - timedelta(days=days),
            channel="web",
            view="ledger:voucher",
            object_type="ledger.voucher",
            object_id="1",
            path="/ledger/vouchers/1/",
        )
    assert prune_access_log(older_than_days=548) == 1
    assert AccessLog.objects.count() == 1
