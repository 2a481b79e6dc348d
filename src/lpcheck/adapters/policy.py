"""Build a ``PolicyDocument`` from whatever a front-end resolved a policy property to.

A policy arrives as a map (a JSON file, a CloudFormation ``PolicyDocument``, a Terraform
``jsonencode``), or as a string holding JSON (a heredoc, a CloudFormation string, a plan value, an
URL-encoded ``get-policy-version`` document). Strings are parsed with positions and shifted to where
the string is written, so statement findings point at the statement's own line inside a heredoc.

Everything here is lenient: elements are read case-insensitively (the keys as written are kept for
LP109, which reports wrong case), odd shapes become unknown or malformed values, and nothing raises.
"""

from __future__ import annotations

from collections.abc import Callable

from lpcheck.iam.markers import MALFORMED, NOT_AN_OBJECT
from lpcheck.location import Location
from lpcheck.model.iam import Condition, PolicyDocument, PolicyKind, Principal, Statement
from lpcheck.model.values import Value
from lpcheck.parsers.nodes import ChoiceNode, ListNode, MapNode, Node, ScalarNode, UnknownNode

_PRINCIPAL_KINDS = {k.lower(): k for k in ("AWS", "Service", "Federated", "CanonicalUser")}


def build_policy(node: Node, kind: PolicyKind, owner: str) -> PolicyDocument | None:
    """The document ``node`` holds, or None when it holds none we can read (unknown, not JSON)."""
    try:
        return _build(node, kind, owner)
    except Exception:  # never let an odd input stop the scan; an unreadable policy is unknown
        return None


def _build(node: Node, kind: PolicyKind, owner: str) -> PolicyDocument | None:
    if isinstance(node, ScalarNode):
        parsed = parse_embedded(node)
        if parsed is None:
            return None
        node = parsed
    elif isinstance(node, UnknownNode):
        parsed = unresolved_sub(node)
        if parsed is None:
            return None
        node = parsed
    if isinstance(node, ChoiceNode):
        return _build_choice(node, kind, owner)
    if not isinstance(node, MapNode):
        return None
    doc = PolicyDocument(
        loc=node.loc,
        kind=kind,
        owner=owner,
        version=Value.absent(node.loc),
        top_keys=[(k, node.key_loc(k)) for k in node.items],
    )
    found = node.iget("Version")
    if found is not None:
        doc.version = _scalar_value(found[1])
    found = node.iget("Statement")
    if found is not None:
        _add_statements(doc, found[1], None)
    return doc


def _build_choice(node: ChoiceNode, kind: PolicyKind, owner: str) -> PolicyDocument | None:
    """A whole document under a condition: one document whose statements carry their branch.

    Consistent with the handlers' ``add_policy`` (one document per branch): every statement is
    tagged with its branch, so a Deny of one branch never cancels an Allow of another (the analysis
    lets a conditional Deny cancel only Allows of the same branch), each branch's ``Version`` is
    kept as a conditional value, and statement numbers restart in each branch as they do in AWS."""
    docs: list[tuple[str, PolicyDocument]] = []
    unreadable = False
    for label, option in node.options:
        if option is None:
            continue
        doc = _build(option, kind, owner)
        if doc is None:
            unreadable = True
            continue
        for statement in doc.statements:
            statement.condition = _join(label, statement.condition)
        docs.append((label, doc))
    if not docs:
        return None
    merged = docs[0][1]
    if len(docs) > 1:
        merged.version = Value.choice([d.version.with_condition(label) for label, d in docs], merged.loc)
        for _, doc in docs[1:]:
            merged.statements.extend(doc.statements)
            merged.top_keys.extend(doc.top_keys)
            merged.complete = merged.complete and doc.complete
    merged.complete = merged.complete and not unreadable
    return merged


def unresolved_sub(node: UnknownNode) -> Node | None:
    """The JSON document a string holds when some of its parts cannot be resolved
    (``"arn:aws:s3:::${Bucket}/*"`` in an ``Fn::Sub`` or ``Fn::Join``). The CloudFormation front-end
    keeps the text with the unresolved parts written ``${Name}`` (``PartialText.text`` and its
    layout; without them, the ``Fn::Sub`` reason). Strings still holding a ``${Variable}`` become
    unknown values; IAM policy variables (``${aws:username}``, written ``${!aws:username}`` in the
    template) stay literal. Without a layout everything is placed at the node itself, as for a JSON
    string in a JSON file."""
    text = getattr(node, "text", None)
    spans = _layout(node)
    if not isinstance(text, str) or not text:
        reason = node.reason or ""
        if not reason.startswith("Fn::Sub "):
            return None
        text, spans = reason[len("Fn::Sub ") :], None
    if not text.strip().startswith("{"):
        return None
    tree = _parse(text, node.loc)
    if tree is None:
        return None
    at = node.loc
    _relocate(tree, _span_mover(text, at, spans) if spans else (lambda _loc: (at, None)), node.origin)
    return _unknown_parts(tree, node)


def _unknown_parts(tree: Node | None, whole: UnknownNode) -> Node | None:
    """Strings of ``tree`` with an unresolved template variable become unknown values."""
    if isinstance(tree, ScalarNode):
        if isinstance(tree.value, str) and _has_template_variable(tree.value):
            return UnknownNode(loc=tree.loc, reason=f"Fn::Sub {tree.value}", ref=whole.ref)
        return tree
    if isinstance(tree, MapNode):
        tree.items = {k: v for k, c in tree.items.items() if (v := _unknown_parts(c, whole)) is not None}
    elif isinstance(tree, ListNode):
        tree.items = [v for c in tree.items if (v := _unknown_parts(c, whole)) is not None]
    return tree


def _has_template_variable(text: str) -> bool:
    """``${Bucket}``, ``${Role.Arn}``, ``${AWS::AccountId}``; not ``${aws:username}``."""
    start = text.find("${")
    while start != -1:
        end = text.find("}", start)
        if end == -1:
            return False
        name = text[start + 2 : end]
        if ":" not in name or "::" in name:
            return True
        start = text.find("${", end)
    return False


def parse_embedded(node: ScalarNode) -> Node | None:
    """The JSON a string node holds, positioned where the string is written; None if not JSON."""
    text = node.value
    if not isinstance(text, str):
        return None
    stripped = text.strip()
    encoded = stripped[:3].upper() == "%7B"
    if encoded:  # URL-encoded, as the IAM API returns documents
        from urllib.parse import unquote

        text = unquote(stripped)
        stripped = text.strip()
    if not stripped.startswith(("{", "[")):
        return None
    tree = _parse(text, node.loc)
    if tree is None:
        return None
    spans = None if encoded else _layout(node)
    _relocate(tree, _span_mover(text, node.loc, spans) if spans else _shift_mover(node.loc), node.origin)
    return tree


def _parse(text: str, at: Location) -> Node | None:
    from lpcheck.errors import ParseFailure
    from lpcheck.parsers.jsonpos import parse_json

    try:
        return parse_json(text, at.path)
    except (ParseFailure, RecursionError, ValueError):
        return None


def _layout(node: Node) -> tuple | None:
    """Where the pieces of a composed or block-scalar string are written, when the front-end knows
    (the CloudFormation front-end's ``TextNode``/``PartialText`` carry ``spans``)."""
    spans = getattr(node, "spans", None)
    return tuple(spans) if spans else None


Mover = Callable[[Location], tuple[Location, "str | None"]]


def _shift_mover(base: Location) -> Mover:
    """Positions relative to the string onto the file, the string's own location being where its
    first character is written.

    In a JSON file (CloudFormation JSON, ``.tf.json``, a plan) a policy string is one physical line
    whose newlines are ``\\n`` escapes, so everything inside it is placed at the string itself."""
    one_line = base.path.lower().endswith(".json")

    def move(loc: Location) -> tuple[Location, str | None]:
        if one_line:
            return base, None
        # Every line of the text starts at the string's column: 1 for a heredoc, the indentation
        # for a YAML block scalar or an indented heredoc (``<<-``) whose indentation was stripped.
        return Location(base.path, base.line + loc.line - 1, base.column + loc.column - 1), None

    return move


def _span_mover(text: str, base: Location, spans: tuple) -> Mover:
    """Positions through the string's layout: each piece of an ``Fn::Sub``/``Fn::Join`` where it is
    written (a block-scalar template line by line, a substituted parameter default at its use, with
    the default named as the piece's origin)."""
    from lpcheck.secrets.layout import locate, span_at

    starts = [0]
    for index, char in enumerate(text):
        if char == "\n":
            starts.append(index + 1)

    def move(loc: Location) -> tuple[Location, str | None]:
        line = min(max(loc.line, 1), len(starts))
        offset = min(starts[line - 1] + max(loc.column, 1) - 1, max(len(text) - 1, 0))
        return locate(base, text, offset, spans), span_at(spans, offset).origin

    return move


def _relocate(node: Node | None, move: Mover, origin: str | None) -> None:
    """Place every node (and map key) of a parsed string where it is written in the file."""
    if node is None:
        return
    node.loc, piece_origin = move(node.loc)
    if node.origin is None:
        node.origin = piece_origin or origin
    if isinstance(node, MapNode):
        node.key_locs = {k: move(v)[0] for k, v in node.key_locs.items()}
        for child in node.items.values():
            _relocate(child, move, origin)
    elif isinstance(node, ListNode):
        for child in node.items:
            _relocate(child, move, origin)
    elif isinstance(node, ChoiceNode):
        for _, child in node.options:
            _relocate(child, move, origin)


# -- statements ----------------------------------------------------------------------------------


def _join(outer: str | None, inner: str | None) -> str | None:
    if outer and inner:
        return f"{outer} and {inner}"
    return outer or inner


def _add_statements(doc: PolicyDocument, node: Node | None, condition: str | None) -> None:
    if node is None:
        return
    if isinstance(node, UnknownNode):
        doc.complete = False
    elif isinstance(node, ChoiceNode):
        for label, option in node.options:
            _add_statements(doc, option, _join(condition, label))
    elif isinstance(node, ListNode):
        for item in node.items:
            if isinstance(item, ListNode):  # a nested list is not a statement
                doc.statements.append(_not_an_object(item, len(doc.statements), condition))
            else:
                _add_statements(doc, item, condition)
    elif isinstance(node, MapNode):
        doc.statements.append(_statement(node, len(doc.statements), condition))
    else:
        doc.statements.append(_not_an_object(node, len(doc.statements), condition))


def _not_an_object(node: Node, index: int, condition: str | None) -> Statement:
    return Statement(
        loc=node.loc,
        index=index,
        sid=Value.absent(node.loc),
        effect=Value.unknown(node.loc, reason=NOT_AN_OBJECT),
        condition=condition,
    )


def _is_null(node: Node) -> bool:
    """A ``null`` element: Terraform renders an unset optional attribute (``not_actions =
    try(each.value.not_actions, null)``) this way, and means "not set"."""
    return isinstance(node, ScalarNode) and node.value is None


def _statement(node: MapNode, index: int, condition: str | None) -> Statement:
    # Elements set to null are not set (see ``_is_null``): drop them before reading anything.
    if any(_is_null(v) for v in node.items.values()):
        kept = {k: v for k, v in node.items.items() if not _is_null(v)}
        node = MapNode(loc=node.loc, origin=node.origin, items=kept, key_locs=node.key_locs)

    def element(name: str) -> Node | None:
        found = node.iget(name)
        return found[1] if found is not None else None

    sid = element("Sid")
    effect = element("Effect")
    statement = Statement(
        loc=node.loc,
        index=index,
        sid=_scalar_value(sid) if sid is not None else Value.absent(node.loc),
        effect=_scalar_value(effect) if effect is not None else Value.absent(node.loc),
        actions=_strings(element("Action")),
        not_actions=_strings(element("NotAction")),
        resources=_strings(element("Resource")),
        not_resources=_strings(element("NotResource")),
        keys=[(k, node.key_loc(k)) for k in node.items],
        condition=condition,
    )
    principal = node.iget("Principal")
    if principal is not None:
        statement.principal = _principal(principal[1], node.key_loc(principal[0]))
    not_principal = node.iget("NotPrincipal")
    if not_principal is not None:
        statement.not_principal = _principal(not_principal[1], node.key_loc(not_principal[0]))
    conditions = element("Condition")
    if conditions is not None:
        statement.conditions, statement.conditions_unknown = _conditions(conditions)
    return statement


def _unknown_value(node: UnknownNode) -> Value:
    """An unresolvable element. A partly resolved string (``PartialText``) is described by its text,
    unresolved parts written ``${Name}``: two values written alike are the same value (a Deny and an
    Allow on ``arn:aws:execute-api:${AWS::Region}:...``), and LP106 can read an ARN's shape."""
    text = getattr(node, "text", None)
    reason = f"Fn::Sub {text}" if isinstance(text, str) and text else node.reason
    return Value.unknown(node.loc, ref=node.ref, reason=reason)


def _scalar_value(node: Node) -> Value:
    if isinstance(node, ScalarNode):
        return Value.literal(node.value, node.loc, node.origin)
    if isinstance(node, UnknownNode):
        return _unknown_value(node)
    if isinstance(node, ChoiceNode):
        options = [
            _scalar_value(n).with_condition(label) if n is not None else Value.absent(node.loc)
            for label, n in node.options
        ]
        return Value.choice(options, node.loc)
    return Value.unknown(node.loc, reason=MALFORMED)


def _strings(node: Node | None, condition: str | None = None) -> list[Value] | None:
    """An element that is a string or a list of strings, flattened: one Value per string, each
    carrying its location and the template condition it exists under. None = element absent."""
    if node is None:
        return None
    out: list[Value] = []
    _collect(node, condition, out, top=True)
    return out


def _collect(node: Node | None, condition: str | None, out: list[Value], *, top: bool) -> None:
    if node is None:
        return
    if isinstance(node, ScalarNode):
        out.append(Value.literal(node.value, node.loc, node.origin).with_condition(condition))
    elif isinstance(node, UnknownNode):
        unknown = _unknown_value(node)
        out.append(unknown.with_condition(condition))
    elif isinstance(node, ChoiceNode):
        for label, option in node.options:
            _collect(option, _join(condition, label), out, top=top)
    elif isinstance(node, ListNode) and top:
        for item in node.items:
            _collect(item, condition, out, top=False)
    else:  # a map, or a list inside the list: AWS rejects it (LP109)
        out.append(Value.literal(node, node.loc, node.origin).with_condition(condition))


def _principal(node: Node, key_loc: Location) -> Principal:
    principal = Principal(loc=key_loc)
    _principal_entries(node, None, principal.entries)
    return principal


def _principal_entries(node: Node | None, condition: str | None, entries: list[tuple[str, Value]]) -> None:
    if node is None:
        return
    if isinstance(node, ScalarNode):
        entries.append(("*", Value.literal(node.value, node.loc, node.origin).with_condition(condition)))
    elif isinstance(node, ChoiceNode):
        for label, option in node.options:
            _principal_entries(option, _join(condition, label), entries)
    elif isinstance(node, MapNode):
        for key, child in node.items.items():
            kind = _PRINCIPAL_KINDS.get(key.lower(), key)
            for value in _strings(child, condition) or []:
                entries.append((kind, value))
    elif isinstance(node, UnknownNode):
        entries.append(("unknown", _unknown_value(node)))
    else:
        entries.append(("malformed", Value.unknown(node.loc, reason=MALFORMED)))


def _conditions(node: Node) -> tuple[list[Condition], bool]:
    """Flatten ``{operator: {key: value(s)}}``. A block whose operators or keys cannot be read
    is marked unknown; an unresolvable *value* stays an unknown Value of a known condition (a
    ``StringNotEquals aws:SourceVpce <endpoint id>`` is still a restriction on the VPC endpoint)."""
    if not isinstance(node, MapNode):
        return [], True
    out: list[Condition] = []
    unknown = False
    for operator, body in node.items.items():
        if not isinstance(body, MapNode):
            unknown = True
            continue
        for key, raw in body.items.items():
            values = _strings(raw) or []
            out.append(Condition(operator=operator, key=key, values=values, loc=body.key_loc(key)))
    return out, unknown
