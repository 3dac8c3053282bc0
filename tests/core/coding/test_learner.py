"""The coding engine's core: learning from corrections, reasons, recency, cold start, calibration."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from fakturaflyt.core.coding.features import PurchaseLine, evidence
from fakturaflyt.core.coding.learner import Calibrator, TargetLearner
from fakturaflyt.core.coding.model import CodingModel
from fakturaflyt.core.coding.rules import CodingRule

CHART = {
    "6300": "Leie lokale",
    "6340": "Lys, varme",
    "6551": "Datautstyr (hardware)",
    "6553": "Programvare lisenser og vedlikehold",
    "6600": "Reparasjon og vedlikehold bygninger",
    "6800": "Kontorrekvisita",
    "6900": "Elektronisk kommunikasjon",
    "7140": "Reisekostnad, ikke oppgavepliktig",
}


def line(supplier="Elkjøp Norge AS", text="Lisens Microsoft 365", amount="1490.00", day=date(2026, 3, 2), **kw):
    orgnr = kw.pop("orgnr", "911111111" if supplier == "Elkjøp Norge AS" else "")
    return PurchaseLine(
        date=day,
        supplier_id=orgnr,
        supplier_name=supplier,
        description=text,
        amount=Decimal(amount),
        currency="NOK",
        **kw,
    )


def test_a_correction_changes_the_next_suggestion_for_the_same_supplier_and_text_at_once():
    model = CodingModel(chart=CHART)
    first = line()
    assert model.suggest(first)["account"].label == "6553"  # cold start: "lisens" → software
    model.learn(first, {"account": "6551", "vat_code": "1"})
    again = line(day=date(2026, 3, 3))
    suggestion = model.suggest(again)["account"]
    assert suggestion.label == "6551"
    assert model.suggest(again)["vat_code"].label == "1"


def test_confidence_grows_with_consistent_history_and_reasons_name_the_evidence():
    model = CodingModel(chart=CHART)
    for i in range(14):
        model.learn(line(day=date(2026, 1, 1) + timedelta(days=i)), {"account": "6551"})
    model.learn(line(text="Skjermkabel", day=date(2026, 1, 20)), {"account": "6800"})
    suggestion = model.suggest(line(day=date(2026, 2, 1)))["account"]
    assert suggestion.label == "6551"
    assert suggestion.confidence > 0.8
    kinds = {r.kind: r for r in suggestion.reasons}
    supplier = next(r for r in suggestion.reasons if r.kind.startswith("supplier"))
    assert supplier.label == "6551"
    assert supplier.count >= 14 and supplier.total >= 14
    assert supplier.last_day == date(2026, 1, 14) or supplier.last_day == date(2026, 1, 20)
    assert "911111111" in supplier.key  # the supplier's org.nr is the evidence key
    assert kinds  # at most three reasons, strongest first
    assert len(suggestion.reasons) <= 3
    assert [r.weight for r in suggestion.reasons] == sorted((r.weight for r in suggestion.reasons), reverse=True)


def test_a_reorganisation_is_learnt_within_days():
    """Recent codings count more: after months of 6300, three corrections to 6310 win."""
    learner = TargetLearner("account")
    start = date(2026, 1, 1)
    for i in range(60):
        learner.learn(
            line(supplier="Gårdeier AS", orgnr="922222222", text="Husleie", day=start + timedelta(days=i)), "6300"
        )
    new_day = start + timedelta(days=70)
    for i in range(3):
        learner.learn(
            line(supplier="Gårdeier AS", orgnr="922222222", text="Husleie", day=new_day + timedelta(days=i)), "6310"
        )
    guess = learner.predict(
        line(supplier="Gårdeier AS", orgnr="922222222", text="Husleie", day=new_day + timedelta(days=4))
    )
    assert guess is not None and guess.label == "6310"


def test_cold_start_uses_rules_standard_keywords_chart_names_and_vat_rate():
    rules = [
        CodingRule("supplier", "933333333", "account", "6900"),
        CodingRule("supplier", "933333333", "department", "20"),
        CodingRule("keyword", "husleie", "account", "6300"),
    ]
    model = CodingModel(rules=rules, chart=CHART)
    telenor = PurchaseLine(supplier_id="933333333", supplier_name="Telenor Norge AS", description="Mobilabonnement")
    suggestions = model.suggest(telenor)
    assert suggestions["account"].label == "6900"
    assert suggestions["department"].label == "20"
    assert suggestions["account"].reasons[0].kind == "rule"
    assert model.suggest(PurchaseLine(description="Husleie januar"))["account"].label == "6300"
    assert model.suggest(PurchaseLine(description="Reparasjon av tak"))["account"].label == "6600"  # chart name
    vat = model.suggest(PurchaseLine(description="Lunsj", vat_rate=Decimal("15")))["vat_code"]
    assert vat.label == "11"
    assert model.suggest(PurchaseLine(description="ukjent")) == {}  # nothing to go on: no guess


def test_rules_lose_to_consistent_corrections():
    model = CodingModel(rules=[CodingRule("keyword", "husleie", "account", "6300")], chart=CHART)
    for i in range(8):
        model.learn(
            line(
                supplier="Parkering AS",
                orgnr="944444444",
                text="Husleie garasje",
                day=date(2026, 1, 1) + timedelta(days=i),
            ),
            {"account": "6340"},
        )
    guess = model.suggest(
        line(supplier="Parkering AS", orgnr="944444444", text="Husleie garasje", day=date(2026, 1, 12))
    )
    assert guess["account"].label == "6340"


def test_empty_label_is_learnt_as_no_department():
    model = CodingModel(chart=CHART)
    for i in range(5):
        model.learn(line(day=date(2026, 1, 1) + timedelta(days=i)), {"account": "6551", "department": ""})
    assert model.suggest(line(day=date(2026, 1, 9)))["department"].label == ""


def test_state_round_trip_keeps_weights_and_calibration():
    learner = TargetLearner("account")
    for i in range(50):
        learner.learn(line(day=date(2026, 1, 1) + timedelta(days=i)), "6551")
    other = TargetLearner("account")
    other.load(learner.state())
    assert other.weights == learner.weights
    assert other.calibrator.hits == learner.calibrator.hits


def test_features_cover_the_issue_list():
    kinds = {
        kind
        for kind, _ in evidence(
            PurchaseLine(
                date=date(2026, 5, 4),
                supplier_id="911111111",
                supplier_name="Elkjøp Norge AS",
                description="Lisens",
                invoice_text="Prosjekt Alfa",
                amount=Decimal("100"),
                currency="EUR",
                buyer="kari",
                po_ref="PO-17",
                project_ref="ALFA",
                vat_rate=Decimal("25"),
                extra=(("category", "Software"),),
            )
        )
    }
    assert {
        "supplier",
        "supplier+amount",
        "supplier+bucket",
        "supplier+buyer",
        "supplier+text",
        "chain",
        "word",
        "gram",
        "buyer",
        "po",
        "project",
        "vat_rate",
        "currency",
        "month",
        "weekday",
        "extra",
    } <= kinds
    assert ("chain", "argos") in set(evidence(PurchaseLine(supplier_name="www.argos.co.uk")))


@pytest.mark.parametrize(
    "hostile",
    [
        PurchaseLine(),
        PurchaseLine(supplier_name="\x00\u202e" * 500, description="𝔘𝔫𝔦𝔠𝔬𝔡𝔢 " * 1000),
        PurchaseLine(amount=Decimal("-0"), description="   "),
        PurchaseLine(amount=Decimal("1E+30"), supplier_name="A"),
    ],
)
def test_odd_lines_never_crash(hostile):
    model = CodingModel(chart=CHART)
    model.suggest(hostile)
    model.learn(hostile, {"account": "6800"})
    assert model.suggest(hostile)["account"].label == "6800"


def _synthetic(n: int, seed: int = 7) -> list[tuple[PurchaseLine, str]]:
    """Lines from 40 suppliers whose accounts follow known noisy distributions."""
    rnd = random.Random(seed)
    accounts = ["6300", "6340", "6551", "6553", "6800", "6900", "7140", "6600"]
    suppliers = []
    for s in range(40):
        main = rnd.choice(accounts)
        purity = rnd.choice([0.55, 0.75, 0.9, 0.98, 1.0])
        suppliers.append((f"Leverandør {s:02d} AS", f"9{s:08d}", main, purity))
    rows = []
    day = date(2026, 1, 1)
    for i in range(n):
        name, orgnr, main, purity = rnd.choice(suppliers)
        label = main if rnd.random() < purity else rnd.choice(accounts)
        rows.append(
            (
                PurchaseLine(
                    date=day + timedelta(days=i // 20),
                    supplier_id=orgnr,
                    supplier_name=name,
                    amount=Decimal(rnd.randint(100, 5000)),
                    buyer=rnd.choice(["ola", "kari", "per"]),
                ),
                label,
            )
        )
    return rows


def _calibration_gaps(pairs, train: int) -> list[tuple[int, int, float]]:
    """Learn the first ``train`` lines; on the rest, each confidence is stated before the line's label is
    revealed (test, then learn): per confidence decile, rows and the gap between accuracy and mean confidence."""
    learner = TargetLearner("label")
    for line_, label in pairs[:train]:
        learner.learn(line_, label)
    buckets: dict[int, list[float]] = {}
    for line_, label in pairs[train:]:
        s = learner.predict(line_, explain=False)
        assert s is not None
        b = buckets.setdefault(min(9, int(s.confidence * 10)), [0, 0, 0.0])
        b[0] += 1
        b[1] += int(s.label == label)
        b[2] += s.confidence
        learner.learn(line_, label, predicted=s)
    return [(k, int(n), (right - conf) / n) for k, (n, right, conf) in sorted(buckets.items())]


def test_calibration_on_held_back_data_is_within_five_points_per_bucket():
    # "Enough rows": 500 or more, so that sampling noise alone stays near two points.
    gaps = [g for g in _calibration_gaps(_synthetic(16000), 6000) if g[1] >= 500]
    assert len(gaps) >= 3
    assert all(abs(gap) <= 0.05 for _, _, gap in gaps), gaps


@pytest.mark.parametrize("label", ["account", "cost_centre"])
def test_calibration_on_the_public_card_year(corpus, label):
    from fakturaflyt.core.coding.evaluate import line_from_row, read_rows

    rows = read_rows((corpus / "coding" / "birmingham_pcard_2016-12_2017-11.csv").read_bytes(), label, ["card"])
    pairs = [(line_from_row(r, ["card"]), r[label]) for r in rows[:14000] if r[label]]
    gaps = [g for g in _calibration_gaps(pairs, 7000) if g[1] >= 500]
    assert gaps
    assert all(abs(gap) <= 0.05 for _, _, gap in gaps), gaps


def test_calibrator_is_monotone():
    c = Calibrator()
    rnd = random.Random(1)
    for _ in range(5000):
        p = rnd.random()
        c.update(p, rnd.random() < p * 0.8)
    curve = c.curve()
    assert curve == sorted(curve)
    assert abs(c(0.9) - 0.72) < 0.08
