"""django-ninja names each schema in the OpenAPI document by its class name alone, so two API
schemas with one name overwrite each other there (the published ``POST /invoices`` once showed
the ledger's voucher ``LineIn``). Every schema the API uses must have a name of its own."""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found


def test_every_api_schema_has_a_name_of_its_own() -> None:
    from fakturaflyt.api.api import api

    api.get_openapi_schema()  # imports every router
    by_name: dict[str, list[str]] = defaultdict(list)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("fakturaflyt."):
            by_name[cls.__name__].append(cls.__module__)
    clashes = {name: modules for name, modules in by_name.items() if len(modules) > 1}
    assert clashes == {}
