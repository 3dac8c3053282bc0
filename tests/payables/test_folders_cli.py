"""Watched folders (inbox and Peppol access point) and `fakturaflyt import`."""

from __future__ import annotations

import io
import json
import os
import time
import zipfile
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from fakturaflyt.payables import folders
from fakturaflyt.payables.cli import import_paths
from fakturaflyt.payables.models import Channel, DocumentState, Receipt, SupplierDocument
from tests.payables.factories import XXE, norwegian_ehf

pytestmark = pytest.mark.django_db

SBDH = """<?xml version="1.0" encoding="UTF-8"?>
<StandardBusinessDocument xmlns="http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader">
  <StandardBusinessDocumentHeader>
    <HeaderVersion>1.0</HeaderVersion>
    <Sender><Identifier Authority="iso6523-actorid-upis">0192:987654325</Identifier></Sender>
    <Receiver><Identifier Authority="iso6523-actorid-upis">0192:924753811</Identifier></Receiver>
  </StandardBusinessDocumentHeader>
  {invoice}
</StandardBusinessDocument>
"""


def enveloped(invoice: bytes) -> bytes:
    body = invoice.decode("utf-8").split("?>", 1)[1]
    return SBDH.replace("{invoice}", body).encode("utf-8")


def test_inbox_and_peppol_folders_are_received_and_moved(company, corpus, on_commit) -> None:
    dirs = folders.ensure_folders(company)
    (dirs["inbox"] / "sub").mkdir()
    (dirs["inbox"] / "sub" / "faktura.xml").write_bytes(norwegian_ehf(corpus))
    (dirs["peppol"] / "ap-0001.xml").write_bytes(
        enveloped(norwegian_ehf(corpus, number="P-1", seller_orgnr="998811228"))
    )
    (dirs["inbox"] / "still-copying.pdf.part").write_bytes(b"%PDF-1.4 half")
    (dirs["inbox"] / ".hidden.xml").write_bytes(b"<x/>")
    with on_commit():
        results = folders.scan_all(settle=0)
    assert sorted((r.channel, len(r.documents), r.error) for r in results) == [("folder", 1, ""), ("peppol", 1, "")]
    # the files left the inbox for processed/<date>/, only after they were stored
    assert sorted(p.name for p in dirs["inbox"].rglob("*") if p.is_file()) == [".hidden.xml", "still-copying.pdf.part"]
    assert sorted(p.name for p in dirs["processed"].rglob("*") if p.is_file()) == ["ap-0001.xml", "faktura.xml"]
    peppol = SupplierDocument.objects.get(receipt__channel=Channel.PEPPOL)
    assert peppol.state == DocumentState.READY_FOR_CODING and peppol.invoice_number == "P-1"  # SBDH unwrapped
    assert peppol.supplier.orgnr == "998811228"


def test_a_file_still_being_written_waits_for_the_next_scan(company, corpus) -> None:
    dirs = folders.ensure_folders(company)
    (dirs["inbox"] / "new.xml").write_bytes(norwegian_ehf(corpus))
    assert folders.scan_company(company, settle=60) == []
    old = time.time() - 120
    os.utime(dirs["inbox"] / "new.xml", (old, old))
    assert len(folders.scan_company(company, settle=60)) == 1


def test_a_rescan_after_a_crash_before_the_move_does_not_receive_twice(company, corpus, monkeypatch) -> None:
    dirs = folders.ensure_folders(company)
    (dirs["inbox"] / "f.xml").write_bytes(norwegian_ehf(corpus))
    real_move = folders._move
    monkeypatch.setattr(folders, "_move", lambda *a, **k: (_ for _ in ()).throw(OSError("power cut")))
    with pytest.raises(OSError):
        folders.scan_company(company, settle=0)
    assert Receipt.objects.count() == 1 and (dirs["inbox"] / "f.xml").exists()
    monkeypatch.setattr(folders, "_move", real_move)
    (result,) = folders.scan_company(company, settle=0)
    assert Receipt.objects.count() == 1 and result.moved_to and not (dirs["inbox"] / "f.xml").exists()


def test_a_refused_file_goes_to_failed_with_the_reason(company) -> None:
    dirs = folders.ensure_folders(company)
    (dirs["inbox"] / "empty.pdf").write_bytes(b"")
    (result,) = folders.scan_company(company, settle=0)
    assert result.error and "failed" in result.moved_to
    assert "empty" in Path(result.moved_to + ".error.txt").read_text()


# ------------------------------------------------------------------------------------------ CLI


@pytest.fixture
def cli():
    app = typer.Typer()
    app.command("import")(import_paths)
    app.command("noop")(lambda: None)  # two commands, so "import" is a subcommand as in fakturaflyt.cli
    return lambda *args: CliRunner().invoke(app, ["import", *map(str, args)])


def test_import_files_folders_eml_and_zip_as_json(company, corpus, tmp_path: Path, cli) -> None:
    batch = tmp_path / "batch"
    (batch / "deep").mkdir(parents=True)
    (batch / "a.xml").write_bytes(norwegian_ehf(corpus, number="A-1"))
    (batch / "deep" / "b.xml").write_bytes(norwegian_ehf(corpus, number="B-1", seller_orgnr="998811228"))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("c.xml", norwegian_ehf(corpus, number="C-1", seller_orgnr="923609016"))
        z.writestr("notes.txt", "hei")
    zipped = tmp_path / "more.zip"
    zipped.write_bytes(buf.getvalue())
    result = cli(batch, zipped, "--company", company.orgnr, "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [(Path(r["path"]).name, r["filename"], r["state"], r["invoice_number"]) for r in rows] == [
        ("a.xml", "a.xml", "ready_for_coding", "A-1"),
        ("b.xml", "b.xml", "ready_for_coding", "B-1"),
        ("more.zip", "c.xml", "ready_for_coding", "C-1"),
    ]
    assert rows[0]["total"] == "1801.78" and rows[0]["supplier"] == "Bergen Kontorutstyr AS"
    assert Receipt.objects.get(filename="c.xml").container.filename == "more.zip"
    assert Receipt.objects.get(filename="a.xml").channel == Channel.CLI


def test_import_exits_1_when_a_document_is_quarantined(company, tmp_path: Path, cli, corpus) -> None:
    (tmp_path / "evil.xml").write_bytes(XXE)
    (tmp_path / "ok.xml").write_bytes(norwegian_ehf(corpus))
    result = cli(tmp_path / "evil.xml", tmp_path / "ok.xml", "--company", company.orgnr, "--json")
    assert result.exit_code == 1
    rows = json.loads(result.output)
    assert [r["state"] for r in rows] == ["quarantined", "ready_for_coding"]
    assert rows[0]["problems"][0]["code"] == "FF-XML-DTD"
    # the table form prints the same
    table = cli(tmp_path / "ok.xml", "--company", company.orgnr)
    assert table.exit_code == 0 and "duplicate" in table.output


def test_import_usage_errors(company, tmp_path: Path, cli) -> None:
    assert cli(tmp_path / "missing.xml", "--company", company.orgnr).exit_code == 2
    (tmp_path / "f.xml").write_bytes(b"<x/>")
    assert cli(tmp_path / "f.xml", "--company", "999999999").exit_code == 2
