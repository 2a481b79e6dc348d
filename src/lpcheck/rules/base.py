"""The rule registry and the decorator rule modules use."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable

from lpcheck.findings import Issue
from lpcheck.model.container import Model

RuleFunc = Callable[[Model], Iterable[Issue]]

REGISTRY: dict[str, RuleFunc] = {}
_loaded = False


def rule(rule_id: str) -> Callable[[RuleFunc], RuleFunc]:
    """Register ``func`` as the implementation of ``rule_id`` (one function per rule)."""

    def register(func: RuleFunc) -> RuleFunc:
        if rule_id in REGISTRY and REGISTRY[rule_id] is not func:
            raise RuntimeError(f"rule {rule_id} registered twice")
        REGISTRY[rule_id] = func
        return func

    return register


def load_all() -> dict[str, RuleFunc]:
    """Import every ``lpNNN_*`` module of this package once."""
    global _loaded
    if not _loaded:
        import lpcheck.rules as package

        for info in pkgutil.iter_modules(package.__path__):
            if info.name.startswith("lp") and info.name[2:5].isdigit():
                importlib.import_module(f"{package.__name__}.{info.name}")
        _loaded = True
    return REGISTRY
