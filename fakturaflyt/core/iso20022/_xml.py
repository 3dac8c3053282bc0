"""Shared helpers of the ISO 20022 readers and writers: where the XSDs are, reading by structure.

ISO 20022 messages put every element of one message in one namespace
(``urn:iso:std:iso:20022:tech:xsd:camt.053.001.02``, a bank's own variant such as
``http://www.six-interbank-clearing.com/de/pain.002.001.03.ch.02.xsd``, ...). The readers find
the message element by its *local* name and then address its children in that element's own
namespace, so every version and national variant is read by structure, not by one namespace.

>>> from fakturaflyt.core.xmlsafe import parse_xml
>>> root = parse_xml(b'<Document xmlns="urn:x"><Msg><A><B> 7 </B></A></Msg></Document>')
>>> message, name = find_message(root, ("Msg",))
>>> Finder(message).text(message, "A/B")
'7'
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from lxml import etree

from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.xmlsafe import element_path

_VERSION_SUFFIX = re.compile(r"V\d{2}$")

#: Where the ISO 20022 XSDs sit inside the corpus directory.
BANK_XSD_SUBDIR = Path("bank") / "xsd"


def corpus_dir() -> Path:
    """The shared corpus: ``$FAKTURAFLYT_CORPUS``, else ``../shared/corpus`` beside the repository."""
    env = os.environ.get("FAKTURAFLYT_CORPUS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3].parent / "shared" / "corpus"


def default_xsd_dir() -> Path:
    """Where ``pain.001.001.09.xsd`` and its siblings are looked for when no directory is given."""
    return corpus_dir() / BANK_XSD_SUBDIR


def local_name(element: etree._Element) -> str:
    """The element's name without its namespace (``{urn:x}Ntry`` -> ``Ntry``)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def find_message(root: etree._Element, names: tuple[str, ...]) -> tuple[etree._Element, str]:
    """The message element (``BkToCstmrStmt``, ``CstmrPmtStsRpt``...) at or below ``root``.

    Accepts the plain ``Document`` wrapper and a business-message envelope around it (AppHdr +
    Document). Raises ``KeyError`` when none of ``names`` is found; callers turn that into their
    own ``FF-...-ROOT`` error.
    """
    for element in root.iter():
        # The 2008 first versions suffix the message name with the version (BkToCstmrStmtV01).
        name = _VERSION_SUFFIX.sub("", local_name(element))
        if name in names:
            return element, name
    raise KeyError(names)


@lru_cache(maxsize=4096)
def _clark(namespace: str, path: str) -> str:
    if not namespace:
        return path
    return "/".join(f"{{{namespace}}}{step}" for step in path.split("/"))


class Finder:
    """Finds children by local-name paths (``"Acct/Id/IBAN"``) in the message's own namespace."""

    __slots__ = ("namespace",)

    def __init__(self, message: etree._Element) -> None:
        self.namespace = etree.QName(message).namespace or ""

    def find(self, element: etree._Element, path: str) -> etree._Element | None:
        return element.find(_clark(self.namespace, path))

    def findall(self, element: etree._Element, path: str) -> list[etree._Element]:
        return element.findall(_clark(self.namespace, path))

    def text(self, element: etree._Element | None, path: str) -> str:
        """The stripped text at ``path`` below ``element``; ``""`` when missing or empty."""
        if element is None:
            return ""
        found = element.find(_clark(self.namespace, path))
        if found is None or found.text is None:
            return ""
        return found.text.strip()

    def first_text(self, element: etree._Element | None, *paths: str) -> str:
        """The first non-empty text among ``paths``."""
        for path in paths:
            value = self.text(element, path)
            if value:
                return value
        return ""


def where(element: etree._Element) -> str:
    """A location for messages: ``line 12, /Document/BkToCstmrStmt/Stmt/Ntry[3]/Amt``."""
    path = element_path(element, {})
    return f"line {element.sourceline}, {path}" if element.sourceline else path


def parse_decimal(value: str, element: etree._Element, code: str, what: str) -> Decimal:
    """An ISO 20022 amount (``xs:decimal``) as ``Decimal``, or ``FormatError(code)`` naming the element."""
    try:
        result = Decimal(value.strip())
    except InvalidOperation:
        result = Decimal("NaN")
    if not result.is_finite() or "e" in value.lower():
        raise FormatError(code, f"{what} {value!r} is not a decimal amount", where(element))
    return result


def parse_date(value: str, element: etree._Element, code: str, what: str) -> date:
    """``xs:date`` or ``xs:dateTime`` as the calendar date the bank wrote, or ``FormatError(code)``."""
    text = value.strip()
    try:
        if "T" in text:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        return date.fromisoformat(text[:10])
    except ValueError:
        raise FormatError(code, f"{what} {value!r} is not an ISO date (YYYY-MM-DD)", where(element)) from None
