"""ISO 20022 payment files: pain.001 out (:mod:`.pain001`), pain.002 (:mod:`.pain002`) and camt.052/053/054 (:mod:`.camt`) in.

Framework-free. Readers take untrusted bytes through :mod:`fakturaflyt.core.xmlsafe` and read
every version by structure (local element names), so a bank moving from ``.001.02`` to
``.001.08`` needs no code change; failures are :class:`~fakturaflyt.core.errors.FormatError`
with stable ``FF-PAIN001-*``, ``FF-PAIN002-*`` and ``FF-CAMT-*`` codes naming the element.
"""
