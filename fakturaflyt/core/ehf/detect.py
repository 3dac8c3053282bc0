"""What a received XML document is, before it is read: UBL Invoice or CreditNote, and which customization.

EHF Billing 3.0 is Peppol BIS Billing 3.0 (https://docs.peppol.eu/poacc/billing/3.0/): a UBL 2.1
``Invoice`` or ``CreditNote`` whose ``cbc:CustomizationID`` (BT-24) names the EN 16931-1
specification it follows. Access points often deliver it inside a Standard Business Document
envelope (SBDH, namespace ``http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader``);
:func:`load_document` unwraps that envelope and refuses, with a message naming what was found,
everything that is not a UBL invoice or credit note:

==================== ============================================================
``FF-EHF-SBDH``      an SBDH envelope without a document inside
``FF-EHF-CII``       a UN/CEFACT Cross Industry Invoice (CII), not UBL
``FF-EHF-DOCTYPE``   another UBL document (Order, DespatchAdvice, ApplicationResponse, ...)
``FF-EHF-ROOT``      any other root element
==================== ============================================================

:func:`require_en16931` then accepts the EN 16931 customizations (the CEN core
``urn:cen.eu:en16931:2017`` and every CIUS or extension of it, ``...#compliant#...`` or
``...#conformant#...``, Peppol BIS 3 / EHF 3 among them) and refuses EHF 2.x (CEN BII2) and
anything else with ``FF-EHF-CUSTOMIZATION`` naming the CustomizationID, or ``BR-01`` when it is
missing.

>>> info = document_info(b'''<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
...   xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
...   <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID></Invoice>''')
>>> info.kind, info.customization_id, info.profile_id, info.is_en16931
('Invoice', 'urn:cen.eu:en16931:2017', None, True)
>>> document_info(b'<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"/>')
Traceback (most recent call last):
...
fakturaflyt.core.errors.FormatError: FF-EHF-CII: This is a UN/CEFACT Cross Industry Invoice (CII), not UBL: EHF and Peppol BIS Billing 3.0 use the UBL 2.1 Invoice or CreditNote syntax; ask the sender for EHF / Peppol BIS 3 (at /CrossIndustryInvoice)
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from lxml import etree

from fakturaflyt.core.ehf.model import DocumentKind
from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.xmlsafe import DEFAULT_MAX_BYTES, parse_xml, text

UBL_NS_PREFIX = "urn:oasis:names:specification:ubl:schema:xsd:"
INVOICE_NS = UBL_NS_PREFIX + "Invoice-2"
CREDIT_NOTE_NS = UBL_NS_PREFIX + "CreditNote-2"
CBC = UBL_NS_PREFIX + "CommonBasicComponents-2"
CAC = UBL_NS_PREFIX + "CommonAggregateComponents-2"
SBDH_NS = "http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader"
CII_NS_PREFIX = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice"

#: Namespace prefixes for ``find``/``findall`` and the prefixes shown in locations.
NS = {"cbc": CBC, "cac": CAC}
PREFIXES = {CBC: "cbc", CAC: "cac", INVOICE_NS: "", CREDIT_NOTE_NS: ""}

EN16931 = "urn:cen.eu:en16931:2017"
_KINDS: dict[str, DocumentKind] = {
    f"{{{INVOICE_NS}}}Invoice": "Invoice",
    f"{{{CREDIT_NOTE_NS}}}CreditNote": "CreditNote",
}


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """What :func:`document_info` found: the UBL document type and its BT-24 / BT-23 identifiers."""

    kind: DocumentKind  # "Invoice" or "CreditNote"
    customization_id: str | None  # BT-24 cbc:CustomizationID
    profile_id: str | None  # BT-23 cbc:ProfileID
    enveloped: bool = False  # it came inside an SBDH envelope

    @property
    def is_en16931(self) -> bool:
        """True for the CEN core and every CIUS/extension of it (Peppol BIS 3, EHF 3, XRechnung, ...)."""
        return is_en16931(self.customization_id)


def is_en16931(customization_id: str | None) -> bool:
    """Whether a CustomizationID (BT-24) declares an EN 16931-1 document.

    >>> is_en16931("urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0")
    True
    >>> is_en16931("urn:www.cenbii.eu:transaction:biitrns010:ver2.0:extended:urn:www.difi.no:ehf:faktura:ver2.0")
    False
    """
    if customization_id is None:
        return False
    return customization_id == EN16931 or customization_id.startswith(
        (EN16931 + "#compliant#", EN16931 + "#conformant#")
    )


def unwrap_sbdh(root: etree._Element) -> tuple[etree._Element, bool]:
    """The business document inside an SBDH envelope (as the root of its own tree), or ``root`` itself."""
    if root.tag != f"{{{SBDH_NS}}}StandardBusinessDocument":
        return root, False
    for child in root:
        if isinstance(child.tag, str) and etree.QName(child).namespace != SBDH_NS:
            # A copy is the root of a new document, so XSD, XSLT and locations see "/Invoice/...".
            payload = copy.deepcopy(child)
            payload.tail = None
            return payload, True
    raise FormatError(
        "FF-EHF-SBDH",
        "The file is a Standard Business Document (SBDH) envelope with no invoice or credit note inside",
        "/StandardBusinessDocument",
    )


def document_kind(root: etree._Element) -> DocumentKind:
    """``"Invoice"`` or ``"CreditNote"`` for a UBL 2.1 root; a :class:`FormatError` naming anything else."""
    kind = _KINDS.get(str(root.tag))
    if kind is not None:
        return kind
    qname = etree.QName(root)
    namespace, local = qname.namespace or "", qname.localname
    where = f"/{local}"
    if namespace.startswith(CII_NS_PREFIX) or local == "CrossIndustryInvoice":
        raise FormatError(
            "FF-EHF-CII",
            "This is a UN/CEFACT Cross Industry Invoice (CII), not UBL: EHF and Peppol BIS Billing 3.0 use the "
            "UBL 2.1 Invoice or CreditNote syntax; ask the sender for EHF / Peppol BIS 3",
            where,
        )
    if namespace.startswith(UBL_NS_PREFIX) and namespace.endswith("-2"):
        found = namespace[len(UBL_NS_PREFIX) : -2]
        raise FormatError(
            "FF-EHF-DOCTYPE",
            f"This is a UBL {found} document (root element {local}), not an invoice or credit note",
            where,
        )
    found = f"<{local}> in namespace {namespace}" if namespace else f"<{local}> without a namespace"
    raise FormatError(
        "FF-EHF-ROOT",
        f"The document element is {found}; an EHF invoice is a UBL 2.1 <Invoice> in namespace {INVOICE_NS} "
        f"or a <CreditNote> in namespace {CREDIT_NOTE_NS}",
        where,
    )


def load_document(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[etree._Element, DocumentInfo]:
    """Parse (hardened), unwrap an SBDH envelope and identify a UBL invoice or credit note.

    Returns the UBL root element and its :class:`DocumentInfo`; any customization is accepted
    here (see :func:`require_en16931`), so a validator can still report on an EHF 2 file.
    """
    root = parse_xml(data, max_bytes=max_bytes, what="The document")
    root, enveloped = unwrap_sbdh(root)
    kind = document_kind(root)
    customization = text(root.find("cbc:CustomizationID", NS))
    profile = text(root.find("cbc:ProfileID", NS))
    return root, DocumentInfo(kind, customization, profile, enveloped)


def document_info(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> DocumentInfo:
    """The document type, CustomizationID and ProfileID of a UBL invoice or credit note (see :func:`load_document`)."""
    return load_document(data, max_bytes=max_bytes)[1]


def require_en16931(info: DocumentInfo) -> None:
    """Refuse a document whose CustomizationID (BT-24) is missing (``BR-01``) or not EN 16931 (``FF-EHF-CUSTOMIZATION``)."""
    cid = info.customization_id
    where = f"/{info.kind}/cbc:CustomizationID"
    if cid is None:
        raise FormatError(
            "BR-01",
            "The specification identifier (BT-24, cbc:CustomizationID) is missing, so it is unknown which rules "
            "the document follows; an EHF 3 invoice has "
            + EN16931
            + "#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0",
            where,
        )
    if is_en16931(cid):
        return
    if cid.startswith("urn:www.cenbii.eu:"):
        version = "EHF 2.x" if "difi.no" in cid or "peppol" in cid else "CEN BII2"
        raise FormatError(
            "FF-EHF-CUSTOMIZATION",
            f"This is a {version} document (CustomizationID {cid}); EHF 2 was retired in 2019 and only "
            "EHF 3 / Peppol BIS Billing 3.0 (EN 16931) is read: ask the sender to send it as EHF 3",
            where,
        )
    raise FormatError(
        "FF-EHF-CUSTOMIZATION",
        f"The CustomizationID {cid} does not declare an EN 16931 document; only EHF 3 / Peppol BIS Billing 3.0 "
        f"and other EN 16931 invoices ({EN16931}...) are read",
        where,
    )
