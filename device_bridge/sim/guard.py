"""Keeps pupil code away from the host through Python's introspection.

Without this, `print.__self__.open` or `().__class__.__base__.__subclasses__()` would lead from
the sandbox's builtins back to the host's. Reading one of `BLOCKED` attributes (in code, or
through `getattr`) raises `AttributeError`, as MicroPython does for names it does not have.

This is a guard against mistakes and curiosity, not a security boundary: CPython cannot be
fully sandboxed from inside itself. A simulator for untrusted code on a server must also run
the child in an operating-system sandbox.
"""

from __future__ import annotations

import builtins
import types

BLOCKED = frozenset(
    {
        # from functions, methods and classes back to modules and their globals
        "__globals__", "__builtins__", "__closure__", "__code__", "__self__", "__func__",
        "__wrapped__", "__defaults__", "__kwdefaults__", "__module__", "__dict__",
        "__subclasses__", "__bases__", "__base__", "__mro__", "mro", "__getattribute__",
        "__get__", "__reduce__", "__reduce_ex__", "__loader__", "__spec__", "__import__",
        "__traceback__", "__context__", "__cause__",
        # frames and code objects
        "tb_frame", "tb_next", "f_globals", "f_locals", "f_back", "f_builtins", "f_code",
        "gi_frame", "gi_code", "cr_frame", "cr_code", "ag_frame", "ag_code", "co_code",
    }
)  # fmt: skip


def refused(target: object, name: str) -> AttributeError:
    kind = type(target).__name__
    return AttributeError(f"'{kind}' object has no attribute '{name}'")


def simulator_object(target: object) -> bool:
    """Whether `target` is one of the simulator's own objects (a peripheral, a module's state),
    whose private attributes lead to the host (the side channel's socket, say)."""
    owner = target if isinstance(target, type) else type(target)
    return str(getattr(owner, "__module__", "") or "").startswith("device_bridge")


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private(target: object, name: str) -> object:
    """What instrumented code calls for `target._name`: pupils' own objects keep their private
    attributes, the simulator's do not show theirs."""
    if simulator_object(target):
        raise refused(target, name)
    return builtins.getattr(target, name)


def safe_getattr(target: object, name: str, *default: object) -> object:
    """`getattr` for pupil code."""
    if isinstance(name, str) and (
        name in BLOCKED or (is_private(name) and simulator_object(target))
    ):
        if default:
            return default[0]
        raise refused(target, name)
    return builtins.getattr(target, name, *default)


def safe_hasattr(target: object, name: str) -> bool:
    if isinstance(name, str) and (
        name in BLOCKED or (is_private(name) and simulator_object(target))
    ):
        return False
    return builtins.hasattr(target, name)


def safe_vars(*target: object) -> object:
    """`vars()` of the pupil's own namespace, or of a module; not of classes (their
    `__dict__` holds what `BLOCKED` keeps away)."""
    if target and not isinstance(target[0], types.ModuleType):
        raise TypeError("vars() argument must be a module")
    return builtins.vars(*target)


def attribute(target: object, name: str) -> object:
    """What instrumented code calls for `target.name` when `name` is blocked."""
    raise refused(target, name)


#: Builtins replaced by their guarded versions.
GUARDED_BUILTINS = {"getattr": safe_getattr, "hasattr": safe_hasattr, "vars": safe_vars}
