"""Terraform's JSON syntax (``.tf.json``) read into the same blocks as native HCL.

The JSON is parsed with positions; its structure (``resource`` -> type -> name -> body, with
arrays allowed at every level) becomes ``Block``s, and attribute values become ``JExpr``s whose
strings are templates (``"${var.x}"``), so the module code treats both syntaxes alike. Blocks and
attributes cannot be told apart without the provider schema: a nested object stays a map, which
the resource views read the same way as a block. ``dynamic`` blocks and ``terraform.backend``
are recognised explicitly. A variable's ``default`` is literal JSON, as Terraform reads it.
"""

from __future__ import annotations

from lpcheck.adapters.terraform.evaluate import JExpr, LitExpr
from lpcheck.parsers.hcl import Attr, Block, Body
from lpcheck.parsers.nodes import ListNode, MapNode, Node

_LABELLED = ("variable", "output", "module", "provider")


def _objects(node: Node | None) -> list[MapNode]:
    """JSON allows an object or an array of objects wherever a block may repeat."""
    if isinstance(node, MapNode):
        return [node]
    if isinstance(node, ListNode):
        return [item for item in node.items if isinstance(item, MapNode)]
    return []


def read_json_config(root: Node) -> Body:
    """The top-level body of a ``.tf.json`` file."""
    body = Body()
    if not isinstance(root, MapNode):
        return body
    for key, value in root.items.items():
        for obj in _objects(value):
            if key in ("resource", "data"):
                for rtype, by_name in obj.items.items():
                    for named in _objects(by_name):
                        for name, spec in named.items.items():
                            for one in _objects(spec):
                                body.blocks.append(
                                    Block(key, [rtype, name], named.key_loc(name), block_body(one))
                                )
            elif key in _LABELLED:
                for name, spec in obj.items.items():
                    for one in _objects(spec):
                        body.blocks.append(
                            Block(key, [name], obj.key_loc(name), block_body(one, literal=key == "variable"))
                        )
            elif key == "locals":
                body.blocks.append(Block("locals", [], root.key_loc(key), block_body(obj)))
            elif key == "terraform":
                body.blocks.append(Block("terraform", [], root.key_loc(key), _terraform_body(obj)))
    return body


def block_body(obj: MapNode, literal: bool = False) -> Body:
    """A block's body: every key an attribute (``dynamic`` keys become blocks)."""
    body = Body()
    for key, value in obj.items.items():
        if key == "//":
            continue
        if key == "dynamic":
            for dyn in _objects(value):
                for label, spec in dyn.items.items():
                    for one in _objects(spec):
                        body.blocks.append(Block("dynamic", [label], dyn.key_loc(label), _dynamic_body(one)))
            continue
        expr = LitExpr(value) if literal and key == "default" else JExpr(value)
        body.attrs[key] = Attr(key, obj.key_loc(key), expr)
    return body


def _dynamic_body(obj: MapNode) -> Body:
    body = Body()
    for key, value in obj.items.items():
        if key == "content":
            for one in _objects(value):
                body.blocks.append(Block("content", [], obj.key_loc(key), block_body(one)))
        elif key != "//":
            body.attrs[key] = Attr(key, obj.key_loc(key), JExpr(value))
    return body


def _terraform_body(obj: MapNode) -> Body:
    body = Body()
    for key, value in obj.items.items():
        if key in ("backend", "cloud"):
            for one in _objects(value):
                if key == "cloud":
                    body.blocks.append(Block(key, [], obj.key_loc(key), block_body(one)))
                    continue
                for label, spec in one.items.items():
                    for inner in _objects(spec):
                        body.blocks.append(Block(key, [label], one.key_loc(label), block_body(inner)))
        elif key != "//":
            body.attrs[key] = Attr(key, obj.key_loc(key), JExpr(value))
    return body
