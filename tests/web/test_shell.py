"""The web shell: login, dashboard, supplier portal, navigation per role, company switch, languages, 403/404."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from fakturaflyt.companies.middleware import SESSION_KEY
from fakturaflyt.companies.roles import Role
from fakturaflyt.web.templatetags.fakturaflyt import nok, orgnr

from .helpers import OTHER_ORGNR, demo_user

pytestmark = pytest.mark.django_db


def test_login_page_renders_in_norwegian_and_english(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Logg inn" in response.content.decode()

    client.cookies["django_language"] = "en"
    response = client.get(reverse("login"))
    assert "Log in" in response.content.decode()


def test_login_with_demo_accountant_lands_on_dashboard(client, demo_company):
    response = client.post(
        reverse("login"), {"username": "regnskap@nordlys.demo", "password": "demo-regnskap"}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("home")
    html = response.content.decode()
    assert "Nordlys Kontormøbler AS" in html
    assert demo_company.orgnr_display.replace(" ", "\xa0") in html or demo_company.orgnr_display in html


def test_wrong_password_shows_an_error(client, demo_company):
    response = client.post(reverse("login"), {"username": "regnskap@nordlys.demo", "password": "wrong"})
    assert response.status_code == 200
    assert 'class="message message-error"' in response.content.decode()


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("ledger:vouchers"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_logout_is_a_post(client, demo_company):
    client.force_login(demo_user(Role.ACCOUNTANT))
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_dashboard_shows_company_card_and_ledger_figures(client, demo_company):
    client.force_login(demo_user(Role.ACCOUNTANT))
    html = client.get(reverse("home")).content.decode()
    assert "924\xa0753\xa0811 MVA" in html or "924 753 811 MVA" in html
    assert "0192:924753811" in html
    # Demo: 300 000 + 62 500 - 33 500 on the bank; 125 000 owed by customers; the suppliers' balance is
    # the demo's opening vouchers plus its approved supplier invoices, as the ledger has it on 2400.
    assert "329\xa0000,00" in html
    assert "125\xa0000,00" in html
    from datetime import date

    from fakturaflyt.web.dashboard import ledger_figures

    payables = ledger_figures(demo_company, date.today()).payables
    assert payables > Decimal("8995.00")
    assert f"{payables:,.2f}".replace(",", "\xa0").replace(".", ",") in html


def test_dashboard_for_an_approver_shows_a_welcome_and_no_ledger_figures(client, demo_company):
    client.force_login(demo_user(Role.APPROVER))
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Attestering" in html
    assert "329\xa0000,00" not in html


def test_supplier_contact_gets_the_supplier_portal_with_its_own_supplier(client, demo_company):
    client.force_login(demo_user(Role.SUPPLIER))
    html = client.get(reverse("home")).content.decode()
    assert "Leverandørportal" in html
    assert "Bergen Kontorutstyr AS" in html
    assert "Fjordnett Telekom AS" not in html
    assert reverse("ledger:vouchers") not in html


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        (Role.ACCOUNTANT, ["payables:inbox", "payments:runs", "ledger:vouchers", "ledger:trial_balance"], []),
        (
            Role.APPROVER,
            ["approvals:pending", "payables:suppliers"],
            ["ledger:vouchers", "payments:runs", "banking:index"],
        ),
        (Role.REQUESTER, ["payables:inbox"], ["approvals:pending", "ledger:vouchers", "receivables:customers"]),
        (
            Role.AUDITOR,
            ["ledger:vouchers", "banking:index", "receivables:invoices"],
            ["approvals:pending", "payments:runs"],
        ),
    ],
)
def test_navigation_shows_only_what_the_role_may_open(client, demo_company, role, shown, hidden):
    client.force_login(demo_user(role))
    html = client.get(reverse("home")).content.decode()
    nav = html[html.index('<nav id="nav"') : html.index("</nav>", html.index('<nav id="nav"'))]
    for name in shown:
        assert f'href="{reverse(name)}"' in nav, name
    for name in hidden:
        assert f'href="{reverse(name)}"' not in nav, name


def test_company_switcher_lists_the_users_companies_and_switches(client, demo_company, make_company, member):
    other = make_company(orgnr=OTHER_ORGNR, name="Annet Selskap AS")
    user = member(demo_company, Role.ACCOUNTANT)
    from fakturaflyt.companies.services import add_member

    add_member(None, other, user, Role.AUDITOR)
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert "Annet Selskap AS" in html and reverse("switch_company") in html

    response = client.post(reverse("switch_company"), {"company": other.pk})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == other.pk
    html = client.get(reverse("home")).content.decode()
    assert "Du jobber nå i Annet Selskap AS" in html


def test_switching_to_a_company_you_are_not_a_member_of_is_refused(client, demo_company, make_company, member):
    other = make_company(orgnr=OTHER_ORGNR, name="Fremmed AS")
    user = member(demo_company, Role.ACCOUNTANT)
    client.force_login(user)
    client.get(reverse("home"))
    response = client.post(reverse("switch_company"), {"company": other.pk})
    assert response.status_code == 403
    assert client.session[SESSION_KEY] == demo_company.pk
    html = response.content.decode()
    assert "Fremmed AS" not in html
    assert "Du har ikke tilgang til dette selskapet." in html


def test_a_new_login_continues_in_the_company_last_chosen(client, demo_company, make_company, member):
    # given a user in two companies ("Aaa" comes first by name)
    first_by_name = make_company(orgnr=OTHER_ORGNR, name="Aaa Regnskap AS")
    user = member(demo_company, Role.ACCOUNTANT)
    from fakturaflyt.companies.services import add_member

    add_member(None, first_by_name, user, Role.ACCOUNTANT)
    client.force_login(user)
    client.get(reverse("home"))
    assert client.session[SESSION_KEY] == first_by_name.pk
    # when they switch to the demo company and log in again later
    client.post(reverse("switch_company"), {"company": demo_company.pk})
    client.logout()
    client.force_login(user)
    client.get(reverse("home"))
    # then they are back in the demo company
    assert client.session[SESSION_KEY] == demo_company.pk


def test_switching_needs_a_post(client, demo_company):
    client.force_login(demo_user(Role.ACCOUNTANT))
    assert client.get(reverse("switch_company")).status_code == 405


def test_single_company_user_sees_no_switcher(client, demo_company):
    client.force_login(demo_user(Role.ACCOUNTANT))
    assert reverse("switch_company") not in client.get(reverse("home")).content.decode()


def test_language_switch_to_english(client, demo_company):
    client.force_login(demo_user(Role.ACCOUNTANT))
    html = client.get(reverse("home")).content.decode()
    assert reverse("set_language") in html and "Regnskap" in html
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")}, follow=True)
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "Ledger" in html and "Suppliers" in html


def test_forbidden_page_is_a_friendly_403(client, demo_company):
    client.force_login(demo_user(Role.APPROVER))
    response = client.get(reverse("ledger:vouchers"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Ingen tilgang" in html
    assert "Rollen din i Nordlys Kontormøbler AS er Attestant" in html
    assert "view_ledger" not in html
    assert "Traceback" not in html
    assert 'class="topbar"' in html  # inside the normal layout, with the way back


def test_user_without_any_company_gets_a_403_not_an_error(client, user_factory):
    client.force_login(user_factory("lonely@example.test"))
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert "Velg et selskap først." in response.content.decode()


def test_unknown_page_is_a_friendly_404(client, demo_company):
    client.force_login(demo_user(Role.ACCOUNTANT))
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Fant ikke siden" in response.content.decode()


def test_static_assets_are_referenced(client):
    html = client.get(reverse("login")).content.decode()
    assert "web/app.css" in html
    assert "web/vendor/htmx.min.js" in html


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1234567.5"), "1\xa0234\xa0567,50"),
        (Decimal("-1234.5"), "-1\xa0234,50"),
        (Decimal("0"), "0,00"),
        ("12.345", "12,35"),
        (None, ""),
    ],
)
def test_nok_filter_formats_the_norwegian_way(value, expected):
    assert nok(value) == expected


def test_nok_filter_can_leave_zero_blank():
    assert nok(Decimal("0.00"), "blank") == ""
    assert nok(Decimal("5"), "blank") == "5,00"


def test_orgnr_filter():
    assert orgnr("923609016") == "923 609 016"
    assert orgnr("not-a-number") == "not-a-number"
