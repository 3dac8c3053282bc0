"""Hypothesis strategies that get past a parser's first checks.

Plain random bytes are refused in the first line of every reader, so most of the search starts
from real files (the seeds of :mod:`tests.fuzz.targets`) and changes them a little:

* :func:`mutated`: byte-level edits (flip, insert, delete, duplicate, truncate, splice two seeds);
* :func:`xml_mutated`: structure-aware edits of an XML seed: an element's text or attribute
  replaced by a nasty value (huge or negative amounts, ``NaN``, impossible dates, control
  characters), elements deleted, duplicated or moved, namespaces changed;
* :func:`csv_mutated`: the rows of a CSV seed re-written with another delimiter, quoting,
  encoding (UTF-8 with BOM, cp1252, UTF-16), line ending, and cells replaced by nasty values;
* :func:`lines_mutated`: fixed-width records (Nets OCR giro) with fields overwritten in place.
"""

from __future__ import annotations

import csv
import io

from hypothesis import strategies as st

NASTY = (
    "",
    " ",
    "0",
    "-0",
    "-1",
    "1e999999",
    "-1E-999999",
    "NaN",
    "sNaN",
    "Infinity",
    "-inf",
    "1,234.56",
    "1.234,56",
    "12 345,00",
    "99999999999999999999999999999.999999",
    "0.0000000000000000000000000001",
    "٣٤",
    "１２３",
    "²",
    "0¹",
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "9999-12-31T23:59:60+25:00",
    "31.02.2026",
    "12/31/2026",
    "T",
    "-",
    "\x00",
    "\x1f",
    "\ufeff",
    "\ud7ff",
    "æøå ÆØÅ",
    "A" * 300,
    "9" * 40,
    "NO",
    "NOK",
    "XXX",
    "%s%n",
    "..",
    "../../etc/passwd",
)

nasty_text = st.one_of(st.sampled_from(NASTY), st.text(max_size=40))


def pick(items: list[bytes]) -> st.SearchStrategy[bytes]:
    """One of ``items`` by index (``sampled_from`` would print every seed file in a failure report)."""
    return st.integers(0, len(items) - 1).map(lambda i: items[i])


def mutated(seeds: list[bytes]) -> st.SearchStrategy[bytes]:
    """A seed with 1 to 8 byte-level edits."""

    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        data = bytearray(draw(pick(seeds)))
        for _ in range(draw(st.integers(1, 8))):
            op = draw(st.sampled_from(("flip", "insert", "delete", "dup", "truncate", "splice", "ascii")))
            n = len(data)
            at = draw(st.integers(0, max(n - 1, 0)))
            if op == "flip" and n:
                data[at] ^= 1 << draw(st.integers(0, 7))
            elif op == "insert":
                data[at:at] = draw(st.binary(min_size=1, max_size=16))
            elif op == "ascii":
                data[at:at] = draw(st.sampled_from(NASTY)).encode("utf-8", "surrogatepass")
            elif op == "delete" and n:
                del data[at : at + draw(st.integers(1, 64))]
            elif op == "dup" and n:
                data[at:at] = data[at : at + draw(st.integers(1, 256))]
            elif op == "truncate":
                del data[at:]
            elif op == "splice":
                other = draw(pick(seeds))
                cut = draw(st.integers(0, len(other)))
                data[at:] = other[cut:]
        return bytes(data)

    return build()


def xml_mutated(seeds: list[bytes]) -> st.SearchStrategy[bytes]:
    """An XML seed with 1 to 5 structural edits (falls back to byte edits for seeds that do not parse)."""
    from lxml import etree

    parsed = []
    strict = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)
    for seed in seeds:
        if b"<!DOCTYPE" in seed:
            continue
        try:
            parsed.append(etree.tostring(etree.fromstring(seed, strict)))
        except (etree.LxmlError, ValueError):
            continue
    if not parsed:
        return mutated(seeds)

    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        root = etree.fromstring(draw(pick(parsed)))
        elements = [e for e in root.iter() if isinstance(e.tag, str)]
        for _ in range(draw(st.integers(1, 5))):
            element = draw(st.sampled_from(elements))
            op = draw(st.sampled_from(("text", "text", "text", "attr", "drop", "dup", "move", "ns", "empty")))
            value = _xml_safe(draw(nasty_text))
            if op == "text":
                element.text = value
            elif op == "attr" and element.attrib:
                element.set(draw(st.sampled_from(sorted(element.attrib))), value)
            elif op == "attr":
                element.set(draw(st.sampled_from(("currencyID", "schemeID", "unitCode", "Ccy"))), value)
            elif op == "drop" and element.getparent() is not None:
                element.getparent().remove(element)
                elements = [e for e in root.iter() if isinstance(e.tag, str)]
            elif op == "dup" and element.getparent() is not None:
                element.addnext(etree.fromstring(etree.tostring(element)))
                elements = [e for e in root.iter() if isinstance(e.tag, str)]
            elif op == "move" and element.getparent() is not None:
                target = draw(st.sampled_from(elements))
                if element not in target.iterancestors() and target is not element:
                    element.getparent().remove(element)
                    target.append(element)
                    elements = [e for e in root.iter() if isinstance(e.tag, str)]
            elif op == "ns":
                element.tag = "{urn:fuzz}" + etree.QName(element).localname
            elif op == "empty":
                for child in list(element):
                    element.remove(child)
                element.text = None
                elements = [e for e in root.iter() if isinstance(e.tag, str)]
        out: bytes = etree.tostring(root, xml_declaration=draw(st.booleans()), encoding="UTF-8")
        return out

    return st.one_of(build(), mutated(seeds))


def _xml_safe(text: str) -> str:
    """Only characters XML 1.0 can carry (lxml refuses the rest when building the tree)."""
    return "".join(
        c for c in text if c in "\t\n\r" or ("\x20" <= c <= "\ud7ff") or ("\ue000" <= c <= "\ufffd") or c > "\uffff"
    )


def csv_mutated(seeds: list[bytes]) -> st.SearchStrategy[bytes]:
    """A CSV seed re-written: other delimiter, quoting, encoding and line end; some cells nasty."""

    def table(seed: bytes) -> list[list[str]]:
        text = seed.decode("utf-8-sig", errors="replace")
        delimiter = ";" if text[:2000].count(";") > text[:2000].count(",") else ","
        return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)][:60]

    tables = [t for t in (table(s) for s in seeds) if t]

    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        rows = [list(r) for r in draw(pick(tables))]
        for _ in range(draw(st.integers(0, 6))):
            r = draw(st.integers(0, len(rows) - 1))
            if not rows[r]:
                continue
            op = draw(st.sampled_from(("cell", "cell", "cell", "drop_cell", "add_cell", "drop_row", "dup_row")))
            c = draw(st.integers(0, len(rows[r]) - 1))
            if op == "cell":
                rows[r][c] = draw(nasty_text)
            elif op == "drop_cell":
                del rows[r][c]
            elif op == "add_cell":
                rows[r].insert(c, draw(nasty_text))
            elif op == "drop_row" and len(rows) > 1:
                del rows[r]
            elif op == "dup_row":
                rows.insert(r, list(rows[r]))
        buffer = io.StringIO()
        writer = csv.writer(
            buffer,
            delimiter=draw(st.sampled_from((",", ";", "\t", "|"))),
            quoting=draw(st.sampled_from((csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC))),
            lineterminator=draw(st.sampled_from(("\n", "\r\n", "\r"))),
        )
        writer.writerows(rows)
        text = buffer.getvalue()
        encoding = draw(st.sampled_from(("utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1")))
        return text.encode(encoding, errors="replace")

    if not tables:
        return mutated(seeds)
    return st.one_of(build(), build(), mutated(seeds))


def lines_mutated(seeds: list[bytes]) -> st.SearchStrategy[bytes]:
    """Fixed-width records with a field overwritten in place (digits, spaces, letters), lines dropped or repeated."""

    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        lines = draw(pick(seeds)).split(b"\n")
        for _ in range(draw(st.integers(1, 6))):
            i = draw(st.integers(0, len(lines) - 1))
            op = draw(st.sampled_from(("field", "field", "field", "drop", "dup", "swap")))
            line = bytearray(lines[i])
            if op == "field":
                at = draw(st.integers(0, max(len(line) - 1, 0)))
                value = draw(
                    st.one_of(
                        st.text("0123456789", min_size=1, max_size=17),
                        st.text(" -+.,X9", min_size=1, max_size=8),
                        st.binary(min_size=1, max_size=4),
                    )
                )
                raw = value.encode("latin-1", "replace") if isinstance(value, str) else value
                line[at : at + len(raw)] = raw
                lines[i] = bytes(line)
            elif op == "drop" and len(lines) > 1:
                del lines[i]
            elif op == "dup":
                lines.insert(i, lines[i])
            elif op == "swap":
                j = draw(st.integers(0, len(lines) - 1))
                lines[i], lines[j] = lines[j], lines[i]
        return b"\n".join(lines)

    return st.one_of(build(), mutated(seeds))


def for_target(kind: str, seeds: list[bytes]) -> st.SearchStrategy[bytes]:
    """The strategy for a target kind: structured mutations of the seeds, and some plain random input."""
    plain: st.SearchStrategy[bytes]
    if kind == "text":
        plain = st.text(max_size=200).map(lambda s: s.encode("utf-8", "surrogatepass"))
        nasty = st.lists(nasty_text, max_size=6).map(lambda xs: " ".join(xs).encode("utf-8", "surrogatepass"))
        if not seeds:
            return st.one_of(plain, nasty)
        return st.one_of(plain, nasty, mutated(seeds))
    plain = st.binary(max_size=512)
    if not seeds:
        return plain
    structured = {"xml": xml_mutated, "csv": csv_mutated, "lines": lines_mutated}.get(kind, mutated)(seeds)
    return st.one_of(structured, structured, structured, plain, pick(seeds))
