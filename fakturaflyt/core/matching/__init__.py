"""Matching: supplier invoices against purchase orders and goods receipts (:mod:`.purchase`), bank
transactions against invoices (:mod:`.payments`). Plain functions over frozen dataclasses, no Django."""
