"""Posting accepted card charges: VAT per line, reverse charge and import VAT, currency difference, refunds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.cards.conftest import business_report, charge, item, statement

pytestmark = pytest.mark.django_db

D = Decimal


def _summary(voucher) -> dict[str, Decimal]:
    """Account -> debit minus credit over the voucher's postings."""
    out: dict[str, Decimal] = {}
    for p in voucher.postings.select_related("account"):
        out[p.account.number] = out.get(p.account.number, D(0)) + p.debit - p.credit
    return out


def _balanced(voucher) -> None:
    postings = list(voucher.postings.all())
    assert sum(p.debit for p in postings) == sum(p.credit for p in postings)


def _domestic_charge(cards) -> object:
    """A NOK charge at a Norwegian shop split by hand over three items at 25 %, 15 % and 12 %."""
    from fakturaflyt.cards import importer, services
    from fakturaflyt.cards.models import CardCharge, CardImport
    from fakturaflyt.core.cards.orders import OrderLine
    from fakturaflyt.payables import storage

    cards.import_file(statement(charge("D1", "NORSK NETTBUTIKK AS", "460.00", currency="NOK", holder="Per Hansen")))
    c = CardCharge.objects.get(external_id="D1")
    imp = CardImport.objects.create(company=cards.company, file=storage.store(b"norshop", filename="n.csv"))
    rows = []
    for n, (title, net, vat) in enumerate(
        (("Kontorstol", "200.00", "50.00"), ("Kaffe", "100.00", "15.00"), ("Busskort", "84.82", "10.18")), start=1
    ):
        line = OrderLine("N-1", title, D(net), D(vat), currency="NOK", source_row=n, order_date=date(2026, 3, 2))
        row = importer.from_order_line(cards.company, imp, "norshop", f"k{n}", line)
        row.save()
        rows.append(row)
    return services.split_charge(c, rows, cards.user, method="manual")


def _code_all(cards, c, account: str = "6540", department: str = "100") -> None:
    from fakturaflyt.cards import services

    for ln in c.lines.order_by("line_no"):
        services.code_line(ln, cards.user, {"account": account, "department": department, "project": ""})


def test_three_rate_domestic_charge(cards_company):
    from fakturaflyt.cards import services

    c = _domestic_charge(cards_company)
    assert [ln.coding_line.vat_code for ln in c.lines.order_by("line_no")] == ["1", "11", "13"]
    assert sum(ln.total for ln in c.lines.all()) == D("460.00")
    _code_all(cards_company, c)
    posted = services.accept(c, cards_company.user)
    assert posted.status == "posted" and posted.voucher is not None
    v = posted.voucher
    assert v.series.code == "CARD" and v.source == "card" and v.source_ref == str(c.pk)
    assert v.date == date(2026, 3, 2) and v.description.startswith("Kortkjøp NORSK NETTBUTIKK AS Per Hansen")
    _balanced(v)
    s = _summary(v)
    assert s["6540"] == D("384.82")
    assert (s["2710"], s["2711"], s["2713"]) == (D("50.00"), D("15.00"), D("10.18"))
    assert s["2990"] == D("-460.00")
    # idempotent: a posted charge is refused
    with pytest.raises(services.CardError) as err:
        services.accept(posted, cards_company.user)
    assert err.value.problems[0].code == "FF-CARD-STATE"


def test_eur_amazon_charge_reverse_charge_import_vat_and_currency_difference(cards_company):
    from fakturaflyt.cards import services
    from fakturaflyt.cards.models import CardCharge
    from fakturaflyt.ledger.models import ExchangeRate

    ExchangeRate.objects.create(currency="EUR", day=date(2026, 3, 2), rate=D("11.500000"))
    cards_company.import_file(
        business_report(
            # goods with German VAT charged (not deductible) and shipping: import VAT self-assessed (81)
            item(
                "306-1",
                "Logitech MX Keys keyboard",
                subtotal="80.00",
                tax="15.20",
                shipping="4.80",
                payment_ref="EURREF001",
            ),
            # a software download: services from abroad, reverse charge (86)
            item("306-1", "Antivirus 1 year", subtotal="20.00", payment_ref="EURREF001", category="Software Download"),
        )
    )
    cards_company.import_file(statement(charge("E1", "AMZN MKTP DE*EURREF001", "120.00", amount_nok="1400.00")))
    c = CardCharge.objects.get(external_id="E1")
    lines = list(c.lines.order_by("line_no"))
    assert [ln.coding_line.vat_code for ln in lines] == ["81", "86"]
    assert sum(ln.total for ln in lines) == D("120.00")
    assert [ln.shipping_share for ln in lines] == [D("3.84"), D("0.96")]  # 4.80 pro rata by net 80:20
    assert sum(ln.total_nok for ln in lines) == D("1380.00")  # 120 EUR at 11.50
    _code_all(cards_company, c, account="6551")
    posted = services.accept(c, cards_company.user)
    v = posted.voucher
    _balanced(v)
    s = _summary(v)
    # expense: everything charged at the reference rate (foreign VAT is a cost)
    assert s["6551"] == D("1380.00")
    # keyboard: base (80 + 3.84) EUR = 964.16 NOK, 25 % = 241.04 both ways
    assert (s["2715"], s["2705"]) == (D("241.04"), D("-241.04"))
    # antivirus: base (20 + 0.96) EUR = 241.04 NOK, 25 % = 60.26 both ways
    assert (s["2714"], s["2704"]) == (D("60.26"), D("-60.26"))
    assert s["8160"] == D("20.00")  # paid 1400 NOK for 1380 NOK worth: currency loss
    assert s["2990"] == D("-1400.00")
    expense = v.postings.filter(account__number="6551").order_by("line").first()
    assert expense.currency == "EUR" and expense.currency_amount == D("99.04")  # 80 + 15.20 + 3.84 EUR


def test_currency_gain_when_paid_less(cards_company):
    from fakturaflyt.cards import posting, services
    from fakturaflyt.cards.models import CardCharge
    from fakturaflyt.ledger.models import ExchangeRate

    ExchangeRate.objects.create(currency="EUR", day=date(2026, 2, 27), rate=D("11.000000"))
    cards_company.import_file(business_report(item("307-1", "Desk mat", subtotal="10.00", payment_ref="GAINREF01")))
    cards_company.import_file(statement(charge("G1", "AMZN MKTP DE*GAINREF01", "10.00", amount_nok="105.00")))
    c = CardCharge.objects.get(external_id="G1")
    _code_all(cards_company, c)
    by_account: dict[str, D] = {}
    for ln in posting.voucher_lines(c):
        by_account[ln.account] = by_account.get(ln.account, D(0)) + ln.debit - ln.credit
    assert by_account["8060"] == D("-5.00") and by_account["2990"] == D("-105.00")
    assert sum(by_account.values()) == 0
    services.accept(c, cards_company.user)


def test_shop_charging_nok_for_an_order_in_eur_books_the_currency_difference(cards_company):
    """Amazon's currency converter: the order is priced in EUR, the card charged NOK. The items are
    valued at Norges Bank's EUR rate of the card date; what the card charged beyond that is a loss."""
    from fakturaflyt.cards import posting, services
    from fakturaflyt.cards.models import CardCharge
    from fakturaflyt.ledger.models import ExchangeRate

    ExchangeRate.objects.create(currency="EUR", day=date(2026, 3, 2), rate=D("11.500000"))
    cards_company.import_file(
        business_report(
            item("308-1", "USB-C dock", subtotal="60.00", payment_ref="NOKCONV01"),
            item("308-1", "HDMI cable", subtotal="40.00", payment_ref="NOKCONV01"),
        )
    )
    cards_company.import_file(statement(charge("N1", "AMZN MKTP DE*NOKCONV01", "1190.00", currency="NOK")))
    c = CardCharge.objects.get(external_id="N1")
    assert c.status == "matched"
    lines = list(c.lines.order_by("line_no"))
    assert [ln.total for ln in lines] == [D("714.00"), D("476.00")]  # the NOK charged, pro rata
    assert [ln.total_nok for ln in lines] == [D("690.00"), D("460.00")]  # 60 and 40 EUR at 11.50
    _code_all(cards_company, c)
    by_account: dict[str, D] = {}
    for ln in posting.voucher_lines(c):
        by_account[ln.account] = by_account.get(ln.account, D(0)) + ln.debit - ln.credit
    assert by_account["8160"] == D("40.00") and by_account["2990"] == D("-1190.00")
    assert sum(by_account.values()) == 0
    _balanced(services.accept(c, cards_company.user).voucher)


def test_refund_posts_the_mirror(cards_company):
    from fakturaflyt.cards import services
    from fakturaflyt.cards.models import CardCharge

    cards_company.import_file(statement(charge("R1", "CLAS OHLSON OSLO", "-249.00", currency="NOK")))
    c = CardCharge.objects.get(external_id="R1")
    assert c.status == "matched" and c.lines.get().total == D("-249.00")
    (line,) = c.lines.all()
    services.code_line(line, cards_company.user, {"account": "6540", "vat_code": "1", "department": "", "project": ""})
    v = services.accept(c, cards_company.user).voucher
    _balanced(v)
    s = _summary(v)
    assert (s["6540"], s["2710"], s["2990"]) == (D("-199.20"), D("-49.80"), D("249.00"))


def test_not_coded_line_is_named(cards_company):
    from fakturaflyt.cards import services
    from fakturaflyt.cards.models import CardCharge
    from fakturaflyt.coding.models import CodingLine

    cards_company.import_file(statement(charge("X1", "UKJENT BUTIKK", "80.00", currency="NOK")))
    c = CardCharge.objects.get(external_id="X1")
    line = c.lines.get()
    CodingLine.objects.filter(pk=line.coding_line_id).update(account="", suggestion={})
    with pytest.raises(services.CardError) as err:
        services.accept(c, cards_company.user)
    problem = err.value.problems[0]
    assert problem.code == "FF-CARD-NOT-CODED" and "UKJENT BUTIKK" in problem.message and problem.location == "line 1"
    c.refresh_from_db()
    assert c.status == "matched" and c.voucher is None


def test_foreign_charge_without_nok_or_rate_is_refused(cards_company):
    from fakturaflyt.cards import services
    from fakturaflyt.cards.models import CardCharge

    cards_company.import_file(statement(charge("U1", "STEAM PURCHASE", "12.00", currency="USD")))
    c = CardCharge.objects.get(external_id="U1")
    line = c.lines.get()
    assert line.total_nok is None
    services.code_line(line, cards_company.user, {"account": "6540", "vat_code": "86"})
    with pytest.raises(services.CardError) as err:
        services.accept(c, cards_company.user)
    assert err.value.problems[0].code == "FF-CARD-NO-RATE"


def test_accept_many_skips_what_cannot_be_accepted(cards_company):
    from fakturaflyt.cards import services
    from fakturaflyt.cards.models import CardCharge

    cards_company.import_file(
        statement(
            charge("M1", "CLAS OHLSON", "100.00", currency="NOK"),
            charge("M2", "AMZN MKTP DE*NOREPORT1", "10.00", amount_nok="116.00"),
        )
    )
    ok = CardCharge.objects.get(external_id="M1")
    line = ok.lines.get()
    services.code_line(line, cards_company.user, {"account": "6540", "vat_code": "1"})
    ids = list(CardCharge.objects.filter(company=cards_company.company).values_list("pk", flat=True))
    assert services.accept_many(cards_company.company, cards_company.user, ids) == 1
    assert CardCharge.objects.get(external_id="M1").status == "posted"
    assert CardCharge.objects.get(external_id="M2").status == "unmatched"
