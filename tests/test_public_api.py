"""The public names: every one resolves, and every exception and value a caller meets through
a case is among them."""

from __future__ import annotations

import functools
import inspect
import subprocess
import sys
import typing
from typing import Any

import attrs
import pytest

import sipcore
from sipcore import errors
from sipcore.case import SipCase

# Met through a case but reached through its module, and why.
NOT_EXPORTED = {
    "sipcore.obligations.Term": "SipCase.obligation_terms(), the cache of region-wide lists",
}


@pytest.mark.parametrize("name", sipcore.__all__)
def test_every_public_name_resolves(name: str) -> None:
    value = getattr(sipcore, name)
    assert value is not None
    if name != "__version__":
        assert getattr(value, "__name__", name) == name or name == "FollowUp"


def test_every_error_is_exported() -> None:
    for name in errors.__all__:
        assert getattr(sipcore, name) is getattr(errors, name)


def _classes(hint: Any, out: set[type]) -> None:
    if isinstance(hint, type):
        out.add(hint)
    for arg in typing.get_args(hint):
        _classes(arg, out)


def _met_from(cls: type) -> set[type]:
    """The classes that ``cls``'s public properties, methods and fields return or hold."""
    module = sys.modules[cls.__module__]
    found: set[type] = set()
    for name in dir(cls):
        if name.startswith("_"):
            continue
        member = inspect.getattr_static(cls, name)
        if isinstance(member, property):
            member = member.fget
        elif isinstance(member, functools.cached_property):
            member = member.func
        elif isinstance(member, classmethod | staticmethod):
            member = member.__func__
        if inspect.isfunction(member):
            _classes(typing.get_type_hints(member, vars(module)).get("return"), found)
    if attrs.has(cls):
        hints = typing.get_type_hints(cls, vars(module))
        for field in attrs.fields(cls):
            if not field.name.startswith("_"):
                _classes(hints.get(field.name), found)
    return {c for c in found if c.__module__.startswith("sipcore")}


def test_every_value_a_case_returns_is_exported() -> None:
    exported = tuple(getattr(sipcore, n) for n in sipcore.__all__
                     if isinstance(getattr(sipcore, n), type))
    seen: set[type] = set()
    todo: list[type] = [SipCase]
    while todo:
        cls = todo.pop()
        if cls not in seen:
            seen.add(cls)
            todo.extend(_met_from(cls))
    assert len(seen) > 20
    missing = sorted(
        f"{c.__module__}.{c.__name__}" for c in seen
        if not issubclass(c, exported) and f"{c.__module__}.{c.__name__}" not in NOT_EXPORTED
    )
    assert not missing


def test_import_sipcore_imports_no_extra() -> None:
    code = ("import sys, sipcore, sipcore.wire, sipcore.schema, sipcore.cli; "
            "sipcore.cli.build_parser(); "
            "print(sorted(m for m in ('fastapi', 'uvicorn', 'starlette', 'jsonschema') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]"
