"""``Fn::ForEach`` (the ``AWS::LanguageExtensions`` transform): expand loops in Resources/Outputs.

A loop ``Fn::ForEach::Name: [Identifier, Collection, {OutputKey: OutputValue}]`` stamps out one
entry per collection item, replacing ``${Identifier}``/``&{Identifier}`` in the key and
``Ref: Identifier`` / ``${Identifier}`` in the value. Without expansion the resources would be
invisible to every rule. A collection that cannot be resolved (a parameter without default) leaves
the loop out: we cannot know which resources it creates.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lpcheck.parsers.nodes import ChoiceNode, ListNode, MapNode, Node, ScalarNode

FOREACH_PREFIX = "Fn::ForEach::"
MAX_ITEMS = 200  # per loop; a larger literal collection is truncated rather than stalling a scan
MAX_NESTING = 5


def _substitute(node: Node, replace: Callable[[str], str], ident: str, value: str) -> Node:
    if isinstance(node, ScalarNode):
        if isinstance(node.value, str) and ident in node.value:
            return ScalarNode(loc=node.loc, value=replace(node.value), origin=node.origin)
        return node
    if isinstance(node, MapNode):
        ref = node.items.get("Ref") if len(node.items) == 1 else None
        if isinstance(ref, ScalarNode) and ref.value == ident:
            return ScalarNode(loc=node.loc, value=value)
        # Keys too: a nested loop's output keys name the outer identifier as well.
        out = MapNode(loc=node.loc, origin=node.origin)
        for k, v in node.items.items():
            new_key = replace(k) if ident in k else k
            out.items[new_key] = _substitute(v, replace, ident, value)
            out.key_locs[new_key] = node.key_loc(k)
        return out
    if isinstance(node, ListNode):
        return ListNode(
            loc=node.loc,
            origin=node.origin,
            items=[_substitute(i, replace, ident, value) for i in node.items],
        )
    if isinstance(node, ChoiceNode):
        return ChoiceNode(
            loc=node.loc,
            origin=node.origin,
            options=[(lb, _substitute(n, replace, ident, value) if n else n) for lb, n in node.options],
        )
    return node


def expand_foreach(
    section: MapNode, collection_of: Callable[[Node], list[str] | None], depth: int = 0
) -> MapNode:
    """``section`` with every ``Fn::ForEach::*`` entry replaced by the entries it generates.

    ``collection_of`` resolves a loop's collection node to literal strings (None if unknown)."""
    if not any(k.startswith(FOREACH_PREFIX) for k in section.items) or depth > MAX_NESTING:
        return section
    out = MapNode(loc=section.loc, origin=section.origin)
    for key, value in section.items.items():
        if not key.startswith(FOREACH_PREFIX):
            out.items[key] = value
            out.key_locs[key] = section.key_loc(key)
            continue
        if not isinstance(value, ListNode) or len(value.items) != 3:
            continue
        ident_node, collection, template = value.items
        ident = ident_node.value if isinstance(ident_node, ScalarNode) else None
        values = collection_of(collection)
        if not isinstance(ident, str) or not ident or values is None or not isinstance(template, MapNode):
            continue
        for item in values[:MAX_ITEMS]:
            safe = re.sub(r"[^A-Za-z0-9]", "", item)

            def replace(text: str, ident: str = ident, item: str = item, safe: str = safe) -> str:
                return text.replace("${" + ident + "}", item).replace("&{" + ident + "}", safe)

            generated = MapNode(loc=template.loc)
            for out_key, out_value in template.items.items():
                new_key = replace(out_key)
                generated.items[new_key] = _substitute(out_value, replace, ident, item)
                generated.key_locs[new_key] = template.key_loc(out_key)
            generated = expand_foreach(generated, collection_of, depth + 1)
            for k, v in generated.items.items():
                out.items[k] = v
                out.key_locs[k] = generated.key_loc(k)
    return out
