"""UBL 2.1 XSD validation of an Invoice or CreditNote (the first check of :mod:`.validate`).

The OASIS UBL 2.1 schemas are not shipped in the package: they are read from the corpus
(``$FAKTURAFLYT_CORPUS/ehf/schemas/ubl-2.1``, by default ``../shared/corpus`` next to the
repository) or from a directory passed in. Each thread loads them once, lazily, on first
use (about 0.1 s for both); a loaded :class:`lxml.etree.XMLSchema` then checks a document
in well under a millisecond. Per thread because an lxml validator keeps its error log on
the object, so two threads must not share one.

Problems have code ``XSD``, severity fatal, the schema error as a readable message (UBL
namespaces shortened to ``cbc:``/``cac:``) and the location as line and element path.

When the schemas are missing the check cannot run: :func:`validate_xsd` then returns one
``FF-EHF-XSD-MISSING`` problem with severity **warning**, naming the directory it looked in.
A warning, not a fatal problem, because a missing schema is a fault of the installation, not
of the document: the reader and the business rules still run (and catch most structural
errors), and an accountant is not told that a correct invoice is invalid. Operations
should treat that warning as an alarm: the installation is incomplete.

>>> from lxml import etree
>>> root = etree.fromstring(b'<Order xmlns="urn:example"/>')
>>> [p.code for p in validate_xsd(root)]
['XSD']
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

from lxml import etree

from fakturaflyt.core.errors import Problem
from fakturaflyt.core.xmlsafe import element_path

INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
INVOICE_TAG = f"{{{INVOICE_NS}}}Invoice"
CREDIT_NOTE_TAG = f"{{{CREDIT_NOTE_NS}}}CreditNote"

#: Path of the UBL 2.1 schemas inside the corpus directory.
UBL_SCHEMA_SUBDIR = Path("ehf") / "schemas" / "ubl-2.1"
_MAINDOC = {INVOICE_TAG: "UBL-Invoice-2.1.xsd", CREDIT_NOTE_TAG: "UBL-CreditNote-2.1.xsd"}

_PREFIXES = {
    "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2": "cbc",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2": "cac",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2": "ext",
    INVOICE_NS: "",
    CREDIT_NOTE_NS: "",
}
_CLARK = re.compile(r"\{([^}]*)\}")


def corpus_dir() -> Path:
    """The shared corpus: ``$FAKTURAFLYT_CORPUS``, else ``../shared/corpus`` relative to the repository."""
    env = os.environ.get("FAKTURAFLYT_CORPUS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3].parent / "shared" / "corpus"


def default_schema_dir() -> Path:
    """Where the UBL 2.1 XSDs are looked for when no directory is passed in."""
    return corpus_dir() / UBL_SCHEMA_SUBDIR


_local = threading.local()


def _schema(schema_dir: Path, tag: str) -> etree.XMLSchema | None:
    """The compiled XSD for ``tag`` (Invoice or CreditNote), loaded once per thread and directory."""
    cache: dict[tuple[Path, str], etree.XMLSchema] = getattr(_local, "schemas", None) or {}
    _local.schemas = cache
    key = (schema_dir, tag)
    schema = cache.get(key)
    if schema is None:
        path = schema_dir / "maindoc" / _MAINDOC[tag]
        if not path.is_file():
            return None
        # The schemas are trusted local files, but still: no network for their imports.
        parser = etree.XMLParser(no_network=True, resolve_entities=False)
        schema = etree.XMLSchema(etree.parse(str(path), parser))
        cache[key] = schema
    return schema


def schemas_available(schema_dir: Path | None = None) -> bool:
    """True when both UBL main schemas are where :func:`validate_xsd` will look."""
    base = schema_dir or default_schema_dir()
    return all((base / "maindoc" / name).is_file() for name in _MAINDOC.values())


def readable(message: str) -> str:
    """``{urn:...CommonBasicComponents-2}ID`` as ``cbc:ID``, the way UBL users write it."""

    def prefix(match: re.Match[str]) -> str:
        p = _PREFIXES.get(match.group(1))
        if p is None:
            return match.group(0)
        return f"{p}:" if p else ""

    return _CLARK.sub(prefix, message)


def validate_xsd(root: etree._Element, *, schema_dir: Path | None = None) -> list[Problem]:
    """Check ``root`` (a UBL ``Invoice`` or ``CreditNote`` element) against the UBL 2.1 XSD.

    Returns every error libxml2 reports (it may stop after the first error inside one
    element's content), or one warning ``FF-EHF-XSD-MISSING`` when the schemas are absent.
    """
    if root.tag not in _MAINDOC:
        return [
            Problem(
                "XSD",
                f"The document element is {readable(str(root.tag))}, not a UBL 2.1 Invoice or CreditNote; "
                "only those two documents can be checked",
                f"line {root.sourceline}, /{etree.QName(root).localname}" if root.sourceline else "",
            )
        ]
    base = (schema_dir or default_schema_dir()).resolve()
    schema = _schema(base, str(root.tag))
    if schema is None:
        return [
            Problem(
                "FF-EHF-XSD-MISSING",
                f"The UBL 2.1 schemas were not found in {base}, so the document was not checked against the XSD; "
                "set FAKTURAFLYT_CORPUS to the corpus directory (it must contain ehf/schemas/ubl-2.1)",
                "",
                "warning",
            )
        ]
    if schema.validate(root):
        return []
    problems = []
    for entry in schema.error_log:
        where = f"line {entry.line}" if entry.line else ""
        if entry.path:
            path = _element_path(root, entry.path)
            where = f"{where}, {path}" if where else path
        problems.append(Problem("XSD", readable(entry.message), where))
    return problems


def _element_path(root: etree._Element, path: str) -> str:
    """libxml2's path (``/*/cbc:ID``, with the document's own prefixes) as ``/Invoice/cbc:ID``."""
    try:
        found = root.getroottree().xpath(path, namespaces={k: v for k, v in root.nsmap.items() if k})
    except etree.XPathError:
        found = None
    if isinstance(found, list) and found and isinstance(found[0], etree._Element):
        return element_path(found[0], _PREFIXES)
    if path.startswith("/*"):
        path = "/" + etree.QName(root).localname + path[2:]
    return readable(path)
