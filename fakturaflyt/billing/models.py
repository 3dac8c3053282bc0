"""Billing sources: orders, time entries, contracts and subscriptions, and the billing run."""
