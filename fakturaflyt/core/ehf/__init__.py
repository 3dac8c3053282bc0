"""Peppol BIS Billing 3.0 / EHF Billing 3.0: the model (:mod:`.model`), reading (:mod:`.read`),
writing (:mod:`.write`) and checking (:mod:`.rules`, :mod:`.validate`) of UBL 2.1 invoices and credit notes."""
