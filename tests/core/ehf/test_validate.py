"""validate(): XSD + reading + our rules, and the official schematron on request."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from fakturaflyt.core.ehf import official
from fakturaflyt.core.ehf.validate import ValidationReport, merge, validate
from fakturaflyt.core.ehf.xsd import schemas_available, validate_xsd
from fakturaflyt.core.errors import Problem
from fakturaflyt.core.xmlsafe import parse_xml
from tests.conftest import CORPUS

EXAMPLES = CORPUS / "ehf" / "examples"
INDEX = (
    list(csv.DictReader((EXAMPLES / "INDEX.csv").open(newline="", encoding="utf-8")))
    if (EXAMPLES / "INDEX.csv").is_file()
    else []
)
BASE = "peppol__base-example.xml"


@pytest.fixture(scope="session")
def with_official(corpus: Path) -> None:
    if not official.rules_available():
        pytest.skip(f"official rules not found in {official.default_rules_dir()}")
    official.load()


@pytest.fixture(scope="session")
def with_xsd(corpus: Path) -> None:
    if not schemas_available():
        pytest.skip("UBL schemas not found")


def example(name: str = BASE) -> bytes:
    return (EXAMPLES / name).read_bytes()


def edit(data: bytes, old: str, new: str, count: int = -1) -> bytes:
    assert old.encode() in data, old
    return data.replace(old.encode(), new.encode(), count)


def fatal_codes(report: ValidationReport) -> set[str]:
    return {p.code for p in report.problems if p.severity == "fatal"}


@pytest.mark.parametrize("row", INDEX, ids=lambda r: r["file"])
def test_our_fast_check_gives_the_index_verdict(with_xsd: None, row: dict[str, str]) -> None:
    report = validate(example(row["file"]), filename=row["file"])
    assert report.valid == (row["peppol_2026_5_ok"] == "True"), [str(p) for p in report.problems]
    assert report.document_type == row["doc_type"]
    assert report.customization_id == row["customization_id"]
    assert report.filename == row["file"]
    # every fatal problem we report is one the official rules report too
    assert fatal_codes(report) <= set(row["peppol_fatal"].split())


@pytest.mark.parametrize("row", INDEX, ids=lambda r: r["file"])
def test_official_validation_reproduces_the_index(with_xsd: None, with_official: None, row: dict[str, str]) -> None:
    report = validate(example(row["file"]), official=True)
    assert report.valid == (row["peppol_2026_5_ok"] == "True")
    assert fatal_codes(report) == set(row["peppol_fatal"].split())
    assert {p.code for p in report.problems if p.severity == "warning"} == set(row["peppol_warnings"].split())


def test_same_rule_from_both_sides_is_reported_once_with_our_message(with_official: None) -> None:
    data = example("cen__guide-example1.xml")
    ours = [p for p in validate(data).problems if p.code == "PEPPOL-EN16931-R120"]
    both = [p for p in validate(data, official=True).problems if p.code == "PEPPOL-EN16931-R120"]
    assert ours and both == ours
    assert "correct the line" in both[0].message


def test_merge_keeps_extra_official_reports() -> None:
    ours = [Problem("BR-CO-10", "ours", "/Invoice/cac:LegalMonetaryTotal")]
    theirs = [
        Problem("BR-CO-10", "official", "/Invoice/cac:LegalMonetaryTotal"),
        Problem("BR-S-08", "official", "/Invoice/cac:TaxTotal/cac:TaxSubtotal[1]"),
    ]
    assert merge(ours, theirs) == [ours[0], theirs[1]]
    # the same number of reports of a rule: the same places, written differently
    assert merge([Problem("R", "a", "/x[1]")], [Problem("R", "b", "/x")]) == [Problem("R", "a", "/x[1]")]
    # more official reports than ours: the unmatched ones stay
    two = [Problem("R", "b", "/x"), Problem("R", "b", "/y")]
    assert merge([Problem("R", "a", "/x")], two) == [Problem("R", "a", "/x"), two[1]]


def test_rules_run_even_when_the_xsd_check_fails(with_xsd: None) -> None:
    data = edit(example(), "<cbc:DueDate>", "<cbc:Unknown>x</cbc:Unknown><cbc:DueDate>")
    data = edit(data, "1656.25</cbc:PayableAmount>", "1656.26</cbc:PayableAmount>")
    report = validate(data)
    assert not report.valid
    xsd = [p for p in report.problems if p.code == "XSD"]
    assert len(xsd) == 1 and xsd[0].severity == "fatal"
    assert "cbc:Unknown" in xsd[0].message and "This element is not expected" in xsd[0].message
    assert xsd[0].location == "line 9, /Invoice/cbc:Unknown"
    assert "BR-CO-16" in fatal_codes(report)


def test_reading_problems_are_reported(with_xsd: None, with_official: None) -> None:
    data = edit(example(), "<cbc:ID>Snippet1</cbc:ID>", "")
    report = validate(data)
    assert fatal_codes(report) == {"XSD", "BR-02"}
    br02 = next(p for p in report.problems if p.code == "BR-02")
    assert "invoice number" in br02.message
    both = validate(data, official=True)
    assert [p.code for p in both.problems].count("BR-02") == 1


@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        ("<cbc:ID>Snippet1</cbc:ID>", "", "BR-02"),
        ("<cbc:RegistrationName>SupplierOfficialName Ltd</cbc:RegistrationName>", "", "BR-06"),
        ("<cbc:Name>item name</cbc:Name>", "", "BR-25"),
        ('<cbc:PaymentMeansCode name="Credit transfer">30</cbc:PaymentMeansCode>', "", "BR-49"),
    ],
)
def test_the_reader_refuses_with_the_official_rule_id(with_official: None, old: str, new: str, rule: str) -> None:
    data = edit(example(), old, new)
    ours = {p.code for p in validate(data).problems} - {"XSD"}
    theirs = {p.code for p in official.check_official(parse_xml(data)) if p.severity == "fatal"}
    assert ours == {rule} and rule in theirs


def test_what_is_not_an_ehf_invoice() -> None:
    for data, code in [
        (b"%PDF-1.7\n...", "FF-XML-NOT-XML"),
        (b"", "FF-XML-NOT-XML"),
        (b"<Invoice><broken>", "FF-XML-SYNTAX"),
        (b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', "FF-XML-DTD"),
        (
            b'<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"/>',
            "FF-EHF-CII",
        ),
    ]:
        report = validate(data)
        assert (report.valid, report.document_type, [p.code for p in report.problems]) == (False, None, [code])


def test_an_ehf_2_invoice_is_named(with_xsd: None) -> None:
    ehf2 = "urn:www.cenbii.eu:transaction:biitrns010:ver2.0:extended:urn:www.peppol.eu:bis:peppol5a:ver2.0"
    data = edit(example(), "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0", ehf2)
    report = validate(data)
    assert report.document_type == "Invoice" and report.customization_id == ehf2
    assert [p.code for p in report.problems] == ["FF-EHF-CUSTOMIZATION"]
    assert "EHF 2" in report.problems[0].message


def test_missing_schemas_are_a_warning(tmp_path: Path) -> None:
    report = validate(example(), schema_dir=tmp_path)
    assert report.valid
    assert [(p.code, p.severity) for p in report.problems] == [("FF-EHF-XSD-MISSING", "warning")]
    assert str(tmp_path) in report.problems[0].message


def test_warnings_come_after_fatal_problems_and_do_not_fail(with_xsd: None) -> None:
    data = edit(
        example("peppol-NO__Norwegian-example-1.xml"), "<cbc:CompanyID>Foretaksregisteret<", "<cbc:CompanyID>AS<"
    )
    report = validate(data)
    assert report.valid and [(p.code, p.severity) for p in report.problems] == [("NO-R-002", "warning")]
    data = edit(data, "<cbc:CompanyID>NO123456785MVA<", "<cbc:CompanyID>NO123456786MVA<")
    report = validate(data)
    assert not report.valid
    assert [p.severity for p in report.problems] == ["fatal", "warning"]
    assert report.fatal[0].code == "NO-R-001"


def test_an_sbdh_envelope_is_opened(with_xsd: None) -> None:
    body = example().split(b"?>", 1)[1]
    wrapped = (
        b'<StandardBusinessDocument xmlns="http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader">'
        b"<StandardBusinessDocumentHeader><HeaderVersion>1.0</HeaderVersion></StandardBusinessDocumentHeader>"
        + body
        + b"</StandardBusinessDocument>"
    )
    report = validate(wrapped)
    assert report.valid and report.document_type == "Invoice" and report.problems == ()


def test_xsd_checks_credit_notes_and_names_other_roots(with_xsd: None) -> None:
    assert validate_xsd(parse_xml(example("peppol__base-creditnote-correction.xml"))) == []
    other = validate_xsd(parse_xml(b'<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>'))
    assert [p.code for p in other] == ["XSD"] and "not a UBL 2.1 Invoice or CreditNote" in other[0].message
