"""The demo's card month (issue 9): every case of the card inbox shows, and loading twice adds nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db


def test_the_demo_shows_every_case_and_loads_once(demo_company, client, django_user_model) -> None:
    from fakturaflyt.cards.demo import ACCEPTED, LEARNT_DEPARTMENT, load_card_demo
    from fakturaflyt.cards.demo_data import ORDERS, demo_charges
    from fakturaflyt.cards.models import CardCharge, CardImport, ChargeLine, ShopOrderLine

    load_card_demo(demo_company)

    imports = CardImport.objects.filter(company=demo_company)
    assert sorted(imports.values_list("kind", flat=True)) == ["orders", "statement"]
    assert ShopOrderLine.objects.filter(company=demo_company).count() == sum(
        len(s.items) for o in ORDERS for s in o.shipments
    )
    charges = {c.external_id: c for c in CardCharge.objects.filter(company=demo_company)}
    kinds = {c.reference: c.kind for c in demo_charges()}
    assert set(charges) == set(kinds)
    by_kind = {kinds[ref]: charge for ref, charge in charges.items()}

    # accepted and posted (series CARD)
    for ref in ACCEPTED:
        assert charges[ref].status == "posted" and charges[ref].voucher is not None, ref
    # waiting in the inbox, each for its reason
    assert (by_kind["amount"].status, by_kind["amount"].match_method) == ("matched", "amount")
    assert (by_kind["subset"].status, by_kind["subset"].match_method) == ("matched", "subset")
    assert by_kind["subset"].lines.count() == 3
    assert (by_kind["digital"].status, by_kind["digital"].match_method) == ("matched", "reference")
    assert by_kind["ambiguous"].status == "ambiguous" and len(by_kind["ambiguous"].candidates) == 2
    assert by_kind["unmatched"].status == "unmatched"
    gift = by_kind["gift_card"]
    assert gift.status == "matched" and "gift card" in gift.match_note.lower()
    for kind in ("software", "groceries", "refund"):
        assert by_kind[kind].status == "matched" and by_kind[kind].match_method == "single", kind
    # every split sums to its charge, to the øre
    for charge in charges.values():
        lines = list(charge.lines.all())
        if lines:
            assert sum((ln.total for ln in lines), Decimal(0)) == charge.amount, charge.external_id
    # the digital item is a service bought from abroad: reverse charge
    software = ChargeLine.objects.get(charge=by_kind["digital"])
    assert software.coding_line is not None
    assert (software.coding_line.vat_code or software.coding_line.suggestion["vat_code"]["value"]) == "86"
    # the correction of the first headset's department is what the second headset is suggested
    headset = by_kind["learnt"].lines.select_related("coding_line").get(title__icontains="headset")
    row = headset.coding_line
    assert (row.department or row.suggestion.get("department", {}).get("value")) == LEARNT_DEPARTMENT

    counts = (CardImport.objects.count(), CardCharge.objects.count(), ShopOrderLine.objects.count())
    load_card_demo(demo_company)
    assert (CardImport.objects.count(), CardCharge.objects.count(), ShopOrderLine.objects.count()) == counts

    # the admin shows it all, read only (the card settings are the one thing to edit there)
    from fakturaflyt.cards.services import settings_for

    root = django_user_model.objects.create_superuser("root@example.no", "root@example.no", "root-pass-123")
    client.force_login(root)
    posted = charges[ACCEPTED[0]]
    for url in (
        "/admin/cards/cardcharge/",
        f"/admin/cards/cardcharge/{posted.pk}/change/",
        "/admin/cards/cardimport/",
        "/admin/cards/shoporderline/",
        f"/admin/cards/cardsettings/{settings_for(demo_company).pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    assert client.get("/admin/cards/cardcharge/add/").status_code == 403
    assert b"Jabra" in client.get(f"/admin/cards/cardcharge/{posted.pk}/change/").content
