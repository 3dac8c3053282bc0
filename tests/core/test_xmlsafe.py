"""The hardened XML parser shared by every XML reader of the core (hostile cases: tests/core/ehf/test_hostile.py)."""

from __future__ import annotations

import pytest

from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.xmlsafe import attribute, element_path, parse_xml, text


def code_of(data: bytes, **kwargs: object) -> FormatError:
    with pytest.raises(FormatError) as info:
        parse_xml(data, **kwargs)  # type: ignore[arg-type]
    return info.value


def test_parses_and_drops_comments_and_processing_instructions() -> None:
    root = parse_xml(b'<?xml version="1.0"?>\n<!-- hello --><?pi x?><a><b>1<!-- c -->2<?pi y?>3</b></a>')
    assert root.tag == "a" and root.findtext("b") == "123" and len(root) == 1


def test_accepts_bytearray_and_memoryview_but_not_str() -> None:
    assert parse_xml(bytearray(b"<a/>")).tag == "a"
    assert parse_xml(memoryview(b"<a/>")).tag == "a"
    with pytest.raises(TypeError):
        parse_xml("<a/>")  # type: ignore[arg-type]


def test_what_names_the_input_in_messages() -> None:
    error = code_of(b"<a>", what="The bank statement")
    assert error.code == "FF-XML-SYNTAX" and str(error).startswith(
        "FF-XML-SYNTAX: The bank statement is not well-formed"
    )


def test_size_is_checked_before_anything_else() -> None:
    assert code_of(b"%PDF" + b"x" * 100, max_bytes=50).code == "FF-XML-TOO-LARGE"
    assert parse_xml(b"<a/>", max_bytes=4).tag == "a"


def test_doctype_location_names_its_line() -> None:
    error = code_of(b'<?xml version="1.0"?>\n<!-- a comment -->\n<!DOCTYPE a SYSTEM "a.dtd">\n<a/>')
    assert (error.code, error.problems[0].location) == ("FF-XML-DTD", "line 3")


def test_doctype_text_inside_a_comment_is_not_a_doctype() -> None:
    assert parse_xml(b"<!-- <!DOCTYPE a> --><a/>").tag == "a"


def test_syntax_error_location() -> None:
    error = code_of(b"<a>\n  <b>\n</a>")
    assert error.code == "FF-XML-SYNTAX" and error.problems[0].location == "line 3, column 5"


def test_text_and_attribute_helpers() -> None:
    root = parse_xml(b'<a x="  1 " y=" "><b>\n  v \n</b><c/><d>  </d></a>')
    assert (text(root.find("b")), text(root.find("c")), text(root.find("d")), text(root.find("e"))) == (
        "v",
        None,
        None,
        None,
    )
    assert (attribute(root, "x"), attribute(root, "y"), attribute(root, "z"), attribute(None, "x")) == (
        "1",
        None,
        None,
        None,
    )


def test_element_path() -> None:
    root = parse_xml(b'<r xmlns="urn:r" xmlns:c="urn:c" xmlns:o="urn:o"><c:l/><c:l><o:x/><c:id/></c:l></r>')
    assert element_path(root, {"urn:c": "c", "urn:r": ""}) == "/r"
    assert element_path(root[1][0], {"urn:c": "c"}) == "/r/c:l[2]/x"
    assert element_path(root[1][1], {"urn:c": "c"}) == "/r/c:l[2]/c:id"
