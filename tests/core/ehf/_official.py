"""Test helpers: the UBL 2.1 XSD (lxml) and the official CEN + Peppol schematron (saxonche) as judges.

Self-contained on purpose, so the writer's tests do not depend on the validation module they
are meant to cross-check. Both are compiled once per process and cached.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

from tests.conftest import CORPUS

EHF = CORPUS / "ehf"
EXAMPLES = EHF / "examples"
RULES = EHF / "rules" / "peppol-bis3-xslt-2026.5"
SCHEMAS = EHF / "schemas" / "ubl-2.1" / "maindoc"
SVRL = "{http://purl.oclc.org/dsdl/svrl}"


@cache
def _schema(kind: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / f"UBL-{kind}-2.1.xsd")))


def xsd_errors(xml: bytes) -> list[str]:
    """XSD errors of an Invoice or CreditNote (chosen from the root element)."""
    doc = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    kind = etree.QName(doc).localname
    schema = _schema(kind)
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


@cache
def _stylesheets() -> tuple[Any, tuple[Any, ...]]:
    from saxonche import PySaxonProcessor

    processor = PySaxonProcessor(license=False)
    xslt = processor.new_xslt30_processor()
    executables = tuple(
        xslt.compile_stylesheet(stylesheet_file=str(RULES / name))
        for name in ("CEN-EN16931-UBL.xslt", "PEPPOL-EN16931-UBL.xslt")
    )
    return processor, executables


def official_failures(xml: bytes) -> list[tuple[str, str, str, str]]:
    """Every failed assert of both official stylesheets: (rule id, flag, message, location)."""
    processor, executables = _stylesheets()
    node = processor.parse_xml(xml_text=xml.decode("utf-8"))
    out = []
    for executable in executables:
        svrl = etree.fromstring(executable.transform_to_string(xdm_node=node).encode("utf-8"))
        for fa in svrl.iter(SVRL + "failed-assert"):
            text = " ".join((fa.findtext(SVRL + "text") or "").split())
            out.append((fa.get("id") or "?", fa.get("flag") or "fatal", text, fa.get("location") or ""))
    return out


def official_fatal(xml: bytes) -> list[str]:
    """The fatal failed asserts, as readable strings (empty when the document passes)."""
    return [f"{rid}: {msg}" for rid, flag, msg, _loc in official_failures(xml) if flag == "fatal"]


def example_files() -> list[Path]:
    return sorted(p for p in EXAMPLES.glob("*") if p.suffix.lower() == ".xml") if EXAMPLES.is_dir() else []


def valid_example_names() -> set[str]:
    import csv

    index = EXAMPLES / "INDEX.csv"
    if not index.is_file():
        return set()
    with index.open(newline="", encoding="utf-8") as f:
        return {row["file"] for row in csv.DictReader(f) if row["peppol_2026_5_ok"] == "True"}
