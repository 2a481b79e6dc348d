"""YAML (CloudFormation flavoured) with positions, through cfn-lint's decoder.

cfn-lint's decoder understands the short-form intrinsic tags (``!Ref``, ``!Sub``, ``!If``,
``!GetAtt a.b``) and returns long-form maps with marks; we convert its nodes into ours. Scalars that
carry no mark (numbers, booleans, null) take the location of their key, which is where a finding on
them must point anyway.
"""

from __future__ import annotations

import importlib
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
            k = str(key)  # a plain str: cfn-lint's str_node keys cannot be pickled to workers
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


_loader_class: Any = None


class _Mark:
    """A 0-based line/column pair, like PyYAML's marks (only what ``_loc`` reads)."""

    __slots__ = ("column", "line")

    def __init__(self, line: int, column: int) -> None:
        self.line = line
        self.column = column


def _loader(decoder: Any) -> Any:
    """cfn-lint's loader, except that a duplicate key is accepted (the last one wins).

    cfn-lint reports duplicates as a parse error (E0000), but PyYAML, the SAM CLI and the
    deploy tooling built on them accept them with last-wins semantics, and real templates that
    deploy fine have them (ten in serverless-patterns). A valid, deployable file must never be
    LP001, so the mapping constructor here keeps cfn-lint's node types and marks but not that check.
    """
    global _loader_class
    if _loader_class is None:
        node_mod = importlib.import_module("cfnlint.decode.node")

        class Loader(decoder.CfnFullLoader):  # type: ignore[misc,name-defined]
            def construct_yaml_map(self, node: Any) -> Any:
                self.flatten_mapping(node)
                mapping: dict[Any, Any] = {}
                for key_node, value_node in node.value:
                    key = self.construct_object(key_node, False)
                    value = self.construct_object(value_node, False)
                    if isinstance(key, (dict, list)):
                        key = str(key)
                    mapping.pop(key, None)  # keep the later key's position
                    mapping[key] = value
                return node_mod.dict_node(mapping, node.start_mark, node.end_mark)

            def block_mark(self, node: Any) -> Any:
                """For a block scalar (``|``/``>``), the mark of its first content line.

                PyYAML marks the indicator; the text starts on the next non-blank line, which is
                where positions inside it (a JSON policy, a key in user data) count from."""
                if getattr(node, "style", None) not in ("|", ">"):
                    return None
                lines = self.lpc_lines
                line = node.start_mark.line + 1
                while line < len(lines) and not lines[line].strip():
                    line += 1
                if line < len(lines) and line <= node.end_mark.line:
                    return _Mark(line, len(lines[line]) - len(lines[line].lstrip(" ")))
                return None

            def construct_yaml_str(self, node: Any) -> Any:
                obj = super().construct_yaml_str(node)
                mark = self.block_mark(node)
                if mark is not None:
                    obj.start_mark = mark
                return obj

            def construct_tagged(self, tag_suffix: str, node: Any) -> Any:
                """Short-form intrinsics (``!Sub |``): cfn-lint's constructor, with a block
                scalar argument located at its first content line like any other block scalar."""
                result = decoder.multi_constructor(self, tag_suffix, node)
                mark = self.block_mark(node)
                if mark is not None and isinstance(result, dict) and len(result) == 1:
                    ((key, value),) = result.items()
                    if isinstance(value, str):
                        result[key] = node_mod.str_node(str(value), mark, node.end_mark)
                return result

        Loader.add_constructor("tag:yaml.org,2002:map", Loader.construct_yaml_map)
        Loader.add_constructor("tag:yaml.org,2002:str", Loader.construct_yaml_str)
        Loader.add_multi_constructor("!", Loader.construct_tagged)
        _loader_class = Loader
    return _loader_class


def _load(decoder: Any, text: str, path: str) -> Any:
    loader = _loader(decoder)(text, path)
    loader.lpc_lines = text.splitlines()
    try:
        data = loader.get_single_data()
    finally:
        loader.dispose()
    if data is None:
        return {}
    guard = getattr(decoder, "_guard_alias_expansion", None)
    if guard is not None and "&" in text:
        guard(data, path)  # refuses "billion laughs" alias bombs
    return data


def parse_yaml(text: str, path: str) -> Node:
    """Parse one YAML document into a positioned node tree; raises ParseFailure."""
    decoder = cfn_yaml()
    try:
        data = _load(decoder, text, path)
    except RecursionError:
        raise ParseFailure(Location(path, 1, 1), "invalid YAML: nesting too deep") from None
    except Exception as exc:  # yaml.YAMLError, CfnParseError, and anything the decoder raises
        raise _failure(exc, path) from None
    return _convert(data, path, Location(path, 1, 1))
