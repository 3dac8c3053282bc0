"""Seed the dated tables the dunning rules read: the inkassosats (with the fee fraction) and the forsinkelsesrente.

Only figures we could check against a published source are seeded (each row names it);
missing half-years are left out on purpose, so that late-payment interest over them is refused
with a clear message (``FF-DUN-NO-INTEREST-RATE``) instead of computed from a guess. The
accountant adds each new half-year's rate in the admin (Reminders and collection → Late-payment
interest rates) when the Finance Ministry publishes it.

Reminder fee: inkassoforskriften § 1-2 allowed 1/10 of the inkassosats until 30 September
2020; the amendment in force 1 October 2020 halved the fee (70 → 35 kroner, i.e. 1/20 of 700).
The 2026 row takes the inkassosats DESIGN.md section 4 states (750; not verified against a
published source) with the fraction in force since the 2020 amendment (1/20): at most 37.50
kroner. DESIGN.md's "1/10 (at most 75)" predates that amendment; a fee of 37.50 is within both.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import migrations

FEE_RATES = [
    (date(2015, 1, 1), "650", "0.1", "opas.no 2015: purregebyr 1/10 av inkassosatsen, kr 650 pr. 01.01.15"),
    (date(2016, 1, 1), "670", "0.1", "faktura.no: inkassosatsen 670 fra 01.01.2016, purregebyr 67"),
    (date(2017, 1, 1), "700", "0.1", "advokat.asker.no / sticos.no: inkassosats 700 fra 01.01.2017 (også 2018)"),
    (
        date(2020, 10, 1),
        "700",
        "0.05",
        "regjeringen.no pressemelding 2020 «Regjeringen halverer inkassosalærer»: purregebyr 70 → 35 fra 01.10.2020",
    ),
    (date(2025, 1, 1), "700", "0.05", "kred.no «Nye satser fra 1. januar 2025» (Finanstilsynet): inkassosats 700, purring 35"),
    (
        date(2026, 1, 1),
        "750",
        "0.05",
        "inkassosats 750 from DESIGN.md section 4 (not verified); fee 1/20 as in force since 01.10.2020",
    ),
]

INTEREST_RATES = [
    (date(2022, 1, 1), date(2022, 6, 30), "8.50", "community.visma.com: 9,25 % fra 01.07.2022 «opp fra 8,50 %»"),
    (date(2022, 7, 1), date(2022, 12, 31), "9.25", "FOR-2022-06-24-1178 (lovdata), revisjonskompaniet.no"),
    (date(2023, 1, 1), date(2023, 6, 30), "10.75", "regnskapnorge.no: 10,75 % fra 1. januar 2023"),
    (date(2024, 1, 1), date(2024, 6, 30), "12.50", "regjeringen.no: forsinkelsesrente fra 1. januar 2024, 12,5 %"),
    (date(2025, 1, 1), date(2025, 6, 30), "12.50", "FOR-2024-12-19-3279 (lovdata): 12,5 % fra 01.01.2025"),
    (date(2026, 1, 1), None, "12.00", "DESIGN.md section 4: 12,00 % for 1st half 2026 (open end until the next is entered)"),
]


def seed(apps, schema_editor):
    ReminderFeeRate = apps.get_model("dunning", "ReminderFeeRate")
    LateInterestRate = apps.get_model("dunning", "LateInterestRate")
    for valid_from, sats, fraction, source in FEE_RATES:
        ReminderFeeRate.objects.get_or_create(
            valid_from=valid_from,
            defaults={"inkassosats": Decimal(sats), "fee_fraction": Decimal(fraction), "source": source},
        )
    for valid_from, valid_to, rate, source in INTEREST_RATES:
        LateInterestRate.objects.get_or_create(
            valid_from=valid_from, defaults={"valid_to": valid_to, "rate": Decimal(rate), "source": source}
        )


def unseed(apps, schema_editor):
    apps.get_model("dunning", "ReminderFeeRate").objects.filter(valid_from__in=[r[0] for r in FEE_RATES]).delete()
    apps.get_model("dunning", "LateInterestRate").objects.filter(
        valid_from__in=[r[0] for r in INTEREST_RATES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("dunning", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
