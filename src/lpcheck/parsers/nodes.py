"""The positioned tree every parser produces and every adapter reads.

JSON, YAML (via cfn-lint's decoder), HCL (evaluated) and plan JSON all become these nodes, so the
adapters resolve one shape. Every node knows its location; values that cannot be known statically
are ``UnknownNode`` (rules stay silent on them) and alternatives that depend on a condition
(CloudFormation ``Fn::If``, a Terraform conditional on an unknown predicate) are ``ChoiceNode``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lpcheck.location import Location

Scalar = str | int | float | bool | None


@dataclass(slots=True, eq=False, kw_only=True)
class Node:
    loc: Location
    # Where the value came from when that differs from where it is used
    # (e.g. "default of parameter DbPassword (template.yaml:12)").
    origin: str | None = None


@dataclass(slots=True, eq=False, kw_only=True)
class ScalarNode(Node):
    value: Scalar


@dataclass(slots=True, eq=False, kw_only=True)
class MapNode(Node):
    items: dict[str, Node] = field(default_factory=dict)
    key_locs: dict[str, Location] = field(default_factory=dict)

    def get(self, key: str) -> Node | None:
        return self.items.get(key)

    def iget(self, key: str) -> tuple[str, Node] | None:
        """Case-insensitive lookup, for IAM grammar (keys are case-sensitive in AWS but users err)."""
        low = key.lower()
        for k, v in self.items.items():
            if k.lower() == low:
                return k, v
        return None

    def key_loc(self, key: str) -> Location:
        return self.key_locs.get(key, self.loc)


@dataclass(slots=True, eq=False, kw_only=True)
class ListNode(Node):
    items: list[Node] = field(default_factory=list)


@dataclass(slots=True, eq=False, kw_only=True)
class UnknownNode(Node):
    """A value not resolvable statically; ``ref`` names the resource it points at, if any."""

    reason: str = ""
    ref: str | None = None


@dataclass(slots=True, eq=False, kw_only=True)
class TextNode(ScalarNode):
    """A string that knows where its pieces are written (a YAML block scalar, a resolved
    ``Fn::Sub``/``Fn::Join``, a Terraform ``<<-`` heredoc whose indentation was stripped); every rule
    reads it as the plain scalar it is. ``spans`` are ``lpcheck.secrets.layout.Span``s."""

    spans: tuple[Any, ...] = ()


@dataclass(slots=True, eq=False, kw_only=True)
class PartialText(UnknownNode):
    """A string with unresolvable parts (a CloudFormation ``Fn::Sub``/``Fn::Join``, a Terraform
    template): unknown to the rules, but ``text`` keeps what is written, the unknown parts as
    ``${Name}`` (``${AWS::Region}``, ``${aws_s3_bucket.b.arn}``), so two different templates over the
    same reference stay different values, a literal name at the end of an ARN can still be matched,
    and the secret rules read the text. ``spans`` (optional) lay the text out in the file."""

    text: str = ""
    spans: tuple[Any, ...] = ()


@dataclass(slots=True, eq=False, kw_only=True)
class ChoiceNode(Node):
    """Alternatives under a condition; an option of ``None`` means "absent" (``AWS::NoValue``)."""

    options: list[tuple[str, Node | None]] = field(default_factory=list)


def to_python(node: Node | None) -> Any:
    """Plain Python for a node tree (unknowns become None); for messages and tests."""
    if node is None or isinstance(node, UnknownNode):
        return None
    if isinstance(node, ScalarNode):
        return node.value
    if isinstance(node, MapNode):
        return {k: to_python(v) for k, v in node.items.items()}
    if isinstance(node, ListNode):
        return [to_python(v) for v in node.items]
    if isinstance(node, ChoiceNode):
        return [to_python(n) for _, n in node.options]
    return None


def iter_scalars(
    node: Node | None, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], ScalarNode]]:
    """Every scalar leaf with the key path that leads to it (list items contribute no key)."""
    if node is None:
        return
    if isinstance(node, ScalarNode):
        yield path, node
    elif isinstance(node, MapNode):
        for k, v in node.items.items():
            yield from iter_scalars(v, (*path, k))
    elif isinstance(node, ListNode):
        for v in node.items:
            yield from iter_scalars(v, path)
    elif isinstance(node, ChoiceNode):
        for _, v in node.options:
            yield from iter_scalars(v, path)
