"""A deterministic request generator over the API's OpenAPI schema (the "or equivalent" of schemathesis).

Every operation becomes an :class:`Operation`, classified by method (read or write) and path
(company-scoped ``/api/companies/{orgnr}/...``, the user's own ``/api/me``, or the upload alias that
names the company in ``?company=``). :func:`example` builds a *valid* value from a JSON schema, so a
request passes django-ninja's validation and reaches the permission check: a 422 returned before the
check would prove nothing about authorization.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

WRITE_METHODS = {"post", "put", "patch", "delete"}
COMPANY_PREFIX = "/api/companies/{orgnr}"


@dataclass(frozen=True)
class Operation:
    method: str  # lower case
    path: str  # the template, with {params}
    operation_id: str
    op: dict[str, Any]

    @property
    def is_write(self) -> bool:
        return self.method in WRITE_METHODS

    @property
    def scope(self) -> str:
        """``company`` (org.nr in the path), ``alias`` (org.nr in ?company=) or ``user`` (the caller's own data)."""
        if self.path.startswith(COMPANY_PREFIX):
            return "company"
        if any(p["name"] == "company" and p["in"] == "query" for p in self.op.get("parameters", [])):
            return "alias"
        return "user"

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)

    @property
    def public(self) -> bool:
        """Documented as needing no authentication (an empty ``security`` list)."""
        return self.op.get("security", None) == []

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


@cache
def schema() -> dict[str, Any]:
    from fakturaflyt.api.api import api

    return api.get_openapi_schema()


def operations() -> list[Operation]:
    out = []
    for path, ops in schema()["paths"].items():
        for method, op in ops.items():
            out.append(Operation(method, path, op["operationId"], op))
    return out


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema()["components"]["schemas"][name]
    return node


def example(node: dict[str, Any], name: str = "") -> Any:
    """A small valid instance of ``node``: required properties and defaults, first enum value, one list item."""
    node = _resolve(node)
    if "enum" in node:
        return node["enum"][0]
    if "default" in node and node["default"] not in ("", None):
        return node["default"]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in node:
            options = [o for o in node[key] if _resolve(o).get("type") != "null"] or node[key]
            return example(options[0], name)
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        props = node.get("properties", {})
        required = set(node.get("required", []))
        # Every property, not only the required ones: two schemas of one name (``RejectIn``, ``LineIn``)
        # collide in django-ninja's components, so "optional" here may be required by the real handler.
        return {k: example(v, k) for k, v in props.items() if k in required or _resolve(v).get("type") != "array"}
    if kind == "array":
        return [example(node.get("items", {}), name)] * max(1, node.get("minItems", 1))
    if kind == "integer":
        return max(1, node.get("minimum", 1))
    if kind == "number":
        return "100.00"
    if kind == "boolean":
        return False
    fmt = node.get("format")
    if fmt == "date":
        return "2026-03-01"
    if fmt == "date-time":
        return "2026-03-01T10:00:00+01:00"
    if fmt == "binary":
        return SimpleUploadedFile(f"{name or 'file'}.xml", b"<Invoice/>", content_type="application/xml")
    return "x"


# Bodies the business would send, where the minimal example would be refused by the service's own checks
# (a 422 is accepted from an allowed role, but a meaningful body exercises the path through to the database).
MEANINGFUL: dict[str, dict[str, Any]] = {
    "fakturaflyt_ledger_api_post_voucher": {
        "date": "2026-03-01",
        "description": "authz test",
        "lines": [{"account": "6300", "debit": "10.00"}, {"account": "1920", "credit": "10.00"}],
    },
    # The schema shows the ledger's ``LineIn`` here (a name collision in the components); the real one:
    "fakturaflyt_receivables_api_create_invoice": {
        "customer": 1,
        "lines": [{"description": "authz test", "quantity": "1", "unit_price": "100", "vat_code": "3"}],
    },
}


@dataclass
class Request:
    method: str
    url: str
    query: dict[str, Any]
    body: Any = None
    content_type: str | None = None


def build_request(operation: Operation, values: dict[str, Any], number: Any) -> Request:
    """The operation with its path filled from ``values`` (``{number}`` from ``number``), required query
    parameters from the schema, and a valid body."""
    url = operation.path
    for name in operation.path_params:
        value = number if name == "number" else values[name]
        url = url.replace("{" + name + "}", str(value))
    query: dict[str, Any] = {}
    for p in operation.op.get("parameters", []):
        if p["in"] == "query" and (p.get("required") or p["name"] == "company"):
            query[p["name"]] = values["orgnr"] if p["name"] == "company" else example(p.get("schema", {}), p["name"])
    body = content_type = None
    request_body = operation.op.get("requestBody")
    if request_body:
        content = request_body["content"]
        if "application/json" in content:
            content_type = "application/json"
            body = MEANINGFUL.get(operation.operation_id) or example(content["application/json"]["schema"])
        elif "multipart/form-data" in content:
            node = _resolve(content["multipart/form-data"]["schema"])
            body = {
                k: example(v, k)
                for k, v in node.get("properties", {}).items()
                if k == "file" or k in node.get("required", [])
            }
            body = {k: (v[0] if isinstance(v, list) else v) for k, v in body.items()}
        else:
            content_type = next(iter(content))
            body = b"<Invoice/>"
    elif operation.is_write:
        content_type = "application/json"
        body = {}
    return Request(operation.method, url, query, body, content_type)


def send(client: Any, req: Request, headers: dict[str, str]) -> Any:
    """Send with Django's test client; query parameters go in the URL for every method."""
    from urllib.parse import urlencode

    url = req.url + ("?" + urlencode(req.query, doseq=True) if req.query else "")
    call = getattr(client, req.method)
    if req.method == "get":
        return call(url, headers=headers)
    if req.content_type is None:  # multipart
        body = {k: _rewind(v) for k, v in (req.body or {}).items()}
        return call(url, body, headers=headers)
    data = req.body
    if req.content_type == "application/json":
        import json

        data = json.dumps(req.body)
    return call(url, data, content_type=req.content_type, headers=headers)


def _rewind(value: Any) -> Any:
    if hasattr(value, "seek"):
        value.seek(0)
    return value
