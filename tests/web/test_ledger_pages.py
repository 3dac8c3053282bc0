"""Ledger pages: who may see them, that they show only the active company's books, and the reversal."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fakturaflyt.companies.roles import Perm, Role, permissions_of
from fakturaflyt.ledger.models import Posting, Voucher

from .helpers import OTHER_ORGNR, demo_user, post_simple_voucher

pytestmark = pytest.mark.django_db

ALL_ROLES = [Role.ADMIN, Role.ACCOUNTANT, Role.APPROVER, Role.REQUESTER, Role.SUPPLIER, Role.AUDITOR]


def _ledger_urls(voucher):
    return [
        reverse("ledger:vouchers"),
        reverse("ledger:voucher", args=[voucher.pk]),
        reverse("ledger:trial_balance"),
        reverse("ledger:account_ledger"),
        reverse("ledger:account_ledger") + "?account=1920&date_from=2026-01-01&date_to=2026-12-31",
        reverse("ledger:accounts"),
    ]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_ledger_pages_need_view_ledger(client, demo_company, role):
    voucher = Voucher.objects.filter(company=demo_company).first()
    client.force_login(demo_user(role))
    allowed = Perm.VIEW_LEDGER in permissions_of(role)
    for url in _ledger_urls(voucher):
        response = client.get(url)
        assert response.status_code == (200 if allowed else 403), (role, url)
    assert allowed == (role in {Role.ADMIN, Role.ACCOUNTANT, Role.AUDITOR})


def test_voucher_list_shows_the_demo_vouchers(client, demo_company):
    client.force_login(demo_user(Role.ACCOUNTANT))
    html = client.get(reverse("ledger:vouchers")).content.decode()
    assert "Husleie januar – Vestland Eiendom AS" in html
    assert "AP 2026-1" in html
    assert "62\xa0500,00" in html


def test_voucher_list_filters_by_series_and_period(client, demo_company):
    from fakturaflyt.ledger.models import NumberSeries

    client.force_login(demo_user(Role.ACCOUNTANT))
    bank = NumberSeries.objects.get(company=demo_company, code="BANK")
    html = client.get(reverse("ledger:vouchers"), {"series": bank.pk}).content.decode()
    assert "Betaling leverandører" in html
    assert "Husleie januar" not in html

    html = client.get(reverse("ledger:vouchers"), {"date_from": "2026-02-01", "date_to": "2026-02-28"}).content.decode()
    assert "Faktura 1002 – Solvik kommune" in html
    assert "Innskudd aksjekapital" not in html


def test_voucher_list_is_paginated(client, demo_company, monkeypatch):
    from fakturaflyt.ledger import views

    monkeypatch.setattr(views, "VOUCHERS_PER_PAGE", 4)
    client.force_login(demo_user(Role.ACCOUNTANT))
    pages = -(-Voucher.objects.filter(company=demo_company).count() // 4)  # the demo grows as features arrive
    assert pages >= 3
    first = client.get(reverse("ledger:vouchers")).content.decode()
    assert f"Side 1 av {pages}" in first
    last = client.get(reverse("ledger:vouchers"), {"page": pages}).content.decode()
    assert "Innskudd aksjekapital" in last and "Innskudd aksjekapital" not in first


def test_voucher_detail_shows_lines_dimensions_and_totals(client, demo_company):
    voucher = Voucher.objects.get(company=demo_company, description="Kontorstoler – Bergen Kontorutstyr AS")
    client.force_login(demo_user(Role.AUDITOR))
    html = client.get(reverse("ledger:voucher", args=[voucher.pk])).content.decode()
    for text in ("6540", "2710", "2400", "P1001", "300", "12\xa0000,00", "3\xa0000,00", "15\xa0000,00"):
        assert text in html, text
    assert "Debet" in html and "Kredit" in html and "Mva-kode" in html
    # The auditor may read but not correct: no reversal form, and nothing to edit or delete.
    assert reverse("ledger:reverse", args=[voucher.pk]) not in html
    assert "Slett" not in html and "Rediger" not in html


def test_trial_balance_has_a_totals_row_and_balances(client, demo_company):
    client.force_login(demo_user(Role.ACCOUNTANT))
    response = client.get(reverse("ledger:trial_balance"), {"date_from": "2026-01-01", "date_to": "2026-12-31"})
    html = response.content.decode()
    assert "Saldobalanse" in html and "<tfoot>" in html
    rows = response.context["rows"]
    assert {r.account for r in rows} >= {"1500", "1920", "2400", "3000"}
    assert response.context["totals"]["debit"] == response.context["totals"]["credit"]
    assert response.context["totals"]["closing"] == 0


def test_trial_balance_rejects_a_reversed_period(client, demo_company):
    client.force_login(demo_user(Role.ACCOUNTANT))
    response = client.get(reverse("ledger:trial_balance"), {"date_from": "2026-12-31", "date_to": "2026-01-01"})
    assert response.status_code == 200
    assert "Perioden starter etter at den slutter." in response.content.decode()


def test_account_ledger_shows_a_running_balance(client, demo_company):
    client.force_login(demo_user(Role.ACCOUNTANT))
    response = client.get(
        reverse("ledger:account_ledger"), {"account": "1920", "date_from": "2026-01-01", "date_to": "2026-12-31"}
    )
    html = response.content.decode()
    assert "Hovedbok" in html
    assert [r.balance for r in response.context["rows"]][-1] == response.context["closing"]
    assert "329\xa0000,00" in html


def test_chart_of_accounts_search(client, demo_company):
    client.force_login(demo_user(Role.ACCOUNTANT))
    html = client.get(reverse("ledger:accounts"), {"q": "1920"}).content.decode()
    assert "1920" in html and "Kontoplan" in html
    partial = client.get(reverse("ledger:accounts"), {"q": "1920"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()
    assert "1920" in partial.content.decode()


def test_vouchers_of_another_company_are_invisible(client, demo_company, make_company):
    other = make_company(orgnr=OTHER_ORGNR, name="Annet Selskap AS")
    secret = post_simple_voucher(other, "Hemmelig bilag i annet selskap")
    client.force_login(demo_user(Role.ACCOUNTANT))

    assert "Hemmelig bilag" not in client.get(reverse("ledger:vouchers")).content.decode()
    assert client.get(reverse("ledger:voucher", args=[secret.pk])).status_code == 404
    response = client.post(reverse("ledger:reverse", args=[secret.pk]), {"reason": "nei"})
    assert response.status_code == 404
    assert not Voucher.objects.filter(reverses=secret).exists()
    tb = client.get(reverse("ledger:trial_balance"), {"date_from": "2026-01-01", "date_to": "2026-12-31"})
    assert "6300" in tb.content.decode()  # the demo's rent, not the other company's
    demo_rent = Posting.objects.filter(
        voucher__company=demo_company, account__number="6300", voucher__date__year=2026
    ).values_list("debit", flat=True)
    assert sum(r.debit for r in tb.context["rows"] if r.account == "6300") == sum(demo_rent) >= 18500


def test_reversal_posts_a_correction_and_leaves_the_original(client, demo_company):
    original = Voucher.objects.get(company=demo_company, description="Husleie januar – Vestland Eiendom AS")
    before = list(Posting.objects.filter(voucher=original).values_list("line", "account__number", "debit", "credit"))
    client.force_login(demo_user(Role.ACCOUNTANT))
    html = client.get(reverse("ledger:voucher", args=[original.pk])).content.decode()
    assert reverse("ledger:reverse", args=[original.pk]) in html

    response = client.post(
        reverse("ledger:reverse", args=[original.pk]), {"reason": "Feil leverandør", "reversal_date": ""}, follow=True
    )
    assert response.status_code == 200
    reversal = Voucher.objects.get(reverses=original)
    assert response.redirect_chain[-1][0] == reverse("ledger:voucher", args=[reversal.pk])
    html = response.content.decode()
    assert f"ble reversert med {reversal.label}" in html
    assert "Feil leverandør" in html
    assert original.label in html

    original.refresh_from_db()
    assert original.description == "Husleie januar – Vestland Eiendom AS"
    assert (
        list(Posting.objects.filter(voucher=original).values_list("line", "account__number", "debit", "credit"))
        == before
    )
    swapped = list(Posting.objects.filter(voucher=reversal).values_list("account__number", "debit", "credit"))
    assert swapped == [(acc, c, d) for _, acc, d, c in before]

    # The original now links to its reversal and offers no second reversal.
    html = client.get(reverse("ledger:voucher", args=[original.pk])).content.decode()
    assert reverse("ledger:voucher", args=[reversal.pk]) in html
    assert reverse("ledger:reverse", args=[original.pk]) not in html


def test_second_reversal_is_refused_with_a_message(client, demo_company):
    original = Voucher.objects.get(company=demo_company, description="Innskudd aksjekapital")
    client.force_login(demo_user(Role.ACCOUNTANT))
    url = reverse("ledger:reverse", args=[original.pk])
    client.post(url, {"reason": "Første"})
    response = client.post(url, {"reason": "Andre"}, follow=True)
    assert Voucher.objects.filter(reverses=original).count() == 1
    assert "FF-LEDGER-ALREADY-REVERSED" in response.content.decode()


def test_reversal_needs_a_reason(client, demo_company):
    original = Voucher.objects.get(company=demo_company, description="Innskudd aksjekapital")
    client.force_login(demo_user(Role.ACCOUNTANT))
    response = client.post(reverse("ledger:reverse", args=[original.pk]), {"reason": ""}, follow=True)
    assert not Voucher.objects.filter(reverses=original).exists()
    assert 'class="message message-error"' in response.content.decode()


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.APPROVER])
def test_reversal_is_forbidden_without_post_voucher(client, demo_company, role):
    original = Voucher.objects.get(company=demo_company, description="Innskudd aksjekapital")
    client.force_login(demo_user(role))
    response = client.post(reverse("ledger:reverse", args=[original.pk]), {"reason": "Prøver"})
    assert response.status_code == 403
    assert not Voucher.objects.filter(reverses=original).exists()


def test_reversal_is_post_only(client, demo_company):
    original = Voucher.objects.filter(company=demo_company).first()
    client.force_login(demo_user(Role.ACCOUNTANT))
    assert client.get(reverse("ledger:reverse", args=[original.pk])).status_code == 405


@pytest.mark.parametrize("language", ["nb", "en"])
def test_ledger_pages_render_in_both_languages(login, demo_company, language):
    voucher = Voucher.objects.filter(company=demo_company).first()
    client = login(demo_user(Role.ACCOUNTANT), language)
    words = {
        "nb": ["Bilag", "Saldobalanse", "Hovedbok", "Kontoplan", "Debet"],
        "en": ["Vouchers", "Trial balance", "General ledger", "Chart of accounts", "Debit"],
    }[language]
    pages = "".join(client.get(url).content.decode() for url in _ledger_urls(voucher))
    for word in words:
        assert word in pages, word
    assert f'<html lang="{language}"' in pages
