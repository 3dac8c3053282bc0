"""The official CEN + Peppol schematron (fakturaflyt.core.ehf.official) reproduces the corpus index exactly."""

from __future__ import annotations

import csv
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from fakturaflyt.core.ehf import official
from fakturaflyt.core.errors import Problem
from fakturaflyt.core.xmlsafe import parse_xml
from tests.conftest import CORPUS

EXAMPLES = CORPUS / "ehf" / "examples"
INDEX = (
    list(csv.DictReader((EXAMPLES / "INDEX.csv").open(newline="", encoding="utf-8")))
    if (EXAMPLES / "INDEX.csv").is_file()
    else []
)


@pytest.fixture(scope="session")
def run_official(corpus: Path) -> Callable[[bytes], list[Problem]]:
    """Both stylesheets, compiled once per session."""
    if not official.rules_available():
        pytest.skip(f"official rules not found in {official.default_rules_dir()}")
    assert official.load()
    return lambda data: official.check_official(parse_xml(data))


def test_the_index_lists_every_example(corpus: Path) -> None:
    files = {p.name for p in EXAMPLES.iterdir() if p.suffix.lower() == ".xml"}
    assert files == {row["file"] for row in INDEX}
    assert len(INDEX) == 41
    assert sum(row["peppol_2026_5_ok"] == "True" for row in INDEX) == 11


@pytest.mark.parametrize("row", INDEX, ids=lambda r: r["file"])
def test_reproduces_the_index(run_official: Callable[[bytes], list[Problem]], row: dict[str, str]) -> None:
    problems = run_official((EXAMPLES / row["file"]).read_bytes())
    fatal = {p.code for p in problems if p.severity == "fatal"}
    warnings = {p.code for p in problems if p.severity == "warning"}
    assert (not fatal) == (row["peppol_2026_5_ok"] == "True")
    assert fatal == set(row["peppol_fatal"].split())
    assert warnings == set(row["peppol_warnings"].split())


def test_problems_read_well(run_official: Callable[[bytes], list[Problem]]) -> None:
    problems = run_official((EXAMPLES / "cen__ubl-tc434-example2.xml").read_bytes())
    r008 = next(p for p in problems if p.code == "PEPPOL-EN16931-R008")
    assert r008.message == "Document MUST not contain empty elements."  # the "[ID]-" prefix is gone
    assert r008.location == "/Invoice/cac:InvoiceLine[5]/cac:OrderLineReference/cbc:LineID"
    assert r008.severity == "fatal"
    no_r_002 = next(p for p in problems if p.code == "NO-R-002")
    assert no_r_002.severity == "warning"
    assert no_r_002.location == "/Invoice/cac:AccountingSupplierParty/cac:Party"


def test_an_sbdh_payload_is_judged_as_the_document(run_official: Callable[[bytes], list[Problem]]) -> None:
    from fakturaflyt.core.ehf.detect import load_document

    data = (EXAMPLES / "peppol__base-example.xml").read_bytes()
    body = data.split(b"?>", 1)[1]
    wrapped = (
        b'<StandardBusinessDocument xmlns="http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader">'
        b"<StandardBusinessDocumentHeader><HeaderVersion>1.0</HeaderVersion></StandardBusinessDocumentHeader>"
        + body.replace(b"1656.25</cbc:PayableAmount>", b"1656.26</cbc:PayableAmount>")
        + b"</StandardBusinessDocument>"
    )
    root, _info = load_document(wrapped)
    assert [p.code for p in official.check_official(root)] == ["BR-CO-16"]


def test_runs_from_several_threads(run_official: Callable[[bytes], list[Problem]]) -> None:
    files = sorted(EXAMPLES.glob("cen__*.xml"))[:8]
    expected = {f.name: [p.code for p in run_official(f.read_bytes())] for f in files}
    found: dict[str, list[str]] = {}

    def work(part: list[Path]) -> None:
        for f in part:
            found[f.name] = [p.code for p in run_official(f.read_bytes())]

    threads = [threading.Thread(target=work, args=(files[i::3],)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert found == expected


def test_missing_rules_are_a_warning(tmp_path: Path) -> None:
    root = etree.fromstring(b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>')
    problems = official.check_official(root, rules_dir=tmp_path)
    assert [(p.code, p.severity) for p in problems] == [("FF-EHF-RULES-MISSING", "warning")]
    assert str(tmp_path.parent) in problems[0].message and "FAKTURAFLYT_CORPUS" in problems[0].message
    assert not official.load(tmp_path)


def test_the_release_is_one_constant() -> None:
    assert official.default_rules_dir().name == official.RULES_RELEASE == "peppol-bis3-xslt-2026.5"


def test_parse_svrl_and_locations() -> None:
    svrl = b"""<svrl:schematron-output xmlns:svrl="http://purl.oclc.org/dsdl/svrl">
      <svrl:fired-rule context="x"/>
      <svrl:failed-assert id="NO-R-002" flag="warning"
          location="/*:Invoice[namespace-uri()='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'][1]">
        <svrl:text>[NO-R-002]-For Norwegian
            suppliers ...</svrl:text></svrl:failed-assert>
      <svrl:failed-assert id="X" location="/a"><svrl:text>no flag</svrl:text></svrl:failed-assert>
    </svrl:schematron-output>"""
    assert official.parse_svrl(svrl) == [
        Problem("NO-R-002", "For Norwegian suppliers ...", "/Invoice", "warning"),
        Problem("X", "no flag", "/a", "fatal"),
    ]
