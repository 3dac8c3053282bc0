"""Watched folders: a per-company inbox folder and a Peppol access-point folder.

Layout under ``FAKTURAFLYT_INTAKE_DIR`` (default ``<var>/intake``)::

    <orgnr>/inbox/       drop EHF, PDF, scans, .eml or .zip files here (channel "folder")
    <orgnr>/peppol/      the access point delivers UBL files here, SBDH envelopes included (channel "peppol")
    <orgnr>/processed/<date>/   files moved here once safely stored
    <orgnr>/failed/<date>/      files that could not be received, each with <name>.error.txt

A file is taken when it has not changed for ``FAKTURAFLYT_INTAKE_SETTLE_SECONDS`` (default 2),
so a file still being copied in is left for the next scan; hidden files and names ending in
``.part``, ``.tmp``, ``.filepart`` or ``~`` (what copy programs write first) are left alone, and
symbolic links are never followed. The file is moved only after the receipt is committed; if
the process dies in between, the next scan finds the receipt by hash and name and just moves
the file, so nothing is received twice. The SBDH envelope of a Peppol delivery is unwrapped by
the EHF reader (:func:`fakturaflyt.core.ehf.read.read_invoice`).
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings

from fakturaflyt.companies.models import Company
from fakturaflyt.core.errors import FakturaflytError
from fakturaflyt.payables import intake, storage
from fakturaflyt.payables.intake import _clip_name
from fakturaflyt.payables.models import Channel, Receipt

logger = logging.getLogger(__name__)

SUBFOLDERS = {Channel.FOLDER: "inbox", Channel.PEPPOL: "peppol"}
IGNORED_SUFFIXES = (".part", ".tmp", ".filepart", ".crdownload", "~", ".error.txt")


@dataclass
class FolderResult:
    """What became of one file in a watched folder."""

    path: str
    company: str
    channel: str
    moved_to: str = ""
    documents: list[int] = field(default_factory=list)
    states: list[str] = field(default_factory=list)
    error: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "company": self.company,
            "channel": self.channel,
            "moved_to": self.moved_to,
            "documents": self.documents,
            "states": self.states,
            "error": self.error,
        }


def intake_dir() -> Path:
    configured = getattr(settings, "FAKTURAFLYT_INTAKE_DIR", None)
    return Path(configured) if configured else Path(settings.MEDIA_ROOT).parent / "intake"


def company_dir(company: Company) -> Path:
    return intake_dir() / company.orgnr


def ensure_folders(company: Company) -> dict[str, Path]:
    """Create the company's folders; returns them by name (inbox, peppol, processed, failed)."""
    base = company_dir(company)
    folders = {name: base / name for name in ("inbox", "peppol", "processed", "failed")}
    for path in folders.values():
        path.mkdir(parents=True, exist_ok=True)
    return folders


def _settle_seconds() -> float:
    return float(getattr(settings, "FAKTURAFLYT_INTAKE_SETTLE_SECONDS", 2))


def _candidates(folder: Path, settle: float) -> list[Path]:
    found = []
    now = time.time()
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            if name.startswith(".") or name.lower().endswith(IGNORED_SUFFIXES) or path.is_symlink():
                continue
            try:
                info = path.stat()
            except FileNotFoundError:
                continue
            if not path.is_file() or now - info.st_mtime < settle:
                continue
            found.append(path)
    return found


def _move(path: Path, base: Path, sha: str = "") -> Path:
    target_dir = base / date.today().isoformat()
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / path.name
    if target.exists():
        target = target_dir / f"{path.stem}-{(sha or str(time.time_ns()))[:12]}{path.suffix}"
    os.replace(path, target)
    return target


def scan_company(company: Company, *, settle: float | None = None) -> list[FolderResult]:
    """Receive every settled file in the company's inbox and Peppol folders."""
    folders = ensure_folders(company)
    settle = _settle_seconds() if settle is None else settle
    results = []
    for channel, sub in SUBFOLDERS.items():
        for path in _candidates(folders[sub], settle):
            results.append(_take(company, channel, path, folders))
    return results


def _take(company: Company, channel: Channel, path: Path, folders: dict[str, Path]) -> FolderResult:
    result = FolderResult(str(path), company.orgnr, channel)
    try:
        data = path.read_bytes()
    except OSError as exc:
        result.error = f"cannot read: {exc}"
        logger.warning("watched folder: cannot read %s: %s", path, exc)
        return result
    sha = storage.digest(data)
    sender = (
        "Peppol access point"
        if channel == Channel.PEPPOL
        else f"folder {folders['inbox'].parent.name}/{path.parent.name}"
    )
    try:
        earlier = (
            Receipt.objects.filter(company=company, channel=channel, filename=_clip_name(path.name), file__sha256=sha)
            .select_related("document")
            .first()
        )
        if earlier is not None:
            documents = [earlier.document] if hasattr(earlier, "document") else list(_parts(earlier))
        else:
            documents = intake.receive_all(company, data, channel=channel, filename=path.name, sender=sender)
    except (FakturaflytError, ValueError) as exc:
        result.error = str(exc)
        moved = _move(path, folders["failed"], sha)
        moved.with_name(moved.name + ".error.txt").write_text(f"{exc}\n", encoding="utf-8")
        result.moved_to = str(moved)
        return result
    result.documents = [d.pk for d in documents]
    result.states = [d.state for d in documents]
    result.moved_to = str(_move(path, folders["processed"], sha))
    return result


def _parts(receipt: Receipt) -> list[Any]:
    return [p.document for p in receipt.parts.select_related("document") if hasattr(p, "document")]


def scan_all(*, settle: float | None = None) -> list[FolderResult]:
    """Scan the folders of every company that has a folder under the intake directory."""
    root = intake_dir()
    if not root.is_dir():
        return []
    names = {p.name for p in root.iterdir() if p.is_dir() and p.name.isdecimal()}
    results: list[FolderResult] = []
    for company in Company.objects.filter(orgnr__in=names).order_by("orgnr"):
        results.extend(scan_company(company, settle=settle))
    return results
