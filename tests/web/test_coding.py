"""The coding queue and the rules page: suggestions and reasons shown, confirm, correct, bulk accept, permissions.

Lines are added through the service (``coding.services.add_line``) with a ``PurchaseLine``, as
the intake and the card import do; a new company has no history, so every line waits in the queue.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from fakturaflyt.coding import services
from fakturaflyt.coding.models import CodingLine, CodingRule, CodingSettings, LineState, RuleKind
from fakturaflyt.companies.roles import Perm, Role, permissions_of
from fakturaflyt.core.coding.features import PurchaseLine

pytestmark = pytest.mark.django_db

ALL_ROLES = [Role.ADMIN, Role.ACCOUNTANT, Role.APPROVER, Role.REQUESTER, Role.SUPPLIER, Role.AUDITOR]
HTMX = {"HTTP_HX_REQUEST": "true"}


def add(company, supplier, text: str, amount: str, ref: str, on: date = date(2026, 3, 2)) -> CodingLine:
    line = PurchaseLine(
        date=on,
        supplier_id=supplier.orgnr,
        supplier_name=supplier.name,
        description=text,
        amount=Decimal(amount),
        currency="NOK",
    )
    return services.add_line(company, line, source="api", source_ref=ref, supplier=supplier)


@pytest.fixture
def lines(world):
    """Three queued lines in company A (two alike from one supplier) and one in company B.

    Two lines coded before give the engine some history: a chair from the first supplier on
    6540 Inventar, a phone bill from the other on 6900 Telefon with department 200.
    """
    from fakturaflyt.ledger.models import Department, Project
    from fakturaflyt.payables.models import Supplier

    Department.objects.create(company=world.a, code="200", name="Salg")
    Project.objects.create(company=world.a, code="P1", name="Nettbutikk")
    user = world.users["accountant"]
    chair = add(world.a, world.supplier, "Kontorstol Savo", "4990.00", "h-1", date(2026, 2, 20))
    services.confirm_line(chair, user, {"account": "6540", "vat_code": "1", "department": "", "project": ""})
    bill = add(world.a, world.other_supplier, "Mobilabonnement februar", "499.00", "h-2", date(2026, 2, 21))
    services.confirm_line(bill, user, {"account": "6900", "vat_code": "1", "department": "200", "project": ""})
    first = add(world.a, world.supplier, "Bærbar PC Lenovo ThinkPad", "12990.00", "t-1")
    second = add(world.a, world.supplier, "Bærbar PC Lenovo ThinkPad", "13490.00", "t-2", date(2026, 3, 5))
    phone = add(world.a, world.other_supplier, "Mobilabonnement mars", "499.00", "t-3")
    b_supplier = Supplier.objects.create(company=world.b, number=1, name="Hemmelig Leverandør AS", orgnr="911223341")
    secret = add(world.b, b_supplier, "Hemmelig linje", "100.00", "t-4")
    return {"first": first, "second": second, "phone": phone, "secret": secret}


def queue_url(**params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("coding:queue") + (f"?{query}" if query else "")


def test_lines_start_in_the_queue(lines):
    assert {lines[k].state for k in ("first", "second", "phone")} == {LineState.QUEUED}


# ---------------------------------------------------------------- the queue page


def test_queue_shows_lines_with_suggestions_confidence_and_reasons(login, world, lines):
    client = login(world.users["accountant"])
    html = client.get(reverse("coding:queue")).content.decode()
    assert "<h1>Kontering</h1>" in html
    assert "Bergen Kontorutstyr AS" in html and "Bærbar PC Lenovo ThinkPad" in html
    assert "12\xa0990,00" in html  # NOK format
    assert "Hemmelig" not in html  # company B's line
    first = lines["first"]
    # one input per target, prefilled with the suggestion, with the type-ahead list
    for target in ("account", "vat_code", "department", "project"):
        field = re.search(rf'<input[^>]*id="l{first.pk}-{target}"[^>]*>', html)
        assert field, target
        assert f'list="dl-{target}"' in field.group(0)
        assert f'value="{getattr(first, target)}"' in field.group(0)
    assert '<datalist id="dl-account">' in html and '<option value="6551">Datautstyr' in html
    # the confidence badge and the "why" popover with the reason sentences
    confidence = first.suggestion["account"]["confidence"]
    assert f"{round(confidence * 100)}\xa0%" in html
    assert f'popovertarget="why-{first.pk}"' in html and f'id="why-{first.pk}"' in html
    for sentence in first.suggestion["account"].get("text") or []:
        assert sentence.replace("«", "&laquo;").replace("»", "&raquo;") in html or sentence in html
    # the tabs, the bulk form and the threshold header
    assert "Til kontering" in html and "Automatisk kontert" in html and "Kontert" in html
    assert "Godkjenn valgte forslag" in html
    assert "Ikke nok historikk ennå" in html


def test_why_popover_lists_reasons_per_target(login, world, lines):
    from fakturaflyt.payables.models import Supplier

    client = login(world.users["accountant"])
    # a new supplier: its supplier rule gives the first suggestion, with a reason a person can read
    new = Supplier.objects.create(company=world.a, number=3, name="Elektro Nord AS", orgnr="974760673")
    services.add_rule(world.a, world.users["accountant"], kind=RuleKind.SUPPLIER, supplier=new, account="6551")
    line = add(world.a, new, "Dokkingstasjon", "2490.00", "t-5")
    html = client.get(reverse("coding:queue")).content.decode()
    start = html.index(f'id="why-{line.pk}"')
    popover = html[start : html.index("</div>\n", html.index("why-target", start) + 2000)]
    assert "Hvorfor dette forslaget?" in popover
    for label in ("Konto", "Mva-kode", "Avdeling", "Prosjekt"):
        assert label in popover
    assert line.suggestion["account"]["value"] == "6551"
    assert "Elektro Nord AS" in popover  # the rule's reason names the supplier


def test_threshold_header_shows_the_measured_threshold(login, world, lines):
    settings = services.settings_for(world.a)
    measured = {"threshold": 0.93, "rows": 412, "precision": 0.9861, "measured": 500}
    settings.measured = dict.fromkeys(("account", "vat_code", "department", "project"), measured)
    settings.save()
    html = login(world.users["accountant"]).get(reverse("coding:queue")).content.decode()
    assert "Automatisk kontering fra 93\xa0% sikkerhet" in html
    assert "98,6\xa0%" in html and "412 linjer" in html and "siste 90 dager" in html


def test_tabs_filter_by_state(login, world, lines):
    client = login(world.users["accountant"])
    services.confirm_line(lines["phone"], world.users["accountant"], None)
    queued = client.get(queue_url(tab="queued")).content.decode()
    coded = client.get(queue_url(tab="coded")).content.decode()
    auto = client.get(queue_url(tab="auto")).content.decode()
    assert "Mobilabonnement" not in queued and "Bærbar PC" in queued
    assert "Mobilabonnement" in coded and "Bærbar PC" not in coded
    assert "Ingen linjer er kontert automatisk ennå" in auto


def test_search_and_sort(login, world, lines):
    client = login(world.users["accountant"])
    html = client.get(queue_url(q="Mobil", sort="supplier")).content.decode()
    assert "Mobilabonnement" in html and "Bærbar PC" not in html
    assert client.get(queue_url(sort="nonsense")).status_code == 200


# ---------------------------------------------------------------- confirm and correct


def test_confirm_accepts_the_suggestion(login, world, lines):
    client = login(world.users["accountant"])
    line = lines["phone"]
    data = {t: getattr(line, t) for t in ("account", "vat_code", "department", "project")}
    response = client.post(reverse("coding:confirm", args=[line.pk]), data, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="coding-results"' in html and "<h1>" not in html  # only the results are redrawn
    assert "Bekreftet:" in html
    line.refresh_from_db()
    assert line.state == LineState.CONFIRMED
    assert line.coded_by == world.users["accountant"]
    assert f'id="line-{line.pk}"' not in html  # it left the queue


def test_correction_is_learnt_and_the_next_similar_line_shows_it(login, world, lines):
    client = login(world.users["accountant"])
    first, second = lines["first"], lines["second"]
    assert second.account != "6551" or first.account != "6551"  # the engine did not know yet
    data = {"account": "6551 Datautstyr (hardware)", "vat_code": "1", "department": "", "project": ""}
    response = client.post(reverse("coding:confirm", args=[first.pk]) + "?tab=queued", data | {"row": "0"}, **HTMX)
    html = response.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == LineState.CORRECTED and first.account == "6551"
    assert second.account == "6551"  # re-suggested at once
    row = html[html.index(f'id="line-{second.pk}"') :]
    assert re.search(rf'id="l{second.pk}-account"[^>]*value="6551"', row)
    assert "Korrigert:" in html and "fikk nytt forslag" in html
    assert "Nytt forslag" in row[: row.index("</tr>")]
    assert 'data-focus-row="0"' in html


def test_an_automatic_coding_can_be_corrected_from_its_tab(login, world, lines):
    client = login(world.users["accountant"])
    line = lines["phone"]
    CodingLine.objects.filter(pk=line.pk).update(state=LineState.AUTO)
    html = client.get(queue_url(tab="auto")).content.decode()
    assert f'id="line-{line.pk}"' in html and "Godkjenn valgte forslag" not in html
    data = {"account": "6800", "vat_code": "1", "department": "200", "project": ""}
    html = client.post(reverse("coding:confirm", args=[line.pk]) + "?tab=auto", data, **HTMX).content.decode()
    line.refresh_from_db()
    assert (line.state, line.account) == (LineState.CORRECTED, "6800")
    assert "Korrigert:" in html and "Ingen linjer er kontert automatisk ennå" in html


def test_correction_without_javascript_redirects_back(login, world, lines):
    client = login(world.users["accountant"])
    line = lines["phone"]
    data = {"account": "6900", "vat_code": "1", "department": "", "project": ""}
    response = client.post(reverse("coding:confirm", args=[line.pk]) + "?tab=queued&sort=date", data)
    assert response.status_code == 302
    assert response["Location"] == reverse("coding:queue") + "?tab=queued&sort=date"
    line.refresh_from_db()
    assert line.account == "6900"
    assert "Korrigert:" in client.get(response["Location"]).content.decode()


def test_coding_error_is_shown_on_the_row_naming_the_field(login, world, lines):
    client = login(world.users["accountant"])
    line = lines["first"]
    data = {"account": "9999", "vat_code": "1", "department": "", "project": ""}
    response = client.post(reverse("coding:confirm", args=[line.pk]), data, **HTMX)
    assert response.status_code == 200  # htmx swaps 200 answers only
    html = response.content.decode()
    assert "Konto 9999 finnes ikke i kontoplanen." in html
    assert re.search(rf'id="l{line.pk}-account"[^>]*value="9999"[^>]*aria-invalid="true"', html)
    line.refresh_from_db()
    assert line.state == LineState.QUEUED
    # without JavaScript: the page again, status 400
    response = client.post(reverse("coding:confirm", args=[line.pk]), data | {"account": "6551", "vat_code": "3"})
    assert response.status_code == 400
    assert "Mva-kode 3 er for salg" in response.content.decode()


def test_bulk_accept(login, world, lines):
    client = login(world.users["accountant"])
    ids = [lines["first"].pk, lines["phone"].pk]
    response = client.post(reverse("coding:bulk_accept"), {"line": ids}, **HTMX)
    assert response.status_code == 200
    assert "2 forslag godkjent." in response.content.decode()
    states = dict(CodingLine.objects.filter(pk__in=ids).values_list("pk", "state"))
    assert set(states.values()) == {LineState.CONFIRMED}
    lines["second"].refresh_from_db()
    assert lines["second"].state == LineState.QUEUED
    # nothing ticked: told so, nothing done
    response = client.post(reverse("coding:bulk_accept"), {}, **HTMX)
    assert "Kryss først av linjene" in response.content.decode()


# ---------------------------------------------------------------- permissions and companies


@pytest.mark.parametrize("role", ALL_ROLES)
def test_pages_answer_per_role(client, world, lines, role):
    client.force_login(world.users[role])
    view = 200 if Perm.VIEW_PAYABLES in permissions_of(role) else 403
    manage = Perm.MANAGE_PAYABLES in permissions_of(role)
    assert client.get(reverse("coding:queue")).status_code == view
    assert client.get(reverse("coding:rules")).status_code == view
    line = lines["phone"]
    response = client.post(reverse("coding:confirm", args=[line.pk]), {"account": line.account, "vat_code": "1"})
    assert response.status_code == (302 if manage else 403)
    response = client.post(reverse("coding:bulk_accept"), {"line": [lines["first"].pk]})
    assert response.status_code == (302 if manage else 403)
    response = client.post(reverse("coding:rule_add"), {"kind": "keyword", "keyword": "husleie", "account": "6300"})
    assert response.status_code == (302 if manage else 403)
    assert CodingRule.objects.filter(company=world.a, keyword="husleie").exists() == manage
    rule = services.add_rule(world.a, None, kind=RuleKind.KEYWORD, keyword=f"regel {role}", account="6300")
    response = client.post(reverse("coding:rule_active", args=[rule.pk]), {"active": "0"})
    assert response.status_code == (302 if manage else 403)
    settings = {"mode": "off", "target_precision": "98", "window_days": "90", "min_rows": "50"}
    assert client.post(reverse("coding:settings"), settings).status_code == (302 if manage else 403)
    assert services.settings_for(world.a).mode == ("off" if manage else "measured")


def test_read_only_roles_see_no_inputs(client, world, lines):
    for role in ("auditor", "approver"):
        client.force_login(world.users[role])
        html = client.get(reverse("coding:queue")).content.decode()
        assert "Bærbar PC" in html
        assert 'class="code-input"' not in html and "Godkjenn valgte forslag" not in html
        assert "Hvorfor?" in html  # the reasons are for everyone who may see the line


def test_supplier_contact_never_reaches_coding(client, world, lines):
    client.force_login(world.users["supplier"])
    html = client.get(reverse("home")).content.decode()
    assert reverse("coding:queue") not in html
    for url in (reverse("coding:queue"), reverse("coding:rules")):
        assert client.get(url).status_code == 403


def test_navigation_has_coding_after_the_inbox(login, world):
    html = login(world.users["accountant"]).get(reverse("coding:queue")).content.decode()
    nav = html[html.index('<nav id="nav"') : html.index("</nav>", html.index('<nav id="nav"'))]
    assert (
        nav.index(reverse("payables:inbox"))
        < nav.index(reverse("coding:queue"))
        < nav.index(reverse("payables:suppliers"))
    )
    assert re.search(r'data-nav="coding" aria-current="page"', nav)


def test_another_companys_line_answers_404(login, world, lines):
    client = login(world.users["accountant"])
    secret = lines["secret"]
    data = {"account": "6551", "vat_code": "1"}
    assert client.post(reverse("coding:confirm", args=[secret.pk]), data).status_code == 404
    assert client.post(reverse("coding:bulk_accept"), {"line": [secret.pk, lines["first"].pk]}).status_code == 404
    secret.refresh_from_db()
    lines["first"].refresh_from_db()
    assert secret.state == LineState.QUEUED and lines["first"].state == LineState.QUEUED
    # and company B's accountant cannot reach A's line
    client = login(world.b_user)
    assert client.post(reverse("coding:confirm", args=[lines["first"].pk]), data).status_code == 404


def test_bad_ids_are_refused(login, world):
    client = login(world.users["accountant"])
    assert client.post(reverse("coding:bulk_accept"), {"line": ["x"]}).status_code == 400
    assert client.get(reverse("coding:confirm", args=[1])).status_code == 405


# ---------------------------------------------------------------- rules and settings


def test_rules_page_adds_and_deactivates_rules(login, world):
    client = login(world.users["accountant"])
    html = client.get(reverse("coding:rules")).content.decode()
    assert "Konteringsregler" in html and "Ingen regler ennå" in html
    response = client.post(
        reverse("coding:rule_add"),
        {"kind": "supplier", "supplier": world.supplier.pk, "account": "6540 Inventar", "department": ""},
    )
    assert response.status_code == 302
    rule = CodingRule.objects.get(company=world.a)
    assert (rule.kind, rule.supplier, rule.account, rule.keyword) == ("supplier", world.supplier, "6540", "")
    html = client.get(reverse("coding:rules")).content.decode()
    assert "Regelen ble lagt til" in html and "Inventar" in html
    client.post(reverse("coding:rule_active", args=[rule.pk]), {"active": "0"})
    rule.refresh_from_db()
    assert not rule.is_active
    client.post(reverse("coding:rule_active", args=[rule.pk]), {"active": "1"})
    rule.refresh_from_db()
    assert rule.is_active
    from fakturaflyt.ledger.models import AuditEvent

    actions = AuditEvent.objects.filter(object_id=str(rule.pk), action__startswith="coding.rule_").order_by("id")
    assert list(actions.values_list("action", flat=True)) == [
        "coding.rule_added",
        "coding.rule_deactivated",
        "coding.rule_activated",
    ]


def test_rule_form_errors_name_the_field(login, world):
    client = login(world.users["accountant"])
    response = client.post(reverse("coding:rule_add"), {"kind": "keyword", "keyword": "hu", "account": "9999"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "minst tre bokstaver" in html and "9999 er ikke en aktiv konto" in html
    response = client.post(reverse("coding:rule_add"), {"kind": "supplier", "account": "6540"})
    assert "Velg leverandøren regelen gjelder" in response.content.decode()
    assert not CodingRule.objects.exists()


def test_another_companys_rule_and_supplier_are_out_of_reach(login, world):
    from fakturaflyt.payables.models import Supplier

    b_supplier = Supplier.objects.create(company=world.b, number=1, name="Hemmelig Leverandør AS", orgnr="911223341")
    rule = services.add_rule(world.b, world.b_user, kind=RuleKind.KEYWORD, keyword="hemmelig", account="6300")
    client = login(world.users["accountant"])
    assert client.post(reverse("coding:rule_active", args=[rule.pk]), {"active": "0"}).status_code == 404
    response = client.post(
        reverse("coding:rule_add"), {"kind": "supplier", "supplier": b_supplier.pk, "account": "6540"}
    )
    assert response.status_code == 400
    assert "Hemmelig" not in client.get(reverse("coding:rules")).content.decode()


def test_settings_are_saved_in_percent(login, world):
    client = login(world.users["accountant"])
    html = client.get(reverse("coding:rules")).content.decode()
    assert 'name="target_precision" value="98"' in html
    response = client.post(
        reverse("coding:settings"),
        {"mode": "fixed", "target_precision": "97,5", "fixed_threshold": "95", "window_days": "60", "min_rows": "40"},
    )
    assert response.status_code == 302
    settings = CodingSettings.objects.get(company=world.a)
    assert (settings.mode, settings.target_precision, settings.fixed_threshold) == (
        "fixed",
        Decimal("0.9750"),
        Decimal("0.9500"),
    )
    html = client.get(reverse("coding:queue")).content.decode()
    assert "Automatisk kontering fra 95\xa0% sikkerhet (fast terskel)" in html
    response = client.post(
        reverse("coding:settings"), {"mode": "fixed", "target_precision": "98", "window_days": "90", "min_rows": "50"}
    )
    assert response.status_code == 400
    assert "Oppgi terskelen" in response.content.decode()


def test_auditor_sees_rules_but_no_forms(login, world):
    services.add_rule(world.a, world.users["accountant"], kind=RuleKind.KEYWORD, keyword="husleie", account="6300")
    html = login(world.users["auditor"]).get(reverse("coding:rules")).content.decode()
    assert "«husleie»" in html and "6300" in html
    assert "Legg til regel" not in html and "Deaktiver" not in html and "Lagre innstillinger" not in html


@pytest.mark.django_db(transaction=True)
def test_a_documents_page_links_to_its_coding_lines(client, demo_company, corpus, settings, tmp_path):
    from fakturaflyt.payables.intake import receive

    from .helpers import demo_user

    settings.MEDIA_ROOT = tmp_path / "media"
    path = corpus / "ehf/examples/ehf-NO__ehf-3-faktura-1.xml"
    document = receive(demo_company, path.read_bytes(), channel="upload", filename=path.name)
    document.refresh_from_db()
    purchase = PurchaseLine(date=date(2026, 3, 2), supplier_name="The Sellercompany", description="Laptop computer")
    lines = [
        services.add_line(demo_company, purchase, source="supplier_invoice", document=document, line_no=n)
        for n in (1, 2)
    ]
    client.force_login(demo_user(Role.ACCOUNTANT))
    html = client.get(reverse("payables:document", args=[document.pk])).content.decode()
    link = f"{reverse('coding:queue')}?document={document.pk}&amp;tab="
    assert link in html and "Kontering:" in html
    href = re.search(rf'href="({re.escape(link)}\w+)"', html).group(1).replace("&amp;", "&")
    queue = client.get(href).content.decode()
    assert f"Faktura {document.invoice_number}" in queue and "Linjer fra" in queue
    for line in lines:
        if line.state == LineState.QUEUED or "tab=queued" not in href:
            assert f'id="line-{line.pk}"' in queue
    # a document of another company: its lines are not shown, nor its title
    other = client.get(reverse("coding:queue") + "?document=999999").content.decode()
    assert "Linjer fra" not in other
