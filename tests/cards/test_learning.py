"""A correction of one item's coding is used for the next similar item (issue 9 acceptance)."""

from __future__ import annotations

import pytest

from tests.cards.conftest import business_report, charge, item, statement

pytestmark = pytest.mark.django_db


def _line(external_id: str):
    from fakturaflyt.cards.models import CardCharge

    return CardCharge.objects.get(external_id=external_id).lines.select_related("coding_line").get()


def test_corrected_department_is_used_for_the_next_similar_item(cards_company):
    from fakturaflyt.cards import services

    headset = {"user": "Ola Normann", "category": "Electronics", "cost_center": "Salg"}
    cards_company.import_file(
        business_report(
            item("401-1", "Jabra Evolve2 65 headset", subtotal="120.00", payment_ref="LEARN0001", **headset),
            item("401-2", "Jabra Evolve2 40 headset", subtotal="90.00", payment_ref="LEARN0002", **headset),
        )
    )
    cards_company.import_file(
        statement(
            charge("L1", "AMZN MKTP DE*LEARN0001", "120.00", amount_nok="1392.00", holder="Ola Normann"),
            charge("L2", "AMZN MKTP DE*LEARN0002", "90.00", amount_nok="1044.00", holder="Ola Normann"),
        )
    )
    first = _line("L1")
    # before any correction the buyer's cost center "Salg" is department 200
    assert first.coding_line.department == "200"
    assert _line("L2").coding_line.department == "200"

    corrected = services.code_line(first, cards_company.user, {"account": "6551", "department": "500"})
    assert corrected.coding_line.state == "corrected"

    # an open charge imported before the correction shows it at once
    other = _line("L2").coding_line
    assert other.department == "500", other.suggestion["department"]
    assert other.state == "queued"
    assert other.vat_code == "81" and other.suggestion["vat_code"]["confidence"] == 1.0  # the rule stays

    # the next report and statement: a similar item by the same buyer and category
    cards_company.import_file(
        business_report(
            item(
                "402-1",
                "Jabra Evolve2 85 headset",
                subtotal="210.00",
                payment_ref="LEARN0003",
                payment_date="2026-03-05",
                **headset,
            )
        )
    )
    cards_company.import_file(
        statement(charge("L3", "AMZN MKTP DE*LEARN0003", "210.00", amount_nok="2436.00", day="2026-03-05"))
    )
    third = _line("L3").coding_line
    assert third.department == "500"
    assert third.suggestion["department"]["text"]  # the reasons, in Norwegian
    assert third.account == "6551"


def test_buyer_entered_codes_used_when_valid_and_not_learnt(cards_company):
    cards_company.import_file(
        business_report(
            item(
                "403-1",
                "Moving boxes for Kontorflytting",
                subtotal="40.00",
                payment_ref="HINT00001",
                gl_code="6540",
                cost_center="IT",
                user="Siri Berg",
            ),
            item(
                "403-2",
                "Label printer",
                subtotal="60.00",
                payment_ref="HINT00002",
                gl_code="9999",  # not in the chart: not used
                cost_center="Nowhere",  # no such department: not used
                project="p1002",  # a project by code, any case
                user="Siri Berg",
            ),
        )
    )
    cards_company.import_file(
        statement(
            charge("K1", "AMZN MKTP DE*HINT00001", "40.00", amount_nok="464.00", holder="Siri Berg"),
            charge("K2", "AMZN MKTP DE*HINT00002", "60.00", amount_nok="696.00", holder="Siri Berg"),
        )
    )
    boxes = _line("K1").coding_line
    assert (boxes.account, boxes.department, boxes.project) == ("6540", "500", "P2001")
    assert boxes.suggestion["account"]["confidence"] >= 0.9
    assert any("Amazon" in t for t in boxes.suggestion["department"]["text"])
    assert boxes.line["extra"]["project_hint"] == "P2001"  # an active project named in the text
    printer = _line("K2").coding_line
    assert printer.project == "P1002"
    assert printer.account != "9999" and printer.department != "Nowhere"


def test_confirming_a_card_line_in_the_coding_queue_keeps_the_card_rules_on_its_neighbours(cards_company):
    """The coding queue's confirm_line suggests the shop's other open lines again through the card app
    (coding.services.RESUGGESTERS), so they keep their VAT rule and buyer hints."""
    from fakturaflyt.coding import services as coding_services

    headset = {"user": "Ola Normann", "category": "Electronics", "cost_center": "Salg"}
    cards_company.import_file(
        business_report(
            item("404-1", "Jabra Evolve2 65 headset", subtotal="120.00", payment_ref="QUEUE0001", **headset),
            item("404-2", "Jabra Evolve2 40 headset", subtotal="90.00", payment_ref="QUEUE0002", **headset),
        )
    )
    cards_company.import_file(
        statement(
            charge("Q1", "AMZN MKTP DE*QUEUE0001", "120.00", amount_nok="1392.00", holder="Ola Normann"),
            charge("Q2", "AMZN MKTP DE*QUEUE0002", "90.00", amount_nok="1044.00", holder="Ola Normann"),
        )
    )
    coding_services.confirm_line(
        _line("Q1").coding_line, cards_company.user, {"account": "6551", "vat_code": "81", "department": "500"}
    )
    other = _line("Q2").coding_line
    assert other.department == "500"
    assert other.vat_code == "81" and other.suggestion["vat_code"]["confidence"] == 1.0


def test_an_explicit_buyer_entry_beats_the_buyers_habits_until_that_entry_is_corrected(cards_company):
    """Ola's first item (cost center Salg) is coded to department 500 by a person. His next item
    says cost center IT: the entry wins over his habit. Only a correction of an item entered
    "IT" teaches the engine to overrule that entry."""
    from fakturaflyt.cards import services

    ola = {"user": "Ola Normann", "category": "Electronics"}
    cards_company.import_file(
        business_report(
            item(
                "405-1",
                "Jabra Evolve2 65 headset",
                subtotal="120.00",
                payment_ref="HABIT0001",
                cost_center="Salg",
                **ola,
            ),
            item("405-2", "Dell 27 monitor", subtotal="300.00", payment_ref="HABIT0002", cost_center="IT", **ola),
            item("405-3", "Dell 24 monitor", subtotal="200.00", payment_ref="HABIT0003", cost_center="IT", **ola),
        )
    )
    cards_company.import_file(
        statement(
            charge("H1", "AMZN MKTP DE*HABIT0001", "120.00", amount_nok="1392.00", holder="Ola Normann"),
            charge("H2", "AMZN MKTP DE*HABIT0002", "300.00", amount_nok="3480.00", holder="Ola Normann"),
            charge("H3", "AMZN MKTP DE*HABIT0003", "200.00", amount_nok="2320.00", holder="Ola Normann"),
        )
    )
    services.code_line(_line("H1"), cards_company.user, {"account": "6551", "department": "300"})
    monitor = _line("H2").coding_line
    assert monitor.department == "500"  # "IT" is department 500: the entry, not Ola's habit (300)
    assert any("Amazon" in t for t in monitor.suggestion["department"]["text"])

    services.code_line(_line("H2"), cards_company.user, {"account": "6551", "department": "400"})
    assert _line("H3").coding_line.department == "400"  # now the company has taught what "IT" means
