"""The dunning page (view_receivables to look, manage_receivables to send and hand over), the CLI and the task."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from typer.testing import CliRunner

from fakturaflyt.cli import app
from fakturaflyt.dunning.models import DunningNotice
from fakturaflyt.receivables.models import Customer

from .conftest import DUE, Dun

pytestmark = pytest.mark.django_db
DAY = (DUE + timedelta(days=15)).isoformat()


@pytest.fixture
def world_dun(world):
    """Company A of ``world`` with one invoice due 1 March 2026."""
    customer = Customer.objects.create(
        company=world.a,
        number=1,
        name="Kunde Én AS",
        email="k@en.test",
        payment_terms_days=14,
        address_line="Storgata 1",
        postal_code="0155",
        city="Oslo",
    )
    d = Dun(world.a, world.users["accountant"], customer, None)
    d.inv = d.invoice("1000")
    d.world = world
    return d


def test_roles_without_receivables_cannot_see_or_send(client, world_dun) -> None:
    for role in ("approver", "supplier"):
        client.force_login(world_dun.world.users[role])
        assert client.get(reverse("dunning:index")).status_code == 403
        assert client.post(reverse("dunning:run"), {"date": DAY}).status_code == 403
    assert not DunningNotice.objects.exists()


def test_auditor_sees_the_preview_but_cannot_send(client, world_dun) -> None:
    client.force_login(world_dun.world.users["auditor"])
    page = client.get(reverse("dunning:index"), {"date": DAY}).content.decode()
    assert "Kunde Én AS" in page and 'id="dunning-preview"' in page and "37,50" in page
    assert reverse("dunning:run") not in page
    assert client.post(reverse("dunning:run"), {"date": DAY}).status_code == 403
    assert client.post(reverse("dunning:hand_over", args=[world_dun.inv.pk])).status_code == 403
    assert not DunningNotice.objects.exists()


def test_accountant_previews_sends_and_sees_the_history(client, world_dun, mailoutbox) -> None:
    client.force_login(world_dun.world.users["accountant"])
    partial = client.get(reverse("dunning:index"), {"date": DAY}, headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert (
        partial.status_code == 200 and "<html" not in html and "reminder_fee" in html and reverse("dunning:run") in html
    )
    response = client.post(reverse("dunning:run"), {"date": DAY})
    assert response.status_code == 302
    notice = DunningNotice.objects.get()
    assert notice.step == "reminder_fee" and len(mailoutbox) == 1
    page = client.get(response.url).content.decode()
    assert 'id="notices-table"' in page and reverse("dunning:notice_pdf", args=[notice.pk]) in page
    pdf = client.get(reverse("dunning:notice_pdf", args=[notice.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.post(reverse("dunning:run"), {"date": DAY})  # again: nothing new
    assert DunningNotice.objects.count() == 1 and len(mailoutbox) == 1


def test_other_company_cannot_read_the_letters(client, world_dun) -> None:
    from fakturaflyt.dunning import services

    services.run(world_dun.company, DUE + timedelta(days=15), None)
    notice = DunningNotice.objects.get()
    client.force_login(world_dun.world.b_user)
    assert client.get(reverse("dunning:notice_pdf", args=[notice.pk])).status_code in (403, 404)


def _invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def test_cli_dry_run_then_run_json(world_dun, mailoutbox) -> None:
    base = ("dunning", "run", "--company", world_dun.company.orgnr, "--date", DAY, "--json")
    dry = _invoke(*base, "--dry-run")
    assert dry.exit_code == 0, dry.output
    planned = json.loads(dry.stdout)
    assert planned["dry_run"] is True and planned["date"] == DAY
    n = planned["notices"][0]
    assert {k: n[k] for k in ("invoice", "customer", "step", "fee", "channel", "email")} == {
        "invoice": world_dun.inv.number,
        "customer": "Kunde Én AS",
        "step": "reminder_fee",
        "fee": "37.50",
        "channel": "email",
        "email": "k@en.test",
    }
    assert n["deadline"] and n["interest"] != "0.00"
    assert not DunningNotice.objects.exists() and mailoutbox == []
    done = json.loads(_invoke(*base).stdout)
    assert done["dry_run"] is False and [x["step"] for x in done["notices"]] == ["reminder_fee"]
    again = json.loads(_invoke(*base).stdout)
    assert again["notices"] == [] and DunningNotice.objects.count() == 1


def test_cli_usage_errors_exit_2(world_dun) -> None:
    assert _invoke("dunning", "run", "--company", world_dun.company.orgnr, "--date", "1. mars").exit_code == 2
    assert _invoke("dunning", "run", "--company", "911111111", "--date", DAY).exit_code == 2


def test_daily_task_runs_every_company(world_dun) -> None:
    from fakturaflyt.dunning.tasks import dunning_run_all

    summary = dunning_run_all.delay(DAY).get()
    assert summary["companies"][world_dun.company.orgnr]["sent"] == 1
    assert dunning_run_all(DAY)["companies"][world_dun.company.orgnr]["sent"] == 0
