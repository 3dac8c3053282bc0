"""The coding services: suggest, confirm, correct, learn at once, validate, thresholds, touchless, tenancy."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from fakturaflyt.coding import engine, services
from fakturaflyt.coding.error_codes import CodingError
from fakturaflyt.coding.models import CodingLine, CodingSettings, LearnEvent, LineState, TouchlessMode
from fakturaflyt.core.coding.features import PurchaseLine
from fakturaflyt.core.coding.threshold import choose_threshold
from fakturaflyt.ledger.models import AuditEvent, Department
from tests.coding.conftest import purchase

pytestmark = pytest.mark.django_db

LICENCE = {"account": "6553", "vat_code": "1", "department": "", "project": ""}


def test_a_new_line_is_suggested_at_once_from_the_chart(company, add) -> None:
    # given a brand-new company without history
    # when a line with "Lisens" arrives
    line = add(company, purchase("Lisens Office 365"))
    # then it is queued with the chart's account and the VAT code for 25 %, prefilled, with reasons
    assert line.state == LineState.QUEUED and line.suggested_at is not None
    assert line.account == "6553" and line.vat_code == "1"
    assert line.suggestion["account"]["text"] == ["Kontoplanen: «lisens» → 6553 Programvare årlig vedlikehold"]
    assert line.confidence == 0.0  # no department or project to go on: the lowest target counts


def test_add_line_is_idempotent_on_the_source_reference(company, add) -> None:
    first = add(company, purchase(), ref="card-42")
    again = add(company, purchase("Another text"), ref="card-42")
    assert again.pk == first.pk and again.description == "Lisens Office 365"
    assert CodingLine.objects.filter(company=company).count() == 1


def test_a_correction_changes_the_next_suggestion_at_once(company, accountant, add) -> None:
    # given a line suggested 6553 from the chart
    first = add(company, purchase("Lisens Office 365"))
    assert first.account == "6553"
    # when the accountant corrects it to 6551
    coded = services.confirm_line(first, accountant, {"account": "6551"})
    assert coded.state == LineState.CORRECTED and coded.account == "6551" and coded.vat_code == "1"
    # then the next line from the same supplier with the same text is suggested 6551
    second = add(company, purchase("Lisens Office 365"))
    assert second.account == "6551"
    # and so it is in a fresh process, which rebuilds the model from the learning log
    engine.forget(company)
    assert services.suggest(company, purchase("Lisens Office 365"))["account"].label == "6551"


def test_queued_lines_of_the_same_supplier_show_the_learnt_coding(company, accountant, add) -> None:
    waiting = add(company, purchase("Lisens Office 365"))
    other_supplier = add(company, PurchaseLine(supplier_id="922222222", description="Lisens", vat_rate=Decimal(25)))
    first = add(company, purchase("Lisens Office 365"))
    assert waiting.account == "6553"
    services.confirm_line(first, accountant, {"account": "6551", "department": ""})
    waiting.refresh_from_db()
    other_supplier.refresh_from_db()
    assert waiting.state == LineState.QUEUED and waiting.account == "6551"
    assert other_supplier.account == "6553"  # another supplier's line is not touched


def test_explanations_name_the_supplier_and_the_counts(company, accountant, history, add) -> None:
    history(company, accountant, 4, {"account": "6551", "vat_code": "1", "department": "", "project": ""})
    line = add(company, purchase("Lisens Office 365"))
    texts = line.suggestion["account"]["text"]
    assert line.account == "6551"
    assert any("Elkjøp Norge AS" in t and "6551 Datautstyr" in t and "4 av 4 linjer" in t for t in texts), texts
    reasons = line.suggestion["account"]["reasons"]
    assert all(r["label"] == "6551" for r in reasons)
    assert any(r["kind"].startswith("supplier") and r["count"] == 4 and r["total"] == 4 for r in reasons)


def test_confirm_without_coding_accepts_the_suggestion_and_is_audited(company, accountant, add) -> None:
    line = add(company, purchase("Lisens Office 365"))
    coded = services.confirm_line(line, accountant)
    assert coded.state == LineState.CONFIRMED and coded.coding() == LICENCE
    assert coded.coded_by == accountant and coded.coded_at is not None
    event = LearnEvent.objects.get(line=coded)
    assert event.coding == LICENCE and event.suggested["account"]["value"] == "6553"
    audit = AuditEvent.objects.filter(company=company, action="coding.confirmed").get()
    assert audit.data["after"]["account"] == "6553" and audit.actor == accountant


@pytest.mark.parametrize(
    ("coding", "code", "field"),
    [
        ({"account": "9999"}, "FF-CODING-UNKNOWN-ACCOUNT", "account"),
        ({"account": ""}, "FF-CODING-ACCOUNT-REQUIRED", "account"),
        ({"vat_code": "77"}, "FF-CODING-UNKNOWN-VAT-CODE", "vat_code"),
        ({"vat_code": "3"}, "FF-CODING-OUTPUT-VAT-CODE", "vat_code"),
        ({"department": "999"}, "FF-CODING-UNKNOWN-DEPARTMENT", "department"),
        ({"project": "NOPE"}, "FF-CODING-UNKNOWN-PROJECT", "project"),
        ({"colour": "red"}, "FF-CODING-UNKNOWN-TARGET", "colour"),
    ],
)
def test_validation_errors_name_the_field(company, accountant, add, coding, code, field) -> None:
    line = add(company, purchase())
    with pytest.raises(CodingError) as caught:
        services.confirm_line(line, accountant, coding)
    assert caught.value.code == code and caught.value.field == field and caught.value.message
    line.refresh_from_db()
    assert line.state == LineState.QUEUED and not LearnEvent.objects.exists()


def test_a_closed_department_is_refused(company, accountant, add, dimensions) -> None:
    Department.objects.filter(company=company, code="300").update(is_active=False)
    line = add(company, purchase())
    with pytest.raises(CodingError) as caught:
        services.confirm_line(line, accountant, {"department": "300"})
    assert caught.value.code == "FF-CODING-INACTIVE-DEPARTMENT" and caught.value.field == "department"
    assert services.confirm_line(line, accountant, {"department": "200"}).department == "200"


def test_a_coded_line_can_be_corrected_again_and_the_old_coding_is_forgotten(company, accountant, add) -> None:
    line = services.confirm_line(add(company, purchase()), accountant)
    assert line.account == "6553"
    again = services.confirm_line(line, accountant, {"account": "6551"})
    assert again.state == LineState.CORRECTED and LearnEvent.objects.filter(line=line).count() == 2
    # the model counts the line once, with its latest coding
    suggestion = services.suggest(company, purchase())["account"]
    assert suggestion.label == "6551"
    supplier_reason = next(r for r in suggestion.reasons if r.kind == "supplier+text")
    assert (supplier_reason.count, supplier_reason.total) == (1, 1)
    # confirming the same coding once more learns nothing new
    services.confirm_line(again, accountant, {"account": "6551"})
    assert LearnEvent.objects.filter(line=line).count() == 2


def test_bulk_accept_codes_the_companys_queued_lines_and_skips_invalid_ones(
    company, make_company, accountant, add
) -> None:
    good = [add(company, purchase(f"Lisens {n}")) for n in range(3)]
    bad = add(company, purchase("Noe helt annet"))
    assert bad.account == "" and "account" not in bad.suggestion  # nothing to go on: no account suggested
    other = make_company("923609016", "Beta AS")
    foreign = add(other, purchase("Lisens"))
    done = services.bulk_accept(company, accountant, [r.pk for r in good] + [bad.pk, foreign.pk])
    assert done == 3
    assert set(CodingLine.objects.filter(pk__in=[r.pk for r in good]).values_list("state", flat=True)) == {"confirmed"}
    assert CodingLine.objects.get(pk=bad.pk).state == LineState.QUEUED
    assert CodingLine.objects.get(pk=foreign.pk).state == LineState.QUEUED


def test_queue_lists_only_queued_lines_by_date(company, accountant, add) -> None:
    late = add(company, purchase(day=date.today() - timedelta(days=1)))
    early = add(company, purchase(day=date.today() - timedelta(days=9)))
    services.confirm_line(add(company, purchase()), accountant)
    assert list(services.queue(company)) == [early, late]


# ----------------------------------------------------------------------------- thresholds


def _coded(company, confidence: float, right: bool, *, days_ago: int = 1, n: int = 1) -> None:
    suggestion = {
        "account": {"value": "6553", "confidence": confidence},
        "vat_code": {"value": "1", "confidence": 0.99},
    }
    CodingLine.objects.bulk_create(
        CodingLine(
            company=company,
            source="api",
            line={},
            suggestion=suggestion,
            state=LineState.CONFIRMED if right else LineState.CORRECTED,
            account="6553" if right else "6551",
            vat_code="1",
            coded_at=timezone.now() - timedelta(days=days_ago),
        )
        for _ in range(n)
    )


def test_thresholds_are_measured_per_target_over_the_window(company) -> None:
    # given 60 right at 0.99, 30 right and 5 wrong at 0.9, 20 wrong at 0.5, and old wrong ones outside the window
    _coded(company, 0.99, True, n=60)
    _coded(company, 0.9, True, n=30)
    _coded(company, 0.9, False, n=5)
    _coded(company, 0.5, False, n=20)
    _coded(company, 0.99, False, n=40, days_ago=120)
    # when measured at the default 98 % over 90 days, at least 50 rows
    measured = services.refresh_thresholds(company).measured
    # then the account's threshold is the lowest confidence keeping 98 %: 0.99, over its 60 rows
    pairs = [(0.99, True)] * 60 + [(0.9, True)] * 30 + [(0.9, False)] * 5 + [(0.5, False)] * 20
    assert measured["account"] == {
        "threshold": choose_threshold(pairs, precision=0.98, min_rows=50),
        "rows": 60,
        "precision": 1.0,
        "measured": 115,
    }
    assert measured["account"]["threshold"] == 0.99
    assert measured["vat_code"]["threshold"] == 0.99 and measured["vat_code"]["rows"] == 115
    assert measured["department"] == {"threshold": None, "rows": 0, "precision": None, "measured": 0}
    assert services.thresholds_for(company) == {"account": 0.99, "vat_code": 0.99, "department": None, "project": None}
    # and a lower required precision lowers the threshold
    CodingSettings.objects.filter(company=company).update(target_precision=Decimal("0.90"))
    assert services.refresh_thresholds(company).measured["account"]["threshold"] == 0.9


def test_thresholds_by_mode(company) -> None:
    s = services.settings_for(company)
    s.measured = {"account": {"threshold": 0.95}}
    s.save()
    assert services.thresholds_for(company)["account"] == 0.95
    services.update_settings(company, None, mode=TouchlessMode.FIXED, fixed_threshold="0.9")
    assert services.thresholds_for(company) == dict.fromkeys(("account", "vat_code", "department", "project"), 0.9)
    services.update_settings(company, None, mode=TouchlessMode.OFF)
    assert set(services.thresholds_for(company).values()) == {None}
    with pytest.raises(CodingError) as caught:
        services.update_settings(company, None, target_precision="1.5")
    assert caught.value.field == "target_precision"


def test_touchless_with_enough_history_and_queued_when_off(company, accountant, history, add) -> None:
    # given a month of the same licence coded the same way, and thresholds measured on it
    CodingSettings.objects.create(company=company, min_rows=10)
    history(company, accountant, 24, LICENCE)
    measured = services.refresh_thresholds(company).measured
    assert all(measured[t]["threshold"] is not None for t in LICENCE), measured
    # when the next licence line arrives
    line = add(company, purchase("Lisens Office 365"))
    # then it is coded without a touch, learnt, and audited as automatic
    assert line.state == LineState.AUTO and line.coding() == LICENCE and line.coded_by is None
    assert LearnEvent.objects.filter(line=line).exists()
    assert AuditEvent.objects.filter(company=company, action="coding.auto").count() == 1
    # and with touchless coding off, the same line waits for a person
    services.update_settings(company, accountant, mode=TouchlessMode.OFF)
    queued = add(company, purchase("Lisens Office 365"))
    assert queued.state == LineState.QUEUED and queued.account == "6553"
    assert queued.confidence >= max(measured[t]["threshold"] for t in LICENCE)


def test_an_automatic_coding_can_be_corrected(company, accountant, add) -> None:
    services.update_settings(company, accountant, mode=TouchlessMode.FIXED, fixed_threshold="0.01")
    services.confirm_line(add(company, purchase()), accountant)  # history for department and project
    line = add(company, purchase())
    assert line.state == LineState.AUTO
    corrected = services.confirm_line(line, accountant, {"account": "6551"})
    assert corrected.state == LineState.CORRECTED and corrected.coded_by == accountant
    assert AuditEvent.objects.filter(company=company, action="coding.corrected").exists()


# ------------------------------------------------------------------------------ tenancy


def test_a_companys_model_never_sees_another_companys_lines(make_company, user_factory, add, history) -> None:
    from fakturaflyt.companies.roles import Role
    from fakturaflyt.companies.services import add_member

    a = make_company("924753811", "Alfa AS")
    b = make_company("923609016", "Beta AS")
    ua, ub = user_factory("a@alfa.test"), user_factory("b@beta.test")
    add_member(None, a, ua, Role.ACCOUNTANT)
    add_member(None, b, ub, Role.ACCOUNTANT)
    # the same supplier org.nr and text in both, coded differently
    history(a, ua, 3, {"account": "6551", "vat_code": "1", "department": "", "project": ""})
    history(b, ub, 3, {"account": "6540", "vat_code": "1", "department": "", "project": ""})
    for company, expected in ((a, "6551"), (b, "6540")):
        engine.forget()
        suggestion = services.suggest(company, purchase())["account"]
        assert suggestion.label == expected
        assert all(r.total <= 3 for r in suggestion.reasons)  # only its own three lines are evidence
        assert engine.model_for(company).learned == 3
