"""SAM ``Globals``: merged into each serverless resource before any handler sees it.

The merge follows the SAM translator's documented rules (``samtranslator/plugins/globals``):
a resource's own value wins over a global one for scalars, intrinsic functions and mismatched
types; maps merge key by key (recursively, so ``Environment.Variables`` combine); lists are
concatenated, global items first. Merging happens on the unresolved tree, as SAM does, and every
merged node keeps its own location, so a finding on a global setting points at the Globals line.
We never translate SAM into plain CloudFormation: handlers register ``AWS::Serverless::*`` types.
"""

from __future__ import annotations

from lpcheck.adapters.cloudformation.intrinsics import intrinsic_of
from lpcheck.parsers.nodes import ListNode, MapNode, Node, ScalarNode

SAM_TRANSFORM_PREFIX = "AWS::Serverless"
SERVERLESS_PREFIX = "AWS::Serverless::"


def has_sam_transform(transform: Node | None) -> bool:
    """``Transform: AWS::Serverless-2016-10-31``, alone or in a list."""
    items = transform.items if isinstance(transform, ListNode) else [transform]
    return any(
        isinstance(i, ScalarNode) and isinstance(i.value, str) and i.value.startswith(SAM_TRANSFORM_PREFIX)
        for i in items
    )


def globals_by_type(globals_node: Node | None) -> dict[str, MapNode]:
    """``Globals.Function`` -> ``{"AWS::Serverless::Function": <map>}`` (malformed parts ignored)."""
    out: dict[str, MapNode] = {}
    if isinstance(globals_node, MapNode):
        for section, props in globals_node.items.items():
            if isinstance(props, MapNode):
                out[SERVERLESS_PREFIX + section] = props
    return out


def _token(node: Node | None) -> str:
    if isinstance(node, MapNode):
        return "primitive" if intrinsic_of(node) is not None else "map"
    if isinstance(node, ListNode):
        return "list"
    return "primitive"


def merge(global_value: Node, local_value: Node | None) -> Node:
    """Merge a global value with a resource's own value (None = not set on the resource)."""
    if local_value is None:
        return global_value
    kind = _token(global_value)
    if kind != _token(local_value) or kind == "primitive":
        return local_value
    if isinstance(global_value, ListNode) and isinstance(local_value, ListNode):
        return ListNode(
            loc=local_value.loc, origin=local_value.origin, items=[*global_value.items, *local_value.items]
        )
    assert isinstance(global_value, MapNode) and isinstance(local_value, MapNode)
    out = MapNode(
        loc=local_value.loc,
        origin=local_value.origin,
        items=dict(global_value.items),
        key_locs=dict(global_value.key_locs),
    )
    for key, value in local_value.items.items():
        out.items[key] = merge(global_value.items[key], value) if key in global_value.items else value
        out.key_locs[key] = local_value.key_loc(key)
    return out


def apply_globals(properties: MapNode, globals_map: MapNode) -> MapNode:
    """The resource's Properties with the Globals of its type merged in."""
    merged = merge(globals_map, properties)
    return merged if isinstance(merged, MapNode) else properties
