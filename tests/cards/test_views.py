"""The card inbox (issue 9, point 5) through the test client: the list with its filters, a charge's
split, accept, correct, choose, assign, ignore and reopen, the upload, permissions and company
isolation, and a bounded number of queries however many charges there are.

The data is the demo's card month (:mod:`fakturaflyt.cards.demo_data`) imported into the demo
company through the same service as an upload.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fakturaflyt.cards import demo_data
from fakturaflyt.cards.models import CardCharge, CardImport, ChargeLine, ShopOrderLine
from fakturaflyt.companies.roles import Role
from tests.web.helpers import OTHER_ORGNR, demo_user

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@dataclass
class Month:
    company: Any
    user: Any
    charges: dict[str, CardCharge]  # by statement reference (DEMO-CARD-nn)
    kinds: dict[str, str]  # demo kind ("reference", "ambiguous", ...) -> statement reference

    def charge(self, kind: str) -> CardCharge:
        """The charge of a demo kind ("ambiguous"), or by its statement reference ("DEMO-CARD-01")."""
        return CardCharge.objects.get(pk=self.charges[self.kinds.get(kind, kind)].pk)


@pytest.fixture(autouse=True)
def _english(settings):
    """The pages in English (the messages the tests read); the language cookie still wins."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def month(cards_company) -> Month:
    today = timezone.localdate()
    cards_company.import_file(demo_data.business_report(demo_data.report_rows(today)), filename="amazon.csv")
    cards_company.import_file(demo_data.statement_csv(demo_data.statement_rows(today)), filename="kort.csv")
    charges = {c.external_id: c for c in CardCharge.objects.filter(company=cards_company.company)}
    kinds: dict[str, str] = {}
    for c in demo_data.demo_charges():
        kinds.setdefault(c.kind, c.reference)  # the first of a kind: "reference" is DEMO-CARD-01
    return Month(cards_company.company, cards_company.user, charges, kinds)


@pytest.fixture
def accountant(client, month) -> Client:
    client.force_login(month.user)
    return client


def _html(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- the list


def test_inbox_lists_the_charges_to_handle_with_counts_per_status(accountant, month):
    response = accountant.get(reverse("cards:inbox"))
    assert response.status_code == 200
    html = _html(response)
    # every open charge is a row, newest first, and the tabs count per status
    rows = response.context["rows"]
    assert {r.charge.external_id for r in rows} == set(month.charges)
    assert [r.charge.booked_at for r in rows] == sorted((r.charge.booked_at for r in rows), reverse=True)
    tabs = {t.key: t.count for t in response.context["tabs"]}
    assert tabs == {"open": 15, "matched": 13, "ambiguous": 1, "unmatched": 1, "posted": 0, "ignored": 0, "all": 15}
    # each row: Oslo date, holder, merchant, amounts, status, matched by, lines, lowest confidence
    first = month.charge("reference")
    local = timezone.localtime(first.booked_at, ZoneInfo("Europe/Oslo"))
    row_html = html.split(f'id="charge-{first.pk}"')[1].split("</tbody>")[0]
    assert local.strftime("%d.%m.%Y") in row_html and local.strftime("%H:%M") in row_html
    assert "Per Innkjøper" in row_html and first.merchant in row_html
    assert "conf-badge" in row_html and "data-accept" in row_html
    # the filters: card holder choices, text, dates; and upload for a manager
    assert 'name="holder"' in html and "Ingrid Admin" in html
    assert 'name="date_from"' in html and 'type="date"' in html
    assert 'action="/cards/import/"' in html and "csrfmiddlewaretoken" in html


def test_the_tabs_cover_the_statuses():
    from fakturaflyt.cards.models import OPEN_STATUSES, ChargeStatus
    from fakturaflyt.cards.views import TABS, tab_for

    assert set(tab_for("open").statuses) == set(OPEN_STATUSES)
    assert set(tab_for("all").statuses) == set(ChargeStatus.values)
    assert {t.key for t in TABS} >= set(ChargeStatus.values)
    assert tab_for("nonsense").key == "open"


def test_filters_by_status_holder_text_and_oslo_date(accountant, month):
    url = reverse("cards:inbox")
    ambiguous = accountant.get(url, {"status": "ambiguous"}).context["rows"]
    assert [r.charge.external_id for r in ambiguous] == [month.kinds["ambiguous"]]

    ingrid = accountant.get(url, {"holder": "Ingrid Admin"}).context["rows"]
    assert ingrid and all(r.charge.card_holder == "Ingrid Admin" for r in ingrid)

    rema = accountant.get(url, {"q": "rema"}).context["rows"]
    assert [r.charge.merchant for r in rema] == ["REMA 1000 STORO"]

    # a purchase at 00:04 Oslo time belongs to that Oslo day, not to the UTC day before
    software = month.charge("software")
    day = timezone.localtime(software.booked_at).date()
    same_day = accountant.get(url, {"date_from": day.isoformat(), "date_to": day.isoformat()}).context["rows"]
    assert software.pk in {r.charge.pk for r in same_day}
    day_before = day.fromordinal(day.toordinal() - 1).isoformat()
    assert software.pk not in {r.charge.pk for r in accountant.get(url, {"date_to": day_before}).context["rows"]}

    # a to date before the from date is said, and only the from date is applied
    response = accountant.get(url, {"date_from": day.isoformat(), "date_to": day_before})
    assert response.status_code == 200 and "field-error" in _html(response)
    assert software.pk in {r.charge.pk for r in response.context["rows"]}


def test_the_inbox_takes_a_bounded_number_of_queries(accountant, month, django_assert_max_num_queries):
    # 15 more charges (30 in all), at merchants without an order report: one coded line each
    rows = [
        demo_data.Charge(
            f"EXTRA-{n:02d}", n, "12:00", "REMA 1000 STORO", Decimal("99.00"), "NOK", "Ola Regnskapsfører", "groceries"
        ).row(timezone.localdate())
        for n in range(1, 16)
    ]
    from fakturaflyt.cards import services

    services.import_card_file(month.company, demo_data.statement_csv(rows), month.user, filename="extra.csv")
    assert CardCharge.objects.filter(company=month.company).count() == 30
    with django_assert_max_num_queries(16):
        response = accountant.get(reverse("cards:inbox"), {"status": "all"})
    assert len(response.context["rows"]) == 30


# ---------------------------------------------------------------- one charge


def test_a_charge_opens_into_its_split_with_coding_and_reasons(accountant, month):
    charge = month.charge("reference")
    response = accountant.get(reverse("cards:charge", args=[charge.pk]), **HTMX)
    assert response.status_code == 200
    html = _html(response)
    assert html.lstrip().startswith(f'<tbody id="charge-{charge.pk}"')
    lines = list(charge.lines.select_related("order_line", "coding_line"))
    for line in lines:
        assert line.title in html and line.order_line.order_id in html
        for target in ("account", "vat_code", "department", "project"):
            assert f'id="c{line.pk}-{target}"' in html  # an editable select per target
            assert f'id="why-{line.pk}-{target}"' in html  # its reasons, described by the select
        assert line.vat_rule and line.vat_rule in html
    assert "conf-badge-" in html
    # closed again
    closed = _html(accountant.get(reverse("cards:charge", args=[charge.pk]), {"closed": "1"}, **HTMX))
    assert f'id="split-{charge.pk}"' not in closed and 'aria-expanded="false"' in closed
    # without htmx it is a page of its own
    page = accountant.get(reverse("cards:charge", args=[charge.pk]))
    assert page.status_code == 200 and "<html" in _html(page)


def test_the_match_note_is_shown_for_a_gift_card_payment(accountant, month):
    gift = month.charge("gift_card")
    html = _html(accountant.get(reverse("cards:charge", args=[gift.pk]), **HTMX))
    assert "match-note" in html and gift.match_note.split(".")[0] in html


def test_accept_posts_the_charge_and_links_its_voucher(accountant, month):
    charge = month.charge("reference")
    response = accountant.post(reverse("cards:accept", args=[charge.pk]), {"open": "0"}, **HTMX)
    assert response.status_code == 200
    charge.refresh_from_db()
    assert charge.status == "posted" and charge.voucher is not None
    html = _html(response)
    assert reverse("ledger:voucher", args=[charge.voucher.pk]) in html and charge.voucher.label in html
    assert f'id="split-{charge.pk}"' not in html  # accepted from its closed row: stays closed
    # without htmx: back to the inbox with a message
    other = month.charge("fuel")
    response = accountant.post(reverse("cards:accept", args=[other.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("cards:inbox"))
    other.refresh_from_db()
    assert other.status == "posted"


def test_accepting_an_unmatched_charge_says_why_not(accountant, month):
    unmatched = month.charge("unmatched")
    html = _html(accountant.post(reverse("cards:accept", args=[unmatched.pk]), **HTMX))
    assert 'role="alert"' in html
    unmatched.refresh_from_db()
    assert unmatched.status == "unmatched"


def test_a_correction_is_learnt_and_the_similar_line_is_suggested_it(accountant, month):
    first = month.charge("reference")
    headset = first.lines.select_related("coding_line").get(title__icontains="headset")
    coding = headset.coding_line.coding() | {"department": "400"}
    response = accountant.post(reverse("cards:code", args=[headset.pk]), coding, **HTMX)
    assert response.status_code == 200
    html = _html(response)
    headset.coding_line.refresh_from_db()
    assert headset.coding_line.department == "400" and headset.coding_line.state == "corrected"
    assert f'id="line-{headset.pk}"' in html and "is-corrected" in html and "Corrected, learnt" in html
    # the other charge's headset (still open) now shows what was learnt
    learnt = month.charge("learnt").lines.select_related("coding_line").get(title__icontains="headset")
    row = learnt.coding_line
    assert (row.department or row.suggestion["department"]["value"]) == "400"


def test_a_code_the_books_do_not_have_is_refused_next_to_the_field(accountant, month):
    line = month.charge("reference").lines.select_related("coding_line").first()
    before = line.coding_line.coding()
    response = accountant.post(reverse("cards:code", args=[line.pk]), before | {"account": "9999"}, **HTMX)
    assert response.status_code == 200
    html = _html(response)
    assert 'aria-invalid="true"' in html and "field-error" in html
    line.coding_line.refresh_from_db()
    assert line.coding_line.coding() == before


def test_choose_one_of_the_equally_good_sets(accountant, month):
    ambiguous = month.charge("ambiguous")
    html = _html(accountant.get(reverse("cards:charge", args=[ambiguous.pk]), **HTMX))
    assert f'id="choose-{ambiguous.pk}-0"' in html and f'id="choose-{ambiguous.pk}-1"' in html
    response = accountant.post(reverse("cards:choose", args=[ambiguous.pk]), {"candidate": "1"}, **HTMX)
    assert response.status_code == 200
    ambiguous.refresh_from_db()
    assert ambiguous.status == "matched" and ambiguous.match_method == "manual"
    assert ambiguous.lines.count() >= 1


def test_an_unmatched_charge_is_booked_as_one_line_or_assigned_lines(accountant, month):
    unmatched = month.charge("unmatched")
    html = _html(accountant.get(reverse("cards:charge", args=[unmatched.pk]), **HTMX))
    assert f'id="single-{unmatched.pk}"' in html and f'id="assign-{unmatched.pk}"' in html

    # the search of open order lines: by order id, by title, by amount
    free = ShopOrderLine.objects.filter(company=month.company, charge__isnull=True).first()
    assert free is not None
    search = reverse("cards:search_order_lines", args=[unmatched.pk])
    for q in (free.order_id, free.title[:12], str(free.net + free.vat + free.shipping)):
        found = _html(accountant.get(search, {"q": q}, **HTMX))
        assert f'value="{free.pk}"' in found, q
    assert "No open order line matches." in _html(accountant.get(search, {"q": "no-such-thing"}, **HTMX))

    accountant.post(reverse("cards:assign", args=[unmatched.pk]), {"order_line": [str(free.pk)]}, **HTMX)
    unmatched.refresh_from_db()
    assert unmatched.status == "matched" and unmatched.match_method == "manual"
    assert list(unmatched.lines.values_list("order_line_id", flat=True)) == [free.pk]


def test_book_as_one_line(accountant, month):
    unmatched = month.charge("unmatched")
    accountant.post(reverse("cards:single_line", args=[unmatched.pk]), **HTMX)
    unmatched.refresh_from_db()
    assert unmatched.status == "matched" and unmatched.lines.count() == 1


def test_ignore_needs_a_reason_and_reopen_brings_it_back(accountant, month):
    charge = month.charge("groceries")
    field = f"c{charge.pk}-reason"
    html = _html(accountant.post(reverse("cards:ignore", args=[charge.pk]), {field: "  "}, **HTMX))
    assert 'role="alert"' in html
    charge.refresh_from_db()
    assert charge.status == "matched"

    accountant.post(reverse("cards:ignore", args=[charge.pk]), {field: "Private purchase"}, **HTMX)
    charge.refresh_from_db()
    assert charge.status == "ignored" and charge.ignore_reason == "Private purchase"
    html = _html(accountant.get(reverse("cards:charge", args=[charge.pk]), **HTMX))
    assert f'id="reopen-{charge.pk}"' in html and "Private purchase" in html

    accountant.post(reverse("cards:reopen", args=[charge.pk]), **HTMX)
    charge.refresh_from_db()
    assert charge.status in ("matched", "unmatched", "ambiguous")


def test_accept_all_shown_that_are_ready(accountant, month, make_company):
    other = make_company(orgnr=OTHER_ORGNR, name="Annet Selskap AS")
    response = accountant.get(reverse("cards:inbox"), {"status": "matched"})
    ready = response.context["ready_ids"]
    assert ready and "data-confirm=" in _html(response)
    stranger = CardCharge.objects.filter(company=other).count()  # none: another company's ids are never accepted
    response = accountant.post(
        reverse("cards:accept_many") + "?status=matched", {"charge": [str(pk) for pk in ready] + ["999999"]}
    )
    assert response.status_code == 302 and "status=matched" in response["Location"]
    posted = CardCharge.objects.filter(company=month.company, status="posted")
    assert set(posted.values_list("pk", flat=True)) == set(ready)
    assert stranger == 0


# ---------------------------------------------------------------- upload


def test_upload_shows_what_the_import_did(accountant, month):
    from django.core.files.uploadedfile import SimpleUploadedFile

    today = timezone.localdate()
    again = SimpleUploadedFile("kort.csv", demo_data.statement_csv(demo_data.statement_rows(today)))
    response = accountant.post(reverse("cards:upload"), {"file": again, "preset": ""})
    assert response.status_code == 302 and response["Location"] == reverse("cards:inbox")
    html = _html(accountant.get(reverse("cards:inbox")))
    assert 'data-count="rows">15<' in html and 'data-count="added">0<' in html
    assert 'data-count="duplicates">15<' in html and 'data-count="ambiguous">1<' in html
    # shown once
    assert 'data-count="rows"' not in _html(accountant.get(reverse("cards:inbox")))


def test_a_refused_file_shows_its_problems(accountant, month):
    from django.core.files.uploadedfile import SimpleUploadedFile

    garbage = SimpleUploadedFile("notes.txt", b"this is not a card statement\nnor an order report\n")
    accountant.post(reverse("cards:upload"), {"file": garbage})
    html = _html(accountant.get(reverse("cards:inbox")))
    assert "import-refused" in html and "FF-CARD-" in html and "notes.txt" in html
    assert CardImport.objects.filter(company=month.company, status="failed").count() == 1


def test_an_empty_or_too_large_upload_is_refused_before_it_is_read(accountant, month, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fakturaflyt.cards import services

    before = CardImport.objects.filter(company=month.company).count()
    accountant.post(reverse("cards:upload"), {"file": SimpleUploadedFile("tom.csv", b"")}, follow=True)
    monkeypatch.setattr(services, "MAX_FILE_BYTES", 100)
    response = accountant.post(
        reverse("cards:upload"), {"file": SimpleUploadedFile("stor.csv", b"x" * 101)}, follow=True
    )
    assert "stor.csv is larger than 0 MB." in _html(response)
    assert CardImport.objects.filter(company=month.company).count() == before


def test_upload_with_a_preset(accountant, month):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = (
        "Dato;Tid;Forklaring;Beløp;Valuta;Beløp i NOK;Kortholder;Referanse\n"
        "02.03.2026;10:00;REMA 1000 STORO;-123,40;NOK;-123,40;Ola Regnskapsfører;P-1\n".encode()
    )
    accountant.post(
        reverse("cards:upload"), {"file": SimpleUploadedFile("bank.csv", data), "preset": "no-bank-semicolon"}
    )
    charge = CardCharge.objects.get(company=month.company, external_id="P-1")
    assert str(charge.amount) == "123.40"


# ---------------------------------------------------------------- permissions and isolation


def test_another_company_cannot_see_or_touch_a_charge(client, month, make_company, user_factory):
    from fakturaflyt.companies.services import add_member

    other = make_company(orgnr=OTHER_ORGNR, name="Annet Selskap AS")
    stranger = user_factory("regnskap@annet.test")
    add_member(None, other, stranger, Role.ACCOUNTANT)
    client.force_login(stranger)
    charge = month.charge("reference")
    line = ChargeLine.objects.filter(charge=charge).first()
    assert client.get(reverse("cards:charge", args=[charge.pk])).status_code == 404
    assert client.get(reverse("cards:search_order_lines", args=[charge.pk]), {"q": "a"}).status_code == 404
    for name in ("accept", "choose", "single_line", "assign", "ignore", "reopen"):
        assert client.post(reverse(f"cards:{name}", args=[charge.pk])).status_code == 404, name
    assert client.post(reverse("cards:code", args=[line.pk]), {"department": "400"}).status_code == 404
    # its own inbox is empty, and accepting our ids does nothing
    assert client.get(reverse("cards:inbox")).context["rows"] == []
    client.post(reverse("cards:accept_many"), {"charge": [str(charge.pk)]})
    charge.refresh_from_db()
    assert charge.status == "matched"


def test_order_lines_of_another_company_cannot_be_assigned(accountant, month, make_company):
    from fakturaflyt.cards import services

    other = make_company(orgnr=OTHER_ORGNR, name="Annet Selskap AS")
    today = timezone.localdate()
    services.import_card_file(other, demo_data.business_report(demo_data.report_rows(today)), None, filename="a.csv")
    foreign = ShopOrderLine.objects.filter(company=other).first()
    unmatched = month.charge("unmatched")
    response = accountant.post(reverse("cards:assign", args=[unmatched.pk]), {"order_line": [str(foreign.pk)]})
    assert response.status_code == 404
    unmatched.refresh_from_db()
    assert unmatched.status == "unmatched"


def test_roles(client, month):
    charge = month.charge("reference")
    # a supplier contact has no card inbox
    client.force_login(demo_user(Role.SUPPLIER))
    assert client.get(reverse("cards:inbox")).status_code == 403
    assert client.get(reverse("cards:charge", args=[charge.pk])).status_code == 403
    # a requester sees the charges but may not change them
    client.force_login(demo_user(Role.REQUESTER))
    html = _html(client.get(reverse("cards:inbox")))
    assert "data-accept" not in html and 'action="/cards/import/"' not in html
    split = _html(client.get(reverse("cards:charge", args=[charge.pk]), **HTMX))
    assert "<select" not in split and "split-value" in split
    assert client.post(reverse("cards:accept", args=[charge.pk])).status_code == 403
    assert client.post(reverse("cards:upload")).status_code == 403
    charge.refresh_from_db()
    assert charge.status == "matched"


def test_every_form_needs_the_csrf_token(month):
    client = Client(enforce_csrf_checks=True)
    client.force_login(month.user)
    charge = month.charge("reference")
    assert client.post(reverse("cards:accept", args=[charge.pk])).status_code == 403
    charge.refresh_from_db()
    assert charge.status == "matched"


def test_the_nav_points_at_the_inbox(accountant, month):
    html = _html(accountant.get(reverse("cards:inbox")))
    assert f'href="{reverse("cards:inbox")}" aria-current="page"' in html or (
        f'href="{reverse("cards:inbox")}"' in html and 'aria-current="page"' in html
    )
