"""Hardened XML parsing for every XML format the core reads: EHF/UBL now, camt.05x and pain.002 later.

Received files come from outside and are hostile until proven otherwise. :func:`parse_xml`
parses them with lxml (libxml2) set up the way the OWASP XML cheat sheet recommends:

* the size is checked **before** parsing (default at most 20 MiB);
* no DTD is loaded, no entity is resolved, nothing is fetched from the network
  (``load_dtd=False, resolve_entities=False, no_network=True``), and any document type
  declaration is refused outright (``FF-XML-DTD``): UBL, ISO 20022 and SBDH never use one, so
  a ``<!DOCTYPE`` can only be an XXE or "billion laughs" attempt, or a mistake;
* libxml2's own limits stay on (``huge_tree=False``): nesting at most 256 deep and one text
  node at most 10 MB (``FF-XML-LIMIT``);
* comments and processing instructions are dropped, so ``<cbc:ID>12<!-- x -->34</cbc:ID>``
  reads as ``1234``.

Every failure is a :class:`~fakturaflyt.core.errors.FormatError` with a stable code:

=================== ==============================================================
``FF-XML-TOO-LARGE`` larger than ``max_bytes`` (checked before parsing)
``FF-XML-NOT-XML``   empty, binary or another format (PDF, ZIP, image, JSON, ...)
``FF-XML-DTD``       has a document type declaration (DTD / entities)
``FF-XML-ENCODING``  bytes that do not match the declared encoding, or an unknown one
``FF-XML-SYNTAX``    not well-formed; the message names line and column
``FF-XML-LIMIT``     nesting too deep or a single text larger than 10 MB
=================== ==============================================================

>>> parse_xml(b"<a><b> x </b></a>").findtext("b")
' x '
>>> parse_xml(b"<a><b>x</a>", what="The invoice")
Traceback (most recent call last):
...
fakturaflyt.core.errors.FormatError: FF-XML-SYNTAX: The invoice is not well-formed XML at line 1, column 12: Opening and ending tag mismatch: b line 1 and a (at line 1, column 12)
>>> parse_xml(b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>').tag
Traceback (most recent call last):
...
fakturaflyt.core.errors.FormatError: FF-XML-DTD: XML contains a document type declaration (<!DOCTYPE ...>), which is refused: it can make the reader open local files or expand entities without limit; the sender must remove it (at line 1)
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from typing import TypedDict

from lxml import etree

from fakturaflyt.core.errors import FormatError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

#: libxml2 error codes that mean "the bytes do not fit the encoding" (xmlerror.h).
_ENCODING_ERRORS = frozenset(
    {
        etree.ErrorTypes.ERR_INVALID_ENCODING,
        etree.ErrorTypes.ERR_UNSUPPORTED_ENCODING,
        etree.ErrorTypes.ERR_UNKNOWN_ENCODING,
        etree.ErrorTypes.ERR_ENCODING_NAME,
        etree.ErrorTypes.I18N_CONV_FAILED,
        etree.ErrorTypes.I18N_NO_HANDLER,
    }
)
_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"{", "JSON, not XML"),
    (b"[", "JSON, not XML"),
)
_BOMS = (
    (b"\xef\xbb\xbf", None),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_HEAD = 64 * 1024  # how much is sniffed before parsing; the parsed tree is checked again afterwards
_SPACE = re.compile(r"[ \t\r\n]*")
_DECLARED_ENCODING = re.compile(r"""^<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_POSITION = re.compile(r",? line \d+, column \d+\s*$")
_local = threading.local()


class ParserOptions(TypedDict):
    resolve_entities: bool
    no_network: bool
    load_dtd: bool
    dtd_validation: bool
    attribute_defaults: bool
    huge_tree: bool
    remove_comments: bool
    remove_pis: bool
    recover: bool


HARDENED: ParserOptions = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "attribute_defaults": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
    "recover": False,
}
"""The parser options for untrusted XML: no entities, no DTD, no network, libxml2's limits on.
For ``etree.XMLParser`` here and ``etree.XMLPullParser`` in streaming readers (SAF-T)."""


def _parser() -> etree.XMLParser:
    """One parser per thread: an lxml parser must not be used by two threads at once."""
    parser: etree.XMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(**HARDENED)
        _local.parser = parser
    return parser


def _head(data: bytes) -> str:
    """The start of ``data`` as text, decoded just well enough to sniff its prolog."""
    codec = None
    start = 0
    for bom, bom_codec in _BOMS:
        if data.startswith(bom):
            codec, start = bom_codec, len(bom)
            break
    else:
        if data.startswith(b"<\x00"):
            codec = "utf-16-le"
        elif data.startswith(b"\x00<"):
            codec = "utf-16-be"
    chunk = data[start : start + _HEAD]
    # Latin-1 maps every byte to one character: fine for finding ASCII markup in any ASCII-compatible encoding.
    return chunk.decode(codec or "latin-1", errors="replace")


def _skip_space(s: str, i: int) -> int:
    match = _SPACE.match(s, i)
    return match.end() if match else i


def _not_xml(data: bytes, head: str, what: str) -> FormatError | None:
    """A ``FF-XML-NOT-XML`` error when the bytes cannot be XML at all, naming what they look like."""
    if not data.strip():
        return FormatError("FF-XML-NOT-XML", f"{what} is empty", "")
    body = head[_skip_space(head, 0) :]
    if body.startswith("<") and "\x00" not in head:
        return None
    stripped = data.lstrip()
    for magic, name in _MAGIC:
        if stripped.startswith(magic):
            return FormatError("FF-XML-NOT-XML", f"{what} is not XML: it looks like {name}", "")
    if "\x00" in head:
        return FormatError("FF-XML-NOT-XML", f"{what} is not XML: it contains binary data (NUL bytes)", "")
    return FormatError("FF-XML-NOT-XML", f"{what} is not XML: it does not start with '<' (found {body[:20]!r})", "")


def _prolog_doctype(head: str) -> int:
    """Where a ``<!DOCTYPE`` stands before the first element (after the XML declaration, comments, PIs), or -1."""
    i = 0
    n = len(head)
    while i < n:
        i = _skip_space(head, i)
        if head.startswith("<?", i):
            close = "?>"
        elif head.startswith("<!--", i):
            close = "-->"
        else:
            return i if head.startswith("<!DOCTYPE", i) else -1
        end = head.find(close, i + 2)
        if end < 0:
            return -1
        i = end + len(close)
    return -1


def dtd_error(what: str, line: int | None = None) -> FormatError:
    return FormatError(
        "FF-XML-DTD",
        f"{what} contains a document type declaration (<!DOCTYPE ...>), which is refused: it can make the "
        "reader open local files or expand entities without limit; the sender must remove it",
        f"line {line}" if line else "",
    )


def syntax_error(exc: etree.XMLSyntaxError, head: str, what: str) -> FormatError:
    line, column = exc.position if exc.position else (0, 0)
    where = f"line {line}, column {column}"
    message = _POSITION.sub("", str(exc.msg or exc)).strip()
    if exc.code in _ENCODING_ERRORS:
        m = _DECLARED_ENCODING.match(head.lstrip("\ufeff"))
        declared = m.group(1) if m else "UTF-8 (the default)"
        return FormatError(
            "FF-XML-ENCODING",
            f"{what} declares the character encoding {declared}, but its bytes do not match it at {where} "
            f"({message}); often the file is Latin-1 or Windows-1252 text: save it as UTF-8 "
            "or declare its real encoding",
            where,
        )
    if exc.code == etree.ErrorTypes.ERR_RESOURCE_LIMIT:
        return FormatError(
            "FF-XML-LIMIT",
            f"{what} exceeds the XML reader's safety limits at {where} ({message}): elements nested more than "
            "256 deep, or a single text (usually an embedded attachment) larger than 10 MB",
            where,
        )
    if exc.code == etree.ErrorTypes.ERR_DOCUMENT_EMPTY:
        return FormatError("FF-XML-NOT-XML", f"{what} is not XML: {message}", where)
    return FormatError("FF-XML-SYNTAX", f"{what} is not well-formed XML at {where}: {message}", where)


def parse_xml(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, what: str = "XML") -> etree._Element:
    """Parse untrusted bytes into an lxml element, or raise :class:`FormatError` (see the module doc).

    ``what`` names the input in messages ("The invoice", "The bank statement").
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"parse_xml needs bytes, not {type(data).__name__}")
    data = bytes(data)
    head = check_prolog(data, max_bytes=max_bytes, what=what)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise syntax_error(exc, head, what) from None
    except (etree.LxmlError, ValueError) as exc:  # defensive: any other parser failure is still "not readable"
        raise FormatError("FF-XML-SYNTAX", f"{what} cannot be parsed: {exc}", "") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise dtd_error(what)
    return root


def check_prolog(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, what: str = "XML") -> str:
    """The checks made before any parser sees untrusted bytes: size, "is it XML at all" (encoding,
    BOM, binary), and no DOCTYPE. Raise :class:`FormatError`, else return the decoded head of the
    document for :func:`syntax_error`. Streaming readers (SAF-T) call it before ``XMLPullParser``."""
    if len(data) > max_bytes:
        raise FormatError(
            "FF-XML-TOO-LARGE",
            f"{what} is {len(data):,} bytes; at most {max_bytes:,} bytes are accepted".replace(",", " "),
            "",
        )
    head = _head(data)
    problem = _not_xml(data, head, what)
    if problem is not None:
        raise problem
    doctype = _prolog_doctype(head)
    if doctype >= 0:
        raise dtd_error(what, head.count("\n", 0, doctype) + 1)
    return head


def text(element: etree._Element | None) -> str | None:
    """The element's text without surrounding whitespace; ``None`` for a missing or empty element.

    >>> text(parse_xml(b"<a>  NO 123  </a>")), text(parse_xml(b"<a> </a>")), text(None)
    ('NO 123', None, None)
    """
    if element is None or element.text is None:
        return None
    value = element.text.strip()
    return value or None


def attribute(element: etree._Element | None, name: str) -> str | None:
    """An attribute without surrounding whitespace; ``None`` when absent or blank."""
    if element is None:
        return None
    value = element.get(name)
    if value is None:
        return None
    return value.strip() or None


def element_path(element: etree._Element, prefixes: Mapping[str, str]) -> str:
    """An XPath-like location such as ``/Invoice/cac:InvoiceLine[2]/cbc:ID`` for messages.

    ``prefixes`` maps namespace URIs to the prefix to show (``""`` for none); other namespaces
    show as their local name only. A position is given when siblings share the tag.

    >>> root = parse_xml(b'<r xmlns:c="urn:c"><c:l/><c:l><c:id/></c:l></r>')
    >>> element_path(root[1][0], {"urn:c": "c"})
    '/r/c:l[2]/c:id'
    """
    steps: list[str] = []
    node: etree._Element | None = element
    while node is not None:
        qname = etree.QName(node)
        prefix = prefixes.get(qname.namespace or "", "")
        step = f"{prefix}:{qname.localname}" if prefix else qname.localname
        parent = node.getparent()
        if parent is not None:
            same = [sibling for sibling in parent if sibling.tag == node.tag]
            if len(same) > 1:
                step += f"[{same.index(node) + 1}]"
        steps.append(step)
        node = parent
    return "/" + "/".join(reversed(steps))
