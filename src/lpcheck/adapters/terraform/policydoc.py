"""``data "aws_iam_policy_document"`` as the JSON document Terraform renders from it.

The evaluated data-source body (``statement`` blocks as a list of maps) becomes a ``MapNode``
shaped like the policy JSON, every element located where it is written: each statement at its
``statement {`` line, each element's key at its attribute line, each value at its own position.
``source_policy_documents`` and ``override_policy_documents`` are merged by ``Sid`` as Terraform
does when they can be resolved; a document that cannot be resolved adds an unknown statement so
rules that need the whole document (Deny subtraction) know it is incomplete.
"""

from __future__ import annotations

from lpcheck.adapters.terraform.evaluate import shift, string_mover
from lpcheck.location import Location
from lpcheck.parsers.nodes import ChoiceNode, ListNode, MapNode, Node, ScalarNode, UnknownNode

_ELEMENTS = (
    ("sid", "Sid"),
    ("actions", "Action"),
    ("not_actions", "NotAction"),
    ("resources", "Resource"),
    ("not_resources", "NotResource"),
)


def blocks(body: MapNode | None, name: str) -> list[Node]:
    """The blocks of one type in an evaluated body (a list in HCL, a map or list in JSON)."""
    if body is None:
        return []
    node = body.items.get(name)
    if isinstance(node, ListNode):
        return list(node.items)
    if node is None:
        return []
    return [node]


def build_document(
    body: MapNode, loc: Location, placeholders: set[int] | frozenset[int] = frozenset()
) -> MapNode:
    """The policy JSON that ``data.aws_iam_policy_document.<name>.json`` holds.

    ``placeholders`` are the ids of blocks that stand for a ``dynamic`` block over an unknown
    collection (zero or more blocks, every iterator-dependent value unknown): such a statement is
    an unknown statement (the document is incomplete), and such a ``principals``/
    ``not_principals`` block is not taken as present beside a real block of the other kind."""
    doc = MapNode(loc=loc)
    version = body.items.get("version")
    doc.items["Version"] = version if version is not None else ScalarNode(loc=loc, value="2012-10-17")
    doc.key_locs["Version"] = body.key_loc("version") if version is not None else loc
    policy_id = body.items.get("policy_id")
    if policy_id is not None:
        doc.items["Id"] = policy_id
        doc.key_locs["Id"] = body.key_loc("policy_id")

    statements: list[Node] = []
    for source in _documents(body, "source_policy_documents", "source_json"):
        statements.extend(_statements_of(source))
    for item in blocks(body, "statement"):
        if id(item) in placeholders:
            item = UnknownNode(
                loc=item.loc, reason="statements from a dynamic block over an unknown collection"
            )
        _merge(statements, statement(item, placeholders) if isinstance(item, MapNode) else item)
    for override in _documents(body, "override_policy_documents", "override_json"):
        for item in _statements_of(override):
            _merge(statements, item)

    first = next((s.loc for s in statements), loc)
    doc.items["Statement"] = ListNode(loc=first, items=statements)
    doc.key_locs["Statement"] = first
    return doc


def statement(block: MapNode, placeholders: set[int] | frozenset[int] = frozenset()) -> MapNode:
    """One ``statement`` block as a JSON statement."""
    out = MapNode(loc=block.loc)

    def put(key: str, node: Node | None, attr: str) -> None:
        if node is not None:
            out.items[key] = node
            out.key_locs[key] = block.key_loc(attr)

    put("Sid", block.items.get("sid"), "sid")
    effect = block.items.get("effect")
    if effect is None:
        out.items["Effect"] = ScalarNode(loc=block.loc, value="Allow")
        out.key_locs["Effect"] = block.loc
    else:
        put("Effect", effect, "effect")
    for attr, key in _ELEMENTS[1:]:
        put(key, _unset_nulls(block.items.get(attr)), attr)
    principals = blocks(block, "principals")
    not_principals = blocks(block, "not_principals")
    real = [b for b in principals if id(b) not in placeholders]
    not_real = [b for b in not_principals if id(b) not in placeholders]
    if real and not not_real:
        not_principals = []  # only stand-ins beside real principals: not there
    elif not_real and not real:
        principals = []
    elif not real and not not_real and principals:
        not_principals = []  # stand-ins of both kinds: an unknown Principal
    put("Principal", _principals(principals), "principals")
    put("NotPrincipal", _principals(not_principals), "not_principals")
    put("Condition", _conditions(blocks(block, "condition")), "condition")
    return out


def _unset_nulls(node: Node | None) -> Node | None:
    """A ``null`` element of ``actions``/``resources`` (``[var.target_arn]``, the variable left at
    its ``null`` default) is an input not set yet: Terraform refuses to render it, so it is no
    grammar error of the document but an unknown element."""
    if not isinstance(node, ListNode) or not any(_is_null(item) for item in node.items):
        return node
    items: list[Node] = [
        UnknownNode(loc=item.loc, reason="null: an input not set") if _is_null(item) else item
        for item in node.items
    ]
    return ListNode(loc=node.loc, origin=node.origin, items=items)


def _is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.value is None


def _text(node: Node | None) -> str | None:
    if isinstance(node, ScalarNode) and isinstance(node.value, str):
        return node.value
    return None


def _as_items(node: Node | None) -> list[Node]:
    if node is None:
        return []
    if isinstance(node, ListNode):
        return list(node.items)
    return [node]


def _principals(items: list[Node]) -> Node | None:
    """``principals { type, identifiers }`` blocks -> ``{"AWS": [...]}``; type ``*`` -> ``"*"``."""
    if not items:
        return None
    result = MapNode(loc=items[0].loc)
    star: Node | None = None
    for block in items:
        if not isinstance(block, MapNode):
            return UnknownNode(loc=block.loc, reason="computed principals", ref=getattr(block, "ref", None))
        kind = _text(block.items.get("type"))
        identifiers = block.items.get("identifiers")
        if kind is None:
            return UnknownNode(loc=block.loc, reason="principal type is not literal")
        if kind == "*":
            star = ScalarNode(loc=identifiers.loc if identifiers is not None else block.loc, value="*")
            continue
        existing = result.items.get(kind)
        merged = ListNode(
            loc=existing.loc if existing is not None else (identifiers or block).loc,
            items=[*_as_items(existing), *_as_items(identifiers)],
        )
        if isinstance(identifiers, (UnknownNode, ChoiceNode)) and existing is None:
            result.items[kind] = identifiers
        else:
            result.items[kind] = merged
        result.key_locs.setdefault(kind, block.key_loc("type"))
    if star is not None:
        return star
    return result


def _conditions(items: list[Node]) -> Node | None:
    """``condition { test, variable, values }`` blocks -> ``{test: {variable: values}}``."""
    if not items:
        return None
    result = MapNode(loc=items[0].loc)
    for block in items:
        if not isinstance(block, MapNode):
            return UnknownNode(loc=block.loc, reason="computed condition")
        test = _text(block.items.get("test"))
        variable = _text(block.items.get("variable"))
        if test is None or variable is None:
            return UnknownNode(loc=block.loc, reason="condition test or variable is not literal")
        values = block.items.get("values")
        if values is None:
            values = ListNode(loc=block.loc)
        inner = result.items.get(test)
        if not isinstance(inner, MapNode):
            inner = MapNode(loc=block.loc)
            result.items[test] = inner
            result.key_locs[test] = block.key_loc("test")
        previous = inner.items.get(variable)
        if previous is not None:
            values = ListNode(loc=previous.loc, items=[*_as_items(previous), *_as_items(values)])
        inner.items[variable] = values
        inner.key_locs[variable] = block.key_loc("variable")
    return result


def _documents(body: MapNode, *names: str) -> list[Node]:
    out: list[Node] = []
    for name in names:
        node = body.items.get(name)
        if node is None:
            continue
        if isinstance(node, ListNode):
            out.extend(node.items)
        else:
            out.append(node)
    return out


def _statements_of(document: Node) -> list[Node]:
    """The statements of a resolved document (a map, or a JSON string); one unknown if not."""
    node: Node | None = document
    if isinstance(document, ScalarNode) and isinstance(document.value, str):
        node = _parse(document)
    if isinstance(node, MapNode):
        found = node.iget("Statement")
        if found is None:
            return []
        value = found[1]
        if isinstance(value, ListNode):
            return list(value.items)
        return [value]
    return [
        UnknownNode(
            loc=document.loc, reason="policy document not resolvable", ref=getattr(document, "ref", None)
        )
    ]


def _parse(node: ScalarNode) -> Node | None:
    from lpcheck.errors import ParseFailure
    from lpcheck.parsers.jsonpos import parse_json

    text = node.value
    if not isinstance(text, str) or not text.strip().startswith("{"):
        return None
    try:
        tree = parse_json(text, node.loc.path)
    except (ParseFailure, RecursionError):
        return None
    return shift(tree, string_mover(node.loc))


def _sid(node: Node) -> str | None:
    if isinstance(node, MapNode):
        found = node.iget("Sid")
        if found is not None:
            return _text(found[1]) or None
    return None


def _merge(statements: list[Node], item: Node) -> None:
    """Add a statement; one with the ``Sid`` of an earlier statement replaces it."""
    sid = _sid(item)
    if sid:
        for i, existing in enumerate(statements):
            if _sid(existing) == sid:
                statements[i] = item
                return
    statements.append(item)
