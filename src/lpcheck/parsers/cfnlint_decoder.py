"""Access to cfn-lint's YAML decoder without importing all of cfn-lint.

``import cfnlint`` runs the package ``__init__``, which loads the whole linter (rules, schemas,
templates: about 0.6 s). The decoder itself needs only ``cfnlint.decode.*``, ``cfnlint.match`` and
the ``ParseError`` rule class it attaches to errors. We register light stand-ins for the two
package modules so the decoder's own modules load in ~50 ms, and fall back to the ordinary import
if cfn-lint's layout ever changes (slower, still correct). We only stand in for
``cfnlint``/``cfnlint.rules``/``cfnlint.rules.errors`` when nothing has imported them yet.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

_decoder: Any = None


class _ParseErrorRule:
    """Stand-in for ``cfnlint.rules.errors.ParseError``: the decoder only reads these attributes."""

    id = "E0000"
    shortdesc = "Parsing error found when parsing the template"
    description = "Checks for JSON/YAML formatting errors in your template"
    source_url = ""
    tags: list[str] = []
    severity = "error"


def _light_import() -> Any:
    spec = importlib.util.find_spec("cfnlint")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("cfn-lint is not installed")
    created: list[str] = []
    try:
        pkg = types.ModuleType("cfnlint")
        pkg.__path__ = list(spec.submodule_search_locations)
        pkg.__spec__ = spec
        sys.modules["cfnlint"] = pkg
        created.append("cfnlint")
        match = importlib.import_module("cfnlint.match")
        rules = types.ModuleType("cfnlint.rules")
        rules.__path__ = []
        rules.Match = match.Match  # type: ignore[attr-defined]
        errors = types.ModuleType("cfnlint.rules.errors")
        errors.ParseError = _ParseErrorRule  # type: ignore[attr-defined]
        sys.modules["cfnlint.rules"] = rules
        sys.modules["cfnlint.rules.errors"] = errors
        created += ["cfnlint.rules", "cfnlint.rules.errors"]
        return importlib.import_module("cfnlint.decode.cfn_yaml")
    except Exception:
        for name in list(sys.modules):
            if name == "cfnlint" or name.startswith("cfnlint."):
                del sys.modules[name]
        raise


def cfn_yaml() -> Any:
    """cfn-lint's ``cfnlint.decode.cfn_yaml`` module, imported cheaply on first use."""
    global _decoder
    if _decoder is None:
        if "cfnlint" in sys.modules:
            _decoder = importlib.import_module("cfnlint.decode.cfn_yaml")
        else:
            try:
                _decoder = _light_import()
            except Exception:
                _decoder = importlib.import_module("cfnlint.decode.cfn_yaml")
    return _decoder
