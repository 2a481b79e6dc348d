"""A read-only view of one resource's resolved body, shared by CloudFormation and Terraform.

Front-ends resolve a resource (parameters, variables, intrinsics, locals) into a ``MapNode``; a
handler reads it through this view and gets typed ``Value``s back: absent paths become
``Value.absent`` located at the resource's first line, so a finding on a missing setting points
where the catalog says it must.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lpcheck.location import Location
from lpcheck.model.values import Value
from lpcheck.parsers.nodes import ChoiceNode, ListNode, MapNode, Node, ScalarNode, UnknownNode


def value_of(node: Node | None, absent_loc: Location | None) -> Value:
    """The typed value of a node: literal, absent (None), unknown, or a choice of those."""
    if node is None:
        return Value.absent(absent_loc)
    if isinstance(node, ScalarNode):
        return Value.literal(node.value, node.loc, node.origin)
    if isinstance(node, UnknownNode):
        return Value.unknown(node.loc, ref=node.ref, reason=node.reason)
    if isinstance(node, ChoiceNode):
        opts = [value_of(n, absent_loc).with_condition(label) for label, n in node.options]
        return Value.choice(opts, node.loc)
    return Value.literal(node, node.loc, node.origin)  # a map or list: rules look inside


def walk(node: Node | None, parts: list[str]) -> Node | None:
    """Follow a dotted path; lists (Terraform blocks, CFN lists) are searched item by item.

    An unknown node on the way makes the whole path unknown rather than absent."""
    if node is None or not parts:
        return node
    head, rest = parts[0], parts[1:]
    if isinstance(node, UnknownNode):
        return node
    if isinstance(node, MapNode):
        child = node.items.get(head)
        return walk(child, rest) if child is not None else None
    if isinstance(node, ListNode):
        if head.isdigit():
            idx = int(head)
            return walk(node.items[idx], rest) if idx < len(node.items) else None
        for item in node.items:
            found = walk(item, parts)
            if found is not None:
                return found
        return None
    if isinstance(node, ChoiceNode):
        options = [(label, walk(n, parts)) for label, n in node.options]
        if all(n is None for _, n in options):
            return None
        return ChoiceNode(loc=node.loc, options=options)
    return None


@dataclass(slots=True)
class ResourceView:
    address: str  # CloudFormation logical ID, or Terraform "type.name"
    type: str
    loc: Location
    body: MapNode | None
    names: tuple[str, ...] = ()
    condition: str | None = None
    count: int | None = 1  # Terraform count/for_each when literal; None = unknown
    extra: dict[str, object] = field(default_factory=dict)

    def node(self, path: str) -> Node | None:
        return walk(self.body, path.split(".")) if path else self.body

    def value(self, path: str) -> Value:
        return value_of(self.node(path), self.loc)

    def has(self, path: str) -> bool:
        return self.node(path) is not None

    def key_loc(self, path: str) -> Location:
        """The line of the key itself (``MultiAZ:``, ``multi_az =``), else the resource line."""
        parts = path.split(".")
        parent = walk(self.body, parts[:-1]) if len(parts) > 1 else self.body
        if isinstance(parent, ListNode) and parent.items:
            parent = parent.items[0]
        if isinstance(parent, MapNode) and parts[-1] in parent.key_locs:
            return parent.key_locs[parts[-1]]
        node = self.node(path)
        return node.loc if node is not None else self.loc

    def sub(self, path: str) -> list[ResourceView]:
        """Views over each map found at ``path`` (repeated Terraform blocks, CFN lists of maps)."""
        node = self.node(path)
        items: list[Node] = node.items if isinstance(node, ListNode) else [node] if node else []
        return [
            ResourceView(self.address, self.type, item.loc, item, self.names, self.condition, self.count)
            for item in items
            if isinstance(item, MapNode)
        ]
