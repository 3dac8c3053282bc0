"""The real Amazon consumer exports of the corpus, charged per shipment: matched in the card app.

A card statement is made from the corpus file itself: one charge per shipment (the rows that
share order and shipment), for the shipment's total, on its ship date. Consumer exports carry
no payment reference, so every charge must be found by amount and date. Each must come out
matched to exactly its shipment's rows, split to the øre, and importing both files again must
add nothing. (The corpus files are small: one to a handful of shipments each.)
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.cards.conftest import charge, statement

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    [
        "consumer_Retail.OrderHistory.1_karlmdavis_fixture.csv",
        "consumer_Retail.OrderHistory.1_karlmdavis_fixture_erica.csv",
        "consumer_items_style_sample_orders_karlmdavis.csv",  # 10 shipments
    ],
)
def test_corpus_shipments_charged_one_by_one_are_matched_and_split_exactly(cards_company, amazon_corpus, name):
    from fakturaflyt.cards.models import CardCharge
    from fakturaflyt.core.cards import read_orders
    from fakturaflyt.core.cards.split import group_lines

    data = (amazon_corpus / name).read_bytes()
    groups = [g for g in group_lines(read_orders(data)) if g.total > 0 and g.day is not None]
    assert groups, "the corpus file has shipments"
    # distinct amounts only: two shipments of the same amount in the window are ambiguous by design
    seen: set[tuple[str, Decimal]] = set()
    unique = []
    for g in groups:
        if (g.currency, g.total) not in seen:
            seen.add((g.currency, g.total))
            unique.append(g)
    rows = [
        charge(f"CORPUS-{n}", "AMAZON.COM AMZN.COM/BILL", f"{g.total:.2f}", currency=g.currency, day=g.day.isoformat())
        for n, g in enumerate(unique, start=1)
    ]
    cards_company.import_file(data, filename=name)
    cards_company.import_file(statement(*rows), filename="statement.csv")

    for n, g in enumerate(unique, start=1):
        c = CardCharge.objects.get(company=cards_company.company, external_id=f"CORPUS-{n}")
        assert c.status == "matched", (g.key, c.status, c.match_note)
        lines = list(c.lines.select_related("order_line"))
        assert sum(ln.total for ln in lines) == c.amount  # to the øre
        assert {ln.order_line.order_id for ln in lines} == {g.order_id}
        assert len(lines) == len(g.lines)

    again = [cards_company.import_file(data, filename=name), cards_company.import_file(statement(*rows))]
    assert [r.added for r in again] == [0, 0]
