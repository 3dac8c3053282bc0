"""The invoice model as JSON-ready dicts and back (``fakturaflyt ehf parse`` / ``ehf write``).

Field names are the model's; amounts and quantities are strings (never floats), dates ISO
8601, embedded files base64. ``from_dict(to_dict(x)) == x`` for every model value.

>>> from decimal import Decimal
>>> from fakturaflyt.core.ehf.model import VatBreakdown
>>> d = to_dict(VatBreakdown("S", Decimal("25"), Decimal("100.00"), Decimal("25.00")))
>>> d["tax_amount"]
'25.00'
>>> from_dict(VatBreakdown, d) == VatBreakdown("S", Decimal("25"), Decimal("100.00"), Decimal("25.00"))
True
"""

from __future__ import annotations

import base64
import dataclasses
import types
import typing
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, TypeVar, Union, get_args, get_origin

from fakturaflyt.core.ehf import model as m
from fakturaflyt.core.errors import FormatError

T = TypeVar("T")


def to_dict(value: Any) -> Any:
    """A model value as JSON-ready data; ``None`` fields are left out."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(value):
            v = getattr(value, f.name)
            # None is left out unless the field's default is something else (profile_id: None means "absent")
            if v == () or (v is None and f.default in (None, dataclasses.MISSING)):
                continue
            out[f.name] = to_dict(v)
        return out
    if isinstance(value, tuple):
        return [to_dict(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


@cache
def _hints(cls: Any) -> dict[str, Any]:
    # The model module as both namespaces: with only globals given, a slots class's own attributes
    # shadow the module (``Delivery.date`` the field would hide ``date`` the type).
    return typing.get_type_hints(cls, vars(m), vars(m))


def _convert(tp: Any, data: Any, where: str) -> Any:
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        return None if data is None else _convert(args[0], data, where)
    if origin is tuple:
        if not isinstance(data, list):
            raise FormatError("FF-EHF-JSON", f"{where} must be a list", where)
        return tuple(_convert(get_args(tp)[0], item, f"{where}[{i}]") for i, item in enumerate(data))
    if origin is typing.Literal:
        if data not in get_args(tp):
            raise FormatError("FF-EHF-JSON", f"{where} must be one of {get_args(tp)}, not {data!r}", where)
        return data
    if dataclasses.is_dataclass(tp):
        if not isinstance(data, dict):
            raise FormatError("FF-EHF-JSON", f"{where} must be an object", where)
        return from_dict(typing.cast(type, tp), data, where)
    if tp is Decimal:
        if isinstance(data, float) or isinstance(data, bool):
            raise FormatError("FF-EHF-JSON", f"{where}: write amounts as strings, not {data!r}", where)
        try:
            result = Decimal(str(data))
        except InvalidOperation:
            raise FormatError("FF-EHF-JSON", f"{where}: {data!r} is not a number", where) from None
        if not result.is_finite():
            raise FormatError("FF-EHF-JSON", f"{where}: {data!r} is not a finite number", where)
        return result
    if tp is date:
        try:
            return date.fromisoformat(data)
        except (TypeError, ValueError):
            raise FormatError("FF-EHF-JSON", f"{where}: {data!r} is not an ISO date (YYYY-MM-DD)", where) from None
    if tp is bytes:
        try:
            return base64.b64decode(data, validate=True)
        except (TypeError, ValueError):
            raise FormatError("FF-EHF-JSON", f"{where}: not valid base64", where) from None
    if tp is bool:
        if not isinstance(data, bool):
            raise FormatError("FF-EHF-JSON", f"{where} must be true or false", where)
        return data
    if tp is str:
        if not isinstance(data, str):
            raise FormatError("FF-EHF-JSON", f"{where} must be a string", where)
        return data
    raise FormatError("FF-EHF-JSON", f"{where}: unsupported type {tp!r}", where)


def _optional(tp: Any) -> bool:
    return get_origin(tp) in (Union, types.UnionType) and type(None) in get_args(tp)


def from_dict(cls: type[T], data: dict[str, Any], where: str = "") -> T:
    """Build a model dataclass from :func:`to_dict` output; raise ``FF-EHF-JSON`` naming the field at fault."""
    if not isinstance(data, dict):
        raise FormatError("FF-EHF-JSON", f"{where or cls.__name__} must be an object", where)
    hints = _hints(typing.cast(Any, cls))
    known = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = set(data) - known
    if unknown:
        raise FormatError("FF-EHF-JSON", f"unknown field(s) {sorted(unknown)} in {where or cls.__name__}", where)
    kwargs = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        path = f"{where}.{f.name}" if where else f.name
        if f.name in data:
            kwargs[f.name] = _convert(hints[f.name], data[f.name], path)
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            if _optional(hints[f.name]):  # to_dict leaves None out, also where the field has no default
                kwargs[f.name] = None
                continue
            raise FormatError("FF-EHF-JSON", f"{path} is missing", path)
    return cls(**kwargs)


def invoice_from_dict(data: dict[str, Any]) -> m.Invoice:
    return from_dict(m.Invoice, data)
