"""Nets OCR giro in: corpus files read with their control figures; broken files refused naming the line."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.ocrgiro import OcrGiroError, looks_like_ocr_giro, read_ocr_giro

OCR_FILES = ("netsgiro__ocr_giro_transactions.txt", "javanetsgiro__ocr3.txt")
AVTALEGIRO_FILES = ("netsgiro__avtalegiro_agreements.txt", "netsgiro__avtalegiro_payment_request.txt")

# A one-payment file, built by hand from the OCR giro system manual's layout.
START = "NY000010000080800170031000102000000000000000000000000000000000000000000000000000"
ASSIGNMENT = "NY090020001008566000000299991042764000000000000000000000000000000000000000000000"
ITEM1 = "NY09103000000012001921320101464000000000000102000                  0000531000000"
ITEM2 = "NY091031000000197975960160975960161883206160192999910055240000000000000000000000"
ASSIGNMENT_END = "NY090088000000010000000400000000000102000200192200192200192000000000000000000000"
END = "NY000089000000010000000600000000000102000200192000000000000000000000000000000000"
LINES = [START, ASSIGNMENT, ITEM1, ITEM2, ASSIGNMENT_END, END]


def _file(lines: list[str]) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("latin-1")


def _control(path: Path) -> tuple[int, int, Decimal]:
    """The transmission end record's own figures, read straight from the fixed-width text."""
    end = next(line for line in path.read_text("latin-1").splitlines() if line.startswith("NY000089"))
    return int(end[8:16]), int(end[16:24]), Decimal(int(end[24:41])) / 100


@pytest.mark.parametrize("name", OCR_FILES)
def test_corpus_ocr_files_read_and_add_up_to_their_control_figures(corpus: Path, name: str) -> None:
    path = corpus / "nets" / name
    transmission = read_ocr_giro(path.read_bytes())
    count, records, total = _control(path)
    txs = [t for a in transmission.assignments for t in a.transactions]
    assert len(txs) == count
    assert sum((t.amount for t in txs), Decimal(0)) == total
    assert sum(a.total for a in transmission.assignments) == total
    assert records == sum(1 for line in path.read_text("latin-1").splitlines() if line.strip())
    assert all(t.amount > 0 and t.direction == "credit" and t.line > 0 for t in txs)


def test_the_netsgiro_sample_in_detail(corpus: Path) -> None:
    t = read_ocr_giro((corpus / "nets" / "netsgiro__ocr_giro_transactions.txt").read_bytes())
    [a] = t.assignments
    assert (a.account, a.agreement_id, a.number, str(a.date)) == ("99991042764", "001008566", "0000002", "1992-01-20")
    assert len(a.transactions) == 20 and a.total == Decimal("514.49") * 100
    first = a.transactions[0]
    assert (first.kid, first.amount, first.text, first.type_name) == (
        "0000531",
        Decimal("1020.00"),
        "Foo bar baz",
        "purchase with text",
    )
    assert (first.payer_account, first.archive_reference, str(first.bank_date)) == (
        "99990512341",
        "099038562",
        "1992-01-16",
    )
    assert [x.number for x in a.transactions] == list(range(1, 21))


def test_a_payment_without_kid_keeps_an_empty_kid(corpus: Path) -> None:
    [a] = read_ocr_giro((corpus / "nets" / "javanetsgiro__ocr3.txt").read_bytes()).assignments
    [tx] = a.transactions
    assert (tx.kid, tx.amount, tx.payer_account) == ("", Decimal("440.00"), "")
    assert tx.text == "ABCDEFGHIJKLMNOPQRSTUVWXZYabcdefghijklmn"


@pytest.mark.parametrize("name", AVTALEGIRO_FILES)
def test_avtalegiro_files_are_refused_as_not_payments(corpus: Path, name: str) -> None:
    with pytest.raises(OcrGiroError) as info:
        read_ocr_giro((corpus / "nets" / name).read_bytes())
    assert info.value.code == "FF-OCR-AVTALEGIRO"
    assert "AvtaleGiro" in str(info.value) and info.value.problems[0].location == "line 2"


def test_the_minimal_file_reads() -> None:
    t = read_ocr_giro(_file(LINES))
    assert [(x.kid, x.amount, x.line) for a in t.assignments for x in a.transactions] == [
        ("0000531", Decimal("1020.00"), 3)
    ]


def test_a_changed_amount_breaks_both_control_sums_naming_their_lines() -> None:
    changed = ITEM1.replace("000000000000102000", "000000000000102100")
    with pytest.raises(OcrGiroError) as info:
        read_ocr_giro(_file([START, ASSIGNMENT, changed, ITEM2, ASSIGNMENT_END, END]))
    assert [(p.code, p.location) for p in info.value.problems] == [("FF-OCR-SUM", "line 5"), ("FF-OCR-SUM", "line 6")]
    assert "1021.00" in info.value.problems[0].message


def test_a_missing_record_breaks_the_counts() -> None:
    with pytest.raises(OcrGiroError) as info:
        read_ocr_giro(_file([START, ASSIGNMENT, ITEM1, ITEM2, ASSIGNMENT_END, END.replace("00000006", "00000007")]))
    assert [p.code for p in info.value.problems] == ["FF-OCR-RECORDS"]


def test_a_truncated_file_is_refused() -> None:
    with pytest.raises(OcrGiroError) as info:
        read_ocr_giro(_file(LINES[:-1]))
    assert info.value.code == "FF-OCR-STRUCTURE" and "truncated" in str(info.value)
    with pytest.raises(OcrGiroError) as info:
        read_ocr_giro(_file([START, ASSIGNMENT, ITEM1, ITEM2, END]))
    assert info.value.code == "FF-OCR-STRUCTURE"
    with pytest.raises(OcrGiroError) as info:
        read_ocr_giro(_file([START, ASSIGNMENT, ITEM1, ASSIGNMENT_END, END]))
    assert info.value.code == "FF-OCR-STRUCTURE" and info.value.problems[0].location == "line 3"


def test_bad_records_name_their_line() -> None:
    with pytest.raises(OcrGiroError) as info:
        read_ocr_giro(_file([START, ASSIGNMENT, ITEM1[:-1], ITEM2, ASSIGNMENT_END, END]))
    assert (info.value.code, info.value.problems[0].location) == ("FF-OCR-LINE-LENGTH", "line 3")
    impossible_date = ITEM1.replace("200192", "320192", 1)
    with pytest.raises(OcrGiroError) as info:
        read_ocr_giro(_file([START, ASSIGNMENT, impossible_date, ITEM2, ASSIGNMENT_END, END]))
    assert (info.value.code, info.value.problems[0].location) == ("FF-OCR-RECORD", "line 3")
    unknown = ITEM2[:6] + "77" + ITEM2[8:]
    with pytest.raises(OcrGiroError) as info:
        read_ocr_giro(_file([START, ASSIGNMENT, ITEM1, unknown, ASSIGNMENT_END, END]))
    assert (info.value.code, info.value.problems[0].location) == ("FF-OCR-RECORD", "line 4")


def test_a_reversal_is_a_debit() -> None:
    reversal = ITEM1[:2] + "0918" + ITEM1[6:31] + "-" + ITEM1[32:]
    item2 = ITEM2[:4] + "18" + ITEM2[6:]
    t = read_ocr_giro(_file([START, ASSIGNMENT, reversal, item2, ASSIGNMENT_END, END]))
    [tx] = t.assignments[0].transactions
    assert (tx.direction, tx.amount, tx.type_name) == ("debit", Decimal("1020.00"), "reversal with KID")


def test_utf8_text_and_blank_lines_are_accepted() -> None:
    assert read_ocr_giro(b"\xef\xbb\xbf" + _file(LINES) + b"\r\n\r\n").assignments[0].transactions[0].kid == "0000531"


def test_detection() -> None:
    assert looks_like_ocr_giro(_file(LINES))
    assert not looks_like_ocr_giro(b"<?xml version='1.0'?><Document/>")
    with pytest.raises(OcrGiroError) as info:
        read_ocr_giro(b"%PDF-1.7\n")
    assert info.value.code == "FF-OCR-NOT-OCR"
    with pytest.raises(OcrGiroError) as info:
        read_ocr_giro(b"\x00\x01NY000010")
    assert info.value.code == "FF-OCR-NOT-OCR"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_garbage_never_crashes(data: bytes) -> None:
    try:
        read_ocr_giro(b"NY000010" + data)
    except FormatError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, len(LINES) - 1), max_size=12), st.integers(0, 79), st.characters(codec="latin-1"))
def test_shuffled_or_mutated_records_give_format_errors_only(order: list[int], pos: int, char: str) -> None:
    lines = [LINES[0], *(LINES[i] for i in order)]
    if len(lines) > 1:
        victim = lines[-1]
        lines[-1] = victim[:pos] + char + victim[pos + 1 :]
    try:
        read_ocr_giro(_file(lines))
    except FormatError as exc:
        assert exc.problems and all(p.code.startswith("FF-OCR-") for p in exc.problems)
