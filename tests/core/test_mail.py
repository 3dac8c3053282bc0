"""Invoices out of e-mails and zip files (fakturaflyt.core.mail): what is taken, what is skipped and why, bounds."""

from __future__ import annotations

import io
import os
import zipfile
from email.message import EmailMessage

import pytest

from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.filetypes import image_size
from fakturaflyt.core.mail import Limits, read_headers, read_message, unpack_zip

PDF = b"%PDF-1.7\n" + os.urandom(2000) + b"\n%%EOF\n"
EHF = b'<?xml version="1.0" encoding="UTF-8"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>'


def png(width: int, height: int, noise: bool = True) -> bytes:
    from PIL import Image

    image = (
        Image.frombytes("L", (width, height), os.urandom(width * height)) if noise else Image.new("L", (width, height))
    )
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def jpeg(width: int, height: int) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(buf, "JPEG", quality=90)
    return buf.getvalue()


def zip_of(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def supplier_mail(**extra: bytes) -> EmailMessage:
    """What a supplier's mail program sends: text + HTML with an inline logo, the invoice, a signature."""
    msg = EmailMessage()
    msg["From"] = "Bergen Kontorutstyr <faktura@bergenkontor.no>"
    msg["To"] = "Alfa AS <faktura+924753811@inbox.fakturaflyt.test>"
    msg["Subject"] = "Faktura 1001 fra Bergen Kontorutstyr"
    msg["Message-ID"] = "<1001.invoice@bergenkontor.no>"
    msg.set_content("Hei, vedlagt faktura 1001.\n\nMed vennlig hilsen\nBergen Kontorutstyr")
    msg.add_alternative('<p>Hei, vedlagt faktura.</p><img src="cid:logo123@bergenkontor.no">', subtype="html")
    html = msg.get_payload()[1]
    html.add_related(png(600, 200), "image", "png", cid="<logo123@bergenkontor.no>", filename="logo.png")
    msg.add_attachment(PDF, "application", "pdf", filename="Faktura 1001.pdf")
    for name, data in extra.items():
        maintype, subtype = {
            ".xml": ("application", "xml"),
            ".zip": ("application", "zip"),
            ".png": ("image", "png"),
            ".jpg": ("image", "jpeg"),
            ".vcf": ("text", "vcard"),
            ".ics": ("text", "calendar"),
            ".asc": ("application", "pgp-signature"),
            ".p7s": ("application", "pkcs7-signature"),
            ".eml": ("message", "rfc822"),
            ".docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
        }[os.path.splitext(name)[1]]
        if maintype == "message":
            from email import message_from_bytes, policy

            msg.add_attachment(message_from_bytes(data, policy=policy.default))
        elif maintype == "text":
            msg.add_attachment(data.decode(), subtype=subtype, filename=name)
        else:
            msg.add_attachment(data, maintype, subtype, filename=name)
    return msg


def test_invoice_attachments_are_taken_and_logos_and_signatures_skipped() -> None:
    msg = supplier_mail(
        **{
            "faktura.xml": EHF,
            "signature.asc": b"-----BEGIN PGP SIGNATURE-----\nxyz\n-----END PGP SIGNATURE-----",
            "smime.p7s": b"0\x82\x05\x00binary",
            "kontakt.vcf": b"BEGIN:VCARD\nFN:Per\nEND:VCARD\n",
            "mote.ics": b"BEGIN:VCALENDAR\nEND:VCALENDAR\n",
            "ikon.png": png(48, 48, noise=False),
            "kvittering.jpg": jpeg(1200, 1600),
            "vilkar.docx": b"PK\x03\x04 not really",
        }
    )
    result = read_message(msg.as_bytes())
    assert result.message_id == "<1001.invoice@bergenkontor.no>" and result.sender == "faktura@bergenkontor.no"
    assert result.recipients == ("faktura+924753811@inbox.fakturaflyt.test",)
    assert [(p.filename, p.content_type) for p in result.attachments] == [
        ("Faktura 1001.pdf", "application/pdf"),
        ("faktura.xml", "application/xml"),
        ("kvittering.jpg", "image/jpeg"),
    ]
    assert result.attachments[0].data == PDF
    skipped = {s.filename: s.code for s in result.skipped}
    assert skipped == {
        "logo.png": "FF-MAIL-INLINE-IMAGE",
        "signature.asc": "FF-MAIL-SIGNATURE",
        "smime.p7s": "FF-MAIL-SIGNATURE",
        "kontakt.vcf": "FF-MAIL-VCARD",
        "mote.ics": "FF-MAIL-CALENDAR",
        "ikon.png": "FF-MAIL-LOGO",
        "vilkar.docx": "FF-ZIP-BAD",  # it says PK (a zip) but is not one: skipped with the reason, never lost
    }
    assert all(s.reason for s in result.skipped)


def test_a_zip_attachment_and_a_forwarded_mail_are_opened() -> None:
    inner = supplier_mail().as_bytes()
    archive = zip_of(
        {"mars/faktura-2.pdf": b"%PDF-1.4 second", "mars/faktura-3.xml": EHF + b"<!-- 3 -->", "les meg.txt": b"hei"}
    )
    result = read_message(supplier_mail(**{"fakturaer.zip": archive, "videresendt.eml": inner}).as_bytes())
    names = [(p.filename, p.origin) for p in result.attachments]
    assert ("faktura-2.pdf", "fakturaer.zip") in names and ("faktura-3.xml", "fakturaer.zip") in names
    # the forwarded mail's invoice is the same bytes as the outer one: taken once
    assert [n for n, _ in names].count("Faktura 1001.pdf") == 1
    assert {s.code for s in result.skipped} >= {"FF-MAIL-UNSUPPORTED", "FF-MAIL-REPEATED", "FF-MAIL-INLINE-IMAGE"}


def test_office_files_and_other_xml_are_skipped_with_a_reason() -> None:
    docx = zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document xmlns:w='w'/>"})
    order = b'<?xml version="1.0"?><Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>'
    hostile = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Invoice>&e;</Invoice>'
    result = read_message(supplier_mail(**{"avtale.docx": docx, "ordre.xml": order, "rar.xml": hostile}).as_bytes())
    skipped = {s.filename: s.code for s in result.skipped}
    assert skipped["avtale.docx"] == "FF-MAIL-OFFICE" and skipped["ordre.xml"] == "FF-MAIL-NOT-INVOICE-XML"
    # XML with a document type declaration is taken, so that the intake refuses it where people see it
    assert "rar.xml" in [p.filename for p in result.attachments]


def test_a_mail_without_invoice_has_no_attachments() -> None:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "a@b.no", "faktura+924753811@x.test", "Spørsmål"
    msg.set_content("Har dere mottatt fakturaen?")
    result = read_message(msg.as_bytes())
    assert result.attachments == () and result.subject == "Spørsmål"


def test_not_a_mail_and_too_large() -> None:
    with pytest.raises(FormatError) as exc:
        read_message(b"%PDF-1.7 this is no mail")
    assert exc.value.code == "FF-MAIL-NOT-MAIL"
    with pytest.raises(FormatError) as exc:
        read_message(b"From: a@b\r\n\r\n" + b"x" * 2000, Limits(max_message_bytes=1000))
    assert exc.value.code == "FF-MAIL-TOO-LARGE"


def test_headers_only_routing_data() -> None:
    raw = b"Delivered-To: faktura+924753811@inbox.test\r\nFrom: x@y.no\r\nTo: Faktura <faktura@firma.no>\r\nCc: b@c.no\r\nMessage-ID: <a@b>\r\n\r\nbody"
    head = read_headers(raw)
    assert head.recipients == ("faktura+924753811@inbox.test", "faktura@firma.no", "b@c.no")
    assert head.message_id == "<a@b>" and head.sender == "x@y.no"


def test_zip_bounds_against_hostile_archives() -> None:
    bomb = b"\0" * (20 * 1024 * 1024)
    archive = zip_of(
        {
            "ok.pdf": b"%PDF-1.4 fine",
            "../../../etc/cron.d/evil.pdf": b"%PDF-1.4 traversal",
            "/abs/path.pdf": b"%PDF-1.4 absolute",
            "C:\\windows\\x.pdf": b"%PDF-1.4 drive",
            "bomb.pdf": bomb,
            "__MACOSX/._ok.pdf": b"meta",
        }
    )
    parts, skipped = unpack_zip(archive, "post.zip")
    assert [p.filename for p in parts] == ["ok.pdf"]
    codes = {s.filename: s.code for s in skipped}
    assert (
        codes["../../../etc/cron.d/evil.pdf"] == codes["/abs/path.pdf"] == codes["C:\\windows\\x.pdf"] == "FF-ZIP-PATH"
    )
    assert codes["bomb.pdf"] == "FF-ZIP-BOMB" and codes["__MACOSX/._ok.pdf"] == "FF-ZIP-METADATA"


def test_zip_limits_on_count_size_and_nesting() -> None:
    many = zip_of({f"f{i}.pdf": b"%PDF-1.4 " + str(i).encode() for i in range(12)})
    parts, skipped = unpack_zip(many, limits=Limits(max_files=10))
    assert len(parts) == 10 and [s.code for s in skipped] == ["FF-ZIP-TOO-MANY"] * 2
    big = zip_of({"a.pdf": b"%PDF-1.4 " + os.urandom(5000), "b.pdf": b"%PDF-1.4 " + os.urandom(5000)})
    parts, skipped = unpack_zip(big, limits=Limits(max_total_bytes=7000))
    assert len(parts) == 1 and skipped[0].code == "FF-ZIP-TOO-LARGE"
    nested = zip_of({"l1.zip": zip_of({"l2.zip": zip_of({"l3.zip": zip_of({"deep.pdf": b"%PDF-1.4 deep"})})})})
    parts, skipped = unpack_zip(nested, limits=Limits(max_depth=3))
    assert parts == [] and skipped[0].code == "FF-MAIL-TOO-DEEP"
    with pytest.raises(FormatError) as exc:
        unpack_zip(b"PK\x03\x04 broken")
    assert exc.value.code == "FF-ZIP-BAD"


def test_encrypted_zip_member_is_skipped() -> None:
    archive = bytearray(zip_of({"secret.pdf": b"%PDF-1.4 secret"}))
    # set the "encrypted" flag in the local header and the central directory entry
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = archive.find(signature)
        archive[at + offset] |= 0x1
    parts, skipped = unpack_zip(bytes(archive))
    assert parts == [] and skipped[0].code == "FF-ZIP-ENCRYPTED"


def test_image_size_from_headers() -> None:
    assert image_size(png(640, 480)) == (640, 480)
    assert image_size(jpeg(320, 200)) == (320, 200)
    assert image_size(b"GIF89a\x10\x00\x20\x00") == (16, 32)
    assert image_size(b"\xff\xd8\xff\xe0garbage") is None
