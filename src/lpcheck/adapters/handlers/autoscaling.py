"""Auto Scaling groups: the Availability Zones and subnets they place instances in.

``ComputeGroup.zones``/``subnets`` are literal tuples with one entry per written element: the
element's text, or ``None`` when it is unknown (a reference to a subnet resource, a variable without
default). The *count* of a written list is known even when its elements are not, so
``[aws_subnet.a.id]`` is one subnet; a list that is itself unknown (a variable, a splat, a
``List<AWS::EC2::Subnet::Id>`` parameter without default, ``Fn::GetAZs``) stays unknown. A
comma-separated string (a ``CommaDelimitedList`` default resolved to text) is split, and so is a
list element that is one: AWS hands an Auto Scaling group its subnets as one comma-joined string, so
``[!Join [",", [!Ref A, !Ref B]]]`` or ``["subnet-a,subnet-b"]`` is two subnets. For the same reason
a group's element whose text is decided at deploy time by another stack (``Fn::ImportValue``, a
nested stack's ``Outputs.X``) may hold several subnets: its count is unknown.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import product

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.handlers._common import and_labels, branches, identity, terraform, under
from lpcheck.adapters.registry import cfn
from lpcheck.adapters.view import ResourceView
from lpcheck.location import Location
from lpcheck.model.resources import ComputeGroup
from lpcheck.model.values import Value
from lpcheck.parsers.nodes import ChoiceNode, ListNode, MapNode, Node, PartialText, ScalarNode, UnknownNode

_MAX_COMBINATIONS = 16
_UNKNOWN = object()  # an element whose presence, not only value, cannot be known


def _exported(node: UnknownNode) -> bool:
    """Text another stack decides (an export, a nested stack output): it may be a joined list."""
    reason = node.reason
    if reason.startswith(("Fn::ImportValue", "Fn::Join")):  # an export, a join of a computed list
        return True
    return reason.startswith("Fn::GetAtt") and ".Outputs." in reason


def _element(node: Node | None, item_key: str | None, joined: bool = False) -> tuple[object, ...]:
    """What one list element contributes: texts, ``None`` for each present but unknown entry, or
    ``_UNKNOWN`` when not even the count is known. ``joined``: the list reaches AWS as one
    comma-separated string (an Auto Scaling group's subnets), so an element may hold several."""
    if isinstance(node, MapNode) and item_key is not None:
        node = node.get(item_key)
        if node is None:
            return (None,)  # a mapping without an ID (e.g. an allocation only): present, unknown
    if isinstance(node, ScalarNode):
        if node.value in (None, ""):
            return (None,)
        parts = [p.strip() for p in str(node.value).split(",") if p.strip()]
        return tuple(parts) or (None,)
    if isinstance(node, PartialText) and "," in node.text:
        parts = [p.strip() for p in node.text.split(",") if p.strip()]
        return tuple(None if "${" in p else p for p in parts) or (None,)
    if isinstance(node, UnknownNode):
        return (_UNKNOWN,) if joined and _exported(node) else (None,)
    return (_UNKNOWN,)  # a nested list (flatten/concat) or map: how many it adds is unknown


def place_list(view: ResourceView, path: str, item_key: str | None = None, *, joined: bool = False) -> Value:
    """The list at ``path`` as a typed value located at its key's line (in each branch)."""
    variants = []
    for label, node, where in branches(view, path):
        value = _list_value(node, where or view.loc, item_key, joined)
        if where is not None:
            value = Value.choice([replace(v, loc=where) for v in value.variants()], where)
        variants.append(under(value, label))
    return Value.choice(variants, variants[0].loc)


def _list_value(
    node: Node | None, absent_loc: Location, item_key: str | None = None, joined: bool = False
) -> Value:
    """A written list of zones/subnets (or subnet mappings via ``item_key``) as a typed value."""
    if node is None or (isinstance(node, ScalarNode) and node.value is None):
        return Value.absent(absent_loc)
    if isinstance(node, ChoiceNode):
        options = [
            under(_list_value(opt, absent_loc, item_key, joined), label) for label, opt in node.options
        ]
        return Value.choice(options, node.loc)
    if isinstance(node, ScalarNode) and isinstance(node.value, str):
        parts = tuple(p.strip() for p in node.value.split(",") if p.strip())
        return Value.literal(parts, node.loc, node.origin)
    if not isinstance(node, ListNode):
        return Value.unknown(node.loc, ref=getattr(node, "ref", None))
    # Each element contributes one or more alternatives (Fn::If inside the list, NoValue drops it).
    alternatives: list[list[tuple[str | None, tuple[object, ...]]]] = []
    for item in node.items:
        if isinstance(item, ChoiceNode):
            alts: list[tuple[str | None, tuple[object, ...]]] = []
            for label, opt in item.options:
                alts.append((label, () if opt is None else _element(opt, item_key, joined)))
            alternatives.append(alts)
        else:
            alternatives.append([(None, _element(item, item_key, joined))])
    combos = 1
    for alts in alternatives:
        combos *= len(alts)
    if combos > _MAX_COMBINATIONS:
        return Value.unknown(node.loc, reason="too many conditional elements")
    variants = []
    for choice in product(*alternatives):
        label: str | None = None
        elements: list[object] = []
        for lbl, els in choice:
            label = and_labels(label, lbl)
            elements.extend(els)
        if any(e is _UNKNOWN for e in elements):
            variants.append(Value.unknown(node.loc).with_condition(label))
        else:
            variants.append(Value.literal(tuple(elements), node.loc, node.origin).with_condition(label))
    return Value.choice(variants, node.loc)


def add_group(view: ResourceView, ctx: AdaptContext, kind: str, zones: Value, subnets: Value) -> None:
    group = ComputeGroup(**identity(view), kind=kind, zones=zones, subnets=subnets)  # type: ignore[arg-type]
    ctx.model.add(group)


@cfn("AWS::AutoScaling::AutoScalingGroup")
def cfn_group(view: ResourceView, ctx: AdaptContext) -> None:
    zones = place_list(view, "AvailabilityZones")
    subnets = place_list(view, "VPCZoneIdentifier", joined=True)
    add_group(view, ctx, "Auto Scaling group", zones, subnets)


@terraform("aws_autoscaling_group")
def tf_group(view: ResourceView, ctx: AdaptContext) -> None:
    zones = place_list(view, "availability_zones")
    subnets = place_list(view, "vpc_zone_identifier")
    add_group(view, ctx, "Auto Scaling group", zones, subnets)
