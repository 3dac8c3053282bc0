"""Handover to collection: only after the inkassovarsel's deadline, once, with a documented JSON/CSV export."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest

from fakturaflyt.dunning import collection, services
from fakturaflyt.dunning.error_codes import DunningError
from fakturaflyt.dunning.models import CollectionCase, DunningNotice, DunningSettings
from fakturaflyt.payables.downloads import stored_bytes

from .conftest import DUE

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def overdue(dun):
    """An invoice walked through reminder (day 7), fee reminder (14) and inkassovarsel (28)."""
    DunningSettings.objects.create(company=dun.company, agency_name="Inkasso AS", agency_email="saker@inkasso.test")
    inv = dun.invoice("2000")
    for n in (7, 14, 28):
        services.run(dun.company, DUE + timedelta(days=n), dun.user)
    return inv


def test_handover_refused_before_the_deadline_and_without_inkassovarsel(dun, overdue) -> None:
    varsel = DunningNotice.objects.get(invoice=overdue, step="inkassovarsel")
    with pytest.raises(DunningError) as exc:
        collection.hand_over(overdue, dun.user, on=varsel.deadline)
    assert exc.value.code == "FF-DUN-NOT-READY"
    fresh = dun.invoice("500")
    with pytest.raises(DunningError):
        collection.hand_over(fresh, dun.user, on=DUE + timedelta(days=90))
    assert not CollectionCase.objects.exists()


def test_handover_exports_the_case_and_ends_dunning(dun, overdue) -> None:
    varsel = DunningNotice.objects.get(invoice=overdue, step="inkassovarsel")
    day = varsel.deadline + timedelta(days=1)
    assert [i.pk for i in collection.ready_cases(dun.company, day)] == [overdue.pk]
    case = collection.hand_over(overdue, dun.user, on=day)
    assert case.status == "sent_to_collection" and case.agency_name == "Inkasso AS"
    data = json.loads(stored_bytes(case.export_json))
    row = data["cases"][0]
    notices = DunningNotice.objects.filter(invoice=overdue).order_by("sent_on")
    assert row["creditor_orgnr"] == dun.company.orgnr
    assert row["debtor_name"] == "Kunde AS" and row["debtor_orgnr"] == "974760673"
    assert row["debtor_email"] == "faktura@kunde.no" and row["debtor_city"] == "Bergen"
    assert row["invoice_number"] == overdue.number and row["kid"] == overdue.kid
    assert row["due_date"] == DUE.isoformat()
    assert D(row["principal"]) == D("2000.00")
    assert D(row["fees"]) == sum(n.fee for n in notices) == D("75.00")  # two fees of 37.50
    assert D(row["interest"]) == sum(n.interest for n in notices)
    assert D(row["interest_to_date"]) > 0
    assert D(row["total"]) == D(row["principal"]) + D(row["fees"]) + D(row["interest"]) + D(row["interest_to_date"])
    assert [(n["step"], n["sent_on"]) for n in row["notices"]] == [(n.step, n.sent_on.isoformat()) for n in notices]
    rows = list(csv.DictReader(io.StringIO(stored_bytes(case.export_csv).decode()), delimiter=";"))
    assert tuple(rows[0]) == collection.COLUMNS
    assert rows[0]["notices"] == "|".join(f"{n.step}:{n.sent_on.isoformat()}" for n in notices)
    # once only, and the run leaves it alone afterwards
    with pytest.raises(DunningError) as exc:
        collection.hand_over(overdue, dun.user, on=day)
    assert exc.value.code == "FF-DUN-ALREADY-HANDED-OVER"
    later = services.preview(dun.company, day + timedelta(days=5))
    assert later.notices == [] and later.ready_for_collection == []
    batch = json.loads(collection.collection_export(dun.company, [case]))
    assert batch["cases"][0]["invoice_number"] == overdue.number
