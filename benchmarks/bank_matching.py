"""Bank matching: a camt.053 with 100,000 entries read and matched against 100,000+ open invoices (core only).

The statement is real camt.053.001.02 XML written with lxml (checked against the ISO XSD when
the corpus has it). 90 % of the entries carry a KID (mostly the open amount; some partial and
some overpayments); the other 10 % carry no KID: 4 % the invoice number in the message, 3 % only
the amount with the payer's name (written the bank's way: upper case, "A/S") and for half of
them the payer's account, 3 % one payment for 2-3 invoices of the same customer. Parsing is
:func:`fakturaflyt.core.bankfile.read_bank_file` (hardened parse, every entry, control sums);
matching is :func:`fakturaflyt.core.matching.payments.match_payments`. "Automatic" is a match at
confidence >= 0.9 and unambiguous (what would post without review); "wrong" is an automatic
match whose invoices are not the ones the payment was generated for.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from lxml import etree

from fakturaflyt.core.bankfile import read_bank_file
from fakturaflyt.core.identifiers import make_kid
from fakturaflyt.core.iso20022._xml import default_xsd_dir
from fakturaflyt.core.matching.payments import OpenItem, auto_match, match_payments

ENTRIES = 100_000
CUSTOMERS = 20_000
NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
FIRST = ("Fjord", "Nord", "Vest", "Fjell", "Havbris", "Skog", "Elv", "Bratt", "Lys", "Solid", "Rask", "Trygg")
SECOND = ("Bygg", "Regnskap", "Transport", "Eiendom", "Data", "Maskin", "Handel", "Marin", "Elektro", "Mat")
PLACES = ("Bergen", "Oslo", "Tromsø", "Bodø", "Ålesund", "Molde", "Hamar", "Skien", "Alta", "Voss", "Førde")
FORMS = ("AS", "AS", "AS", "ASA", "DA", "ENK")


@dataclass(frozen=True)
class Customer:
    id: int
    name: str
    account: str


@dataclass(frozen=True)
class Planned:
    kind: str  # kid | number | amount | several
    amount: Decimal
    invoices: tuple[int, ...]
    kid: str = ""
    text: str = ""
    payer_name: str = ""
    payer_account: str = ""


def _account(rng: random.Random) -> str:
    while True:
        try:
            return make_kid(f"{rng.randrange(10**10):010d}", "mod11")
        except ValueError:
            continue


def _payer_name(name: str, rng: random.Random) -> str:
    style = rng.randrange(3)
    if style == 0:
        return name.upper().replace(" AS", " A/S")
    if style == 1:
        return name.rsplit(" ", 1)[0]  # without the legal form
    return name


def generate(entries: int = ENTRIES, seed: int = 8) -> tuple[list[OpenItem], list[Planned]]:
    rng = random.Random(seed)
    customers = [
        Customer(
            c,
            f"{rng.choice(FIRST)} {rng.choice(SECOND)} {rng.choice(PLACES)} {c} {rng.choice(FORMS)}",
            _account(rng),
        )
        for c in range(1, CUSTOMERS + 1)
    ]
    items: list[OpenItem] = []
    start = date(2026, 2, 1)

    def invoice(customer: Customer, amount: Decimal) -> OpenItem:
        number = 10001 + len(items)
        item = OpenItem(
            invoice_id=number,
            customer_id=customer.id,
            customer_name=customer.name,
            number=str(number),
            kid=make_kid(f"{customer.id:05d}{number:07d}", "mod10"),
            open_amount=amount,
            due_date=start + timedelta(days=len(items) % 40),
            total=amount,
            customer_accounts=(customer.account,),
        )
        items.append(item)
        return item

    def amount() -> Decimal:
        return Decimal(rng.randrange(10_000, 5_000_000)) / 100

    plans: list[Planned] = []
    for _ in range(entries):
        customer = rng.choice(customers)
        r = rng.random()
        if r < 0.90:
            item = invoice(customer, amount())
            paid = item.open_amount
            x = rng.random()
            if x < 0.03:
                paid = (paid / 2).quantize(Decimal("0.01"))
            elif x < 0.05:
                paid += Decimal("100.00")
            plans.append(Planned("kid", paid, (int(item.number),), kid=item.kid))
        elif r < 0.94:
            item = invoice(customer, amount())
            text = rng.choice(("Faktura {}", "Betaling av faktura nr. {}", "fakt {} takk", "Inv {}")).format(
                item.number
            )
            plans.append(
                Planned(
                    "number",
                    item.open_amount,
                    (int(item.number),),
                    text=text,
                    payer_name=_payer_name(customer.name, rng),
                )
            )
        elif r < 0.97:
            item = invoice(customer, amount())
            plans.append(
                Planned(
                    "amount",
                    item.open_amount,
                    (int(item.number),),
                    text="Betaling",
                    payer_name=_payer_name(customer.name, rng),
                    payer_account=customer.account if rng.random() < 0.5 else "",
                )
            )
        else:
            several = [invoice(customer, amount()) for _ in range(rng.choice((2, 3)))]
            plans.append(
                Planned(
                    "several",
                    sum((i.open_amount for i in several), Decimal(0)),
                    tuple(int(i.number) for i in several),
                    text="Diverse fakturaer",
                    payer_name=_payer_name(customer.name, rng),
                )
            )
    # Open invoices nobody pays in this file, up to the 100,000 asked for.
    while len(items) < entries:
        invoice(rng.choice(customers), amount())
    return items, plans


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrib: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NS}}}{tag}", attrib)
    if text is not None:
        element.text = text
    return element


def _path(parent: etree._Element, path: str, text: str) -> etree._Element:
    node = parent
    for tag in path.split("/"):
        node = _sub(node, tag)
    node.text = text
    return node


def write_camt053(plans: list[Planned], account: str = "15032080119", day: date = date(2026, 3, 2)) -> bytes:
    """The statement as camt.053.001.02 bytes: one credit entry per planned payment."""
    root = etree.Element(f"{{{NS}}}Document", nsmap={None: NS})
    message = _sub(root, "BkToCstmrStmt")
    header = _sub(message, "GrpHdr")
    _sub(header, "MsgId", "BENCH-053")
    _sub(header, "CreDtTm", f"{day.isoformat()}T06:00:00")
    stmt = _sub(message, "Stmt")
    _sub(stmt, "Id", f"BENCH-{day.isoformat()}")
    _sub(stmt, "CreDtTm", f"{day.isoformat()}T06:00:00")
    acct = _sub(stmt, "Acct")
    _path(acct, "Id/Othr/Id", account)
    _sub(acct, "Ccy", "NOK")
    total = sum((p.amount for p in plans), Decimal(0))
    opening = Decimal("125000.00")
    for code, value in (("OPBD", opening), ("CLBD", opening + total)):
        bal = _sub(stmt, "Bal")
        _path(bal, "Tp/CdOrPrtry/Cd", code)
        _sub(bal, "Amt", f"{value:.2f}", Ccy="NOK")
        _sub(bal, "CdtDbtInd", "CRDT")
        _path(bal, "Dt/Dt", day.isoformat())
    summary = _sub(_sub(stmt, "TxsSummry"), "TtlNtries")
    _sub(summary, "NbOfNtries", str(len(plans)))
    _sub(summary, "Sum", f"{total:.2f}")
    for n, p in enumerate(plans, 1):
        ntry = _sub(stmt, "Ntry")
        _sub(ntry, "Amt", f"{p.amount:.2f}", Ccy="NOK")
        _sub(ntry, "CdtDbtInd", "CRDT")
        _sub(ntry, "Sts", "BOOK")
        _path(ntry, "BookgDt/Dt", day.isoformat())
        _path(ntry, "ValDt/Dt", day.isoformat())
        _sub(ntry, "AcctSvcrRef", f"BENCH{n:09d}")
        domain = _sub(_sub(ntry, "BkTxCd"), "Domn")
        _sub(domain, "Cd", "PMNT")
        family = _sub(domain, "Fmly")
        _sub(family, "Cd", "RCDT")
        _sub(family, "SubFmlyCd", "DMCT")
        tx = _sub(_sub(ntry, "NtryDtls"), "TxDtls")
        _path(tx, "Refs/EndToEndId", "NOTPROVIDED")
        if p.payer_name or p.payer_account:
            parties = _sub(tx, "RltdPties")
            if p.payer_name:
                _path(parties, "Dbtr/Nm", p.payer_name)
            if p.payer_account:
                _path(parties, "DbtrAcct/Id/Othr/Id", p.payer_account)
        rmt = _sub(tx, "RmtInf")
        if p.kid:
            ref = _sub(_sub(rmt, "Strd"), "CdtrRefInf")
            _path(ref, "Tp/CdOrPrtry/Cd", "SCOR")
            _sub(ref, "Ref", p.kid)
        else:
            _sub(rmt, "Ustrd", p.text)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _xsd_check(data: bytes) -> str:
    path = default_xsd_dir() / "camt.053.001.02.xsd"
    if not path.is_file():
        return f"skipped: no XSD in {default_xsd_dir()}"
    schema = etree.XMLSchema(etree.parse(str(path)))
    started = time.perf_counter()
    doc = etree.fromstring(data, etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True))
    ok = schema.validate(doc)
    took = time.perf_counter() - started
    if ok:
        return f"valid ({took:.1f} s)"
    return f"INVALID: {schema.error_log.last_error}"


def run(entries: int = ENTRIES, *, xsd: bool = True) -> list[tuple[str, str]]:
    started = time.perf_counter()
    items, plans = generate(entries)
    data = write_camt053(plans)
    generate_s = time.perf_counter() - started
    rows = [
        (
            f"generate {len(items):,} invoices + camt.053 ({entries:,} entries)",
            f"{generate_s:.1f} s, {len(data) / 1_048_576:.0f} MiB",
        )
    ]
    if xsd:
        rows.append(("camt.053.001.02 XSD check of the file", _xsd_check(data)))

    started = time.perf_counter()
    bank_file = read_bank_file(data)
    parse_s = time.perf_counter() - started
    count = bank_file.entry_count
    rows.append(("parse (read_bank_file, control sums checked)", f"{parse_s:.2f} s ({count / parse_s:,.0f} entries/s)"))

    payments = [item.to_payment() for _, item in bank_file.items()]
    started = time.perf_counter()
    results = match_payments(payments, items)
    match_s = time.perf_counter() - started
    rows.append(("match (index + all payments)", f"{match_s:.2f} s ({len(payments) / match_s:,.0f} payments/s)"))

    auto: Counter[str] = Counter()
    wrong: Counter[str] = Counter()
    kinds: Counter[str] = Counter(p.kind for p in plans)
    methods: Counter[str] = Counter()
    for plan, candidates in zip(plans, results, strict=True):
        chosen = auto_match(candidates)
        if chosen is None:
            continue
        auto[plan.kind] += 1
        methods[chosen.method] += 1
        if tuple(sorted(int(i) for i, _ in chosen.allocations)) != tuple(sorted(plan.invoices)):
            wrong[plan.kind] += 1
    total_auto = sum(auto.values())
    rows.append(("matched automatically (>= 0.9, unambiguous)", f"{total_auto / len(plans):.1%}"))
    for kind in ("kid", "number", "amount", "several"):
        rows.append((f"  of {kind} entries ({kinds[kind]:,})", f"{auto[kind] / max(kinds[kind], 1):.1%} auto"))
    rows.append(("matched wrongly, KID-bearing entries", f"{wrong['kid'] / max(kinds['kid'], 1):.3%} ({wrong['kid']})"))
    rows.append(("matched wrongly, all automatic matches", f"{sum(wrong.values()) / max(total_auto, 1):.3%}"))
    reviewed = [(p, c) for p, c in zip(plans, results, strict=True) if auto_match(c) is None]
    with_candidate = [(p, c) for p, c in reviewed if c]
    right = sum(
        1 for p, c in with_candidate if tuple(sorted(int(i) for i, _ in c[0].allocations)) == tuple(sorted(p.invoices))
    )
    rows.append(
        (
            "left for review: with ranked candidates / none",
            f"{len(with_candidate):,} / {len(reviewed) - len(with_candidate):,}",
        )
    )
    rows.append(("  review: the first candidate is the right one", f"{right / max(len(with_candidate), 1):.1%}"))
    return rows


if __name__ == "__main__":
    for label, figure in run():
        print(f"{label:<55} {figure}")
