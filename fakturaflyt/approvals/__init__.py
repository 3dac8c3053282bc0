"""Approval (attestering) of coded supplier invoices: rules, the attestation hierarchy, substitutes,
reminders, comments, and posting on final approval (see :mod:`fakturaflyt.approvals.services`)."""
