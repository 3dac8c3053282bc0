"""The label lexicon: how invoices in Norwegian, English, German, Dutch and French name each field.

Patterns are regular expressions over folded text (:func:`.values.fold`: lower case, no
accents, ``ø`` as ``o``), so ``Beløp``, ``Belop`` (OCR without the stroke) and ``BELØP``
match alike. ``{S}`` stands for optional separators between the words of a label
(``Faktura nr.``, ``Fakturanr``, ``Faktura-nr``), ``{NO}`` for "number" abbreviations
(``nr``, ``no``, ``n°``, ``#``, ``nummer``, ``number``, ``numéro``).

Each label has a weight in (0, 1]: how sure we are that a value next to it is the field
(``Fakturanummer`` 1.0, a bare ``#`` 0.45). Labels of fields we do not return, but which
stand next to look-alike values (customer number, order date, phone, the buyer's address
block), are in the lexicon too, under names starting with ``_``, so that they claim their
text and their values are not taken for ours.

>>> [(h.field, h.text) for h in label_hits("Fakturanummer: 2024-10457")]
[('invoice_number', 'Fakturanummer')]
>>> sorted({h.field for h in label_hits("Due Date:")})
['due_date']
>>> [h.field for h in label_hits("Sum eks. mva:")]
['net_total']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from fakturaflyt.core.pdf.values import fold_map

__all__ = ["BUYER_FIELDS", "LabelHit", "label_hits"]

_S = r"[\s.\-/:'’]*"
_NO = r"(?:n[°ºo]|nr|no|#|num(?:ber|mer|ero|mero)?|nummer)\.?"
_EKS = r"(?:eks(?:kl(?:usive|\.)?)?|excl(?:uding|usive|\.)?|ex|ohne|exkl(?:usive)?|exclusief|hors)"
_INKL = r"(?:inkl(?:usive|\.)?|incl(?:uding|usive|uded|\.)?|inclusief|mit|avec|with)"
_TAX = r"(?:mva|moms|vat|tax|mwst|ust|btw|tva|gst|avgift|merverdiavgift)"

_LEXICON: dict[str, list[tuple[str, float]]] = {
    "invoice_number": [
        (r"faktura{S}(?:{NO}|nummer)", 1.0),
        (r"invoice{S}(?:{NO}|number|id)", 1.0),
        (r"inv{S}{NO}", 0.9),
        (r"rechnungs?{S}(?:{NO}|nummer)", 1.0),
        (r"factuur{S}(?:{NO}|nummer)", 1.0),
        (r"(?:{NO}|numero){S}(?:de{S})?(?:la{S})?facture", 1.0),
        (r"facture{S}{NO}", 1.0),
        (r"fattura{S}{NO}", 1.0),
        (r"(?:kreditnota|creditnota|gutschrift|credit{S}note){S}(?:{NO}|nummer|number)", 0.9),
        (r"avoir{S}{NO}", 0.9),
        (r"bill{S}(?:{NO}|number)", 0.8),
        (r"(?:receipt|kvittering){S}(?:{NO}|number|nummer)", 0.6),
        (r"(?:document|dokument|bilag|beleg){S}(?:{NO}|number|nummer)", 0.5),
        (r"booking{S}(?:id|{NO}|number|reference|ref)", 0.5),
        (r"#", 0.45),
    ],
    "issue_date": [
        (r"faktura{S}dato", 1.0),
        (r"invoice{S}date|date{S}of{S}(?:invoice|issue)|issue{S}date|date{S}issued|invoiced{S}on", 1.0),
        (r"rechnungs{S}datum|rechnung{S}vom", 1.0),
        (r"factuur{S}datum", 1.0),
        (r"date{S}(?:de{S})?(?:la{S})?factur(?:e|ation)|date{S}d{S}emission", 1.0),
        (r"billing{S}date|utstedt|utstedelsesdato", 0.8),
        (r"dato|date|datum|fecha", 0.6),
        (r"issued", 0.5),
    ],
    "due_date": [
        (r"forfalls?{S}dato|forfall|forfaller|siste{S}betalingsdag", 1.0),
        (r"betalingsfrist|betales{S}innen|betal{S}innen", 0.8),
        (r"due{S}date|date{S}due|payment{S}due(?:{S}date)?|payable{S}(?:by|before)|pay{S}by", 1.0),
        (r"due{S}(?:on|by)", 0.8),
        (r"due", 0.6),
        (r"fallig(?:keits{S}datum|{S}am|{S}bis)?|zahlbar{S}bis|zahlungs{S}ziel|zahlungsfrist", 0.9),
        (r"verval{S}datum|uiterste{S}betaal{S}datum|(?:te{S})?betalen{S}voor", 1.0),
        (
            r"date{S}d{S}echeance|echeance|date{S}limite(?:{S}de{S}(?:paiement|reglement))?|a{S}payer{S}avant(?:{S}le)?",
            1.0,
        ),
        (r"prelevement{S}a{S}partir{S}du|debit{S}date", 0.6),
    ],
    "net_total": [
        (
            r"(?:sum|totalt?|belop|total{S}amount|amount|summe|gesamt|totaal|montant|total){S}" + _EKS + r"{S}" + _TAX,
            1.0,
        ),
        (r"" + _EKS + r"{S}" + _TAX, 0.85),
        (r"(?:sum|total|summe|gesamt|betrag|bedrag|montant){S}netto|netto{S}(?:sum|total|belop|betrag|bedrag)", 0.9),
        (r"nettobelop|nettosum|nettobetrag|net{S}(?:amount|total)|total{S}net|netto", 0.8),
        (r"(?:mva|avgifts){S}grunnlag|grunnlag(?:{S}mva)?|taxable{S}amount|tax{S}base|steuerpflichtiger{S}betrag", 0.7),
        (r"total{S}(?:eur{S})?ht|montant{S}(?:eur{S})?ht|prix{S}ht", 0.9),
        (r"sub{S}total|subtotaal|zwischensumme|sous{S}total|delsum|mellomsum|warenwert", 0.6),
        (r"total{S}(?:before|excl\w*){S}(?:vat|tax)", 1.0),
    ],
    "vat_total": [
        (r"(?:sum|totalt?|herav|hvorav|belop){S}(?:mva|merverdiavgift|moms)|merverdiavgift|mva{S}belop", 1.0),
        (r"(?:total|sum){S}(?:vat|tax|gst)|(?:vat|tax|gst){S}(?:amount|total)|sales{S}tax|value{S}added{S}tax", 1.0),
        (r"(?:umsatzsteuer|mehrwertsteuer)(?:{S}betrag)?|(?:summe|gesamt){S}(?:mwst|ust)|zzgl{S}(?:mwst|ust)?", 1.0),
        (r"(?:totaal{S})?btw{S}bedrag|totaal{S}btw|btw{S}(?:total|totaal)", 1.0),
        (r"(?:montant|total){S}(?:de{S}(?:la{S})?)?tva|tva{S}(?:total|montant)", 1.0),
        (r"mva|moms|vat|mwst|btw|tva", 0.8),
        (r"tax|gst|ust|avgift", 0.6),
    ],
    "total": [
        (r"(?:totalt?{S}|sum{S}|belop{S}|beloep{S})?a{S}betale|til{S}betaling|totalbelop|fakturabelop", 1.0),
        (r"(?:sum|totalt?|belop){S}" + _INKL + r"{S}(?:mva|moms)", 1.0),
        (r"amount{S}(?:due|payable)|balance{S}due|total{S}(?:amount{S})?due|please{S}pay|amount{S}to{S}pay", 1.0),
        (r"grand{S}total|invoice{S}total|total{S}for{S}this{S}invoice|total{S}amount|invoice{S}amount", 1.0),
        (r"total{S}" + _INKL + r"{S}(?:vat|tax|gst)", 1.0),
        (
            r"gesamt{S}betrag|rechnungs{S}betrag|end{S}betrag|gesamt{S}summe|zu{S}zahlen(?:der{S}betrag)?|brutto{S}betrag|(?:summe|gesamt){S}brutto",
            1.0,
        ),
        (r"te{S}betalen|totaal{S}bedrag|factuur{S}bedrag|totaal{S}" + _INKL + r"{S}btw", 1.0),
        (
            r"net{S}a{S}payer|somme{S}a{S}payer|total{S}a{S}payer|montant{S}a{S}payer|total{S}ttc|montant{S}(?:total{S})?(?:eur{S})?ttc",
            1.0,
        ),
        (r"total{S}facture|montant{S}total|totaal|totalt|gesamt|summe|brutto", 0.8),
        (r"total", 0.7),
        (r"sum", 0.5),
    ],
    "supplier_orgnr": [
        (r"org(?:anisasjons)?{S}(?:nr|no|nummer)|orgnr|foretaksregisteret|enhetsregisteret|foretaksnummer", 1.0),
        (r"mva{S}(?:nr|nummer)|org{S}id", 0.7),
    ],
    "supplier_vat_id": [
        (r"(?:mva|vat|moms|mwst|btw|tva|gst){S}(?:reg(?:istration|istrert)?{S})?(?:id|{NO}|number|nummer)", 1.0),
        (r"vat{S}reg(?:istration)?|vat{S}id|tax{S}id", 0.9),
        (r"ust{S}id(?:{S}nr)?|ust{S}id{S}nr|umsatzsteuer{S}id\w*|steuer{S}id", 1.0),
        (r"(?:{NO}|numero){S}(?:de{S})?(?:tva|btw)(?:{S}intra{S}?communautaire)?|tva{S}intra{S}?communautaire", 1.0),
        (r"btw|tva|vat|gstin|cvr|moms", 0.6),
    ],
    "kid": [(r"kid(?:{S}(?:{NO}|nummer))?|kunde{S}identifikasjon|kundeidentifikasjon", 1.0)],
    "bank_account": [
        (r"(?:bank)?konto(?:{S}(?:{NO}|nummer))?|bankgiro|betales{S}til(?:{S}konto)?|betal{S}til", 1.0),
        (r"(?:bank{S})?account{S}(?:{NO}|number)?|bank{S}account", 0.7),
    ],
    "iban": [(r"iban(?:{S}(?:nr|no|number|nummer))?", 1.0)],
    "order_reference": [
        (
            r"(?:ordre|order|bestilling|bestillings|innkjops{S}ordre|purchase{S}order)(?:{S}(?:{NO}|nummer|number|id|ref(?:erence)?))?",
            1.0,
        ),
        (
            r"po{S}(?:{NO}|number)|p{S}o{S}(?:{NO}|number)|deres{S}(?:ordre|bestilling)|your{S}order|ordernummer|bestelnummer",
            1.0,
        ),
        (
            r"bestel{S}(?:{NO}|nummer)|bestell(?:ung)?{S}(?:{NO}|nummer)|ihre{S}bestellung|auftrags?{S}(?:{NO}|nummer)",
            1.0,
        ),
        (r"(?:{NO}|numero){S}de{S}commande|commande{S}{NO}|bon{S}de{S}commande|referentie", 0.8),
    ],
    "supplier_name": [
        (r"leverandor|selger|seller|supplier|vendor|service{S}provider|lieferant|verkaufer|leverancier", 0.8),
        (r"fournisseur|vendeur|sold{S}by|issued{S}by|betalings{S}mottaker|beneficiary", 0.7),
    ],
    # Fields we do not return, to keep their values away from ours.
    "_buyer": [
        (r"bill(?:ed)?{S}to|invoice{S}to|sold{S}to|ship{S}to|deliver(?:y)?{S}(?:to|address)|attn|att|c{S}o", 1.0),
        (r"(?:fakturamottaker|mottaker|kjoper|leveringsadresse|leveres{S}til|faktureres{S}til)", 1.0),
        (r"rechnungs{S}empfanger|kaufer|liefer{S}adresse|lieferanschrift|afleveradres|factuuradres", 1.0),
        (
            r"destinataire|adresse{S}de{S}(?:livraison|facturation)|buyer|customer(?!{S}(?:service|care))|kunde|klant|client",
            0.9,
        ),
        (r"guest{S}name|nom{S}de{S}l{S}abonne", 0.9),
    ],
    "_customer_number": [
        (r"kunde{S}(?:{NO}|nummer)|kundennr|kundennummer|klant{S}(?:{NO}|nummer)|customer{S}(?:{NO}|number|id)", 1.0),
        (r"id{S}client|client{S}(?:id|{NO})|(?:{NO}|numero){S}(?:de{S})?client|account{S}(?:{NO}|number|id)", 1.0),
        (
            r"deres{S}ref(?:eranse)?|var{S}ref(?:eranse)?|your{S}ref(?:erence)?|our{S}ref(?:erence)?|ihr\w*{S}zeichen|unser\w*{S}zeichen",
            0.9,
        ),
        (
            r"contract{S}(?:{NO}|number)|kontrakt{S}(?:{NO}|nummer)|avtale{S}(?:{NO}|nummer)|vertrags{S}(?:{NO}|nummer)",
            0.9,
        ),
        (
            r"serie{S}nummer|serial{S}(?:{NO}|number)|(?:{NO}|numero){S}de{S}ligne|line{S}number|abonnement{S}(?:{NO}|nummer)",
            0.9,
        ),
    ],
    "_other_date": [
        (
            r"levering(?:s{S}dato)?|delivery{S}date|liefer{S}datum|leistungs{S}datum|lever{S}datum|date{S}de{S}livraison",
            1.0,
        ),
        (r"ordre{S}dato|order{S}date|order{S}datum|bestell{S}datum|bestillings{S}dato|date{S}de{S}commande", 1.0),
        (r"check{S}in|check{S}out|periode|period|zeitraum|leistungs{S}zeitraum|billing{S}period|statement{S}date", 1.0),
        (r"printed|utskrevet|gedruckt", 0.8),
    ],
    "_contact": [
        (r"tel(?:efon|ephone)?|phone|mob(?:il|ile)?|fax|telefax|e{S}?mail|e{S}?post|www|web|internet|homepage", 1.0),
        (
            r"side|page|seite|pagina|blatt|steuer{S}(?:{NO}|nummer)|hrb|hra|blz|kto{S}{NO}|bic|swift|sort{S}code|ifsc(?:{S}code)?",
            1.0,
        ),
        (r"cin|siren|siret|rcs|kvk|registergericht|handelsregister", 0.9),
    ],
}

BUYER_FIELDS = frozenset({"_buyer"})


@dataclass(frozen=True, slots=True)
class LabelHit:
    """A label found in a text: the field, its weight and its span in the original text."""

    field: str
    weight: float
    start: int
    end: int
    text: str


@lru_cache(maxsize=1)
def _compiled() -> list[tuple[str, float, re.Pattern[str]]]:
    out = []
    for field_name, patterns in _LEXICON.items():
        for pattern, weight in patterns:
            body = pattern.replace("{S}", _S).replace("{NO}", _NO)
            out.append((field_name, weight, re.compile(r"(?<![a-z0-9_])(?:" + body + r")(?![a-z_])")))
    return out


def label_hits(text: str) -> list[LabelHit]:
    """The labels in ``text`` (see :func:`_label_hits`); repeated texts are looked up once."""
    return list(_label_hits(text))


@lru_cache(maxsize=8192)
def _label_hits(text: str) -> tuple[LabelHit, ...]:
    """The labels in ``text``, left to right; where labels overlap the longest wins.

    Labels of several fields with exactly the same span are all kept (``BTW`` is both the
    VAT amount's and the VAT number's label; the value decides).
    """
    folded, where = fold_map(text)
    raw: list[tuple[int, int, str, float]] = []
    if not re.search(r"[a-z#]", folded):
        return ()
    for field_name, weight, rx in _compiled():
        for m in rx.finditer(folded):
            if m.end() > m.start():
                raw.append((m.start(), m.end(), field_name, weight))
    raw.sort(key=lambda r: (-(r[1] - r[0]), -r[3], r[0]))
    kept: list[tuple[int, int, str, float]] = []
    for r in raw:
        clash = False
        for k in kept:
            if r[0] < k[1] and k[0] < r[1] and (r[0], r[1]) != (k[0], k[1]):
                clash = True
                break
            if (r[0], r[1]) == (k[0], k[1]) and r[2] == k[2]:
                clash = True
                break
        if not clash:
            kept.append(r)
    hits = []
    for start, end, field_name, weight in sorted(kept, key=lambda r: (r[0], r[2])):
        o_start = where[start]
        o_end = where[end - 1] + 1
        hits.append(LabelHit(field_name, weight, o_start, o_end, text[o_start:o_end]))
    return tuple(hits)
