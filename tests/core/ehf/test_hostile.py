"""Hostile and broken input: every one is refused with a clear FormatError, quickly, and nothing else happens.

Inputs stay bounded (the largest is the 100 MB file that must be refused before parsing),
so no test can hang; the slow-path checks assert on wall time with a generous margin.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakturaflyt.core.ehf.model import Invoice
from fakturaflyt.core.ehf.read import read_invoice
from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.xmlsafe import parse_xml
from tests.conftest import CORPUS

NO_EXAMPLE = CORPUS / "ehf" / "examples" / "peppol-NO__Norwegian-example-1.xml"


def refused(data: bytes, code: str, *, within: float = 2.0) -> FormatError:
    start = time.perf_counter()
    with pytest.raises(FormatError) as info:
        read_invoice(data)
    assert time.perf_counter() - start < within
    assert info.value.code == code, str(info.value)
    assert isinstance(info.value, ValueError)
    return info.value


@pytest.fixture
def valid(corpus: Path) -> bytes:
    return NO_EXAMPLE.read_bytes()


# --- entities and DTDs ----------------------------------------------------------------------------


def test_xxe_external_entity_reads_no_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-4711")
    for xml in [
        f'<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY x SYSTEM "file://{secret}">]><Invoice>&x;</Invoice>',
        '<!DOCTYPE Invoice [<!ENTITY x SYSTEM "file:///etc/passwd">]><Invoice>&x;</Invoice>',
        f'<!DOCTYPE Invoice [<!ENTITY % p SYSTEM "file://{secret}"> %p;]><Invoice/>',
        f'<!DOCTYPE Invoice SYSTEM "file://{secret}"><Invoice/>',
        '<!DOCTYPE Invoice SYSTEM "http://127.0.0.1:9/evil.dtd"><Invoice/>',
    ]:
        error = refused(xml.encode(), "FF-XML-DTD")
        assert "TOP-SECRET" not in str(error) and "root:" not in str(error)


def test_doctype_after_a_long_comment_is_still_refused() -> None:
    # beyond the 64 KiB that are sniffed before parsing: the parsed tree is checked too
    xml = b"<!--" + b"x" * 100_000 + b'--><!DOCTYPE a [<!ENTITY e "boo">]><a>&e;</a>'
    with pytest.raises(FormatError) as info:
        parse_xml(xml)
    assert info.value.code == "FF-XML-DTD"


def test_billion_laughs() -> None:
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    xml = f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">{entities}]><lolz>&lol9;</lolz>'
    refused(xml.encode(), "FF-XML-DTD", within=0.5)


def test_quadratic_blowup_without_doctype_is_just_bad_xml() -> None:
    refused(b"<Invoice>" + b"&a;" * 100_000 + b"</Invoice>", "FF-XML-SYNTAX", within=1.0)


# --- size and limits ------------------------------------------------------------------------------


def test_100_mb_is_refused_by_size_before_parsing() -> None:
    data = b"<Invoice>" + b"A" * (100 * 1024 * 1024) + b"</Invoice>"
    error = refused(data, "FF-XML-TOO-LARGE", within=0.5)
    assert "20 971 520" in str(error)


def test_size_limit_is_configurable(valid: bytes) -> None:
    with pytest.raises(FormatError) as info:
        read_invoice(valid, max_bytes=1000)
    assert info.value.code == "FF-XML-TOO-LARGE"
    assert read_invoice(valid, max_bytes=len(valid)).id == "TOSL108"


def test_deep_nesting() -> None:
    refused(b"<a>" * 10_000 + b"</a>" * 10_000, "FF-XML-LIMIT", within=1.0)


def test_text_node_over_10_mb(valid: bytes) -> None:
    big = b"QUJD" * (11 * 1024 * 1024 // 4)
    data = valid.replace(b"VGVzdCBiYXNlIDY0IGVuY29kaW5n", big)
    error = refused(data, "FF-XML-LIMIT")
    assert "attachment" in str(error)


# --- not XML, wrong XML ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
        (b'{"id": "TOSL108"}', "JSON"),
        (bytes(range(256)) * 4, "binary"),
        (b"\x00\x01\x02<Invoice/>", "binary"),
        (b"Faktura nr. 108\nBel\xf8p: 802,00", "does not start with"),
    ],
)
def test_binary_junk_and_other_formats(data: bytes, named: str) -> None:
    assert named in str(refused(data, "FF-XML-NOT-XML"))


def test_truncated_xml_names_line_and_column(valid: bytes) -> None:
    error = refused(valid[: len(valid) // 2], "FF-XML-SYNTAX")
    location = error.problems[0].location
    assert location.startswith("line ") and ", column " in location


@pytest.mark.parametrize(
    "data",
    [
        b"<Invoice><cbc:ID>1</cbc:ID></Invoice>",  # undeclared prefix
        b"<Invoice></Invoic>",
        b"<Invoice/><Invoice/>",
        b'<Invoice a="1" a="2"/>',
        b"<Invoice>\x01</Invoice>",
    ],
)
def test_malformed_xml(data: bytes) -> None:
    refused(data, "FF-XML-SYNTAX")


def test_wrong_root(valid: bytes) -> None:
    refused(b'<?xml version="1.0"?><Faktura><Nummer>1</Nummer></Faktura>', "FF-EHF-ROOT")


# --- encodings ------------------------------------------------------------------------------------


def test_utf16_file_parses(valid: bytes) -> None:
    text = valid.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    for encoded in (text.encode("utf-16"), text.encode("utf-16-be"), text.encode("utf-16-le")):
        assert read_invoice(encoded) == read_invoice(valid)


def test_utf8_bom_parses(valid: bytes) -> None:
    assert read_invoice(b"\xef\xbb\xbf" + valid) == read_invoice(valid)


def test_latin1_bytes_declared_utf8(valid: bytes) -> None:
    data = valid.replace(b"Buyercompany ASA", "Blåbær Sjømat AS".encode("latin-1"))
    error = refused(data, "FF-XML-ENCODING")
    assert "UTF-8" in str(error) and "Latin-1" in str(error)
    assert error.problems[0].location.startswith("line ")


def test_latin1_bytes_without_declaration(valid: bytes) -> None:
    data = valid.split(b"?>", 1)[1].replace(b"Buyercompany ASA", "Blåbær AS".encode("latin-1"))
    refused(data, "FF-XML-ENCODING")


def test_latin1_declared_as_such_parses(valid: bytes) -> None:
    data = valid.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"')
    data = data.replace(b"Buyercompany ASA", "Blåbær Sjømat AS".encode("latin-1"))
    assert read_invoice(data).buyer.registration_name == "Blåbær Sjømat AS"


def test_unknown_encoding(valid: bytes) -> None:
    assert "KLINGON-8" in str(refused(valid.replace(b'encoding="UTF-8"', b'encoding="KLINGON-8"'), "FF-XML-ENCODING"))


# --- fuzzing: only an Invoice or a FormatError, ever ------------------------------------------------


def outcome(data: bytes) -> None:
    try:
        result = read_invoice(data)
    except FormatError as exc:
        assert exc.problems and exc.code
        return
    assert isinstance(result, Invoice)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes(data: bytes) -> None:
    outcome(data)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200).map(lambda b: b"<?xml version='1.0'?>" + b))
def test_random_bytes_after_an_xml_declaration(data: bytes) -> None:
    outcome(data)


_mutation = st.tuples(
    st.sampled_from(["flip", "delete", "insert", "truncate", "duplicate"]),
    st.floats(0, 1),
    st.binary(min_size=1, max_size=12),
)


def mutate(data: bytes, mutations: list[tuple[str, float, bytes]]) -> bytes:
    for kind, where, chunk in mutations:
        i = int(where * (len(data) - 1)) if data else 0
        if kind == "flip" and data:
            data = data[:i] + bytes([data[i] ^ (chunk[0] or 1)]) + data[i + 1 :]
        elif kind == "delete":
            data = data[:i] + data[i + len(chunk) :]
        elif kind == "insert":
            data = data[:i] + chunk + data[i:]
        elif kind == "truncate":
            data = data[:i]
        elif kind == "duplicate":
            data = data[:i] + data[i : i + 40 * len(chunk)] + data[i:]
    return data


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_mutation, min_size=1, max_size=4))
def test_mutations_of_a_valid_invoice(valid: bytes, mutations: list[tuple[str, float, bytes]]) -> None:
    outcome(mutate(valid, mutations))


_FIELDS = [
    b"<cbc:ID>TOSL108</cbc:ID>",
    b"<cbc:IssueDate>2013-06-30</cbc:IssueDate>",
    b'<cbc:PayableAmount currencyID="NOK">802.00</cbc:PayableAmount>',
    b'<cbc:InvoicedQuantity unitCode="NAR">1</cbc:InvoicedQuantity>',
    b"<cbc:ChargeIndicator>true</cbc:ChargeIndicator>",
    b"VGVzdCBiYXNlIDY0IGVuY29kaW5n",
    b"<cbc:Percent>25</cbc:Percent>",
    b"<cbc:IdentificationCode>NO</cbc:IdentificationCode>",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(_FIELDS), st.text(max_size=30).map(lambda s: s.encode("utf-8")))
def test_random_values_in_valid_places(valid: bytes, field: bytes, value: bytes) -> None:
    escaped = value.replace(b"&", b"&amp;").replace(b"<", b"&lt;")
    if field.startswith(b"<"):
        start, end = field.index(b">") + 1, field.rindex(b"<")
        replacement = field[:start] + escaped + field[end:]
    else:
        replacement = escaped
    outcome(valid.replace(field, replacement))
