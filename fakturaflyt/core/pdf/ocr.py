"""OCR of scanned pages and images into :class:`~.words.Word` objects, with RapidOCR or Tesseract.

Pages of a PDF without a text layer are rendered with PDFium (:func:`render_page`, 300 dpi
by default, at most :data:`MAX_PIXELS`); JPEG, PNG and TIFF images (every frame of a
multi-page TIFF) are opened with Pillow (:func:`open_images`), their EXIF orientation
applied. Before recognition each page is turned upright (:func:`upright`):

* a page turned a quarter is found by its projection profiles: text lines make the row
  profile of an upright page far more peaked than its column profile;
* small skew (up to 5 degrees either way) is measured by maximising the peakedness of the
  row profile over the angle, and undone;
* a page upside down reads as low-confidence garbage, so when the mean confidence is low
  the page is read again turned half round, and the better reading is kept.

Engines (:func:`get_engine`), chosen by name, give words in the same structure:

* ``rapidocr``: RapidOCR on onnxruntime, PP-OCRv4 models shipped in the
  ``rapidocr-onnxruntime`` wheel (works offline). It reads text lines; they are split into
  words with boxes in proportion to the characters. Its character set has no ``æøå`` or
  ``€``: Norwegian letters come out as ``o``/``a``.
* ``tesseract``: Tesseract 5 (Debian ``tesseract-ocr`` + ``tesseract-ocr-nor``) run as a
  subprocess with ``nor+eng``, ``--psm 4`` and ``OMP_THREAD_LIMIT=1``.

An engine that is not installed raises :class:`OcrUnavailable` (a system error, not a bad
input). Engines are loaded once per process (RapidOCR's models take about a second).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageOps, ImageSequence

from fakturaflyt.core.errors import FormatError
from fakturaflyt.core.pdf.text import MAX_PAGES, PDFIUM_LOCK, PdfPages, broken_page
from fakturaflyt.core.pdf.words import Word, split_glued

__all__ = [
    "ENGINES",
    "MAX_PIXELS",
    "OcrEngine",
    "OcrPage",
    "OcrUnavailable",
    "get_engine",
    "image_kind",
    "ocr_page",
    "open_images",
    "render_page",
    "upright",
]

ENGINES = ("rapidocr", "tesseract")
MAX_PIXELS = 40_000_000
DEFAULT_DPI = 300
_LOW_CONFIDENCE = 0.8


class OcrUnavailable(RuntimeError):
    """The OCR engine asked for is not installed or failed to run (a system problem)."""


@dataclass(frozen=True, slots=True)
class OcrPage:
    """One OCR'd page: its words (in points), shown size in points, seconds, and the turn applied."""

    words: tuple[Word, ...]
    size: tuple[float, float]
    seconds: float
    rotation: int
    skew: float
    confidence: float


class OcrEngine(Protocol):
    name: str

    def recognise(self, image: Image.Image) -> list[tuple[str, float, float, float, float, float]]:
        """Words as ``(text, confidence 0..1, x0, y0, x1, y1)`` in pixels of ``image``."""
        ...


# --- input ------------------------------------------------------------------------------


def image_kind(data: bytes) -> str | None:
    """``jpeg``, ``png`` or ``tiff`` from the magic bytes, else None."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    return None


def open_images(data: bytes, *, max_pages: int = MAX_PAGES) -> list[tuple[Image.Image, float]]:
    """The pages of a JPEG/PNG/TIFF as ``(image, dpi)``; raises ``FF-IMAGE-*`` FormatErrors."""
    with warnings.catch_warnings():  # broken EXIF and the like: the image is read or refused, not warned about
        warnings.simplefilter("ignore")
        return _open_images(data, max_pages)


def _open_images(data: bytes, max_pages: int) -> list[tuple[Image.Image, float]]:
    try:
        img = Image.open(io.BytesIO(data))
        width, height = img.size
        if width * height > MAX_PIXELS or width < 16 or height < 16:
            raise FormatError(
                "FF-IMAGE-SIZE", f"The image is {width} x {height} pixels; it must be 16 px to 40 megapixels", "image"
            )
        pages: list[tuple[Image.Image, float]] = []
        for n, frame in enumerate(ImageSequence.Iterator(img)):
            if n >= max_pages:
                raise FormatError("FF-IMAGE-TOO-MANY-PAGES", f"The image has more than {max_pages} pages", "image")
            if frame.size[0] * frame.size[1] > MAX_PIXELS:
                raise FormatError("FF-IMAGE-SIZE", "An image page is larger than 40 megapixels", "image")
            page = ImageOps.exif_transpose(frame.convert("RGB")) or frame.convert("RGB")
            dpi = frame.info.get("dpi", (0, 0))[0] or 0
            pages.append((page, float(dpi) if 50 <= float(dpi) <= 1200 else float(DEFAULT_DPI)))
        return pages
    except FormatError:
        raise
    except Exception as exc:  # Pillow raises many kinds on broken files
        raise FormatError(
            "FF-IMAGE-MALFORMED",
            f"The image cannot be read ({type(exc).__name__}); ask the sender for a new copy",
            "image",
        ) from None


def render_page(pdf: PdfPages, index: int, dpi: int = DEFAULT_DPI) -> tuple[Image.Image, float]:
    """Page ``index`` of ``pdf`` as a greyscale image, and the dpi it was rendered at."""
    width, height = pdf.sizes[index]
    scale = dpi / 72
    if width * height * scale * scale > MAX_PIXELS:
        scale = (MAX_PIXELS / max(width * height, 1.0)) ** 0.5
    with PDFIUM_LOCK:
        try:
            page = pdf.document[index]
        except pdfium.PdfiumError:
            raise broken_page(index + 1) from None
        try:
            bitmap = page.render(scale=scale, grayscale=True)
            image: Image.Image = bitmap.to_pil().convert("L")
        except pdfium.PdfiumError:
            raise broken_page(index + 1) from None
        finally:
            page.close()
    return image, scale * 72


# --- orientation and skew ----------------------------------------------------------------


def _ink(image: Image.Image, side: int = 1200) -> np.ndarray[Any, np.dtype[np.bool_]]:
    grey = image.convert("L")
    factor = side / max(grey.size)
    if factor < 1:
        grey = grey.resize(
            (max(int(grey.width * factor), 1), max(int(grey.height * factor), 1)), Image.Resampling.BILINEAR
        )
    a = np.asarray(grey, dtype=np.uint8)
    threshold = min(int(a.mean()) - 30, 160)
    mask: np.ndarray[Any, np.dtype[np.bool_]] = a < threshold
    return mask


def _peakedness(ys: np.ndarray[Any, np.dtype[np.float64]], n: int) -> float:
    if n == 0:
        return 0.0
    counts = np.bincount(np.clip(ys.astype(np.int64), 0, None))
    return float((counts.astype(np.float64) ** 2).sum()) / (n * n) * max(len(counts), 1)


def _points(
    mask: np.ndarray[Any, np.dtype[np.bool_]],
) -> tuple[np.ndarray[Any, np.dtype[np.float64]], np.ndarray[Any, np.dtype[np.float64]]]:
    ys, xs = np.nonzero(mask)
    if len(ys) > 60_000:
        pick = np.random.default_rng(0).choice(len(ys), 60_000, replace=False)
        ys, xs = ys[pick], xs[pick]
    return ys.astype(np.float64), xs.astype(np.float64)


def _best_angle(
    fy: np.ndarray[Any, np.dtype[np.float64]], fx: np.ndarray[Any, np.dtype[np.float64]], off: float
) -> tuple[float, float]:
    """The angle (degrees, -5..5) at which rows of ink are most peaked, and that peakedness."""

    def score(deg: float) -> float:
        t = np.deg2rad(deg)
        return _peakedness(fy * np.cos(t) - fx * np.sin(t) + off, len(fy))

    best = max(np.arange(-5.0, 5.01, 0.5), key=score)
    fine = max(np.arange(best - 0.5, best + 0.51, 0.1), key=score)
    return float(fine), score(fine)


def upright(image: Image.Image) -> tuple[Image.Image, int, float]:
    """The image turned a quarter if needed and deskewed; the quarter turn and skew applied."""
    mask = _ink(image)
    fy, fx = _points(mask)
    if len(fy) < 200:
        return image, 0, 0.0
    off = float(sum(mask.shape))
    angle, rows = _best_angle(fy, fx, off)
    angle_t, cols = _best_angle(fx, fy, off)
    rotation = 0
    if cols > 1.3 * rows:
        image = image.rotate(90, expand=True, fillcolor="white")
        rotation, angle = 90, -angle_t
    if abs(angle) >= 0.2:
        image = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor="white")
    return image, rotation, angle


# --- engines -----------------------------------------------------------------------------


class RapidOcrEngine:
    """RapidOCR (PP-OCRv4 on onnxruntime), models from the ``rapidocr-onnxruntime`` wheel."""

    name = "rapidocr"

    def __init__(self) -> None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise OcrUnavailable(f"RapidOCR is not installed ({exc}); pip install rapidocr-onnxruntime") from None
        self._ocr = RapidOCR(use_cls=False, max_side_len=2400, det_limit_type="max", det_limit_side_len=2400)

    def recognise(self, image: Image.Image) -> list[tuple[str, float, float, float, float, float]]:
        result, _ = self._ocr(np.asarray(image.convert("RGB")), use_cls=False)
        words: list[tuple[str, float, float, float, float, float]] = []
        for box, text, score in result or []:
            xs = [float(p[0]) for p in box]
            ys = [float(p[1]) for p in box]
            x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
            words.extend(_split_line(str(text), float(score), x0, y0, x1, y1))
        return words


def _split_line(
    text: str, score: float, x0: float, y0: float, x1: float, y1: float
) -> list[tuple[str, float, float, float, float, float]]:
    """A recognised text line as words, each with its share of the line's width."""
    text = text.replace("，", ",").replace("：", ":").replace("（", "(").replace("）", ")")
    total = max(len(text), 1)
    per = (x1 - x0) / total
    out = []
    pos = 0
    for token in text.split(" "):
        if token:
            start = text.index(token, pos)
            offset = 0
            for piece in split_glued(token):
                a = x0 + per * (start + offset)
                out.append((piece, score, a, y0, a + per * len(piece), y1))
                offset += len(piece)
            pos = start + len(token)
    return out


class TesseractEngine:
    """Tesseract 5 as a subprocess: ``nor+eng``, ``--psm 4`` (a column of text of varying sizes)."""

    name = "tesseract"

    def __init__(self) -> None:
        binary = shutil.which("tesseract")
        if binary is None:
            raise OcrUnavailable("Tesseract is not installed; apt-get install tesseract-ocr tesseract-ocr-nor")
        self._binary = binary
        langs = self._run(["--list-langs"], b"").decode("utf-8", "replace").split()
        self._lang = "+".join(lang for lang in ("nor", "eng") if lang in langs) or "eng"

    def _run(self, args: list[str], stdin: bytes) -> bytes:
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        try:
            done = subprocess.run(  # noqa: S603 - fixed binary, no shell
                [self._binary, *args], input=stdin, capture_output=True, env=env, timeout=180, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise OcrUnavailable(f"Tesseract failed to run: {exc}") from None
        if done.returncode != 0:
            raise OcrUnavailable(f"Tesseract failed: {done.stderr.decode('utf-8', 'replace')[:300]}")
        return done.stdout

    def recognise(self, image: Image.Image) -> list[tuple[str, float, float, float, float, float]]:
        buf = io.BytesIO()
        image.convert("L").save(buf, format="PNG")
        tsv = self._run(["stdin", "stdout", "-l", self._lang, "--psm", "4", "--dpi", "300", "tsv"], buf.getvalue())
        words: list[tuple[str, float, float, float, float, float]] = []
        for line in tsv.decode("utf-8", "replace").splitlines()[1:]:
            parts = line.split("\t")
            if len(parts) < 12 or parts[0] != "5" or not parts[11].strip():
                continue
            left, top, width, height = (float(p) for p in parts[6:10])
            conf = max(float(parts[10]), 0.0) / 100
            for piece, px0, px1 in _pieces(parts[11].strip(), left, left + width):
                words.append((piece, conf, px0, top, px1, top + height))
        return words


def _pieces(text: str, x0: float, x1: float) -> list[tuple[str, float, float]]:
    pieces = split_glued(text)
    if len(pieces) == 1:
        return [(text, x0, x1)]
    per = (x1 - x0) / max(len(text), 1)
    out, x = [], x0
    for p in pieces:
        out.append((p, x, x + per * len(p)))
        x += per * len(p)
    return out


_FACTORIES: dict[str, Callable[[], OcrEngine]] = {"rapidocr": RapidOcrEngine, "tesseract": TesseractEngine}


@cache
def get_engine(name: str) -> OcrEngine:
    """The OCR engine ``name`` (``rapidocr`` or ``tesseract``), loaded once per process."""
    if name not in _FACTORIES:
        raise ValueError(f"unknown OCR engine {name!r}; choose one of {', '.join(ENGINES)}")
    return _FACTORIES[name]()


# --- one page ----------------------------------------------------------------------------


def _mean_confidence(words: list[tuple[str, float, float, float, float, float]]) -> float:
    total = sum(len(w[0]) for w in words)
    return sum(w[1] * len(w[0]) for w in words) / total if total else 0.0


def ocr_page(image: Image.Image, dpi: float, page: int, engine: OcrEngine) -> OcrPage:
    """Read one page image: turn it upright, recognise, and give words in points."""
    start = time.perf_counter()
    if max(image.size) < 1500:  # small images (screenshots, 72-150 dpi) read better enlarged
        factor = 2000 / max(image.size)
        image = image.resize((int(image.width * factor), int(image.height * factor)), Image.Resampling.LANCZOS)
        dpi *= factor
    turned, rotation, skew = upright(image)
    words = engine.recognise(turned)
    confidence = _mean_confidence(words)
    if confidence < _LOW_CONFIDENCE:
        flipped = turned.rotate(180)
        other = engine.recognise(flipped)
        if _mean_confidence(other) > confidence + 0.05:
            words, turned, rotation, confidence = other, flipped, (rotation + 180) % 360, _mean_confidence(other)
    to_pt = 72 / dpi
    result = tuple(
        Word(text, page, x0 * to_pt, y0 * to_pt, x1 * to_pt, y1 * to_pt) for text, _, x0, y0, x1, y1 in words if text
    )
    size = (turned.width * to_pt, turned.height * to_pt)
    return OcrPage(result, size, time.perf_counter() - start, rotation, skew, confidence)
