"""YAML (CloudFormation flavoured) with positions, through cfn-lint's decoder.

cfn-lint's decoder understands the short-form intrinsic tags (``!Ref``, ``!Sub``, ``!If``,
``!GetAtt a.b``) and returns long-form maps with marks; we convert its nodes into ours. Scalars that
carry no mark (numbers, booleans, null) take the location of their key, which is where a finding on
them must point anyway.
"""

from __future__ import annotations

from typing import Any

from lpcheck.errors import ParseFailure
from lpcheck.location import Location
from lpcheck.parsers.cfnlint_decoder import cfn_yaml
from lpcheck.parsers.nodes import ListNode, MapNode, Node, ScalarNode

_MAX_DEPTH = 500


def _loc(obj: Any, path: str, fallback: Location) -> Location:
    mark = getattr(obj, "start_mark", None)
    if mark is None:
        return fallback
    return Location(path, mark.line + 1, mark.column + 1)


def _convert(obj: Any, path: str, fallback: Location, depth: int = 0) -> Node:
    loc = _loc(obj, path, fallback)
    if depth > _MAX_DEPTH:
        raise ParseFailure(loc, "invalid YAML: nesting too deep")
    if isinstance(obj, dict):
        node = MapNode(loc=loc)
        for key, value in obj.items():
            key_loc = _loc(key, path, loc)
            k = key if isinstance(key, str) else str(key)
            node.key_locs[k] = key_loc
            node.items[k] = _convert(value, path, key_loc, depth + 1)
        return node
    if isinstance(obj, list):
        return ListNode(loc=loc, items=[_convert(v, path, loc, depth + 1) for v in obj])
    if isinstance(obj, str):
        return ScalarNode(loc=loc, value=str(obj))
    if obj is None or isinstance(obj, (bool, int, float)):
        return ScalarNode(loc=loc, value=obj)
    # dates, timestamps, binary: keep their text form
    return ScalarNode(loc=loc, value=str(obj))


def _failure(exc: BaseException, path: str) -> ParseFailure:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context = getattr(exc, "context", None)
        message = f"{context}: {problem}" if context else str(problem)
        return ParseFailure(Location(path, mark.line + 1, mark.column + 1), f"invalid YAML: {message}")
    matches = getattr(exc, "matches", None)
    if matches:
        m = matches[-1]  # for a duplicate key, the later occurrence
        line = max(int(getattr(m, "linenumber", 1) or 1), 1)
        col = max(int(getattr(m, "columnnumber", 1) or 1), 1)
        text = str(getattr(m, "message", exc)).strip().splitlines() or [""]
        return ParseFailure(Location(path, line, col), f"invalid YAML: {text[0]}")
    text = str(exc).strip().splitlines()
    return ParseFailure(Location(path, 1, 1), f"invalid YAML: {text[0] if text else type(exc).__name__}")


def parse_yaml(text: str, path: str) -> Node:
    """Parse one YAML document into a positioned node tree; raises ParseFailure."""
    decoder = cfn_yaml()
    try:
        data = decoder.loads(text, path)
    except RecursionError:
        raise ParseFailure(Location(path, 1, 1), "invalid YAML: nesting too deep") from None
    except Exception as exc:  # yaml.YAMLError, CfnParseError, and anything the decoder raises
        raise _failure(exc, path) from None
    return _convert(data, path, Location(path, 1, 1))
