"""Variable type constraints, as far as they change a value: ``optional()`` object attributes.

Terraform converts a variable's value to its declared ``type``: an ``object({...})`` attribute
declared ``optional(T)`` that the caller leaves out becomes ``null`` (or the ``optional(T, d)``
default). Modules rely on it (``statement.value.not_actions`` on a map of statements that only
sets ``actions``), so without it such a reference is an evaluation error and the whole value
becomes unknown. Only the shape is applied here (missing attributes, nested collections); other
conversions (string to number...) change nothing the rules read and are left out.

A type is read once per variable into a small tree: ``("object", {name: (type, default)})``,
``("map"|"list"|"set", type)``, ``("tuple", [types])``, or None for a primitive/``any``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lpcheck.adapters.terraform.evaluate import InstanceNode
from lpcheck.parsers.hcl import HExpr, is_tree, string_literal, subtrees
from lpcheck.parsers.nodes import ChoiceNode, ListNode, MapNode, Node, ScalarNode

if TYPE_CHECKING:
    from lpcheck.adapters.terraform.evaluate import Evaluator

TypeSpec = Any  # tuple trees as described in the module docstring, or None
MAX_DEPTH = 16


def read_type(expr: object) -> TypeSpec:
    """The shape of a ``type = ...`` expression (HCL only; None for anything else)."""
    if not isinstance(expr, HExpr):
        return None
    try:
        return _read(expr.tree, expr, 0)
    except (RecursionError, AttributeError, IndexError, TypeError):
        return None


def _bare(tree: Any) -> Any:
    while is_tree(tree) and tree.data == "expr_term":
        kids = subtrees(tree)
        if len(kids) != 1:
            break
        tree = kids[0]
    return tree


def _call(tree: Any) -> tuple[str, list[Any]] | None:
    if not is_tree(tree) or tree.data != "function_call":
        return None
    names = [c for c in tree.children if is_tree(c) and c.data == "identifier"]
    if len(names) != 1:
        return None
    args: list[Any] = []
    for c in tree.children:
        if is_tree(c) and c.data == "arguments":
            args = subtrees(c)
    return str(names[0].children[0]), args


def _read(tree: Any, expr: HExpr, depth: int) -> TypeSpec:
    if depth > MAX_DEPTH:
        return None
    call = _call(_bare(tree))
    if call is None:
        return None  # string, number, bool, any
    name, args = call
    if name in ("map", "list", "set") and len(args) == 1:
        inner = _read(args[0], expr, depth + 1)
        return (name, inner) if inner is not None else None
    if name == "tuple" and len(args) == 1:
        items = _bare(args[0])
        if is_tree(items) and items.data == "tuple":
            specs = [_read(item, expr, depth + 1) for item in subtrees(items)]
            return ("tuple", specs) if any(s is not None for s in specs) else None
        return None
    if name == "object" and len(args) == 1:
        obj = _bare(args[0])
        if not (is_tree(obj) and obj.data == "object"):
            return None
        attrs: dict[str, tuple[TypeSpec, HExpr | None]] = {}
        for elem in subtrees(obj):
            if elem.data != "object_elem":
                continue
            key = _key(elem.children[0])
            if key is None:
                continue
            attrs[key] = _attribute(elem.children[-1], expr, depth)
        return ("object", attrs)
    return None


def _attribute(tree: Any, expr: HExpr, depth: int) -> tuple[TypeSpec, HExpr | None]:
    """An object attribute's type, and the default of ``optional(T, default)`` if written."""
    call = _call(_bare(tree))
    if call is not None and call[0] == "optional" and call[1]:
        default = HExpr(call[1][1], expr.src) if len(call[1]) > 1 else None
        return _read(call[1][0], expr, depth + 1), default
    return _read(tree, expr, depth + 1), None


def _key(tree: Any) -> str | None:
    bare = _bare(tree)
    if is_tree(bare) and bare.data == "object_elem_key":
        bare = _bare(bare.children[0]) if bare.children else bare
    if is_tree(bare) and bare.data == "identifier":
        return str(bare.children[0])
    if is_tree(bare) and bare.data == "string":
        return string_literal(bare)
    return None


def convert(node: Node, spec: TypeSpec, ev: Evaluator, depth: int = 0) -> Node:
    """``node`` with the attributes its object type declares but it leaves out set (to null or
    the optional default); positions and origins are kept. Anything unknown is left as is."""
    if spec is None or depth > MAX_DEPTH or isinstance(node, InstanceNode):
        return node  # a resource instance: its attributes are what its block writes, or computed
    if isinstance(node, ChoiceNode):
        return ChoiceNode(
            loc=node.loc,
            origin=node.origin,
            options=[
                (label, convert(o, spec, ev, depth + 1) if o is not None else None)
                for label, o in node.options
            ],
        )
    kind = spec[0]
    if kind == "object" and isinstance(node, MapNode):
        out = MapNode(loc=node.loc, origin=node.origin, items=dict(node.items), key_locs=dict(node.key_locs))
        for name, (inner, default) in spec[1].items():
            value = node.items.get(name)
            missing = value is None or (isinstance(value, ScalarNode) and value.value is None)
            if missing and default is not None:
                out.items[name] = convert(ev.eval(default), inner, ev, depth + 1)
                out.key_locs.setdefault(name, node.loc)
            elif value is None:
                out.items[name] = ScalarNode(loc=node.loc, value=None)
                out.key_locs[name] = node.loc
            else:
                out.items[name] = convert(value, inner, ev, depth + 1)
        return out
    if kind == "map" and isinstance(node, MapNode):
        return MapNode(
            loc=node.loc,
            origin=node.origin,
            items={k: convert(v, spec[1], ev, depth + 1) for k, v in node.items.items()},
            key_locs=dict(node.key_locs),
        )
    if kind in ("list", "set") and isinstance(node, ListNode):
        return ListNode(
            loc=node.loc, origin=node.origin, items=[convert(v, spec[1], ev, depth + 1) for v in node.items]
        )
    if kind == "tuple" and isinstance(node, ListNode):
        specs = spec[1]
        items = [
            convert(v, specs[i] if i < len(specs) else None, ev, depth + 1) for i, v in enumerate(node.items)
        ]
        return ListNode(loc=node.loc, origin=node.origin, items=items)
    return node
