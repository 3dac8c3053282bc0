"""The per-process model cache: the learning log replayed, kept in step cheaply, rules reloaded, refit, rebuilt."""

from __future__ import annotations

import pytest
from django.db import transaction

from fakturaflyt.coding import engine, services
from fakturaflyt.coding.models import LearnEvent, ModelSnapshot
from fakturaflyt.core.coding.rules import CodingRule as CoreRule
from tests.coding.conftest import purchase

pytestmark = pytest.mark.django_db

CODING = {"account": "6551", "vat_code": "1", "department": "", "project": ""}


def test_an_up_to_date_model_costs_one_query(company, accountant, history, django_assert_num_queries) -> None:
    history(company, accountant, 2, CODING)
    engine.model_for(company)
    with django_assert_num_queries(1):
        model = engine.model_for(company)
    assert model.learned == 2


def test_events_written_by_another_process_are_learnt_on_the_next_call(company, accountant, add) -> None:
    line = add(company, purchase())
    model = engine.model_for(company)
    assert model.suggest(purchase())["account"].label == "6553"
    # another worker confirmed the line: its event is in the database, this process never saw it
    LearnEvent.objects.create(company=company, line=line, coding=CODING, suggested={})
    assert engine.model_for(company).suggest(purchase())["account"].label == "6551"
    assert engine.cached_event_id(company) == LearnEvent.objects.get().pk


def test_a_fresh_process_replays_the_log(company, accountant, history) -> None:
    history(company, accountant, 3, CODING)
    before = services.suggest(company, purchase())["account"]
    engine.forget(company)
    after = services.suggest(company, purchase())["account"]
    assert (after.label, after.confidence) == (before.label, before.confidence)


def test_rules_are_reloaded_when_they_change(company, accountant) -> None:
    line = purchase("Husleie desember")
    assert services.suggest(company, line)["account"].label == "6300"  # the standard keyword
    rule = services.add_rule(company, accountant, kind="keyword", keyword="husleie", account="6340")
    assert services.suggest(company, line)["account"].label == "6340"
    rule.account = "6360"
    rule.save()  # an edit, as in the admin
    suggestion = services.suggest(company, line)["account"]
    assert suggestion.label == "6360"
    assert any(r.kind == "rule" and r.key == "husleie" for r in suggestion.reasons)
    services.delete_rule(rule, accountant)
    assert services.suggest(company, line)["account"].label == "6300"


def test_supplier_rules_match_by_name_and_org_number(company, accountant, supplier_of) -> None:
    telenor = supplier_of(company, "Telenor Norge AS", "976967631")
    services.add_rule(company, accountant, kind="supplier", supplier=telenor, account="6900", department="")
    rules = engine.core_rules(company.pk)
    assert rules == [
        CoreRule("supplier", "Telenor Norge AS", "account", "6900"),
        CoreRule("supplier", "976967631", "account", "6900"),
    ]
    by_orgnr = purchase("Faktura 2211", supplier=telenor)
    suggestion = services.suggest(company, by_orgnr)["account"]
    assert suggestion.label == "6900" and suggestion.reasons[0].kind == "rule"


def test_refit_saves_a_snapshot_that_a_fresh_process_loads(company, accountant, history) -> None:
    history(company, accountant, 5, CODING)
    snapshot = engine.refit(company)
    assert snapshot.last_event_id == LearnEvent.objects.latest("pk").pk and snapshot.refitted_at is not None
    refitted = engine.model_for(company).suggest(purchase())["account"]
    engine.forget(company)
    loaded = engine.model_for(company)
    assert loaded.state() == ModelSnapshot.objects.get(company=company).state
    again = loaded.suggest(purchase())["account"]
    assert (again.label, again.confidence) == (refitted.label, refitted.confidence)


def test_a_rolled_back_confirmation_is_not_kept_in_the_model(company, accountant, add) -> None:
    line = add(company, purchase())
    with pytest.raises(RuntimeError), transaction.atomic():
        services.confirm_line(line, accountant, {"account": "6551"})
        raise RuntimeError("the caller's transaction fails after the confirmation")
    assert not LearnEvent.objects.exists()
    assert services.suggest(company, purchase())["account"].label == "6553"


def test_deleted_events_make_the_model_rebuild(company, accountant, history) -> None:
    history(company, accountant, 2, CODING)
    assert engine.model_for(company).learned == 2
    LearnEvent.objects.filter(pk=LearnEvent.objects.latest("pk").pk).delete()
    assert engine.model_for(company).learned == 1


def test_the_chart_holds_the_companys_active_expense_accounts(company) -> None:
    from fakturaflyt.ledger.models import Account

    chart = engine.chart(company.pk)
    assert chart["6551"] == "Datautstyr" and "1920" not in chart and "3000" not in chart
    Account.objects.filter(company=company, number="6551").update(is_active=False)
    assert "6551" not in engine.chart(company.pk)
