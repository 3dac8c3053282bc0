"""Our own fast check of the Peppol BIS Billing 3.0 / EHF business rules, over the invoice model.

The official rules are Schematron (:mod:`.official` runs them, about 10-20 ms a document).
This module implements the rules that matter most again, in Python, over the
:class:`~fakturaflyt.core.ehf.model.Invoice` the reader builds, for two reasons: speed (tens
of microseconds a document, so validating a whole inbox is cheap) and readable errors (each
message says, for an accountant, what is wrong, where, with the amounts, and what to do).

Every problem carries the **official rule id** (``BR-CO-15``, ``PEPPOL-EN16931-R120``,
``NO-R-001``) and the severity the schematron gives it, and each check follows the
schematron's own test: its rounding (``round(x * 10 * 10) div 100``, halves towards
positive infinity), its tolerances (±1 for VAT per rate, ±0.02 for line amounts) and its
corner cases. :func:`check` returns **every** problem, never just the first.

:data:`IMPLEMENTED_RULES` lists the ids implemented here. The tests run the official
schematron as the judge over the corpus and over mutated documents: every implemented rule
(fatal or warning) must fire exactly where the official one does.

Families (:data:`IMPLEMENTED_RULES` is the exact list):

* EN 16931 core (:mod:`._rules_cen`): BR-17, BR-27..BR-30, BR-32/33, BR-37/38, BR-42/44,
  BR-48, BR-51, BR-53, BR-61..BR-65, the calculation rules BR-CO-03, -09..-18, -21..-24, -26,
  the decimals rules BR-DEC-*, the VAT category code lists BR-CL-17/18 (and, on models built
  in code only, BR-16, BR-CO-19 and BR-CO-20: :data:`MODEL_ONLY_RULES`);
* VAT categories (:mod:`._rules_vat`): BR-S, BR-Z, BR-E, BR-AE, BR-IC (K), BR-G, BR-O,
  BR-AF (L), BR-AG (M), -01 to -10 each, plus BR-IC-11/12 and BR-O-11..14;
* Peppol (:mod:`._rules_peppol`): PEPPOL-EN16931-R001..R130 where the model can express
  them, P0100..P0112, CL008, the identifier checks PEPPOL-COMMON-R040..R057 (GLN, Norwegian
  organisation number, Danish, Belgian, Swedish, Dutch), and the Norwegian NO-R-001/002.

Rules on elements the model cannot lack (a mandatory field: BR-02 invoice number, BR-06
seller name, ...) are enforced by the reader, which refuses such a document with that id.
What the model cannot express is left to the official schematron (``validate(official=True)``):
empty elements (PEPPOL-EN16931-R008), ``currencyID`` attributes (R051), how many ``TaxTotal``
elements there are (R053, R054), a charge indicator written ``0``/``1`` (R043; on a line it also
changes the official R120), a price discount marked as charge (R044), document references on
lines (R100, R101), project references on a credit note (R080). Also left to it: the long code
lists (BR-CL-* except 17/18, PEPPOL-EN16931-CL001..CL007), the UBL syntax rules (UBL-SR-*,
UBL-CR-*, UBL-DT-*), the Italian and Australian identifier checks (PEPPOL-COMMON-R044..R047, R050) and
other countries' rules (DK-R, SE-R, NL-R, IT-R, DE-R, GR-R, IS-R). BR-CO-05..08, BR-DEC-13 and
BR-DEC-15 never fail in this release (their tests are always true).

>>> from datetime import date
>>> from decimal import Decimal as D
>>> from fakturaflyt.core.ehf.model import Address, Identifier, Invoice, Item, Line, Party, Price, Totals, VatBreakdown
>>> seller = Party("Leverandør AS", Address("NO"), Identifier("923609016", "0192"), vat_id="NO923609016MVA",
...                tax_registration_id="Foretaksregisteret")
>>> buyer = Party("Kunde AS", Address("NO"), Identifier("974760673", "0192"))
>>> line = Line("1", D("2"), "C62", D("200.00"), Item("Stol", "S", D("25")), Price(D("100")))
>>> inv = Invoice("Invoice", "1", date(2026, 3, 2), "380", "NOK", seller, buyer,
...               Totals(D("200.00"), D("200.00"), D("250.00"), D("250.00")), (line,), buyer_reference="Kari",
...               tax_total=D("50.00"), vat_breakdown=(VatBreakdown("S", D("25"), D("200.00"), D("50.00")),))
>>> check(inv)
[]
>>> import dataclasses
>>> [p.code for p in check(dataclasses.replace(inv, tax_total=D("40.00")))]
['BR-CO-14', 'BR-CO-15']
"""

from __future__ import annotations

from decimal import localcontext

from fakturaflyt.core.ehf import _rules_cen, _rules_peppol, _rules_vat
from fakturaflyt.core.ehf._rulebase import REGISTRY, Ctx
from fakturaflyt.core.ehf.model import Invoice
from fakturaflyt.core.errors import Problem

# The modules register their checks when imported; name them so that linters see them used.
_FAMILIES = (_rules_cen, _rules_vat, _rules_peppol)

#: Rules :func:`check` reports on a model built in code (before writing it), but that a document read by
#: :mod:`.read` cannot break: the reader refuses a document without lines (BR-16) and reads an empty
#: invoicing period as no period (BR-CO-19, BR-CO-20). They are not judged against the official rules.
MODEL_ONLY_RULES: frozenset[str] = frozenset({"BR-16", "BR-CO-19", "BR-CO-20"})

#: Every official rule id that :func:`check` implements and that the official schematron judges (the
#: tests check, over the corpus and mutated documents, that ours fires exactly where the official one does).
IMPLEMENTED_RULES: frozenset[str] = frozenset().union(*(ids for ids, _ in REGISTRY)) - MODEL_ONLY_RULES


def check(invoice: Invoice) -> list[Problem]:
    """Every business-rule problem of ``invoice``, in a stable order (family, then document order)."""
    ctx = Ctx(invoice)
    problems: list[Problem] = []
    # Exact decimal arithmetic whatever the caller's context: amounts have at most ~20 digits.
    with localcontext() as dc:
        dc.prec = 50
        for _ids, func in REGISTRY:
            problems.extend(func(ctx))
    return problems


__all__ = ["IMPLEMENTED_RULES", "MODEL_ONLY_RULES", "check"]
