"""The official CEN EN 16931 + Peppol BIS Billing 3.0 schematron, run with saxonche (the judge).

Peppol publishes its business rules as Schematron; the compiled XSLT 2.0 form of the pinned
release lives in the corpus (``ehf/rules/<RULES_RELEASE>``). Both stylesheets are run on a
document, as every Peppol access point does: ``CEN-EN16931-UBL.xslt`` (the EN 16931 rules
BR-*, bundled by Peppol) and ``PEPPOL-EN16931-UBL.xslt`` (PEPPOL-*, and the national rules
NO-R-*, DK-R-*, SE-R-*, ...). Their SVRL output is turned into :class:`Problem` records:
every ``svrl:failed-assert`` gives one problem with the rule id as code, the ``@flag``
(``fatal``/``warning``) as severity, the rule text (without its ``[ID]-`` prefix) as message
and the XPath ``@location`` shortened to ``/Invoice/cac:InvoiceLine[2]/cbc:ID``.

Compiling the two stylesheets takes about half a second, once per process, on first use
(thread-safe). Saxon's processor objects are not documented as safe for concurrent use, so
runs are serialised on one lock; use processes, not threads, to run many documents in
parallel. A run costs about 10-20 ms per invoice.

Upgrading the rules (Peppol releases twice a year, in May and November): put the new
release's XSLT files into ``ehf/rules/peppol-bis3-xslt-<release>`` in the corpus and change
:data:`RULES_RELEASE`; then run the tests (``tests/core/ehf``), which show where our own
rules (:mod:`.rules`) disagree with the new release.

The document must come from a hardened parse (:func:`fakturaflyt.core.xmlsafe.parse_xml`):
this module serialises the already-parsed element to text, so Saxon never resolves an
entity or fetches anything on behalf of the input.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from lxml import etree

from fakturaflyt.core.ehf.xsd import corpus_dir
from fakturaflyt.core.errors import Problem, Severity

#: The pinned Peppol rule release: the one constant to change when upgrading (see the module docstring).
RULES_RELEASE = "peppol-bis3-xslt-2026.5"
#: Run in this order; both always run.
STYLESHEETS = ("CEN-EN16931-UBL.xslt", "PEPPOL-EN16931-UBL.xslt")

SVRL_NS = "http://purl.oclc.org/dsdl/svrl"
_FAILED = f"{{{SVRL_NS}}}failed-assert"
_REPORT = f"{{{SVRL_NS}}}successful-report"
_TEXT = f"{{{SVRL_NS}}}text"
_STEP = re.compile(r"\*:([\w.-]+)\[namespace-uri\(\)='([^']*)'\](?:\[(\d+)\])?")
_PREFIXES = {
    "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2": "cbc:",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2": "cac:",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2": "ext:",
}
_RULE_PREFIX = re.compile(r"^\s*\[[^\]]+\]\s*-\s*")


def default_rules_dir() -> Path:
    """The directory of the pinned release's XSLT files in the corpus."""
    return corpus_dir() / "ehf" / "rules" / RULES_RELEASE


def short_location(location: str) -> str:
    """Saxon's namespace-safe XPath as the short form a reader can follow.

    >>> short_location("/*:Invoice[namespace-uri()='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'][1]"
    ...     "/*:InvoiceLine[namespace-uri()='urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2'][2]")
    '/Invoice/cac:InvoiceLine[2]'
    """

    def step(match: re.Match[str]) -> str:
        name, ns, index = match.group(1), match.group(2), match.group(3)
        text = _PREFIXES.get(ns, "") + name
        return text if index in (None, "1") else f"{text}[{index}]"

    return _STEP.sub(step, location)


@dataclass(frozen=True)
class _Compiled:
    processor: Any  # saxonche.PySaxonProcessor (kept alive as long as the executables)
    executables: tuple[Any, ...]  # saxonche.PyXsltExecutable, one per stylesheet


_lock = threading.Lock()
_compiled: dict[Path, _Compiled] = {}


def _compile(rules_dir: Path) -> _Compiled:
    from saxonche import PySaxonProcessor  # imported late: starts a GraalVM isolate

    processor = PySaxonProcessor(license=False)
    xslt = processor.new_xslt30_processor()
    executables = []
    for name in STYLESHEETS:
        executable = xslt.compile_stylesheet(stylesheet_file=str(rules_dir / name))
        if executable is None:  # pragma: no cover - saxonche raises on a bad stylesheet
            raise RuntimeError(f"cannot compile {rules_dir / name}")
        executables.append(executable)
    return _Compiled(processor, tuple(executables))


def rules_available(rules_dir: Path | None = None) -> bool:
    """True when both stylesheets of the pinned release are present."""
    base = rules_dir or default_rules_dir()
    return all((base / name).is_file() for name in STYLESHEETS)


def load(rules_dir: Path | None = None) -> bool:
    """Compile the stylesheets now (otherwise on first use); False when they are missing."""
    base = (rules_dir or default_rules_dir()).resolve()
    with _lock:
        if base in _compiled:
            return True
        if not rules_available(base):
            return False
        _compiled[base] = _compile(base)
        return True


def parse_svrl(svrl: str | bytes) -> list[Problem]:
    """The failed asserts (and successful reports) of one SVRL document as problems, in document order.

    >>> parse_svrl('''<svrl:schematron-output xmlns:svrl="http://purl.oclc.org/dsdl/svrl">
    ...   <svrl:failed-assert id="BR-16" flag="fatal" location="/*:Invoice[namespace-uri()='x'][1]">
    ...     <svrl:text>[BR-16]-An Invoice shall have at least one Invoice line (BG-25)</svrl:text>
    ...   </svrl:failed-assert></svrl:schematron-output>''')
    [Problem(code='BR-16', message='An Invoice shall have at least one Invoice line (BG-25)', location='/Invoice', severity='fatal')]
    """
    data = svrl.encode("utf-8") if isinstance(svrl, str) else svrl
    # The SVRL is Saxon's output for a stylesheet we ship: trusted, but parse it without entities anyway.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    root = etree.fromstring(data, parser)
    problems = []
    for node in root.iter(_FAILED, _REPORT):
        flag = (node.get("flag") or "fatal").strip().lower()
        severity: Severity = cast(Severity, flag) if flag in ("fatal", "warning", "information") else "fatal"
        text = node.findtext(_TEXT) or ""
        message = _RULE_PREFIX.sub("", " ".join(text.split()))
        problems.append(
            Problem(node.get("id") or "SCHEMATRON", message, short_location(node.get("location") or ""), severity)
        )
    return problems


def check_official(root: etree._Element, *, rules_dir: Path | None = None) -> list[Problem]:
    """Run both official stylesheets on ``root`` (the UBL Invoice or CreditNote element).

    Returns every failed assert of both, CEN first. When the rule files are missing, one
    warning ``FF-EHF-RULES-MISSING`` says where they were looked for (like the XSD check,
    a missing rule set is a fault of the installation, not of the document).
    """
    base = (rules_dir or default_rules_dir()).resolve()
    if not load(base):
        return [
            Problem(
                "FF-EHF-RULES-MISSING",
                f"The official Peppol rules ({RULES_RELEASE}) were not found in {base.parent}, so the document "
                "was not checked against them; set FAKTURAFLYT_CORPUS to the corpus directory",
                "",
                "warning",
            )
        ]
    compiled = _compiled[base]
    text = etree.tostring(root, encoding="unicode")
    outputs = []
    with _lock:
        node = compiled.processor.parse_xml(xml_text=text)
        for executable in compiled.executables:
            outputs.append(executable.transform_to_string(xdm_node=node))
    problems: list[Problem] = []
    for output in outputs:
        problems.extend(parse_svrl(output))
    return problems


__all__ = [
    "RULES_RELEASE",
    "STYLESHEETS",
    "check_official",
    "default_rules_dir",
    "load",
    "parse_svrl",
    "rules_available",
    "short_location",
]
