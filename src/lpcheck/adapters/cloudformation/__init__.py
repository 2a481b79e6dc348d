"""CloudFormation front-end: JSON/YAML templates, SAM and CDK synth output -> the model.

``adapt_template`` parses with the positioned parsers (cfn-lint's YAML decoder understands the
short-form tags), resolves intrinsic functions (``intrinsics``), merges SAM ``Globals`` (``sam``),
expands ``Fn::ForEach`` (``foreach``) and hands each resource to the handlers registered for its
type (``template``). Nothing here raises on user input: parse errors and our own bugs are returned
as ``AdaptResult.problems``.
"""

from __future__ import annotations

from pathlib import Path

from lpcheck.errors import ParseFailure
from lpcheck.location import Location
from lpcheck.model.container import Model
from lpcheck.result import AdaptResult


def adapt_template(path: Path, display: str, text: str, fmt: str) -> AdaptResult:
    """Adapt one template; ``fmt`` is "json" or "yaml", ``display`` the path findings show."""
    result = AdaptResult(Model())
    try:
        if fmt == "json":
            from lpcheck.parsers.jsonpos import parse_json

            root = parse_json(text, display)
        else:
            from lpcheck.parsers.yamlpos import parse_yaml

            root = parse_yaml(text, display)
    except ParseFailure as exc:
        result.problems.append(exc)
        return result
    except RecursionError:  # the parsers' own depth limits normally catch this first
        kind = "JSON" if fmt == "json" else "YAML"
        result.problems.append(ParseFailure(Location(display, 1, 1), f"invalid {kind}: nesting too deep"))
        return result
    except Exception as exc:  # a parser bug: report it, never a traceback
        result.problems.append(RuntimeError(f"internal error parsing {display}: {type(exc).__name__}: {exc}"))
        return result

    from lpcheck.adapters.cloudformation.template import adapt_tree

    try:
        adapt_tree(root, display, result, fmt)
    except Exception as exc:  # RecursionError included: keep what was adapted so far
        result.problems.append(
            RuntimeError(f"internal error adapting {display}: {type(exc).__name__}: {exc}")
        )
    return result


__all__ = ["adapt_template"]
