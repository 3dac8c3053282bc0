"""Validate an EHF / Peppol BIS Billing 3.0 document: XSD, reading, our rules and (on request) the official rules.

:func:`validate` is what ``fakturaflyt ehf validate`` and the intake run on a received file.
It reports every problem at once, the way the official validators do:

1. **parse** with the hardened parser, unwrap an SBDH envelope, identify the document
   (:func:`.detect.load_document`); if that fails nothing else can run and its problem is the report;
2. **UBL 2.1 XSD** (:mod:`.xsd`), code ``XSD``;
3. **read** the document into the model (:mod:`.read`); a missing mandatory term is reported
   with its rule id (``BR-02``, ...). Reading does not depend on the XSD result, so
4. **our rules** (:mod:`.rules`) run whenever the model could be built, even if the XSD
   check failed;
5. with ``official=True``, the **official CEN + Peppol schematron** (:mod:`.official`), on the
   document as received (also when reading failed).

``valid`` is True when no problem is fatal: warnings (``NO-R-002`` "Foretaksregisteret",
``FF-EHF-XSD-MISSING``, ...) are reported but do not fail the document.

**Same rule twice.** With ``official=True`` a rule we implement is reported by both sides.
We keep ours and drop the official report when it is the same rule at the same place: our
message names the amounts and says what to do, and the rule id is the official one anyway.
"The same place" means the same location, or (because a location can be written in two ways)
the same number of reports of that rule on both sides. Where the official rules report a rule
of ours at more places than we do, those extra reports are kept, so nothing the judge found is
ever hidden.

>>> report = validate(b"%PDF-1.7 ...", filename="faktura.pdf")
>>> report.valid, report.document_type, [p.code for p in report.problems]
(False, None, ['FF-XML-NOT-XML'])
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from fakturaflyt.core.ehf.detect import load_document
from fakturaflyt.core.ehf.model import DocumentKind
from fakturaflyt.core.ehf.read import read_element
from fakturaflyt.core.ehf.rules import check
from fakturaflyt.core.ehf.xsd import validate_xsd
from fakturaflyt.core.errors import FakturaflytError, Problem
from fakturaflyt.core.xmlsafe import DEFAULT_MAX_BYTES


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """The outcome of :func:`validate` for one document."""

    valid: bool  # no fatal problem
    document_type: DocumentKind | None  # "Invoice" / "CreditNote", None when not even that could be found
    customization_id: str | None  # BT-24 as found in the document
    problems: tuple[Problem, ...]  # fatal problems first, then warnings; each group in the order found
    filename: str = ""  # as passed in, for reports over many files

    @property
    def fatal(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "fatal")


def merge(ours: list[Problem], official: list[Problem]) -> list[Problem]:
    """Our problems plus the official ones that do not repeat one of ours (see the module docstring).

    >>> a = Problem("BR-CO-15", "ours", "/Invoice")
    >>> merge([a], [Problem("BR-CO-15", "theirs", "/Invoice"), Problem("BR-01", "x", "/Invoice")])
    [Problem(code='BR-CO-15', message='ours', location='/Invoice', severity='fatal'), Problem(code='BR-01', message='x', location='/Invoice', severity='fatal')]
    """
    our_count = Counter(p.code for p in ours)
    official_count = Counter(p.code for p in official)
    our_places = {(p.code, p.location) for p in ours}
    kept = list(ours)
    for p in official:
        if p.code in our_count and ((p.code, p.location) in our_places or official_count[p.code] == our_count[p.code]):
            continue
        kept.append(p)
    return kept


def validate(
    data: bytes,
    *,
    official: bool = False,
    filename: str = "",
    schema_dir: Path | None = None,
    rules_dir: Path | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ValidationReport:
    """Check one received document; see the module docstring for the steps and what ``valid`` means.

    ``schema_dir`` / ``rules_dir`` override where the UBL XSDs and the official XSLT are found
    (default: the corpus, ``$FAKTURAFLYT_CORPUS``).
    """
    try:
        root, info = load_document(data, max_bytes=max_bytes)
    except FakturaflytError as exc:
        return ValidationReport(False, None, None, exc.problems, filename)
    problems = validate_xsd(root, schema_dir=schema_dir)
    ours: list[Problem] = []
    try:
        invoice = read_element(root)
    except FakturaflytError as exc:
        ours.extend(exc.problems)
    else:
        ours.extend(check(invoice))
    if official:
        from fakturaflyt.core.ehf.official import check_official  # loads saxonche only when asked

        problems.extend(merge(ours, check_official(root, rules_dir=rules_dir)))
    else:
        problems.extend(ours)
    ordered = sorted(problems, key=lambda p: p.severity != "fatal")
    valid = not any(p.severity == "fatal" for p in ordered)
    return ValidationReport(valid, info.kind, info.customization_id, tuple(ordered), filename)


__all__ = ["ValidationReport", "merge", "validate"]
