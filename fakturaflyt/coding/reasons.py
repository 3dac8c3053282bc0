"""The reasons behind a suggestion as Norwegian (bokmål) sentences, for the "why" popover and the API.

The engine explains a suggestion with structured reasons (:meth:`Reason.as_json` in
:mod:`fakturaflyt.core.coding.learner`: kind, key, label, count, total, last date); this module
words them for the accountant. Every evidence kind of :data:`~fakturaflyt.core.coding.features.KINDS`
has a sentence, as have ``rule``, ``chart`` and ``prior``.

>>> r = {"kind": "supplier", "key": "911111111", "label": "6551", "count": 14, "total": 15,
...      "last_date": "2026-11-02"}
>>> reason_text(r, "account", {"6551": "Datautstyr"}, supplier="Elkjøp Norge AS")
'Leverandøren Elkjøp Norge AS er kontert 6551 Datautstyr i 14 av 15 linjer (sist 02.11.2026)'
>>> reason_text({"kind": "word", "key": "lisens", "label": "6553", "count": 0, "total": 0}, "account")
'Teksten «lisens» → 6553'
>>> reason_text({"kind": "rule", "key": "husleie", "label": "6300"}, "account")
'Regel: husleie → 6300'
>>> reason_text({"kind": "chart", "key": "reparasjon", "label": "6600"}, "account")
'Kontoplanen: «reparasjon» → 6600'
>>> reason_text({"kind": "supplier", "key": "x", "label": "", "count": 3, "total": 3}, "department")
'Leverandøren x er ført uten avdeling i 3 av 3 linjer'
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

WEEKDAYS = ("mandager", "tirsdager", "onsdager", "torsdager", "fredager", "lørdager", "søndager")
MONTHS = "januar februar mars april mai juni juli august september oktober november desember".split()

#: What a target's value is called, and how "without a value" reads.
_NOUN = {"account": "konto", "vat_code": "mva-kode", "department": "avdeling", "project": "prosjekt"}
_NONE = {
    "account": "uten konto",
    "vat_code": "uten mva-kode",
    "department": "uten avdeling",
    "project": "uten prosjekt",
}


def value_text(target: str, label: str, names: Mapping[str, str] | None = None) -> str:
    """A target's value as read: ``6551 Datautstyr``, ``mva-kode 1``, ``avdeling 200 Salg``, ``uten prosjekt``.

    >>> value_text("department", "200", {"200": "Salg"}), value_text("project", "")
    ('avdeling 200 Salg', 'uten prosjekt')
    """
    if not label:
        return _NONE.get(target, "ingen verdi")
    name = (names or {}).get(label, "")
    shown = f"{label} {name}" if name else label
    return shown if target == "account" else f"{_NOUN.get(target, target)} {shown}"


def _verb(target: str, label: str, names: Mapping[str, str] | None) -> str:
    if target == "account" and label:
        return f"kontert {value_text(target, label, names)}"
    if not label:
        return f"ført {value_text(target, label, names)}"
    return f"ført {'med' if target == 'vat_code' else 'på'} {value_text(target, label, names)}"


def _date(value: Any) -> str:
    if not value:
        return ""
    try:
        return date.fromisoformat(str(value)).strftime("%d.%m.%Y")
    except ValueError:
        return ""


def _kroner(value: Decimal) -> str:
    """Norwegian number format: space between thousands, decimal comma (``1 250,50``; whole kroner bare)."""
    value = value.quantize(Decimal("0.01"))
    sign = "-" if value < 0 else ""
    whole, _, cents = f"{abs(value):.2f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = "\u00a0".join(groups)
    return f"{sign}{text}" + ("" if cents == "00" else f",{cents}")


def _amount(key: str) -> str:
    try:
        return f"kr {_kroner(Decimal(key))}"
    except (InvalidOperation, ValueError):
        return key


def _bucket(key: str) -> str:
    """An amount bucket ('b5', '-b3', see features.amount_bucket) as a range of kroner."""
    credit = key.startswith("-")
    level_text = key.lstrip("-").lstrip("b")
    if not level_text.isdecimal():
        return "beløp av samme størrelse"
    level = int(level_text)
    low = 0 if level == 0 else round(10 ** ((level + 1) / 2))
    high = round(10 ** ((level + 2) / 2)) - 1 if level else 9
    what = "kreditbeløp" if credit else "beløp"
    return f"{what} på {_kroner(Decimal(low))}–{_kroner(Decimal(high))} kr"


def _ordinal(text: str) -> str:
    """A date ordinal (the key of ``buyer+day``) as " (dd.mm.yyyy)"."""
    try:
        return f" ({date.fromordinal(int(text)).strftime('%d.%m.%Y')})"
    except (ValueError, OverflowError):
        return ""


def _gram(key: str) -> str:
    start, end = key.startswith("^"), key.endswith("$")
    core = key.strip("^$")
    return f"{'' if start else '…'}{core}{'' if end else '…'}"


def _parts(key: str) -> tuple[str, str]:
    first, _, rest = key.partition("|")
    return first, rest


def _shown(key_part: str, original: str) -> str:
    """The evidence key is lower case; show the line's own spelling when it is the same word."""
    return original.strip() if original and original.strip().casefold() == key_part else key_part


def _subject(kind: str, key: str, supplier: str, buyer: str = "") -> str:
    """Who or what the evidence is about, as the subject of the sentence."""
    who, rest = _parts(key)
    name = supplier or who
    if kind.startswith("buyer"):
        who = _shown(who, buyer)
    else:
        rest = _shown(rest, buyer)
    subjects = {
        "supplier": lambda: f"Leverandøren {name}",
        "supplier+amount": lambda: f"Leverandøren {name} med beløpet {_amount(rest)}",
        "supplier+buyer": lambda: f"Leverandøren {name} med bestiller {rest}",
        "supplier+text": lambda: f"Leverandøren {name} med samme tekst",
        "supplier+bucket": lambda: f"Leverandøren {name} med {_bucket(rest)}",
        "chain": lambda: f"Leverandørkjeden «{who}»",
        "chain+buyer": lambda: f"Leverandørkjeden «{who}» med bestiller «{rest}»",
        "buyer": lambda: f"Bestiller {who}",
        "buyer+bucket": lambda: f"Bestiller {who} med {_bucket(rest)}",
        "buyer+day": lambda: f"Bestiller {who} med kjøp samme dag{_ordinal(rest)}",
        "po": lambda: f"Ordrereferansen «{key}»",
        "project": lambda: f"Prosjektreferansen «{key}»",
        "vat_rate": lambda: f"Linjer med {key.replace('.', ',')} % mva",
        "currency": lambda: f"Linjer i {key}",
        "month": lambda: f"Linjer i {MONTHS[int(key) - 1] if key.isdecimal() and 1 <= int(key) <= 12 else key}",
        "weekday": lambda: f"Linjer på {WEEKDAYS[int(key) - 1] if key.isdecimal() and 1 <= int(key) <= 7 else key}",
    }
    make = subjects.get(kind)
    return make() if make else f"«{key}»"


def _evidence_text(kind: str, key: str, buyer: str = "") -> str:
    """The many-keys kinds (words, n-grams, extra columns) as "<what> → value"."""
    if kind == "word":
        return f"Teksten «{key}»"
    if kind == "gram":
        return f"Tekst som ligner «{_gram(key)}»"
    column, _, value = key.partition("=")
    value, _, who = value.partition("|")
    text = f"{column} «{value}»"
    return f"{text} med bestiller {_shown(who, buyer)}" if kind == "extra+buyer" and who else text


def _counts(count: int, total: int) -> str:
    return f"{count} av {total} {'linje' if total == 1 else 'linjer'}"


def reason_text(
    reason_json: Mapping[str, Any],
    target: str,
    names: Mapping[str, str] | None = None,
    *,
    supplier: str = "",
    buyer: str = "",
) -> str:
    """One reason as a Norwegian sentence. ``names`` maps values to names (``6551`` → ``Datautstyr``);
    ``supplier`` is the supplier's display name (the evidence key is its org.nr or normalised name),
    ``buyer`` the line's buyer as written (the key has it in lower case)."""
    kind = str(reason_json.get("kind", ""))
    key = str(reason_json.get("key", ""))
    label = str(reason_json.get("label", ""))
    count = int(reason_json.get("count") or 0)
    total = int(reason_json.get("total") or 0)
    last = _date(reason_json.get("last_date"))
    arrow = f"→ {value_text(target, label, names)}"
    if kind == "rule":
        return f"Regel: {key} {arrow}"
    if kind == "chart":
        if target == "vat_code":
            return f"Mva-satsen {key.replace('.', ',')} på linjen {arrow}"
        return f"Kontoplanen: «{key}» {arrow}"
    if kind == "prior":
        return f"Oftest brukt: {value_text(target, label, names)} i {_counts(count, total)}"
    if kind in ("word", "gram", "extra", "extra+buyer"):
        text = f"{_evidence_text(kind, key, buyer)} {arrow}"
        return f"{text} ({_counts(count, total)})" if total else text
    sentence = f"{_subject(kind, key, supplier, buyer)} er {_verb(target, label, names)}"
    if total:
        sentence += f" i {_counts(count, total)}"
    if last:
        sentence += f" (sist {last})"
    return sentence


def reasons_text(
    reasons: list[Mapping[str, Any]],
    target: str,
    names: Mapping[str, str] | None = None,
    *,
    supplier: str = "",
    buyer: str = "",
) -> list[str]:
    """Every reason of one target's suggestion as a sentence, in the engine's order (strongest first)."""
    return [reason_text(r, target, names, supplier=supplier, buyer=buyer) for r in reasons]


__all__ = ["MONTHS", "WEEKDAYS", "reason_text", "reasons_text", "value_text"]
