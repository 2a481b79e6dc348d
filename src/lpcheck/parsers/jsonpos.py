"""JSON with a position for every value, key and container.

The standard library's decoder keeps no positions, and cfn-lint's JSON decoder marks a container at
its first key rather than at its opening brace (a statement would point one line too low) and gives
string values no position at all. IAM findings must point at the line that opens the statement and
at the action string itself, so this small scanner reuses the C string scanner of ``json`` and
records offsets itself.
"""

from __future__ import annotations

import json.decoder
import re

from lpcheck.errors import ParseFailure
from lpcheck.parsers.nodes import ListNode, MapNode, Node, ScalarNode
from lpcheck.parsers.textpos import LineIndex

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?")
_scanstring = json.decoder.scanstring
_MAX_DEPTH = 200  # far beyond any real document, well below Python's recursion limit


class _Scanner:
    __slots__ = ("index", "text")

    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.index = LineIndex(text, path)

    def fail(self, pos: int, message: str) -> ParseFailure:
        pos = min(pos, len(self.text))
        return ParseFailure(self.index.loc(pos), f"invalid JSON: {message}")

    def value(self, pos: int, depth: int) -> tuple[Node, int]:
        text = self.text
        if depth > _MAX_DEPTH:
            raise self.fail(pos, "nesting too deep")
        try:
            ch = text[pos]
        except IndexError:
            raise self.fail(pos, "unexpected end of file, expecting a value") from None
        if ch == "{":
            return self.object(pos, depth)
        if ch == "[":
            return self.array(pos, depth)
        if ch == '"':
            try:
                s, end = _scanstring(text, pos + 1, True)
            except json.JSONDecodeError as exc:
                raise self.fail(exc.pos, exc.msg) from None
            return ScalarNode(loc=self.index.loc(pos), value=s), end
        if text.startswith("true", pos):
            return ScalarNode(loc=self.index.loc(pos), value=True), pos + 4
        if text.startswith("false", pos):
            return ScalarNode(loc=self.index.loc(pos), value=False), pos + 5
        if text.startswith("null", pos):
            return ScalarNode(loc=self.index.loc(pos), value=None), pos + 4
        m = _NUMBER.match(text, pos)
        if m and m.end() > pos:
            integer, frac, exp = m.groups()
            number: int | float = float(integer + (frac or "") + (exp or "")) if frac or exp else int(integer)
            return ScalarNode(loc=self.index.loc(pos), value=number), m.end()
        raise self.fail(pos, f"unexpected character {ch!r}, expecting a value")

    def object(self, pos: int, depth: int) -> tuple[MapNode, int]:
        text = self.text
        node = MapNode(loc=self.index.loc(pos))
        pos = _WS.match(text, pos + 1).end()
        if text.startswith("}", pos):
            return node, pos + 1
        while True:
            if not text.startswith('"', pos):
                raise self.fail(pos, "expecting a property name in double quotes")
            key_pos = pos
            try:
                key, pos = _scanstring(text, pos + 1, True)
            except json.JSONDecodeError as exc:
                raise self.fail(exc.pos, exc.msg) from None
            pos = _WS.match(text, pos).end()
            if not text.startswith(":", pos):
                raise self.fail(pos, "expecting ':' after a property name")
            pos = _WS.match(text, pos + 1).end()
            child, pos = self.value(pos, depth + 1)
            node.items.pop(key, None)  # duplicate keys: the last one wins, as in most JSON readers
            node.items[key] = child
            node.key_locs[key] = self.index.loc(key_pos)
            pos = _WS.match(text, pos).end()
            if text.startswith("}", pos):
                return node, pos + 1
            if not text.startswith(",", pos):
                raise self.fail(pos, "expecting ',' or '}' in an object")
            pos = _WS.match(text, pos + 1).end()

    def array(self, pos: int, depth: int) -> tuple[ListNode, int]:
        text = self.text
        node = ListNode(loc=self.index.loc(pos))
        pos = _WS.match(text, pos + 1).end()
        if text.startswith("]", pos):
            return node, pos + 1
        while True:
            child, pos = self.value(pos, depth + 1)
            node.items.append(child)
            pos = _WS.match(text, pos).end()
            if text.startswith("]", pos):
                return node, pos + 1
            if not text.startswith(",", pos):
                raise self.fail(pos, "expecting ',' or ']' in an array")
            pos = _WS.match(text, pos + 1).end()


def parse_json(text: str, path: str) -> Node:
    """Parse ``text`` into a positioned node tree; raises ParseFailure with line and column."""
    scanner = _Scanner(text, path)
    start = 1 if text.startswith("\ufeff") else 0
    pos = _WS.match(text, start).end()
    if pos >= len(text):
        raise scanner.fail(pos, "the file is empty")
    try:
        node, end = scanner.value(pos, 0)
    except RecursionError:
        raise scanner.fail(pos, "nesting too deep") from None
    end = _WS.match(text, end).end()
    if end != len(text):
        raise scanner.fail(end, "extra data after the JSON value")
    return node
