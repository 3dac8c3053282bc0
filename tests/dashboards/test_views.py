"""The dashboard page, the monthly report PDF and the API: sections by role, company isolation, links
only to lists the role can open, a bounded number of queries, and the PDF itself."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse

from fakturaflyt.coding.models import LineState
from fakturaflyt.payables.models import DocumentState

from .builders import at, charge, coding_line, document, step

pytestmark = [pytest.mark.django_db]

URL = "/dashboards/"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def data(world):
    """A few documents in both companies, one waiting for approval, one card charge."""
    a = world.a
    d = document(
        a,
        received=at(date(2026, 11, 2)),
        channel="peppol",
        fmt="ehf",
        approved=at(date(2026, 11, 3)),
        posted=True,
        due=date(2026, 11, 20),
    )
    coding_line(d)
    waiting = document(a, received=at(date(2026, 11, 4)), state=DocumentState.IN_APPROVAL)
    step(waiting, world.users["approver"])
    charge(a, "matched", "100.00")
    for i in range(3):
        document(world.b, received=at(date(2026, 11, 5 + i)), channel="email")
    return world


def _client(client, user):
    client.force_login(user)
    return client


def _sections(response) -> set[str]:
    html = response.content.decode()
    return {s for s in ("ap", "ar", "cards") if f'data-section="{s}"' in html}


@pytest.mark.parametrize(
    ("role", "sections"),
    [
        ("admin", {"ap", "ar", "cards"}),
        ("accountant", {"ap", "ar", "cards"}),
        ("auditor", {"ap", "ar", "cards"}),
        ("approver", {"ap", "cards"}),
        ("requester", {"ap", "cards"}),
    ],
)
def test_each_role_sees_the_sections_it_may(client, data, role, sections):
    response = _client(client, data.users[role]).get(URL)
    assert response.status_code == 200
    assert _sections(response) == sections


def test_a_supplier_contact_has_no_dashboard(client, data):
    assert _client(client, data.users["supplier"]).get(URL).status_code == 403


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_figures_are_the_active_companys_only(client, data):
    html = _client(client, data.b_user).get(URL + "?on=2026-11-30").content.decode()
    # company B: three e-mails received in November, nothing else
    assert 'data-tile="received"' in html
    assert 'data-value="3"' in html
    assert "ap-channels-data" in html
    a_html = _client(client, data.users["accountant"]).get(URL + "?on=2026-11-30").content.decode()
    assert 'data-tile="received"' in a_html and 'data-value="2"' in a_html


def test_charts_come_with_json_and_tables_and_links(client, data):
    html = _client(client, data.users["accountant"]).get(URL + "?on=2026-11-30").content.decode()
    for key in (
        "ap-channels",
        "ap-touchless",
        "ap-cycle",
        "ar-months",
        "ar-aging",
        "ar-dso",
        "ar-cei",
        "cards-waiting",
    ):
        assert f'data-chart="{key}"' in html
        assert f'id="{key}-data" type="application/json"' in html
        assert f'data-table="{key}"' in html
    assert "dashboards/vendor/uplot/uPlot.iife.min.js" in html
    assert 'href="/cards/?status=matched"' in html
    assert 'href="/approvals/"' in html  # the accountant may approve: the approvals list is linked


def test_links_to_lists_the_role_cannot_open_are_left_out(client, data):
    html = _client(client, data.users["requester"]).get(URL + "?on=2026-11-30").content.decode()
    assert 'href="/approvals/"' not in html  # a requester cannot approve
    assert 'href="/payments/"' not in html
    assert 'href="/payables/inbox/?state=all"' in html


def test_the_page_reads_a_bounded_number_of_queries(client, data, django_assert_max_num_queries):
    c = _client(client, data.users["accountant"])
    c.get(URL)  # sessions, caches
    with django_assert_max_num_queries(60) as first:
        c.get(URL + "?on=2026-11-30")
    for i in range(6):
        d = document(
            data.a, received=at(date(2026, 10, 1 + i)), channel="email", approved=at(date(2026, 10, 2 + i)), posted=True
        )
        coding_line(d, LineState.CONFIRMED, data.users["accountant"])
        step(document(data.a, received=at(date(2026, 11, 10)), state=DocumentState.IN_APPROVAL), data.users["admin"])
        charge(data.a, "unmatched", "5.00")
    with django_assert_max_num_queries(len(first.captured_queries)):
        c.get(URL + "?on=2026-11-30")


def test_monthly_report_pdf(client, data):
    response = _client(client, data.users["accountant"]).get(reverse("dashboards:report", args=["2026-11"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="manedsrapport-924753811-2026-11.pdf"' in response["Content-Disposition"]
    import pypdfium2

    pdf = pypdfium2.PdfDocument(BytesIO(response.content))
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "Monthly report November 2026" in text
    assert "Alfa AS" in text and "2026-11" in text
    assert "Invoices received" in text and "Touchless rate" in text and "DSO" in text
    assert pdf[0].get_size() == pytest.approx((595.3, 841.9), abs=1)  # A4 in points


def test_report_needs_view_reports_and_a_real_past_month(client, data):
    c = _client(client, data.users["approver"])
    assert c.get("/dashboards/report/2026-11.pdf").status_code == 403
    c = _client(client, data.users["accountant"])
    assert c.get("/dashboards/report/2026-13.pdf").status_code == 404
    assert c.get("/dashboards/report/2999-01.pdf").status_code == 404
    assert c.get("/dashboards/report/nov.pdf").status_code == 404


def test_report_of_a_role_without_receivables_has_no_sales_section(data):
    from fakturaflyt.companies.roles import Perm
    from fakturaflyt.dashboards import report

    html = report.render_html(data.a, date(2026, 11, 1), {Perm.VIEW_PAYABLES}, today=date(2026, 12, 1))
    assert 'data-section="ap"' in html and 'data-section="ar"' not in html


# ---------------------------------------------------------------- API


def api(orgnr: str, part: str = "") -> str:
    return f"/api/companies/{orgnr}/dashboards{part}"


def test_api_returns_the_figures_as_json(client, data):
    c = _client(client, data.users["accountant"])
    body = c.get(api("924753811"), {"on": "2026-11-30"}).json()
    assert body["on"] == "2026-11-30" and len(body["months"]) == 12
    assert body["payables"]["channels"]["total"] == 2
    assert body["payables"]["touchless"]["rate"] == "100.0"
    assert body["receivables"]["open_total"] == "0.00"
    assert body["cards"]["rows"][0] == {
        "status": "matched",
        "label": "Split, to accept",
        "count": 1,
        "amount": "100.00",
        "without_nok": 0,
        "url": "/cards/?status=matched",
    }
    assert c.get(api("924753811", "/ap"), {"on": "2026-11-30"}).json()["channels"]["total"] == 2
    assert c.get(api("924753811", "/ar")).status_code == 200
    assert c.get(api("924753811", "/cards")).json()["count"] == 1


def test_api_checks_company_and_role(client, data):
    approver = _client(client, data.users["approver"])
    body = approver.get(api("924753811")).json()
    assert body["receivables"] is None and body["payables"] is not None
    assert approver.get(api("924753811", "/ar")).status_code == 403
    outsider = _client(client, data.b_user)
    response = outsider.get(api("924753811", "/ap"))
    assert response.status_code == 403 and response.json()["code"] == "FF-NOT-MEMBER"
    assert outsider.get(api("923609016", "/ap"), {"on": "2026-11-30"}).json()["channels"]["total"] == 3
