"""Card charges waiting per status, and the pure helpers' doctests (months, percentile, JSON)."""

from __future__ import annotations

import doctest
from decimal import Decimal

import pytest

from fakturaflyt.dashboards import cards, periods, serialize, svg

from .builders import charge


def test_doctests_of_the_pure_helpers():
    for module in (periods, serialize, svg):
        result = doctest.testmod(module)
        assert result.failed == 0 and result.attempted > 0, module.__name__


def test_percentile_is_nearest_rank():
    values = [Decimal(v) for v in ("0.5", "2", "4", "1", "10")]
    assert periods.percentile(values, 90) == Decimal("10.0")
    assert periods.percentile(values, 50) == Decimal("2.0")
    assert periods.percentile(values[:1], 90) == Decimal("0.5")
    assert periods.percentile([], 90) is None


@pytest.mark.django_db
def test_charges_waiting_per_status(world):
    a = world.a
    charge(a, "matched", "100.00")
    charge(a, "matched", "50.50")
    charge(a, "ambiguous", "20.00", currency="EUR", amount_nok="230.00")
    charge(a, "unmatched", "10.00", currency="USD")  # no NOK amount: counted, not summed
    charge(a, "posted", "999.00")
    charge(a, "ignored", "999.00")
    charge(world.b, "matched", "999.00")
    result = cards.charges_waiting(a)
    assert [(r.status, r.count, r.amount, r.without_nok) for r in result.rows] == [
        ("matched", 2, Decimal("150.50"), 0),
        ("ambiguous", 1, Decimal("230.00"), 0),
        ("unmatched", 1, Decimal("0.00"), 1),
    ]
    assert (result.count, result.amount) == (4, Decimal("380.50"))
    assert result.rows[0].url == "/cards/?status=matched"
    assert result.url == "/cards/?status=open"
