"""A posted voucher, its postings and the audit events cannot be changed or deleted by any road:
the model, the queryset, raw SQL (database triggers), the API or the admin."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from fakturaflyt.api.auth import issue_token
from fakturaflyt.companies.roles import Role
from fakturaflyt.companies.services import add_member
from fakturaflyt.ledger.error_codes import LedgerError
from fakturaflyt.ledger.models import AuditEvent, ImmutableError, Posting, Voucher

pytestmark = pytest.mark.django_db


@pytest.fixture
def voucher(company, post):
    return post(company, amount="1000.00", text="Original")


def unchanged(voucher: Voucher) -> None:
    v = Voucher.objects.get(pk=voucher.pk)
    assert (v.description, v.number, v.date) == ("Original", voucher.number, voucher.date)
    assert sorted(v.postings.values_list("debit", "credit")) == [
        (Decimal("0.00"), Decimal("1000.00")),
        (Decimal("1000.00"), Decimal("0.00")),
    ]


# (a) the model ---------------------------------------------------------------------------------


def test_model_save_and_delete_are_refused(voucher) -> None:
    v = Voucher.objects.get(pk=voucher.pk)
    v.description = "Changed"
    with pytest.raises(ImmutableError) as err:
        v.save()
    assert err.value.code == "FF-LEDGER-IMMUTABLE"
    assert "reversal" in str(err.value)
    with pytest.raises(ImmutableError):
        v.save(update_fields=["description"])
    with pytest.raises(ImmutableError):
        v.delete()
    p = v.postings.first()
    p.debit = Decimal("1.00")
    with pytest.raises(ImmutableError):
        p.save()
    with pytest.raises(ImmutableError):
        p.delete()
    unchanged(voucher)


# (b) the queryset ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "attempt",
    [
        lambda v: Voucher.objects.filter(pk=v.pk).update(description="Changed"),
        lambda v: Voucher.objects.filter(pk=v.pk).delete(),
        lambda v: Voucher.objects.all().delete(),
        lambda v: v.company.vouchers.update(description="Changed"),
        lambda v: Voucher.objects.bulk_update([v], ["description"]),
        lambda v: Posting.objects.filter(voucher=v).update(debit=Decimal("1.00")),
        lambda v: Posting.objects.filter(voucher=v).delete(),
        lambda v: v.postings.all().delete(),
        lambda v: v.postings.update(credit=Decimal("0")),
    ],
    ids=[
        "voucher-update",
        "voucher-delete",
        "voucher-delete-all",
        "related-voucher-update",
        "voucher-bulk-update",
        "posting-update",
        "posting-delete",
        "related-posting-delete",
        "related-posting-update",
    ],
)
def test_queryset_update_and_delete_are_refused(voucher, attempt) -> None:
    with pytest.raises(ImmutableError), transaction.atomic():
        attempt(voucher)
    unchanged(voucher)


# (c) raw SQL: the database triggers -----------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_voucher SET description = 'Changed' WHERE id = %s",
        "DELETE FROM ledger_voucher WHERE id = %s",
        "UPDATE ledger_posting SET debit = credit, credit = debit WHERE voucher_id = %s",
        "DELETE FROM ledger_posting WHERE voucher_id = %s",
    ],
)
def test_raw_sql_is_refused_by_the_database(voucher, sql) -> None:
    # on PostgreSQL the error aborts the transaction, so it happens inside its own (savepoint)
    with pytest.raises(IntegrityError) as err, transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, [voucher.pk])
    assert "FF-LEDGER-IMMUTABLE" in str(err.value)
    unchanged(voucher)


def test_the_base_manager_is_stopped_by_the_database(voucher) -> None:
    # Django's internal manager bypasses the model's queryset; the triggers still refuse
    with pytest.raises(IntegrityError), transaction.atomic():
        Voucher._base_manager.filter(pk=voucher.pk).update(description="Changed")
    unchanged(voucher)


# (d) the API: no PUT, PATCH or DELETE --------------------------------------------------------


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_api_has_no_method_to_change_a_voucher(voucher, company, user_factory, client, method) -> None:
    admin = user_factory("admin@firma.test")
    add_member(None, company, admin, Role.ADMIN)
    url = f"/api/companies/{company.orgnr}/vouchers/{voucher.pk}"
    headers = {"Authorization": f"Bearer {issue_token(admin, 'test')}"}
    assert client.get(url, headers=headers).status_code == 200
    response = getattr(client, method)(
        url, data={"description": "Changed"}, content_type="application/json", headers=headers
    )
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    unchanged(voucher)


# (e) the admin ----------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, user_factory, settings):
    # the manifest storage needs collectstatic; the admin pages only need the plain one here
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    superuser = user_factory("root@firma.test", password="root-pass-123")
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    assert client.login(username="root@firma.test", password="root-pass-123")
    return client


def test_admin_shows_a_voucher_read_only(admin_client, voucher) -> None:
    response = admin_client.get(reverse("admin:ledger_voucher_change", args=[voucher.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Original" in html
    assert 'name="_save"' not in html and 'name="_continue"' not in html
    assert reverse("admin:ledger_voucher_delete", args=[voucher.pk]) not in html
    listing = admin_client.get(reverse("admin:ledger_voucher_changelist"))
    assert listing.status_code == 200
    assert reverse("admin:ledger_voucher_add") not in listing.content.decode()


def test_admin_refuses_to_change_add_or_delete_a_voucher(admin_client, voucher) -> None:
    change = reverse("admin:ledger_voucher_change", args=[voucher.pk])
    form = {
        "description": "Changed",
        "postings-TOTAL_FORMS": "0",
        "postings-INITIAL_FORMS": "0",
        "_save": "Save",
    }
    assert admin_client.post(change, form).status_code == 403
    delete = reverse("admin:ledger_voucher_delete", args=[voucher.pk])
    assert admin_client.get(delete).status_code == 403
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    add = reverse("admin:ledger_voucher_add")
    assert admin_client.get(add).status_code == 403
    assert admin_client.post(add, {"description": "New"}).status_code == 403
    changelist = reverse("admin:ledger_voucher_changelist")
    # there are no bulk actions either: whatever the page answers, nothing is deleted
    admin_client.post(changelist, {"action": "delete_selected", "_selected_action": [voucher.pk], "post": "yes"})
    unchanged(voucher)
    assert Voucher.objects.count() == 1


def test_admin_refuses_to_change_or_delete_an_audit_event(admin_client, voucher) -> None:
    event = AuditEvent.objects.filter(company=voucher.company).last()
    assert admin_client.get(reverse("admin:ledger_auditevent_change", args=[event.pk])).status_code == 200
    assert (
        admin_client.post(reverse("admin:ledger_auditevent_change", args=[event.pk]), {"action": "x"}).status_code
        == 403
    )
    assert (
        admin_client.post(reverse("admin:ledger_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert admin_client.get(reverse("admin:ledger_auditevent_add")).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == event.action


# audit events are append-only the same way --------------------------------------------------


def test_audit_event_model_save_and_delete_are_refused(voucher) -> None:
    event = AuditEvent.objects.filter(company=voucher.company).last()
    event.action = "forged"
    with pytest.raises(LedgerError) as err:
        event.save()
    assert err.value.code == "FF-AUDIT-APPEND-ONLY"
    with pytest.raises(LedgerError):
        event.delete()


@pytest.mark.parametrize(
    "attempt",
    [
        lambda c: AuditEvent.objects.filter(company=c).update(action="forged"),
        lambda c: AuditEvent.objects.filter(company=c).delete(),
        lambda c: c.audit_events.all().delete(),
    ],
    ids=["update", "delete", "related-delete"],
)
def test_audit_event_queryset_update_and_delete_are_refused(voucher, attempt) -> None:
    before = list(AuditEvent.objects.filter(company=voucher.company).values_list("seq", "action", "hash"))
    with pytest.raises(LedgerError) as err, transaction.atomic():
        attempt(voucher.company)
    assert err.value.code == "FF-AUDIT-APPEND-ONLY"
    assert list(AuditEvent.objects.filter(company=voucher.company).values_list("seq", "action", "hash")) == before


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_auditevent SET action = 'forged' WHERE company_id = %s",
        "DELETE FROM ledger_auditevent WHERE company_id = %s",
    ],
)
def test_audit_event_raw_sql_is_refused(voucher, sql) -> None:
    with pytest.raises(IntegrityError) as err, transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql, [voucher.company_id])
    assert "FF-LEDGER-IMMUTABLE" in str(err.value)
    assert not AuditEvent.objects.filter(action="forged").exists()


def test_a_user_who_acted_cannot_be_deleted_away_from_the_log(company, user_factory) -> None:
    # given a user who is named as the actor of audit events
    from django.db.models import ProtectedError

    ola = user_factory("ola@firma.test")
    add_member(ola, company, ola, Role.ACCOUNTANT)
    # when someone deletes the user, the deletion is refused cleanly (deactivate the user instead)
    with pytest.raises(ProtectedError), transaction.atomic():
        ola.delete()
    assert AuditEvent.objects.filter(company=company, actor=ola).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_truncate_is_refused_on_postgresql(make_company, post) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE is PostgreSQL only (SQLite's DELETE FROM fires the row triggers tested above)")
    # committed rows (inside a test transaction PostgreSQL refuses TRUNCATE for another reason)
    voucher = post(make_company(), amount="1000.00", text="Original")
    for table in ("ledger_voucher", "ledger_posting", "ledger_auditevent"):
        with pytest.raises(IntegrityError) as err, transaction.atomic(), connection.cursor() as cur:
            cur.execute(f"TRUNCATE {table} CASCADE")
        assert "FF-LEDGER-IMMUTABLE" in str(err.value)
    unchanged(voucher)
