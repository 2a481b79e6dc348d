"""Helpers shared by the storage, database, messaging, compute and Lambda handlers.

They turn what a front-end resolved into the typed, positioned ``Value``s the model carries, with
the conventions every one of those handlers follows:

- **Where a value points.** A setting that is written points at its key's line (``MultiAZ:``,
  ``multi_az =``), in the branch of an ``Fn::If``/conditional that holds it; an absent setting
  points at the resource's first line, except in one branch of a choice (``AWS::NoValue``), where
  it points at the property that holds the choice.
- **Absent means unset.** A null, an empty block list or an empty map is absent: AWS's default
  applies (Terraform ``null``, a plan's empty nested block, ``PointInTimeRecoverySpecification: {}``).
- **Plans read like their configuration.** In a plan, an attribute known only after apply that
  references nothing was not configured (the provider computes it), so it is absent (see
  ``prepared``).
- **References name resources.** ``ref_address`` reduces a reference (``aws_s3_bucket.x[0]``,
  ``module.m.aws_s3_bucket.x``) to the address of the resource it designates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import wraps

from lpcheck.adapters.context import AdaptContext
from lpcheck.adapters.registry import Handler, tf
from lpcheck.adapters.view import ResourceView, value_of
from lpcheck.location import Location
from lpcheck.model.resources import EncryptedStore
from lpcheck.model.values import Value
from lpcheck.parsers.nodes import ChoiceNode, ListNode, MapNode, Node, ScalarNode, UnknownNode

# -- conditions -------------------------------------------------------------------------------------


def and_labels(a: str | None, b: str | None) -> str | None:
    """Two condition labels joined (either may be missing)."""
    if not a:
        return b
    if not b or b == a:
        return a
    return f"{a} and {b}"


def under(value: Value, label: str | None) -> Value:
    """``value`` as it holds under condition ``label`` (every variant gets the label)."""
    if not label:
        return value
    if value.options:
        return replace(value, options=tuple(under(o, label) for o in value.options))
    return replace(value, condition=and_labels(label, value.condition))


# -- reading settings -------------------------------------------------------------------------------


def _empty(node: Node | None) -> bool:
    """Null, an empty block list or an empty map: the setting is not there."""
    if node is None:
        return True
    if isinstance(node, ScalarNode):
        return node.value is None
    return isinstance(node, (ListNode, MapNode)) and not node.items


def _branches(
    node: Node | None, parts: list[str], label: str | None, key: Location | None, held: Location | None
) -> Iterator[tuple[str | None, Node | None, Location | None]]:
    """Each alternative of the value at ``parts``: (condition, leaf or None, where to point).

    ``key`` is the line of the key that holds ``node``; ``held`` the line of the property holding
    the innermost choice entered so far (where an absent branch points). Lists are searched item
    by item (Terraform blocks, CloudFormation lists of one map): the first item that has the path."""
    if isinstance(node, ChoiceNode):
        for option_label, option in node.options:
            yield from _branches(option, parts, and_labels(label, option_label), key, key or held)
        return
    if _empty(node):
        yield label, None, held
        return
    if not parts or isinstance(node, UnknownNode):
        yield label, node, key
        return
    head, rest = parts[0], parts[1:]
    if isinstance(node, MapNode):
        child = node.items.get(head)
        child_key = node.key_locs.get(head) or (child.loc if child is not None else None)
        yield from _branches(child, rest, label, child_key, held)
    elif isinstance(node, ListNode):
        if head.isdigit():
            idx = int(head)
            item = node.items[idx] if idx < len(node.items) else None
            yield from _branches(item, rest, label, key, held)
            return
        for item in node.items:
            found = list(_branches(item, parts, label, key, held))
            if any(leaf is not None for _, leaf, _ in found):
                yield from found
                return
        yield label, None, held
    else:
        yield label, None, held


def branches(view: ResourceView, path: str) -> list[tuple[str | None, Node | None, Location | None]]:
    """Each alternative of the value at dotted ``path``: (condition, node or None when absent,
    the line to point at, or None for the resource's first line)."""
    return list(_branches(view.body, path.split("."), None, None, None))


def setting(view: ResourceView, path: str) -> Value:
    """The value at dotted ``path``, each branch located where the catalog points (module doc)."""
    variants: list[Value] = []
    for label, leaf, where in branches(view, path):
        if _empty(leaf):
            variants.append(Value.absent(where or view.loc).with_condition(label))
        else:
            value = value_of(leaf, view.loc)
            variants.append(replace(value, loc=where or value.loc or view.loc).with_condition(label))
    if all(v.is_absent for v in variants):
        return Value.absent(view.loc)
    return Value.choice(variants, variants[0].loc)


def _given(v: Value) -> bool:
    if v.is_absent or (v.is_literal and v.raw is None):
        return False
    # A written "" names nothing; a "" that is a parameter's default may be overridden (and is,
    # in the branch of a condition that tests the parameter is not empty): not known to be empty.
    return not (v.is_literal and v.raw == "" and not v.origin)


def is_set(value: Value) -> bool:
    """Whether any branch of ``value`` is given: written (possibly unknown) and not a literal
    empty string or null."""
    return any(_given(v) for v in value.variants())


def first_setting(view: ResourceView, *paths: str) -> Value:
    """The first of several alternative spellings that is present, else absent."""
    for path in paths:
        value = setting(view, path)
        if is_set(value):
            return value
    return Value.absent(view.loc)


def _conjuncts(label: str | None) -> set[str]:
    return set(label.split(" and ")) if label else set()


def _inherited_branches(value: Value, source: Value, reason: str) -> Value:
    """A conditional ``value`` whose absent branches are unknown where ``source`` is given under
    the same condition (or unconditionally): ``StorageEncrypted: !If [HasSnapshot, NoValue, true]``
    with ``DBSnapshotIdentifier: !If [HasSnapshot, !Ref Snapshot, NoValue]`` inherits the
    snapshot's encryption in the snapshot branch, which is no finding."""
    given = [v for v in source.variants() if _given(v)]
    out: list[Value] = []
    changed = False
    for v in value.variants():
        if v.is_absent and any(_conjuncts(g.condition) <= _conjuncts(v.condition) for g in given):
            out.append(Value.unknown(v.loc, reason=reason).with_condition(v.condition))
            changed = True
        else:
            out.append(v)
    return Value.choice(out, value.loc) if changed else value


def inherited(value: Value, source: Value, reason: str) -> Value:
    """``value`` unless it is absent where ``source`` is present: then AWS takes it from the source.

    A whole-absent value becomes, per branch of a conditional ``source``, unknown (the source
    supplies it) or the original absent value under that branch's condition; a conditional value
    has its absent branches refined by ``_inherited_branches``."""
    if not is_set(source):
        return value
    if value.options:
        return _inherited_branches(value, source, reason)
    if not value.is_absent:
        return value
    if not source.options:
        return Value.unknown(value.loc, reason=reason)
    return Value.choice(
        [
            value.with_condition(v.condition)
            if not _given(v)
            else Value.unknown(value.loc, reason=reason).with_condition(v.condition)
            for v in source.variants()
        ],
        value.loc,
    )


def encryption(view: ResourceView, flag: str, kms: str | None, *sources: str) -> Value:
    """An encryption flag, unknown where a KMS key (intent to encrypt) or an inheriting source
    (snapshot, point-in-time restore, replica, global cluster) makes it so."""
    value = setting(view, flag)
    if kms:
        value = inherited(value, setting(view, kms), f"{kms} is set")
    for source in sources:
        value = inherited(value, setting(view, source), f"inherited from {source}")
    return value


def text(value: Value) -> str | None:
    """A literal scalar as lower-case text (``Engine: Aurora-MySQL``), else None (maps, unknown)."""
    if not value.is_literal or isinstance(value.raw, (ListNode, MapNode, dict, list)):
        return None
    s = value.as_str()
    return s.strip().lower() if s is not None else None


def lower_literal(value: Value) -> Value:
    """RDS identifiers are case-insensitive (stored lower-case): compare them lower-cased."""
    if not value.options:
        if value.is_literal and isinstance(value.raw, str):
            return replace(value, raw=value.raw.lower())
        return value
    return Value.choice([lower_literal(v) for v in value.variants()], value.loc)


def literal_names(view: ResourceView, *paths: str, lower: bool = False) -> tuple[str, ...]:
    """The resource's names for linking: the front-end's plus literal identifier properties."""
    names = list(view.names)
    for path in paths:
        v = setting(view, path)
        s = v.raw if v.is_literal and isinstance(v.raw, str) else None
        if s:
            names.append(s)
            if lower:
                names.append(s.lower())
    return tuple(dict.fromkeys(names))


def identity(view: ResourceView, names: tuple[str, ...] | None = None) -> dict[str, object]:
    """The ``Resource`` fields every model object takes from its view."""
    return {
        "address": view.address,
        "type": view.type,
        "loc": view.loc,
        "names": view.names if names is None else names,
        "condition": view.condition,
    }


def add_store(view: ResourceView, ctx: AdaptContext, kind: str, encrypted: Value) -> None:
    """An ``EncryptedStore`` (EFS, ElastiCache at rest, Kinesis) for LP305."""
    ctx.model.add(EncryptedStore(**identity(view), kind=kind, encrypted=encrypted))  # type: ignore[arg-type]


# -- Terraform --------------------------------------------------------------------------------------


def _settle(node: Node | None) -> Node | None:
    """A plan body without its after-apply values that reference nothing (see ``prepared``)."""
    if isinstance(node, MapNode):
        out = MapNode(loc=node.loc, origin=node.origin)
        for key, child in node.items.items():
            if isinstance(child, UnknownNode) and not child.ref:
                continue
            out.items[key] = _settle(child)  # type: ignore[assignment]
            out.key_locs[key] = node.key_loc(key)
        return out
    if isinstance(node, ListNode):
        items = [_settle(i) for i in node.items]
        return ListNode(loc=node.loc, origin=node.origin, items=[i for i in items if i is not None])
    return node


def settled(view: ResourceView, ctx: AdaptContext) -> ResourceView:
    """In a plan, an attribute Terraform knows only after apply and whose configuration references
    nothing was not configured: the provider computes it, i.e. AWS's default applies. Such values
    are dropped (absent), and so are the defaults the provider fills in for attributes the
    configuration does not mention, so a plan reads like its configuration. Elsewhere the view is
    unchanged."""
    if ctx.format != "terraform-plan" or view.body is None:
        return view
    body = _settle(view.body)
    assert isinstance(body, MapNode)
    expressions = view.extra.get("expressions")
    if isinstance(expressions, MapNode) and expressions.items and "dynamic" not in expressions.items:
        # The provider writes its default for every attribute the configuration leaves out
        # (``enable_key_rotation = false``, ``encryption_type = "NONE"``): what the configuration
        # does not mention was not set, so AWS's default applies and a finding belongs at the
        # resource, as it would for the configuration itself.
        for key in [k for k in body.items if k not in expressions.items]:
            del body.items[key]
            body.key_locs.pop(key, None)
    return ResourceView(
        view.address, view.type, view.loc, body, view.names, view.condition, view.count, view.extra
    )


def prepared(view: ResourceView, ctx: AdaptContext) -> ResourceView | None:
    """A Terraform view ready to adapt (plans settled), or None when the block creates nothing."""
    if view.count == 0:
        return None
    return settled(view, ctx)


def terraform(*types: str) -> Callable[[Handler], Handler]:
    """``@tf(...)`` for a handler that takes a ``prepared`` view: blocks that create nothing are
    skipped and plans are settled before the handler reads them."""

    def register(func: Handler) -> Handler:
        @wraps(func)
        def handler(view: ResourceView, ctx: AdaptContext) -> None:
            ready = prepared(view, ctx)
            if ready is not None:
                func(ready, ctx)

        tf(*types)(handler)
        return func

    return register


def live(ctx: AdaptContext, resource_type: str) -> Iterator[ResourceView]:
    """The unit's other resources of one type that are created (``count``/``for_each`` not 0)."""
    for view in ctx.resources.values():
        if view.type == resource_type and view.count != 0 and view.body is not None:
            yield view


_INDEX = re.compile(r"\[[^\]]*\]")


def ref_address(ref: str | None) -> str | None:
    """The address of the resource a reference designates.

    ``aws_s3_bucket.x[0].id`` -> ``aws_s3_bucket.x``; ``module.m[0].aws_s3_bucket.x`` ->
    ``module.m.aws_s3_bucket.x``; ``data.aws_x.y.z`` -> ``data.aws_x.y``; a CloudFormation logical
    ID is kept."""
    if not ref:
        return None
    parts = _INDEX.sub("", ref).split(".")
    prefix: list[str] = []
    while len(parts) >= 3 and parts[0] == "module":
        prefix += parts[:2]
        parts = parts[2:]
    if parts[0] == "data" and len(parts) >= 3:
        parts = parts[:3]
    elif len(parts) >= 2 and "_" in parts[0]:
        parts = parts[:2]
    return ".".join(prefix + parts)


def local_name(address: str) -> str:
    """The name a resource was given in its unit: the logical ID, or a Terraform block's label."""
    base = ref_address(address) or address
    return base.rsplit(".", 1)[-1]


def names_match(text: str, names: tuple[str, ...]) -> bool:
    """Whether a literal name or ARN designates a resource with one of ``names``."""
    return any(text == n or text.endswith(":" + n) or text.endswith("/" + n) for n in names)


def has_dynamic(body: Node | None, block: str) -> bool:
    """Whether the body keeps a ``dynamic "<block>"`` that the front-end could not expand.

    python-hcl2 reads ``dynamic "rule" { ... }`` as ``dynamic = [{rule = {...}}]``; a front-end
    that expands it replaces it by the blocks themselves."""
    if not isinstance(body, MapNode):
        return False
    dyn = body.get("dynamic")
    items = dyn.items if isinstance(dyn, ListNode) else [dyn] if dyn is not None else []
    return any(isinstance(item, MapNode) and block in item.items for item in items)


# -- nested maps ------------------------------------------------------------------------------------


def item_view(view: ResourceView, node: MapNode) -> ResourceView:
    """A view over a nested map (a block device, a replica) whose absent settings point at the
    resource's first line, as the catalog wants for every absent setting."""
    return ResourceView(view.address, view.type, view.loc, node, view.names, view.condition, view.count)


def map_items(node: Node | None, label: str | None = None) -> Iterator[tuple[MapNode, str | None]]:
    """Each map in a list (or single map), through choices, with the condition it is under.

    Unknown nodes yield nothing: nothing declared can be read there."""
    if node is None:
        return
    if isinstance(node, MapNode):
        yield node, label
    elif isinstance(node, ListNode):
        for item in node.items:
            yield from map_items(item, label)
    elif isinstance(node, ChoiceNode):
        for option_label, option in node.options:
            yield from map_items(option, and_labels(label, option_label))
