"""Which handler adapts which resource type, per format.

A handler is ``fn(view: ResourceView, ctx: AdaptContext) -> None`` and adds model objects to
``ctx.model``. Handler modules in ``lpcheck.adapters.handlers`` are imported on first use.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lpcheck.adapters.context import AdaptContext
    from lpcheck.adapters.view import ResourceView

Handler = Callable[["ResourceView", "AdaptContext"], None]

CFN: dict[str, list[Handler]] = {}
TF: dict[str, list[Handler]] = {}
_loaded = False


def cfn(*types: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        for t in types:
            CFN.setdefault(t, []).append(func)
        return func

    return register


def tf(*types: str) -> Callable[[Handler], Handler]:
    """Terraform resource types; data sources are registered as ``data.<type>``."""

    def register(func: Handler) -> Handler:
        for t in types:
            TF.setdefault(t, []).append(func)
        return func

    return register


def load_handlers() -> None:
    global _loaded
    if _loaded:
        return
    import lpcheck.adapters.handlers as package

    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{info.name}")
    _loaded = True


def cfn_handlers(resource_type: str) -> list[Handler]:
    load_handlers()
    return CFN.get(resource_type, [])


def tf_handlers(resource_type: str) -> list[Handler]:
    load_handlers()
    return TF.get(resource_type, [])
